/* Starting a program: the PATH search done before the fork, the descriptors closed after it. */
#ifndef HOTPLUG2_EXEC_H
#define HOTPLUG2_EXEC_H

#include <stddef.h>

/* The PATH of commands whose environment has none. */
#define EXEC_DEFAULT_PATH	"/usr/sbin:/usr/bin:/sbin:/bin"

/*
 * The file execve should run for name: name itself when it holds a
 * slash, else the first executable regular file along path (a list of
 * directories separated by ':'; empty and relative entries are skipped,
 * so the daemon's working directory never decides what runs).  Returns 0
 * with the file in out, or -1 with errno: ENOENT (nowhere), EACCES (only
 * files that may not be run), ENAMETOOLONG.  Called in the parent,
 * where it may use what it likes; the child only calls execve.
 */
int	exec_resolve(const char *name, const char *path, char *out,
	    size_t outlen);

/* The PATH= entry of envp, or NULL. */
const char *exec_env_path(char *const envp[]);

/*
 * In a child between fork (or vfork) and exec: make every descriptor
 * above 2 close at exec, so the program gets exactly 0, 1 and 2.
 * Descriptors stay open until the exec, so a close-on-exec pipe that
 * reports a failed exec still works.  Async-signal-safe: only system
 * calls, no memory allocated.
 */
void	exec_close_from_3(void);

#endif
