/* Events as handlers see them, synthesized MODALIAS, and the modules an alias resolves to. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "alias.h"
#include "lcore.h"
#include "lcorelib.h"
#include "log.h"
#include "modalias.h"
#include "modlist.h"
#include "uevent.h"

/*
 * depmod's list NAME beside the alias file (modules.dep or
 * modules.builtin in the same directory), or NULL when there is none.
 */
static struct modlist *
load_beside(const char *alias_path, const char *name)
{
	struct modlist	*ml;
	char		 path[4096];
	const char	*slash = strrchr(alias_path, '/');
	int		 dirlen = slash != NULL ? (int)(slash - alias_path) + 1 : 0;

	if (snprintf(path, sizeof(path), "%.*s%s", dirlen, alias_path, name) >=
	    (int)sizeof(path))
		return NULL;
	if ((ml = modlist_load(path)) == NULL && errno != ENOENT)
		log_warn("%s", path);
	else if (ml != NULL)
		log_debug("%s: %zu modules", path, modlist_count(ml));
	return ml;
}

/*
 * core.load_aliases(path): index a modules.alias file for core.modules,
 * and the modules.dep and modules.builtin beside it when they are there.
 */
static int
l_load_aliases(lua_State *L)
{
	struct lcore		*c = core_of(L);
	const char		*path = luaL_checkstring(L, 1);
	struct alias_index	*idx;
	struct modlist		*loadable = NULL, *builtin = NULL;
	struct timespec		 t0;
	int			 saved;

	/* Indexing a large file is not the calling script's time. */
	lcore_pause(&t0);
	idx = alias_load(path);
	saved = errno;
	if (idx != NULL) {
		loadable = load_beside(path, "modules.dep");
		builtin = load_beside(path, "modules.builtin");
	}
	lcore_resume(c, &t0);
	if (idx == NULL)
		return luaL_error(L, "unable to load %s: %s", path,
		    strerror(saved));
	alias_free(c->aliases);
	modlist_free(c->loadable);
	modlist_free(c->builtin);
	c->aliases = idx;
	c->loadable = loadable;
	c->builtin = builtin;
	return 0;
}

struct collect {
	lua_State		*L;
	const struct lcore	*c;
	const char		*modalias;
	int			 all;
	int			 n;
};

/*
 * Whether modprobe could load module: not when it is built in, nor when
 * modules.dep, if there is one, does not list it (the alias file names
 * a module this kernel's tree lacks).
 */
static int
loadable(const struct lcore *c, const char *module)
{
	if (c->builtin != NULL && modlist_has(c->builtin, module))
		return 0;
	return c->loadable == NULL || modlist_has(c->loadable, module);
}

static void
collect_module(const char *module, void *arg)
{
	struct collect	*col = arg;

	if (!col->all && !loadable(col->c, module)) {
		log_debug("MODALIAS %.40s: %s is %s", col->modalias, module,
		    col->c->builtin != NULL && modlist_has(col->c->builtin,
		    module) ? "built in" : "not in modules.dep");
		return;
	}
	lua_pushstring(col->L, module);
	lua_rawseti(col->L, -2, ++col->n);
}

/*
 * core.modules(modalias [, all]): the module names it resolves to, in
 * order; without all, only those modprobe could load.
 */
static int
l_modules(lua_State *L)
{
	struct lcore	*c = core_of(L);
	struct collect	 col;

	col.L = L;
	col.c = c;
	col.modalias = luaL_checkstring(L, 1);
	col.all = lua_toboolean(L, 2);
	col.n = 0;
	lua_newtable(L);
	if (c->aliases != NULL && alias_lookup(c->aliases, col.modalias,
	    collect_module, &col) == -1)
		log_warn("lookup of MODALIAS %.40s... failed", col.modalias);
	return 1;
}

/* Build a struct uevent from a table of variables. */
static void
table_to_uevent(lua_State *L, int idx, struct uevent *ev)
{
	const char	*action, *devpath;

	lua_getfield(L, idx, "ACTION");
	action = lua_isstring(L, -1) ? lua_tostring(L, -1) : "add";
	lua_getfield(L, idx, "DEVPATH");
	devpath = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
	if (uevent_init(ev, action, devpath) == -1)
		luaL_error(L, "event does not fit: bad ACTION or DEVPATH");
	lua_pop(L, 2);
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		if (lua_type(L, -2) == LUA_TSTRING && lua_isstring(L, -1) &&
		    uevent_set(ev, lua_tostring(L, -2), lua_tostring(L, -1))
		    == -1)
			luaL_error(L, "event does not fit at %s",
			    lua_tostring(L, -2));
		lua_pop(L, 1);
	}
}

/* core.modalias(vars [, subsystem]): synthesized MODALIAS, or nil and why. */
static int
l_modalias(lua_State *L)
{
	struct uevent	*ev;
	char		 out[UEVENT_MSG_MAX];
	const char	*reason = "nothing to build it from";
	const char	*sub = luaL_optstring(L, 2, NULL);
	size_t		 n;

	luaL_checktype(L, 1, LUA_TTABLE);
	ev = lua_newuserdata(L, sizeof(*ev));
	table_to_uevent(L, 1, ev);
	n = modalias_synthesize(ev, sub, out, sizeof(out), &reason);
	if (n == 0) {
		lua_pushnil(L);
		lua_pushstring(L, reason);
		return 2;
	}
	lua_pushlstring(L, out, n);
	return 1;
}

void
lcore_push_event(lua_State *L, const struct uevent *ev)
{
	const char	*kv, *eq, *action;
	size_t		 alen;
	unsigned int	 i;
	int		 have_modalias = 0;

	lua_createtable(L, 0, ev->nvars + 3);
	action = uevent_action(ev, &alen);
	lua_pushliteral(L, "ACTION");
	lua_pushlstring(L, action, alen);
	lua_rawset(L, -3);
	lua_pushliteral(L, "DEVPATH");
	lua_pushstring(L, uevent_devpath(ev));
	lua_rawset(L, -3);
	for (i = 0; i < ev->nvars; i++) {
		kv = uevent_var(ev, i);
		if ((eq = strchr(kv, '=')) == NULL)
			continue;
		if (eq - kv == 8 && memcmp(kv, "MODALIAS", 8) == 0)
			have_modalias = 1;
		lua_pushlstring(L, kv, (size_t)(eq - kv));
		lua_pushstring(L, eq + 1);
		lua_rawset(L, -3);
	}
	if (!have_modalias) {
		/* As long as the longest event: input KEY bitmaps make long ones. */
		char		 buf[UEVENT_MSG_MAX];
		const char	*reason;
		size_t		 n;

		n = modalias_synthesize(ev, NULL, buf, sizeof(buf), &reason);
		if (n > 0) {
			lua_pushliteral(L, "MODALIAS");
			lua_pushlstring(L, buf, n);
			lua_rawset(L, -3);
		}
	}
}

/*
 * core.events(recording): the events of wire-format messages back to
 * back (hotplug2 monitor --raw), as the daemon hands them to handlers.
 * A malformed message is an error naming its number.
 */
static int
l_events(lua_State *L)
{
	struct uevent	*ev;
	size_t		 len, off = 0, n;
	const char	*rec = luaL_checklstring(L, 1, &len);
	const char	*reason = NULL;
	int		 i = 0;

	ev = lua_newuserdata(L, sizeof(*ev));
	lua_newtable(L);
	off = uevent_skip_separators(rec, len);
	while (off < len && (n = uevent_next(rec + off, len - off, 1)) > 0) {
		if (uevent_parse(ev, rec + off, n, &reason) == -1)
			return luaL_error(L, "message %d: %s", i + 1, reason);
		lcore_push_event(L, ev);
		lua_rawseti(L, -2, ++i);
		off += n;
		off += uevent_skip_separators(rec + off, len - off);
	}
	if (off < len)
		return luaL_error(L, "message %d: incomplete", i + 1);
	return 1;
}

const luaL_Reg levent_funcs[] = {
	{ "events",		l_events },
	{ "load_aliases",	l_load_aliases },
	{ "modalias",		l_modalias },
	{ "modules",		l_modules },
	{ NULL,			NULL }
};
