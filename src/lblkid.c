/* core.blkid: what libblkid finds on a block device under the root (filesystem, partition table, partition entry); a build option. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcorelib.h"
#include "rootfs.h"

/* The superblock values udev's blkid builtin asks for. */
#define LBLKID_SUPERBLOCKS	(BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | \
	BLKID_SUBLKS_TYPE | BLKID_SUBLKS_SECTYPE | BLKID_SUBLKS_USAGE | \
	BLKID_SUBLKS_VERSION)

/*
 * core.blkid(path [, offset]): libblkid's values for the block device
 * (or, for tests, the regular file) at path under the root, as a table
 * of its own names (TYPE, UUID, LABEL, PTTYPE, PART_ENTRY_NUMBER ...);
 * an empty table when it finds nothing; nil and why when the file
 * cannot be probed.  Naming them as udev does is the scripts' job.
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

	if (offset < 0)
		return luaL_error(L, "blkid: offset must not be negative");
	lcore_pause(&t0);
	fd = rootfs_open(c->rootfd, path, O_RDONLY | O_NONBLOCK, 0);
	if (fd == -1)
		saved = errno;
	else if (fstat(fd, &st) == -1)
		saved = errno;
	else if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))
		why = "not a block device";
	else if ((pr = blkid_new_probe()) == NULL)
		saved = ENOMEM;
	else if (blkid_probe_set_device(pr, fd, (blkid_loff_t)offset, 0) != 0)
		saved = errno != 0 ? errno : EIO;
	else {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, LBLKID_SUPERBLOCKS);
		blkid_probe_enable_partitions(pr, 1);
		blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
		/* 0 found, 1 nothing, -2 ambiguous (no values): all answers. */
		rc = blkid_do_safeprobe(pr);
		if (rc == -1)
			saved = errno != 0 ? errno : EIO;
	}
	lcore_resume(c, &t0);
	if (rc == -1) {
		if (pr != NULL)
			blkid_free_probe(pr);
		if (fd != -1)
			close(fd);
		lua_pushnil(L);
		lua_pushfstring(L, "unable to probe /%s: %s", path,
		    why != NULL ? why : strerror(saved));
		return 2;
	}
	n = rc == 0 ? blkid_probe_numof_values(pr) : 0;
	lua_createtable(L, 0, n > 0 ? n : 0);
	for (i = 0; i < n; i++) {
		if (blkid_probe_get_value(pr, i, &name, &value, &len) != 0)
			continue;
		/* len counts the terminating NUL. */
		if (len > 0 && value[len - 1] == '\0')
			len--;
		lua_pushstring(L, name);
		lua_pushlstring(L, value, len);
		lua_rawset(L, -3);
	}
	blkid_free_probe(pr);
	close(fd);
	return 1;
}

const luaL_Reg	lblkid_funcs[] = {
	{ "blkid",		l_blkid },
	{ NULL,			NULL }
};
