/* Filesystem changes confined to a root directory: every path is relative to a directory fd and walked without following links. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rootfs.h"

/* Close a descriptor on the way out without losing the errno to report. */
static void
close_keep_errno(int fd)
{
	int	 saved = errno;

	close(fd);
	errno = saved;
}

int
rootfs_check(const char *path, const char **reason)
{
	const char	*p, *c;
	size_t		 n;
	const char	*why = NULL;

	if (path == NULL || *path == '\0')
		why = "empty path";
	else if (*path == '/')
		why = "absolute path";
	else if (strlen(path) >= PATH_MAX)
		why = "path too long";
	for (p = path; why == NULL; p = c + 1) {
		c = strchr(p, '/');
		n = c != NULL ? (size_t)(c - p) : strlen(p);
		if (n == 0)
			why = "empty path component";
		else if (n == 1 && p[0] == '.')
			why = "'.' path component";
		else if (n == 2 && p[0] == '.' && p[1] == '.')
			why = "'..' path component";
		if (c == NULL)
			break;
	}
	if (why != NULL) {
		if (reason != NULL)
			*reason = why;
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
rootfs_parent(int rootfd, const char *path, int create, const char **leaf)
{
	char		 comp[NAME_MAX + 1];
	const char	*p, *c;
	size_t		 n;
	int		 fd, next, saved;

	if (rootfs_check(path, NULL) == -1)
		return -1;
	if ((fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	for (p = path; (c = strchr(p, '/')) != NULL; p = c + 1) {
		n = (size_t)(c - p);
		if (n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		next = openat(fd, comp,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next == -1 && errno == ENOENT && create) {
			if (mkdirat(fd, comp, 0755) == -1 && errno != EEXIST)
				goto fail;
			next = openat(fd, comp,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next == -1)
			goto fail;
		close(fd);
		fd = next;
	}
	if (strlen(p) > NAME_MAX) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	*leaf = p;
	return fd;
fail:
	/* O_NOFOLLOW on a symlink gives ELOOP (or ENOTDIR): say what it means. */
	saved = errno == ELOOP ? ENOTDIR : errno;
	close(fd);
	errno = saved;
	return -1;
}

/*
 * A temporary name beside leaf.  The daemon handles one event at a
 * time, so the pid suffices to keep concurrent hotplug2 processes (a
 * dry run is read-only) apart.
 */
static int
tmpname(char *buf, size_t len, const char *leaf)
{
	int	 n;

	n = snprintf(buf, len, ".%.200s.hp2-%ld", leaf, (long)getpid());
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Move tmp over leaf; on failure remove tmp and keep errno. */
static int
commit(int dfd, const char *tmp, const char *leaf)
{
	int	 saved;

	if (renameat(dfd, tmp, dfd, leaf) == 0)
		return 0;
	saved = errno;
	unlinkat(dfd, tmp, 0);
	errno = saved;
	return -1;
}

int
rootfs_mknod(int rootfd, const char *path, mode_t mode, dev_t dev,
    uid_t uid, gid_t gid)
{
	char		 tmp[NAME_MAX + 1];
	struct stat	 st;
	const char	*leaf;
	int		 dfd, rc = -1, saved;

	if (rootfs_check(path, NULL) == -1)
		return -1;
	/*
	 * Coldplug repeats and bursts: a node that is already right needs
	 * nothing, and one fstatat tells.  Only this look may follow a link
	 * inside the root: it decides to write nothing, never where to write.
	 */
	if (fstatat(rootfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (st.st_mode & S_IFMT) == (mode & S_IFMT) &&
	    (st.st_mode & 07777) == (mode & 07777) && st.st_rdev == dev &&
	    (uid == (uid_t)-1 || st.st_uid == uid) &&
	    (gid == (gid_t)-1 || st.st_gid == gid))
		return 0;
	if ((dfd = rootfs_parent(rootfd, path, 1, &leaf)) == -1)
		return -1;
	if (tmpname(tmp, sizeof(tmp), leaf) == -1)
		goto out;
	unlinkat(dfd, tmp, 0);
	/* No permissions until owner and mode are right. */
	if (mknodat(dfd, tmp, (mode & S_IFMT), dev) == -1)
		goto out;
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchownat(dfd, tmp, uid, gid, AT_SYMLINK_NOFOLLOW) == -1)
		goto undo;
	if (fchmodat(dfd, tmp, mode & 07777, 0) == -1)
		goto undo;
	rc = commit(dfd, tmp, leaf);
	goto out;
undo:
	saved = errno;
	unlinkat(dfd, tmp, 0);
	errno = saved;
out:
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_symlink(int rootfd, const char *target, const char *path)
{
	char		 tmp[NAME_MAX + 1], cur[PATH_MAX];
	const char	*leaf;
	ssize_t		 n;
	int		 dfd, rc = -1;

	if (target == NULL || *target == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (rootfs_check(path, NULL) == -1)
		return -1;
	/* As in rootfs_mknod: a look that can only decide to do nothing. */
	n = readlinkat(rootfd, path, cur, sizeof(cur) - 1);
	if (n >= 0 && (size_t)n == strlen(target) &&
	    memcmp(cur, target, (size_t)n) == 0)
		return 0;
	if ((dfd = rootfs_parent(rootfd, path, 1, &leaf)) == -1)
		return -1;
	if (tmpname(tmp, sizeof(tmp), leaf) == -1)
		goto out;
	unlinkat(dfd, tmp, 0);
	if (symlinkat(target, dfd, tmp) == -1)
		goto out;
	rc = commit(dfd, tmp, leaf);
out:
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_mkdir(int rootfd, const char *path, mode_t mode)
{
	struct stat	 st;
	const char	*leaf;
	int		 dfd, rc = 0;

	if ((dfd = rootfs_parent(rootfd, path, 1, &leaf)) == -1)
		return -1;
	if (mkdirat(dfd, leaf, mode) == -1) {
		if (errno != EEXIST)
			rc = -1;
		else if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == -1)
			rc = -1;
		else if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = -1;
		}
	} else if (fchmodat(dfd, leaf, mode, 0) == -1)
		rc = -1;
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_unlink(int rootfd, const char *path)
{
	const char	*leaf;
	int		 dfd, rc;

	if ((dfd = rootfs_parent(rootfd, path, 0, &leaf)) == -1)
		return -1;
	rc = unlinkat(dfd, leaf, 0);
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_chmod(int rootfd, const char *path, mode_t mode)
{
	struct stat	 st;
	const char	*leaf;
	int		 dfd, rc;

	if ((dfd = rootfs_parent(rootfd, path, 0, &leaf)) == -1)
		return -1;
	/* fchmodat cannot refuse to follow a link: look first. */
	rc = fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW);
	if (rc == 0 && S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		rc = -1;
	}
	if (rc == 0)
		rc = fchmodat(dfd, leaf, mode & 07777, 0);
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_chown(int rootfd, const char *path, uid_t uid, gid_t gid)
{
	const char	*leaf;
	int		 dfd, rc;

	if ((dfd = rootfs_parent(rootfd, path, 0, &leaf)) == -1)
		return -1;
	rc = fchownat(dfd, leaf, uid, gid, AT_SYMLINK_NOFOLLOW);
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_lstat(int rootfd, const char *path, struct stat *st)
{
	const char	*leaf;
	int		 dfd, rc;

	if ((dfd = rootfs_parent(rootfd, path, 0, &leaf)) == -1)
		return -1;
	rc = fstatat(dfd, leaf, st, AT_SYMLINK_NOFOLLOW);
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_readlink(int rootfd, const char *path, char *buf, size_t len)
{
	const char	*leaf;
	ssize_t		 n;
	int		 dfd;

	if (len == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((dfd = rootfs_parent(rootfd, path, 0, &leaf)) == -1)
		return -1;
	n = readlinkat(dfd, leaf, buf, len - 1);
	close_keep_errno(dfd);
	if (n == -1)
		return -1;
	buf[n] = '\0';
	return 0;
}

int
rootfs_open(int rootfd, const char *path, int flags, mode_t mode)
{
	const char	*leaf;
	int		 dfd, fd;

	if ((dfd = rootfs_parent(rootfd, path, 0, &leaf)) == -1)
		return -1;
	fd = openat(dfd, leaf, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	close_keep_errno(dfd);
	return fd;
}
