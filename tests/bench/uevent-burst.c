/*
 * uevent-burst: make the kernel emit a burst of real uevents by writing
 * an action to uevent files, round-robin, from one process (a shell echo
 * per event would measure fork, not the daemon).
 *
 *	uevent-burst [-a ACTION] [-n COUNT] [-l FILE] [-w PATH] [FILE...]
 *
 * Without FILEs it uses every device under /sys/dev/char and
 * /sys/dev/block but the one of -l.  -l FILE writes "add" to FILE once more at the end (the
 * sentinel of the benchmark); -w PATH then waits, polling every 0.2 ms,
 * until PATH exists (the daemon made the sentinel's node).  It prints
 * "FIRST LAST WRITES MS": the kernel's SEQNUM before the first and after
 * the last write, the writes done and the milliseconds from the first
 * write to the end of the wait.
 */
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FILES_MAX	4096

static int	 fds[FILES_MAX];
static int	 nfds;
static char	 skip[4096];	/* the sentinel device, left out of the burst */

static void
add_file(const char *path)
{
	int	 fd;

	if (nfds == FILES_MAX)
		return;
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "uevent-burst: %s: %s\n", path,
		    strerror(errno));
		return;
	}
	fds[nfds++] = fd;
}

static void
add_dir(const char *dir)
{
	char		 path[512], real[4096];
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/uevent", dir, de->d_name);
		if (skip[0] != '\0' && realpath(path, real) != NULL &&
		    strcmp(real, skip) == 0)
			continue;
		add_file(path);
	}
	closedir(d);
}

static unsigned long long
kernel_seqnum(void)
{
	unsigned long long	 v = 0;
	FILE			*f = fopen("/sys/kernel/uevent_seqnum", "r");

	if (f != NULL) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	const char		*action = "change", *last = NULL;
	const char		*wait_path = NULL;
	struct timespec		 tick = { 0, 200000 };
	unsigned long		 count = 1000, i, done = 0;
	unsigned long long	 first, final;
	struct timespec		 t0, t1;
	size_t			 alen;
	int			 ch, fd;

	while ((ch = getopt(argc, argv, "a:l:n:w:")) != -1) {
		switch (ch) {
		case 'a':
			action = optarg;
			break;
		case 'l':
			last = optarg;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			wait_path = optarg;
			break;
		default:
			fprintf(stderr, "usage: uevent-burst [-a ACTION] "
			    "[-n COUNT] [-l FILE] [-w PATH] [FILE...]\n");
			return 100;
		}
	}
	for (; optind < argc; optind++)
		add_file(argv[optind]);
	if (last != NULL && realpath(last, skip) == NULL)
		skip[0] = '\0';
	if (nfds == 0) {
		add_dir("/sys/dev/char");
		add_dir("/sys/dev/block");
	}
	if (nfds == 0) {
		fprintf(stderr, "uevent-burst: no uevent file to write\n");
		return 1;
	}
	alen = strlen(action);
	first = kernel_seqnum();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < count; i++)
		if (write(fds[i % (unsigned long)nfds], action, alen) ==
		    (ssize_t)alen)
			done++;
	if (last != NULL) {
		if ((fd = open(last, O_WRONLY | O_CLOEXEC)) == -1 ||
		    write(fd, "add", 3) != 3)
			fprintf(stderr, "uevent-burst: %s: %s\n", last,
			    strerror(errno));
		else
			done++;
	}
	final = kernel_seqnum();
	while (wait_path != NULL && access(wait_path, F_OK) == -1)
		nanosleep(&tick, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%llu %llu %lu %.1f\n", first, final, done,
	    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	return done == count + (last != NULL) ? 0 : 1;
}
