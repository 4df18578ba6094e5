/* One command: start it, log its output and how it ended, or run it to the end. */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "exec.h"
#include "log.h"

extern char **environ;

#define CHILD_READS_MAX		16	/* per child_drain call */

uint64_t
child_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "argv0 arg1 ..." for the log, cut at outlen. */
void
child_cmdline(char *out, size_t outlen, char *const argv[])
{
	size_t	 n = 0;
	int	 i, w;

	out[0] = '\0';
	for (i = 0; argv[i] != NULL && n < outlen; i++) {
		w = snprintf(out + n, outlen - n, "%s%s", i > 0 ? " " : "",
		    argv[i]);
		/* w is what would have been written: past the end, stop. */
		if (w < 0 || (size_t)w >= outlen - n)
			break;
		n += (size_t)w;
	}
}

/*
 * What a child reads from: /dev/null, or, where there is none yet (an
 * initramfs whose /dev the scripts are about to fill), the read end of a
 * pipe whose write end is already closed, which reads as end of file
 * just the same.  Close-on-exec: the child gets a dup2'd copy.
 */
static int __attribute__((noinline))
empty_input(void)
{
	int	 fd, p[2];

	if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1)
		return fd;
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	close(p[1]);
	return p[0];
}

/* A pipe whose read end, ours, is non-blocking: the child must not see EAGAIN. */
static int
out_pipe(int p[2])
{
	int	 saved;

	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) == -1) {
		saved = errno;
		close(p[0]);
		close(p[1]);
		errno = saved;
		return -1;
	}
	return 0;
}

static void
close_pipe(int p[2])
{
	if (p[0] != -1) {
		close(p[0]);
		close(p[1]);
	}
	p[0] = p[1] = -1;
}

/*
 * vfork rather than fork: the daemon's pages are not copied, which is
 * what glibc's posix_spawn does too (whose <spawn.h> our own spawn.h
 * hides).  The child gets empty_input() as stdin, the pipe as stdout and
 * stderr (or inherits ours when outfd is NULL; with capfd, stdout is a
 * pipe of its own), default signal handling and its own process group,
 * so a timeout kills whatever it started too.  It gets no other
 * descriptor of ours: not the netlink socket, not what the daemon
 * inherited.  The program is looked up along the PATH of envp here,
 * before the vfork, where a missing one is an error of the caller's; an
 * exec that fails all the same is reported through a close-on-exec pipe.
 */
pid_t
child_start(char *const argv[], char *const envp[], int *outfd, int *capfd)
{
	static const int	 sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1,
	    SIGCHLD, SIGPIPE };
	sigset_t		 all, old;
	pid_t			 pid;
	ssize_t			 n;
	int			 p[2] = { -1, -1 }, c[2] = { -1, -1 }, e[2];
	int			 err = 0, nullfd;
	size_t			 i;
	char			 prog[PATH_MAX];

	if (exec_resolve(argv[0], envp != NULL ? exec_env_path(envp) :
	    getenv("PATH"), prog, sizeof(prog)) == -1)
		return -1;
	if ((outfd != NULL && out_pipe(p) == -1) ||
	    (capfd != NULL && out_pipe(c) == -1)) {
		err = errno;
		goto fail;
	}
	if (pipe2(e, O_CLOEXEC) == -1) {
		err = errno;
		goto fail;
	}
	if ((nullfd = empty_input()) == -1) {
		err = errno;
		close(e[0]);
		close(e[1]);
		goto fail;
	}
	/* No handler may run in the child while it shares our memory. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = vfork();
	if (pid == 0) {
		struct sigaction	 sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaction(sigs[i], &sa, NULL);
		setpgid(0, 0);
		dup2(nullfd, 0);
		if (outfd != NULL) {
			dup2(p[1], 1);
			dup2(p[1], 2);
		}
		if (capfd != NULL)
			dup2(c[1], 1);
		exec_close_from_3();
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execve(prog, argv, envp != NULL ? envp : environ);
		err = errno;
		n = write(e[1], &err, sizeof(err));
		(void)n;
		_exit(127);
	}
	if (pid == -1)
		err = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(nullfd);
	close(e[1]);
	if (pid != -1) {
		while ((n = read(e[0], &err, sizeof(err))) == -1 &&
		    errno == EINTR)
			;
		if (n == (ssize_t)sizeof(err)) {
			/* The exec failed: the child is gone, reap it. */
			while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
				;
		} else
			err = 0;
	}
	close(e[0]);
	if (err != 0)
		goto fail;
	if (outfd != NULL) {
		close(p[1]);
		*outfd = p[0];
	}
	if (capfd != NULL) {
		close(c[1]);
		*capfd = c[0];
	}
	return pid;

fail:
	close_pipe(p);
	close_pipe(c);
	errno = err;
	return -1;
}

/*
 * Log one line of a child's output, up to CHILD_LOG_LINES_MAX per
 * command: a command that talks without end must not fill the log.
 */
static void
log_line(struct child_output *o, const char *cmd, pid_t pid, const char *line,
    size_t len)
{
	if (o->lines < CHILD_LOG_LINES_MAX)
		log_info("%.*s[%ld]: %.*s", (int)strcspn(cmd, " "), cmd,
		    (long)pid, (int)len, line);
	else if (o->lines == CHILD_LOG_LINES_MAX)
		log_warnx("%.*s[%ld]: more than %d lines of output; the rest "
		    "is not logged", (int)strcspn(cmd, " "), cmd, (long)pid,
		    CHILD_LOG_LINES_MAX);
	if (o->lines <= CHILD_LOG_LINES_MAX)
		o->lines++;
}

/*
 * Read what the pipe holds, log it line by line; close it at EOF.
 * Returns 1 at EOF or error, else 0.  At most CHILD_READS_MAX reads per
 * call: a child that writes without end must not hold the loop.
 */
int
child_drain(struct child_output *o, const char *cmd, pid_t pid)
{
	char	*nl;
	ssize_t	 n;
	size_t	 start;
	int	 reads;

	for (reads = 0; reads < CHILD_READS_MAX; reads++) {
		n = read(o->fd, o->buf + o->len, CHILD_LINE_MAX - o->len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			if (o->len > 0)
				log_line(o, cmd, pid, o->buf, o->len);
			o->len = 0;
			close(o->fd);
			o->fd = -1;
			return 1;
		}
		o->len += (size_t)n;
		start = 0;
		while ((nl = memchr(o->buf + start, '\n', o->len - start)) !=
		    NULL) {
			log_line(o, cmd, pid, o->buf + start,
			    (size_t)(nl - (o->buf + start)));
			start = (size_t)(nl - o->buf) + 1;
		}
		if (start == 0 && o->len == CHILD_LINE_MAX) {
			/* A line longer than the buffer: log it in parts. */
			log_line(o, cmd, pid, o->buf, o->len);
			start = o->len;
		}
		memmove(o->buf, o->buf + start, o->len - start);
		o->len -= start;
	}
	return 0;
}

/* Log how a command ended: failures at warning, every status at debug. */
void
child_log_end(const char *cmd, pid_t pid, int status, int killed,
    uint64_t ms)
{
	if (killed)
		log_warnx("%s[%ld] killed after %llu ms (child timeout)", cmd,
		    (long)pid, (unsigned long long)ms);
	else if (WIFSIGNALED(status))
		log_warnx("%s[%ld] died of signal %d", cmd, (long)pid,
		    WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		log_warnx("%s[%ld] failed with exit status %d", cmd,
		    (long)pid, WEXITSTATUS(status));
	log_debug("%s[%ld] exit status %d after %llu ms", cmd, (long)pid,
	    WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status), (unsigned long long)ms);
}

void
child_flush(struct child_output *o, const char *cmd, pid_t pid)
{
	if (o->len > 0)
		log_line(o, cmd, pid, o->buf, o->len);
	o->len = 0;
}

/*
 * Read what the capture pipe holds into cap, past its room into nothing
 * (cap->truncated set).  Returns 1 at end of file or error, else 0.
 */
static int
capture(int *fd, struct child_capture *cap)
{
	char	 sink[4096];
	ssize_t	 n;
	int	 reads;

	for (reads = 0; reads < CHILD_READS_MAX; reads++) {
		if (cap->len < cap->max)
			n = read(*fd, cap->buf + cap->len, cap->max - cap->len);
		else
			n = read(*fd, sink, sizeof(sink));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0) {
			close(*fd);
			*fd = -1;
			return 1;
		}
		if (cap->len < cap->max)
			cap->len += (size_t)n;
		else
			cap->truncated = 1;
	}
	return 0;
}

int
child_run(char *const argv[], char *const envp[], unsigned int timeout_ms,
    const struct child_wait *w, struct child_capture *cap, int *status)
{
	char			 cmd[CHILD_CMDLINE_MAX];
	struct child_output	 o;
	struct pollfd		 pfd[3];
	uint64_t		 start, deadline, now;
	nfds_t			 n, i;
	pid_t			 pid, r;
	int			 st, killed = 0, wait_ms;
	int			 watch = w != NULL && w->fd != -1 && w->fn != NULL;
	int			 capfd = -1;

	if (argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	child_cmdline(cmd, sizeof(cmd), argv);
	memset(&o, 0, sizeof(o));
	if (cap != NULL) {
		cap->len = 0;
		cap->truncated = 0;
	}
	if ((pid = child_start(argv, envp, &o.fd, cap != NULL ? &capfd :
	    NULL)) == -1) {
		log_warn("unable to run %s", cmd);
		return -1;
	}
	start = child_now_ms();
	deadline = start + (timeout_ms > 0 ? timeout_ms :
	    CHILD_TIMEOUT_DEFAULT_MS);
	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r == -1 && errno != EINTR) {
			log_warn("waitpid %ld", (long)pid);
			st = 0;
			break;
		}
		now = child_now_ms();
		if (!killed && w != NULL && w->stop != NULL && w->stop()) {
			log_warnx("stopping: killing %s[%ld], which a handler "
			    "waits for", cmd, (long)pid);
			deadline = now;
		}
		if (now >= deadline && !killed) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			killed = 1;
			continue;
		}
		/*
		 * Sleep on the output and the caller's fd.  SIGCHLD
		 * interrupts the wait, but may come just before it, and
		 * without a handler it does not come at all: never sleep
		 * long.
		 */
		n = 0;
		if (o.fd != -1) {
			pfd[n].fd = o.fd;
			pfd[n++].events = POLLIN;
		}
		if (capfd != -1) {
			pfd[n].fd = capfd;
			pfd[n++].events = POLLIN;
		}
		if (watch) {
			pfd[n].fd = w->fd;
			pfd[n++].events = POLLIN;
		}
		wait_ms = o.fd == -1 && capfd == -1 ? 1 : 50;
		if (!killed && deadline - now < (uint64_t)wait_ms)
			wait_ms = (int)(deadline - now);
		if (poll(pfd, n, wait_ms) <= 0)
			continue;
		for (i = 0; i < n; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == o.fd)
				child_drain(&o, cmd, pid);
			else if (pfd[i].fd == capfd)
				capture(&capfd, cap);
			else if (watch)
				watch = w->fn(w->arg);
		}
	}
	if (o.fd != -1 && child_drain(&o, cmd, pid) == 0) {
		/* A grandchild holds the pipe open: stop listening. */
		child_flush(&o, cmd, pid);
		close(o.fd);
	}
	if (capfd != -1 && capture(&capfd, cap) == 0)
		close(capfd);
	if (cap != NULL && cap->truncated)
		log_warnx("%s[%ld]: output longer than %zu bytes; the rest is "
		    "ignored", cmd, (long)pid, cap->max);
	child_log_end(cmd, pid, st, killed, child_now_ms() - start);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}
