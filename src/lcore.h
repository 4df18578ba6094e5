/* hotplug2.core: the C functions Lua scripts reach, the same code in the daemon and in the loadable Lua module. */
#ifndef HOTPLUG2_LCORE_H
#define HOTPLUG2_LCORE_H

#include <lua.h>

/* Lua's budget per protected call unless set_budget changes it. */
#define LCORE_BUDGET_MS		200
/*
 * What the scripts' memory may grow to, unless the daemon's options say
 * otherwise.  The default scripts need about 200 KiB; the cap only
 * stops a script that leaks from taking the daemon's memory with it.
 */
#define LCORE_MEM_CAP		(8 * 1024 * 1024)
/* The error of a protected call that reached the cap, in every runner. */
#define LCORE_NOMEM	"not enough memory: the scripts reached their memory cap"

struct uevent;

int	luaopen_hotplug2_core(lua_State *L);

/*
 * Push ev as the table handlers receive: every variable, ACTION and
 * DEVPATH from the header when the variables lack them, and a
 * synthesized MODALIAS when the kernel sent none and the bus variables
 * allow one.  The daemon and core.events share it.
 */
void	lcore_push_event(lua_State *L, const struct uevent *ev);

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

/*
 * For C functions that loop where the count hook cannot see (the
 * handlers' pattern matcher): raise the budget's error, "file:line:
 * aborted: ...", with the line of the Lua code that called the C
 * function, when the protected call running now has used up its budget
 * or the daemon was asked to stop.  Returns when neither is so, or when
 * no protected call is running.
 */
void	lcore_budget_check(lua_State *L);

#endif
