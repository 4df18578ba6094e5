-- Test handler files with busted: load them as the daemon does, feed it events, get back the actions they took.
--
--   local testing = require "hotplug2.testing"
--   local hp = testing.new { config_dir = "rules", group = { dialout = 20 } }
--   local acts = hp:handle { ACTION = "add", DEVPATH = "/devices/...", ... }
--   assert.are.same({ { "mknod", path = "/dev/ttyUSB0", ... } }, acts)
--
-- The runner, the file environments, the matcher, modules.alias resolution,
-- MODALIAS synthesis and the passwd/group parser are the daemon's own (the
-- real hotplug2.core C module).  Only the side effects are recorded instead
-- of done: nothing needs root or a kernel, and nothing outside a scratch
-- directory is touched.  docs/testing-rules.md is the tutorial;
-- docs/lua-api.md lists the options.
local runner = require "hotplug2.runner"
local actions = require "hotplug2.actions"
local core = require "hotplug2.core"
local paths = require "hotplug2.paths"

local M = {}
local Harness = {}
Harness.__index = Harness

-- There is one core per Lua state: the object it is set up for now.
local active

local DEFAULT_PASSWD = "root:x:0:0:root:/root:/bin/sh\n"
local DEFAULT_GROUP = "root:x:0:\n"

-- M.read(path): a file's bytes (a recording, a uevent file), or an error.
function M.read(path)
	local f, err = io.open(path, "rb")
	if not f then error(err, 2) end
	local s = f:read("*a")
	f:close()
	return s
end

-- M.filter(acts, "mknod"): the actions of one kind, in order.
function M.filter(acts, kind)
	local t = {}
	for _, a in ipairs(acts) do
		if a[1] == kind then t[#t + 1] = a end
	end
	return t
end

-- M.describe(act): the line a dry run prints for an action.
M.describe = actions.describe

-- A copy, one level deep and for lists one more (argv, modules).
local function copy(t)
	local c = {}
	for k, v in pairs(t) do
		if type(v) == "table" then
			local cv = {}
			for k2, v2 in pairs(v) do cv[k2] = v2 end
			v = cv
		end
		c[k] = v
	end
	return c
end

-- One message in the kernel's wire format: the header, ACTION, DEVPATH,
-- then vars, a list of "KEY=VALUE" strings.
local function wire_message(action, devpath, vars)
	local parts = { action .. "@" .. devpath, "ACTION=" .. action, "DEVPATH=" .. devpath }
	for _, v in ipairs(vars) do parts[#parts + 1] = v end
	return table.concat(parts, "\0") .. "\0"
end

-- An event table in the kernel's wire format, so that it reaches the
-- handlers through the same code as a netlink message.
local function wire(ev, level)
	if type(ev) ~= "table" then
		error("an event is a table of variables, not a " .. type(ev), level)
	end
	local action, devpath = ev.ACTION, ev.DEVPATH
	if type(action) ~= "string" or type(devpath) ~= "string" then
		error("an event needs ACTION and DEVPATH", level)
	end
	local keys = {}
	for k, v in pairs(ev) do
		if type(k) ~= "string" then
			error(("event keys are variable names, not %s"):format(tostring(k)), level)
		end
		if type(v) ~= "string" and type(v) ~= "number" then
			error(("event variable %s is a %s: values are strings"):format(k, type(v)), level)
		end
		if k ~= "ACTION" and k ~= "DEVPATH" then keys[#keys + 1] = k end
	end
	table.sort(keys)
	for i, k in ipairs(keys) do keys[i] = k .. "=" .. tostring(ev[k]) end
	return wire_message(action, devpath, keys)
end

-- "0700" directories and files in a scratch root, all remembered for removal.
local function scratch()
	-- mkstemp made the name, so it is ours: the directory goes beside it,
	-- and is used only if it is ours too.
	local marker = os.tmpname()
	local dir, base = marker:match("^(.*)/([^/]+)$")
	core.set_root(dir)
	local ok, err = pcall(core.mkdir, base .. ".d", "0700")
	local st = ok and core.lstat(base .. ".d")
	local mine = core.lstat(base)
	if not st or st.type ~= "d" or st.mode ~= 448 or not mine or st.uid ~= mine.uid then
		os.remove(marker)
		error("unable to create a scratch directory beside " .. marker .. ": "
			.. tostring(err or "it exists"), 3)
	end
	return marker .. ".d", { marker, marker .. ".d" }
end

-- Remove what a scratch root holds, deepest first.
local function remove_tree(paths)
	table.sort(paths, function(a, b) return #a > #b end)
	for _, p in ipairs(paths) do os.remove(p) end
end

function Harness:mkdirs(rel)
	local path = ""
	for comp in rel:gmatch("[^/]+") do
		path = path == "" and comp or path .. "/" .. comp
		-- A link (sysfs's device/) is gone through, not replaced.
		if not core.exists(path) then
			core.mkdir(path, "0755")
			self.created[#self.created + 1] = self.root .. "/" .. path
		end
	end
end

-- Write ROOT/rel (rel without a leading /).
function Harness:write(rel, text)
	rel = rel:gsub("^/+", "")
	local parent = rel:match("^(.*)/[^/]+$")
	if parent then self:mkdirs(parent) end
	local f = assert(io.open(self.root .. "/" .. rel, "wb"))
	f:write(text)
	f:close()
	self.created[#self.created + 1] = self.root .. "/" .. rel
end

-- Subsystems that are buses: their devices' subsystem link leads to
-- /sys/bus/NAME, every other subsystem's (a class) to /sys/class/NAME.
local BUSES = {}
for name in ([[acpi amba ccw cpu gameport gpio hid i2c ieee1394 mdio_bus memory mmc
	node pci pci_express platform pnp scsi sdio serio spi usb usb-serial virtio
	xen]]):gmatch("%S+") do BUSES[name] = true end

local function components(path)
	local t = {}
	for c in path:gmatch("[^/]+") do t[#t + 1] = c end
	return t
end

-- The target of a link in directory from to directory to, both under the
-- root, written as the kernel writes it: up to the common ancestor of
-- from and to's parent, then down ("../../../virtio2", "../../../bus/usb").
local function link_target(from, to)
	local f, t = components(from), components(to)
	local common = 0
	while common < #f and common < #t - 1 and f[common + 1] == t[common + 1] do
		common = common + 1
	end
	return ("../"):rep(#f - common) .. table.concat(t, "/", common + 1)
end

-- The links the kernel lays in a device's directory (rel, "sys/devices/..."):
-- subsystem; device, to the parent device, for a class device; driver, for
-- a device on a bus that names one.
local function lay_links(self, rel, dev)
	local function link(name, to)
		self:mkdirs(to)
		core.symlink(link_target(rel, to), rel .. "/" .. name)
		self.created[#self.created + 1] = self.root .. "/" .. rel .. "/" .. name
	end
	local sub = dev.subsystem
	if not sub then return end
	local bus = BUSES[sub]
	link("subsystem", (bus and "sys/bus/" or "sys/class/") .. sub)
	if bus and dev.driver then
		link("driver", "sys/bus/" .. sub .. "/drivers/" .. dev.driver)
	end
	local parent, name = rel:match("^(.*)/([^/]+)$")
	if bus or rel:find("^sys/devices/virtual/") then return end
	-- A class device sits in its parent's SUBSYSTEM/ directory
	-- (.../virtio2/net/eth0), or right below its parent (input5/event5).
	local glue = parent:match("/([^/]+)$")
	if glue == sub then parent = parent:match("^(.*)/[^/]+$") end
	if parent ~= "sys/devices" and name then link("device", parent) end
end

-- { name = id } -> passwd or group text; text is kept as it is.
local function names_file(v, kind)
	if v == nil then return kind == "passwd" and DEFAULT_PASSWD or DEFAULT_GROUP end
	if type(v) == "string" then return v end
	local names = {}
	for name in pairs(v) do names[#names + 1] = name end
	table.sort(names, function(a, b) return v[a] < v[b] or (v[a] == v[b] and a < b) end)
	local lines = {}
	if v.root == nil then
		lines[1] = kind == "passwd" and DEFAULT_PASSWD:sub(1, -2) or DEFAULT_GROUP:sub(1, -2)
	end
	for _, name in ipairs(names) do
		if kind == "passwd" then
			lines[#lines + 1] = ("%s:x:%d:%d::/:/bin/false"):format(name, v[name], v[name])
		else
			lines[#lines + 1] = ("%s:x:%d:"):format(name, v[name])
		end
	end
	return table.concat(lines, "\n") .. "\n"
end

-- Point the core at this object's root, aliases and budget, and keep it
-- quiet: errors and log lines are collected here instead.
function Harness:activate()
	if active ~= self then
		core.set_root(self.root)
		core.load_aliases(self.alias_file)
		core.set_budget(self.budget_ms)
		-- The daemon's memory cap, counted from the start of each call.
		core.set_memory_cap()
		active = self
	end
end

local function quietly(self, f, ...)
	self:activate()
	local old = core.set_verbose(-1)
	local r = { pcall(f, ...) }
	core.set_verbose(old)
	if not r[1] then error(r[2], 0) end
	return unpack(r, 2, table.maxn(r))
end

--[[
testing.new(options) loads handler files and returns a test object:
  config_dir = DIR            every *.lua in DIR, in lexical order, as the daemon loads them
  scripts = { FILE, ... }     these files in this order; an entry may be { NAME, SOURCE }
  passwd, group               text of /etc/passwd and /etc/group, or { name = id }
                              (default: root only)
  modules_alias = TEXT        the modules.alias that load_modules resolves with
  modules_alias_file = FILE   or a file of it (default: none, nothing resolves)
  loaded = { NAME, ... }      modules already loaded (/sys/module/NAME)
  files = { [PATH] = TEXT }   more files under the root (/lib/firmware/..., /etc/hotplug.d/...)
  sysfs = DIR or { [DEVPATH] = { uevent = TEXT, subsystem = NAME, driver = NAME,
                                 attrs = { [NAME] = TEXT } } }
                              where device() reads uevent files (default ROOT/sys);
                              attrs are the files attr() and parent_attr() read; the
                              subsystem, driver and device links are laid as the kernel does
  root = DIR                  instead of the above: an existing tree that stands for /,
                              read and never written
  modprobe = PROG             as --modprobe (default /sbin/modprobe)
  run = STATUS or function(argv, env) -> STATUS [, OUTPUT]
                              what run() returns (default 0), and the output
                              run(..., { capture = true }) and import_program() read
  budget_ms = MS              each handler call's budget (default 200)
  allow_problems = true       do not raise when a file fails to load (see .problems)
]]
function M.new(o)
	o = o or {}
	if (o.config_dir == nil) == (o.scripts == nil) then
		error("testing.new needs config_dir = DIR or scripts = { FILE, ... }", 2)
	end
	-- The core is about to point elsewhere.
	active = nil
	local self = setmetatable({
		log = {}, problems = nil, created = {},
		budget_ms = o.budget_ms or 200,
	}, Harness)
	if o.root then
		for _, k in ipairs { "passwd", "group", "modules_alias", "loaded", "files", "sysfs" } do
			if o[k] ~= nil and (k ~= "sysfs" or type(o.sysfs) == "table") then
				error(("testing.new: %s cannot be combined with root (put it in the tree)"):format(k), 2)
			end
		end
		self.root = o.root
		core.set_root(self.root)
	else
		local ok, root, created = pcall(scratch)
		if not ok then error(root, 2) end
		self.root, self.created = root, created
		core.set_root(root)
		-- Removed when the object is collected (or by hp:close()).
		self.gc = newproxy(true)
		getmetatable(self.gc).__gc = function() remove_tree(created) end
		self:write("etc/passwd", names_file(o.passwd, "passwd"))
		self:write("etc/group", names_file(o.group, "group"))
		for _, name in ipairs(o.loaded or {}) do self:mkdirs("sys/module/" .. name) end
		for path, text in pairs(o.files or {}) do self:write(path, text) end
		if type(o.sysfs) == "table" then
			-- Directories and links first: an attribute such as
			-- device/model is written through the device link, into
			-- the parent device, as the kernel shows it.
			local devpaths = {}
			for devpath in pairs(o.sysfs) do devpaths[#devpaths + 1] = devpath end
			table.sort(devpaths)
			for _, devpath in ipairs(devpaths) do
				local rel = "sys/" .. devpath:gsub("^/+", "")
				self:write(rel .. "/uevent", o.sysfs[devpath].uevent or "")
			end
			for _, devpath in ipairs(devpaths) do
				lay_links(self, "sys/" .. devpath:gsub("^/+", ""), o.sysfs[devpath])
			end
			for _, devpath in ipairs(devpaths) do
				local rel = "sys/" .. devpath:gsub("^/+", "")
				for name, text in pairs(o.sysfs[devpath].attrs or {}) do
					self:write(rel .. "/" .. name, text)
				end
			end
		end
	end
	self.sysfs = type(o.sysfs) == "string" and o.sysfs or self.root .. paths.sysfs
	if o.modules_alias_file then
		self.alias_file = o.modules_alias_file
	else
		self.alias_file = self.root .. "/.modules.alias"
		if o.root then error("testing.new: with root, give modules_alias_file", 2) end
		self:write(".modules.alias", o.modules_alias or "")
	end
	local run = o.run or 0

	-- The core as handlers see it, but logging into self.log, and with
	-- the root standing for / (rooted("/etc/x") is "/etc/x", as in a
	-- daemon started without --root).
	-- hp:advance_clock(seconds) moves the clock load_modules' retries read.
	self.clock_offset = 0
	local proxy = setmetatable({
		log = function(level, msg) self.log[#self.log + 1] = { level, msg } end,
		print = function() end,
		root = function() return "/" end,
		now = function() return core.now() + self.clock_offset end,
	}, { __index = core })
	-- The recorder: the report above records every change; none is made
	-- on the system.  In a scratch root, links, stand-ins for nodes (empty
	-- files) and the records of who owns each link are made under it, so
	-- that later events see them: the unplug of a device releases the
	-- links its plug claimed.  A given root is only read: the owners of
	-- links are those its records say, and no event changes them.
	local scratch_root = not o.root
	local function place(path)
		if not scratch_root then return end
		self:mkdirs(path:match("^(.*)/[^/]+$"))
		if not core.exists(path) then
			self.created[#self.created + 1] = self.root .. "/" .. path
		end
	end
	local sys = {
		-- links.lua: a given root's records stay as they are.
		pretend = not scratch_root,
		mknod = function(path)
			if not scratch_root then return end
			place(path)
			pcall(core.unlink, path)
			local f = io.open(self.root .. "/" .. path, "w")
			if f then f:close() end
		end,
		symlink = function(target, path)
			if not scratch_root then return end
			place(path)
			core.symlink(target, path)
		end,
		-- hotplug2's own records (the owners of links, under run/):
		-- written in a scratch root, so that a later event, or a new
		-- object over the same root, reads them back.
		write = function(path, text)
			if not scratch_root then return end
			place(path)
			core.write(path, text)
		end,
		chmod = function() end, chown = function() end,
		spawn = function() return true end, firmware = function() return true end,
		-- remove_node and remove_link say whether something was there.
		unlink = function(path, prune)
			if scratch_root then return core.unlink(path, prune) end
			return core.exists(path)
		end,
		run = function(argv, env, _, capture)
			local status, out = run, ""
			if type(run) == "function" then status, out = run(copy(argv), copy(env)) end
			if capture then return status, out or "" end
			return status
		end,
	}
	local config = actions.default_config()
	if o.modprobe then config.modprobe[1] = o.modprobe end
	self.runner = runner.new {
		core = proxy, sys = sys, config = config,
		report = function(act) self.acts[#self.acts + 1] = actions.with_where(copy(act), act.where) end,
		call = function(f, ...)
			local r = { core.pcall(f, ...) }
			if not r[1] then self.failures[#self.failures + 1] = r[2] end
			return unpack(r, 1, table.maxn(r))
		end,
	}
	self.acts, self.failures = {}, {}
	local ok, err = pcall(quietly, self, function()
		if o.config_dir then
			self.runner:load_dir(o.config_dir)
		else
			for _, s in ipairs(o.scripts) do
				if type(s) == "table" then
					self.runner:load_file(s[1], s[2])
				else
					self.runner:load_file(s)
				end
			end
		end
	end)
	if not ok then error(err, 2) end
	self.problems = self.runner.problems
	self.files = self.runner.files
	if #self.problems > 0 and not o.allow_problems then
		error("the handler files do not load:\n\t" .. table.concat(self.problems, "\n\t"), 2)
	end
	return self
end

-- Move the clock handlers see (load_modules' retries) forward by seconds.
function Harness:advance_clock(seconds)
	self.clock_offset = self.clock_offset + seconds
end

-- Remove the scratch root now rather than when the object is collected.
function Harness:close()
	if self.gc then
		remove_tree(self.created)
		self.created, self.gc = {}, nil
	end
	if active == self then active = nil end
end

-- One event through the handlers: the actions, the failures, the event
-- as the last handler left it.
function Harness:run_event(ev)
	self.acts, self.failures = {}, {}
	quietly(self, function() self.runner:handle(ev) end)
	return self.acts, self.failures, ev
end

-- The event as the daemon would hand it to handlers: from the wire
-- format, with MODALIAS synthesized when the kernel sent none.
local function to_event(self, ev, level)
	local s = wire(ev, level + 1)
	return quietly(self, function() return core.events(s)[1] end)
end

function Harness:event(ev)
	return (to_event(self, ev, 3))
end

local function describe_event(ev)
	return ("%s %s"):format(tostring(ev.ACTION), tostring(ev.DEVPATH))
end

local function check(level, acts, failures, ev)
	if #failures > 0 then
		error(("%d handler%s failed on %s:\n\t%s"):format(#failures,
			#failures == 1 and "" or "s", describe_event(ev),
			table.concat(failures, "\n\t")), level)
	end
	return acts, ev
end

-- hp:handle(ev) -> actions, event.  A handler that fails is an error
-- here, with its message (file:line): the spec fails and says why.
function Harness:handle(ev)
	-- Not a tail call: level 3 must be the caller's line in LuaJIT too.
	local acts, out = check(3, self:run_event(to_event(self, ev, 3)))
	return acts, out
end

-- hp:try(ev) -> actions, failures, event: failures are returned, not raised.
function Harness:try(ev)
	local acts, failures, out = self:run_event(to_event(self, ev, 3))
	return acts, failures, out
end

-- The events of a recording (hotplug2 monitor --raw), all of them.
function Harness:events(recording)
	return quietly(self, core.events, recording)
end

-- hp:replay(recording) -> every action of every event, in order, and a
-- list of { event =, actions = } per event.  Raises at the first event
-- a handler fails on.
function Harness:replay(recording)
	local all, per = {}, {}
	local evs = self:events(recording)
	for _, ev in ipairs(evs) do
		local acts = check(3, self:run_event(ev))
		for _, a in ipairs(acts) do all[#all + 1] = a end
		per[#per + 1] = { event = ev, actions = acts }
	end
	return all, per
end

-- hp:sysfs_event(DEVPATH [, ACTION]): the event the kernel sends for a
-- device, from SYSFS/DEVPATH/uevent and its subsystem link.
function Harness:sysfs_event(devpath, action)
	if type(devpath) ~= "string" or devpath:sub(1, 1) ~= "/" then
		error("sysfs_event expects a DEVPATH such as /devices/...", 2)
	end
	local f, err = io.open(self.sysfs .. devpath .. "/uevent", "rb")
	if not f then error("unable to read a uevent file: " .. err, 2) end
	local text = f:read("*a")
	f:close()
	action = action or "add"
	local vars = {}
	local sub = quietly(self, function()
		core.set_root(self.sysfs)
		active = nil
		return core.readlink(devpath:sub(2) .. "/subsystem")
	end)
	if sub then vars[1] = "SUBSYSTEM=" .. sub:match("[^/]*$") end
	for line in text:gmatch("[^\n]+") do vars[#vars + 1] = line end
	local ok, evs = pcall(quietly, self, core.events, wire_message(action, devpath, vars))
	if not ok then error(self.sysfs .. devpath .. "/uevent: " .. evs, 2) end
	return evs[1]
end

-- hp:device(DEVPATH [, ACTION]) -> actions, event: handle that event.
function Harness:device(devpath, action)
	local ev = self:sysfs_event(devpath, action)
	local acts, out = check(3, self:run_event(ev))
	return acts, out
end

return M
