/* hotplug2-dnode: the 2.4 kernel's hotplug helper, forwarding each call as a uevent on netlink. */
#include <sys/types.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <linux/netlink.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "devpath.h"
#include "log.h"
#include "modalias.h"
#include "netlink.h"
#include "uevent.h"

/*
 * The SEQNUM counter shared by concurrent dnode processes: a decimal
 * number in a file, read and rewritten under flock(2).  /dev is the one
 * place a 2.4 system can be counted on to have writable early in boot (a
 * devfs or tmpfs mount); HOTPLUG2_SEQNUM_FILE overrides it.
 */
#ifndef DNODE_SEQNUM_FILE
#define DNODE_SEQNUM_FILE	"/dev/.hotplug2/seqnum"
#endif
#define DNODE_SEQNUM_ENV	"HOTPLUG2_SEQNUM_FILE"

/* The longest a helper waits for the counter's lock, in seconds. */
#define DNODE_LOCK_TIMEOUT	2

#define SUBSYSTEM_MAX		64

/*
 * Where the event's static buffer goes: after .bss, in x86-64's large
 * data section (see docs/PERFORMANCE.md).  Other targets' linkers have no .lbss, and
 * their compilers would give it file space, so it stays in .bss there.
 */
#if defined(__x86_64__) && defined(__GNUC__)
#define DNODE_AFTER_BSS		__attribute__((section(".lbss.dnode")))
#else
#define DNODE_AFTER_BSS
#endif

static int	dnode_stderr = 1;

static void	dnode_warnx(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	dnode_die(int, const char *, ...)
		    __attribute__((format(printf, 2, 3), noreturn));

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hotplug2-dnode [-nv] SUBSYSTEM [ACTION]\n"
	    "Forward one hotplug call of a Linux 2.4 kernel to the hotplug2 "
	    "daemon: the event\n"
	    "is read from the environment and multicast as a uevent on "
	    "netlink group 1, with\n"
	    "a DEVPATH, a MODALIAS and a SEQNUM added where the kernel gave "
	    "none.\n"
	    "  -n, --dry-run  print the event instead of sending it "
	    "(the counter is left alone)\n"
	    "  -v, --verbose  say why no MODALIAS was built\n"
	    "  -h, --help     this text\n"
	    "      --version  the version\n"
	    "The kernel runs it as: hotplug2-dnode SUBSYSTEM, with ACTION and "
	    "the bus variables\n"
	    "in the environment.  " DNODE_SEQNUM_ENV " names the SEQNUM "
	    "counter file\n"
	    "(default " DNODE_SEQNUM_FILE ").  See hotplug2-dnode(8).\n");
}

/*
 * Every complaint goes to stderr and to syslog: when the kernel runs us
 * nobody reads stderr, and when a person does, syslog is not where they
 * look.
 */
static void
dnode_vwarnx(const char *fmt, va_list ap)
{
	char	 msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (dnode_stderr) {
		log_to_syslog(0);
		log_warnx("%s", msg);
	}
	log_to_syslog(1);
	log_warnx("%s", msg);
	log_to_syslog(0);
}

static void
dnode_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	dnode_vwarnx(fmt, ap);
	va_end(ap);
}

static void
dnode_die(int code, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	dnode_vwarnx(fmt, ap);
	va_end(ap);
	exit(code);
}

/*
 * 2.4's exec_usermodehelper closes every descriptor before running us.
 * Fill 0-2 with /dev/null so that a socket or file we open never lands on
 * fd 2 and receives our error messages.  One fcntl when all is well.
 */
static void
std_fds(void)
{
	int	 fd;

	if (fcntl(2, F_GETFD) != -1)
		return;
	while ((fd = open("/dev/null", O_RDWR)) != -1 && fd < 2)
		;
	if (fd > 2)
		close(fd);
	if (fd == -1) {
		/* Nowhere safe to write: syslog only. */
		dnode_stderr = 0;
		log_to_syslog(1);
	}
}

static int
subsystem_ok(const char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= 'A' && s[n] <= 'Z') ||
		    (s[n] >= '0' && s[n] <= '9') ||
		    s[n] == '_' || s[n] == '-' || s[n] == '.'))
			return 0;
	return n > 0 && n < SUBSYSTEM_MAX && s[0] != '-' && s[0] != '.';
}

/* Variables of ours, or noise from the kernel, that are not event data. */
static int
skipped_var(const char *s)
{
	static const char *const skip[] = {
		"ACTION=", "DEVPATH=", "HOME=", "PATH=", "SEQNUM=",
		"SUBSYSTEM="
	};
	size_t	 i;

	if (strncmp(s, "HOTPLUG2_", 9) == 0)
		return 1;
	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strncmp(s, skip[i], strlen(skip[i])) == 0)
			return 1;
	return 0;
}

/* Add one "KEY=VALUE" environment string to ev; dies when ev is full. */
static void
add_env(struct uevent *ev, const char *s)
{
	char		 key[128];
	const char	*eq = strchr(s, '=');
	size_t		 n;

	n = eq != NULL ? (size_t)(eq - s) : 0;
	if (n == 0 || n >= sizeof(key)) {
		dnode_warnx("ignoring the environment string \"%.40s\": "
		    "no KEY=VALUE", s);
		return;
	}
	memcpy(key, s, n);
	key[n] = '\0';
	if (uevent_set(ev, key, eq + 1) == 0)
		return;
	if (errno == ENOSPC)
		dnode_die(EXIT_FAIL, "the environment is too large for one "
		    "event (%d bytes, %d variables at most)", UEVENT_MSG_MAX,
		    UEVENT_VARS_MAX);
	dnode_warnx("ignoring the environment variable %s: not a valid "
	    "uevent variable name", key);
}

static volatile sig_atomic_t	 lock_timeout;

static void
on_alarm(int sig)
{
	(void)sig;
	lock_timeout = 1;
}

/* Take the counter's lock, waiting DNODE_LOCK_TIMEOUT seconds at most. */
static int
lock_counter(int fd)
{
	struct sigaction	 sa, old;
	int			 r, saved;

	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -1;
	/* Someone holds it: wait, interruptibly, since flock has no timeout. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	alarm(DNODE_LOCK_TIMEOUT);
	do
		r = flock(fd, LOCK_EX);
	while (r == -1 && errno == EINTR && !lock_timeout);
	saved = errno;
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	if (r == -1 && lock_timeout)
		saved = ETIMEDOUT;
	errno = saved;
	return r;
}

/* Create the counter file's directory, once, when it is missing. */
static int
open_counter(const char *path)
{
	char	 dir[256];
	char	*slash;
	int	 fd;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
	if (fd != -1 || errno != ENOENT)
		return fd;
	if (strlen(path) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(dir, path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return -1;
	*slash = '\0';
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return -1;
	return open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0644);
}

/*
 * The next SEQNUM.  The file holds the last one given out, in decimal;
 * each helper reads it, adds one and writes it back while holding an
 * exclusive flock, so concurrent helpers get distinct, consecutive
 * numbers.  The lock goes with the descriptor, so a helper that dies
 * cannot leave it held.
 */
static int
seqnum_next(const char *path, uint64_t *out)
{
	char		 buf[32];
	uint64_t	 v = 0;
	ssize_t		 n, i;
	int		 fd, saved, len;

	if ((fd = open_counter(path)) == -1)
		return -1;
	if (lock_counter(fd) == -1)
		goto fail;
	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) == -1)
		goto fail;
	for (i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(buf[i] - '0');
	if (i < n && buf[i] != '\n') {
		dnode_warnx("%s does not hold a number: starting again from 0",
		    path);
		v = 0;
		if (ftruncate(fd, 0) == -1)
			goto fail;
	}
	v++;
	len = snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)v);
	if (pwrite(fd, buf, (size_t)len, 0) != len)
		goto fail;
	close(fd);
	*out = v;
	return 0;

fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

/* A variable of the environment, for devpath_derive_from. */
static const char *
env_get(void *ctx, const char *key)
{
	(void)ctx;
	return getenv(key);
}

/* The event as KEY=VALUE lines, for --dry-run. */
static void
print_event(const struct uevent *ev)
{
	unsigned int	 i;

	printf("%s\n", ev->buf);
	for (i = 0; i < ev->nvars; i++)
		printf("%s\n", uevent_var(ev, i));
}

/* What the command line asks for. */
struct dnode_args {
	const char	*ops[2];	/* SUBSYSTEM [ACTION] */
	int		 nops;
	int		 dry_run;
	int		 verbose;
};

/*
 * Options anywhere, operands in order, "--" ending the options: a user who
 * types "hotplug2-dnode usb -n" means a dry run, and must never see "-n"
 * taken for the ACTION and the event sent.  Done by hand rather than by
 * getopt, whose permutation glibc does and musl does not.  No SUBSYSTEM or
 * ACTION the kernel passes starts with '-'.  Exits for --help, --version
 * and usage errors.
 */
static void
parse_args(int argc, char *argv[], struct dnode_args *args)
{
	int	 a, opts_done;

	for (a = 1, opts_done = 0; a < argc; a++) {
		if (opts_done || argv[a][0] != '-' || argv[a][1] == '\0') {
			if (args->nops == 2) {
				usage(stderr);
				dnode_die(EXIT_USAGE, "too many arguments");
			}
			args->ops[args->nops++] = argv[a];
		} else if (strcmp(argv[a], "--") == 0)
			opts_done = 1;
		else if (strcmp(argv[a], "-h") == 0 ||
		    strcmp(argv[a], "--help") == 0) {
			usage(stdout);
			exit(EXIT_OK);
		} else if (strcmp(argv[a], "--version") == 0) {
			printf("hotplug2-dnode %s\n", HOTPLUG2_VERSION);
			exit(EXIT_OK);
		} else if (strcmp(argv[a], "-n") == 0 ||
		    strcmp(argv[a], "--dry-run") == 0)
			args->dry_run = 1;
		else if (strcmp(argv[a], "-v") == 0 ||
		    strcmp(argv[a], "--verbose") == 0)
			args->verbose = 1;
		else if (strcmp(argv[a], "-nv") == 0 ||
		    strcmp(argv[a], "-vn") == 0)
			args->dry_run = args->verbose = 1;
		else {
			usage(stderr);
			dnode_die(EXIT_USAGE, "unknown option %.64s", argv[a]);
		}
	}
	if (args->nops == 0) {
		usage(stderr);
		dnode_die(EXIT_USAGE, "no SUBSYSTEM argument: the kernel "
		    "passes the event's type as the first argument");
	}
}

/*
 * The event in its final order: ACTION, DEVPATH, SUBSYSTEM, the kernel's
 * variables, MODALIAS, SEQNUM (the kernel's; send_event adds one when it
 * gave none).  DEVPATH and MODALIAS are built in a small stack buffer and
 * only a long one uses big (bigsize bytes); docs/PERFORMANCE.md says why.
 */
static void
build_event(struct uevent *ev, char *big, size_t bigsize,
    const char *subsystem, const char *action)
{
	extern char	**environ;
	char		  small[256];
	char		 *modalias, **e;
	const char	 *kdevpath, *kseqnum, *reason;

	/* The DEVPATH comes first in the message, so it is derived first. */
	kdevpath = getenv("DEVPATH");
	kseqnum = getenv("SEQNUM");
	if (kdevpath != NULL && *kdevpath != '\0') {
		if (kdevpath[0] != '/')
			dnode_die(EXIT_FAIL, "DEVPATH \"%.64s\" does not start "
			    "with '/'", kdevpath);
	} else {
		kdevpath = small;
		if (devpath_derive_from(env_get, NULL, subsystem, small,
		    sizeof(small)) == 0) {
			kdevpath = big;
			if (devpath_derive_from(env_get, NULL, subsystem, big,
			    bigsize) == 0)
				dnode_die(EXIT_FAIL, "unable to derive a "
				    "DEVPATH for this %s event", subsystem);
		}
	}
	if (uevent_init(ev, action, kdevpath) == -1)
		dnode_die(EXIT_FAIL, "bad ACTION \"%.40s\" or DEVPATH too long",
		    action);
	if (uevent_set(ev, "SUBSYSTEM", subsystem) == -1)
		dnode_die(EXIT_FAIL, "unable to add SUBSYSTEM");
	for (e = environ; *e != NULL; e++)
		if (!skipped_var(*e))
			add_env(ev, *e);
	if (uevent_get(ev, "MODALIAS") == NULL) {
		modalias = small;
		if (modalias_synthesize(ev, subsystem, small, sizeof(small),
		    &reason) == 0 && strcmp(reason, MODALIAS_TOO_SMALL) == 0) {
			modalias = big;
			modalias_synthesize(ev, subsystem, big, bigsize,
			    &reason);
		}
		if (*modalias != '\0') {
			if (uevent_set(ev, "MODALIAS", modalias) == -1)
				dnode_die(EXIT_FAIL, "the environment is too "
				    "large for one event with its MODALIAS");
		} else
			log_debug("no MODALIAS: %s", reason);
	}
	if (kseqnum != NULL && uevent_set(ev, "SEQNUM", kseqnum) == -1) {
		if (errno == ENOSPC)
			dnode_die(EXIT_FAIL, "the environment is too large "
			    "for one event with its SEQNUM");
		dnode_die(EXIT_FAIL, "bad SEQNUM \"%.24s\"", kseqnum);
	}
}

/*
 * Multicast the event, with a SEQNUM from the counter file when the kernel
 * gave none.  The socket is opened first: a failure then costs no SEQNUM.
 * Not with netlink_open: a sender needs neither SO_PASSCRED nor a bind,
 * and Linux 2.4 refuses SOCK_CLOEXEC (2.6.27).  2.4 has no
 * NETLINK_KOBJECT_UEVENT either, but lets processes multicast to each
 * other on any netlink protocol number, which is how the daemon hears us
 * there.
 */
static void
send_event(struct uevent *ev, const char *subsystem)
{
	char		 num[24];
	const char	*seqfile;
	uint64_t	 seq;
	int		 fd;

	if ((fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT)) == -1)
		dnode_die(EXIT_SYSCALL, "unable to open the uevent socket: %s",
		    strerror(errno));
	if (uevent_get(ev, "SEQNUM") == NULL) {
		if ((seqfile = getenv(DNODE_SEQNUM_ENV)) == NULL ||
		    *seqfile == '\0')
			seqfile = DNODE_SEQNUM_FILE;
		if (seqnum_next(seqfile, &seq) == -1)
			/* An event without SEQNUM beats a lost one. */
			dnode_warnx("unable to take a SEQNUM from %s: %s; "
			    "sending the event without one", seqfile,
			    errno == ETIMEDOUT ? "its lock is held too long" :
			    strerror(errno));
		else {
			snprintf(num, sizeof(num), "%llu",
			    (unsigned long long)seq);
			if (uevent_set(ev, "SEQNUM", num) == -1)
				dnode_die(EXIT_FAIL, "the environment is too "
				    "large for one event with its SEQNUM");
		}
	}
	if (netlink_send(fd, ev) == -1)
		dnode_die(EXIT_SYSCALL, "unable to send the %s event: %s",
		    subsystem, strerror(errno));
}

int
main(int argc, char *argv[])
{
	/*
	 * Static, so only the bytes used are touched; on x86-64 in .lbss,
	 * after .bss.  docs/PERFORMANCE.md ("hotplug2-dnode's page faults")
	 * says why.
	 */
	static struct {
		struct uevent	 ev;	/* first: its used head shares a page */
		char		 big[MODALIAS_MAX > UEVENT_HEADER_MAX ?
				    MODALIAS_MAX : UEVENT_HEADER_MAX];
	}			 mem DNODE_AFTER_BSS;
	struct dnode_args	 args = { { NULL, NULL }, 0, 0, 0 };
	const char		*subsystem, *action;

	log_init("hotplug2-dnode", 1, 0);
	std_fds();
	parse_args(argc, argv, &args);
	log_setverbose(args.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN);
	subsystem = args.ops[0];
	if (!subsystem_ok(subsystem))
		dnode_die(EXIT_FAIL, "bad SUBSYSTEM argument \"%.64s\"",
		    subsystem);

	/*
	 * Kernels before 2.4.0-test12 passed the action as a second
	 * argument; later ones in ACTION.
	 */
	action = getenv("ACTION");
	if (action == NULL && args.nops == 2)
		action = args.ops[1];
	if (action == NULL)
		dnode_die(EXIT_FAIL, "%s event without ACTION in the "
		    "environment", subsystem);

	build_event(&mem.ev, mem.big, sizeof(mem.big), subsystem, action);
	if (args.dry_run) {
		print_event(&mem.ev);
		return fflush(stdout) == EOF ? EXIT_FAIL : EXIT_OK;
	}
	send_event(&mem.ev, subsystem);
	return EXIT_OK;
}
