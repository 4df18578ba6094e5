/* The protected call into Lua: the time budget, the message handler and traceback, the memory cap. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcore.h"
#include "lcorelib.h"
#include "log.h"
#include "sig.h"

/*
 * The daemon's stop request (sig.c): a handler that is running notices
 * it.  The loadable module has no daemon, and no sig.c.
 */
#pragma weak sig_stop_requested

/* Instructions between two looks at the clock. */
#define LCORE_HOOK_COUNT	1000
#define LCORE_TRACE_FRAMES	12

/*
 * The memory cap of a state made by someone else (busted's): a counting
 * allocator put in front of the state's own with lua_setallocf.  Only
 * what a protected call adds counts, from the start of the outermost
 * one, so the test runner's own memory never does.  One per process:
 * only test runners use it, and they have one state.
 */
struct memcap {
	lua_Alloc	 f;
	void		*ud;
	size_t		 used;
	size_t		 base;		/* used when the call began */
	size_t		 cap;
	int		 active;	/* a protected call is running */
};

/* Registry keys: the message handler, the out-of-memory message. */
static const char	traceback_key;
static const char	nomem_key;

static void
ts_add_ms(struct timespec *t, unsigned int ms)
{
	t->tv_sec += ms / 1000;
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* t += (b - a) */
static void
ts_add_diff(struct timespec *t, const struct timespec *a,
    const struct timespec *b)
{
	t->tv_sec += b->tv_sec - a->tv_sec;
	t->tv_nsec += b->tv_nsec - a->tv_nsec;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
	while (t->tv_nsec < 0) {
		t->tv_sec--;
		t->tv_nsec += 1000000000L;
	}
}

static int
ts_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	    (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

static void	budget_hook(lua_State *, lua_Debug *);
static int	internal_frame(const lua_Debug *);

/*
 * Whether the protected call running now must end: its budget is spent
 * or the daemon was asked to stop.  Once that is so, the count hook
 * fires on every instruction, so a handler that catches the error with
 * pcall gets it again at once and cannot keep running.
 */
static int
budget_spent(lua_State *L, struct lcore *c)
{
	struct timespec	 now;

	if (c->expired)
		return 1;
	if (&sig_stop_requested != NULL && sig_stop_requested())
		c->stopping = 1;
	else {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!ts_after(&now, &c->deadline))
			return 0;
	}
	c->expired = 1;
	lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
	return 1;
}

/* Raise the abort with where (already pushed) in front. */
static int
budget_error(lua_State *L, struct lcore *c)
{
	if (c->stopping)
		lua_pushliteral(L, "aborted: the daemon is stopping");
	else
		lua_pushfstring(L, "aborted: ran longer than its budget of "
		    "%d ms", (int)c->budget_ms);
	lua_concat(L, 2);
	return lua_error(L);
}

static void
budget_hook(lua_State *L, lua_Debug *ar)
{
	struct lcore	*c;

	if ((c = lcore_lookup(L)) == NULL || !c->armed || !budget_spent(L, c))
		return;
	/* Where it was, as Lua's own errors say it: file:line. */
	if (lua_getstack(L, 0, ar) && lua_getinfo(L, "Sl", ar) &&
	    ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: ", ar->short_src, ar->currentline);
	else
		lua_pushliteral(L, "");
	budget_error(L, c);
}

void
lcore_budget_check(lua_State *L)
{
	struct lcore	*c;
	lua_Debug	 ar;
	int		 level;

	if ((c = lcore_lookup(L)) == NULL || !c->armed || !budget_spent(L, c))
		return;
	/*
	 * The C function's caller, as Lua's own errors say it: file:line.
	 * When the caller made it a tail call, LuaJIT has dropped the
	 * caller's frame: the nearest user frame further up, if any, is
	 * named rather than hotplug2's runner.
	 */
	for (level = 1; lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 &&
		    !internal_frame(&ar))
			break;
	if (!lua_getstack(L, level, &ar))
		level = 1;
	luaL_where(L, level);
	budget_error(L, c);
}

void
lcore_pause(struct timespec *t0)
{
	clock_gettime(CLOCK_MONOTONIC, t0);
}

void
lcore_resume(struct lcore *c, const struct timespec *t0)
{
	struct timespec	 now;

	if (!c->armed)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ts_add_diff(&c->deadline, t0, &now);
}

/* A frame of hotplug2's own Lua modules or of C, as opposed to the user's scripts. */
static int
internal_frame(const lua_Debug *ar)
{
	return *ar->what == 'C' || strncmp(ar->short_src, "hotplug2/", 9) == 0;
}

/*
 * Message handler: log the error, then where it came from, and return
 * the message alone.  Logging here, while the call is still protected,
 * means nothing is allocated after the error is caught, which matters
 * when the error is that memory ran out.  When the user's files are on
 * the stack, only their frames are shown: the runner and the actions
 * are the same in every traceback.
 */
static int
traceback(lua_State *L)
{
	struct lcore	*c = lcore_lookup(L);
	luaL_Buffer	 b;
	lua_Debug	 ar;
	const char	*msg;
	char		 line[64];
	int		 level, n = 0, user = 0;

	msg = lua_tostring(L, 1);
	if (msg == NULL)
		msg = lua_pushfstring(L, "(error object is a %s value)",
		    luaL_typename(L, 1));
	else {
		lua_pushvalue(L, 1);
		msg = lua_tostring(L, -1);
	}
	for (level = 1; !user && lua_getstack(L, level, &ar); level++)
		if (lua_getinfo(L, "S", &ar) != 0 && !internal_frame(&ar))
			user = 1;
	luaL_buffinit(L, &b);
	luaL_addstring(&b, msg);
	luaL_addstring(&b, "\nstack traceback:");
	for (level = 1; lua_getstack(L, level, &ar); level++) {
		if (lua_getinfo(L, "Sln", &ar) == 0 ||
		    (user && internal_frame(&ar)))
			continue;
		if (++n > LCORE_TRACE_FRAMES) {
			luaL_addstring(&b, "\n\t...");
			break;
		}
		luaL_addstring(&b, "\n\t");
		luaL_addstring(&b, ar.short_src);
		if (ar.currentline > 0) {
			snprintf(line, sizeof(line), ":%d", ar.currentline);
			luaL_addstring(&b, line);
		}
		if (ar.name != NULL) {
			luaL_addstring(&b, ": in function '");
			luaL_addstring(&b, ar.name);
			luaL_addstring(&b, "'");
		} else if (*ar.what == 'm')
			luaL_addstring(&b, ": in main chunk");
		else if (*ar.what == 'C')
			luaL_addstring(&b, ": in a C function");
		else {
			snprintf(line, sizeof(line), ":%d>", ar.linedefined);
			luaL_addstring(&b, ": in function <");
			luaL_addstring(&b, ar.short_src);
			luaL_addstring(&b, line);
		}
	}
	luaL_pushresult(&b);
	if (c != NULL && c->what != NULL)
		log_warnx("%s: %s", c->what, lua_tostring(L, -1));
	else
		log_warnx("%s", lua_tostring(L, -1));
	lua_pop(L, 1);
	return 1;
}

int
lcore_pcall(lua_State *L, int nargs, int nresults, const char *what)
{
	struct lcore	*c = lcore_lookup(L);
	struct timespec	 t0, t1, saved_deadline;
	const char	*saved_what = NULL;
	int		 base, rc, saved_armed = 0, saved_expired = 0;
	int		 saved_stopping = 0;

	/*
	 * Nothing here may allocate outside the protected call: a full
	 * memory cap would turn that into a panic.  The handler was made
	 * once, in lpcall_open.
	 */
	base = lua_gettop(L) - nargs;
	lua_pushlightuserdata(L, (void *)&traceback_key);
	lua_rawget(L, LUA_REGISTRYINDEX);
	lua_insert(L, base);
	if (c != NULL) {
		saved_what = c->what;
		saved_armed = c->armed;
		saved_expired = c->expired;
		saved_stopping = c->stopping;
		saved_deadline = c->deadline;
		c->what = what;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		c->deadline = t0;
		ts_add_ms(&c->deadline, c->budget_ms);
		c->armed = 1;
		c->expired = 0;
		c->stopping = 0;
		if (c->memcap != NULL && !saved_armed) {
			c->memcap->base = c->memcap->used;
			c->memcap->active = 1;
		}
		if (lua_gethook(L) != budget_hook)
			lua_sethook(L, budget_hook, LUA_MASKCOUNT,
			    LCORE_HOOK_COUNT);
	}
	rc = lua_pcall(L, nargs, nresults, base);
	if (c != NULL) {
		if (c->expired)
			lua_sethook(L, budget_hook, LUA_MASKCOUNT,
			    LCORE_HOOK_COUNT);
		/* The caller's budget does not pay for this call. */
		if (saved_armed) {
			clock_gettime(CLOCK_MONOTONIC, &t1);
			ts_add_diff(&saved_deadline, &t0, &t1);
		}
		if (c->memcap != NULL && !saved_armed)
			c->memcap->active = 0;
		c->deadline = saved_deadline;
		c->armed = saved_armed;
		c->expired = saved_expired;
		c->stopping = saved_stopping;
		c->what = saved_what;
	}
	lua_remove(L, base);
	if (rc == 0)
		return 0;
	/*
	 * Lua runs no message handler for these: say what happened.  The
	 * message left for the caller is made in advance, since memory
	 * is what ran out.
	 */
	if (rc == LUA_ERRMEM) {
		log_warnx("%s%s" LCORE_NOMEM, what ? what : "",
		    what ? ": " : "");
		lua_pop(L, 1);
		lua_pushlightuserdata(L, (void *)&nomem_key);
		lua_rawget(L, LUA_REGISTRYINDEX);
	} else if (rc == LUA_ERRERR)
		log_warnx("%s%serror while handling an error",
		    what ? what : "", what ? ": " : "");
	lua_gc(L, LUA_GCCOLLECT, 0);
	return rc;
}

void
lpcall_open(lua_State *L)
{
	lua_pushlightuserdata(L, (void *)&traceback_key);
	lua_pushcfunction(L, traceback);
	lua_rawset(L, LUA_REGISTRYINDEX);
	lua_pushlightuserdata(L, (void *)&nomem_key);
	lua_pushliteral(L, LCORE_NOMEM);
	lua_rawset(L, LUA_REGISTRYINDEX);
}

/* core.pcall(f, ...): true, results... or false, message (logged). */
static int
l_pcall(lua_State *L)
{
	int	 top;

	luaL_checktype(L, 1, LUA_TFUNCTION);
	top = lua_gettop(L);
	if (lcore_pcall(L, top - 1, LUA_MULTRET, NULL) != 0) {
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	return lua_gettop(L);
}

static int
l_set_budget(lua_State *L)
{
	struct lcore	*c = core_of(L);
	lua_Integer	 ms = luaL_checkinteger(L, 1);

	if (ms <= 0 || ms > 3600000)
		return luaL_error(L, "budget must be 1..3600000 ms, not %d",
		    (int)ms);
	c->budget_ms = (unsigned int)ms;
	return 0;
}

static struct memcap	memcap;

static int
memcap_restore(lua_State *L)
{
	lua_setallocf(L, memcap.f, memcap.ud);
	return 0;
}

static void *
memcap_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct memcap	*m = ud;
	void		*p;

	/* As script.c's allocator: only growth is refused. */
	if (m->active && nsize > osize &&
	    m->used - osize + nsize > m->base + m->cap)
		return NULL;
	p = m->f(m->ud, ptr, osize, nsize);
	if (p != NULL || nsize == 0)
		m->used = m->used - osize + nsize;
	return p;
}

/*
 * core.set_memory_cap([bytes]): make protected calls fail with "not
 * enough memory" once they have added bytes (default LCORE_MEM_CAP),
 * as the daemon's allocator does.  For states the daemon did not make:
 * hotplug2.testing under busted.
 */
static int
l_set_memory_cap(lua_State *L)
{
	struct lcore	*c = core_of(L);
	lua_Integer	 cap = luaL_optinteger(L, 1, LCORE_MEM_CAP);

	if (cap <= 0)
		return luaL_error(L, "memory cap must be positive");
	if (c->memcap == NULL) {
		/*
		 * The allocator lives in this object, which the package
		 * library unloads when the state closes: a finalizer
		 * anchored in the registry, and so run before that, puts
		 * the state's own allocator back.
		 */
		if (lua_getallocf(L, NULL) != memcap_alloc) {
			memcap.f = lua_getallocf(L, &memcap.ud);
			memcap.used = (size_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024 +
			    (size_t)lua_gc(L, LUA_GCCOUNTB, 0);
			lua_newuserdata(L, 1);
			lua_createtable(L, 0, 1);
			lua_pushcfunction(L, memcap_restore);
			lua_setfield(L, -2, "__gc");
			lua_setmetatable(L, -2);
			luaL_ref(L, LUA_REGISTRYINDEX);
			lua_setallocf(L, memcap_alloc, &memcap);
		}
		c->memcap = &memcap;
	}
	c->memcap->cap = (size_t)cap;
	return 0;
}

const luaL_Reg lpcall_funcs[] = {
	{ "pcall",		l_pcall },
	{ "set_budget",		l_set_budget },
	{ "set_memory_cap",	l_set_memory_cap },
	{ NULL,			NULL }
};
