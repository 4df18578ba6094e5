/* Filesystem changes confined to a root directory: every path is relative to a directory fd and walked without following links. */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rootfs.h"

/*
 * ROOTFS_NO_OPENAT2 builds the walk alone, as on kernels before 5.6
 * (test_rootfs_walk); so do C libraries or kernel headers without openat2.
 */
#if defined(SYS_openat2) && !defined(ROOTFS_NO_OPENAT2) && \
    defined(__has_include)
#if __has_include(<linux/openat2.h>)
#define ROOTFS_OPENAT2	1
#include <linux/openat2.h>
#endif
#endif

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
	int		 depth = 0;

	if (path == NULL || *path == '\0')
		why = "empty path";
	else if (*path == '/')
		why = "absolute path";
	else if (strlen(path) >= PATH_MAX)
		why = "path too long";
	for (p = path; why == NULL && *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			why = "control character in path";
	for (p = path; why == NULL; p = c + 1) {
		c = strchr(p, '/');
		n = c != NULL ? (size_t)(c - p) : strlen(p);
		if (n == 0)
			why = "empty path component";
		else if (n == 1 && p[0] == '.')
			why = "'.' path component";
		else if (n == 2 && p[0] == '.' && p[1] == '.')
			why = "'..' path component";
		else if (++depth > ROOTFS_DEPTH_MAX)
			why = "too many path components";
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

/*
 * The directory dir (a relative path, n bytes of it) in one system call,
 * refusing any symbolic link on the way: openat2 with RESOLVE_NO_SYMLINKS
 * (Linux 5.6).  -1 with ENOSYS where the kernel (or these headers) lack
 * it, and the caller walks instead: the same answer, a few more calls.
 */
static int
open_dir_at_once(int rootfd, const char *dir, size_t n)
{
#ifdef ROOTFS_OPENAT2
	static int	 missing;
	struct open_how	 how;
	char		 buf[PATH_MAX];
	int		 fd;

	if (!missing && n < sizeof(buf)) {
		memcpy(buf, dir, n);
		buf[n] = '\0';
		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
		how.resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
		    RESOLVE_BENEATH;
		fd = (int)syscall(SYS_openat2, rootfd, buf, &how, sizeof(how));
		if (fd != -1 || (errno != ENOSYS && errno != EINVAL &&
		    errno != E2BIG && errno != EPERM))
			return fd;
		/* Seccomp filters in containers say EPERM for new calls. */
		missing = 1;
	}
#else
	(void)rootfd;
	(void)dir;
	(void)n;
#endif
	errno = ENOSYS;
	return -1;
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
	/* The common case, a parent that exists: one call where it can be. */
	if ((c = strrchr(path, '/')) != NULL) {
		fd = open_dir_at_once(rootfd, path, (size_t)(c - path));
		if (fd != -1 || (errno != ENOSYS && !(errno == ENOENT &&
		    create))) {
			if (fd == -1 && errno == ELOOP)
				errno = ENOTDIR;
			else if (fd != -1 && strlen(c + 1) > NAME_MAX) {
				close(fd);
				errno = ENAMETOOLONG;
				fd = -1;
			}
			*leaf = c + 1;
			return fd;
		}
	}
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
 * The parent directory of path, opened with the no-follow walk, when
 * there is one; else, with create, made.  A planted link on the way is
 * an error (ENOTDIR) either way, never a reason to look elsewhere.
 */
static int
parent_for_change(int rootfd, const char *path, const char **leaf)
{
	int	 dfd;

	if ((dfd = rootfs_parent(rootfd, path, 0, leaf)) == -1 &&
	    errno == ENOENT)
		dfd = rootfs_parent(rootfd, path, 1, leaf);
	return dfd;
}

/*
 * A directory beside leaf that only this process can write:
 * ".hp2-PID", 0700, owned by us.  What is made in it cannot be swapped
 * for a link by anyone else with write access to dfd before we are done
 * with it, so plain fchmodat on its name is safe on every kernel (Linux
 * has no chmod that refuses to follow a link; O_PATH and /proc are not
 * there on old kernels or in early boot).  The daemon handles one event
 * at a time, so the pid keeps concurrent hotplug2 processes apart.  A
 * leftover of ours from a crash is reused.
 */
static int
private_open(int dfd, char *name, size_t len)
{
	struct stat	 st;
	int		 fd, reused = 1;

	snprintf(name, len, ".hp2-%ld", (long)getpid());
	if (mkdirat(dfd, name, 0700) == 0)
		reused = 0;
	else if (errno != EEXIST)
		return -1;
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP || errno == ENOTDIR)
			errno = EEXIST;
		return -1;
	}
	if (fstat(fd, &st) == -1 || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		errno = EEXIST;
		return -1;
	}
	/* What a crash may have left (a directory just made is empty). */
	if (reused)
		unlinkat(fd, "n", 0);
	return fd;
}

/* gone: "n" was renamed out, so there is nothing in it to unlink. */
static void
private_close(int dfd, const char *name, int pfd, int gone)
{
	int	 saved = errno;

	if (!gone)
		unlinkat(pfd, "n", 0);
	close(pfd);
	unlinkat(dfd, name, AT_REMOVEDIR);
	errno = saved;
}

int
rootfs_mknod(int rootfd, const char *path, mode_t mode, dev_t dev,
    uid_t uid, gid_t gid)
{
	char		 priv[32];
	struct stat	 st;
	const char	*leaf;
	int		 dfd, pfd, rc = -1;

	if (rootfs_check(path, NULL) == -1)
		return -1;
	if ((dfd = parent_for_change(rootfd, path, &leaf)) == -1)
		return -1;
	/*
	 * Coldplug repeats and bursts: a node that is already right needs
	 * nothing, and one fstatat tells.  It looks in the directory the
	 * walk opened, so it decides to write nothing, never where to write,
	 * and can only see what is inside the root.
	 */
	if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (st.st_mode & S_IFMT) == (mode & S_IFMT) &&
	    (st.st_mode & 07777) == (mode & 07777) && st.st_rdev == dev &&
	    (uid == (uid_t)-1 || st.st_uid == uid) &&
	    (gid == (gid_t)-1 || st.st_gid == gid)) {
		close(dfd);
		return 0;
	}
	if ((pfd = private_open(dfd, priv, sizeof(priv))) == -1)
		goto out;
	/* No permissions until owner and mode are right. */
	if (mknodat(pfd, "n", (mode & S_IFMT), dev) == 0 &&
	    ((uid == (uid_t)-1 && gid == (gid_t)-1) ||
	    fchownat(pfd, "n", uid, gid, AT_SYMLINK_NOFOLLOW) == 0) &&
	    fchmodat(pfd, "n", mode & 07777, 0) == 0 &&
	    renameat(pfd, "n", dfd, leaf) == 0)
		rc = 0;
	private_close(dfd, priv, pfd, rc == 0);
out:
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_symlink(int rootfd, const char *target, const char *path)
{
	char		 priv[32], cur[PATH_MAX];
	const char	*leaf;
	ssize_t		 n;
	int		 dfd, pfd, rc = -1;

	if (target == NULL || *target == '\0') {
		errno = EINVAL;
		return -1;
	}
	if (rootfs_check(path, NULL) == -1)
		return -1;
	if ((dfd = parent_for_change(rootfd, path, &leaf)) == -1)
		return -1;
	/* As in rootfs_mknod: a look that can only decide to do nothing. */
	n = readlinkat(dfd, leaf, cur, sizeof(cur) - 1);
	if (n >= 0 && (size_t)n == strlen(target) &&
	    memcmp(cur, target, (size_t)n) == 0) {
		close(dfd);
		return 0;
	}
	if ((pfd = private_open(dfd, priv, sizeof(priv))) == -1)
		goto out;
	if (symlinkat(target, pfd, "n") == 0 &&
	    renameat(pfd, "n", dfd, leaf) == 0)
		rc = 0;
	private_close(dfd, priv, pfd, rc == 0);
out:
	close_keep_errno(dfd);
	return rc;
}

/*
 * The whole of a small file, as rootfs_mknod makes a node: written in the
 * private directory, given its mode, then renamed into place, so a reader
 * sees the old contents or the new, never part of them.
 */
int
rootfs_write(int rootfd, const char *path, const void *data, size_t len,
    mode_t mode)
{
	char		 priv[32];
	const char	*leaf, *p = data;
	ssize_t		 n;
	int		 dfd, pfd, fd, rc = -1;

	if (rootfs_check(path, NULL) == -1)
		return -1;
	if ((dfd = parent_for_change(rootfd, path, &leaf)) == -1)
		return -1;
	if ((pfd = private_open(dfd, priv, sizeof(priv))) == -1)
		goto out;
	if ((fd = openat(pfd, "n", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1)
		goto done;
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	if (len == 0 && fchmod(fd, mode & 07777) == 0 && close(fd) == 0) {
		fd = -1;
		if (renameat(pfd, "n", dfd, leaf) == 0)
			rc = 0;
	}
	if (fd != -1)
		close_keep_errno(fd);
done:
	private_close(dfd, priv, pfd, rc == 0);
out:
	close_keep_errno(dfd);
	return rc;
}

int
rootfs_mkdir(int rootfd, const char *path, mode_t mode)
{
	struct stat	 st;
	const char	*leaf;
	int		 dfd, fd, rc = 0;

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
	} else if ((fd = openat(dfd, leaf, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1)
		rc = -1;
	else {
		/* umask played its part in mkdirat: set the mode asked for. */
		rc = fchmod(fd, mode & 07777);
		close_keep_errno(fd);
	}
	close_keep_errno(dfd);
	return rc;
}

/*
 * Remove path; with prune, then every parent it leaves empty, deepest
 * first, stopping at the first that is not empty and never removing the
 * first component (dev).  Each rmdir is made through the descriptors of
 * the walk: unlinkat(AT_REMOVEDIR) removes only an empty directory, so
 * nothing a concurrent writer just put there is lost.
 */
int
rootfs_unlink(int rootfd, const char *path, int prune)
{
	char		 comps[PATH_MAX];
	char		*name[ROOTFS_DEPTH_MAX];
	int		 fds[ROOTFS_DEPTH_MAX];
	char		*p, *slash;
	int		 n = 0, i, rc = -1;

	if (rootfs_check(path, NULL) == -1)
		return -1;
	snprintf(comps, sizeof(comps), "%s", path);
	if ((fds[0] = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	/* fds[i] is the directory holding name[i]. */
	for (p = comps; ; p = slash + 1) {
		name[n] = p;
		if ((slash = strchr(p, '/')) == NULL)
			break;
		*slash = '\0';
		fds[n + 1] = openat(fds[n], p, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fds[n + 1] == -1) {
			if (errno == ELOOP)
				errno = ENOTDIR;
			goto out;
		}
		n++;
	}
	if (unlinkat(fds[n], name[n], 0) == -1)
		goto out;
	rc = 0;
	for (i = n; prune && i > 1; i--)
		if (unlinkat(fds[i - 1], name[i - 1], AT_REMOVEDIR) == -1)
			break;
out:
	for (i = 0; i <= n; i++)
		close_keep_errno(fds[i]);
	return rc;
}

/*
 * Change a mode without following a link, on every kernel: a directory
 * through a descriptor; anything else through a hard link in a private
 * directory (see private_open), which names the very inode found at leaf
 * and cannot be swapped.  Opening a device node to fchmod it would run
 * its driver's open.  Where hard links are not allowed, the change fails:
 * never less safe, only less able.
 */
int
rootfs_chmod(int rootfd, const char *path, mode_t mode)
{
	char		 priv[32];
	struct stat	 st;
	const char	*leaf;
	int		 dfd, fd, pfd, rc = -1;

	if ((dfd = rootfs_parent(rootfd, path, 0, &leaf)) == -1)
		return -1;
	if ((fd = openat(dfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1) {
		rc = fchmod(fd, mode & 07777);
		close_keep_errno(fd);
		goto out;
	}
	if (errno != ENOTDIR && errno != ELOOP)
		goto out;
	if ((pfd = private_open(dfd, priv, sizeof(priv))) == -1)
		goto out;
	if (linkat(dfd, leaf, pfd, "n", 0) == 0 &&
	    fstatat(pfd, "n", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			errno = ELOOP;
		else
			rc = fchmodat(pfd, "n", mode & 07777, 0);
	}
	private_close(dfd, priv, pfd, 0);
out:
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

/* Open the directory path itself with the no-follow walk. */
static int
open_dir(int rootfd, const char *path)
{
	const char	*leaf;
	int		 dfd, fd;

	if ((dfd = rootfs_parent(rootfd, path, 0, &leaf)) == -1)
		return -1;
	fd = openat(dfd, leaf, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno == ELOOP)
		errno = ENOTDIR;
	close_keep_errno(dfd);
	return fd;
}

/*
 * The walk of rootfs_open_file.  todo holds what is left of the path;
 * fds[0..d] are the directories walked so far from within, so ".." in a
 * link's target is one step back on that stack, and a step back from
 * fds[0] is a step out of within.  A link's target replaces the link's
 * name at the front of todo, and the walk goes on from where the link is.
 */
struct walk {
	char	 todo[PATH_MAX];
	int	 fds[ROOTFS_DEPTH_MAX + 1];
	int	 d;
	int	 links;
};

/* Put target in front of rest (which points into w->todo, or is NULL). */
static int
walk_splice(struct walk *w, const char *target, const char *rest)
{
	char	 buf[PATH_MAX];
	int	 n;

	n = snprintf(buf, sizeof(buf), "%s%s%s", target, rest ? "/" : "",
	    rest ? rest : "");
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(w->todo, buf, (size_t)n + 1);
	return 0;
}

static int
walk_open(struct walk *w, int follow, int flags, const char **why)
{
	char		 target[PATH_MAX];
	struct stat	 st;
	char		*p = w->todo, *slash;
	const char	*rest;
	ssize_t		 n;
	int		 fd;

	for (;;) {
		if ((slash = strchr(p, '/')) != NULL)
			*slash = '\0';
		rest = slash != NULL ? slash + 1 : NULL;
		if (*p == '\0' || strcmp(p, ".") == 0) {
			if (rest == NULL) {
				errno = EINVAL;
				*why = "not a regular file";
				return -1;
			}
			p = (char *)rest;
			continue;
		}
		if (strcmp(p, "..") == 0) {
			if (w->d == 0) {
				errno = EXDEV;
				*why = "a link leads out of its tree";
				return -1;
			}
			close(w->fds[w->d--]);
			if (rest == NULL) {
				errno = EINVAL;
				*why = "not a regular file";
				return -1;
			}
			p = (char *)rest;
			continue;
		}
		if (rest == NULL) {
			/*
			 * Look before opening: a FIFO opened to write fails
			 * with ENXIO even with O_NONBLOCK, and the answer is
			 * to be the same as for reading.  The fstat after the
			 * open settles a change in between.
			 */
			if (fstatat(w->fds[w->d], p, &st,
			    AT_SYMLINK_NOFOLLOW) == 0 && !S_ISLNK(st.st_mode) &&
			    !S_ISREG(st.st_mode)) {
				errno = EINVAL;
				*why = "not a regular file";
				return -1;
			}
			fd = openat(w->fds[w->d], p, flags | O_NOFOLLOW |
			    O_NONBLOCK | O_CLOEXEC);
		} else
			fd = openat(w->fds[w->d], p, O_RDONLY | O_DIRECTORY |
			    O_NOFOLLOW | O_CLOEXEC);
		if (fd != -1) {
			if (rest == NULL)
				return fd;
			if (w->d == ROOTFS_DEPTH_MAX) {
				close(fd);
				errno = ENAMETOOLONG;
				return -1;
			}
			w->fds[++w->d] = fd;
			p = (char *)rest;
			continue;
		}
		/* A link gives ELOOP (O_NOFOLLOW), a file ENOTDIR (O_DIRECTORY). */
		if (errno != ELOOP && errno != ENOTDIR)
			return -1;
		if (!follow) {
			if (rest != NULL)
				errno = ENOTDIR;
			return -1;
		}
		if ((n = readlinkat(w->fds[w->d], p, target,
		    sizeof(target) - 1)) == -1) {
			errno = ENOTDIR;
			return -1;
		}
		target[n] = '\0';
		if (++w->links > ROOTFS_LINKS_MAX) {
			errno = ELOOP;
			*why = "too many links";
			return -1;
		}
		if (target[0] == '/') {
			errno = EXDEV;
			*why = "an absolute link";
			return -1;
		}
		if (walk_splice(w, target, rest) == -1)
			return -1;
		p = w->todo;
	}
}

/*
 * rootfs_open_file's common case in three calls where the kernel has
 * openat2: the directory in one lookup that stays beneath dirfd (following
 * links inside it when follow is set, none otherwise), then the leaf
 * looked at and opened as the walk does.  Returns the descriptor; -1 with
 * ENOENT when the file is not there (the lookup's answer is the walk's);
 * -2 when the walk must decide (no openat2, a link at the leaf, a lookup
 * refused for any other reason), so every refusal keeps the walk's reason.
 */
static int
open_file_at_once(int dirfd, const char *path, int follow, int flags)
{
#ifdef ROOTFS_OPENAT2
	static int	 missing;
	struct open_how	 how;
	struct stat	 st;
	char		 dir[PATH_MAX];
	const char	*slash, *leaf = path;
	size_t		 n;
	int		 dfd = dirfd, fd = -2;

	if (missing)
		return -2;
	if ((slash = strrchr(path, '/')) != NULL) {
		n = (size_t)(slash - path);
		if (n >= sizeof(dir))
			return -2;
		memcpy(dir, path, n);
		dir[n] = '\0';
		leaf = slash + 1;
		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
		    (follow ? 0 : RESOLVE_NO_SYMLINKS);
		dfd = (int)syscall(SYS_openat2, dirfd, dir, &how, sizeof(how));
		if (dfd == -1) {
			if (errno == ENOSYS || errno == EPERM)
				missing = 1;
			return errno == ENOENT ? -1 : -2;
		}
	}
	if (fstatat(dfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			fd = -1;
	} else if (S_ISREG(st.st_mode))
		fd = openat(dfd, leaf, flags | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
	if (fd == -1 && errno != ENOENT)
		fd = -2;
	if (dfd != dirfd)
		close_keep_errno(dfd);
	if (fd == -1)
		errno = ENOENT;
	return fd;
#else
	(void)dirfd;
	(void)path;
	(void)follow;
	(void)flags;
	return -2;
#endif
}

int
rootfs_open_file(int rootfd, const char *within, const char *path,
    int flags, const char **reason)
{
	struct walk	 w;
	struct stat	 st;
	const char	*why = NULL, *below = path;
	size_t		 wl = within != NULL ? strlen(within) : 0;
	int		 fd, i;

	if (reason == NULL)
		reason = &why;
	*reason = NULL;
	if (rootfs_check(path, reason) == -1)
		return -1;
	if (within != NULL) {
		if (rootfs_check(within, reason) == -1)
			return -1;
		if (strncmp(path, within, wl) != 0 || path[wl] != '/') {
			*reason = "not below the directory links may stay in";
			errno = EINVAL;
			return -1;
		}
		below = path + wl + 1;
		w.fds[0] = open_dir(rootfd, within);
	} else
		w.fds[0] = fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
	if (w.fds[0] == -1)
		return -1;
	fd = open_file_at_once(w.fds[0], below, within != NULL, flags);
	if (fd != -2) {
		close_keep_errno(w.fds[0]);
		if (fd == -1)
			return -1;
	} else {
		w.d = 0;
		w.links = 0;
		snprintf(w.todo, sizeof(w.todo), "%s", below);
		fd = walk_open(&w, within != NULL, flags, reason);
		for (i = 0; i <= w.d; i++)
			close_keep_errno(w.fds[i]);
		if (fd == -1)
			return -1;
	}
	if (fstat(fd, &st) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		*reason = "not a regular file";
		errno = EINVAL;
		return -1;
	}
	return fd;
}
