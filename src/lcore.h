/* hotplug2.core: the C functions Lua scripts reach, the same code in the daemon and in the loadable Lua module. */
#ifndef HOTPLUG2_LCORE_H
#define HOTPLUG2_LCORE_H

#include <lua.h>

/* Lua's budget per protected call unless set_budget changes it. */
#define LCORE_BUDGET_MS		200

int	luaopen_hotplug2_core(lua_State *L);

/*
 * The one way into Lua: call the function below nargs arguments on the
 * stack, with a traceback handler under it and the time budget armed.
 * On error the message and traceback are logged (prefixed with what,
 * when not NULL), garbage is collected, the error message (without the
 * traceback) is left on the stack in place of the results, and the
 * lua_pcall status is returned.  It allocates nothing outside the
 * protected call, so it is safe when the memory cap is reached.  Needs
 * luaopen_hotplug2_core to have run in L.
 */
int	lcore_pcall(lua_State *L, int nargs, int nresults, const char *what);

#endif
