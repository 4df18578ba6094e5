/* hotplug2 monitor: print every accepted kernel event as it arrives. */
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "monitor.h"
#include "netlink.h"
#include "uevent.h"

static volatile sig_atomic_t	 monitor_quit;

static void
monitor_signal(int sig)
{
	(void)sig;
	monitor_quit = 1;
}

static void
monitor_usage(FILE *f)
{
	fprintf(f,
	    "usage: hotplug2 monitor [-rv] [--raw] [--verbose]\n"
	    "Print every kernel uevent that passes the sender checks.\n"
	    "  -r, --raw      write the wire format (for recordings and replay)\n"
	    "  -v, --verbose  more logging; at exit, the drop counters\n"
	    "  -h, --help     this text\n");
}

/* Like udevadm monitor --kernel --property: a header, KEY=VALUE lines, a blank line. */
static void
monitor_print(FILE *out, const struct uevent *ev)
{
	const char	*subsystem = uevent_get(ev, "SUBSYSTEM");
	const char	*action;
	size_t		 alen;
	unsigned int	 i;

	action = uevent_action(ev, &alen);
	fprintf(out, "%llu %.*s %s (%s)\n", (unsigned long long)ev->seqnum,
	    (int)alen, action, uevent_devpath(ev),
	    subsystem != NULL ? subsystem : "-");
	for (i = 0; i < ev->nvars; i++)
		fprintf(out, "%s\n", uevent_var(ev, i));
	fputc('\n', out);
}

int
monitor_main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "raw",	no_argument,	NULL,	'r' },
		{ "verbose",	no_argument,	NULL,	'v' },
		{ "help",	no_argument,	NULL,	'h' },
		{ NULL,		0,		NULL,	0 }
	};
	struct netlink_stats	 st;
	struct uevent		 ev;
	struct sigaction	 sa;
	struct pollfd		 pfd;
	sigset_t		 block, none;
	int			 ch, fd, raw = 0, verbose = 0, r;

	while ((ch = getopt_long(argc, argv, "rvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			raw = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			monitor_usage(stdout);
			return EXIT_OK;
		default:
			monitor_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		monitor_usage(stderr);
		return EXIT_USAGE;
	}
	log_init("hotplug2 monitor", 1, verbose);

	/* Signals are blocked except inside ppoll, so none is missed. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &none);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = monitor_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if ((fd = netlink_open(NETLINK_UEVENT_GROUP, NETLINK_RCVBUF_WANT,
	    NULL)) == -1)
		return EXIT_SYSCALL;
	memset(&st, 0, sizeof(st));
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!monitor_quit) {
		if (ppoll(&pfd, 1, NULL, &none) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("poll");
			break;
		}
		while ((r = netlink_recv(fd, &ev, &st)) != -1) {
			if (r == 0)
				continue;
			if (raw)
				fwrite(ev.buf, 1, ev.len, stdout);
			else
				monitor_print(stdout, &ev);
			if (fflush(stdout) == EOF) {
				log_warn("unable to write the event");
				monitor_quit = 1;
				break;
			}
		}
		if (errno == ENOBUFS)
			log_warnx("the kernel dropped events: the receive "
			    "buffer overflowed");
		else if (errno != EAGAIN && errno != EWOULDBLOCK) {
			log_warn("unable to read from netlink");
			break;
		}
	}
	close(fd);
	netlink_stats_log(&st);
	return monitor_quit ? EXIT_OK : EXIT_SYSCALL;
}
