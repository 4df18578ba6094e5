/* Users and groups by name: ROOT/etc/passwd and group, read again only when they change. */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcorelib.h"
#include "passwd.h"
#include "rootfs.h"

void
lpasswd_clear(struct idfile *f)
{
	free(f->text);
	f->text = NULL;
	f->len = 0;
	f->loaded = 0;
}

/* Load or refresh ROOT/etc/passwd or group; 0, or -1 when it cannot be read. */
static int
idfile_load(struct lcore *c, struct idfile *f)
{
	struct timespec	 now;
	struct stat	 st;
	char		*text;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	/*
	 * Every device node asks for a group: look at the file at most
	 * once a second, not once per event.
	 */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (f->loaded && now.tv_sec == f->checked)
		return 0;
	f->checked = now.tv_sec;
	if ((fd = rootfs_open_file(c->rootfd, NULL, f->path, O_RDONLY,
	    NULL)) == -1) {
		lpasswd_clear(f);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > 16 * 1024 * 1024) {
		close(fd);
		lpasswd_clear(f);
		errno = EINVAL;
		return -1;
	}
	if (f->loaded && st.st_dev == f->dev && st.st_ino == f->ino &&
	    st.st_size == f->size &&
	    st.st_mtim.tv_sec == f->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == f->mtime.tv_nsec) {
		close(fd);
		return 0;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	lpasswd_clear(f);
	f->text = text;
	f->len = got;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	f->loaded = 1;
	return 0;
}

/* What goes between the root and a relative path in messages: no "//". */
static const char *
root_sep(const struct lcore *c)
{
	size_t	 n = strlen(c->root);

	return n > 0 && c->root[n - 1] == '/' ? "" : "/";
}

static int
lookup_id(lua_State *L, struct idfile *f)
{
	struct lcore	*c = core_of(L);
	const char	*name = luaL_checkstring(L, 1);
	unsigned long	 id;
	unsigned int	 line = 0;
	int		 rc;

	if (passwd_numeric(name, &id)) {
		lua_pushnumber(L, (lua_Number)id);
		return 1;
	}
	if (idfile_load(c, f) == -1) {
		lua_pushnil(L);
		lua_pushfstring(L, "unable to read %s%s%s: %s", c->root,
		    root_sep(c), f->path, strerror(errno));
		return 2;
	}
	rc = passwd_lookup(f->text, f->len, name, &id, &line);
	if (rc == 1) {
		lua_pushnumber(L, (lua_Number)id);
		return 1;
	}
	lua_pushnil(L);
	if (rc == 0)
		lua_pushfstring(L, "no '%s' in %s%s%s", name, c->root,
		    root_sep(c), f->path);
	else
		lua_pushfstring(L, "%s%s%s:%d: malformed entry for '%s'",
		    c->root, root_sep(c), f->path, (int)line, name);
	return 2;
}

/* core.uid(name) / core.gid(name): the id, or nil and why. */
static int
l_uid(lua_State *L)
{
	return lookup_id(L, &core_of(L)->passwd);
}

static int
l_gid(lua_State *L)
{
	return lookup_id(L, &core_of(L)->group);
}

const luaL_Reg lpasswd_funcs[] = {
	{ "gid",		l_gid },
	{ "uid",		l_uid },
	{ NULL,			NULL }
};
