/* hotplug2 test: run the handler scripts on one device's event and print every variable and action, changing nothing. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "modalias.h"
#include "pathnames.h"
#include "script.h"
#include "test.h"
#include "uevent.h"

/* Recordings larger than this are not a test of one device. */
#define TEST_RECORDING_MAX	(4 * 1024 * 1024)

static void
test_usage(FILE *f)
{
	fprintf(f,
"usage: hotplug2 test [-v] [-a ACTION] [-c DIR] [-r ROOT] [-s SYSFS]\n"
"                     [-m FILE] DEVPATH\n"
"       hotplug2 test [-v] [-c DIR] [-r ROOT] [-m FILE] --event FILE\n"
"Run the handler scripts on a device's event, from SYSFS/DEVPATH/uevent or\n"
"from a recording (hotplug2 monitor --raw), and print every variable and\n"
"every action they would take.  Nothing is changed.\n"
"  -a, --action ACTION    the event's ACTION (default add)\n"
"  -c, --config-dir DIR   the handler scripts (default %s)\n"
"  -e, --event FILE       wire-format events instead of a device\n"
"  -m, --alias-file FILE  modules.alias (default that of the running kernel)\n"
"  -r, --root DIR         the root the scripts see (default /)\n"
"  -s, --sysfs DIR        where DEVPATH is (default ROOT/sys)\n"
"  -v, --verbose          log more (twice: debug)\n"
"  -h, --help             this text\n", PATH_CONFIG_DIR);
}

/* Read a whole file (at most max bytes) into a malloc'd buffer. */
static char *
read_file(const char *path, size_t max, size_t *lenp)
{
	char	*buf;
	size_t	 len = 0;
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(max + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (len < max && (n = read(fd, buf + len, max - len)) > 0)
		len += (size_t)n;
	if (len == max && read(fd, &buf[len], 1) == 1) {
		free(buf);
		close(fd);
		errno = EFBIG;
		return NULL;
	}
	close(fd);
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/*
 * Append to a buffer of cap bytes holding *len; -1, and nothing
 * appended, when it does not fit.  snprintf returns the length it would
 * have written, which is never a length that was written.
 */
static int __attribute__((format(printf, 4, 5)))
buf_add(char *buf, size_t *len, size_t cap, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (*len >= cap)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

/* A path into a PATH_MAX buffer; ENAMETOOLONG rather than a shorter name. */
static int __attribute__((format(printf, 2, 3)))
path_fmt(char *path, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(path, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/*
 * The event the kernel sends for a device, from its uevent file: the
 * file's KEY=VALUE lines after ACTION, DEVPATH and SUBSYSTEM (the
 * subsystem link's name), in wire format, parsed as a netlink message is.
 */
static int
device_event(struct uevent *ev, const char *sysfs, const char *arg,
    const char *action)
{
	char		 base[PATH_MAX], dir[PATH_MAX], path[PATH_MAX];
	char		 link[PATH_MAX], msg[UEVENT_MSG_MAX], *text, *line;
	char		*save;
	const char	*devpath, *sub, *reason;
	size_t		 blen, len = 0, tlen;
	ssize_t		 n;
	int		 fits;

	if (realpath(sysfs, base) == NULL) {
		log_warn("%s", sysfs);
		return -1;
	}
	blen = strlen(base);
	/* DEVPATH, or a path under sysfs such as /sys/class/tty/ttyS0. */
	if (strncmp(arg, base, blen) == 0 && arg[blen] == '/')
		arg += blen;
	else if (strncmp(arg, sysfs, strlen(sysfs)) == 0 &&
	    arg[strlen(sysfs)] == '/')
		arg += strlen(sysfs);
	else if (strncmp(arg, "/sys/", 5) == 0)
		arg += 4;	/* as udevadm takes it, whatever SYSFS is */
	if (path_fmt(path, "%s%s%s", base, *arg == '/' ? "" : "/", arg) ==
	    -1) {
		log_warn("%.80s...", arg);
		return -1;
	}
	if (realpath(path, dir) == NULL) {
		log_warn("%s", path);
		return -1;
	}
	if (strncmp(dir, base, blen) != 0 || dir[blen] != '/') {
		log_warnx("%s is not under %s", path, base);
		return -1;
	}
	devpath = dir + blen;
	if (path_fmt(path, "%s/uevent", dir) == -1 ||
	    (text = read_file(path, UEVENT_MSG_MAX, &tlen)) == NULL) {
		log_warn("unable to read %s/uevent", dir);
		return -1;
	}
	fits = buf_add(msg, &len, sizeof(msg),
	    "%s@%s%cACTION=%s%cDEVPATH=%s%c", action, devpath, 0, action, 0,
	    devpath, 0) == 0;
	if (fits && path_fmt(path, "%s/subsystem", dir) == 0 &&
	    (n = readlink(path, link, sizeof(link) - 1)) > 0) {
		link[n] = '\0';
		sub = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
		fits = buf_add(msg, &len, sizeof(msg), "SUBSYSTEM=%s%c", sub,
		    0) == 0;
	}
	for (line = strtok_r(text, "\n", &save); fits && line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		fits = buf_add(msg, &len, sizeof(msg), "%s%c", line, 0) == 0;
	free(text);
	if (!fits) {
		log_warnx("%s/uevent: the event does not fit in %d bytes", dir,
		    UEVENT_MSG_MAX);
		return -1;
	}
	if (uevent_parse(ev, msg, len, &reason) == -1) {
		log_warnx("%s/uevent: %s", dir, reason);
		return -1;
	}
	return 0;
}

/* Every variable, as the handlers see it: a synthesized MODALIAS too. */
static void
print_event(const struct uevent *ev)
{
	char		 alias[MODALIAS_MAX];
	const char	*reason;
	unsigned int	 i;

	for (i = 0; i < ev->nvars; i++)
		printf("%s\n", uevent_var(ev, i));
	if (uevent_get(ev, "MODALIAS") == NULL &&
	    modalias_synthesize(ev, NULL, alias, sizeof(alias), &reason) > 0)
		printf("MODALIAS=%s (synthesized)\n", alias);
	printf("\n");
	fflush(stdout);
}

/* Print the event, run the scripts on it; the number of failed handlers. */
static int
test_one(struct script *s, const struct uevent *ev)
{
	int	 failed;

	print_event(ev);
	failed = script_handle(s, ev);
	fflush(stdout);
	return failed;
}

int
test_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "action",	required_argument,	NULL, 'a' },
		{ "alias-file",	required_argument,	NULL, 'm' },
		{ "config-dir",	required_argument,	NULL, 'c' },
		{ "event",	required_argument,	NULL, 'e' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "root",	required_argument,	NULL, 'r' },
		{ "sysfs",	required_argument,	NULL, 's' },
		{ "verbose",	no_argument,		NULL, 'v' },
		{ NULL,		0,			NULL, 0 }
	};
	struct script_options	 opts;
	struct script		*s;
	struct uevent		*ev;
	char			 sysbuf[PATH_MAX], *rec = NULL;
	const char		*action = "add", *event_file = NULL;
	const char		*sysfs = NULL, *reason;
	size_t			 len = 0, off, n;
	int			 ch, nerrors, failed = 0, verbose = 0, nev = 0;

	memset(&opts, 0, sizeof(opts));
	opts.config_dir = PATH_CONFIG_DIR;
	opts.root = "/";
	while ((ch = getopt_long(argc, argv, "a:c:e:hm:r:s:v", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			action = optarg;
			break;
		case 'c':
			opts.config_dir = optarg;
			break;
		case 'e':
			event_file = optarg;
			break;
		case 'h':
			test_usage(stdout);
			return EXIT_OK;
		case 'm':
			opts.alias_file = optarg;
			break;
		case 'r':
			opts.root = optarg;
			break;
		case 's':
			sysfs = optarg;
			break;
		case 'v':
			verbose++;
			break;
		default:
			test_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if ((event_file == NULL) != (argc == 1) || argc > 1) {
		test_usage(stderr);
		return EXIT_USAGE;
	}
	log_init("hotplug2 test", 1, verbose);
	if ((ev = malloc(sizeof(*ev))) == NULL)
		fatal("malloc");
	if (event_file != NULL) {
		if ((rec = read_file(event_file, TEST_RECORDING_MAX, &len)) ==
		    NULL)
			fatal("unable to read %s", event_file);
	} else {
		if (sysfs == NULL) {
			if (path_fmt(sysbuf, "%s/sys", strcmp(opts.root,
			    "/") == 0 ? "" : opts.root) == -1) {
				log_warn("%s/sys", opts.root);
				free(ev);
				return EXIT_USAGE;
			}
			sysfs = sysbuf;
		}
		if (device_event(ev, sysfs, argv[0], action) == -1) {
			free(ev);
			return EXIT_FAIL;
		}
	}
	/* A dry run: the scripts report every action and do none. */
	opts.dry_run = 1;
	if ((s = script_load(&opts, &nerrors)) == NULL) {
		free(rec);
		free(ev);
		return EXIT_FAIL;
	}
	if (rec == NULL)
		failed = test_one(s, ev);
	else
		for (off = uevent_skip_separators(rec, len); off < len &&
		    (n = uevent_next(rec + off, len - off, 1)) > 0;
		    off += n, off += uevent_skip_separators(rec + off,
		    len - off)) {
			nev++;
			if (uevent_parse(ev, rec + off, n, &reason) == -1) {
				log_warnx("%s: message %d: %s", event_file, nev,
				    reason);
				failed++;
				continue;
			}
			if (nev > 1)
				printf("\n");
			failed += test_one(s, ev);
		}
	script_free(s);
	free(rec);
	free(ev);
	if (nerrors > 0) {
		log_warnx("%s: %d problem%s loading the scripts", opts.config_dir,
		    nerrors, nerrors == 1 ? "" : "s");
		return EXIT_CONFIG;
	}
	if (failed > 0) {
		log_warnx("%d handler%s failed", failed, failed == 1 ? "" : "s");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
