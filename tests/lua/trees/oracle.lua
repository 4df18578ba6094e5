-- Reading udev's recorded answers (tests/lua/trees/*.expected) and asking a builtin the same questions.
local testing = require "hotplug2.testing"
local core = require "hotplug2.core"
local builtins = require "hotplug2.builtins"
local support = dofile("tests/lua/support.lua")

local M = {}
M.dir = support.source .. "/tests/lua/trees/"

-- An .expected file: "== DEVPATH" then that device's KEY=VALUE lines, in udev's order.  Returns
-- { [DEVPATH] = { { KEY, VALUE }, ... } } and the DEVPATHs in order.
function M.expected(name)
	local text = assert(support.read(M.dir .. name), "no " .. M.dir .. name)
	local answers, order, current = {}, {}, nil
	for line in text:gmatch("[^\n]+") do
		local devpath = line:match("^== (.*)$")
		if devpath then
			current = {}
			answers[devpath] = current
			order[#order + 1] = devpath
		elseif not line:find("^#") then
			local k, v = line:match("^([^=]+)=(.*)$")
			current[#current + 1] = { k, v }
		end
	end
	return answers, order
end

-- What a builtin answers for each DEVPATH of queries, the event read from sysfs as the kernel
-- would send it: { [DEVPATH] = { { KEY, VALUE }, ... } }.  o is testing.new's options.
function M.answers(builtin, queries, o)
	o.scripts = o.scripts or { { "none.lua", "" } }
	local hp = testing.new(o)
	hp:activate()
	local b = builtins.new(core)
	local got = {}
	for _, q in ipairs(queries) do got[q] = b.run(builtin, hp:sysfs_event(q)) end
	hp:close()
	return got
end

return M
