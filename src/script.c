/* The script layer as the daemon sees it: one Lua state holding the handler files, fed one event at a time. */
#include <sys/utsname.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#ifdef HOTPLUG2_LUAJIT
#include <luajit.h>
#endif

#include "inflate.h"
#include "lcore.h"
#include "log.h"
#include "pathnames.h"
#include "script.h"
#include "slab.h"
#include "uevent.h"

/*
 * What the Lua allocator may hold unless script_options.mem_cap says
 * otherwise (see lcore.h).  Past it allocations fail, which Lua reports
 * as "not enough memory" in the handler that asked, and that handler's
 * work is lost.
 */
#define SCRIPT_MEM_CAP		LCORE_MEM_CAP

/* The Lua modules of lua/hotplug2, compiled in (see cmake/embed.cmake). */
struct script_module {
	const char	*name;		/* "hotplug2.runner" */
	const char	*file;		/* "hotplug2/runner.lua", for messages */
	const char	*source;
	size_t		 len;
};
extern const struct script_module script_modules[];
extern const int script_modules_gzip;

struct script {
	lua_State	*L;
	size_t		 mem_used;
	size_t		 mem_cap;
	int		 capped;	/* our allocator is in use */
	struct slab	 slab;		/* the state's small blocks */
	int		 runner;	/* registry refs */
	int		 handle;
	int		 handle_event;
};

static void *
script_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct script	*s = ud;
	void		*p;

	if (nsize == 0) {
		slab_realloc(&s->slab, ptr, osize, 0);
		s->mem_used -= osize;
		return NULL;
	}
	/* Lua requires shrinking to succeed; only growth is refused. */
	if (nsize > osize && s->mem_used - osize + nsize > s->mem_cap)
		return NULL;
	if ((p = slab_realloc(&s->slab, ptr, osize, nsize)) == NULL)
		return NULL;
	s->mem_used = s->mem_used - osize + nsize;
	return p;
}

static int
script_panic(lua_State *L)
{
	fatalx("lua: unprotected error: %s", lua_tostring(L, -1));
}

/*
 * Load a compiled-in module as a chunk named chunkname: its text as it
 * is, or inflated first when the build compiled the modules in
 * compressed (the buffer lives only while the chunk is parsed).
 */
static int
load_module(lua_State *L, const struct script_module *m, const char *chunkname)
{
	unsigned char	*buf;
	size_t		 size, n;
	int		 rc;

	if (!script_modules_gzip)
		return luaL_loadbuffer(L, m->source, m->len, chunkname);
	size = gzip_size((const unsigned char *)m->source, m->len);
	if ((buf = malloc(size > 0 ? size : 1)) == NULL) {
		lua_pushfstring(L, "%s: not enough memory to inflate", m->file);
		return LUA_ERRMEM;
	}
	if (gzip_inflate((const unsigned char *)m->source, m->len, buf, size,
	    &n) != 0) {
		free(buf);
		lua_pushfstring(L, "%s: the compiled-in copy is damaged", m->file);
		return LUA_ERRSYNTAX;
	}
	rc = luaL_loadbuffer(L, (const char *)buf, n, chunkname);
	free(buf);
	return rc;
}

/*
 * require, for the state's own modules only: hotplug2.core and the
 * compiled-in lua/hotplug2 modules, or their sources under
 * HOTPLUG2_LUA_PATH (a lua/ tree, to try changes without a rebuild).
 * Lua's package library is left out: it would bring dlopen into static
 * builds, and scripts load nothing.
 */
static int
script_require(lua_State *L)
{
	const struct script_module	*m;
	const char			*name = luaL_checkstring(L, 1);
	const char			*dir = getenv("HOTPLUG2_LUA_PATH");
	char				 path[4096], *p;
	int				 i;

	lua_getfield(L, LUA_REGISTRYINDEX, "hotplug2.loaded");
	lua_getfield(L, -1, name);
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	if (strcmp(name, "hotplug2.core") == 0)
		lua_pushcfunction(L, luaopen_hotplug2_core);
	else if (dir != NULL && *dir != '\0') {
		snprintf(path, sizeof(path), "%s/%s.lua", dir, name);
		for (p = path + strlen(dir) + 1; *p != '\0'; p++)
			if (*p == '.' && strcmp(p, ".lua") != 0)
				*p = '/';
		if (luaL_loadfile(L, path) != 0)
			return lua_error(L);
	} else {
		for (i = 0, m = NULL; script_modules[i].name != NULL; i++)
			if (strcmp(script_modules[i].name, name) == 0)
				m = &script_modules[i];
		if (m == NULL)
			return luaL_error(L, "module '%s' not found", name);
		snprintf(path, sizeof(path), "@%s", m->file);
		if (load_module(L, m, path) != 0)
			return lua_error(L);
	}
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	return 1;
}

static void
open_lib(lua_State *L, lua_CFunction f, const char *name)
{
	lua_pushcfunction(L, f);
	lua_pushstring(L, name);
	lua_call(L, 1, 0);
}

/*
 * Only the libraries scripts need: no io, os, debug or module loading
 * from disk.
 */
static int
setup(lua_State *L)
{
	open_lib(L, luaopen_base, "");
	open_lib(L, luaopen_table, LUA_TABLIBNAME);
	open_lib(L, luaopen_string, LUA_STRLIBNAME);
	open_lib(L, luaopen_math, LUA_MATHLIBNAME);
#ifdef HOTPLUG2_LUAJIT
	/* Compiled traces do not run count hooks: keep to the interpreter so the budget holds. */
	luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
#endif
	lua_newtable(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "hotplug2.loaded");
	lua_pushcfunction(L, script_require);
	lua_setglobal(L, "require");
	/* The core registers itself for the budget hook. */
	lua_getglobal(L, "require");
	lua_pushliteral(L, "hotplug2.core");
	lua_call(L, 1, 0);
	return 0;
}

/* Globals of the state itself: read or write an unknown one and it is an error. */
static const char strict_lua[] =
    "local mt = {}\n"
    "function mt.__index(_, k) error(\"unknown global '\" .. tostring(k) .. \"'\", 2) end\n"
    "function mt.__newindex(_, k) error(\"assignment to global '\" .. tostring(k) .. \"'\", 2) end\n"
    "setmetatable(_G, mt)\n";

static int	handle_event(lua_State *);

static void
setfield_str(lua_State *L, const char *k, const char *v)
{
	if (v == NULL)
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, k);
}

struct script *
script_load(const struct script_options *opts, int *nerrors)
{
	struct script	*s;
	struct utsname	 u;
	lua_State	*L;
	char		 alias[512];
	const char	*alias_file = opts->alias_file;
	int		 n = 0;

	*nerrors = 0;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		log_warn("unable to allocate the script state");
		return NULL;
	}
	s->mem_cap = opts->mem_cap ? opts->mem_cap : SCRIPT_MEM_CAP;
	s->runner = s->handle = s->handle_event = LUA_NOREF;
	s->capped = 1;
	if ((L = lua_newstate(script_alloc, s)) == NULL) {
		slab_release(&s->slab);
		s->capped = 0;
		/* LuaJIT on x86-64 without GC64 insists on its own allocator. */
		if ((L = luaL_newstate()) == NULL) {
			log_warnx("unable to create a Lua state");
			free(s);
			return NULL;
		}
		log_info("this Lua refuses a custom allocator: the %zu-byte "
		    "memory cap is not enforced", s->mem_cap);
	}
	s->L = L;
	lua_atpanic(L, script_panic);
	if (lua_cpcall(L, setup, NULL) != 0) {
		log_warnx("unable to set up Lua: %s", lua_tostring(L, -1));
		script_free(s);
		return NULL;
	}

	if (alias_file == NULL) {
		if (uname(&u) == 0 && snprintf(alias, sizeof(alias),
		    PATH_MODULES_DIR "/%s/modules.alias", u.release) <
		    (int)sizeof(alias))
			alias_file = alias;
		else
			alias_file = "";
	}
	lua_getglobal(L, "require");
	lua_pushliteral(L, "hotplug2.runner");
	if (lcore_pcall(L, 1, 1, "hotplug2.runner") != 0) {
		script_free(s);
		return NULL;
	}
	lua_getfield(L, -1, "boot");
	lua_createtable(L, 0, 8);
	setfield_str(L, "config_dir", opts->config_dir);
	setfield_str(L, "root", opts->root != NULL ? opts->root : "/");
	setfield_str(L, "alias_file", alias_file);
	setfield_str(L, "modprobe", opts->modprobe);
	setfield_str(L, "udev", opts->udev);
	lua_pushboolean(L, opts->dry_run);
	lua_setfield(L, -2, "dry_run");
	lua_pushinteger(L, (lua_Integer)opts->budget_ms);
	lua_setfield(L, -2, "budget_ms");
	if (lcore_pcall(L, 1, 2, "loading scripts") != 0) {
		script_free(s);
		return NULL;
	}
	n = (int)lua_tointeger(L, -1);
	lua_pop(L, 1);
	lua_getfield(L, -1, "handle");
	s->handle = luaL_ref(L, LUA_REGISTRYINDEX);
	s->runner = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);
	lua_pushcfunction(L, handle_event);
	s->handle_event = luaL_ref(L, LUA_REGISTRYINDEX);
	/* Modules are loaded: nothing may be added to the state's globals now. */
	if (luaL_loadbuffer(L, strict_lua, sizeof(strict_lua) - 1,
	    "=strict") != 0 || lcore_pcall(L, 0, 0, "strict") != 0)
		lua_pop(L, 1);
	/*
	 * Lua 5.1 starts a cycle when the heap has doubled since the last
	 * one (a pause of 200): a daemon whose live data is the scripts and
	 * the devices' records would hold twice that for good.  Events make
	 * garbage fast but keep little, so a cycle each SCRIPT_GC_PAUSE
	 * percent costs little and bounds the heap near its live size.  Set
	 * before the collection, which sets the next cycle's threshold.
	 */
	lua_gc(L, LUA_GCSETPAUSE, SCRIPT_GC_PAUSE);
	lua_gc(L, LUA_GCCOLLECT, 0);
	log_debug("scripts loaded: %d problem(s), %zu bytes of Lua memory",
	    n, s->mem_used);
	*nerrors = n;
	return s;
}

void
script_free(struct script *s)
{
	if (s == NULL)
		return;
	if (s->L != NULL)
		lua_close(s->L);
	slab_release(&s->slab);
	free(s);
}

size_t
script_memory(const struct script *s)
{
	if (s->capped)
		return s->mem_used;
	return (size_t)lua_gc(s->L, LUA_GCCOUNT, 0) * 1024 +
	    (size_t)lua_gc(s->L, LUA_GCCOUNTB, 0);
}

/*
 * Inside the protected call: build the event (this allocates, and may
 * find the memory cap) and hand it to runner:handle.  Upvalues: none;
 * arguments: the struct script and the struct uevent, as light userdata.
 */
static int
handle_event(lua_State *L)
{
	struct script		*s = lua_touserdata(L, 1);
	const struct uevent	*ev = lua_touserdata(L, 2);

	lua_rawgeti(L, LUA_REGISTRYINDEX, s->handle);
	lua_rawgeti(L, LUA_REGISTRYINDEX, s->runner);
	lcore_push_event(L, ev);
	lua_call(L, 2, 1);
	return 1;
}

int
script_handle(struct script *s, const struct uevent *ev)
{
	lua_State	*L = s->L;
	int		 top = lua_gettop(L), failed;

	/* Nothing pushed here allocates: see lcore_pcall. */
	lua_rawgeti(L, LUA_REGISTRYINDEX, s->handle_event);
	lua_pushlightuserdata(L, s);
	lua_pushlightuserdata(L, (void *)ev);
	if (lcore_pcall(L, 2, 1, "event") != 0)
		failed = 1;
	else
		failed = (int)lua_tointeger(L, -1);
	lua_settop(L, top);
	return failed;
}

/*
 * Call module.fn(args...) in a state of its own, built as for the
 * handlers (the embedded modules, no io or os), for subcommands whose
 * work is policy written in Lua.  The string fn returns is written to
 * out.  Returns 0, or -1 after logging the error.
 */
int
script_call(const char *module, const char *fn, int argc, char *argv[],
    FILE *out)
{
	lua_State	*L;
	size_t		 len;
	const char	*text;
	int		 i, rc = -1;

	if ((L = luaL_newstate()) == NULL) {
		log_warnx("unable to create a Lua state");
		return -1;
	}
	lua_atpanic(L, script_panic);
	if (lua_cpcall(L, setup, NULL) != 0) {
		log_warnx("unable to set up Lua: %s", lua_tostring(L, -1));
		goto done;
	}
	lua_getglobal(L, "require");
	lua_pushstring(L, module);
	if (lcore_pcall(L, 1, 1, module) != 0)
		goto done;
	lua_getfield(L, -1, fn);
	for (i = 0; i < argc; i++)
		lua_pushstring(L, argv[i]);
	if (lcore_pcall(L, argc, 1, NULL) != 0)
		goto done;
	if ((text = lua_tolstring(L, -1, &len)) == NULL) {
		log_warnx("%s.%s returned no text", module, fn);
		goto done;
	}
	if (fwrite(text, 1, len, out) != len || fflush(out) != 0) {
		log_warn("unable to write the output");
		goto done;
	}
	rc = 0;
done:
	lua_close(L);
	return rc;
}
