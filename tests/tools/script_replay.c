/* Drive the script layer without the daemon: "add" events from a sysfs tree's uevent files, timed. */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "script.h"
#include "uevent.h"

struct events {
	struct uevent	*ev;
	size_t		 n;
	size_t		 cap;
};

static struct events	 events;
static const char	*sysfs = "/sys";
static uint64_t		 seqnum = 1;

/* Turn a uevent file ("KEY=VALUE" lines) into an "add" event for its directory. */
static int
add_uevent_file(const char *path)
{
	struct uevent	*ev;
	char		 buf[UEVENT_MSG_MAX], devpath[4096], seq[32], *line, *eq, *save;
	char		 link[4096], target[4096], *slash;
	size_t		 plen = strlen(sysfs), len;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	len = strlen(path);
	if (strncmp(path, sysfs, plen) != 0 || len < plen + 8)
		return -1;
	snprintf(devpath, sizeof(devpath), "%.*s", (int)(len - plen - 7),
	    path + plen);
	if (events.n == events.cap) {
		events.cap = events.cap ? events.cap * 2 : 256;
		if ((events.ev = realloc(events.ev, events.cap *
		    sizeof(*events.ev))) == NULL)
			fatal("realloc");
	}
	ev = &events.ev[events.n];
	if (uevent_init(ev, "add", devpath) == -1)
		return -1;
	uevent_set(ev, "ACTION", "add");
	uevent_set(ev, "DEVPATH", devpath);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		uevent_set(ev, line, eq + 1);
	}
	/* The kernel adds SUBSYSTEM from the subsystem link, as it does for events. */
	snprintf(link, sizeof(link), "%.*s/subsystem", (int)(len - 7), path);
	if ((n = readlink(link, target, sizeof(target) - 1)) > 0) {
		target[n] = '\0';
		uevent_set(ev, "SUBSYSTEM", (slash = strrchr(target, '/')) ?
		    slash + 1 : target);
	}
	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)seqnum++);
	uevent_set(ev, "SEQNUM", seq);
	events.n++;
	return 0;
}

static int
walk(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	if (type == FTW_F && strcmp(path + ftw->base, "uevent") == 0)
		add_uevent_file(path);
	return 0;
}

static int
cmp_devpath(const void *a, const void *b)
{
	/* Parents sort before children: a prefix sorts first. */
	return strcmp(uevent_devpath(a), uevent_devpath(b));
}

static long
vm_hwm_kb(void)
{
	char	 line[256];
	long	 kb = -1;
	FILE	*f;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static double
elapsed(clockid_t clk, const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(clk, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
usage(void)
{
	fprintf(stderr, "usage: script_replay [--root DIR] [--config-dir DIR] "
	    "[--alias-file FILE] [--modprobe PROG] [--dry-run] [--sysfs DIR] "
	    "[--repeat N] [--bench] [--udev MODE] [-v]\n"
	    "Hands an \"add\" event for every uevent file under SYSFS/devices "
	    "to the scripts.\n");
	exit(EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "alias-file",	required_argument,	NULL, 'a' },
		{ "bench",	no_argument,		NULL, 'b' },
		{ "config-dir",	required_argument,	NULL, 'c' },
		{ "dry-run",	no_argument,		NULL, 'n' },
		{ "modprobe",	required_argument,	NULL, 'm' },
		{ "repeat",	required_argument,	NULL, 'r' },
		{ "root",	required_argument,	NULL, 'R' },
		{ "sysfs",	required_argument,	NULL, 's' },
		{ "udev",	required_argument,	NULL, 'u' },
		{ NULL,		0,			NULL, 0 }
	};
	struct script_options	 opts;
	struct script		*s;
	struct timespec		 w0, c0;
	char			 devices[4096];
	double			 wall, cpu;
	long			 repeat = 1, r;
	size_t			 i, total = 0;
	int			 ch, nerrors, failed = 0, bench = 0, verbose = 0;

	memset(&opts, 0, sizeof(opts));
	opts.config_dir = "/etc/hotplug2";
	opts.root = "/";
	while ((ch = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a': opts.alias_file = optarg; break;
		case 'b': bench = 1; break;
		case 'c': opts.config_dir = optarg; break;
		case 'm': opts.modprobe = optarg; break;
		case 'n': opts.dry_run = 1; break;
		case 'r': repeat = atol(optarg); break;
		case 'R': opts.root = optarg; break;
		case 's': sysfs = optarg; break;
		case 'u': opts.udev = optarg; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	log_init("script_replay", 1, verbose);
	snprintf(devices, sizeof(devices), "%s/devices", sysfs);
	if (nftw(devices, walk, 32, FTW_PHYS) == -1)
		fatal("unable to walk %s", devices);
	qsort(events.ev, events.n, sizeof(*events.ev), cmp_devpath);
	if ((s = script_load(&opts, &nerrors)) == NULL)
		fatalx("unable to load the scripts");
	if (nerrors > 0)
		log_warnx("%d problem(s) loading %s", nerrors, opts.config_dir);
	clock_gettime(CLOCK_MONOTONIC, &w0);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
	for (r = 0; r < repeat; r++)
		for (i = 0; i < events.n; i++, total++)
			failed += script_handle(s, &events.ev[i]);
	wall = elapsed(CLOCK_MONOTONIC, &w0);
	cpu = elapsed(CLOCK_PROCESS_CPUTIME_ID, &c0);
	if (bench)
		printf("%zu events (%zu devices x %ld) in %.3f s: %.0f events/s, "
		    "%.2f us CPU per event, Lua memory %zu kB, VmHWM %ld kB, "
		    "%d failed handlers\n",
		    total, events.n, repeat, wall, (double)total / wall,
		    cpu * 1e6 / (double)total, script_memory(s) / 1024,
		    vm_hwm_kb(), failed);
	script_free(s);
	free(events.ev);
	return failed > 0 ? EXIT_FAIL : EXIT_OK;
}
