/* The hotplug2 daemon: options, setup and the poll loop that feeds events to the scripts. */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "heap.h"
#include "log.h"
#include "netlink.h"
#include "notify.h"
#include "pathnames.h"
#include "queue.h"
#include "rebroadcast.h"
#include "script.h"
#include "sig.h"
#include "spawn.h"
#include "uevent.h"

#define COLDPLUG_PROGRAM	"hotplug2-coldplug"
#define REPLAY_BUF		(4 * UEVENT_MSG_MAX)
#define POLL_CHILDREN_MAX	64
/* hotplug2-dnode's SEQNUM counter on Linux 2.4; see hotplug2-dnode(8). */
#ifndef DNODE_SEQNUM_FILE
#define DNODE_SEQNUM_FILE	"/dev/.hotplug2/seqnum"
#endif
#define DNODE_SEQNUM_ENV	"HOTPLUG2_SEQNUM_FILE"

struct daemon {
	struct script_options	 sopts;
	struct script		*script;
	struct queue		*q;
	struct netlink_stats	 nst;
	struct rebroadcast	 rb;		/* --rebroadcast */

	int			 nlfd;		/* netlink, or -1 */
	int			 replay_fd;	/* --replay input, or -1 */
	int			 sigfd;
	int			 ready_fd;	/* -1 once written */
	int			 persistent;
	int			 stopping;
	uint64_t		 stop_deadline;
	int			 seqnum_file;	/* the kernel counts SEQNUMs */

	/* Input state. */
	int			 input_drained;	/* the last read found nothing */
	int			 input_eof;	/* replay ended */
	int			 replay_ready;	/* poll found the replay readable */
	char			*rbuf;
	size_t			 rlen;
	size_t			 rbase;		/* file offset of rbuf[0] */

	/* Coldplug and resynchronization. */
	char			 coldplug_prog[PATH_MAX];
	const char		*coldplug_sysfs;
	pid_t			 coldplug_pid;
	int			 coldplug_wanted;	/* run when possible */
	int			 rcvbuf;		/* --buffer-size */
	int			 coldplug_settling;	/* ran, events pending */
	int			 coldplug_lossy;	/* events lost meanwhile */
	uint64_t		 covered;	/* SEQNUMs a coldplug made up for */
	uint64_t		 gap_resync_ms;	/* when a gap last resynchronized */
	int			 gap_pending;	/* a gap waits for the interval */
	uint64_t		 resync_not_before;	/* back-off, ms */
	unsigned int		 resync_backoff_ms;

	unsigned long		 handled, lost, refused, resyncs;
	int			 coldplug_failed;	/* could not run, or failed */
};

static void
daemon_usage(FILE *f)
{
	fprintf(f,
"usage: hotplug2 [daemon] [options]\n"
"Read kernel uevents and hand them, one at a time, to the Lua handlers.\n"
"  -c, --config-dir DIR     handler scripts (default " PATH_CONFIG_DIR ")\n"
"  -r, --root DIR           resolve every path the scripts touch under DIR\n"
"  -n, --dry-run            print the actions, change nothing\n"
"  -C, --coldplug           run hotplug2-coldplug once the socket is bound\n"
"  -o, --once               exit when coldplug's events are handled and\n"
"                           no child runs (initramfs, preinit)\n"
"  -f, --foreground         do not detach; log to stderr\n"
"  -R, --replay FILE|-      read wire-format events from FILE, not netlink\n"
"  -d, --ready-fd FD        write a line to FD once ready (after coldplug)\n"
"  -b, --buffer-size BYTES  the uevent socket's receive buffer, where a\n"
"                           storm waits (default %d MiB)\n"
"  -m, --max-children N     commands running at once (default %d)\n"
"  -t, --child-timeout SEC  kill commands running longer (default %d)\n"
"  -M, --modprobe PROG      modprobe for the scripts (default " PATH_MODPROBE ")\n"
"  -a, --alias-file FILE    modules.alias for the scripts\n"
"  -S, --sysfs DIR          sysfs tree that coldplug walks (default /sys)\n"
"      --udev               udev's database and libudev broadcast, also\n"
"                           under --root (default: only with the root /)\n"
"      --no-udev            neither udev's database nor the broadcast\n"
"      --rebroadcast GROUP  re-send each handled event as the kernel sent\n"
"                           it on netlink group GROUP, 3 to 32 (off)\n"
"  -v, --verbose            more logging (twice: debug)\n"
"  -h, --help               this text\n",
	    NETLINK_RCVBUF_WANT / (1024 * 1024), SPAWN_MAX_CHILDREN_DEFAULT,
	    SPAWN_TIMEOUT_DEFAULT_MS / 1000);
}

/* A decimal option in [min, max], or exit with a usage error. */
static unsigned long
number_arg(const char *name, const char *s, unsigned long min,
    unsigned long max)
{
	char		*end;
	unsigned long	 v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max ||
	    *s == '-') {
		log_warnx("%s: %s: expected a number from %lu to %lu", name, s,
		    min, max);
		exit(EXIT_USAGE);
	}
	return v;
}

/* The decimal counter in path, or 0 when it cannot be read. */
static uint64_t
read_counter(const char *path)
{
	char	 buf[32];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

/* /sys/kernel/uevent_seqnum, or 0 when it cannot be read (2.4, no sysfs). */
static uint64_t
read_kernel_seqnum(void)
{
	return read_counter(PATH_UEVENT_SEQNUM);
}

/*
 * The last SEQNUM hotplug2-dnode gave out on a 2.4 system, from its
 * counter file (the daemon's environment may name another, as dnode's
 * does), or 0.
 */
static uint64_t
read_dnode_seqnum(void)
{
	const char	*path = getenv(DNODE_SEQNUM_ENV);

	if (path == NULL || *path == '\0')
		path = DNODE_SEQNUM_FILE;
	return read_counter(path);
}

/* The queue's ceiling (queue_ceiling_fn): the counter that numbers events. */
static uint64_t
seqnum_ceiling(void *arg)
{
	const struct daemon	*d = arg;

	return d->seqnum_file ? read_kernel_seqnum() : read_dnode_seqnum();
}

/* hotplug2-coldplug beside our own binary (a build tree), else in PATH. */
static void
find_coldplug(char *out, size_t outlen)
{
	char	 self[PATH_MAX];
	char	*slash;
	ssize_t	 n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		if ((slash = strrchr(self, '/')) != NULL &&
		    (size_t)(slash - self) + sizeof(COLDPLUG_PROGRAM) + 1 <
		    outlen) {
			memcpy(out, self, (size_t)(slash - self) + 1);
			memcpy(out + (slash - self) + 1, COLDPLUG_PROGRAM,
			    sizeof(COLDPLUG_PROGRAM));
			if (access(out, X_OK) == 0)
				return;
		}
	}
	snprintf(out, outlen, "%s", COLDPLUG_PROGRAM);
}

static void
coldplug_start(struct daemon *d)
{
	char	*argv[5];
	int	 i = 0;

	argv[i++] = d->coldplug_prog;
	if (d->coldplug_sysfs != NULL) {
		argv[i++] = "--sysfs";
		argv[i++] = (char *)d->coldplug_sysfs;
	}
	argv[i] = NULL;
	d->coldplug_wanted = 0;
	d->coldplug_lossy = 0;
	/* Whatever was lost before this point, the coldplug announces again. */
	d->covered = read_kernel_seqnum();
	d->coldplug_pid = spawn_helper(argv);
	if (d->coldplug_pid == -1) {
		/*
		 * Logged by spawn_helper.  Readiness and --once go on, so
		 * nothing waits for ever; --once then exits 1.
		 */
		d->coldplug_pid = 0;
		d->coldplug_settling = 1;
		d->coldplug_failed = 1;
	}
}

/*
 * Events were lost: make the kernel announce every device again.  One
 * coldplug at a time; requests made meanwhile coalesce into one more,
 * which starts once the socket and the queue are empty.  When events
 * were lost while a coldplug's own events came in, the next one waits a
 * back-off (see daemon.h), so that a storm that outruns the daemon is
 * not fed with coldplugs.
 */
static void
resync(struct daemon *d, const char *why)
{
	if (d->nlfd == -1 || d->stopping)
		return;
	if (d->coldplug_pid != 0 || d->coldplug_settling)
		d->coldplug_lossy = 1;
	if (d->coldplug_wanted)
		return;
	log_warnx("%s: resynchronizing with a coldplug", why);
	d->coldplug_wanted = 1;
	d->resyncs++;
}

/* A coldplug's events are all in: set the back-off for the next one. */
static void
coldplug_settled(struct daemon *d, uint64_t now)
{
	if (d->coldplug_lossy) {
		d->resync_backoff_ms = d->resync_backoff_ms == 0 ?
		    DAEMON_RESYNC_BACKOFF_MIN_MS : d->resync_backoff_ms * 2;
		if (d->resync_backoff_ms > DAEMON_RESYNC_BACKOFF_MAX_MS)
			d->resync_backoff_ms = DAEMON_RESYNC_BACKOFF_MAX_MS;
		d->resync_not_before = now + d->resync_backoff_ms;
		log_warnx("events were lost during the coldplug: the next one "
		    "waits %u ms", d->resync_backoff_ms);
	} else
		d->resync_backoff_ms = 0;
	d->coldplug_lossy = 0;
}

/* spawn_reap's hook: the coldplug helper ended. */
static void
helper_exit(pid_t pid, int status, void *arg)
{
	struct daemon	*d = arg;

	if (pid != d->coldplug_pid)
		return;
	d->coldplug_pid = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		d->coldplug_failed = 1;
		log_warnx("%s failed (status %d): some devices may not be "
		    "announced", d->coldplug_prog, WIFEXITED(status) ?
		    WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	/*
	 * The kernel queued every event to our socket before each write
	 * to a uevent file returned: what the helper triggered is in the
	 * socket now, and settled once the socket and the queue are empty.
	 */
	d->coldplug_settling = 1;
	d->input_drained = 0;
}

static void
ready(struct daemon *d)
{
	ssize_t	 n;

	notify_ready();
	if (d->ready_fd == -1)
		return;
	n = write(d->ready_fd, "\n", 1);
	if (n != 1)
		log_warn("unable to write to the readiness fd %d", d->ready_fd);
	close(d->ready_fd);
	d->ready_fd = -1;
	log_info("ready");
}

static void
reload(struct daemon *d)
{
	struct script	*s;
	int		 nerrors = 0;

	log_info("reloading the scripts from %s", d->sopts.config_dir);
	s = script_load(&d->sopts, &nerrors);
	if (s == NULL || nerrors > 0) {
		log_warnx("reload failed (%d file%s with errors): keeping the "
		    "scripts loaded before", nerrors, nerrors == 1 ? "" : "s");
		if (s != NULL)
			script_free(s);
		heap_trim();
		return;
	}
	script_free(d->script);
	d->script = s;
	heap_trim();
}

static void
stop(struct daemon *d)
{
	unsigned int	 n = queue_len(d->q);

	if (d->stopping)
		return;
	log_info("stopping: %u queued event%s not handled", n,
	    n == 1 ? "" : "s");
	d->stopping = 1;
	d->stop_deadline = child_now_ms() + DAEMON_STOP_TIMEOUT_MS;
	if (d->nlfd != -1) {
		close(d->nlfd);
		d->nlfd = -1;
	}
	if (d->replay_fd != -1) {
		close(d->replay_fd);
		d->replay_fd = -1;
	}
	spawn_drop_pending();
}

/* Log what queue_push said about an event other than "queued". */
static void
pushed(struct daemon *d, const char *src, enum queue_verdict v,
    uint64_t seq, uint64_t before)
{
	switch (v) {
	case QUEUE_STALE:
		log_debug("%sSEQNUM %llu again or too late: dropped", src,
		    (unsigned long long)seq);
		break;
	case QUEUE_OUTSIDE:
		log_warnx("%sSEQNUM %llu is past the counter's %llu: handled "
		    "out of sequence", src, (unsigned long long)seq,
		    (unsigned long long)seqnum_ceiling(d));
		break;
	case QUEUE_REBASED:
		log_warnx("%sSEQNUM went from %llu to %llu: a new sequence "
		    "starts there", src, (unsigned long long)before,
		    (unsigned long long)seq);
		break;
	case QUEUE_QUEUED:
		break;
	}
}

/*
 * Read up to a batch from netlink into free slots.  Events that wait
 * for commands are overtaken by the others, so the queue fills only when
 * every slot holds an event that waits, or the scripts are slower than
 * the kernel: then reading pauses, and the kernel's receive buffer holds
 * the backlog until a slot is free again.
 */
static void
read_netlink(struct daemon *d, uint64_t now)
{
	struct uevent		*ev;
	enum queue_verdict	 v;
	uint64_t		 before;
	int			 i, r;

	for (i = 0; i < DAEMON_READ_BATCH; i++) {
		if ((ev = queue_slot(d->q)) == NULL)
			return;
		r = netlink_recv(d->nlfd, ev, &d->nst);
		if (r == 1) {
			before = queue_last(d->q);
			if ((v = queue_push(d->q, now)) != QUEUE_QUEUED)
				pushed(d, "", v, ev->seqnum, before);
		} else if (r == -1) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				d->input_drained = 1;
				return;
			}
			if (errno == ENOBUFS)
				resync(d, "the kernel dropped events (ENOBUFS)");
			else if (errno != EINTR) {
				log_warn("unable to read from netlink");
				return;
			}
		}
	}
}

/*
 * spawn_sync's hook: a script waits for a command; keep the socket
 * drained into the queue meanwhile.  Nothing is handed to the scripts
 * from here (they are in the middle of a call), so a full queue just
 * stops the reading.
 */
static int
sync_read(void *arg)
{
	struct daemon	*d = arg;

	if (d->nlfd == -1 || d->stopping)
		return 0;
	read_netlink(d, child_now_ms());
	return !queue_full(d->q);
}

/*
 * Read wire-format events from the replay input; stops when the queue is
 * full.  read() is called only after poll found the input readable, and
 * once each time, so a pipe that stays silent never holds the loop.
 */
static void
read_replay(struct daemon *d, uint64_t now)
{
	struct uevent		*ev;
	enum queue_verdict	 v;
	const char		*why;
	uint64_t		 before;
	size_t			 n, off = 0;
	ssize_t			 r;
	int			 i;

	for (i = 0; i < DAEMON_READ_BATCH; i++) {
		if ((ev = queue_slot(d->q)) == NULL)
			break;
		off += uevent_skip_separators(d->rbuf + off, d->rlen - off);
		n = uevent_next(d->rbuf + off, d->rlen - off, d->input_eof);
		if (n == 0) {
			if (d->input_eof) {
				d->rlen = 0;
				d->input_drained = 1;
				return;
			}
			memmove(d->rbuf, d->rbuf + off, d->rlen - off);
			d->rlen -= off;
			d->rbase += off;
			off = 0;
			if (d->rlen == REPLAY_BUF) {
				log_warnx("replay: an event longer than %d "
				    "bytes at byte %zu: giving up", REPLAY_BUF,
				    d->rbase);
				d->refused++;
				d->input_eof = 1;
				d->rlen = 0;
				continue;
			}
			if (!d->replay_ready) {
				d->input_drained = 1;
				return;
			}
			d->replay_ready = 0;
			r = read(d->replay_fd, d->rbuf + d->rlen,
			    REPLAY_BUF - d->rlen);
			if (r == -1 && (errno == EAGAIN || errno == EINTR)) {
				d->input_drained = 1;
				return;
			}
			if (r <= 0) {
				if (r == -1)
					log_warn("replay: read");
				d->input_eof = 1;
			} else
				d->rlen += (size_t)r;
			continue;
		}
		if (uevent_parse(ev, d->rbuf + off, n, &why) == 0) {
			before = queue_last(d->q);
			if ((v = queue_push(d->q, now)) != QUEUE_QUEUED)
				pushed(d, "replay: ", v, ev->seqnum, before);
		} else {
			log_warnx("replay: skipping a bad event at byte %zu: %s",
			    d->rbase + off, why);
			d->refused++;
		}
		off += n;
	}
	memmove(d->rbuf, d->rbuf + off, d->rlen - off);
	d->rlen -= off;
	d->rbase += off;
}

/*
 * queue_next's busy: an event waits while commands of earlier events run
 * or wait on its device, a parent or a child; and every event waits
 * while the FIFO of commands is half full, so that handlers which start
 * commands find room for them (the queue holds the events meanwhile).
 */
static int
event_waits(const char *devpath, void *arg)
{
	(void)arg;
	if (spawn_pending() >= DAEMON_PENDING_MAX)
		return 1;
	return spawn_busy(devpath, NULL);
}

static int
min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

/* Hand queued events to the scripts, a batch at a time; returns the wake time. */
static int
serve(struct daemon *d, uint64_t now)
{
	struct uevent	*ev;
	uint64_t	 first, last;
	int		 i, wake = -1;

	for (i = 0; i < DAEMON_READ_BATCH; i++) {
		ev = queue_next(d->q, now, event_waits, NULL, &wake);
		if (ev == NULL)
			break;
		script_handle(d->script, ev);
		/* After its actions, before the next event: in order. */
		rebroadcast_event(&d->rb, ev);
		queue_done(d->q);
		d->handled++;
	}
	/*
	 * The modules this batch asked for, in one modprobe; before the
	 * loop sleeps, exits or reads the next batch, which is never
	 * merged with this one.
	 */
	spawn_flush();
	if (i == DAEMON_READ_BATCH)
		wake = 0;
	if (queue_take_gap(d->q, &first, &last)) {
		if (d->nlfd != -1 && d->seqnum_file && last <= d->covered)
			/* Made up for, but lost: worth a warning all the same. */
			log_warnx("events %llu to %llu were lost; the coldplug "
			    "since made up for them", (unsigned long long)first,
			    (unsigned long long)last);
		else {
			log_warnx("events %llu to %llu never arrived",
			    (unsigned long long)first,
			    (unsigned long long)last);
			d->lost += last - first + 1;
			if (d->nlfd != -1 && d->seqnum_file)
				d->gap_pending = 1;
		}
	}
	if (d->gap_pending) {
		if (d->gap_resync_ms == 0 ||
		    now >= d->gap_resync_ms + DAEMON_GAP_RESYNC_MS) {
			d->gap_pending = 0;
			d->gap_resync_ms = now;
			resync(d, "SEQNUM gap");
		} else
			wake = min_timeout(wake, (int)(d->gap_resync_ms +
			    DAEMON_GAP_RESYNC_MS - now));
	}
	return wake;
}

static int
idle(const struct daemon *d)
{
	return queue_len(d->q) == 0 && spawn_running() == 0 &&
	    spawn_pending() == 0 && d->coldplug_pid == 0 &&
	    !d->coldplug_wanted && d->input_drained;
}

static int
loop(struct daemon *d)
{
	struct pollfd	 pfd[2 + POLL_CHILDREN_MAX];
	unsigned int	 sigs, nch;
	uint64_t	 now;
	int		 timeout, wake, in;

	for (;;) {
		now = child_now_ms();
		if (!d->stopping) {
			if (d->nlfd != -1)
				read_netlink(d, now);
			else if (d->replay_fd != -1 && !d->input_drained)
				read_replay(d, now);
		}
		wake = d->stopping ? -1 : serve(d, now);
		if (d->coldplug_settling && d->input_drained &&
		    queue_len(d->q) == 0) {
			d->coldplug_settling = 0;
			log_info("coldplug done: %lu events handled",
			    d->handled);
			coldplug_settled(d, now);
			ready(d);
		}
		/*
		 * Only into an empty socket and an empty queue: the kernel
		 * reports an overflow once until the buffer is emptied, so
		 * earlier the coldplug's own events could be lost.  And
		 * not before the back-off after a lossy coldplug.
		 */
		if (d->coldplug_wanted && d->coldplug_pid == 0 &&
		    !d->coldplug_settling && !d->stopping &&
		    d->input_drained && queue_len(d->q) == 0) {
			if (now >= d->resync_not_before) {
				coldplug_start(d);
				/* A helper that could not start settles now. */
				if (d->coldplug_settling)
					wake = 0;
			} else
				wake = min_timeout(wake,
				    (int)(d->resync_not_before - now));
		}
		if (d->stopping) {
			if (spawn_running() == 0)
				break;
			if (now >= d->stop_deadline)
				spawn_kill_all();
		} else if (idle(d) && (!d->persistent ||
		    (d->replay_fd != -1 && d->input_eof)))
			break;

		/* Sleep until input, a signal, child output or a deadline. */
		pfd[0].fd = d->sigfd;
		pfd[0].events = POLLIN;
		in = d->nlfd != -1 ? d->nlfd :
		    (!d->input_eof ? d->replay_fd : -1);
		/* A full queue leaves the input unread (see read_netlink). */
		pfd[1].fd = queue_full(d->q) || d->stopping ? -1 : in;
		pfd[1].events = POLLIN;
		nch = spawn_pollfds(pfd + 2, POLL_CHILDREN_MAX);
		timeout = min_timeout(wake, spawn_next_timeout(now));
		if (d->stopping)
			timeout = min_timeout(timeout, 100);
		/*
		 * Input already known to be waiting: do not sleep.  That
		 * includes what is left of a replay after its end of file,
		 * which no poll would report.
		 */
		if ((pfd[1].fd != -1 || (d->replay_fd != -1 && d->input_eof &&
		    !queue_full(d->q))) && !d->input_drained)
			timeout = 0;
		if (poll(pfd, 2 + nch, timeout) == -1 && errno != EINTR)
			fatal("poll");
		if (pfd[1].fd != -1 && (pfd[1].revents & (POLLIN | POLLHUP |
		    POLLERR))) {
			d->input_drained = 0;
			d->replay_ready = 1;
		}
		if (nch > 0)
			spawn_output(pfd + 2, nch);
		if (pfd[0].revents & POLLIN) {
			sigs = sig_take();
			if (sigs & SIG_CHILD) {
				spawn_reap(helper_exit, d);
				/* Events may wait for what ended. */
				queue_wake(d->q);
			}
			if (sigs & SIG_RELOAD)
				reload(d);
			if (sigs & SIG_PERSIST) {
				d->persistent = !d->persistent;
				log_info("persistence %s", d->persistent ?
				    "on" : "off: exiting when idle");
			}
			if (sigs & SIG_STOP)
				stop(d);
		}
		spawn_expire(child_now_ms());
	}
	spawn_reap(helper_exit, d);
	/* --once promises every device handled: say when it could not be. */
	if (!d->persistent && d->coldplug_failed && !d->stopping)
		return EXIT_FAIL;
	/* So does a replay for every event of its input. */
	if (d->replay_fd != -1 && d->refused > 0) {
		log_warnx("replay: %lu event%s refused", d->refused,
		    d->refused == 1 ? "" : "s");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* Detach as daemon(3) does, keeping the readiness fd open. */
static void
detach(void)
{
	pid_t	 pid;
	int	 fd;

	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid > 0)
		_exit(EXIT_OK);
	if (setsid() == -1)
		fatal("setsid");
	if (chdir("/") == -1)
		fatal("chdir /");
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	log_to_syslog(1);
}

/* What the command line asks for beyond the daemon's own settings. */
struct daemon_args {
	const char	*replay;	/* --replay FILE, or NULL */
	unsigned int	 rebroadcast;	/* --rebroadcast GROUP, or 0 */
	unsigned long	 max_children;
	unsigned long	 timeout_s;
	int		 foreground;
	int		 coldplug;
	int		 verbose;
};

/*
 * The options into d and args.  Returns -1 to go on, or the exit status:
 * EXIT_OK after --help, EXIT_USAGE for a bad command line.
 */
/* Options with no short form. */
enum {
	OPT_UDEV = 256,
	OPT_NO_UDEV,
	OPT_REBROADCAST
};

static int
parse_options(struct daemon *d, struct daemon_args *args, int argc,
    char *argv[])
{
	static const struct option longopts[] = {
		{ "alias-file",		required_argument,	NULL, 'a' },
		{ "buffer-size",	required_argument,	NULL, 'b' },
		{ "child-timeout",	required_argument,	NULL, 't' },
		{ "coldplug",		no_argument,		NULL, 'C' },
		{ "config-dir",		required_argument,	NULL, 'c' },
		{ "dry-run",		no_argument,		NULL, 'n' },
		{ "foreground",		no_argument,		NULL, 'f' },
		{ "help",		no_argument,		NULL, 'h' },
		{ "max-children",	required_argument,	NULL, 'm' },
		{ "modprobe",		required_argument,	NULL, 'M' },
		{ "no-udev",		no_argument,		NULL, OPT_NO_UDEV },
		{ "once",		no_argument,		NULL, 'o' },
		{ "ready-fd",		required_argument,	NULL, 'd' },
		{ "rebroadcast",	required_argument,	NULL, OPT_REBROADCAST },
		{ "replay",		required_argument,	NULL, 'R' },
		{ "root",		required_argument,	NULL, 'r' },
		{ "sysfs",		required_argument,	NULL, 'S' },
		{ "udev",		no_argument,		NULL, OPT_UDEV },
		{ "verbose",		no_argument,		NULL, 'v' },
		{ NULL,			0,			NULL, 0 }
	};
	const char	*why;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "a:b:Cc:d:fhM:m:noR:r:S:t:v",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			d->sopts.alias_file = optarg;
			break;
		case 'b':
			d->rcvbuf = (int)number_arg("--buffer-size", optarg,
			    NETLINK_RCVBUF_MIN, INT_MAX / 2);
			break;
		case 'C':
			args->coldplug = 1;
			break;
		case 'c':
			d->sopts.config_dir = optarg;
			break;
		case 'd':
			d->ready_fd = (int)number_arg("--ready-fd", optarg, 0,
			    INT_MAX);
			if (fcntl(d->ready_fd, F_SETFD, FD_CLOEXEC) == -1) {
				log_warn("--ready-fd %d", d->ready_fd);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			args->foreground = 1;
			break;
		case 'h':
			daemon_usage(stdout);
			return EXIT_OK;
		case 'M':
			d->sopts.modprobe = optarg;
			break;
		case 'm':
			args->max_children = number_arg("--max-children",
			    optarg, 1, 1024);
			break;
		case 'n':
			d->sopts.dry_run = 1;
			break;
		case 'o':
			d->persistent = 0;
			break;
		case 'R':
			args->replay = optarg;
			break;
		case 'r':
			d->sopts.root = optarg;
			break;
		case 'S':
			d->coldplug_sysfs = optarg;
			break;
		case 't':
			args->timeout_s = number_arg("--child-timeout", optarg,
			    1, 86400);
			break;
		case 'v':
			args->verbose++;
			break;
		case OPT_UDEV:
			d->sopts.udev = "on";
			break;
		case OPT_NO_UDEV:
			d->sopts.udev = "off";
			break;
		case OPT_REBROADCAST:
			if (rebroadcast_parse(optarg, &args->rebroadcast,
			    &why) == -1) {
				log_warnx("--rebroadcast %s: %s", optarg, why);
				return EXIT_USAGE;
			}
			break;
		default:
			daemon_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		daemon_usage(stderr);
		return EXIT_USAGE;
	}
	if (args->replay != NULL && args->coldplug) {
		log_warnx("--replay and --coldplug exclude each other");
		return EXIT_USAGE;
	}
	return -1;
}

/*
 * The events' source: the replay file, or the uevent socket with the
 * queue's first SEQNUM.  Returns -1 to go on, or the exit status.
 */
static int
open_input(struct daemon *d, const char *replay)
{
	if (replay != NULL) {
		if (strcmp(replay, "-") == 0)
			d->replay_fd = 0;
		else if ((d->replay_fd = open(replay, O_RDONLY | O_CLOEXEC)) ==
		    -1) {
			log_warn("unable to open %s", replay);
			return EXIT_FAIL;
		}
		/*
		 * Our own descriptor may be non-blocking; standard input is
		 * shared with whoever started us, so it is left as it is
		 * and read only when poll finds it readable.
		 */
		if (d->replay_fd != 0)
			(void)fcntl(d->replay_fd, F_SETFL, O_NONBLOCK);
		if ((d->rbuf = malloc(REPLAY_BUF)) == NULL)
			fatal("malloc");
	} else {
		/*
		 * Read, then bind: whatever the socket receives is newer and
		 * none of it is taken for stale.  An event in between is
		 * missed, seen as a gap and made up for by a coldplug.
		 */
		queue_set_last(d->q, read_kernel_seqnum());
		d->seqnum_file = queue_last(d->q) != 0;
		if (!d->seqnum_file)
			queue_set_last(d->q, read_dnode_seqnum());
		queue_set_ceiling(d->q, seqnum_ceiling, d);
		d->nlfd = netlink_open(NETLINK_UEVENT_GROUP, d->rcvbuf, NULL);
		if (d->nlfd == -1)
			return EXIT_SYSCALL;
	}
	return -1;
}

/*
 * Everything before the loop: the queue, the scripts, the input, the
 * detach, the signals and the coldplug helper.  Returns -1 to go on, or
 * the exit status.
 */
static int
setup(struct daemon *d, const struct daemon_args *args)
{
	int	 nerrors = 0, rc, early;

	heap_init();
	d->q = queue_new(QUEUE_EVENTS_MAX, QUEUE_WINDOW_MS);
	if (d->q == NULL)
		fatal("unable to allocate the event queue");
	/*
	 * In the foreground, the coldplug starts before the scripts load:
	 * the kernel takes tens of milliseconds to announce every device,
	 * and the socket holds the announcements meanwhile.  A daemon that
	 * detaches starts it after the fork, as its child.  With one CPU
	 * the two would only take turns, and the loading's time budget
	 * would pay for the kernel's work.
	 */
	early = args->coldplug && args->foreground && args->replay == NULL &&
	    sysconf(_SC_NPROCESSORS_ONLN) > 1;
	if (early) {
		if ((rc = open_input(d, NULL)) != -1)
			return rc;
		notify_init();
		if ((d->sigfd = sig_init()) == -1)
			fatal("unable to set up the signal handlers");
		find_coldplug(d->coldplug_prog, sizeof(d->coldplug_prog));
		coldplug_start(d);
	}
	d->script = script_load(&d->sopts, &nerrors);
	if (d->script == NULL) {
		log_warnx("unable to load the scripts from %s",
		    d->sopts.config_dir);
		if (d->coldplug_pid > 0)
			(void)kill(d->coldplug_pid, SIGTERM);
		return EXIT_CONFIG;
	}
	heap_trim();
	if (nerrors > 0)
		log_warnx("%d script file%s failed to load and %s skipped",
		    nerrors, nerrors == 1 ? "" : "s",
		    nerrors == 1 ? "is" : "are");
	if (!early) {
		if ((rc = open_input(d, args->replay)) != -1)
			return rc;
		if (!args->foreground)
			detach();
		notify_init();
		if ((d->sigfd = sig_init()) == -1)
			fatal("unable to set up the signal handlers");
	}
	if (d->nlfd != -1)
		spawn_sync_hook(d->nlfd, sync_read, d);
	/* A dry run changes nothing and tells no one, as udev's broadcast. */
	if (args->rebroadcast != 0 && d->sopts.dry_run)
		log_info("--dry-run: nothing is rebroadcast");
	else if (args->rebroadcast != 0 &&
	    rebroadcast_open(&d->rb, args->rebroadcast) == -1)
		return EXIT_SYSCALL;

	if (args->coldplug) {
		if (!early) {
			find_coldplug(d->coldplug_prog,
			    sizeof(d->coldplug_prog));
			d->coldplug_wanted = 1;
		}
	} else
		ready(d);
	/* Resynchronization needs the helper too. */
	if (d->coldplug_prog[0] == '\0')
		find_coldplug(d->coldplug_prog, sizeof(d->coldplug_prog));
	return -1;
}

/* What the run did, logged when the loop ends. */
static void
log_totals(struct daemon *d, int replay)
{
	const struct queue_stats	*qs = queue_stats(d->q);

	if (!replay)
		netlink_stats_log(&d->nst);
	log_info("%lu events handled, %lu lost, %lu resynchronizations",
	    d->handled, d->lost, d->resyncs);
	log_debug("queue: %lu reordered, %lu stale dropped, %lu gaps, %lu "
	    "overtaken, %lu out of sequence, %lu new sequences, at most %u "
	    "held", qs->reordered, qs->stale, qs->gaps, qs->overtaken,
	    qs->outside, qs->rebased, qs->peak);
}

int
daemon_main(int argc, char *argv[])
{
	static struct daemon	 d;
	struct daemon_args	 args;
	int			 rc;

	memset(&d, 0, sizeof(d));
	d.nlfd = d.replay_fd = d.ready_fd = -1;
	d.rcvbuf = NETLINK_RCVBUF_WANT;
	rebroadcast_init(&d.rb);
	d.persistent = 1;
	d.sopts.config_dir = PATH_CONFIG_DIR;
	d.sopts.root = "/";
	memset(&args, 0, sizeof(args));
	args.max_children = SPAWN_MAX_CHILDREN_DEFAULT;
	args.timeout_s = SPAWN_TIMEOUT_DEFAULT_MS / 1000;
	log_init("hotplug2", 1, 0);
	/* "hotplug2 daemon ..." and "hotplug2 ..." are the same. */
	if (argc >= 2 && strcmp(argv[1], "daemon") == 0) {
		argc--;
		argv++;
	}
	if ((rc = parse_options(&d, &args, argc, argv)) != -1)
		return rc;
	log_init("hotplug2", 1, args.verbose);
	spawn_init((unsigned int)args.max_children,
	    (unsigned int)args.timeout_s * 1000);
	if ((rc = setup(&d, &args)) != -1)
		return rc;

	rc = loop(&d);
	log_totals(&d, args.replay != NULL);
	rebroadcast_close(&d.rb);
	script_free(d.script);
	queue_free(d.q);
	free(d.rbuf);
	return rc;
}
