/* Starting a program: the PATH search done before the fork, the descriptors closed after it. */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "exec.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC	(1U << 2)
#endif

/* 0 when file is a regular file we may execute, else -1 with errno. */
static int
runnable(const char *file)
{
	struct stat	 st;

	if (stat(file, &st) == -1)
		return -1;
	if (!S_ISREG(st.st_mode) || access(file, X_OK) == -1) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

int
exec_resolve(const char *name, const char *path, char *out, size_t outlen)
{
	const char	*p, *end;
	size_t		 dlen, nlen;
	int		 denied = 0;

	if (name == NULL || *name == '\0') {
		errno = ENOENT;
		return -1;
	}
	nlen = strlen(name);
	if (strchr(name, '/') != NULL) {
		if (nlen >= outlen) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(out, name, nlen + 1);
		return runnable(out);
	}
	if (path == NULL)
		path = EXEC_DEFAULT_PATH;
	for (p = path; *p != '\0'; p = *end == ':' ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		dlen = (size_t)(end - p);
		if (dlen == 0 || *p != '/' || dlen + 1 + nlen >= outlen)
			continue;
		memcpy(out, p, dlen);
		out[dlen] = '/';
		memcpy(out + dlen + 1, name, nlen + 1);
		if (runnable(out) == 0)
			return 0;
		if (errno == EACCES)
			denied = 1;
	}
	errno = denied ? EACCES : ENOENT;
	return -1;
}

const char *
exec_env_path(char *const envp[])
{
	size_t	 i;

	for (i = 0; envp != NULL && envp[i] != NULL; i++)
		if (strncmp(envp[i], "PATH=", 5) == 0)
			return envp[i] + 5;
	return NULL;
}

void
exec_close_from_3(void)
{
	struct rlimit	 rl;
	long		 fd, max;

#ifdef SYS_close_range
	/* Linux 5.11 and later: one call. */
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
#endif
	/*
	 * Older kernels: every descriptor up to the limit.  One that was
	 * opened before the limit was lowered is beyond it; none of ours is.
	 */
	max = 65536;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur <= INT_MAX)
		max = (long)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		(void)fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}
