/* The string library handlers see: Lua 5.1's own, with find, match, gmatch, gsub and rep bounded by the handler's budget. */
#ifndef HOTPLUG2_LSTRPAT_H
#define HOTPLUG2_LSTRPAT_H

#include <lua.h>

/*
 * Push the state's handler string library: a copy of the string table
 * with the bounded functions, made on the first call and from then on
 * also the strings' metatable __index, so that s:find is bounded too.
 * Later calls push the same table.  Lua-callable (core.string_library).
 */
int	lstrpat_library(lua_State *L);

/* Set find, gmatch, gsub, match and rep of the table on the top of the stack to the bounded ones. */
void	lstrpat_push_functions(lua_State *L);

#endif
