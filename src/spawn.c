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

#include "child.h"
#include "log.h"
#include "queue.h"
#include "sig.h"
#include "spawn.h"

/*
 * One command.  argv, envp and devpath live in the same allocation,
 * right after the struct: a job is one malloc, made only when a script
 * starts a command, never per event.
 */
struct job {
	struct job	*next;
	pid_t		 pid;
	struct child_output out;
	int		 killed;	/* by the timeout */
	uint64_t	 start_ms;
	uint64_t	 deadline_ms;
	uint64_t	 seqnum;
	char		*devpath;
	char		**argv;
	char		**envp;
	char		 cmdline[CHILD_CMDLINE_MAX];
};

static struct job	*running;	/* unordered */
static struct job	*fifo_head, *fifo_tail;
static unsigned int	 nrunning, npending;
static unsigned int	 max_children = SPAWN_MAX_CHILDREN_DEFAULT;
static unsigned int	 child_timeout_ms = SPAWN_TIMEOUT_DEFAULT_MS;
static int		 hook_fd = -1;
static int		(*hook_fn)(void *);
static void		*hook_arg;

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
	child_cmdline(j->cmdline, sizeof(j->cmdline), argv);
	return j;
}

static int
run_job(struct job *j)
{
	j->pid = child_start(j->argv, j->envp, &j->out.fd, NULL);
	if (j->pid == -1) {
		log_warn("unable to run %s (event %llu)", j->cmdline,
		    (unsigned long long)j->seqnum);
		return -1;
	}
	j->start_ms = child_now_ms();
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
			child_drain(&j->out, j->cmdline, j->pid);
	}
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
		    child_drain(&j->out, j->cmdline, j->pid) == 0) {
			/* A grandchild holds the pipe open: stop listening. */
			child_flush(&j->out, j->cmdline, j->pid);
			close(j->out.fd);
		}
		child_log_end(j->cmdline, j->pid, status, j->killed,
		    child_now_ms() - j->start_ms);
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
	char	 cmd[CHILD_CMDLINE_MAX];
	pid_t	 pid;

	child_cmdline(cmd, sizeof(cmd), argv);
	/* The helper inherits the daemon's environment, stdout and stderr. */
	if ((pid = child_start(argv, NULL, NULL, NULL)) == -1) {
		log_warn("unable to run %s", cmd);
		return -1;
	}
	log_debug("started %s[%ld]", cmd, (long)pid);
	return pid;
}


int
spawn_sync(char *const argv[], char *const envp[], unsigned int timeout_ms,
    struct child_capture *cap, int *status)
{
	struct child_wait	 w;

	/*
	 * SIGTERM or SIGINT: the daemon stops within a second, so the
	 * command a handler waits for does not finish.
	 */
	w.fd = hook_fd;
	w.fn = hook_fn;
	w.arg = hook_arg;
	w.stop = sig_stop_requested;
	return child_run(argv, envp, timeout_ms > 0 ? timeout_ms :
	    child_timeout_ms, &w, cap, status);
}
