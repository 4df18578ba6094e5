/* The string library handlers see: Lua 5.1's own, with find, match, gmatch, gsub and rep bounded by the handler's budget. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcore.h"
#include "lpattern.h"
#include "lstrpat.h"

/* Lua 5.1's SPECIALS: a pattern without any of these is searched for as plain text. */
#define SPECIALS	"^$*+?.([%-"
/* Bytes string.rep writes between two looks at the budget. */
#define REP_TICK	(64 * 1024)

/* Registry key of the library table, made once per state. */
static const char	library_key;

/*
 * The matcher's tick: raises the budget's error (a longjmp out of the
 * matcher, which holds nothing that needs freeing) or returns 0.
 */
static int
tick(void *arg)
{
	lcore_budget_check(arg);
	return 0;
}

/* Raise the error the matcher stopped with; never returns. */
static int
match_error(lua_State *L, const struct lpattern *ms)
{
	if (ms->error == LPATTERN_EABORT)
		lcore_budget_check(L);
	return luaL_error(L, "%s", lpattern_strerror(ms->error));
}

static void
begin(lua_State *L, struct lpattern *ms, const char *s, size_t len)
{
	lpattern_init(ms, s, len, tick, L);
}

static ptrdiff_t
posrelat(ptrdiff_t pos, size_t len)
{
	if (pos < 0)
		pos += (ptrdiff_t)len + 1;
	return pos >= 0 ? pos : 0;
}

static void
push_onecapture(lua_State *L, const struct lpattern *ms, int i,
    const char *s, const char *e)
{
	ptrdiff_t	 l;

	if (i >= ms->level) {
		if (i == 0)
			lua_pushlstring(L, s, (size_t)(e - s));
		else
			luaL_error(L, "%s",
			    lpattern_strerror(LPATTERN_ECAPINDEX));
		return;
	}
	l = ms->capture[i].len;
	if (l == LPATTERN_CAP_UNFINISHED)
		luaL_error(L, "unfinished capture");
	if (l == LPATTERN_CAP_POSITION)
		lua_pushinteger(L, ms->capture[i].init - ms->src_init + 1);
	else
		lua_pushlstring(L, ms->capture[i].init, (size_t)l);
}

static int
push_captures(lua_State *L, const struct lpattern *ms, const char *s,
    const char *e)
{
	int	 i, nlevels;

	nlevels = (ms->level == 0 && s != NULL) ? 1 : ms->level;
	luaL_checkstack(L, nlevels, "too many captures");
	for (i = 0; i < nlevels; i++)
		push_onecapture(L, ms, i, s, e);
	return nlevels;
}

static int
find_aux(lua_State *L, int find)
{
	struct lpattern	 ms;
	size_t		 l1, l2;
	const char	*s = luaL_checklstring(L, 1, &l1);
	const char	*p = luaL_checklstring(L, 2, &l2);
	const char	*s1, *s2, *res;
	ptrdiff_t	 init = posrelat(luaL_optinteger(L, 3, 1), l1) - 1;
	int		 anchor;

	if (init < 0)
		init = 0;
	else if ((size_t)init > l1)
		init = (ptrdiff_t)l1;
	begin(L, &ms, s, l1);
	/* As in 5.1, the test for specials stops at the pattern's first NUL. */
	if (find && (lua_toboolean(L, 4) || strpbrk(p, SPECIALS) == NULL)) {
		s2 = lpattern_memfind(&ms, s + init, l1 - (size_t)init, p, l2);
		if (ms.error != LPATTERN_OK)
			return match_error(L, &ms);
		if (s2 != NULL) {
			lua_pushinteger(L, s2 - s + 1);
			lua_pushinteger(L, (lua_Integer)(s2 - s + l2));
			return 2;
		}
	} else {
		anchor = (*p == '^');
		if (anchor)
			p++;
		s1 = s + init;
		do {
			if ((res = lpattern_exec(&ms, s1, p)) != NULL) {
				if (find) {
					lua_pushinteger(L, s1 - s + 1);
					lua_pushinteger(L, res - s);
					return push_captures(L, &ms, NULL, 0) + 2;
				}
				return push_captures(L, &ms, s1, res);
			}
			if (ms.error != LPATTERN_OK)
				return match_error(L, &ms);
		} while (s1++ < ms.src_end && !anchor);
	}
	lua_pushnil(L);
	return 1;
}

static int
str_find(lua_State *L)
{
	return find_aux(L, 1);
}

static int
str_match(lua_State *L)
{
	return find_aux(L, 0);
}

static int
gmatch_aux(lua_State *L)
{
	struct lpattern	 ms;
	size_t		 ls;
	const char	*s = lua_tolstring(L, lua_upvalueindex(1), &ls);
	const char	*p = lua_tostring(L, lua_upvalueindex(2));
	const char	*src, *e;
	ptrdiff_t	 newstart;

	begin(L, &ms, s, ls);
	for (src = s + (size_t)lua_tointeger(L, lua_upvalueindex(3));
	    src <= ms.src_end; src++) {
		if ((e = lpattern_exec(&ms, src, p)) != NULL) {
			newstart = e - s;
			/* An empty match moves on by one all the same. */
			if (e == src)
				newstart++;
			lua_pushinteger(L, newstart);
			lua_replace(L, lua_upvalueindex(3));
			return push_captures(L, &ms, src, e);
		}
		if (ms.error != LPATTERN_OK)
			return match_error(L, &ms);
	}
	return 0;
}

static int
str_gmatch(lua_State *L)
{
	luaL_checkstring(L, 1);
	luaL_checkstring(L, 2);
	lua_settop(L, 2);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, gmatch_aux, 3);
	return 1;
}

static void
add_s(lua_State *L, const struct lpattern *ms, luaL_Buffer *b,
    const char *s, const char *e)
{
	size_t		 i, l;
	const char	*news = lua_tolstring(L, 3, &l);

	for (i = 0; i < l; i++) {
		if (news[i] != '%') {
			luaL_addchar(b, news[i]);
			continue;
		}
		/* A '%' at the end escapes the string's terminating NUL, as in 5.1. */
		i++;
		if (news[i] < '0' || news[i] > '9')
			luaL_addchar(b, news[i]);
		else if (news[i] == '0')
			luaL_addlstring(b, s, (size_t)(e - s));
		else {
			push_onecapture(L, ms, news[i] - '1', s, e);
			luaL_addvalue(b);
		}
	}
}

static void
add_value(lua_State *L, const struct lpattern *ms, luaL_Buffer *b,
    const char *s, const char *e)
{
	int	 n;

	switch (lua_type(L, 3)) {
	case LUA_TNUMBER:
	case LUA_TSTRING:
		add_s(L, ms, b, s, e);
		return;
	case LUA_TFUNCTION:
		lua_pushvalue(L, 3);
		n = push_captures(L, ms, s, e);
		lua_call(L, n, 1);
		break;
	case LUA_TTABLE:
		push_onecapture(L, ms, 0, s, e);
		lua_gettable(L, 3);
		break;
	}
	if (!lua_toboolean(L, -1)) {
		/* nil or false: keep the original text. */
		lua_pop(L, 1);
		lua_pushlstring(L, s, (size_t)(e - s));
	} else if (!lua_isstring(L, -1))
		luaL_error(L, "invalid replacement value (a %s)",
		    luaL_typename(L, -1));
	luaL_addvalue(b);
}

static int
str_gsub(lua_State *L)
{
	struct lpattern	 ms;
	luaL_Buffer	 b;
	size_t		 srcl;
	const char	*src = luaL_checklstring(L, 1, &srcl);
	const char	*p = luaL_checkstring(L, 2);
	const char	*e;
	int		 tr = lua_type(L, 3);
	int		 max_s = luaL_optint(L, 4, (int)srcl + 1);
	int		 anchor, n = 0;

	anchor = (*p == '^');
	if (anchor)
		p++;
	luaL_argcheck(L, tr == LUA_TNUMBER || tr == LUA_TSTRING ||
	    tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
	    "string/function/table expected");
	luaL_buffinit(L, &b);
	begin(L, &ms, src, srcl);
	while (n < max_s) {
		e = lpattern_exec(&ms, src, p);
		if (e == NULL && ms.error != LPATTERN_OK)
			return match_error(L, &ms);
		if (e != NULL) {
			n++;
			add_value(L, &ms, &b, src, e);
		}
		if (e != NULL && e > src)
			src = e;
		else if (src < ms.src_end)
			luaL_addchar(&b, *src++);
		else
			break;
		if (anchor)
			break;
	}
	luaL_addlstring(&b, src, (size_t)(ms.src_end - src));
	luaL_pushresult(&b);
	lua_pushinteger(L, n);
	return 2;
}

/*
 * Lua 5.1's rep loops n times even when nothing is added, so
 * ("").rep("", 2^53) would never return: an empty result is returned at
 * once.  A long one is bounded by the memory cap, and the budget is
 * looked at as it grows.
 */
static int
str_rep(lua_State *L)
{
	luaL_Buffer	 b;
	size_t		 l, since = 0;
	const char	*s = luaL_checklstring(L, 1, &l);
	lua_Integer	 n = luaL_checkinteger(L, 2);

	if (n <= 0 || l == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	luaL_buffinit(L, &b);
	while (n-- > 0) {
		luaL_addlstring(&b, s, l);
		if ((since += l) >= REP_TICK) {
			since = 0;
			lcore_budget_check(L);
		}
	}
	luaL_pushresult(&b);
	return 1;
}

static const luaL_Reg bounded[] = {
	{ "find",	str_find },
	{ "gmatch",	str_gmatch },
	{ "gsub",	str_gsub },
	{ "match",	str_match },
	{ "rep",	str_rep },
	{ NULL,		NULL }
};

void
lstrpat_push_functions(lua_State *L)
{
	const luaL_Reg	*r;

	for (r = bounded; r->name != NULL; r++) {
		lua_pushcfunction(L, r->func);
		lua_setfield(L, -2, r->name);
	}
}

int
lstrpat_library(lua_State *L)
{
	lua_pushlightuserdata(L, (void *)&library_key);
	lua_rawget(L, LUA_REGISTRYINDEX);
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	/* A copy of the string library as it is, with the bounded functions. */
	lua_newtable(L);
	lua_getglobal(L, "string");
	if (lua_istable(L, -1)) {
		lua_pushnil(L);
		while (lua_next(L, -2) != 0) {
			lua_pushvalue(L, -2);
			lua_insert(L, -2);
			lua_rawset(L, -5);
		}
	}
	lua_pop(L, 1);
	lstrpat_push_functions(L);
	/* Strings' methods (s:find) are these from now on. */
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushvalue(L, -3);
		lua_setfield(L, -2, "__index");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	lua_pushlightuserdata(L, (void *)&library_key);
	lua_pushvalue(L, -2);
	lua_rawset(L, LUA_REGISTRYINDEX);
	return 1;
}
