/* What the files of hotplug2.core share: its state, its helpers, each file's functions. */
#ifndef HOTPLUG2_LCORELIB_H
#define HOTPLUG2_LCORELIB_H

#include <sys/types.h>

#include <limits.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

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

struct memcap;

/* One per Lua state: the upvalue of every core function. */
struct lcore {
	int			 rootfd;
	char			 root[PATH_MAX];
	struct alias_index	*aliases;
	struct modlist		*loadable;	/* modules.dep, or NULL */
	struct modlist		*builtin;	/* modules.builtin, or NULL */
	struct idfile		 passwd;
	struct idfile		 group;
	unsigned int		 budget_ms;
	int			 armed;		/* a protected call is running */
	int			 expired;	/* its budget ran out */
	int			 stopping;	/* ... or the daemon is stopping */
	struct timespec		 deadline;
	const char		*what;		/* lcore_pcall's label, for the log */
	struct memcap		*memcap;	/* set_memory_cap's allocator */
	int			 udevfd;	/* udev_broadcast's socket, or -1 */
};

/* The core of the function running now (its upvalue). */
#define core_of(L)	((struct lcore *)lua_touserdata((L), lua_upvalueindex(1)))

/* The core of L, from the registry (hooks and lcore_pcall have no upvalue), or NULL. */
struct lcore	*lcore_lookup(lua_State *L);

/* Arguments naming a path under the root, and errors that name it as the user wrote it. */
const char	*lcore_check_path(lua_State *L, int idx);
int		 lcore_fail_path(lua_State *L, const char *verb, const char *path);

/*
 * Time spent blocked in C (a command, a firmware copy, indexing an alias
 * file) is not the script's: lcore_resume pushes the deadline back by
 * the time since lcore_pause.
 */
void	lcore_pause(struct timespec *t0);
void	lcore_resume(struct lcore *c, const struct timespec *t0);

/* lpcall.c: put the message handler and the out-of-memory message in L's registry. */
void	lpcall_open(lua_State *L);

/* ludev.c: close udev_broadcast's socket. */
void	ludev_close(struct lcore *c);

/* lpasswd.c: forget a name file's text. */
void	lpasswd_clear(struct idfile *f);

/* Each file's functions, registered into hotplug2.core by lcore.c. */
extern const luaL_Reg	lpcall_funcs[];		/* pcall, set_budget, set_memory_cap */
extern const luaL_Reg	lfile_funcs[];		/* the root, nodes, links, reads */
extern const luaL_Reg	lpasswd_funcs[];	/* uid, gid */
extern const luaL_Reg	levent_funcs[];		/* events, modalias, modules */
extern const luaL_Reg	lglob_funcs[];		/* glob */
extern const luaL_Reg	lexec_funcs[];		/* executable, spawn, run */
extern const luaL_Reg	lfirmware_funcs[];	/* firmware */
extern const luaL_Reg	llog_funcs[];		/* log, print, now, set_verbose */
extern const luaL_Reg	ludev_funcs[];		/* udev_broadcast, usec */
#ifdef HOTPLUG2_BLKID
extern const luaL_Reg	lblkid_funcs[];		/* blkid */
#endif

#endif
