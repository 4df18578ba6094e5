/* core.blkid: what libblkid finds on a block device under the root (filesystem, partition table, partition entry); a build option. */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <blkid/blkid.h>
#ifdef HOTPLUG2_BLKID_DLOPEN
#include <dlfcn.h>
#endif

#include <lauxlib.h>
#include <lua.h>

#include "lcorelib.h"
#include "rootfs.h"

/* The superblock values udev's blkid builtin asks for. */
#define LBLKID_SUPERBLOCKS	(BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | \
	BLKID_SUBLKS_TYPE | BLKID_SUBLKS_SECTYPE | BLKID_SUBLKS_USAGE | \
	BLKID_SUBLKS_VERSION)

#ifdef HOTPLUG2_BLKID_DLOPEN
/*
 * A dynamic build opens libblkid on the first probe, not at startup: most
 * events probe nothing, and a daemon that maps the library only maps its
 * pages (some 130 KB of its RSS before any probe) when a block device
 * comes.  Static builds, which have no dlopen, call it directly.
 */
static struct blkid_api {
	blkid_probe	(*new_probe)(void);
	void		(*free_probe)(blkid_probe);
	int		(*probe_set_device)(blkid_probe, int, blkid_loff_t,
			    blkid_loff_t);
	int		(*probe_enable_superblocks)(blkid_probe, int);
	int		(*probe_set_superblocks_flags)(blkid_probe, int);
	int		(*probe_enable_partitions)(blkid_probe, int);
	int		(*probe_set_partitions_flags)(blkid_probe, int);
	int		(*do_safeprobe)(blkid_probe);
	int		(*probe_numof_values)(blkid_probe);
	int		(*probe_get_value)(blkid_probe, int, const char **,
			    const char **, size_t *);
} blkid;

static const struct {
	const char	*name;
	size_t		 off;
} blkid_syms[] = {
#define SYM(f)	{ "blkid_" #f, offsetof(struct blkid_api, f) }
	SYM(new_probe), SYM(free_probe), SYM(probe_set_device),
	SYM(probe_enable_superblocks), SYM(probe_set_superblocks_flags),
	SYM(probe_enable_partitions), SYM(probe_set_partitions_flags),
	SYM(do_safeprobe), SYM(probe_numof_values), SYM(probe_get_value),
#undef SYM
};

/* NULL once libblkid is open, or why it cannot be (kept: tried once). */
static const char *
blkid_open(void)
{
	static int	 tried;
	static char	 why[256];
	void		*h, *f;
	size_t		 i;

	if (tried)
		return why[0] != '\0' ? why : NULL;
	tried = 1;
	if ((h = dlopen(HOTPLUG2_BLKID_SONAME, RTLD_NOW | RTLD_LOCAL)) ==
	    NULL) {
		snprintf(why, sizeof(why), "%s", dlerror());
		return why;
	}
	for (i = 0; i < sizeof(blkid_syms) / sizeof(blkid_syms[0]); i++) {
		if ((f = dlsym(h, blkid_syms[i].name)) == NULL) {
			snprintf(why, sizeof(why), "%s: no %s",
			    HOTPLUG2_BLKID_SONAME, blkid_syms[i].name);
			return why;
		}
		memcpy((char *)&blkid + blkid_syms[i].off, &f, sizeof(f));
	}
	return NULL;
}
#define BLKID(f)	(blkid.f)
#else
#define BLKID(f)	(blkid_##f)
#endif

/*
 * A descriptor of the block device major:minor through a node made for
 * it in a directory only this process can write (ROOT/dev/.hp2-probe-PID,
 * as rootfs.c makes its objects) and removed, with the directory, before
 * returning; -1 with errno when it cannot be made or opened.
 */
static int
probe_node(int rootfd, unsigned int major, unsigned int minor)
{
	char		 priv[40];
	struct stat	 st;
	const char	*leaf;
	int		 dfd, pfd = -1, fd = -1, saved;

	/* ROOT/dev must be there: a probe never makes it (dry runs). */
	if ((dfd = rootfs_parent(rootfd, "dev/probe", 0, &leaf)) == -1)
		return -1;
	snprintf(priv, sizeof(priv), ".hp2-probe-%ld", (long)getpid());
	if (mkdirat(dfd, priv, 0700) == -1 && errno != EEXIST)
		goto out;
	if ((pfd = openat(dfd, priv, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		goto out;
	if (fstat(pfd, &st) == -1 || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		errno = EEXIST;
		goto out;
	}
	unlinkat(pfd, "n", 0);
	if (mknodat(pfd, "n", S_IFBLK | 0600, makedev(major, minor)) == 0) {
		fd = openat(pfd, "n", O_RDONLY | O_NONBLOCK | O_NOFOLLOW |
		    O_CLOEXEC);
		saved = errno;
		unlinkat(pfd, "n", 0);
		errno = saved;
	}
out:
	saved = errno;
	if (pfd != -1)
		close(pfd);
	unlinkat(dfd, priv, AT_REMOVEDIR);
	close(dfd);
	errno = saved;
	return fd;
}

/*
 * core.blkid(path [, offset [, major, minor]]): libblkid's values for the block device
 * (or, for tests, the regular file) at path under the root, as a table
 * of its own names (TYPE, UUID, LABEL, PTTYPE, PART_ENTRY_NUMBER ...);
 * an empty table when it finds nothing; nil and why when the file
 * cannot be probed.  Naming them as udev does is the scripts' job.
 * With major and minor, a path that is not there (the event's node is
 * made after its handlers, so a probe from a handler on an empty /dev
 * finds none) is probed through a node with those numbers made for the
 * probe alone (probe_node).
 */
static int
l_blkid(lua_State *L)
{
	struct lcore	*c = core_of(L);
	struct timespec	 t0;
	struct stat	 st;
	blkid_probe	 pr = NULL;
	const char	*path = lcore_check_path(L, 1);
	const char	*name, *value, *why = NULL;
	lua_Integer	 offset = luaL_optinteger(L, 2, 0);
	size_t		 len;
	int		 fd, rc = -1, i, n, saved = 0;

	lua_Integer	 major = luaL_optinteger(L, 3, -1);
	lua_Integer	 minor = luaL_optinteger(L, 4, -1);

	if (offset < 0)
		return luaL_error(L, "blkid: offset must not be negative");
	if ((major != -1 || minor != -1) && (major < 0 || major > 4095 ||
	    minor < 0 || minor > 1048575))
		return luaL_error(L, "blkid: bad device number %d:%d",
		    (int)major, (int)minor);
#ifdef HOTPLUG2_BLKID_DLOPEN
	if ((why = blkid_open()) != NULL) {
		lua_pushnil(L);
		lua_pushfstring(L, "unable to probe /%s: %s", path, why);
		return 2;
	}
#endif
	lcore_pause(&t0);
	fd = rootfs_open(c->rootfd, path, O_RDONLY | O_NONBLOCK, 0);
	if (fd == -1 && errno == ENOENT && major != -1)
		fd = probe_node(c->rootfd, (unsigned int)major,
		    (unsigned int)minor);
	if (fd == -1)
		saved = errno;
	else if (fstat(fd, &st) == -1)
		saved = errno;
	else if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		why = "not a block device";
	else if ((pr = BLKID(new_probe)()) == NULL)
		saved = ENOMEM;
	else if (BLKID(probe_set_device)(pr, fd, (blkid_loff_t)offset, 0) != 0)
		saved = errno != 0 ? errno : EIO;
	else {
		BLKID(probe_enable_superblocks)(pr, 1);
		BLKID(probe_set_superblocks_flags)(pr, LBLKID_SUPERBLOCKS);
		BLKID(probe_enable_partitions)(pr, 1);
		BLKID(probe_set_partitions_flags)(pr, BLKID_PARTS_ENTRY_DETAILS);
		/* 0 found, 1 nothing, -2 ambiguous (no values): all answers. */
		rc = BLKID(do_safeprobe)(pr);
		if (rc == -1)
			saved = errno != 0 ? errno : EIO;
	}
	lcore_resume(c, &t0);
	if (rc == -1) {
		if (pr != NULL)
			BLKID(free_probe)(pr);
		if (fd != -1)
			close(fd);
		lua_pushnil(L);
		lua_pushfstring(L, "unable to probe /%s: %s", path,
		    why != NULL ? why : strerror(saved));
		return 2;
	}
	n = rc == 0 ? BLKID(probe_numof_values)(pr) : 0;
	lua_createtable(L, 0, n > 0 ? n : 0);
	for (i = 0; i < n; i++) {
		if (BLKID(probe_get_value)(pr, i, &name, &value, &len) != 0)
			continue;
		/* len counts the terminating NUL. */
		if (len > 0 && value[len - 1] == '\0')
			len--;
		lua_pushstring(L, name);
		lua_pushlstring(L, value, len);
		lua_rawset(L, -3);
	}
	BLKID(free_probe)(pr);
	close(fd);
	return 1;
}

const luaL_Reg	lblkid_funcs[] = {
	{ "blkid",		l_blkid },
	{ NULL,			NULL }
};
