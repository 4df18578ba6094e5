/* core.glob: fnmatch(3) patterns (udev's KERNEL=="ttyUSB[0-9]*"), compiled once and matched in bounded time. */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "globmatch.h"
#include "lcorelib.h"

/* The metatable of compiled globs, in the registry. */
#define LGLOB_META	"hotplug2.glob"
/* Longer patterns are not names. */
#define LGLOB_PATTERN_MAX	1024

struct lglob {
	size_t		 len;
	unsigned char	 prog[];
};

/*
 * g:match(s): whether s, all of it, matches, exactly as fnmatch(pattern,
 * s, 0) answers: '*' and '?' match '/' and a leading '.' too.  At most
 * (pattern length) x #s comparisons.
 */
static int
l_match(lua_State *L)
{
	struct lglob	*g = luaL_checkudata(L, 1, LGLOB_META);
	size_t		 n;
	const char	*s = luaL_checklstring(L, 2, &n);
	unsigned long	 steps = 0;

	/* fnmatch stops at a NUL: a value with one cannot match as written. */
	lua_pushboolean(L, strlen(s) == n &&
	    globmatch(g->prog, g->len, s, n, &steps, (unsigned long)-1));
	return 1;
}

/*
 * core.glob(pattern): the compiled pattern, or an error naming it when
 * it uses bracket syntax whose meaning fnmatch leaves to the locale or
 * to its parser ('[' or '\\' inside brackets, ']' first, a '^' negation,
 * an unterminated bracket): write such a pattern another way.
 */
static int
l_glob(lua_State *L)
{
	struct lglob	*g;
	size_t		 n;
	const char	*p = luaL_checklstring(L, 1, &n);
	long		 len;

	if (n > LGLOB_PATTERN_MAX)
		return luaL_error(L, "bad glob: longer than %d bytes",
		    LGLOB_PATTERN_MAX);
	if (strlen(p) != n)
		return luaL_error(L, "bad glob: it holds a NUL byte");
	g = lua_newuserdata(L, sizeof(*g) + GLOBMATCH_GROWTH * n + 1);
	if ((len = globmatch_compile(p, n, g->prog)) == -1)
		return luaL_error(L, "bad glob \"%s\": a bracket fnmatch reads "
		    "in more than one way (unterminated, ']' first, '^', or "
		    "'[' or '\\' inside); use [!...] to negate", p);
	g->len = (size_t)len;
	if (luaL_newmetatable(L, LGLOB_META)) {
		lua_createtable(L, 0, 1);
		lua_pushcfunction(L, l_match);
		lua_setfield(L, -2, "match");
		lua_setfield(L, -2, "__index");
	}
	lua_setmetatable(L, -2);
	return 1;
}

const luaL_Reg	lglob_funcs[] = {
	{ "glob",		l_glob },
	{ NULL,			NULL }
};
