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
 * One command.  argv, envp and the devpaths it was started for live in
 * the same allocation, right after the struct: a job is one malloc,
 * made only when a script starts a command, never per event.  A merged
 * command (spawn_merged) serves several events, so has several devpaths.
 */
struct job {
	struct job	*next;
	pid_t		 pid;
	struct child_output out;
	int		 killed;	/* by the timeout */
	uint64_t	 start_ms;
	uint64_t	 deadline_ms;
	uint64_t	 seqnum;	/* the first event it serves */
	size_t		 ndevpaths;
	char		**devpaths;
	char		**argv;
	char		**envp;
	char		 cmdline[CHILD_CMDLINE_MAX];
};

/*
 * The merged command being collected: its argv prefix and environment,
 * the names asked for, and the events that asked, until spawn_flush.
 * Its strings are the callers' copies, one malloc each, made only for
 * a request (an event that asks for modules), never per event.
 */
struct held {
	char		**prefix;	/* prefix and envp, one allocation */
	char		**envp;
	size_t		 nprefix, nenv;
	size_t		 nnames, nevents;
	char		*names[SPAWN_MERGE_MAX];
	char		*devpaths[SPAWN_MERGE_MAX];
	uint64_t	 seqnums[SPAWN_MERGE_MAX];
};

static struct job	*running;	/* unordered */
static struct held	 held;
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

/* devpaths holds nd strings (NULL-terminated or not). */
static struct job *
job_new(char *const argv[], char *const envp[], char *const devpaths[],
    size_t nd, uint64_t seqnum)
{
	struct job	*j;
	size_t		 na, ne, sa, se, sd, i, size;
	char		*strs;

	if (argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return NULL;
	}
	sa = vec_size(argv, &na);
	se = vec_size(envp, &ne);
	for (i = 0, sd = 0; i < nd; i++)
		sd += strlen(devpaths[i]) + 1;
	size = sizeof(*j) + (na + ne + nd + 3) * sizeof(char *) + sa + se +
	    sd;
	if ((j = malloc(size)) == NULL)
		return NULL;
	memset(j, 0, sizeof(*j));
	j->out.fd = -1;
	j->seqnum = seqnum;
	j->argv = (char **)(j + 1);
	j->envp = j->argv + na + 1;
	j->devpaths = j->envp + ne + 1;
	j->ndevpaths = nd;
	strs = (char *)(j->devpaths + nd + 1);
	vec_copy(j->argv, &strs, argv, na);
	vec_copy(j->envp, &strs, envp, ne);
	vec_copy(j->devpaths, &strs, devpaths, nd);
	child_cmdline(j->cmdline, sizeof(j->cmdline), argv);
	return j;
}

/* Nonzero when one of j's devpaths is devpath, a parent or a child of it. */
static int
job_related(const struct job *j, const char *devpath)
{
	size_t	 i;

	for (i = 0; i < j->ndevpaths; i++)
		if (queue_devpath_related(j->devpaths[i], devpath))
			return 1;
	return 0;
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

/* Whether the FIFO has room for one more command; warns when not. */
static int
fifo_room(char *const argv[])
{
	if (nrunning >= max_children && npending >= SPAWN_FIFO_MAX) {
		log_warnx("too many commands waiting (%u): not running %s",
		    npending, argv != NULL && argv[0] != NULL ? argv[0] : "?");
		errno = EAGAIN;
		return 0;
	}
	return 1;
}

/* Run j now when there is room, else queue it. */
static int
job_start(struct job *j)
{
	int	 saved;

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
spawn_async(char *const argv[], char *const envp[], const char *devpath,
    uint64_t seqnum)
{
	struct job	*j;
	char		*dp = (char *)(devpath != NULL ? devpath : "");

	if (!fifo_room(argv))
		return -1;
	if ((j = job_new(argv, envp, &dp, 1, seqnum)) == NULL)
		return -1;
	return job_start(j);
}

/* Module names as modprobe sees them: '-' and '_' are the same. */
static int
same_name(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') &&
		    (*b == '-' || *b == '_')))
			return 0;
	return *a == *b;
}

/* Whether a request's prefix and environment are those of the held command. */
static int
held_matches(char *const argv[], size_t nprefix, char *const envp[],
    size_t nenv)
{
	size_t	 i, k;

	if (held.prefix == NULL || nprefix != held.nprefix ||
	    nenv != held.nenv)
		return 0;
	for (i = 0; i < nprefix; i++)
		if (strcmp(argv[i], held.prefix[i]) != 0)
			return 0;
	/* An environment is a set: Lua builds it in table order. */
	for (i = 0; i < nenv; i++) {
		for (k = 0; k < nenv; k++)
			if (strcmp(envp[i], held.envp[k]) == 0)
				break;
		if (k == nenv)
			return 0;
	}
	return 1;
}

static void
held_clear(void)
{
	size_t	 i;

	for (i = 0; i < held.nnames; i++)
		free(held.names[i]);
	for (i = 0; i < held.nevents; i++)
		free(held.devpaths[i]);
	free(held.prefix);
	memset(&held, 0, sizeof(held));
}

/* A new merged command: copy its prefix and environment. */
static int
held_open(char *const argv[], size_t nprefix, char *const envp[],
    size_t nenv)
{
	size_t	 sp, se, i;
	char	*strs;

	for (i = 0, sp = 0; i < nprefix; i++)
		sp += strlen(argv[i]) + 1;
	for (i = 0, se = 0; i < nenv; i++)
		se += strlen(envp[i]) + 1;
	held.prefix = malloc((nprefix + nenv + 2) * sizeof(char *) + sp + se);
	if (held.prefix == NULL)
		return -1;
	held.envp = held.prefix + nprefix + 1;
	strs = (char *)(held.envp + nenv + 1);
	vec_copy(held.prefix, &strs, argv, nprefix);
	vec_copy(held.envp, &strs, envp, nenv);
	held.nprefix = nprefix;
	held.nenv = nenv;
	return 0;
}

/* Add argv's names not held yet; returns how many are new, or -1. */
static int
held_add(char *const argv[], size_t nprefix, const char *devpath,
    uint64_t seqnum)
{
	size_t	 i, k;
	int	 added = 0;

	if ((held.devpaths[held.nevents] = strdup(devpath)) == NULL)
		return -1;
	held.seqnums[held.nevents++] = seqnum;
	for (i = nprefix; argv[i] != NULL; i++) {
		for (k = 0; k < held.nnames; k++)
			if (same_name(argv[i], held.names[k]))
				break;
		if (k < held.nnames)
			continue;
		if ((held.names[held.nnames] = strdup(argv[i])) == NULL)
			return -1;
		held.nnames++;
		added++;
	}
	return added;
}

int
spawn_merged(char *const argv[], size_t nprefix, char *const envp[],
    const char *devpath, uint64_t seqnum)
{
	size_t	 na, nenv;
	int	 saved;

	if (argv == NULL || argv[0] == NULL) {
		errno = EINVAL;
		return -1;
	}
	(void)vec_size(argv, &na);
	(void)vec_size(envp, &nenv);
	if (devpath == NULL)
		devpath = "";
	/* Nothing to merge, or a request that is not like the held one. */
	if (nprefix == 0 || nprefix > SPAWN_MERGE_PREFIX_MAX || nprefix >= na ||
	    na - nprefix > SPAWN_MERGE_MAX ||
	    (held.prefix != NULL && !held_matches(argv, nprefix, envp, nenv)))
		return spawn_async(argv, envp, devpath, seqnum);
	if (held.prefix != NULL && (held.nevents == SPAWN_MERGE_MAX ||
	    held.nnames + (na - nprefix) > SPAWN_MERGE_MAX))
		spawn_flush();
	if (held.prefix == NULL) {
		/* The merged command takes one place in the FIFO. */
		if (!fifo_room(argv))
			return -1;
		if (held_open(argv, nprefix, envp, nenv) == -1)
			return -1;
	}
	if (held_add(argv, nprefix, devpath, seqnum) == -1) {
		saved = errno;
		log_warn("unable to hold %s for event %llu", argv[0],
		    (unsigned long long)seqnum);
		errno = saved;
		return -1;
	}
	return 0;
}

/* "1, 2, 5" into buf, "..." at the end when it does not fit. */
static void
held_events(char *buf, size_t len)
{
	size_t	 i, off = 0;
	int	 n;

	buf[0] = '\0';
	for (i = 0; i < held.nevents; i++) {
		n = snprintf(buf + off, len - off, "%s%llu", i > 0 ? ", " : "",
		    (unsigned long long)held.seqnums[i]);
		if (n < 0 || (size_t)n >= len - off) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			return;
		}
		off += (size_t)n;
	}
}

void
spawn_flush(void)
{
	struct job	*j;
	char		*argv[SPAWN_MERGE_PREFIX_MAX + SPAWN_MERGE_MAX + 1];
	char		 events[256], line[CHILD_CMDLINE_MAX];
	size_t		 i, n = 0;

	if (held.prefix == NULL)
		return;
	for (i = 0; i < held.nprefix; i++)
		argv[n++] = held.prefix[i];
	for (i = 0; i < held.nnames; i++)
		argv[n++] = held.names[i];
	argv[n] = NULL;
	if (held.nevents > 1) {
		held_events(events, sizeof(events));
		child_cmdline(line, sizeof(line), argv);
		log_info("one %s for %zu events (%s): %zu module%s",
		    line, held.nevents, events, held.nnames,
		    held.nnames == 1 ? "" : "s");
	}
	/*
	 * Its place in the FIFO was taken when the first event asked: it
	 * is queued even when other commands filled the FIFO since.
	 */
	if ((j = job_new(argv, held.envp, held.devpaths, held.nevents,
	    held.seqnums[0])) == NULL)
		log_warn("unable to run %s (event %llu)", argv[0],
		    (unsigned long long)held.seqnums[0]);
	else
		(void)job_start(j);
	held_clear();
}

unsigned int
spawn_held(void)
{
	return (unsigned int)held.nevents;
}

int
spawn_busy(const char *devpath, void *arg)
{
	struct job	*j;
	size_t		 i;

	(void)arg;
	for (j = running; j != NULL; j = j->next)
		if (job_related(j, devpath))
			return 1;
	for (j = fifo_head; j != NULL; j = j->next)
		if (job_related(j, devpath))
			return 1;
	for (i = 0; i < held.nevents; i++)
		if (queue_devpath_related(held.devpaths[i], devpath))
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
	size_t		 i;

	for (i = 0; i < held.nevents; i++)
		log_warnx("not running %s (event %llu): shutting down",
		    held.prefix[0], (unsigned long long)held.seqnums[i]);
	held_clear();
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

	/* What earlier events asked for starts before this command. */
	spawn_flush();
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
