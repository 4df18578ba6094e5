/* core.udev_broadcast: an event's final properties re-sent in libudev's format on netlink group 2, for libudev clients. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcorelib.h"
#include "netlink.h"
#include "udevmsg.h"

/* One property of a table, borrowed from it (the table holds the strings). */
struct prop {
	const char	*k, *v;
	size_t		 klen, vlen;
	int		 first;		/* rank in FIRST, or NFIRST */
};

/* A broadcast's first properties, in this order; the rest follow sorted. */
static const char *const FIRST[] = {
	"ACTION", "DEVPATH", "SUBSYSTEM", "DEVTYPE", "DEVNAME", "SEQNUM",
	"USEC_INITIALIZED",
};
#define NFIRST	((int)(sizeof(FIRST) / sizeof(FIRST[0])))
/* More properties than a message holds (8 KiB, 4 bytes each at least). */
#define PROPS_MAX	(UDEVMSG_MAX / 4)

struct props {
	struct prop	 p[PROPS_MAX];
	size_t		 n;
	int		 overflow;
};

static int
prop_cmp(const void *a, const void *b)
{
	const struct prop	*x = a, *y = b;
	size_t			 n = x->klen < y->klen ? x->klen : y->klen;
	int			 c;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if ((c = memcmp(x->k, y->k, n)) != 0)
		return c;
	return x->klen < y->klen ? -1 : x->klen > y->klen;
}

static int
first_rank(const char *k, size_t klen, int ordered)
{
	int	i;

	if (!ordered)
		return NFIRST;
	for (i = 0; i < NFIRST; i++)
		if (strlen(FIRST[i]) == klen && memcmp(FIRST[i], k, klen) == 0)
			return i;
	return NFIRST;
}

/*
 * Add to ps the string keys of the table at index t with string values,
 * but private ".NAME" ones and those the table at index skip (0: none)
 * holds (so a false value there leaves the key out).  Past PROPS_MAX,
 * ps->overflow is set and nothing more is added.
 */
static void
props_collect(lua_State *L, struct props *ps, int t, int skip, int ordered)
{
	struct prop	*p;
	const char	*k;
	size_t		 klen;
	int		 keep;

	lua_pushnil(L);
	while (lua_next(L, t) != 0) {
		if (lua_type(L, -2) == LUA_TSTRING &&
		    lua_type(L, -1) == LUA_TSTRING) {
			k = lua_tolstring(L, -2, &klen);
			keep = klen > 0 && k[0] != '.';
			if (keep && skip != 0) {
				lua_pushvalue(L, -2);
				lua_rawget(L, skip);
				keep = lua_isnil(L, -1);
				lua_pop(L, 1);
			}
			if (keep && ps->n == PROPS_MAX)
				ps->overflow = 1;
			else if (keep) {
				p = &ps->p[ps->n++];
				p->k = k;
				p->klen = klen;
				p->v = lua_tolstring(L, -1, &p->vlen);
				p->first = first_rank(k, klen, ordered);
			}
		}
		lua_pop(L, 1);
	}
}

/*
 * The properties of table t with over's replacing them (over: index 0 for
 * none; a false value in over removes the key), sorted (see prop_cmp).
 */
static void
props_merge(lua_State *L, struct props *ps, int t, int over, int ordered)
{
	ps->n = 0;
	ps->overflow = 0;
	props_collect(L, ps, t, over, ordered);
	if (over != 0)
		props_collect(L, ps, over, 0, ordered);
	qsort(ps->p, ps->n, sizeof(ps->p[0]), prop_cmp);
}

/* Not reentrant, and need not be: nothing here calls back into Lua. */
static struct props	the_props;

/*
 * "KEY=VALUE\0..." of ps into buf; returns its length, or 0 when it does
 * not fit or a key or value holds a NUL (*why says which).
 */
static size_t
props_block(const struct props *ps, char *buf, size_t size, const char **why)
{
	const struct prop	*p;
	size_t			 i, len = 0;

	if (ps->overflow) {
		*why = "too many properties for a libudev message";
		return 0;
	}
	for (i = 0; i < ps->n; i++) {
		p = &ps->p[i];
		if (memchr(p->k, '\0', p->klen) != NULL ||
		    memchr(p->v, '\0', p->vlen) != NULL) {
			*why = "a property holds a NUL";
			return 0;
		}
		if (p->klen + p->vlen + 2 > size - len) {
			*why = "message too long for a libudev receiver";
			return 0;
		}
		memcpy(buf + len, p->k, p->klen);
		buf[len + p->klen] = '=';
		memcpy(buf + len + p->klen + 1, p->v, p->vlen);
		len += p->klen + p->vlen + 1;
		buf[len++] = '\0';
	}
	return len;
}

/*
 * core.properties_text(t [, skip]): "KEY=VALUE\0" for every string key of
 * t with a string value, sorted by key, without private ".NAME" keys and
 * the keys of the table skip.  Tables with the same properties give the
 * same string: hotplug2.udevdb compares an event with the device's last
 * one through it.  A key or value holding a NUL is written as it is.
 */
static int
l_properties_text(lua_State *L)
{
	struct props	*ps = &the_props;
	luaL_Buffer	 b;
	size_t		 i;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TTABLE);
	ps->n = 0;
	ps->overflow = 0;
	props_collect(L, ps, 1, lua_isnoneornil(L, 2) ? 0 : 2, 0);
	if (ps->overflow)
		return luaL_error(L, "properties_text: more than %d properties",
		    PROPS_MAX);
	qsort(ps->p, ps->n, sizeof(ps->p[0]), prop_cmp);
	luaL_buffinit(L, &b);
	for (i = 0; i < ps->n; i++) {
		luaL_addlstring(&b, ps->p[i].k, ps->p[i].klen);
		luaL_addchar(&b, '=');
		luaL_addlstring(&b, ps->p[i].v, ps->p[i].vlen);
		luaL_addchar(&b, '\0');
	}
	luaL_pushresult(&b);
	return 1;
}

/*
 * The property block of a broadcast into props: from a list of
 * "KEY=VALUE" strings (index 1 a table, 2 none), in the list's order, or
 * from an event table and the table of what replaces its properties
 * (index 2), as udev_properties says.  Returns its length, or 0 with
 * *why set.  Raises on a list entry that is not a string.
 */
static size_t
props_of_args(lua_State *L, char *props, size_t size, const char **why)
{
	const char	*kv;
	size_t		 len = 0, n, i, count;

	luaL_checktype(L, 1, LUA_TTABLE);
	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		props_merge(L, &the_props, 1, 2, 1);
		return props_block(&the_props, props, size, why);
	}
	count = lua_objlen(L, 1);
	for (i = 1; i <= count; i++) {
		lua_rawgeti(L, 1, (int)i);
		if ((kv = lua_tolstring(L, -1, &n)) == NULL)
			return (size_t)luaL_error(L, "udev_broadcast: property "
			    "%d is not a string", (int)i);
		if (memchr(kv, '\0', n) != NULL)
			return (size_t)luaL_error(L, "udev_broadcast: property "
			    "%d holds a NUL", (int)i);
		if (n + 1 > size - len) {
			*why = "message too long for a libudev receiver";
			return 0;
		}
		memcpy(props + len, kv, n + 1);
		len += n + 1;
		lua_pop(L, 1);
	}
	if (len == 0)
		*why = "no properties";
	return len;
}

/*
 * core.udev_properties(ev, over): the property block a broadcast of ev
 * sends, "KEY=VALUE\0..." (what core.udev_broadcast(ev, over) puts after
 * the header): ev's string properties but private ".NAME" ones, with
 * over's replacing them (a false value in over leaves the key out);
 * ACTION, DEVPATH, SUBSYSTEM, DEVTYPE, DEVNAME, SEQNUM and
 * USEC_INITIALIZED first in that order, then the rest sorted by key.
 * Returns nil and a message when they would not make a message.
 */
static int
l_udev_properties(lua_State *L)
{
	char		 props[UDEVMSG_MAX];
	const char	*why = NULL;
	size_t		 len;

	luaL_checktype(L, 2, LUA_TTABLE);
	if ((len = props_of_args(L, props, sizeof(props), &why)) == 0) {
		lua_pushnil(L);
		lua_pushstring(L, why);
		return 2;
	}
	lua_pushlstring(L, props, len);
	return 1;
}

/*
 * core.udev_broadcast(ev, over), or core.udev_broadcast({ "ACTION=add",
 * "DEVPATH=...", ... }): one message, header and properties (those
 * udev_properties gives, or the list's in its order), multicast to every
 * libudev monitor.  Which properties go out is the caller's policy
 * (hotplug2.udevdb); the header's hashes come from SUBSYSTEM, DEVTYPE and
 * TAGS among them.  The sending socket is opened on first use and joins
 * no group, so nothing is ever queued on it.  Returns true, or nil and a
 * message (refused properties, or sendto's error: group 2 needs
 * CAP_NET_ADMIN).
 */
static int
l_udev_broadcast(lua_State *L)
{
	struct lcore	*c = core_of(L);
	char		 props[UDEVMSG_MAX], msg[UDEVMSG_MAX];
	const char	*why = NULL;
	size_t		 len, msglen;

	if ((len = props_of_args(L, props, sizeof(props), &why)) == 0 ||
	    (msglen = udevmsg_build(msg, sizeof(msg), props, len, &why)) == 0) {
		lua_pushnil(L);
		lua_pushstring(L, why);
		return 2;
	}
	if (c->udevfd == -1 && (c->udevfd = netlink_open(0, 0, NULL)) == -1)
		goto fail;
	if (netlink_multicast(c->udevfd, UDEVMSG_GROUP, msg, msglen) == -1)
		goto fail;
	lua_pushboolean(L, 1);
	return 1;
fail:
	lua_pushnil(L);
	lua_pushfstring(L, "unable to send to libudev's group: %s",
	    strerror(errno));
	return 2;
}

/*
 * core.usec(): CLOCK_MONOTONIC in microseconds, the clock of udev's
 * USEC_INITIALIZED (a double holds it exactly for 285 years of uptime).
 */
static int
l_usec(lua_State *L)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	lua_pushnumber(L, (lua_Number)now.tv_sec * 1000000 +
	    (lua_Number)(now.tv_nsec / 1000));
	return 1;
}

void
ludev_close(struct lcore *c)
{
	if (c->udevfd != -1)
		close(c->udevfd);
	c->udevfd = -1;
}

const luaL_Reg	ludev_funcs[] = {
	{ "properties_text",	l_properties_text },
	{ "udev_broadcast",	l_udev_broadcast },
	{ "udev_properties",	l_udev_properties },
	{ "usec",		l_usec },
	{ NULL,			NULL }
};
