-- udev's builtins (IMPORT{builtin}="path_id" and the like) as Lua: properties of a device
-- computed from sysfs under the root, with no fork, by name.
--
--   local b = require("hotplug2.builtins").new(core)
--   b.run("path_id", ev)   -- { { "ID_PATH", "pci-0000:00:02.0" }, { "ID_PATH_TAG", ... } }
--
-- A builtin is a module hotplug2.NAME (listed in M.names) that returns
--   function(ctx, ev) -> list of { KEY, VALUE } pairs, in the order udev sets them
-- (an empty list when the device has none of them).  ctx holds
--   core  the core (hotplug2.core or the testing proxy)
--   dev   hotplug2.device.new(core): info, parent, ancestors, find
--   attr  function(devpath, name) -> the attribute without its trailing newline, or nil
-- Handlers call them as import_builtin(ev, "path_id") (see actions.lua).
local device = require "hotplug2.device"

local M = {}

-- The builtins handlers may import, by name: one per line.
M.names = {
	"blkid",
	"input_id",
	"path_id",
	"storage_id",
	"usb_id",
}
local known = {}
for _, name in ipairs(M.names) do known[name] = true end

function M.known(name)
	return known[name] == true
end

function M.new(core)
	local ctx = { core = core, dev = device.new(core) }
	function ctx.attr(devpath, name)
		local text = core.read("sys" .. devpath .. "/" .. name, "sys")
		if text == nil then return nil end
		return (text:gsub("\n$", ""))
	end
	local loaded = {}
	local B = {}
	-- run(name, ev): the builtin's pairs for ev; raises for an unknown name.
	function B.run(name, ev)
		local f = loaded[name]
		if not f then
			if not known[name] then
				local list = table.concat(M.names, ", ")
				error(("unknown builtin %q (there are: %s)"):format(tostring(name),
					list ~= "" and list or "none"), 0)
			end
			f = require("hotplug2." .. name)
			loaded[name] = f
		end
		return f(ctx, ev) or {}
	end
	return B
end

return M
