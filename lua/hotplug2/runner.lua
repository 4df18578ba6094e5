-- Loads handler files, each in its own environment, and runs events through their handlers.
--
--   local runner = require "hotplug2.runner"
--   local r = runner.new { core = core }      -- core: hotplug2.core or a fake
--   r:load_dir("/etc/hotplug2")                -- *.lua in lexical order
--   r:handle { ACTION = "add", DEVPATH = "/devices/...", ... }
--
-- Options of runner.new:
--   core     answers questions and logs (required)
--   sys      makes the changes; default core, none when dry_run is set
--   report   function(action, ev) called for every action before it is done
--   dry_run  print every action (through core.print) instead of doing it
--   call     protected call, function(f, ...) -> ok, ...; default core.pcall
--   config   settings handler files see as `config` (see actions.default_config)
--   udev     a hotplug2.udevdb: after each event, udev's database entry and broadcast
local match = require "hotplug2.match"
local actions = require "hotplug2.actions"
local mdev = require "hotplug2.mdev"
local rules = require "hotplug2.rules"
local device = require "hotplug2.device"
local udevdb = require "hotplug2.udevdb"

local M = {}
local Runner = {}
Runner.__index = Runner

-- Returned by a handler to stop further handlers for this event.
local STOP = setmetatable({}, { __tostring = function() return "stop" end })
M.stop = STOP

-- Lua's own functions a handler file may use.
local SAFE = {
	"assert", "error", "ipairs", "next", "pairs", "pcall", "select",
	"tonumber", "tostring", "type", "unpack",
}

-- Lua's libraries a handler file gets its own copy of.  string is the
-- core's bounded one when the core has it (see core.string_library).
local LIBRARIES = { "math", "string", "table" }

local function plain_pcall(f, ...)
	return pcall(f, ...)
end

local function copy(t)
	local c = {}
	for k, v in pairs(t) do c[k] = v end
	return c
end

-- The keys events are dispatched on: a handler whose match compares one
-- of them with a string can only take events with that value (match.compile
-- tests equality first, before any code of the handler's, so leaving the
-- others out changes nothing but the time).
local DISPATCH = { "SUBSYSTEM", "ACTION" }
local NO_KEYS = {}
local NONE = {}	-- the dispatch key of an event without the variable

local function dispatch_keys(m)
	if type(m) ~= "table" then return NO_KEYS end
	local keys
	for _, k in ipairs(DISPATCH) do
		local w = m[k]
		if type(w) == "string" or type(w) == "number" then
			keys = keys or {}
			keys[k] = tostring(w)
		end
	end
	return keys or NO_KEYS
end

-- The handlers that may take an event with SUBSYSTEM sub and ACTION act,
-- in order: the same list for every such event, made once.  Bounded: the
-- values come from the kernel, and a forged event may bring any.
function Runner:candidates(sub, act)
	local d = self.dispatch
	if not d or self.ndispatch >= 256 then
		d = {}
		self.dispatch, self.ndispatch = d, 0
	end
	local bysub = d[sub]
	if not bysub then
		bysub = {}
		d[sub] = bysub
	end
	local list = bysub[act]
	if list then return list end
	list = {}
	for _, h in ipairs(self.handlers) do
		local k = h.keys
		if (k.SUBSYSTEM == nil or k.SUBSYSTEM == sub) and (k.ACTION == nil or k.ACTION == act) then
			list[#list + 1] = h
		end
	end
	bysub[act] = list
	self.ndispatch = self.ndispatch + 1
	return list
end

function M.new(o)
	assert(type(o) == "table" and o.core, "runner.new needs { core = ... }")
	local self = setmetatable({
		core = o.core,
		call = o.call or o.core.pcall or plain_pcall,
		handlers = {},
		dispatch = nil,
		ndispatch = 0,
		files = {},
		problems = {},
		current = nil,
		udev = o.udev,
		udev_state = false,
		the_udev_state = { kernel_text = false, kernel = false, links = false, tags = false,
			tagged = false },
		libraries = {
			math = math, table = table,
			string = o.core.string_library and o.core.string_library() or string,
		},
	}, Runner)
	local report = o.report
	if o.dry_run then
		local print_action = function(act, ev)
			o.core.print(("%s %s: %s"):format(tostring(ev and ev.ACTION),
				tostring(ev and ev.DEVPATH), actions.describe(act)))
		end
		if report then
			local inner = report
			report = function(act, ev) inner(act, ev) print_action(act, ev) end
		else
			report = print_action
		end
	end
	self.report = report
	local sys = o.sys
	if sys == nil and not o.dry_run then sys = o.core end
	if o.dry_run then sys = nil end
	self.actions, self.control = actions.new {
		core = o.core,
		sys = sys,
		report = report and function(act) report(act, self.current) end,
		config = o.config,
		track = function(kind, ev, value) self:track(kind, ev, value) end,
	}
	-- A match's parents = { ... }: the device or an ancestor it holds
	-- for.  It reads sysfs, so it always runs protected.
	local dev = device.new(o.core)
	self.parents = function(spec)
		local test = device.compile_spec(spec)
		return function(ev)
			return device.usable(ev.DEVPATH) and dev.find(ev.DEVPATH, test) ~= nil
		end, true
	end
	self.api = self:make_api()
	return self
end

-- The names every handler file sees.  Reading any other name is an
-- error (a typo such as make_nod fails at once, with file:line).
function Runner:make_api()
	local api = {}
	for _, name in ipairs(SAFE) do api[name] = _G[name] end
	api.present, api.absent, api.pattern = match.present, match.absent, match.pattern
	api.glob, api.except = match.glob, match.except
	api.stop = STOP
	for name, f in pairs(self.actions) do api[name] = f end
	api.print = function(...)
		local t = {}
		for i = 1, select("#", ...) do t[i] = tostring((select(i, ...))) end
		self.core.log("info", table.concat(t, "\t"))
	end
	return setmetatable(api, {
		__index = function(_, k)
			error(("unknown name '%s'"):format(tostring(k)), 2)
		end,
		__newindex = function(_, k)
			error(("cannot change '%s': it belongs to hotplug2"):format(tostring(k)), 2)
		end,
	})
end

-- A file's environment: the api, plus the file's own globals, which it
-- may define while it loads and not after (a handler that assigns to an
-- unknown global is almost always a missing `local`).  Its string, table,
-- math and log are its own copies: what a file changes in them no other
-- file and no part of hotplug2 sees (config is shared on purpose).
-- Strings' methods (s:find) come from the state's string metatable,
-- which handler files cannot reach (getmetatable is not theirs).
function Runner:environment(path)
	local sealed = false
	local env = setmetatable({}, {
		__index = self.api,
		__newindex = function(t, k, v)
			if sealed then
				error(("assignment to undeclared global '%s' (use local)"):format(tostring(k)), 2)
			end
			rawset(t, k, v)
		end,
	})
	for _, name in ipairs(LIBRARIES) do rawset(env, name, copy(self.libraries[name])) end
	local log = self.api.log
	if type(log) == "table" then rawset(env, "log", setmetatable(copy(log), getmetatable(log))) end
	rawset(env, "on", function(m, fn)
		if type(fn) ~= "function" then
			error("on(match, handler): the handler must be a function", 2)
		end
		local ok, test, user = pcall(match.compile, m, self.parents)
		if not ok then error("on(match, handler): " .. tostring(test), 2) end
		for _, kv in ipairs(match.glob_like(m)) do
			-- error's position prefix, "file:line: ", of on's caller.
			local _, where = pcall(error, "", 3)
			self.core.log("warn", ("%s%s = %q compares the text as it is; to match names, "
				.. "write %s = glob %q"):format(where, kv[1], kv[2], kv[1], kv[2]))
		end
		local n = #self.handlers + 1
		self.handlers[n] = { file = path, test = test, user = user, fn = fn,
			index = n, match = m, keys = dispatch_keys(m) }
		self.dispatch = nil
	end)
	-- mdev_conf "/etc/mdev.conf" and hotplug2_rules "/etc/hotplug2.rules"
	-- load a policy file (relative paths from the handler file's
	-- directory), or take the rule tables hotplug2 convert writes, and
	-- register it as one handler taking every event.
	local function loader(name, module)
		return function(src)
			local ok, fn = pcall(module.load, src, { actions = self.actions,
				control = self.control, core = self.core, base = path, stop = STOP })
			if not ok then error(name .. ": " .. tostring(fn), 2) end
			local n = #self.handlers + 1
			self.handlers[n] = { file = path, test = function() return true end,
				fn = fn, index = n, match = {}, keys = NO_KEYS }
			self.dispatch = nil
		end
	end
	rawset(env, "mdev_conf", loader("mdev_conf", mdev))
	rawset(env, "hotplug2_rules", loader("hotplug2_rules", rules))
	return env, function() sealed = true end
end

function Runner:problem(msg)
	self.problems[#self.problems + 1] = msg
end

-- Load one file (or source text named path).  A file that fails is
-- reported and leaves no handlers behind.  Returns true, or false and
-- the message.
function Runner:load_file(path, source)
	local chunk, err
	if source then
		chunk, err = loadstring(source, "@" .. path)
	else
		chunk, err = loadfile(path)
	end
	if not chunk then
		self.core.log("warn", err)
		self:problem(err)
		return false, err
	end
	local env, seal = self:environment(path)
	setfenv(chunk, env)
	local before = #self.handlers
	local ok, rerr = self.call(chunk)
	seal()
	if not ok then
		for i = #self.handlers, before + 1, -1 do self.handlers[i] = nil end
		self.dispatch = nil
		self:problem(rerr)
		return false, rerr
	end
	self.files[#self.files + 1] = path
	return true
end

-- Load every *.lua in dir, in lexical order.  Returns the number of
-- problems.
function Runner:load_dir(dir)
	local ok, files = pcall(self.core.script_files, dir)
	if not ok then
		self.core.log("warn", files)
		self:problem(files)
		return #self.problems
	end
	for _, path in ipairs(files) do self:load_file(path) end
	return #self.problems
end

-- What udev's database and broadcast need from the handlers of one event
-- (see hotplug2.udevdb's record) besides its links: its tags, in order.
function Runner:track(kind, ev, value)
	local st = self.udev_state
	if not st or ev ~= self.current then return end
	if kind == "tag" then
		-- A list of the event's own: the database keeps it.
		local tagged = st.tagged
		if not tagged then
			tagged = {}
			st.tagged, st.tags = tagged, {}
		end
		if not tagged[value] then
			tagged[value] = true
			st.tags[#st.tags + 1] = value
		end
	end
end

-- Run one event through the handlers, in file order and then
-- registration order, then do what they planned (the node, the links,
-- exec's commands; see actions.new), also after a stop and when a
-- handler failed.  Returns the number of handlers, and parts of that
-- work, that failed.  r.last_event is the event's plan and outcome
-- (its shape is described in actions.lua), or false when it planned
-- nothing and its device owns no link.
function Runner:handle(ev)
	local sub, act = ev.SUBSYSTEM, ev.ACTION
	local hs, call, failed = self:candidates(sub == nil and NONE or sub, act == nil and NONE or act), self.call, 0
	local udev = self.udev
	self.current = ev
	device.next_event()
	self.control.begin(ev)
	if udev then
		-- One state table for every event; its tags and links lists are
		-- made when the event has some.  What the kernel sent is kept as
		-- the database's text of it (a string), not as a copy.
		local st = self.the_udev_state
		if udev.kernel_text then
			st.kernel_text, st.kernel = udev:kernel_text(ev), false
		else
			st.kernel_text, st.kernel = false, copy(ev)
		end
		st.links, st.tags, st.tagged = false, false, false
		self.udev_state = st
	end
	for i = 1, #hs do
		local h = hs[i]
		local hit
		if h.user then
			local ok, r = call(h.test, ev)
			if not ok then failed = failed + 1 end
			hit = ok and r
		else
			hit = h.test(ev)
		end
		if hit then
			local ok, r = call(h.fn, ev)
			if not ok then
				failed = failed + 1
			elseif r == STOP then
				if self.report then self.report({ "stop", file = h.file }, ev) end
				break
			end
		end
	end
	local late, event = self.control.finish(call, failed > 0)
	self.current = nil
	-- Never nil: a key set to nil would be dropped and made again,
	-- rehashing the runner's table, at every event.
	self.last_event = event or false
	failed = failed + late
	-- Once the handlers and their actions are done: udev's database
	-- entry, then the broadcast, so a client that hears of the device
	-- finds its entry.  Its links are those the device claims now.
	if udev then
		local st = self.udev_state
		self.udev_state = false
		local owned = event and event.owned
		if owned then
			local links = {}
			for link, o in pairs(owned) do links[link] = o.priority end
			st.links = links
		end
		local ok = call(udev.record, udev, ev, st)
		if not ok then failed = failed + 1 end
	end
	return failed
end

-- The daemon's entry: build everything from script_options.
-- Returns the runner and the number of problems.
function M.boot(opts)
	local core = require "hotplug2.core"
	core.set_root(opts.root or "/")
	if opts.budget_ms and opts.budget_ms > 0 then core.set_budget(opts.budget_ms) end
	if opts.alias_file and opts.alias_file ~= "" then
		local ok, err = pcall(core.load_aliases, opts.alias_file)
		if not ok then
			core.log("warn", tostring(err) .. "; modules will not be loaded")
		end
	end
	local config = actions.default_config()
	if opts.modprobe and opts.modprobe ~= "" then config.modprobe[1] = opts.modprobe end
	-- At -v the log says what each event made the handlers do, and where.
	local report
	if not opts.dry_run and core.set_verbose() >= 1 then
		report = function(act, ev)
			core.log("info", ("%s %s: %s"):format(tostring(ev and ev.ACTION),
				tostring(ev and ev.DEVPATH), actions.describe(act)))
		end
	end
	-- udev compatibility (docs/udev-compat.md): "off"; "on", database and
	-- broadcast; "auto", the database, and the broadcast only when the
	-- root is the system's.
	local udev
	local mode = opts.udev or "auto"
	if mode ~= "off" and not opts.dry_run then
		local broadcast = mode == "on" or (opts.root or "/") == "/"
		udev = udevdb.new { core = core, broadcast = broadcast }
		if broadcast then
			local ok, err = pcall(udev.mark_running, udev)
			if not ok then core.log("warn", tostring(err)) end
		end
	end
	local r = M.new { core = core, dry_run = opts.dry_run, config = config, report = report,
		udev = udev }
	local n = r:load_dir(opts.config_dir)
	return r, n
end

return M
