/* libFuzzer target: the handlers' pattern functions (lstrpat.c over lpattern.c) give what Lua 5.1's own give. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "lcore.h"
#include "lstrpat.h"

/*
 * Bounds that keep Lua's own matcher finite: short subjects and
 * patterns, and a step limit on ours.  Our matcher counts at least the
 * work Lua's does, so an input ours finishes within the limit Lua's
 * finishes too; an input past it is not compared.
 */
#define MAX_SUBJECT	64
#define MAX_PATTERN	24
#define MAX_TICKS	4	/* of LPATTERN_TICK steps each */

/*
 * Lua's collector frees what an input allocated later, which libFuzzer's
 * leak check would take for a leak on every input.
 */
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static lua_State	*L;
static int		 ticks;
static int		 too_long;

/* The budget check lstrpat.c calls: here, a step limit. */
void
lcore_budget_check(lua_State *L)
{
	if (++ticks > MAX_TICKS) {
		too_long = 1;
		luaL_error(L, "fuzz: too many steps");
	}
}

/* Compares stock[name] with ours[name] on the arguments in the table at index 1. */
static const char compare_lua[] =
    "local stock, ours, name, args, n = ...\n"
    "local function run(f)\n"
    "  if name == 'gmatch' then\n"
    "    return { pcall(function()\n"
    "      local t = {}\n"
    "      for a, b, c in f(args[1], args[2]) do t[#t + 1] = { a, b, c } end\n"
    "      return t end) }\n"
    "  end\n"
    "  return { pcall(f, unpack(args, 1, n)) }\n"
    "end\n"
    "local function dump(v)\n"
    "  if type(v) ~= 'table' then return type(v) .. ':' .. tostring(v) end\n"
    "  local t = {}\n"
    "  for i = 1, table.maxn(v) do t[i] = dump(v[i]) end\n"
    "  return '{' .. table.concat(t, ',') .. '}'\n"
    "end\n"
    "local a = run(ours[name])\n"
    "if not a[1] and tostring(a[2]):find('fuzz: too many steps', 1, true) then return true end\n"
    "local b = run(stock[name])\n"
    "local da, db = dump(a), dump(b)\n"
    "if da ~= db then return false, name .. ': ours ' .. da .. ' stock ' .. db end\n"
    "return true\n";

static void
setup(void)
{
	L = luaL_newstate();
	luaL_openlibs(L);
	/* stock, ours and the comparison, in the registry as 1, 2, 3. */
	lua_getglobal(L, "string");
	lua_setfield(L, LUA_REGISTRYINDEX, "stock");
	lua_newtable(L);
	lstrpat_push_functions(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "ours");
	if (luaL_loadbuffer(L, compare_lua, sizeof(compare_lua) - 1,
	    "=compare") != 0)
		abort();
	lua_setfield(L, LUA_REGISTRYINDEX, "compare");
}

static void
compare(const char *name, int nargs)
{
	int	 top = lua_gettop(L);

	/* The arguments are on the stack. */
	lua_createtable(L, nargs, 0);
	for (int i = 1; i <= nargs; i++) {
		lua_pushvalue(L, top - nargs + i);
		lua_rawseti(L, -2, i);
	}
	lua_getfield(L, LUA_REGISTRYINDEX, "compare");
	lua_getfield(L, LUA_REGISTRYINDEX, "stock");
	lua_getfield(L, LUA_REGISTRYINDEX, "ours");
	lua_pushstring(L, name);
	lua_pushvalue(L, -5);
	lua_pushinteger(L, nargs);
	ticks = too_long = 0;
	if (lua_pcall(L, 5, 2, 0) != 0) {
		fprintf(stderr, "compare failed: %s\n", lua_tostring(L, -1));
		abort();
	}
	if (!lua_toboolean(L, -2)) {
		fprintf(stderr, "difference: %s\n", lua_tostring(L, -1));
		abort();
	}
	lua_settop(L, top - nargs);
}

/*
 * Input: a byte of flags and init, then the pattern up to the first
 * 0xff byte, then the subject up to the next, then a replacement.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*p, *s, *r, *end;
	size_t		 lp, ls, lr;
	int		 init, flags;

	if (L == NULL)
		setup();
	if (size < 1)
		return 0;
	flags = data[0];
	init = (int)(flags & 0x1f) - 16;
	p = (const char *)data + 1;
	end = (const char *)data + size;
	for (lp = 0; p + lp < end && (uint8_t)p[lp] != 0xff; lp++)
		;
	s = p + lp + (p + lp < end);
	for (ls = 0; s + ls < end && (uint8_t)s[ls] != 0xff; ls++)
		;
	r = s + ls + (s + ls < end);
	lr = (size_t)(end - r);
	if (lp > MAX_PATTERN || ls > MAX_SUBJECT || lr > MAX_PATTERN)
		return 0;

	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	compare("find", 2);
	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	lua_pushinteger(L, init);
	lua_pushboolean(L, flags & 0x20);
	compare("find", 4);
	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	lua_pushinteger(L, init);
	compare("match", 3);
	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	compare("gmatch", 2);
	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	lua_pushlstring(L, r, lr);
	if (flags & 0x40)
		lua_pushinteger(L, init);
	else
		lua_pushnil(L);
	compare("gsub", 4);
	if (flags & 0x80) {
		/* A table of replacements: the subject's own bytes map to r. */
		lua_pushlstring(L, s, ls);
		lua_pushlstring(L, p, lp);
		lua_createtable(L, 0, 1);
		lua_pushlstring(L, s, ls > 2 ? 2 : ls);
		lua_pushlstring(L, r, lr);
		lua_rawset(L, -3);
		compare("gsub", 3);
	}
	lua_gc(L, LUA_GCSTEP, 0);
	return 0;
}
