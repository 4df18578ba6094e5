/* Time fork+exec+wait of several programs, interleaved, as the kernel runs a hotplug helper per event. */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * usage: spawn [-n RUNS] [-r ROUNDS] NAME PROGRAM [ARGS...] -- NAME PROGRAM ...
 * Each round runs every program RUNS times in turn, so that all of them
 * see the same machine; the environment is passed through.  For each
 * program it prints the median and best round's wall time per run and
 * the median CPU time (user + system of the children) per run.
 */

#define PROGS_MAX	8
#define ROUNDS_MAX	100

struct prog {
	const char	*name;
	char		**argv;
	double		 wall[ROUNDS_MAX];
	double		 cpu[ROUNDS_MAX];
};

static double
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static double
children_cpu_us(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_CHILDREN, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
run(char **argv)
{
	extern char	**environ;
	pid_t		 pid;
	int		 fd, status;

	if ((pid = fork()) == -1) {
		perror("fork");
		exit(111);
	}
	if (pid == 0) {
		/* Their output is not what is measured. */
		if ((fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, 1);
			close(fd);
		}
		execve(argv[0], argv, environ);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			perror("waitpid");
			exit(111);
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "%s failed (status %d)\n", argv[0], status);
		exit(1);
	}
}

int
main(int argc, char *argv[])
{
	struct prog	 progs[PROGS_MAX];
	double		 t0, c0, best;
	int		 nprogs = 0, runs = 1000, rounds = 7, i, r, p, k;

	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (strcmp(argv[i], "-n") == 0)
			runs = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "-r") == 0)
			rounds = atoi(argv[i + 1]);
		else
			goto usage;
	}
	if (runs < 1 || rounds < 1 || rounds > ROUNDS_MAX)
		goto usage;
	while (i < argc) {
		if (nprogs == PROGS_MAX || i + 1 >= argc)
			goto usage;
		progs[nprogs].name = argv[i];
		progs[nprogs].argv = &argv[i + 1];
		for (i += 2; i < argc && strcmp(argv[i], "--") != 0; i++)
			;
		if (i < argc)
			argv[i++] = NULL;
		nprogs++;
	}
	if (nprogs == 0)
		goto usage;

	for (r = 0; r < rounds; r++)
		for (p = 0; p < nprogs; p++) {
			c0 = children_cpu_us();
			t0 = now_us();
			for (k = 0; k < runs; k++)
				run(progs[p].argv);
			progs[p].wall[r] = (now_us() - t0) / runs;
			progs[p].cpu[r] = (children_cpu_us() - c0) / runs;
		}

	printf("%-24s %12s %12s %12s\n", "program", "median us", "best us",
	    "cpu us");
	for (p = 0; p < nprogs; p++) {
		best = progs[p].wall[0];
		for (r = 1; r < rounds; r++)
			if (progs[p].wall[r] < best)
				best = progs[p].wall[r];
		printf("%-24s %12.1f %12.1f %12.1f\n", progs[p].name,
		    median(progs[p].wall, rounds), best,
		    median(progs[p].cpu, rounds));
	}
	return 0;

usage:
	fprintf(stderr, "usage: spawn [-n RUNS] [-r ROUNDS] NAME PROGRAM "
	    "[ARGS...] [-- NAME PROGRAM [ARGS...]]...\n");
	return 100;
}
