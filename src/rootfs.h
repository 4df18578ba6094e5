/* Filesystem changes confined to a root directory: every path is relative to a directory fd and walked without following links. */
#ifndef HOTPLUG2_ROOTFS_H
#define HOTPLUG2_ROOTFS_H

#include <sys/types.h>
#include <sys/stat.h>

/*
 * Paths given to these functions are relative to rootfd ("dev/sda").
 * rootfs_check refuses what could leave the root: an empty path, a
 * leading '/', a "." or ".." component, an empty component.  Directory
 * components are then opened one by one with O_NOFOLLOW, so a symlink
 * planted inside the root cannot lead out of it either.
 * Every function returns 0, or -1 with errno set (EINVAL for a refused
 * path, with *reason, where given, saying why).
 */
int	rootfs_check(const char *path, const char **reason);

/* Open the directory holding path's last component; *leaf points into path. */
int	rootfs_parent(int rootfd, const char *path, int create, const char **leaf);

/* Create path (and missing parents, 0755) as a device node, atomically replacing what is there. */
int	rootfs_mknod(int rootfd, const char *path, mode_t mode, dev_t dev,
	    uid_t uid, gid_t gid);
int	rootfs_symlink(int rootfd, const char *target, const char *path);
int	rootfs_mkdir(int rootfd, const char *path, mode_t mode);
int	rootfs_unlink(int rootfd, const char *path);
int	rootfs_chmod(int rootfd, const char *path, mode_t mode);
int	rootfs_chown(int rootfd, const char *path, uid_t uid, gid_t gid);
int	rootfs_lstat(int rootfd, const char *path, struct stat *st);
int	rootfs_readlink(int rootfd, const char *path, char *buf, size_t len);
int	rootfs_open(int rootfd, const char *path, int flags, mode_t mode);

#endif
