-- Lay a tree module's fake sysfs (tests/lua/trees/NAME.lua) under DIR/sys, as hotplug2.testing lays it.
-- usage: lua5.1 tests/oracle/lay-tree.lua TREE.lua DIR [laptop]   (prints the queries, one a line)
-- With laptop: the laptop fixture instead, amended by the tree's laptop(DIR).
local tree_file, dir = arg[1], arg[2]
local testing = require "hotplug2.testing"
local tree = dofile(tree_file)
local which = arg[3] or "sysfs"
if which == "laptop" then
	-- The laptop fixture, as the tree amends it.
	local src = tree_file:match("^(.*)/tests/lua/trees/") or "."
	assert(os.execute(("tar -xJf '%s/tests/fixtures/sysfs-laptop.tar.xz' -C '%s'"):format(src, dir)) == 0)
	tree.laptop(dir)
	for _, q in ipairs(tree.laptop_queries) do print(q) end
	return
end
local hp = testing.new { scripts = { { "none.lua", "" } }, sysfs = tree.sysfs }
assert(os.execute(("cp -a '%s/sys' '%s/'"):format(hp.root, dir)) == 0)
hp:close()
for _, q in ipairs(tree.queries) do print(q) end
-- Devices to ask about as their "change" event, after the rest.
for _, q in ipairs(tree.change_queries or {}) do print("change " .. q) end
