-- The device tree under ROOT/sys as udev's rules see it: a device's kernel name, subsystem, driver
-- and type, and its ancestors, read through the core (never outside ROOT/sys).
--
--   local d = require("hotplug2.device").new(core)
--   d.info("/devices/.../ttyACM0")      -- { devpath, kernel, subsystem, driver, devtype } or nil
--   d.parent(devpath, "usb", "usb_device")   -- the nearest ancestor with that subsystem (and type)
--   d.find(devpath, spec)               -- the device or nearest ancestor for which spec holds
--
-- spec is udev's SUBSYSTEMS/KERNELS/DRIVERS/ATTRS: { SUBSYSTEM = c, KERNEL = c, DRIVER = c,
-- DEVTYPE = c, DEVPATH = c, ATTRS = { name = c, ... } }, every c a match condition (a string,
-- glob, pattern, present, absent, a list or a function), all holding for the same device.
local match = require "hotplug2.match"

local M = {}

-- Every walk up the tree (parent(), find_parent(), a match's parents, the builtins) asks for the
-- same few devices again within one event, and each answer costs a uevent read and two readlinks
-- under the root.  Answers are kept for one event: M.next_event() (the runner calls it before
-- each event's handlers) forgets them all, so no event sees another's tree.
local generation = 0
function M.next_event()
	generation = generation + 1
end

local SPEC_KEYS = { SUBSYSTEM = "subsystem", KERNEL = "kernel", DRIVER = "driver",
	DEVTYPE = "devtype", DEVPATH = "devpath" }

local function basename(p)
	return p and p:match("([^/]+)/*$")
end

-- The parent of a DEVPATH, or nil at the top ("/devices").
local function up(devpath)
	local p = devpath:match("^(.*)/[^/]+$")
	if p == nil or p == "" or p == "/devices" then return nil end
	return p
end
M.up = up

-- A DEVPATH handlers may walk: absolute, no "..", no empty part.
local function usable(devpath)
	return type(devpath) == "string" and devpath:sub(1, 1) == "/"
		and not devpath:find("..", 1, true) and not devpath:find("//", 1, true)
end
M.usable = usable

local function check_devpath(fname, devpath)
	if not usable(devpath) then
		error(("%s: not a usable DEVPATH: %s"):format(fname,
			type(devpath) == "string" and ("%q"):format(devpath) or type(devpath)), 3)
	end
end

-- Compile a spec into test(info, attr) -> boolean, once.  Raises a
-- message naming the bad entry.
function M.compile_spec(spec)
	if type(spec) ~= "table" then
		error("a parent match must be a table such as { SUBSYSTEM = \"usb\" }, not a " .. type(spec), 0)
	end
	local tests = {}
	for k, want in pairs(spec) do
		if k == "ATTRS" then
			if type(want) ~= "table" then
				error("ATTRS must be a table of attribute = condition", 0)
			end
			for name, w in pairs(want) do
				if type(name) ~= "string" or name == "" or name:find("^/") or name:find("..", 1, true) then
					error(("ATTRS: bad attribute name %s"):format(tostring(name)), 0)
				end
				local f = match.condition("ATTRS." .. name, w)
				tests[#tests + 1] = function(_, attr) return f(attr(name)) end
			end
		elseif SPEC_KEYS[k] then
			local field, f = SPEC_KEYS[k], match.condition(k, want)
			tests[#tests + 1] = function(info) return f(info[field]) end
		else
			error(("a parent match takes SUBSYSTEM, KERNEL, DRIVER, DEVTYPE, DEVPATH and ATTRS, not %s")
				:format(tostring(k)), 0)
		end
	end
	local n = #tests
	return function(info, attr)
		for i = 1, n do
			if not tests[i](info, attr) then return false end
		end
		return true
	end
end

function M.new(core)
	local D = {}

	local function read(devpath, name)
		local text = core.read("sys" .. devpath .. "/" .. name, "sys")
		if text == nil then return nil end
		return (text:gsub("\n$", ""))
	end

	local known, known_generation = {}, generation

	local function lookup(devpath)
		local uevent = core.read("sys" .. devpath .. "/uevent", "sys")
		local subsystem = basename(core.readlink("sys" .. devpath .. "/subsystem"))
		if uevent == nil and subsystem == nil then return false end
		return {
			devpath = devpath,
			kernel = basename(devpath),
			subsystem = subsystem,
			driver = basename(core.readlink("sys" .. devpath .. "/driver")),
			devtype = uevent and uevent:match("%f[^\n%z]DEVTYPE=([^\n]*)"),
		}
	end

	-- What udev calls the device: nil when ROOT/sys has no such device.  A copy of the
	-- event's answer, so that a handler that changes it changes nothing for the next.
	function D.info(devpath)
		check_devpath("device.info", devpath)
		if known_generation ~= generation then
			known, known_generation = {}, generation
		end
		local info = known[devpath]
		if info == nil then
			info = lookup(devpath)
			known[devpath] = info
		end
		if not info then return nil end
		return { devpath = info.devpath, kernel = info.kernel, subsystem = info.subsystem,
			driver = info.driver, devtype = info.devtype }
	end

	-- An attribute of a device, without its trailing newline, or nil.
	function D.attr(devpath, name)
		return read(devpath, name)
	end

	-- The device itself, then each ancestor that is a device, nearest first.
	function D.ancestors(devpath)
		check_devpath("device.ancestors", devpath)
		local p = devpath
		return function()
			while p do
				local info = D.info(p)
				p = up(p)
				if info then return info end
			end
			return nil
		end
	end

	-- udev's udev_device_get_parent_with_subsystem_devtype: the nearest
	-- ancestor (never the device itself) of that subsystem and type.
	function D.parent(devpath, subsystem, devtype)
		check_devpath("parent", devpath)
		local p = up(devpath)
		while p do
			local info = D.info(p)
			if info and (subsystem == nil or info.subsystem == subsystem)
				and (devtype == nil or info.devtype == devtype) then
				return info
			end
			p = up(p)
		end
		return nil
	end

	-- The device or nearest ancestor for which the compiled spec holds.
	function D.find(devpath, test)
		for info in D.ancestors(devpath) do
			local p = info.devpath
			if test(info, function(name) return read(p, name) end) then return info end
		end
		return nil
	end

	return D
end

return M
