/* core.udev_broadcast: an event's final properties re-sent in libudev's format on netlink group 2, for libudev clients. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "lcorelib.h"
#include "netlink.h"
#include "udevmsg.h"

/*
 * core.udev_broadcast({ "ACTION=add", "DEVPATH=...", ... }): one message,
 * header and properties, multicast to every libudev monitor.  Which
 * properties go out and in what order is the caller's policy
 * (hotplug2.udevdb); the header's hashes come from SUBSYSTEM, DEVTYPE and
 * TAGS among them.  The sending socket is opened on first use and joins
 * no group, so nothing is ever queued on it.  Returns true, or nil and a
 * message (a refused list, or sendto's error: group 2 needs
 * CAP_NET_ADMIN).
 */
static int
l_udev_broadcast(lua_State *L)
{
	struct lcore	*c = core_of(L);
	char		 props[UDEVMSG_MAX], msg[UDEVMSG_MAX];
	const char	*kv, *why = NULL;
	size_t		 len = 0, n, i, count, msglen;

	luaL_checktype(L, 1, LUA_TTABLE);
	count = lua_objlen(L, 1);
	for (i = 1; i <= count; i++) {
		lua_rawgeti(L, 1, (int)i);
		if ((kv = lua_tolstring(L, -1, &n)) == NULL)
			return luaL_error(L, "udev_broadcast: property %d is "
			    "not a string", (int)i);
		if (memchr(kv, '\0', n) != NULL)
			return luaL_error(L, "udev_broadcast: property %d "
			    "holds a NUL", (int)i);
		if (n + 1 > sizeof(props) - len) {
			lua_pushnil(L);
			lua_pushliteral(L, "message too long for a libudev "
			    "receiver");
			return 2;
		}
		memcpy(props + len, kv, n + 1);
		len += n + 1;
		lua_pop(L, 1);
	}
	if ((msglen = udevmsg_build(msg, sizeof(msg), props, len, &why)) == 0) {
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
	{ "udev_broadcast",	l_udev_broadcast },
	{ "usec",		l_usec },
	{ NULL,			NULL }
};
