-- Puts the source tree's lua/ and the build tree's C module and generated
-- modules (hotplug2.paths) on the search paths for busted.
local source = os.getenv("HOTPLUG2_SOURCE_DIR") or "."
local build = os.getenv("HOTPLUG2_BUILD_DIR") or (source .. "/build")

package.path = source .. "/lua/?.lua;" .. source .. "/lua/?/init.lua;"
	.. build .. "/lua/?.lua;" .. package.path
package.cpath = build .. "/lua/?.so;" .. package.cpath
