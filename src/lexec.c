/* Commands handlers start: argv and environment from Lua, run by the daemon's spawner or in the foreground. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "child.h"
#include "exec.h"
#include "lcorelib.h"
#include "log.h"
#include "spawn.h"
#include "uevent.h"

#pragma weak spawn_async
#pragma weak spawn_merged
#pragma weak spawn_sync

/* Bounds on what scripts hand to exec. */
#define LCORE_ARGV_MAX		256
#define LCORE_ENV_MAX		(UEVENT_VARS_MAX + 16)
/* What run() keeps of a command's output (udev keeps 4 KiB of PROGRAM's). */
#define LEXEC_CAPTURE_MAX	(16 * 1024)

/* Free a NULL-terminated vector built by build_vector. */
static void
free_vector(char **v)
{
	char	**p;

	if (v == NULL)
		return;
	for (p = v; *p != NULL; p++)
		free(*p);
	free(v);
}

/*
 * A string of argv or of the environment; NULL, and the reason in err,
 * when it is none or holds a NUL byte, which would cut it short in C.
 */
static const char *
vector_string(lua_State *L, int idx, const char *what, size_t i, char *err,
    size_t errlen)
{
	const char	*s;
	size_t		 len;

	if (lua_type(L, idx) != LUA_TSTRING &&
	    lua_type(L, idx) != LUA_TNUMBER) {
		snprintf(err, errlen, "%s[%zu] is a %s, not a string", what, i,
		    luaL_typename(L, idx));
		return NULL;
	}
	s = lua_tolstring(L, idx, &len);
	if (strlen(s) != len) {
		snprintf(err, errlen, "%s[%zu] holds a NUL byte", what, i);
		return NULL;
	}
	return s;
}

/* argv from a list of strings. */
static char **
build_argv(lua_State *L, int idx, char *err, size_t errlen)
{
	char		**v;
	const char	 *s;
	size_t		  n = lua_objlen(L, idx), i;

	if (n == 0 || n > LCORE_ARGV_MAX) {
		snprintf(err, errlen, "argv must be a list of 1 to %d strings",
		    LCORE_ARGV_MAX);
		return NULL;
	}
	if ((v = calloc(n + 1, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		lua_rawgeti(L, idx, (int)i + 1);
		if ((s = vector_string(L, -1, "argv", i + 1, err, errlen)) ==
		    NULL || (v[i] = strdup(s)) == NULL) {
			if (s != NULL)
				snprintf(err, errlen, "out of memory");
			lua_pop(L, 1);
			free_vector(v);
			return NULL;
		}
		lua_pop(L, 1);
	}
	return v;
}

/*
 * envp from a table of KEY = value; entries that are not a string key
 * with a string or number value are skipped, as are keys that cannot be
 * names (empty, or holding '=' or NUL).  A value with a NUL is an error.
 */
static char **
build_envp(lua_State *L, int idx, char *err, size_t errlen)
{
	char		**v;
	const char	 *k, *val;
	size_t		  n = 0, klen;

	if ((v = calloc(LCORE_ENV_MAX + 1, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		if (lua_type(L, -2) == LUA_TSTRING &&
		    (lua_type(L, -1) == LUA_TSTRING ||
		    lua_type(L, -1) == LUA_TNUMBER)) {
			k = lua_tolstring(L, -2, &klen);
			if (n == LCORE_ENV_MAX) {
				lua_pop(L, 2);
				free_vector(v);
				snprintf(err, errlen,
				    "too many environment variables");
				return NULL;
			}
			if ((val = vector_string(L, -1, "env", 0, err,
			    errlen)) == NULL) {
				snprintf(err, errlen, "env.%.64s holds a NUL "
				    "byte", k);
				lua_pop(L, 2);
				free_vector(v);
				return NULL;
			}
			if (strlen(k) == klen && strchr(k, '=') == NULL &&
			    *k != '\0' && asprintf(&v[n], "%s=%s", k, val) != -1)
				n++;
		}
		lua_pop(L, 1);
	}
	return v;
}

/*
 * Outside the daemon (the loadable module, the test drivers) there is no
 * spawner: a command runs in the foreground, as run() runs one in the
 * daemon, with the default timeout.  Weak references let the same
 * object serve both.
 */
static int
run_now(char *const argv[], char *const envp[], unsigned int timeout_ms,
    struct child_capture *cap, int *status)
{
	if (spawn_sync != NULL)
		return spawn_sync(argv, envp, timeout_ms, cap, status);
	return child_run(argv, envp, timeout_ms, NULL, cap, status);
}

/*
 * core.executable(name [, path]): the file exec and run would start for
 * name, looked up along path (default EXEC_DEFAULT_PATH) as they do; nil
 * and "unable to run NAME: reason" when there is none.
 */
static int
l_executable(lua_State *L)
{
	char		 prog[PATH_MAX];
	const char	*name = luaL_checkstring(L, 1);
	const char	*path = luaL_optstring(L, 2, EXEC_DEFAULT_PATH);

	if (exec_resolve(name, path, prog, sizeof(prog)) == -1) {
		lua_pushnil(L);
		lua_pushfstring(L, "unable to run %s: %s", name,
		    strerror(errno));
		return 2;
	}
	lua_pushstring(L, prog);
	return 1;
}

/*
 * core.spawn(argv, env, devpath, seqnum [, nprefix]): start argv; true,
 * or an error.  With nprefix, argv after its first nprefix strings is a
 * list of names (modprobe -a): the daemon runs the names the events of
 * one batch ask for with the same prefix and env as one command.
 */
static int
l_spawn(lua_State *L)
{
	struct lcore	*c = core_of(L);
	struct timespec	 t0;
	char		**argv, **envp;
	const char	 *devpath = luaL_optstring(L, 3, "");
	char		  err[128];
	uint64_t	  seqnum = (uint64_t)luaL_optnumber(L, 4, 0);
	lua_Integer	  nprefix = luaL_optinteger(L, 5, 0);
	int		  rc, status;

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	luaL_argcheck(L, nprefix >= 0, 5,
	    "the prefix length must not be negative");
	if ((argv = build_argv(L, 1, err, sizeof(err))) == NULL)
		return luaL_error(L, "exec: %s", err);
	if ((envp = build_envp(L, 2, err, sizeof(err))) == NULL) {
		free_vector(argv);
		return luaL_error(L, "exec: %s", err);
	}
	if (spawn_merged != NULL && nprefix > 0)
		rc = spawn_merged(argv, (size_t)nprefix, envp, devpath, seqnum);
	else if (spawn_async != NULL)
		rc = spawn_async(argv, envp, devpath, seqnum);
	else {
		lcore_pause(&t0);
		rc = run_now(argv, envp, 0, NULL, &status);
		lcore_resume(c, &t0);
	}
	if (rc == -1) {
		lua_pushfstring(L, "unable to run %s: %s", argv[0],
		    strerror(errno));
		free_vector(argv);
		free_vector(envp);
		return lua_error(L);
	}
	free_vector(argv);
	free_vector(envp);
	lua_pushboolean(L, 1);
	return 1;
}

/*
 * core.run(argv, env [, timeout_ms [, capture]]): run argv and wait; its
 * exit status, and with capture its standard output (at most
 * LEXEC_CAPTURE_MAX bytes; its stderr still goes to the log).
 */
static int
l_run(lua_State *L)
{
	struct lcore		*c = core_of(L);
	struct timespec		 t0;
	struct child_capture	 cap, *capp = NULL;
	char			**argv, **envp;
	char			  err[128];
	lua_Integer		  timeout = luaL_optinteger(L, 3, 0);
	int			  rc, status = 0, saved;

	if (lua_toboolean(L, 4)) {
		/* In Lua's memory, under its cap, and freed by its collector. */
		cap.buf = lua_newuserdata(L, LEXEC_CAPTURE_MAX);
		cap.max = LEXEC_CAPTURE_MAX;
		capp = &cap;
	}

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	if (timeout < 0)
		return luaL_error(L, "timeout must not be negative");
	if ((argv = build_argv(L, 1, err, sizeof(err))) == NULL)
		return luaL_error(L, "run: %s", err);
	if ((envp = build_envp(L, 2, err, sizeof(err))) == NULL) {
		free_vector(argv);
		return luaL_error(L, "run: %s", err);
	}
	lcore_pause(&t0);
	rc = run_now(argv, envp, (unsigned int)timeout, capp, &status);
	saved = errno;
	lcore_resume(c, &t0);
	if (rc == -1) {
		lua_pushfstring(L, "unable to run %s: %s", argv[0],
		    strerror(saved));
		free_vector(argv);
		free_vector(envp);
		return lua_error(L);
	}
	free_vector(argv);
	free_vector(envp);
	lua_pushinteger(L, status);
	if (capp == NULL)
		return 1;
	lua_pushlstring(L, cap.buf, cap.len);
	return 2;
}

const luaL_Reg lexec_funcs[] = {
	{ "executable",		l_executable },
	{ "run",		l_run },
	{ "spawn",		l_spawn },
	{ NULL,			NULL }
};
