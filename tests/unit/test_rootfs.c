/* Tests for path confinement: refused paths, planted symlinks, atomic replacement, on a scratch directory. */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rootfs.h"

struct check_case {
	const char	*path;
	const char	*reason;	/* NULL: accepted */
};

static const struct check_case check_cases[] = {
	{ "dev/null", NULL },
	{ "dev/input/event0", NULL },
	{ "dev/bus/usb/001/002", NULL },
	{ "dev/..hidden", NULL },
	{ "dev/a..b", NULL },
	{ "dev/...", NULL },
	{ "", "empty path" },
	{ "/dev/null", "absolute path" },
	{ "/", "absolute path" },
	{ "..", "'..' path component" },
	{ "dev/..", "'..' path component" },
	{ "dev/../etc/passwd", "'..' path component" },
	{ "dev/input/../../../etc", "'..' path component" },
	{ ".", "'.' path component" },
	{ "dev/./null", "'.' path component" },
	{ "dev//null", "empty path component" },
	{ "dev/null/", "empty path component" },
	{ "dev/a\nb", "control character in path" },
	{ "dev/tty\x1b[2J", "control character in path" },
	{ "dev/a\x7f", "control character in path" },
	{ "dev/caf\xc3\xa9", NULL },
};

static void
test_check(void **state)
{
	char		 deep[2 * ROOTFS_DEPTH_MAX + 8];
	const char	*why;
	size_t		 i;
	int		 rc;

	(void)state;
	/* ROOTFS_DEPTH_MAX components pass, one more does not. */
	for (i = 0; i < ROOTFS_DEPTH_MAX; i++)
		memcpy(deep + 2 * i, "d/", 2);
	deep[2 * ROOTFS_DEPTH_MAX - 1] = '\0';
	assert_int_equal(rootfs_check(deep, NULL), 0);
	deep[2 * ROOTFS_DEPTH_MAX - 1] = '/';
	memcpy(deep + 2 * ROOTFS_DEPTH_MAX, "d", 2);
	why = NULL;
	assert_int_equal(rootfs_check(deep, &why), -1);
	assert_string_equal(why, "too many path components");
	for (i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
		why = NULL;
		rc = rootfs_check(check_cases[i].path, &why);
		if (check_cases[i].reason == NULL) {
			if (rc != 0)
				fail_msg("%s refused: %s", check_cases[i].path,
				    why);
		} else if (rc != -1 || why == NULL ||
		    strcmp(why, check_cases[i].reason) != 0)
			fail_msg("%s: got %s, want %s", check_cases[i].path,
			    why ? why : "accepted", check_cases[i].reason);
	}
}

struct scratch {
	char	 dir[64];
	int	 fd;
};

static int
setup(void **state)
{
	static struct scratch	 s;
	char			 cmd[256];

	snprintf(s.dir, sizeof(s.dir), "/tmp/hp2-rootfs.XXXXXX");
	if (mkdtemp(s.dir) == NULL)
		return -1;
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/dev %s/outside", s.dir, s.dir);
	if (system(cmd) != 0)
		return -1;
	if ((s.fd = open(s.dir, O_RDONLY | O_DIRECTORY)) == -1)
		return -1;
	*state = &s;
	return 0;
}

static int
teardown(void **state)
{
	struct scratch	*s = *state;
	char		 cmd[256];

	close(s->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Entries in a directory, "." and ".." aside. */
static int
count_entries(const char *dir)
{
	char	 path[PATH_MAX], cmd[PATH_MAX + 32];
	int	 n = 0;
	FILE	*p;

	snprintf(cmd, sizeof(cmd), "ls -A %s", dir);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(path, sizeof(path), p) != NULL)
		n++;
	pclose(p);
	return n;
}

static void
test_planted_symlink(void **state)
{
	struct scratch	*s = *state;
	char		 outside[128], link[128];
	struct stat	 st;

	snprintf(outside, sizeof(outside), "%s/outside", s->dir);
	snprintf(link, sizeof(link), "%s/dev/evil", s->dir);
	assert_int_equal(symlink("../outside", link), 0);
	/* Every way of going through dev/evil is refused. */
	assert_int_equal(rootfs_mknod(s->fd, "dev/evil/null", S_IFIFO | 0666,
	    0, (uid_t)-1, (gid_t)-1), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(rootfs_symlink(s->fd, "x", "dev/evil/l"), -1);
	assert_int_equal(rootfs_mkdir(s->fd, "dev/evil/d", 0755), -1);
	assert_int_equal(rootfs_open(s->fd, "dev/evil/f", O_WRONLY | O_CREAT,
	    0644), -1);
	/* chmod of the link itself must not reach its target. */
	assert_int_equal(rootfs_chmod(s->fd, "dev/evil", 0777), -1);
	assert_int_equal(stat(outside, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(count_entries(outside), 0);
	/* Refused paths never reach the file system. */
	assert_int_equal(rootfs_mknod(s->fd, "dev/../outside/x",
	    S_IFIFO | 0666, 0, (uid_t)-1, (gid_t)-1), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(count_entries(outside), 0);
	unlink(link);
}

static void
test_write_file(void **state)
{
	struct scratch	*s = *state;
	struct stat	 st;
	char		 buf[64], dir[128], outside[128], link[128];
	int		 fd;
	ssize_t		 n;

	umask(077);
	assert_int_equal(rootfs_write(s->fd, "run/hp2/a/rec", "one\n", 4, 0644),
	    0);
	umask(022);
	assert_int_equal(rootfs_lstat(s->fd, "run/hp2/a/rec", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0644);
	/* Replaced whole: a shorter text leaves nothing of the longer. */
	assert_int_equal(rootfs_write(s->fd, "run/hp2/a/rec", "2", 1, 0600), 0);
	fd = rootfs_open(s->fd, "run/hp2/a/rec", O_RDONLY, 0);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf));
	close(fd);
	assert_int_equal(n, 1);
	assert_int_equal(buf[0], '2');
	/* Empty is a file too, and nothing else is left in the directory. */
	assert_int_equal(rootfs_write(s->fd, "run/hp2/a/empty", "", 0, 0644), 0);
	snprintf(dir, sizeof(dir), "%s/run/hp2/a", s->dir);
	assert_int_equal(count_entries(dir), 2);
	/* A link planted on the way or at the leaf leads nowhere outside. */
	snprintf(outside, sizeof(outside), "%s/outside", s->dir);
	snprintf(link, sizeof(link), "%s/run/evil", s->dir);
	assert_int_equal(symlink("../outside", link), 0);
	assert_int_equal(rootfs_write(s->fd, "run/evil/x", "x", 1, 0644), -1);
	assert_int_equal(rootfs_write(s->fd, "run/evil", "x", 1, 0644), 0);
	assert_int_equal(rootfs_lstat(s->fd, "run/evil", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(count_entries(outside), 0);
	assert_int_equal(rootfs_write(s->fd, "run/../outside/x", "x", 1, 0644),
	    -1);
	assert_int_equal(errno, EINVAL);
}

static void
test_atomic_replace(void **state)
{
	struct scratch	*s = *state;
	struct stat	 st;
	char		 buf[64], dir[128];

	/* FIFOs need no privilege, and take the same path as device nodes. */
	assert_int_equal(rootfs_mknod(s->fd, "dev/a/b/fifo", S_IFIFO | 0640, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/a/b/fifo", &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(rootfs_lstat(s->fd, "dev/a", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* A new mode replaces the node; umask plays no part. */
	umask(077);
	assert_int_equal(rootfs_mknod(s->fd, "dev/a/b/fifo", S_IFIFO | 0666, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	umask(022);
	assert_int_equal(rootfs_lstat(s->fd, "dev/a/b/fifo", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0666);
	/* Links are replaced atomically, and a node replaces a link. */
	assert_int_equal(rootfs_symlink(s->fd, "fifo", "dev/a/b/link"), 0);
	assert_int_equal(rootfs_symlink(s->fd, "other", "dev/a/b/link"), 0);
	assert_int_equal(rootfs_readlink(s->fd, "dev/a/b/link", buf,
	    sizeof(buf)), 0);
	assert_string_equal(buf, "other");
	assert_int_equal(rootfs_mknod(s->fd, "dev/a/b/link", S_IFIFO | 0600, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/a/b/link", &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	/* Nothing but the two names is left behind. */
	snprintf(dir, sizeof(dir), "%s/dev/a/b", s->dir);
	assert_int_equal(count_entries(dir), 2);
	/* A directory is not replaced by a node. */
	assert_int_equal(rootfs_mknod(s->fd, "dev/a", S_IFIFO | 0600, 0,
	    (uid_t)-1, (gid_t)-1), -1);
	assert_int_equal(rootfs_mkdir(s->fd, "dev/a/b/fifo", 0755), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(rootfs_chmod(s->fd, "dev/a/b/fifo", 0600), 0);
	assert_int_equal(rootfs_unlink(s->fd, "dev/a/b/fifo", 0), 0);
	assert_int_equal(rootfs_unlink(s->fd, "dev/a/b/fifo", 0), -1);
	assert_int_equal(errno, ENOENT);
}

static void
test_device_node(void **state)
{
	struct scratch	*s = *state;
	struct stat	 st;

	if (geteuid() != 0) {
		assert_int_equal(rootfs_mknod(s->fd, "dev/null", S_IFCHR | 0666,
		    makedev(1, 3), 0, 0), -1);
		assert_int_equal(errno, EPERM);
		return;
	}
	assert_int_equal(rootfs_mknod(s->fd, "dev/null", S_IFCHR | 0666,
	    makedev(1, 3), 0, 5), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(major(st.st_rdev), 1);
	assert_int_equal(minor(st.st_rdev), 3);
	assert_int_equal(st.st_gid, 5);
	assert_int_equal(st.st_mode & 07777, 0666);
	assert_int_equal(rootfs_mknod(s->fd, "dev/null", S_IFBLK | 0660,
	    makedev(8, 0), 0, 6), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/null", &st), 0);
	assert_true(S_ISBLK(st.st_mode));
	assert_int_equal(st.st_gid, 6);
}


/* Make a file under the scratch directory, with its parents. */
static void
put(struct scratch *s, const char *rel, const char *text)
{
	char	 path[PATH_MAX], cmd[PATH_MAX + 64];
	FILE	*f;

	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname %s/%s)\"", s->dir,
	    rel);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
}

static void
plant(struct scratch *s, const char *target, const char *rel)
{
	char	 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

/*
 * ROOT/dev/disk -> ../outside, and outside already holds what we are
 * asked to make: the "already right" look must not see it, or the
 * answer (success, nothing made) tells what exists outside the root.
 */
static void
test_planted_dir_fast_check(void **state)
{
	struct scratch	*s = *state;
	char		 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/outside/fifo", s->dir);
	assert_int_equal(mkfifo(path, 0640), 0);
	assert_int_equal(chmod(path, 0640), 0);
	plant(s, "fifo", "outside/link");
	plant(s, "../outside", "dev/disk");
	errno = 0;
	assert_int_equal(rootfs_mknod(s->fd, "dev/disk/fifo", S_IFIFO | 0640,
	    0, (uid_t)-1, (gid_t)-1), -1);
	assert_int_equal(errno, ENOTDIR);
	errno = 0;
	assert_int_equal(rootfs_symlink(s->fd, "fifo", "dev/disk/link"), -1);
	assert_int_equal(errno, ENOTDIR);
	snprintf(path, sizeof(path), "%s/outside", s->dir);
	assert_int_equal(count_entries(path), 2);
}

/* Nothing is left beside a node made or replaced, and chmod never follows. */
static void
test_no_leftovers(void **state)
{
	struct scratch	*s = *state;
	struct stat	 st;
	char		 dir[PATH_MAX];

	put(s, "outside/file", "x");
	assert_int_equal(rootfs_mknod(s->fd, "dev/n", S_IFIFO | 0600, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	assert_int_equal(rootfs_mknod(s->fd, "dev/n", S_IFIFO | 0604, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	assert_int_equal(rootfs_symlink(s->fd, "n", "dev/l"), 0);
	assert_int_equal(rootfs_chmod(s->fd, "dev/n", 0660), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/n", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	plant(s, "../outside/file", "dev/f");
	assert_int_equal(rootfs_chmod(s->fd, "dev/f", 0666), -1);
	assert_int_equal(errno, ELOOP);
	snprintf(dir, sizeof(dir), "%s/outside/file", s->dir);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_not_equal(st.st_mode & 07777, 0666);
	assert_int_equal(rootfs_mkdir(s->fd, "dev/d", 0750), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/d", &st), 0);
	assert_int_equal(st.st_mode & 07777, 0750);
	snprintf(dir, sizeof(dir), "%s/dev", s->dir);
	assert_int_equal(count_entries(dir), 4);
}

/* A private directory a crash left, with its "n" in it, is reused and goes. */
static void
test_crash_leftover(void **state)
{
	struct scratch	*s = *state;
	struct stat	 st;
	char		 path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/dev/.hp2-%ld", s->dir, (long)getpid());
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "dev/.hp2-%ld/n", (long)getpid());
	put(s, path, "left by a crash");
	assert_int_equal(rootfs_write(s->fd, "dev/w", "x", 1, 0644), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/w", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 1);
	snprintf(path, sizeof(path), "%s/dev", s->dir);
	assert_int_equal(count_entries(path), 1);
}

/* Removing a node removes the directories it leaves empty, never the first. */
static void
test_unlink_prunes(void **state)
{
	struct scratch	*s = *state;
	struct stat	 st;
	char		 dir[PATH_MAX];

	assert_int_equal(rootfs_mknod(s->fd, "dev/a/b/c/n", S_IFIFO | 0600, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	assert_int_equal(rootfs_mknod(s->fd, "dev/a/x", S_IFIFO | 0600, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	assert_int_equal(rootfs_unlink(s->fd, "dev/a/b/c/n", 1), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/a/b", &st), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(rootfs_lstat(s->fd, "dev/a/x", &st), 0);
	assert_int_equal(rootfs_unlink(s->fd, "dev/a/x", 1), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/a", &st), -1);
	assert_int_equal(rootfs_lstat(s->fd, "dev", &st), 0);
	/* Without prune, the directory stays. */
	assert_int_equal(rootfs_mknod(s->fd, "dev/k/n", S_IFIFO | 0600, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	assert_int_equal(rootfs_unlink(s->fd, "dev/k/n", 0), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev/k", &st), 0);
	/* The last node of dev itself leaves dev in place. */
	assert_int_equal(rootfs_mknod(s->fd, "dev/k/n", S_IFIFO | 0600, 0,
	    (uid_t)-1, (gid_t)-1), 0);
	assert_int_equal(rootfs_unlink(s->fd, "dev/k/n", 1), 0);
	assert_int_equal(rootfs_lstat(s->fd, "dev", &st), 0);
	snprintf(dir, sizeof(dir), "%s/dev", s->dir);
	assert_int_equal(count_entries(dir), 0);
}

struct open_case {
	const char	*within;
	const char	*path;
	const char	*text;		/* NULL: refused */
	int		 error;
};

/*
 * sys/devices/pci/eth0/device -> ..  (the kernel's own kind of link)
 * sys/devices/pci/eth0/subsystem -> ../../../class/net
 * sys/class/net/eth0 -> ../../devices/pci/eth0
 */
static const struct open_case open_cases[] = {
	{ NULL, "sys/devices/pci/vendor", "0x8086", 0 },
	{ NULL, "sys/devices/pci/eth0/device/vendor", NULL, ENOTDIR },
	{ "sys", "sys/devices/pci/eth0/device/vendor", "0x8086", 0 },
	{ "sys", "sys/devices/pci/eth0/subsystem/eth0/device/vendor",
	    "0x8086", 0 },
	{ "sys", "sys/class/net/eth0/address", "00:11", 0 },
	{ "sys", "sys/devices/pci/eth0/out/file", NULL, EXDEV },
	{ "sys", "sys/devices/pci/eth0/abs/passwd", NULL, EXDEV },
	{ "sys", "sys/devices/pci/eth0/loop/x", NULL, ELOOP },
	{ "sys", "sys/devices/pci/eth0/fifo", NULL, EINVAL },
	{ "sys", "sys/devices/pci/eth0", NULL, EINVAL },
	{ "sys", "sys/devices/pci/eth0/nothing", NULL, ENOENT },
	{ NULL, "sys/devices/pci/eth0/fifo", NULL, EINVAL },
};

static void
test_open_file(void **state)
{
	struct scratch	*s = *state;
	char		 buf[64], path[PATH_MAX];
	const char	*why;
	ssize_t		 n;
	size_t		 i;
	int		 fd;

	put(s, "sys/devices/pci/vendor", "0x8086");
	put(s, "sys/devices/pci/eth0/address", "00:11");
	put(s, "outside/file", "secret");
	put(s, "sys/class/net/.keep", "");
	plant(s, "..", "sys/devices/pci/eth0/device");
	plant(s, "../../../class/net", "sys/devices/pci/eth0/subsystem");
	plant(s, "../../devices/pci/eth0", "sys/class/net/eth0");
	plant(s, "../../../../outside", "sys/devices/pci/eth0/out");
	plant(s, "/etc", "sys/devices/pci/eth0/abs");
	plant(s, "loop2", "sys/devices/pci/eth0/loop");
	plant(s, "loop", "sys/devices/pci/eth0/loop2");
	snprintf(path, sizeof(path), "%s/sys/devices/pci/eth0/fifo", s->dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	for (i = 0; i < sizeof(open_cases) / sizeof(open_cases[0]); i++) {
		const struct open_case	*c = &open_cases[i];

		why = NULL;
		errno = 0;
		fd = rootfs_open_file(s->fd, c->within, c->path, O_RDONLY,
		    &why);
		if (c->text == NULL) {
			if (fd != -1)
				fail_msg("%s: opened", c->path);
			if (errno != c->error)
				fail_msg("%s: errno %d (%s), want %d", c->path,
				    errno, why ? why : strerror(errno),
				    c->error);
			continue;
		}
		if (fd == -1)
			fail_msg("%s: %s", c->path, why ? why : strerror(errno));
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		assert_true(n >= 0);
		buf[n] = '\0';
		assert_string_equal(buf, c->text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test_setup_teardown(test_planted_symlink, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_atomic_replace, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_device_node, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_planted_dir_fast_check,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_leftovers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_crash_leftover, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unlink_prunes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_write_file, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_file, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
