/* hotplug2.core: the C functions Lua scripts reach, the same code in the daemon and in the loadable Lua module. */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "alias.h"
#include "config.h"
#include "exec.h"
#include "lcore.h"
#include "log.h"
#include "lregex.h"
#include "lstrpat.h"
#include "modalias.h"
#include "passwd.h"
#include "rootfs.h"
#include "spawn.h"
#include "uevent.h"

/*
 * The daemon links spawn.c, which runs commands under its child limit.
 * The loadable module and test drivers have no daemon: there exec runs
 * the command in the foreground (run_here below).  Weak references let
 * the same object serve both.
 */
#pragma weak spawn_async
#pragma weak spawn_sync
/* The daemon's stop request (sig.c): a handler that is running notices it. */
#pragma weak sig_stop_requested
int	sig_stop_requested(void);

/* Instructions between two looks at the clock. */
#define LCORE_HOOK_COUNT	1000
/* Bounds on what scripts hand to exec. */
#define LCORE_ARGV_MAX		256
#define LCORE_ENV_MAX		(UEVENT_VARS_MAX + 16)
#define LCORE_TRACE_FRAMES	12

/* A name file (passwd or group) under the root, kept while it does not change. */
struct idfile {
	const char	*path;		/* relative to the root */
	char		*text;
	size_t		 len;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	time_t		 checked;	/* CLOCK_MONOTONIC_COARSE seconds */
	int		 loaded;
};

struct lcore {
	int			 rootfd;
	char			 root[PATH_MAX];
	struct alias_index	*aliases;
	struct idfile		 passwd;
	struct idfile		 group;
	unsigned int		 budget_ms;
	int			 armed;		/* a protected call is running */
	int			 expired;	/* its budget ran out */
	int			 stopping;	/* ... or the daemon is stopping */
	struct timespec		 deadline;
	const char		*what;		/* lcore_pcall's label, for the log */
	struct memcap		*memcap;	/* set_memory_cap's allocator */
};

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

/* Registry keys: the struct lcore userdata (for the hook), the message handler. */
static const char	lcore_key;
static const char	traceback_key;
static const char	nomem_key;

static struct lcore *
core_of(lua_State *L)
{
	return lua_touserdata(L, lua_upvalueindex(1));
}

static struct lcore *
core_lookup(lua_State *L)
{
	struct lcore	*c;

	lua_pushlightuserdata(L, (void *)&lcore_key);
	lua_rawget(L, LUA_REGISTRYINDEX);
	c = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return c;
}

/* Errors that name the path as the user wrote it, under the root. */
static int
fail_path(lua_State *L, const char *verb, const char *path)
{
	return luaL_error(L, "unable to %s /%s: %s", verb, path,
	    strerror(errno));
}

static const char *
check_path(lua_State *L, int idx)
{
	const char	*path = luaL_checkstring(L, idx);
	const char	*why = NULL;

	if (rootfs_check(path, &why) == -1)
		luaL_error(L, "refusing path '%s': %s", path, why);
	return path;
}

/* --- the time budget ------------------------------------------------- */

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

	if ((c = core_lookup(L)) == NULL || !c->armed || !budget_spent(L, c))
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

	if ((c = core_lookup(L)) == NULL || !c->armed || !budget_spent(L, c))
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

/*
 * Time spent blocked in C (a synchronous command, a firmware copy) is
 * not the script's: push the deadline back by it.
 */
static void
budget_pause(struct lcore *c, struct timespec *t0)
{
	clock_gettime(CLOCK_MONOTONIC, t0);
	(void)c;
}

static void
budget_resume(struct lcore *c, const struct timespec *t0)
{
	struct timespec	 now;

	if (!c->armed)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ts_add_diff(&c->deadline, t0, &now);
}

/* --- the protected call ---------------------------------------------- */

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
	struct lcore	*c = core_lookup(L);
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
	struct lcore	*c = core_lookup(L);
	struct timespec	 t0, t1, saved_deadline;
	const char	*saved_what = NULL;
	int		 base, rc, saved_armed = 0, saved_expired = 0;
	int		 saved_stopping = 0;

	/*
	 * Nothing here may allocate outside the protected call: a full
	 * memory cap would turn that into a panic.  The handler was made
	 * once, in luaopen_hotplug2_core.
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

/* --- the memory cap (states made elsewhere) ----------------------------- */

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

/* --- the root -------------------------------------------------------- */

static int
l_set_root(lua_State *L)
{
	struct lcore	*c = core_of(L);
	const char	*dir = luaL_checkstring(L, 1);
	int		 fd;

	if (strlen(dir) >= sizeof(c->root))
		return luaL_error(L, "root path too long");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return luaL_error(L, "unable to open root %s: %s", dir,
		    strerror(errno));
	if (c->rootfd != -1)
		close(c->rootfd);
	c->rootfd = fd;
	snprintf(c->root, sizeof(c->root), "%s", dir);
	/* Names come from the new root's files. */
	c->passwd.loaded = c->group.loaded = 0;
	return 0;
}

static int
l_root(lua_State *L)
{
	lua_pushstring(L, core_of(L)->root);
	return 1;
}

/* Parse a permission mode: a number, or an octal string such as "0660". */
static mode_t
check_mode(lua_State *L, int idx)
{
	const char	*s, *p;
	unsigned long	 v = 0;

	if (lua_type(L, idx) == LUA_TNUMBER) {
		v = (unsigned long)lua_tointeger(L, idx);
	} else {
		s = luaL_checkstring(L, idx);
		for (p = s; *p != '\0'; p++) {
			if (*p < '0' || *p > '7' || v > 07777)
				luaL_error(L, "bad mode '%s': want octal "
				    "digits such as \"0660\"", s);
			v = v * 8 + (unsigned long)(*p - '0');
		}
		if (p == s)
			luaL_error(L, "empty mode");
	}
	if (v > 07777)
		luaL_error(L, "bad mode %o: above 07777", (unsigned int)v);
	return (mode_t)v;
}

static long
opt_id(lua_State *L, int idx)
{
	lua_Integer	 v;

	if (lua_isnoneornil(L, idx))
		return -1;
	v = luaL_checkinteger(L, idx);
	if (v < 0 || v > 4294967294LL)
		luaL_error(L, "bad id %d", (int)v);
	return (long)v;
}

/* core.mknod(path, "b"|"c", major, minor, mode [, uid, gid]) */
static int
l_mknod(lua_State *L)
{
	struct lcore	*c = core_of(L);
	const char	*path = check_path(L, 1);
	const char	*kind = luaL_checkstring(L, 2);
	lua_Integer	 major = luaL_checkinteger(L, 3);
	lua_Integer	 minor = luaL_checkinteger(L, 4);
	mode_t		 mode = check_mode(L, 5);
	long		 uid = opt_id(L, 6), gid = opt_id(L, 7);

	if (strcmp(kind, "b") == 0)
		mode |= S_IFBLK;
	else if (strcmp(kind, "c") == 0)
		mode |= S_IFCHR;
	else
		return luaL_error(L, "node type must be \"b\" or \"c\", "
		    "not \"%s\"", kind);
	if (major < 0 || major > 4095 || minor < 0 || minor > 1048575)
		return luaL_error(L, "bad device number %d:%d", (int)major,
		    (int)minor);
	if (rootfs_mknod(c->rootfd, path, mode,
	    makedev((unsigned int)major, (unsigned int)minor), (uid_t)uid,
	    (gid_t)gid) == -1)
		return fail_path(L, "create node", path);
	return 0;
}

/* core.symlink(target, path) */
static int
l_symlink(lua_State *L)
{
	const char	*target = luaL_checkstring(L, 1);
	const char	*path = check_path(L, 2);

	if (rootfs_symlink(core_of(L)->rootfd, target, path) == -1)
		return fail_path(L, "create link", path);
	return 0;
}

/*
 * core.unlink(path [, prune]): true, or false when there was nothing to
 * remove.  With prune, the directories it leaves empty go too, all but
 * path's first component (dev).
 */
static int
l_unlink(lua_State *L)
{
	const char	*path = check_path(L, 1);
	int		 prune = lua_toboolean(L, 2);

	if (rootfs_unlink(core_of(L)->rootfd, path, prune) == -1) {
		if (errno == ENOENT) {
			lua_pushboolean(L, 0);
			return 1;
		}
		return fail_path(L, "remove", path);
	}
	lua_pushboolean(L, 1);
	return 1;
}

static int
l_mkdir(lua_State *L)
{
	const char	*path = check_path(L, 1);
	mode_t		 mode = lua_isnoneornil(L, 2) ? 0755 : check_mode(L, 2);

	if (rootfs_mkdir(core_of(L)->rootfd, path, mode) == -1)
		return fail_path(L, "create directory", path);
	return 0;
}

static int
l_chmod(lua_State *L)
{
	const char	*path = check_path(L, 1);
	mode_t		 mode = check_mode(L, 2);

	if (rootfs_chmod(core_of(L)->rootfd, path, mode) == -1)
		return fail_path(L, "change the mode of", path);
	return 0;
}

static int
l_chown(lua_State *L)
{
	const char	*path = check_path(L, 1);
	long		 uid = opt_id(L, 2), gid = opt_id(L, 3);

	if (rootfs_chown(core_of(L)->rootfd, path, (uid_t)uid,
	    (gid_t)gid) == -1)
		return fail_path(L, "change the owner of", path);
	return 0;
}

/* core.lstat(path): {type=, mode=, uid=, gid=, major=, minor=} or nil. */
static int
l_lstat(lua_State *L)
{
	struct stat	 st;
	const char	*path = check_path(L, 1);
	const char	*type;

	if (rootfs_lstat(core_of(L)->rootfd, path, &st) == -1) {
		if (errno == ENOENT || errno == ENOTDIR) {
			lua_pushnil(L);
			return 1;
		}
		return fail_path(L, "look at", path);
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFBLK:	type = "b"; break;
	case S_IFCHR:	type = "c"; break;
	case S_IFDIR:	type = "d"; break;
	case S_IFLNK:	type = "l"; break;
	case S_IFREG:	type = "f"; break;
	default:	type = "?"; break;
	}
	lua_createtable(L, 0, 6);
	lua_pushstring(L, type);
	lua_setfield(L, -2, "type");
	lua_pushinteger(L, st.st_mode & 07777);
	lua_setfield(L, -2, "mode");
	lua_pushinteger(L, (lua_Integer)st.st_uid);
	lua_setfield(L, -2, "uid");
	lua_pushinteger(L, (lua_Integer)st.st_gid);
	lua_setfield(L, -2, "gid");
	lua_pushinteger(L, (lua_Integer)major(st.st_rdev));
	lua_setfield(L, -2, "major");
	lua_pushinteger(L, (lua_Integer)minor(st.st_rdev));
	lua_setfield(L, -2, "minor");
	return 1;
}

/* core.exists(path): is anything there (links not followed)? */
static int
l_exists(lua_State *L)
{
	struct stat	 st;
	const char	*path = check_path(L, 1);

	lua_pushboolean(L, rootfs_lstat(core_of(L)->rootfd, path, &st) == 0);
	return 1;
}

static int
l_readlink(lua_State *L)
{
	char		 buf[PATH_MAX];
	const char	*path = check_path(L, 1);

	if (rootfs_readlink(core_of(L)->rootfd, path, buf, sizeof(buf)) == -1) {
		lua_pushnil(L);
		return 1;
	}
	lua_pushstring(L, buf);
	return 1;
}

/*
 * core.read(path [, within]): a small regular file under the root (a
 * sysfs attribute), at most CORE_READ_MAX bytes; nil and why when it
 * cannot be read.  It never blocks: a FIFO or a device is refused.  With
 * within ("sys"), links below that directory are followed while they
 * stay inside it, as attr() needs for sysfs's device/ and subsystem/.
 */
#define CORE_READ_MAX	4096

static int
l_read(lua_State *L)
{
	char		 buf[CORE_READ_MAX];
	const char	*path = check_path(L, 1);
	const char	*within = luaL_optstring(L, 2, NULL);
	const char	*why = NULL;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = rootfs_open_file(core_of(L)->rootfd, within, path, O_RDONLY,
	    &why)) == -1) {
		lua_pushnil(L);
		lua_pushstring(L, why != NULL ? why : strerror(errno));
		return 2;
	}
	while (got < sizeof(buf) &&
	    (n = read(fd, buf + got, sizeof(buf) - got)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			lua_pushnil(L);
			lua_pushstring(L, strerror(errno));
			close(fd);
			return 2;
		}
		got += (size_t)n;
	}
	close(fd);
	lua_pushlstring(L, buf, got);
	return 1;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * List a directory, sorted, without "." and "..".  suffix, when given,
 * keeps only names ending in it; prefix is prepended to each name.
 */
static int
push_listing(lua_State *L, DIR *d, const char *suffix, const char *prefix)
{
	struct dirent	 *de;
	char		**names = NULL, **n2;
	size_t		  n = 0, cap = 0, i, sl = suffix ? strlen(suffix) : 0, l;

	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		l = strlen(de->d_name);
		if (suffix != NULL && (l <= sl ||
		    strcmp(de->d_name + l - sl, suffix) != 0))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((n2 = realloc(names, cap * sizeof(*names))) == NULL)
				goto nomem;
			names = n2;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), name_cmp);
	lua_createtable(L, (int)n, 0);
	for (i = 0; i < n; i++) {
		if (prefix != NULL)
			lua_pushfstring(L, "%s/%s", prefix, names[i]);
		else
			lua_pushstring(L, names[i]);
		lua_rawseti(L, -2, (int)i + 1);
		free(names[i]);
	}
	free(names);
	return 1;
nomem:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return luaL_error(L, "out of memory listing a directory");
}

/* core.readdir(path): sorted names in a directory under the root, or nil. */
static int
l_readdir(lua_State *L)
{
	struct lcore	*c = core_of(L);
	const char	*path = check_path(L, 1);
	DIR		*d;
	int		 fd;

	fd = rootfs_open(c->rootfd, path, O_RDONLY | O_DIRECTORY, 0);
	if (fd == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		lua_pushnil(L);
		return 1;
	}
	return push_listing(L, d, NULL, NULL);
}

/* core.script_files(dir): "dir/NAME.lua" for each script, in lexical order (a host path: scripts live outside the root). */
static int
l_script_files(lua_State *L)
{
	const char	*dir = luaL_checkstring(L, 1);
	DIR		*d;

	if ((d = opendir(dir)) == NULL)
		return luaL_error(L, "unable to read %s: %s", dir,
		    strerror(errno));
	return push_listing(L, d, ".lua", dir);
}

/* A policy file (mdev.conf, hotplug2.rules) larger than this is not one. */
#define CORE_CONFIG_MAX	(1024 * 1024)

/*
 * core.read_config(path): the whole text of a host file, as handler
 * files are host files: the policy files they load live beside them,
 * outside the root.  nil and why when it cannot be read.
 */
static int
l_read_config(lua_State *L)
{
	const char	*path = luaL_checkstring(L, 1);
	luaL_Buffer	 b;
	char		 buf[4096];
	size_t		 total = 0;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		lua_pushnil(L);
		lua_pushfstring(L, "unable to read %s: %s", path,
		    strerror(errno));
		return 2;
	}
	luaL_buffinit(L, &b);
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			lua_pushnil(L);
			lua_pushfstring(L, "unable to read %s: %s", path,
			    strerror(errno));
			return 2;
		}
		if ((total += (size_t)n) > CORE_CONFIG_MAX) {
			close(fd);
			lua_pushnil(L);
			lua_pushfstring(L, "%s is larger than %d bytes", path,
			    CORE_CONFIG_MAX);
			return 2;
		}
		luaL_addlstring(&b, buf, (size_t)n);
	}
	close(fd);
	luaL_pushresult(&b);
	return 1;
}

/* --- users and groups ------------------------------------------------ */

static void
idfile_clear(struct idfile *f)
{
	free(f->text);
	f->text = NULL;
	f->len = 0;
	f->loaded = 0;
}

/* Load or refresh ROOT/etc/passwd or group; 0, or -1 when it cannot be read. */
static int
idfile_load(struct lcore *c, struct idfile *f)
{
	struct timespec	 now;
	struct stat	 st;
	char		*text;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	/*
	 * Every device node asks for a group: look at the file at most
	 * once a second, not once per event.
	 */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	if (f->loaded && now.tv_sec == f->checked)
		return 0;
	f->checked = now.tv_sec;
	if ((fd = rootfs_open_file(c->rootfd, NULL, f->path, O_RDONLY,
	    NULL)) == -1) {
		idfile_clear(f);
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > 16 * 1024 * 1024) {
		close(fd);
		idfile_clear(f);
		errno = EINVAL;
		return -1;
	}
	if (f->loaded && st.st_dev == f->dev && st.st_ino == f->ino &&
	    st.st_size == f->size &&
	    st.st_mtim.tv_sec == f->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == f->mtime.tv_nsec) {
		close(fd);
		return 0;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, text + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	idfile_clear(f);
	f->text = text;
	f->len = got;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = st.st_size;
	f->mtime = st.st_mtim;
	f->loaded = 1;
	return 0;
}

/* What goes between the root and a relative path in messages: no "//". */
static const char *
root_sep(const struct lcore *c)
{
	size_t	 n = strlen(c->root);

	return n > 0 && c->root[n - 1] == '/' ? "" : "/";
}

static int
lookup_id(lua_State *L, struct idfile *f)
{
	struct lcore	*c = core_of(L);
	const char	*name = luaL_checkstring(L, 1);
	unsigned long	 id;
	unsigned int	 line = 0;
	int		 rc;

	if (passwd_numeric(name, &id)) {
		lua_pushnumber(L, (lua_Number)id);
		return 1;
	}
	if (idfile_load(c, f) == -1) {
		lua_pushnil(L);
		lua_pushfstring(L, "unable to read %s%s%s: %s", c->root,
		    root_sep(c), f->path, strerror(errno));
		return 2;
	}
	rc = passwd_lookup(f->text, f->len, name, &id, &line);
	if (rc == 1) {
		lua_pushnumber(L, (lua_Number)id);
		return 1;
	}
	lua_pushnil(L);
	if (rc == 0)
		lua_pushfstring(L, "no '%s' in %s%s%s", name, c->root,
		    root_sep(c), f->path);
	else
		lua_pushfstring(L, "%s%s%s:%d: malformed entry for '%s'",
		    c->root, root_sep(c), f->path, (int)line, name);
	return 2;
}

/* core.uid(name) / core.gid(name): the id, or nil and why. */
static int
l_uid(lua_State *L)
{
	return lookup_id(L, &core_of(L)->passwd);
}

static int
l_gid(lua_State *L)
{
	return lookup_id(L, &core_of(L)->group);
}

/* --- modules ----------------------------------------------------------- */

/* core.load_aliases(path): index a modules.alias file for core.modules. */
static int
l_load_aliases(lua_State *L)
{
	struct lcore	*c = core_of(L);
	const char	*path = luaL_checkstring(L, 1);
#ifdef HOTPLUG2_HAVE_ALIAS
	struct alias_index	*idx;
	struct timespec		 t0;
	int			 saved;

	/* Indexing a large file is not the calling script's time. */
	budget_pause(c, &t0);
	idx = alias_load(path);
	saved = errno;
	budget_resume(c, &t0);
	if (idx == NULL)
		return luaL_error(L, "unable to load %s: %s", path,
		    strerror(saved));
	if (c->aliases != NULL)
		alias_free(c->aliases);
	c->aliases = idx;
	return 0;
#else
	(void)c;
	return luaL_error(L, "unable to load %s: this build has no alias "
	    "matcher", path);
#endif
}

#ifdef HOTPLUG2_HAVE_ALIAS
struct collect {
	lua_State	*L;
	int		 n;
};

static void
collect_module(const char *module, void *arg)
{
	struct collect	*col = arg;

	lua_pushstring(col->L, module);
	lua_rawseti(col->L, -2, ++col->n);
}
#endif

/* core.modules(modalias): the module names it resolves to, in order. */
static int
l_modules(lua_State *L)
{
	struct lcore	*c = core_of(L);
	const char	*modalias = luaL_checkstring(L, 1);

	lua_newtable(L);
#ifdef HOTPLUG2_HAVE_ALIAS
	if (c->aliases != NULL) {
		struct collect	 col = { L, 0 };

		if (alias_lookup(c->aliases, modalias, collect_module,
		    &col) == -1)
			log_warn("lookup of MODALIAS %.40s... failed", modalias);
	}
#else
	(void)c;
	(void)modalias;
#endif
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
	luaL_checktype(L, 1, LUA_TTABLE);
#ifdef HOTPLUG2_HAVE_MODALIAS
	{
		struct uevent	*ev;
		char		 out[UEVENT_MSG_MAX];
		const char	*reason = "nothing to build it from";
		const char	*sub = luaL_optstring(L, 2, NULL);
		size_t		 n;

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
#else
	(void)table_to_uevent;
	lua_pushnil(L);
	lua_pushliteral(L, "this build has no MODALIAS synthesis");
	return 2;
#endif
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
#ifdef HOTPLUG2_HAVE_MODALIAS
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
#else
	(void)have_modalias;
#endif
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

/* --- commands ------------------------------------------------------------ */

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
 * Outside the daemon: run argv in the foreground, its output (stdout and
 * stderr) logged line by line, killed after timeout_ms.  The child gets
 * what the daemon's get: /dev/null as stdin, no other descriptor, the
 * program looked up along envp's PATH before the fork, and a failed exec
 * is an error of the caller's (through a close-on-exec pipe).
 */
static int
run_here(char *const argv[], char *const envp[], unsigned int timeout_ms,
    int *status)
{
	struct timespec	 now, end;
	struct pollfd	 pfd;
	char		 buf[1024], *nl, prog[PATH_MAX];
	size_t		 have = 0;
	ssize_t		 n;
	pid_t		 pid;
	int		 p[2], e[2], wst, left, killed = 0, err = 0, nullfd;

	if (exec_resolve(argv[0], exec_env_path(envp), prog, sizeof(prog)) ==
	    -1)
		return -1;
	if (pipe2(p, O_CLOEXEC) == -1)
		return -1;
	if (pipe2(e, O_CLOEXEC) == -1) {
		err = errno;
		close(p[0]);
		close(p[1]);
		errno = err;
		return -1;
	}
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if ((pid = fork()) == -1) {
		err = errno;
		close(p[0]);
		close(p[1]);
		close(e[0]);
		close(e[1]);
		if (nullfd != -1)
			close(nullfd);
		errno = err;
		return -1;
	}
	if (pid == 0) {
		if ((nullfd != -1 && dup2(nullfd, 0) == -1) ||
		    dup2(p[1], 1) == -1 || dup2(p[1], 2) == -1)
			_exit(127);
		exec_close_from_3();
		execve(prog, argv, envp);
		err = errno;
		n = write(e[1], &err, sizeof(err));
		_exit(127);
	}
	if (nullfd != -1)
		close(nullfd);
	close(e[1]);
	while ((n = read(e[0], &err, sizeof(err))) == -1 && errno == EINTR)
		;
	close(e[0]);
	if (n == (ssize_t)sizeof(err)) {
		close(p[0]);
		close(p[1]);
		while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
			;
		errno = err;
		return -1;
	}
	close(p[1]);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ts_add_ms(&end, timeout_ms ? timeout_ms : 60000);
	pfd.fd = p[0];
	pfd.events = POLLIN;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (int)((end.tv_sec - now.tv_sec) * 1000 +
		    (end.tv_nsec - now.tv_nsec) / 1000000);
		if (left <= 0) {
			if (!killed)
				log_warnx("%s: killed after %u ms", argv[0],
				    timeout_ms);
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = read(p[0], buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n')) != NULL ||
		    have == sizeof(buf) - 1) {
			if (nl == NULL)
				nl = buf + have - 1;
			*nl = '\0';
			log_info("%s: %s", argv[0], buf);
			have -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, have);
			buf[have] = '\0';
		}
	}
	if (have > 0)
		log_info("%s: %s", argv[0], buf);
	close(p[0]);
	while (waitpid(pid, &wst, 0) == -1)
		if (errno != EINTR)
			return -1;
	*status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	return 0;
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

/* core.spawn(argv, env, devpath, seqnum): start argv; true, or an error. */
static int
l_spawn(lua_State *L)
{
	struct lcore	*c = core_of(L);
	struct timespec	 t0;
	char		**argv, **envp;
	const char	 *devpath = luaL_optstring(L, 3, "");
	char		  err[128];
	uint64_t	  seqnum = (uint64_t)luaL_optnumber(L, 4, 0);
	int		  rc, status;

	luaL_checktype(L, 1, LUA_TTABLE);
	luaL_checktype(L, 2, LUA_TTABLE);
	if ((argv = build_argv(L, 1, err, sizeof(err))) == NULL)
		return luaL_error(L, "exec: %s", err);
	if ((envp = build_envp(L, 2, err, sizeof(err))) == NULL) {
		free_vector(argv);
		return luaL_error(L, "exec: %s", err);
	}
	if (spawn_async != NULL)
		rc = spawn_async(argv, envp, devpath, seqnum);
	else {
		budget_pause(c, &t0);
		rc = run_here(argv, envp, 0, &status);
		budget_resume(c, &t0);
		if (rc == 0 && status != 0)
			log_warnx("%s exited with status %d", argv[0], status);
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

/* core.run(argv, env [, timeout_ms]): run argv and wait; its exit status. */
static int
l_run(lua_State *L)
{
	struct lcore	*c = core_of(L);
	struct timespec	 t0;
	char		**argv, **envp;
	char		  err[128];
	lua_Integer	  timeout = luaL_optinteger(L, 3, 0);
	int		  rc, status = 0, saved;

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
	budget_pause(c, &t0);
	if (spawn_sync != NULL)
		rc = spawn_sync(argv, envp, (unsigned int)timeout, &status);
	else
		rc = run_here(argv, envp, (unsigned int)timeout, &status);
	saved = errno;
	budget_resume(c, &t0);
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
	return 1;
}

/* --- firmware -------------------------------------------------------- */

static int
write_str(int fd, const char *s)
{
	size_t	 n = strlen(s);

	return write(fd, s, n) == (ssize_t)n ? 0 : -1;
}

/*
 * core.firmware(devpath, file [, within]): the sysfs protocol.  "1" to
 * loading, the file's bytes to data, "0" to loading: true.  With file
 * nil, "-1" to loading, so the kernel stops waiting at once: true, the
 * kernel was told.  When anything fails, or file is refused, "-1" too,
 * then an error.  Paths are under the root; within, when given, is the
 * firmware directory file is in, whose own links (linux-firmware has
 * many) are followed while they stay inside it.  Nothing here blocks:
 * loading, data and the file must be regular files.
 */
static int
l_firmware(lua_State *L)
{
	struct lcore	*c = core_of(L);
	struct timespec	 t0;
	char		 sysdir[PATH_MAX], path[PATH_MAX + 16], buf[8192];
	const char	*devpath = luaL_checkstring(L, 1);
	const char	*file = luaL_optstring(L, 2, NULL);
	const char	*within = luaL_optstring(L, 3, NULL);
	const char	*why = NULL, *what = "", *refused = NULL;
	ssize_t		 n;
	int		 loading = -1, data = -1, in = -1, ok = 0, saved = 0;

	while (*devpath == '/')
		devpath++;
	if (snprintf(sysdir, sizeof(sysdir), "sys/%s", devpath) >=
	    (int)sizeof(sysdir) || rootfs_check(sysdir, &why) == -1)
		return luaL_error(L, "refusing firmware DEVPATH '%s': %s",
		    devpath, why ? why : "too long");
	/* A refused file still tells the kernel, below. */
	if (file != NULL && rootfs_check(file, &refused) == -1)
		file = NULL;
	budget_pause(c, &t0);
	snprintf(path, sizeof(path), "%s/loading", sysdir);
	if ((loading = rootfs_open_file(c->rootfd, NULL, path, O_WRONLY,
	    &why)) == -1) {
		what = path;
		goto out;
	}
	if (file == NULL)
		goto out;
	if ((in = rootfs_open_file(c->rootfd, within, file, O_RDONLY,
	    &why)) == -1) {
		what = file;
		goto out;
	}
	why = NULL;
	snprintf(path, sizeof(path), "%s/data", sysdir);
	if (write_str(loading, "1") == -1 ||
	    (data = rootfs_open_file(c->rootfd, NULL, path, O_WRONLY,
	    &why)) == -1) {
		what = path;
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(data, buf, (size_t)n) != n) {
			what = path;
			goto out;
		}
	if (n == -1) {
		what = file;
		goto out;
	}
	close(data);
	data = -1;
	ok = write_str(loading, "0") == 0;
	if (!ok)
		what = "loading";
out:
	saved = errno;
	if (data != -1)
		close(data);
	if (in != -1)
		close(in);
	if (loading != -1) {
		if (!ok)
			write_str(loading, "-1");
		close(loading);
	}
	budget_resume(c, &t0);
	if (ok || (loading != -1 && file == NULL && refused == NULL)) {
		lua_pushboolean(L, 1);
		return 1;
	}
	if (refused != NULL)
		return luaL_error(L, "refusing firmware path '%s': %s",
		    lua_tostring(L, 2), refused);
	return luaL_error(L, "unable to load firmware for /%s: /%s: %s",
	    devpath, what, why != NULL ? why : strerror(saved));
}

/* --- logging and the rest --------------------------------------------- */

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
 * core.set_verbose(n): what the core logs from now on, as -v does (0
 * warnings, 1 info, 2 debug; -1 nothing).  Returns the previous level.
 * hotplug2.testing silences the core this way while it collects the
 * handlers' errors and log lines itself.
 */
static int
l_set_verbose(lua_State *L)
{
	int	 old = log_getverbose();

	log_setverbose((int)luaL_checkinteger(L, 1));
	lua_pushinteger(L, old);
	return 1;
}

static int
l_gc(lua_State *L)
{
	struct lcore	*c = lua_touserdata(L, 1);

	if (c->rootfd != -1)
		close(c->rootfd);
	c->rootfd = -1;
	idfile_clear(&c->passwd);
	idfile_clear(&c->group);
#ifdef HOTPLUG2_HAVE_ALIAS
	if (c->aliases != NULL)
		alias_free(c->aliases);
#endif
	c->aliases = NULL;
	return 0;
}

static const luaL_Reg core_funcs[] = {
	{ "chmod",		l_chmod },
	{ "chown",		l_chown },
	{ "events",		l_events },
	{ "executable",		l_executable },
	{ "exists",		l_exists },
	{ "firmware",		l_firmware },
	{ "gid",		l_gid },
	{ "load_aliases",	l_load_aliases },
	{ "log",		l_log },
	{ "lstat",		l_lstat },
	{ "mkdir",		l_mkdir },
	{ "mknod",		l_mknod },
	{ "modalias",		l_modalias },
	{ "modules",		l_modules },
	{ "now",		l_now },
	{ "pcall",		l_pcall },
	{ "print",		l_print },
	{ "read",		l_read },
	{ "read_config",		l_read_config },
	{ "readdir",		l_readdir },
	{ "readlink",		l_readlink },
	{ "root",		l_root },
	{ "run",		l_run },
	{ "script_files",	l_script_files },
	{ "set_budget",		l_set_budget },
	{ "set_memory_cap",	l_set_memory_cap },
	{ "set_root",		l_set_root },
	{ "set_verbose",	l_set_verbose },
	{ "spawn",		l_spawn },
	{ "string_library",	lstrpat_library },
	{ "symlink",		l_symlink },
	{ "uid",		l_uid },
	{ "unlink",		l_unlink },
	{ NULL,			NULL }
};

int
luaopen_hotplug2_core(lua_State *L)
{
	struct lcore	*c;
	const luaL_Reg	*r;

	c = lua_newuserdata(L, sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->rootfd = -1;
	c->passwd.path = "etc/passwd";
	c->group.path = "etc/group";
	c->budget_ms = LCORE_BUDGET_MS;
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, l_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	/* One core per state: the latest require wins, for the hook. */
	lua_pushlightuserdata(L, (void *)&lcore_key);
	lua_pushvalue(L, -2);
	lua_rawset(L, LUA_REGISTRYINDEX);
	lua_pushlightuserdata(L, (void *)&traceback_key);
	lua_pushcfunction(L, traceback);
	lua_rawset(L, LUA_REGISTRYINDEX);
	lua_pushlightuserdata(L, (void *)&nomem_key);
	lua_pushliteral(L, LCORE_NOMEM);
	lua_rawset(L, LUA_REGISTRYINDEX);
	if ((c->rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return luaL_error(L, "unable to open /: %s", strerror(errno));
	snprintf(c->root, sizeof(c->root), "/");

	lua_createtable(L, 0, (int)(sizeof(core_funcs) / sizeof(*r)) + 1);
	for (r = core_funcs; r->name != NULL; r++) {
		lua_pushvalue(L, -2);
		lua_pushcclosure(L, r->func, 1);
		lua_setfield(L, -2, r->name);
	}
	lregex_register(L);
	lua_pushliteral(L, HOTPLUG2_VERSION);
	lua_setfield(L, -2, "version");
	lua_remove(L, -2);
	return 1;
}
