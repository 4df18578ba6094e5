/* hotplug2.core's POSIX extended regular expressions: mdev.conf and hotplug2.rules are written in them, and Lua patterns cannot say what they say. */
#include <sys/types.h>

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "lregex.h"

/* The metatable of compiled expressions, in the registry. */
#define LREGEX_META	"hotplug2.regex"
/* mdev.conf substitutes %1 to %9: the whole match and nine groups. */
#define LREGEX_GROUPS	10

static regex_t *
check_regex(lua_State *L, int idx)
{
	regex_t	**re = luaL_checkudata(L, idx, LREGEX_META);

	if (*re == NULL)
		luaL_error(L, "regex used after it was freed");
	return *re;
}

/*
 * re:match(s): nil when s does not match; else the first and last
 * positions of the leftmost-longest match (1-based, as string.find
 * gives them, so an empty match at the start is 1, 0) and a table of
 * the nine groups, each the matched text or false when the group took
 * no part.  Callers that want the whole of s, as mdev does, compare the
 * positions with 1 and #s: regexec picks the match, never the caller.
 */
static int
l_match(lua_State *L)
{
	regex_t		*re = check_regex(L, 1);
	size_t		 len;
	const char	*s = luaL_checklstring(L, 2, &len);
	regmatch_t	 m[LREGEX_GROUPS];
	int		 i;

	if (strlen(s) != len) {
		/* regexec stops at a NUL; a value with one cannot match as written. */
		lua_pushnil(L);
		return 1;
	}
	if (regexec(re, s, LREGEX_GROUPS, m, 0) != 0) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushinteger(L, (lua_Integer)m[0].rm_so + 1);
	lua_pushinteger(L, (lua_Integer)m[0].rm_eo);
	lua_createtable(L, LREGEX_GROUPS - 1, 0);
	for (i = 1; i < LREGEX_GROUPS; i++) {
		if (m[i].rm_so < 0)
			lua_pushboolean(L, 0);
		else
			lua_pushlstring(L, s + m[i].rm_so,
			    (size_t)(m[i].rm_eo - m[i].rm_so));
		lua_rawseti(L, -2, i);
	}
	return 3;
}

static int
l_gc(lua_State *L)
{
	regex_t	**re = luaL_checkudata(L, 1, LREGEX_META);

	if (*re != NULL) {
		regfree(*re);
		free(*re);
		*re = NULL;
	}
	return 0;
}

/*
 * Does pattern use a back-reference (\1 to \9 outside a bracket
 * expression)?  glibc accepts them in extended regexes, and matching
 * them can take exponential time inside one regexec call, which no
 * budget can interrupt; without them regexec's time is polynomial.
 */
static int
has_backref(const char *p)
{
	const char	*end;
	char		 kind;

	for (; *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9')
				return 1;
			if (p[1] != '\0')
				p++;
			continue;
		}
		if (*p != '[')
			continue;
		/* A bracket expression: no escapes in it; "[]" and "[^]" start it. */
		p++;
		if (*p == '^')
			p++;
		if (*p == ']')
			p++;
		while (*p != '\0' && *p != ']') {
			if (*p == '[' && (p[1] == ':' || p[1] == '.' ||
			    p[1] == '=')) {
				kind = p[1];
				for (end = p + 2; *end != '\0' &&
				    !(end[0] == kind && end[1] == ']'); end++)
					;
				if (*end == '\0')
					return 0;	/* regcomp refuses it */
				p = end + 2;
				continue;
			}
			p++;
		}
		if (*p == '\0')
			return 0;
	}
	return 0;
}

/* core.regex(pattern): the compiled expression, or an error saying why not. */
static int
l_regex(lua_State *L)
{
	const char	*pattern = luaL_checkstring(L, 1);
	char		 why[256];
	regex_t		**re;
	int		  rc;

	if (has_backref(pattern))
		return luaL_error(L, "bad regex \"%s\": back-references "
		    "(\\1 to \\9) are not supported: their matching time has no "
		    "bound", pattern);
	re = lua_newuserdata(L, sizeof(*re));
	*re = NULL;
	luaL_getmetatable(L, LREGEX_META);
	lua_setmetatable(L, -2);
	if ((*re = malloc(sizeof(**re))) == NULL)
		return luaL_error(L, "out of memory compiling a regex");
	if ((rc = regcomp(*re, pattern, REG_EXTENDED)) != 0) {
		regerror(rc, *re, why, sizeof(why));
		free(*re);
		*re = NULL;
		return luaL_error(L, "bad regex \"%s\": %s", pattern, why);
	}
	return 1;
}

void
lregex_register(lua_State *L)
{
	if (luaL_newmetatable(L, LREGEX_META)) {
		lua_createtable(L, 0, 1);
		lua_pushcfunction(L, l_match);
		lua_setfield(L, -2, "match");
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, l_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_pop(L, 1);
	lua_pushcfunction(L, l_regex);
	lua_setfield(L, -2, "regex");
}
