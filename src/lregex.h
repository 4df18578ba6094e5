/* hotplug2.core's POSIX extended regular expressions (core.regex). */
#ifndef HOTPLUG2_LREGEX_H
#define HOTPLUG2_LREGEX_H

#include <lua.h>

/* Add regex to the core's function table on the top of the stack. */
void	lregex_register(lua_State *L);

#endif
