/* Child processes that scripts start: bounded concurrency, a FIFO, timeouts, output to the log. */
#ifndef HOTPLUG2_SPAWN_H
#define HOTPLUG2_SPAWN_H

#include <stdint.h>

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
 * for it (see queue.c).  Returns 0, or -1 with errno set.
 */
int	spawn_async(char *const argv[], char *const envp[], const char *devpath,
	    uint64_t seqnum);

/*
 * Run argv now and wait for it, at most timeout_ms (0: the daemon's
 * --child-timeout).  Returns 0 with *status set to the exit status
 * (128 + signal number when killed), or -1 with errno set.
 */
int	spawn_sync(char *const argv[], char *const envp[], unsigned int timeout_ms,
	    int *status);

#endif
