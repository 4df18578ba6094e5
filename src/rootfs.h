/* Filesystem changes confined to a root directory: every path is relative to a directory fd and walked without following links. */
#ifndef HOTPLUG2_ROOTFS_H
#define HOTPLUG2_ROOTFS_H

#include <sys/types.h>
#include <sys/stat.h>

/* Components in any one path: deeper than any sysfs device or /dev name. */
#define ROOTFS_DEPTH_MAX	64
/* Symbolic links rootfs_open_file follows in one lookup, as the kernel's 40. */
#define ROOTFS_LINKS_MAX	40

/*
 * Paths given to these functions are relative to rootfd ("dev/sda").
 * rootfs_check refuses what could leave the root or garble a log line:
 * an empty path, a leading '/', a "." or ".." component, an empty
 * component, a control character, more than ROOTFS_DEPTH_MAX components.
 * Directory components are then opened one by one with O_NOFOLLOW, so a
 * symlink planted inside the root cannot lead out of it either, and every
 * check and change is made on a descriptor from that walk, never on a
 * name resolved a second time.
 * Every function returns 0, or -1 with errno set (EINVAL for a refused
 * path, with *reason, where given, saying why).
 */
int	rootfs_check(const char *path, const char **reason);

/* Open the directory holding path's last component; *leaf points into path. */
int	rootfs_parent(int rootfd, const char *path, int create, const char **leaf);

/*
 * Create path (and missing parents, 0755) as a device node or a link,
 * atomically replacing what is there.  The object is made, owned and
 * given its mode inside a directory only this process can write, then
 * renamed into place, so nothing can be swapped in between.
 */
int	rootfs_mknod(int rootfd, const char *path, mode_t mode, dev_t dev,
	    uid_t uid, gid_t gid);
int	rootfs_symlink(int rootfd, const char *target, const char *path);
/* Replace path with a file holding data, atomically (see rootfs_mknod). */
int	rootfs_write(int rootfd, const char *path, const void *data, size_t len,
	    mode_t mode);
int	rootfs_mkdir(int rootfd, const char *path, mode_t mode);
/* With prune, also remove the parents left empty, but never the first. */
int	rootfs_unlink(int rootfd, const char *path, int prune);
int	rootfs_chmod(int rootfd, const char *path, mode_t mode);
int	rootfs_chown(int rootfd, const char *path, uid_t uid, gid_t gid);
int	rootfs_lstat(int rootfd, const char *path, struct stat *st);
int	rootfs_readlink(int rootfd, const char *path, char *buf, size_t len);
int	rootfs_open(int rootfd, const char *path, int flags, mode_t mode);

/*
 * Open a regular file to read or write, never blocking: O_NONBLOCK, so a
 * FIFO or a device planted there is refused (EINVAL, "not a regular
 * file") rather than waited on.  Sysfs attributes are regular files.
 * within, when not NULL, is a leading directory of path ("sys") below
 * which symbolic links are followed as long as they stay inside it, as
 * sysfs's own device, subsystem and driver links do; a link that is
 * absolute or climbs out of within is refused (EXDEV).
 */
int	rootfs_open_file(int rootfd, const char *within, const char *path,
	    int flags, const char **reason);

#endif
