/* hotplug2.core's files: the root, nodes, links and directories under it, reads of attributes and policy files. */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcorelib.h"
#include "rootfs.h"

static int
l_set_root(lua_State *L)
{
	struct lcore	*c = core_of(L);
	const char	*dir = luaL_checkstring(L, 1);
	int		 fd;

	if (strlen(dir) >= sizeof(c->root))
		return luaL_error(L, "root path too long");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return luaL_error(L, "unable to open root %s: %s", dir,
		    strerror(errno));
	if (c->rootfd != -1)
		close(c->rootfd);
	c->rootfd = fd;
	snprintf(c->root, sizeof(c->root), "%s", dir);
	/* Names come from the new root's files. */
	c->passwd.loaded = c->group.loaded = 0;
	return 0;
}

static int
l_root(lua_State *L)
{
	lua_pushstring(L, core_of(L)->root);
	return 1;
}

/* Parse a permission mode: a number, or an octal string such as "0660". */
static mode_t
check_mode(lua_State *L, int idx)
{
	const char	*s, *p;
	unsigned long	 v = 0;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		v = (unsigned long)lua_tointeger(L, idx);
	} else {
		s = luaL_checkstring(L, idx);
		for (p = s; *p != '\0'; p++) {
			if (*p < '0' || *p > '7' || v > 07777)
				luaL_error(L, "bad mode '%s': want octal "
				    "digits such as \"0660\"", s);
			v = v * 8 + (unsigned long)(*p - '0');
		}
		if (p == s)
			luaL_error(L, "empty mode");
	}
	if (v > 07777)
		luaL_error(L, "bad mode %o: above 07777", (unsigned int)v);
	return (mode_t)v;
}

static long
opt_id(lua_State *L, int idx)
{
	lua_Integer	 v;

	if (lua_isnoneornil(L, idx))
		return -1;
	v = luaL_checkinteger(L, idx);
	if (v < 0 || v > 4294967294LL)
		luaL_error(L, "bad id %d", (int)v);
	return (long)v;
}

/* core.mknod(path, "b"|"c", major, minor, mode [, uid, gid]) */
static int
l_mknod(lua_State *L)
{
	struct lcore	*c = core_of(L);
	const char	*path = lcore_check_path(L, 1);
	const char	*kind = luaL_checkstring(L, 2);
	lua_Integer	 major = luaL_checkinteger(L, 3);
	lua_Integer	 minor = luaL_checkinteger(L, 4);
	mode_t		 mode = check_mode(L, 5);
	long		 uid = opt_id(L, 6), gid = opt_id(L, 7);

	if (strcmp(kind, "b") == 0)
		mode |= S_IFBLK;
	else if (strcmp(kind, "c") == 0)
		mode |= S_IFCHR;
	else
		return luaL_error(L, "node type must be \"b\" or \"c\", "
		    "not \"%s\"", kind);
	if (major < 0 || major > 4095 || minor < 0 || minor > 1048575)
		return luaL_error(L, "bad device number %d:%d", (int)major,
		    (int)minor);
	if (rootfs_mknod(c->rootfd, path, mode,
	    makedev((unsigned int)major, (unsigned int)minor), (uid_t)uid,
	    (gid_t)gid) == -1)
		return lcore_fail_path(L, "create node", path);
	return 0;
}

/* core.symlink(target, path) */
static int
l_symlink(lua_State *L)
{
	const char	*target = luaL_checkstring(L, 1);
	const char	*path = lcore_check_path(L, 2);

	if (rootfs_symlink(core_of(L)->rootfd, target, path) == -1)
		return lcore_fail_path(L, "create link", path);
	return 0;
}

/*
 * core.unlink(path [, prune]): true, or false when there was nothing to
 * remove.  With prune, the directories it leaves empty go too, all but
 * path's first component (dev).
 */
static int
l_unlink(lua_State *L)
{
	const char	*path = lcore_check_path(L, 1);
	int		 prune = lua_toboolean(L, 2);

	if (rootfs_unlink(core_of(L)->rootfd, path, prune) == -1) {
		if (errno == ENOENT) {
			lua_pushboolean(L, 0);
			return 1;
		}
		return lcore_fail_path(L, "remove", path);
	}
	lua_pushboolean(L, 1);
	return 1;
}

/*
 * core.write(path, text [, mode]): replace path (and make its missing
 * parents) with a file holding text, mode default 0644, atomically: a
 * reader finds the old file or the new one, never part of either.  For
 * small records such as hotplug2's own under run/; at most 64 KiB.
 */
static int
l_write(lua_State *L)
{
	const char	*path = lcore_check_path(L, 1);
	size_t		 len;
	const char	*text = luaL_checklstring(L, 2, &len);
	mode_t		 mode = lua_isnoneornil(L, 3) ? 0644 : check_mode(L, 3);

	if (len > 65536)
		return luaL_error(L, "write %s: %lu bytes, more than 64 KiB", path,
		    (unsigned long)len);
	if (rootfs_write(core_of(L)->rootfd, path, text, len, mode) == -1)
		return lcore_fail_path(L, "write", path);
	return 0;
}

static int
l_mkdir(lua_State *L)
{
	const char	*path = lcore_check_path(L, 1);
	mode_t		 mode = lua_isnoneornil(L, 2) ? 0755 : check_mode(L, 2);

	if (rootfs_mkdir(core_of(L)->rootfd, path, mode) == -1)
		return lcore_fail_path(L, "create directory", path);
	return 0;
}

static int
l_chmod(lua_State *L)
{
	const char	*path = lcore_check_path(L, 1);
	mode_t		 mode = check_mode(L, 2);

	if (rootfs_chmod(core_of(L)->rootfd, path, mode) == -1)
		return lcore_fail_path(L, "change the mode of", path);
	return 0;
}

static int
l_chown(lua_State *L)
{
	const char	*path = lcore_check_path(L, 1);
	long		 uid = opt_id(L, 2), gid = opt_id(L, 3);

	if (rootfs_chown(core_of(L)->rootfd, path, (uid_t)uid,
	    (gid_t)gid) == -1)
		return lcore_fail_path(L, "change the owner of", path);
	return 0;
}

/* core.lstat(path): {type=, mode=, uid=, gid=, major=, minor=} or nil. */
static int
l_lstat(lua_State *L)
{
	struct stat	 st;
	const char	*path = lcore_check_path(L, 1);
	const char	*type;

	if (rootfs_lstat(core_of(L)->rootfd, path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR) {
			lua_pushnil(L);
			return 1;
		}
		return lcore_fail_path(L, "look at", path);
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFBLK:	type = "b"; break;
	case S_IFCHR:	type = "c"; break;
	case S_IFDIR:	type = "d"; break;
	case S_IFLNK:	type = "l"; break;
	case S_IFREG:	type = "f"; break;
	default:	type = "?"; break;
	}
	lua_createtable(L, 0, 6);
	lua_pushstring(L, type);
	lua_setfield(L, -2, "type");
	lua_pushinteger(L, st.st_mode & 07777);
	lua_setfield(L, -2, "mode");
	lua_pushinteger(L, (lua_Integer)st.st_uid);
	lua_setfield(L, -2, "uid");
	lua_pushinteger(L, (lua_Integer)st.st_gid);
	lua_setfield(L, -2, "gid");
	lua_pushinteger(L, (lua_Integer)major(st.st_rdev));
	lua_setfield(L, -2, "major");
	lua_pushinteger(L, (lua_Integer)minor(st.st_rdev));
	lua_setfield(L, -2, "minor");
	return 1;
}

/* core.exists(path): is anything there (links not followed)? */
static int
l_exists(lua_State *L)
{
	struct stat	 st;
	const char	*path = lcore_check_path(L, 1);

	lua_pushboolean(L, rootfs_lstat(core_of(L)->rootfd, path, &st) == 0);
	return 1;
}

static int
l_readlink(lua_State *L)
{
	char		 buf[PATH_MAX];
	const char	*path = lcore_check_path(L, 1);

	if (rootfs_readlink(core_of(L)->rootfd, path, buf, sizeof(buf)) == -1) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushstring(L, buf);
	return 1;
}

/*
 * core.read(path [, within]): a small regular file under the root (a
 * sysfs attribute), at most CORE_READ_MAX bytes; nil and why when it
 * cannot be read.  It never blocks: a FIFO or a device is refused.  With
 * within ("sys"), links below that directory are followed while they
 * stay inside it, as attr() needs for sysfs's device/ and subsystem/.
 */
#define CORE_READ_MAX	4096

static int
l_read(lua_State *L)
{
	char		 buf[CORE_READ_MAX];
	const char	*path = lcore_check_path(L, 1);
	const char	*within = luaL_optstring(L, 2, NULL);
	const char	*why = NULL;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = rootfs_open_file(core_of(L)->rootfd, within, path, O_RDONLY,
	    &why)) == -1) {
		lua_pushnil(L);
		lua_pushstring(L, why != NULL ? why : strerror(errno));
		return 2;
	}
	while (got < sizeof(buf) &&
	    (n = read(fd, buf + got, sizeof(buf) - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			lua_pushnil(L);
			lua_pushstring(L, strerror(errno));
			close(fd);
			return 2;
		}
		got += (size_t)n;
	}
	close(fd);
	lua_pushlstring(L, buf, got);
	return 1;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * List a directory, sorted, without "." and "..".  suffix, when given,
 * keeps only names ending in it; prefix is prepended to each name.
 */
static int
push_listing(lua_State *L, DIR *d, const char *suffix, const char *prefix)
{
	struct dirent	 *de;
	char		**names = NULL, **n2;
	size_t		  n = 0, cap = 0, i, sl = suffix ? strlen(suffix) : 0, l;

	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		l = strlen(de->d_name);
		if (suffix != NULL && (l <= sl ||
		    strcmp(de->d_name + l - sl, suffix) != 0))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((n2 = realloc(names, cap * sizeof(*names))) == NULL)
				goto nomem;
			names = n2;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		if (prefix != NULL)
			lua_pushfstring(L, "%s/%s", prefix, names[i]);
		else
			lua_pushstring(L, names[i]);
		lua_rawseti(L, -2, (int)i + 1);
		free(names[i]);
	}
	free(names);
	return 1;
nomem:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return luaL_error(L, "out of memory listing a directory");
}

/* core.readdir(path): sorted names in a directory under the root, or nil. */
static int
l_readdir(lua_State *L)
{
	struct lcore	*c = core_of(L);
	const char	*path = lcore_check_path(L, 1);
	DIR		*d;
	int		 fd;

	fd = rootfs_open(c->rootfd, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		lua_pushnil(L);
		return 1;
	}
	return push_listing(L, d, NULL, NULL);
}

/* core.script_files(dir): "dir/NAME.lua" for each script, in lexical order (a host path: scripts live outside the root). */
static int
l_script_files(lua_State *L)
{
	const char	*dir = luaL_checkstring(L, 1);
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return luaL_error(L, "unable to read %s: %s", dir,
		    strerror(errno));
	return push_listing(L, d, ".lua", dir);
}

/* A policy file (mdev.conf, hotplug2.rules) larger than this is not one. */
#define CORE_CONFIG_MAX	(1024 * 1024)

/*
 * core.read_config(path): the whole text of a host file, as handler
 * files are host files: the policy files they load live beside them,
 * outside the root.  nil and why when it cannot be read.
 */
static int
l_read_config(lua_State *L)
{
	const char	*path = luaL_checkstring(L, 1);
	luaL_Buffer	 b;
	char		 buf[4096];
	size_t		 total = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		lua_pushnil(L);
		lua_pushfstring(L, "unable to read %s: %s", path,
		    strerror(errno));
		return 2;
	}
	luaL_buffinit(L, &b);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			lua_pushnil(L);
			lua_pushfstring(L, "unable to read %s: %s", path,
			    strerror(errno));
			return 2;
		}
		if ((total += (size_t)n) > CORE_CONFIG_MAX) {
			close(fd);
			lua_pushnil(L);
			lua_pushfstring(L, "%s is larger than %d bytes", path,
			    CORE_CONFIG_MAX);
			return 2;
		}
		luaL_addlstring(&b, buf, (size_t)n);
	}
	close(fd);
	luaL_pushresult(&b);
	return 1;
}

const luaL_Reg lfile_funcs[] = {
	{ "chmod",		l_chmod },
	{ "chown",		l_chown },
	{ "exists",		l_exists },
	{ "lstat",		l_lstat },
	{ "mkdir",		l_mkdir },
	{ "mknod",		l_mknod },
	{ "read",		l_read },
	{ "read_config",	l_read_config },
	{ "readdir",		l_readdir },
	{ "readlink",		l_readlink },
	{ "root",		l_root },
	{ "script_files",	l_script_files },
	{ "set_root",		l_set_root },
	{ "symlink",		l_symlink },
	{ "unlink",		l_unlink },
	{ "write",		l_write },
	{ NULL,			NULL }
};
