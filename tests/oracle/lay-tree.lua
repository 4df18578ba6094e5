-- Lay a tree module's fake sysfs (tests/lua/trees/NAME.lua) under DIR/sys, as hotplug2.testing lays it.
-- usage: lua5.1 tests/oracle/lay-tree.lua TREE.lua DIR   (prints the tree's queries, one a line)
local tree_file, dir = arg[1], arg[2]
local testing = require "hotplug2.testing"
local tree = dofile(tree_file)
local hp = testing.new { scripts = { { "none.lua", "" } }, sysfs = tree.sysfs }
assert(os.execute(("cp -a '%s/sys' '%s/'"):format(hp.root, dir)) == 0)
hp:close()
for _, q in ipairs(tree.queries) do print(q) end
