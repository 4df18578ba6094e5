/* The log, stdout and the clock as handlers reach them. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcorelib.h"
#include "log.h"

/* core.now(): seconds on a clock that never goes back (for retries). */
static int
l_now(lua_State *L)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	lua_pushnumber(L, (lua_Number)now.tv_sec);
	return 1;
}

/* core.log(level, message): level is "warn", "info" or "debug". */
static int
l_log(lua_State *L)
{
	static const char *const levels[] = { "warn", "info", "debug", NULL };
	int		 level = luaL_checkoption(L, 1, NULL, levels);
	size_t		 len, i;
	const char	*msg = luaL_checklstring(L, 2, &len);
	luaL_Buffer	 b;

	/* log.c escapes other control characters; a NUL would cut the line. */
	if (memchr(msg, '\0', len) != NULL) {
		luaL_buffinit(L, &b);
		for (i = 0; i < len; i++) {
			if (msg[i] == '\0')
				luaL_addstring(&b, "\\x00");
			else
				luaL_addchar(&b, msg[i]);
		}
		luaL_pushresult(&b);
		msg = lua_tostring(L, -1);
	}

	switch (level) {
	case 0:
		log_warnx("%s", msg);
		break;
	case 1:
		log_info("%s", msg);
		break;
	default:
		log_debug("%s", msg);
		break;
	}
	return 0;
}

/*
 * core.print(line): a line on stdout (dry runs, hotplug2 test).  One
 * line, whatever an event put in it: control characters are written as
 * the log writes them (\n, \r, \t, \xHH).
 */
static int
l_print(lua_State *L)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 n, i;
	const unsigned char	*s;
	int			 c;

	s = (const unsigned char *)luaL_checklstring(L, 1, &n);
	for (i = 0; i < n; i++) {
		if ((c = s[i]) >= 0x20 && c != 0x7f) {
			putc(c, stdout);
			continue;
		}
		putc('\\', stdout);
		if (c == '\n')
			putc('n', stdout);
		else if (c == '\r')
			putc('r', stdout);
		else if (c == '\t')
			putc('t', stdout);
		else {
			putc('x', stdout);
			putc(hex[c >> 4], stdout);
			putc(hex[c & 0xf], stdout);
		}
	}
	putc('\n', stdout);
	fflush(stdout);
	return 0;
}

/*
 * core.set_verbose([n]): what the core logs from now on, as -v does (0
 * warnings, 1 info, 2 debug; -1 nothing).  Returns the previous level;
 * without n, only that.
 * hotplug2.testing silences the core this way while it collects the
 * handlers' errors and log lines itself.
 */
static int
l_set_verbose(lua_State *L)
{
	int	 old = log_getverbose();

	if (!lua_isnoneornil(L, 1))
		log_setverbose((int)luaL_checkinteger(L, 1));
	lua_pushinteger(L, old);
	return 1;
}

const luaL_Reg llog_funcs[] = {
	{ "log",		l_log },
	{ "now",		l_now },
	{ "print",		l_print },
	{ "set_verbose",	l_set_verbose },
	{ NULL,			NULL }
};
