/* Child processes that scripts start: bounded concurrency, a FIFO, timeouts, output to the log. */
#ifndef HOTPLUG2_SPAWN_H
#define HOTPLUG2_SPAWN_H

#include <sys/types.h>

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "child.h"

/*
 * Contract between the script layer (lcore.c) and the daemon (spawn.c).
 * argv[0] is a path or a name looked up in PATH; no shell is involved.
 * envp is the complete environment of the child (the event's variables).
 * Both copy what they need: the caller may free argv/envp on return.
 */

/*
 * Start argv asynchronously on behalf of the event (devpath, seqnum):
 * it runs as soon as fewer than max-children are running, else waits in
 * a FIFO.  Later events on the same, a parent or a child devpath wait
 * for it (see queue.c).  Returns 0, or -1 with errno set (EAGAIN: the
 * FIFO holds SPAWN_FIFO_MAX commands already).
 */
int	spawn_async(char *const argv[], char *const envp[], const char *devpath,
	    uint64_t seqnum);

/*
 * spawn_async for a command whose arguments after the first nprefix
 * are names that it handles one by one, a failure for one not stopping
 * the others (modprobe -a).  Requests with the same prefix and
 * environment made until spawn_flush become one command: the prefix,
 * then every name once ('-' and '_' alike), in the order first asked.
 * It is started by spawn_flush, or by spawn_sync, and until it ends
 * every event it serves makes later related events wait (spawn_busy).
 * A request of another prefix or environment, or with nprefix 0, is
 * passed to spawn_async.  Returns 0, or -1 with errno set.
 */
#define SPAWN_MERGE_MAX		128	/* names, and events, per command */
#define SPAWN_MERGE_PREFIX_MAX	16

int	spawn_merged(char *const argv[], size_t nprefix, char *const envp[],
	    const char *devpath, uint64_t seqnum);

/* Start the merged command being collected, if any (logged at -v). */
void	spawn_flush(void);

/* Events the merged command being collected serves (0: none). */
unsigned int	spawn_held(void);

/*
 * Run argv now and wait for it, at most timeout_ms (0: the daemon's
 * --child-timeout), its stdout kept in cap when not NULL (child_run).
 * Returns 0 with *status set to the exit status (128 + signal number
 * when killed), or -1 with errno set.
 */
int	spawn_sync(char *const argv[], char *const envp[], unsigned int timeout_ms,
	    struct child_capture *cap, int *status);

/*
 * What the daemon's poll loop needs.  Defaults suit a small system: a
 * router with 32 MB of RAM should not run twenty modprobes at once, and
 * a firmware load (the kernel waits 60 s for it) must fit in the timeout.
 */
#define SPAWN_MAX_CHILDREN_DEFAULT	4
#define SPAWN_TIMEOUT_DEFAULT_MS	CHILD_TIMEOUT_DEFAULT_MS
#define SPAWN_FIFO_MAX			256

void	spawn_init(unsigned int max_children, unsigned int timeout_ms);

/* Commands running, and waiting in the FIFO. */
unsigned int	spawn_running(void);
unsigned int	spawn_pending(void);

/*
 * Nonzero when a running or waiting command was started for devpath, a
 * parent or a child of it; arg is unused (the shape of queue_busy_fn).
 */
int	spawn_busy(const char *devpath, void *arg);

/*
 * The output pipes of running children, for poll: fills at most max
 * entries and returns their number.  spawn_output reads what poll found.
 */
unsigned int	spawn_pollfds(struct pollfd *pfd, unsigned int max);
void		spawn_output(const struct pollfd *pfd, unsigned int n);

/*
 * After SIGCHLD: reap every child that ended, log it, start commands
 * from the FIFO.  A pid that is not a command (the coldplug helper) is
 * passed to other with its wait status.
 */
void	spawn_reap(void (*other)(pid_t pid, int status, void *arg), void *arg);

/* Milliseconds until the next child is due to be killed, or -1. */
int	spawn_next_timeout(uint64_t now_ms);
/* Kill (and log) every child past its deadline. */
void	spawn_expire(uint64_t now_ms);

/* Shutdown: drop the FIFO (logged), then kill what still runs. */
void	spawn_drop_pending(void);
void	spawn_kill_all(void);

/*
 * Start a helper program (coldplug) outside the limits and the FIFO; its
 * end comes through spawn_reap's other.  Returns the pid or -1.
 */
pid_t	spawn_helper(char *const argv[]);

/*
 * While spawn_sync waits for a command, fd is polled as well and fn(arg)
 * called whenever it is readable: the daemon keeps draining netlink into
 * its queue while a script waits.  When fn returns 0 (its queue is
 * full), fd is left alone until the command ends.  fn NULL removes it.
 */
void	spawn_sync_hook(int fd, int (*fn)(void *), void *arg);

#endif
