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
 * leak check would take for a leak on every input.  Lua allocates often:
 * short allocation stacks and a small quarantine make the run three
 * times faster, and the matcher itself allocates nothing.
 */
const char *
__asan_default_options(void)
{
	return "detect_leaks=0:malloc_context_size=2:quarantine_size_mb=8";
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

/*
 * gmatch_all(gmatch, s, p): every result of every iteration, each
 * iteration's followed by true.  Inside the protected call, so an error
 * is a result too.
 */
static int
gmatch_all(lua_State *L)
{
	int	 base, n, i;

	lua_settop(L, 3);
	lua_call(L, 2, 1);
	base = lua_gettop(L);
	for (i = 0; i <= MAX_SUBJECT + 1; i++) {
		luaL_checkstack(L, LUA_MINSTACK, "gmatch_all");
		n = lua_gettop(L);
		lua_pushvalue(L, base);
		lua_call(L, 0, LUA_MULTRET);
		if (lua_isnil(L, n + 1)) {
			lua_settop(L, n);
			break;
		}
		lua_pushboolean(L, 1);
	}
	return lua_gettop(L) - base;
}

/* Call lib[name] on the nargs values below the top; leaves status, then results. */
static int
run(const char *lib, const char *name, int first, int nargs, int *status)
{
	int	 top = lua_gettop(L), i;

	luaL_checkstack(L, nargs + 4, "run");
	if (strcmp(name, "gmatch") == 0)
		lua_pushcfunction(L, gmatch_all);
	lua_getfield(L, LUA_REGISTRYINDEX, lib);
	lua_getfield(L, -1, name);
	lua_remove(L, -2);
	for (i = 0; i < nargs; i++)
		lua_pushvalue(L, first + i);
	ticks = too_long = 0;
	*status = lua_pcall(L, strcmp(name, "gmatch") == 0 ? nargs + 1 :
	    nargs, LUA_MULTRET, 0);
	return lua_gettop(L) - top;
}

static int
same_value(int a, int b)
{
	size_t		 la, lb;
	const char	*sa, *sb;

	if (lua_type(L, a) != lua_type(L, b))
		return 0;
	if (lua_type(L, a) != LUA_TSTRING)
		return lua_rawequal(L, a, b);
	sa = lua_tolstring(L, a, &la);
	sb = lua_tolstring(L, b, &lb);
	return la == lb && memcmp(sa, sb, la) == 0;
}

static void
show(const char *who, int first, int n)
{
	int	 i;

	fprintf(stderr, "%s:", who);
	for (i = 0; i < n; i++)
		fprintf(stderr, " %s:%s", luaL_typename(L, first + i),
		    lua_isstring(L, first + i) ? lua_tostring(L, first + i) :
		    "");
	fprintf(stderr, "\n");
}

/* stock[name] and ours[name] on the nargs values on the top of the stack, which are popped. */
static void
compare(const char *name, int nargs)
{
	int	 args = lua_gettop(L) - nargs + 1;
	int	 na, nb, sa, sb, i;

	na = run("ours", name, args, nargs, &sa);
	if (sa != 0 && too_long) {
		lua_settop(L, args - 1);
		return;
	}
	nb = run("stock", name, args, nargs, &sb);
	if (sa == sb && na == nb) {
		for (i = 0; i < na; i++)
			if (!same_value(args + nargs + i, args + nargs + na + i))
				break;
		if (i == na) {
			lua_settop(L, args - 1);
			return;
		}
	}
	fprintf(stderr, "difference in %s (status %d, %d)\n", name, sa, sb);
	show("args", args, nargs);
	show("ours", args + nargs, na);
	show("stock", args + nargs + na, nb);
	abort();
}

static void
setup(void)
{
	L = luaL_newstate();
	luaL_openlibs(L);
	lua_getglobal(L, "string");
	lua_setfield(L, LUA_REGISTRYINDEX, "stock");
	lua_newtable(L);
	lstrpat_push_functions(L);
	lua_setfield(L, LUA_REGISTRYINDEX, "ours");
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
