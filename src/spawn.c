/* Child processes that scripts start: bounded concurrency, a FIFO, timeouts, output to the log. */
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

#include "exec.h"
#include "log.h"
#include "queue.h"
#include "sig.h"
#include "spawn.h"

extern char **environ;

#define SPAWN_CMDLINE_MAX	256	/* of the command line kept for the log */
#define SPAWN_LINE_MAX		512	/* longer output lines are logged in parts */
#define SPAWN_READS_MAX		16	/* per child and loop iteration */
#define SPAWN_LOG_LINES_MAX	200	/* of output logged per command */

/* A child's output pipe and the line being assembled from it. */
struct output {
	int		 fd;		/* -1 once closed */
	unsigned int	 lines;		/* logged so far */
	size_t		 len;
	char		 buf[SPAWN_LINE_MAX];
};

/*
 * One command.  argv, envp and devpath live in the same allocation,
 * right after the struct: a job is one malloc, made only when a script
 * starts a command, never per event.
 */
struct job {
	struct job	*next;
	pid_t		 pid;
	struct output	 out;
	int		 killed;	/* by the timeout */
	uint64_t	 start_ms;
	uint64_t	 deadline_ms;
	uint64_t	 seqnum;
	char		*devpath;
	char		**argv;
	char		**envp;
	char		 cmdline[SPAWN_CMDLINE_MAX];
};

static struct job	*running;	/* unordered */
static struct job	*fifo_head, *fifo_tail;
static unsigned int	 nrunning, npending;
static unsigned int	 max_children = SPAWN_MAX_CHILDREN_DEFAULT;
static unsigned int	 child_timeout_ms = SPAWN_TIMEOUT_DEFAULT_MS;
static int		 hook_fd = -1;
static int		(*hook_fn)(void *);
static void		*hook_arg;

uint64_t
spawn_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void
spawn_sync_hook(int fd, int (*fn)(void *), void *arg)
{
	hook_fd = fn != NULL ? fd : -1;
	hook_fn = fn;
	hook_arg = arg;
}

void
spawn_init(unsigned int max, unsigned int timeout_ms)
{
	max_children = max > 0 ? max : 1;
	child_timeout_ms = timeout_ms > 0 ? timeout_ms : SPAWN_TIMEOUT_DEFAULT_MS;
}

unsigned int
spawn_running(void)
{
	return nrunning;
}

unsigned int
spawn_pending(void)
{
	return npending;
}

/* "argv0 arg1 ..." for the log, cut at SPAWN_CMDLINE_MAX. */
static void
make_cmdline(char *out, size_t outlen, char *const argv[])
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

static size_t
vec_size(char *const v[], size_t *count)
{
	size_t	 bytes = 0, n = 0;

	for (; v != NULL && v[n] != NULL; n++)
		bytes += strlen(v[n]) + 1;
	*count = n;
	return bytes;
}

/* Copy a NULL-terminated vector into ptrs and the bytes at *strs. */
static void
vec_copy(char **ptrs, char **strs, char *const v[], size_t n)
{
	size_t	 i, len;

	for (i = 0; i < n; i++) {
		len = strlen(v[i]) + 1;
		memcpy(*strs, v[i], len);
		ptrs[i] = *strs;
		*strs += len;
	}
	ptrs[n] = NULL;
}

static struct job *
job_new(char *const argv[], char *const envp[], const char *devpath,
    uint64_t seqnum)
{
	struct job	*j;
	size_t		 na, ne, sa, se, sd, size;
	char		*strs;

	if (argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return NULL;
	}
	sa = vec_size(argv, &na);
	se = vec_size(envp, &ne);
	sd = strlen(devpath != NULL ? devpath : "") + 1;
	size = sizeof(*j) + (na + ne + 2) * sizeof(char *) + sa + se + sd;
	if ((j = malloc(size)) == NULL)
		return NULL;
	memset(j, 0, sizeof(*j));
	j->out.fd = -1;
	j->seqnum = seqnum;
	j->argv = (char **)(j + 1);
	j->envp = j->argv + na + 1;
	strs = (char *)(j->envp + ne + 1);
	vec_copy(j->argv, &strs, argv, na);
	vec_copy(j->envp, &strs, envp, ne);
	j->devpath = strs;
	memcpy(strs, devpath != NULL ? devpath : "", sd);
	make_cmdline(j->cmdline, sizeof(j->cmdline), argv);
	return j;
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

/*
 * vfork rather than fork: the daemon's pages are not copied, which is
 * what glibc's posix_spawn does too (whose <spawn.h> our own spawn.h
 * hides).  The child gets empty_input() as stdin, the pipe as stdout and
 * stderr (or inherits ours when outfd is NULL), default signal handling
 * and its own process group, so a timeout kills whatever it started
 * too.  It gets no other descriptor of ours: not the netlink socket, not
 * what the daemon inherited.  The program is looked up along the PATH of
 * envp here, before the vfork, where a missing one is an error of the
 * caller's; an exec that fails all the same is reported through a
 * close-on-exec pipe.
 */
static pid_t
start_child(char *const argv[], char *const envp[], int *outfd)
{
	static const int	 sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1,
	    SIGCHLD, SIGPIPE };
	sigset_t		 all, old;
	pid_t			 pid;
	ssize_t			 n;
	int			 p[2] = { -1, -1 }, e[2], err = 0, nullfd;
	size_t			 i;
	char			 prog[PATH_MAX];

	if (exec_resolve(argv[0], envp != NULL ? exec_env_path(envp) :
	    getenv("PATH"), prog, sizeof(prog)) == -1)
		return -1;

	/* Only our end is non-blocking: the child must not see EAGAIN. */
	if (outfd != NULL && (pipe2(p, O_CLOEXEC) == -1 ||
	    fcntl(p[0], F_SETFL, O_NONBLOCK) == -1)) {
		err = errno;
		if (p[0] != -1) {
			close(p[0]);
			close(p[1]);
		}
		errno = err;
		return -1;
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
	return pid;

fail:
	if (outfd != NULL) {
		close(p[0]);
		close(p[1]);
	}
	errno = err;
	return -1;
}

/*
 * Log one line of a child's output, up to SPAWN_LOG_LINES_MAX per
 * command: a command that talks without end must not fill the log.
 */
static void
log_line(struct output *o, const char *cmd, pid_t pid, const char *line,
    size_t len)
{
	if (o->lines < SPAWN_LOG_LINES_MAX)
		log_info("%.*s[%ld]: %.*s", (int)strcspn(cmd, " "), cmd,
		    (long)pid, (int)len, line);
	else if (o->lines == SPAWN_LOG_LINES_MAX)
		log_warnx("%.*s[%ld]: more than %d lines of output; the rest "
		    "is not logged", (int)strcspn(cmd, " "), cmd, (long)pid,
		    SPAWN_LOG_LINES_MAX);
	if (o->lines <= SPAWN_LOG_LINES_MAX)
		o->lines++;
}

/*
 * Read what the pipe holds, log it line by line; close it at EOF.
 * Returns 1 at EOF or error, else 0.  At most SPAWN_READS_MAX reads per
 * call: a child that writes without end must not hold the loop.
 */
static int
drain_output(struct output *o, const char *cmd, pid_t pid)
{
	char	*nl;
	ssize_t	 n;
	size_t	 start;
	int	 reads;

	for (reads = 0; reads < SPAWN_READS_MAX; reads++) {
		n = read(o->fd, o->buf + o->len, SPAWN_LINE_MAX - o->len);
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
		if (start == 0 && o->len == SPAWN_LINE_MAX) {
			/* A line longer than the buffer: log it in parts. */
			log_line(o, cmd, pid, o->buf, o->len);
			start = o->len;
		}
		memmove(o->buf, o->buf + start, o->len - start);
		o->len -= start;
	}
	return 0;
}

static int
run_job(struct job *j)
{
	j->pid = start_child(j->argv, j->envp, &j->out.fd);
	if (j->pid == -1) {
		log_warn("unable to run %s (event %llu)", j->cmdline,
		    (unsigned long long)j->seqnum);
		return -1;
	}
	j->start_ms = spawn_now_ms();
	j->deadline_ms = j->start_ms + child_timeout_ms;
	j->next = running;
	running = j;
	nrunning++;
	log_debug("started %s[%ld] for event %llu", j->cmdline, (long)j->pid,
	    (unsigned long long)j->seqnum);
	return 0;
}

/* Start commands from the FIFO while there is room. */
static void
start_pending(void)
{
	struct job	*j;

	while (nrunning < max_children && fifo_head != NULL) {
		j = fifo_head;
		fifo_head = j->next;
		if (fifo_head == NULL)
			fifo_tail = NULL;
		npending--;
		if (run_job(j) == -1)
			free(j);
	}
}

int
spawn_async(char *const argv[], char *const envp[], const char *devpath,
    uint64_t seqnum)
{
	struct job	*j;
	int		 saved;

	if (nrunning >= max_children && npending >= SPAWN_FIFO_MAX) {
		log_warnx("too many commands waiting (%u): not running %s",
		    npending, argv != NULL && argv[0] != NULL ? argv[0] : "?");
		errno = EAGAIN;
		return -1;
	}
	if ((j = job_new(argv, envp, devpath, seqnum)) == NULL)
		return -1;
	if (nrunning < max_children) {
		if (run_job(j) == -1) {
			saved = errno;
			free(j);
			errno = saved;
			return -1;
		}
		return 0;
	}
	j->next = NULL;
	if (fifo_tail != NULL)
		fifo_tail->next = j;
	else
		fifo_head = j;
	fifo_tail = j;
	npending++;
	return 0;
}

int
spawn_busy(const char *devpath, void *arg)
{
	struct job	*j;

	(void)arg;
	for (j = running; j != NULL; j = j->next)
		if (queue_devpath_related(j->devpath, devpath))
			return 1;
	for (j = fifo_head; j != NULL; j = j->next)
		if (queue_devpath_related(j->devpath, devpath))
			return 1;
	return 0;
}

unsigned int
spawn_pollfds(struct pollfd *pfd, unsigned int max)
{
	struct job	*j;
	unsigned int	 n = 0;

	for (j = running; j != NULL && n < max; j = j->next) {
		if (j->out.fd == -1)
			continue;
		pfd[n].fd = j->out.fd;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

void
spawn_output(const struct pollfd *pfd, unsigned int n)
{
	struct job	*j;
	unsigned int	 i;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		for (j = running; j != NULL; j = j->next)
			if (j->out.fd == pfd[i].fd)
				break;
		if (j != NULL)
			drain_output(&j->out, j->cmdline, j->pid);
	}
}

/* Log how a command ended: failures at warning, every status at debug. */
static void
log_status(const char *cmd, pid_t pid, int status, int killed,
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
spawn_reap(void (*other)(pid_t, int, void *), void *arg)
{
	struct job	**jp, *j;
	pid_t		 pid;
	int		 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (jp = &running; *jp != NULL; jp = &(*jp)->next)
			if ((*jp)->pid == pid)
				break;
		if ((j = *jp) == NULL) {
			if (other != NULL)
				other(pid, status, arg);
			continue;
		}
		*jp = j->next;
		nrunning--;
		/* What it wrote just before exiting is still in the pipe. */
		if (j->out.fd != -1 &&
		    drain_output(&j->out, j->cmdline, j->pid) == 0) {
			/* A grandchild holds the pipe open: stop listening. */
			if (j->out.len > 0)
				log_line(&j->out, j->cmdline, j->pid,
				    j->out.buf, j->out.len);
			close(j->out.fd);
		}
		log_status(j->cmdline, j->pid, status, j->killed,
		    spawn_now_ms() - j->start_ms);
		free(j);
	}
	start_pending();
}

int
spawn_next_timeout(uint64_t now_ms)
{
	struct job	*j;
	uint64_t	 next = UINT64_MAX;

	for (j = running; j != NULL; j = j->next)
		if (!j->killed && j->deadline_ms < next)
			next = j->deadline_ms;
	if (next == UINT64_MAX)
		return -1;
	if (next <= now_ms)
		return 0;
	return next - now_ms > INT32_MAX ? INT32_MAX : (int)(next - now_ms);
}

void
spawn_expire(uint64_t now_ms)
{
	struct job	*j;

	for (j = running; j != NULL; j = j->next) {
		if (j->killed || j->deadline_ms > now_ms)
			continue;
		/* The whole process group: what it started goes too. */
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
		j->killed = 1;
	}
}

void
spawn_drop_pending(void)
{
	struct job	*j;

	while ((j = fifo_head) != NULL) {
		fifo_head = j->next;
		log_warnx("not running %s (event %llu): shutting down",
		    j->cmdline, (unsigned long long)j->seqnum);
		free(j);
	}
	fifo_tail = NULL;
	npending = 0;
}

void
spawn_kill_all(void)
{
	struct job	*j;

	for (j = running; j != NULL; j = j->next) {
		if (j->killed)
			continue;
		log_warnx("killing %s[%ld]: shutting down", j->cmdline,
		    (long)j->pid);
		kill(-j->pid, SIGKILL);
		kill(j->pid, SIGKILL);
		j->killed = 1;
	}
}

pid_t
spawn_helper(char *const argv[])
{
	char	 cmd[SPAWN_CMDLINE_MAX];
	pid_t	 pid;

	make_cmdline(cmd, sizeof(cmd), argv);
	/* The helper inherits the daemon's environment, stdout and stderr. */
	if ((pid = start_child(argv, NULL, NULL)) == -1) {
		log_warn("unable to run %s", cmd);
		return -1;
	}
	log_debug("started %s[%ld]", cmd, (long)pid);
	return pid;
}

int
spawn_sync(char *const argv[], char *const envp[], unsigned int timeout_ms,
    int *status)
{
	char		 cmd[SPAWN_CMDLINE_MAX];
	struct output	 o;
	struct pollfd	 pfd[2];
	uint64_t	 start, deadline, now;
	nfds_t		 n;
	pid_t		 pid, r;
	int		 st, killed = 0, wait_ms, watch = hook_fd != -1;

	if (argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	make_cmdline(cmd, sizeof(cmd), argv);
	memset(&o, 0, sizeof(o));
	if ((pid = start_child(argv, envp, &o.fd)) == -1) {
		log_warn("unable to run %s", cmd);
		return -1;
	}
	start = spawn_now_ms();
	deadline = start + (timeout_ms > 0 ? timeout_ms : child_timeout_ms);
	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r == -1 && errno != EINTR) {
			log_warn("waitpid %ld", (long)pid);
			st = 0;
			break;
		}
		now = spawn_now_ms();
		/*
		 * SIGTERM or SIGINT: the daemon stops within a second, so
		 * the command a handler waits for does not finish.
		 */
		if (!killed && sig_stop_requested()) {
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
		 * Sleep on the output and the hook's fd.  SIGCHLD interrupts
		 * the wait, but may come just before it: never sleep long.
		 */
		n = 0;
		if (o.fd != -1) {
			pfd[n].fd = o.fd;
			pfd[n++].events = POLLIN;
		}
		if (watch) {
			pfd[n].fd = hook_fd;
			pfd[n++].events = POLLIN;
		}
		wait_ms = o.fd == -1 ? 1 : 50;
		if (!killed && deadline - now < (uint64_t)wait_ms)
			wait_ms = (int)(deadline - now);
		if (poll(pfd, n, wait_ms) <= 0)
			continue;
		if (o.fd != -1 && pfd[0].fd == o.fd && pfd[0].revents != 0)
			drain_output(&o, cmd, pid);
		if (watch && pfd[n - 1].revents != 0)
			watch = hook_fn(hook_arg);
	}
	if (o.fd != -1 && drain_output(&o, cmd, pid) == 0)
		close(o.fd);
	log_status(cmd, pid, st, killed, spawn_now_ms() - start);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}
