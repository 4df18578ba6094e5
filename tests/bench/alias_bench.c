/* Benchmark of the alias matcher against a linear fnmatch scan, libkmod and modprobe -R: prints figures, asserts nothing. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_LIBKMOD
#include <libkmod.h>
#endif

#include "alias.h"
#include "log.h"
#include "../tools/kmod_ref.h"

/*
 * usage: alias-bench MODULES.ALIAS QUERIES [KMOD_ROOT KMOD_VERSION]
 *
 * QUERIES holds one modalias per line.  Our index answers all of them;
 * the slower contenders answer every k-th one (at most SAMPLE).  The
 * linear scan applies kmod's rules too ('-' as '_' outside brackets), so
 * its answers are also a cross-check, and disagreements are counted.
 * KMOD_ROOT/lib/modules/KMOD_VERSION must hold depmod's indexes of the
 * same modules.alias for the libkmod and modprobe -R figures.
 */

#define SAMPLE		4000
#define MODPROBE_RUNS	200

struct linear {
	char	**pat;
	char	**mod;
	size_t	  n;
	size_t	  bytes;	/* strings and pointer arrays */
};

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long
rss_kb(void)
{
	FILE	*f;
	char	 line[256];
	long	 kb = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static char **
read_lines(const char *path, size_t *n)
{
	FILE	*f;
	char	*line = NULL, **v = NULL;
	size_t	 cap = 0, vcap = 0;
	ssize_t	 len;

	*n = 0;
	if ((f = fopen(path, "r")) == NULL)
		fatal("unable to open %s", path);
	while ((len = getline(&line, &cap, f)) != -1) {
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		if (*n == vcap) {
			vcap = vcap ? 2 * vcap : 1024;
			if ((v = realloc(v, vcap * sizeof(*v))) == NULL)
				fatal("realloc");
		}
		if ((v[(*n)++] = strdup(line)) == NULL)
			fatal("strdup");
	}
	free(line);
	fclose(f);
	return v;
}


static void
linear_load(struct linear *l, const char *path)
{
	FILE	*f;
	char	*line = NULL, p[ALIAS_MAX], m[256];
	size_t	 cap = 0, lcap = 0;

	memset(l, 0, sizeof(*l));
	if ((f = fopen(path, "r")) == NULL)
		fatal("unable to open %s", path);
	while (getline(&line, &cap, f) != -1) {
		if (sscanf(line, "alias %4095s %255s", p, m) != 2)
			continue;
		if (kmod_ref_normalize(p) == -1)
			continue;
		if (l->n == lcap) {
			lcap = lcap ? 2 * lcap : 1024;
			l->pat = realloc(l->pat, lcap * sizeof(*l->pat));
			l->mod = realloc(l->mod, lcap * sizeof(*l->mod));
			if (l->pat == NULL || l->mod == NULL)
				fatal("realloc");
		}
		l->pat[l->n] = strdup(p);
		l->mod[l->n] = strdup(m);
		l->bytes += strlen(p) + strlen(m) + 2 + 2 * sizeof(char *);
		l->n++;
	}
	free(line);
	fclose(f);
}

/* Every line's fnmatch: the number of distinct modules matched. */
static int
linear_lookup(const struct linear *l, const char *q)
{
	char		 buf[ALIAS_MAX];
	const char	*seen[64];
	size_t		 i, k, n = 0;

	snprintf(buf, sizeof(buf), "%s", q);
	if (kmod_ref_normalize(buf) == -1)
		return 0;
	for (i = 0; i < l->n; i++) {
		if (fnmatch(l->pat[i], buf, 0) != 0)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(seen[k], l->mod[i]) == 0)
				break;
		if (k == n && n < 64)
			seen[n++] = l->mod[i];
	}
	return (int)n;
}

/* One modprobe -R run, as a udev-era helper would pay for it: fork, exec, wait. */
static int
run_modprobe(const char *root, const char *ver, const char *q)
{
	char	*argv[] = { "modprobe", "-C", "/dev/null", "-d", (char *)root,
	    "-S", (char *)ver, "-R", "--", (char *)q, NULL };
	pid_t	 pid;
	int	 status, fd;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp("modprobe", argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) == -1)
		return -1;
	return status;
}

int
main(int argc, char *argv[])
{
	struct alias_index	*idx;
	struct alias_stats	 st;
	struct linear		 lin;
	struct mallinfo2	 m0, m1;
	char			**q;
	size_t			 nq, i, step, ns, reps, r, total, disagree;
	double			 t0, t, best, idx_us, lin_us;
	long			 rss0, rss1;
	int			 a, b;

	log_init("alias-bench", 1, 0);
	if (argc != 3 && argc != 5) {
		fprintf(stderr, "usage: alias-bench MODULES.ALIAS QUERIES "
		    "[KMOD_ROOT KMOD_VERSION]\n");
		return EXIT_USAGE;
	}
	q = read_lines(argv[2], &nq);
	if (nq == 0)
		fatalx("no queries in %s", argv[2]);
	step = nq > SAMPLE ? nq / SAMPLE : 1;

	/* Load: best of 10, and the heap the index keeps. */
	best = 1e9;
	for (r = 0; r < 10; r++) {
		t0 = now();
		if ((idx = alias_load(argv[1])) == NULL)
			fatal("unable to load %s", argv[1]);
		t = now() - t0;
		if (t < best)
			best = t;
		alias_free(idx);
	}
	malloc_trim(0);
	m0 = mallinfo2();
	rss0 = rss_kb();
	if ((idx = alias_load(argv[1])) == NULL)
		fatal("unable to load %s", argv[1]);
	m1 = mallinfo2();
	rss1 = rss_kb();
	alias_stats(idx, &st);
	printf("file: %s\n", argv[1]);
	printf("patterns %zu, modules %zu, malformed %zu, trie nodes %zu\n",
	    st.patterns, st.modules, st.malformed, st.nodes);
	printf("load: %.2f ms (best of 10)\n", best * 1e3);
	printf("index memory: %zu bytes by count, %zu bytes of heap in use, "
	    "RSS +%ld kB\n", st.bytes, m1.uordblks - m0.uordblks, rss1 - rss0);

	/* Our lookups: every query, repeated to last at least a second. */
	total = 0;
	reps = 0;
	t0 = now();
	do {
		for (i = 0; i < nq; i++)
			total += (size_t)alias_lookup(idx, q[i], NULL, NULL);
		reps++;
	} while (now() - t0 < 1.0);
	t = now() - t0;
	idx_us = t / (double)(reps * nq) * 1e6;
	printf("index: %zu queries x %zu: %.0f lookups/s, %.3f us each "
	    "(%zu matches per pass)\n", nq, reps, (double)(reps * nq) / t,
	    idx_us, total / reps);

	/* Linear fnmatch over every pattern, on the sample. */
	linear_load(&lin, argv[1]);
	disagree = 0;
	ns = 0;
	t = 0;
	for (i = 0; i < nq; i += step) {
		t0 = now();
		a = linear_lookup(&lin, q[i]);
		t += now() - t0;
		b = alias_lookup(idx, q[i], NULL, NULL);
		if (a != b) {
			if (disagree++ < 5)
				printf("  disagree on %s: linear %d, index %d\n",
				    q[i], a, b);
		}
		ns++;
	}
	lin_us = t / (double)ns * 1e6;
	printf("linear fnmatch: %zu queries: %.0f lookups/s, %.1f us each; "
	    "index is %.0fx faster; %zu disagreements; patterns held in "
	    "%zu bytes\n", ns, (double)ns / t, lin_us, lin_us / idx_us,
	    disagree, lin.bytes);

	if (argc == 5) {
		char		 dir[4096];

		snprintf(dir, sizeof(dir), "%s/lib/modules/%s", argv[3],
		    argv[4]);
#ifdef HAVE_LIBKMOD
		{
			const char		*cfg[] = { "/dev/null", NULL };
			struct kmod_ctx		*ctx;
			struct kmod_list	*list;
			double			 kmod_us, kt0, kt1;

			struct stat		 bin;
			char			 binpath[4200];
			long			 krss0, krss1;

			snprintf(binpath, sizeof(binpath), "%s/modules.alias.bin",
			    dir);
			if (stat(binpath, &bin) == -1)
				bin.st_size = 0;
			krss0 = rss_kb();
			kt0 = now();
			if ((ctx = kmod_new(dir, cfg)) == NULL)
				fatalx("kmod_new %s", dir);
			kmod_load_resources(ctx);
			kt1 = now();
			ns = 0;
			t0 = now();
			for (i = 0; i < nq; i += step) {
				list = NULL;
				kmod_module_new_from_lookup(ctx, q[i], &list);
				kmod_module_unref_list(list);
				ns++;
			}
			t = now() - t0;
			krss1 = rss_kb();
			kmod_us = t / (double)ns * 1e6;
			printf("libkmod: modules.alias.bin %lld bytes (mapped), "
			    "RSS +%ld kB after the lookups\n",
			    (long long)bin.st_size, krss1 - krss0);
			printf("libkmod %s: load %.2f ms; %zu queries: "
			    "%.0f lookups/s, %.1f us each; index is %.0fx "
			    "faster\n", kmod_get_dirname(ctx),
			    (kt1 - kt0) * 1e3, ns, (double)ns / t, kmod_us,
			    kmod_us / idx_us);
			kmod_unref(ctx);
		}
#else
		printf("libkmod: not built in (install libkmod-dev)\n");
#endif
		ns = 0;
		t0 = now();
		for (i = 0; i < nq && ns < MODPROBE_RUNS; i += step * 10) {
			if (run_modprobe(argv[3], argv[4], q[i]) == -1)
				fatal("unable to run modprobe");
			ns++;
		}
		t = now() - t0;
		printf("modprobe -R (one process per lookup): %zu runs: "
		    "%.0f lookups/s, %.0f us each; index is %.0fx faster\n",
		    ns, (double)ns / t, t / (double)ns * 1e6,
		    t / (double)ns * 1e6 / idx_us);
	}
	alias_free(idx);
	return EXIT_OK;
}
