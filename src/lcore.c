/* hotplug2.core: the C functions Lua scripts reach, the same code in the daemon and in the loadable Lua module. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "alias.h"
#include "config.h"
#include "lcore.h"
#include "lcorelib.h"
#include "lregex.h"
#include "lstrpat.h"
#include "modlist.h"
#include "rootfs.h"

/* Registry key of the struct lcore userdata, for hooks and lcore_pcall. */
static const char	lcore_key;

struct lcore *
lcore_lookup(lua_State *L)
{
	struct lcore	*c;

	lua_pushlightuserdata(L, (void *)&lcore_key);
	lua_rawget(L, LUA_REGISTRYINDEX);
	c = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return c;
}

int
lcore_fail_path(lua_State *L, const char *verb, const char *path)
{
	return luaL_error(L, "unable to %s /%s: %s", verb, path,
	    strerror(errno));
}

const char *
lcore_check_path(lua_State *L, int idx)
{
	const char	*path = luaL_checkstring(L, idx);
	const char	*why = NULL;

	if (rootfs_check(path, &why) == -1)
		luaL_error(L, "refusing path '%s': %s", path, why);
	return path;
}

static int
l_gc(lua_State *L)
{
	struct lcore	*c = lua_touserdata(L, 1);

	if (c->rootfd != -1)
		close(c->rootfd);
	c->rootfd = -1;
	ludev_close(c);
	lpasswd_clear(&c->passwd);
	lpasswd_clear(&c->group);
	alias_free(c->aliases);
	modlist_free(c->loadable);
	modlist_free(c->builtin);
	c->aliases = NULL;
	c->loadable = c->builtin = NULL;
	return 0;
}

static const luaL_Reg	lcore_funcs[] = {
	{ "string_library",	lstrpat_library },
	{ NULL,			NULL }
};

static const luaL_Reg *const	libs[] = {
	lcore_funcs, lpcall_funcs, lfile_funcs, lpasswd_funcs, levent_funcs,
	lglob_funcs, lexec_funcs, lfirmware_funcs, llog_funcs, ludev_funcs,
#ifdef HOTPLUG2_BLKID
	lblkid_funcs,
#endif
	NULL
};

int
luaopen_hotplug2_core(lua_State *L)
{
	struct lcore		 *c;
	const luaL_Reg *const	 *lib;
	const luaL_Reg		 *r;

	c = lua_newuserdata(L, sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->rootfd = -1;
	c->udevfd = -1;
	c->passwd.path = "etc/passwd";
	c->group.path = "etc/group";
	c->budget_ms = LCORE_BUDGET_MS;
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, l_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	/* One core per state: the latest require wins, for the hook. */
	lua_pushlightuserdata(L, (void *)&lcore_key);
	lua_pushvalue(L, -2);
	lua_rawset(L, LUA_REGISTRYINDEX);
	lpcall_open(L);
	if ((c->rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return luaL_error(L, "unable to open /: %s", strerror(errno));
	snprintf(c->root, sizeof(c->root), "/");

	lua_createtable(L, 0, 40);
	for (lib = libs; *lib != NULL; lib++)
		for (r = *lib; r->name != NULL; r++) {
			lua_pushvalue(L, -2);
			lua_pushcclosure(L, r->func, 1);
			lua_setfield(L, -2, r->name);
		}
	lregex_register(L);
	lua_pushliteral(L, HOTPLUG2_VERSION);
	lua_setfield(L, -2, "version");
	/* The width of the kernel's bitmap words (input capabilities), as built. */
	lua_pushinteger(L, (lua_Integer)(sizeof(long) * CHAR_BIT));
	lua_setfield(L, -2, "long_bits");
	lua_remove(L, -2);
	return 1;
}
