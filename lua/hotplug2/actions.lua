-- The actions handlers take: policy in Lua, the system calls behind a table of functions.
--
-- actions.new{ core = ..., sys = ..., report = ..., config = ... } returns the
-- functions handler files call.  core answers questions (names to ids, alias
-- lookups, does a file exist); sys makes changes (mknod, symlink, spawn...),
-- and is the same hotplug2.core in the daemon.  report, when given, receives
-- every action as a plain table before it is done: a dry run prints it and
-- passes no sys, a test records it.  Every check happens before report, so a
-- dry run and a test see the same errors as the daemon.
local device = require "hotplug2.device"
local builtins = require "hotplug2.builtins"
local paths = require "hotplug2.paths"
local links = require "hotplug2.links"
local udevdb = require "hotplug2.udevdb"

local M = {}

-- The defaults a handler file may change through the config table.
function M.default_config()
	return {
		-- Where load_firmware looks, in order (paths under --root).
		firmware_path = { paths.firmware_updates, paths.firmware },
		-- How load_modules asks for modules; module names are appended.
		modprobe = { paths.modprobe, "-b", "-a" },
		-- PATH and HOME of commands; an event's own are never used.
		path = "/usr/sbin:/usr/bin:/sbin:/bin",
		home = "/",
		-- Seconds before load_modules asks again for a module that is
		-- still not loaded (modprobe failed, or the module is not there
		-- yet), on a later event that needs it.
		modprobe_retry = 30,
	}
end

-- "0660" or 432 -> 432; nil and a message when it is not a mode.
local function to_mode(mode)
	if type(mode) == "number" then
		if mode >= 0 and mode <= 4095 and mode % 1 == 0 then return mode end
	elseif type(mode) == "string" and mode:find("^[0-7]+$") and #mode <= 5 then
		local n = tonumber(mode, 8)
		if n <= 4095 then return n end
	end
	return nil, ("bad mode %s: write it as an octal string such as \"0660\""):format(
		type(mode) == "string" and ("%q"):format(mode) or tostring(mode))
end

-- Components in a name under /dev: bus/usb/001/002 has 4, the deepest
-- udev-style links (disk/by-path/...) 3.  A deeper name is hostile.
local NAME_DEPTH_MAX = 16

-- s as a log line can hold it: quoted, control characters as \n, \t or \ddd.
local function quote(s)
	local q = ("%q"):format(s):gsub("\\\n", "\\n")
	q = q:gsub("%c", function(c)
		if c == "\t" then return "\\t" end
		return ("\\%03d"):format(c:byte())
	end)
	return q
end

-- "add /devices/...": which event a refused name came with.
local function event_label(ev)
	if type(ev) ~= "table" then return nil end
	return quote(tostring(ev.ACTION)):sub(2, -2) .. " " .. quote(tostring(ev.DEVPATH)):sub(2, -2)
end

-- A name under /dev: relative, no "." or ".." components, no empty ones,
-- no control characters (they would end up in names and log lines), at
-- most NAME_DEPTH_MAX components.  ev, when given, is named in the error.
local function dev_path(name, what, ev)
	if type(name) ~= "string" or name == "" then
		return nil, what .. " is missing"
	end
	local function refuse(why)
		local of = event_label(ev)
		return nil, ("refusing %s %s%s: %s"):format(what, quote(name),
			of and " of " .. of or "", why)
	end
	if name:find("[%z\1-\31\127]") then return refuse("control character") end
	if name:sub(1, 1) == "/" then return refuse("absolute path") end
	local _, slashes = name:gsub("/", "")
	if slashes >= NAME_DEPTH_MAX then
		return refuse(("more than %d components"):format(NAME_DEPTH_MAX))
	end
	-- Most names have no dot and no empty component: no need to split them.
	if not name:find(".", 1, true) and not name:find("//", 1, true)
		and name:sub(-1) ~= "/" then
		return "dev/" .. name
	end
	for comp in (name .. "/"):gmatch("([^/]*)/") do
		if comp == ".." or comp == "." or comp == "" then
			return refuse(("%q component"):format(comp))
		end
	end
	return "dev/" .. name
end

-- Every event with a node asks for the same few names and modes again:
-- remember the answers for names and mode strings seen before.  A name is
-- checked once, then it is a table lookup; the memo is emptied when it
-- holds too many, so odd names cannot make it grow without bound.
local MEMO_MAX = 1024
local path_memo, slash_memo, npath = {}, {}, 0
local mode_memo = {}

-- node_path(name, what, ev) -> "dev/NAME", "/dev/NAME" (the path under
-- the root and the path as reported), or nil and why.
local function node_path(name, what, ev)
	local path = path_memo[name]
	if path then return path, slash_memo[name] end
	local err
	path, err = dev_path(name, what, ev)
	if not path then return nil, err end
	if npath >= MEMO_MAX then
		path_memo, slash_memo, npath = {}, {}, 0
	end
	npath = npath + 1
	path_memo[name], slash_memo[name] = path, "/" .. path
	return path, slash_memo[name]
end

-- MAJOR and MINOR: the same few hundred numbers again and again, and
-- tonumber on a string costs a strtod.
local num_memo, nnum = {}, 0

local function memo_number(s)
	local n = num_memo[s]
	if n then return n end
	n = tonumber(s)
	if n and type(s) == "string" then
		if nnum >= MEMO_MAX then num_memo, nnum = {}, 0 end
		nnum = nnum + 1
		num_memo[s] = n
	end
	return n
end

local function memo_mode(mode)
	if type(mode) ~= "string" then return to_mode(mode) end
	local m = mode_memo[mode]
	if m then return m end
	local err
	m, err = to_mode(mode)
	if m and #mode <= 5 then mode_memo[mode] = m end
	return m, err
end

-- Variables a command's dynamic loader, C library or shell reads as it
-- starts, and so would let whoever sends an event choose code that runs
-- as root: they never pass from an event (or setenv) to a command.
-- PATH and HOME are the daemon's own (config.path, config.home).
local UNSAFE_ENV = {}
for name in ([[PATH HOME IFS ENV BASH_ENV SHELLOPTS BASHOPTS PS4 CDPATH
	GLOBIGNORE GCONV_PATH GETCONF_DIR GLIBC_TUNABLES HOSTALIASES LOCALDOMAIN
	LOCPATH NIS_PATH NLSPATH RESOLV_HOST_CONF RES_OPTIONS TMPDIR TZDIR
	PERL5LIB PERL5OPT PERLLIB PYTHONHOME PYTHONPATH PYTHONSTARTUP RUBYLIB
	RUBYOPT NODE_OPTIONS]]):gmatch("%S+") do
	UNSAFE_ENV[name] = true
end
-- And every name with one of these prefixes (LUA_ covers LUA_INIT,
-- LUA_PATH and LUA_CPATH with their _5_1 forms).
local UNSAFE_PREFIXES = { "LD_", "MALLOC_", "BASH_FUNC_", "LUA_" }

-- nil when name may pass to a command, else why not.
local function unsafe_env(name)
	if UNSAFE_ENV[name] then return true end
	if not name:find("^[%w_]+$") then return true end
	for i = 1, #UNSAFE_PREFIXES do
		local p = UNSAFE_PREFIXES[i]
		if name:sub(1, #p) == p then return true end
	end
	return false
end
M.unsafe_env = unsafe_env

-- Raise err at the handler's line: level 3 is the caller of the action.
local function perform(f, ...)
	local ok, a, b = pcall(f, ...)
	if not ok then error(a, 3) end
	return a, b
end

-- Properties from KEY=VALUE lines, as udev's IMPORT{program} and
-- IMPORT{file} read them: blank lines and # comments skipped, a value in
-- matching single or double quotes unquoted, spaces around the key and
-- the value dropped.  Returns { { key, value }, ... } in order, and the
-- lines that are not such an assignment.
local function parse_properties(text)
	local props, bad = {}, {}
	for line in text:gmatch("[^\n]+") do
		line = line:gsub("\r$", "")
		if not line:find("^%s*#") and line:find("%S") then
			local k, v = line:match("^%s*([%w_.]+)%s*=%s*(.-)%s*$")
			if k and k:find("^%.?[%w_]+$") then
				local q = v:sub(1, 1)
				if #v >= 2 and (q == "'" or q == '"') and v:sub(-1) == q then v = v:sub(2, -2) end
				props[#props + 1] = { k, v }
			else
				bad[#bad + 1] = line
			end
		end
	end
	return props, bad
end
M.parse_properties = parse_properties

function M.describe(act)
	local line = M.describe_action(act)
	if act.where then line = line .. " (" .. act.where .. ")" end
	return line
end

function M.describe_action(act)
	local k = act[1]
	if k == "mknod" then
		return ("mknod %s %s %d:%d %04o %s:%s"):format(act.path, act.type,
			act.major, act.minor, act.mode, act.owner, act.group)
	elseif k == "symlink" then
		return ("symlink %s -> %s"):format(act.path, act.target)
	elseif k == "unlink" then
		return "unlink " .. act.path
	elseif k == "chmod" then
		return ("chmod %s %04o"):format(act.path, act.mode)
	elseif k == "chown" then
		return ("chown %s %s:%s"):format(act.path, act.owner, act.group)
	elseif k == "exec" or k == "run" then
		return k .. " " .. table.concat(act.argv, " ")
	elseif k == "modprobe" then
		return "modprobe " .. table.concat(act.modules, " ")
	elseif k == "firmware" then
		return ("firmware %s <- %s"):format(act.devpath, act.file or "(not found)")
	elseif k == "setenv" then
		return ("setenv %s=%s"):format(act.key, tostring(act.value))
	elseif k == "tag" then
		return "tag " .. act.name
	elseif k == "stop" then
		return "stop"
	end
	return k
end

-- Frames of hotplug2's own modules, as error positions name them.
local INTERNAL = {}
for _, name in ipairs { "actions", "device", "links", "match", "mdev", "rules", "runner", "testing" } do
	INTERNAL[name] = true
end

-- "file:line" of the handler's call that led to the action being
-- reported: the nearest frame that is none of hotplug2's modules nor C.
-- Paid only when actions are reported (dry runs, tests, -v).
local function where()
	for level = 2, 24 do
		local _, pos = pcall(error, "", level)
		if pos == "" then
			-- A C frame, or past the top.
		else
			local module = pos:match("hotplug2/([%w_]+)%.lua:%d+: $")
			if not (module and INTERNAL[module]) then return (pos:gsub(": $", "")) end
		end
	end
	return nil
end

-- The metatable that carries an action's where: read as act.where, but
-- not a field pairs() sees, so action tables compare as they always did.
local function with_where(act, pos)
	if pos ~= nil then setmetatable(act, { __index = { where = pos } }) end
	return act
end
M.with_where = with_where

-- actions.new(o) -> A, control.  A holds the functions handler files
-- call; control is the runner's: control.begin(ev) opens an event (the
-- node, links and commands its handlers ask for are then planned, not
-- done), control.finish(call, failed) does that work, and
-- control.settle_node() makes the planned node at once (hotplug2.rules,
-- whose later commands expect it there).
function M.new(o)
	local core, sys, report, track = o.core, o.sys, o.report, o.track
	local report_at
	if report then
		local inner = report
		report = function(act) inner(with_where(act, where())) end
		report_at = function(act, pos) inner(with_where(act, pos)) end
	end
	local config = o.config or M.default_config()
	local A = { config = config }
	-- requested[module]: when it was last asked for, or true once it
	-- is loaded; seen_alias[alias]: its modules, looked up once.
	local requested, seen_alias, nseen = {}, {}, 0
	local warned = {}

	local function warn_once(key, msg)
		if not warned[key] then
			warned[key] = true
			core.log("warn", msg)
		end
	end

	-- An owner or group name to its id under the root.  An unknown
	-- name falls back to root (0), as udev does, with one warning: the
	-- node still appears, and is no more open than its mode says.  The
	-- name returned is the one applied, so a dry run, hotplug2 test and
	-- the recorded actions say root, as the node will be.
	local function to_id(kind, name)
		if name == nil then return 0, "root" end
		if type(name) == "number" then return name, tostring(name) end
		local id, err = core[kind](name)
		if id == nil then
			-- An unreadable file is one warning, not one per name.
			local key = tostring(err):find("^unable to read") and kind or kind .. tostring(name)
			warn_once(key, tostring(err) .. "; using root instead")
			return 0, "root"
		end
		return id, name
	end

	-- A command's environment: the event's variables but those
	-- unsafe_env refuses (each logged once: PATH and HOME at debug,
	-- since events from the 2.4 helper carry the kernel's, the others at
	-- warning), with the daemon's PATH and HOME.
	local function environment(what, ev)
		local env = {}
		for k, v in pairs(ev) do
			if type(k) ~= "string" or k:sub(1, 1) == "." then
				-- Private to the handlers.
			elseif type(v) == "string" or type(v) == "number" then
				if unsafe_env(k) then
					if not warned["env " .. k] then
						warned["env " .. k] = true
						core.log((k == "PATH" or k == "HOME") and "debug" or "warn",
							("%s: not passing %s of the event to commands: "
							.. "loader and shell start-up variables never come from an event")
							:format(what, (k:gsub("[^%w_]", "?"))))
					end
				elseif type(v) == "string" and v:find("\0", 1, true) then
					error(("%s: variable %s holds a NUL byte"):format(what, k), 3)
				else
					env[k] = tostring(v)
				end
			end
		end
		env.PATH = config.path
		env.HOME = config.home
		return env
	end

	local function check_argv(argv)
		if type(argv) ~= "table" or #argv == 0 then
			return nil, "expects an argv list such as { \"/sbin/foo\", \"arg\" }"
		end
		for i = 1, #argv do
			local t = type(argv[i])
			if t ~= "string" and t ~= "number" then
				return nil, ("argv[%d] is a %s, not a string"):format(i, t)
			end
			if t == "string" and argv[i]:find("\0", 1, true) then
				return nil, ("argv[%d] holds a NUL byte"):format(i)
			end
		end
		return argv
	end

	-- The program must be there to run, looked up as the daemon's exec
	-- does (core.executable): a dry run and a test fail where the daemon
	-- would.  Commands run in the system's own root, not under --root.
	local function check_program(what, argv, env)
		local ok, err = core.executable(tostring(argv[1]), env.PATH)
		if not ok then error(what .. ": " .. err, 3) end
	end

	-- Sysfs attributes, read under the root: ROOT/sys/DEVPATH/NAME.  A
	-- name is relative ("serial", "device/model") and never climbs out.
	-- sysfs's own links (device, subsystem, driver) are followed while
	-- they stay inside ROOT/sys.
	local function read_attr(devpath, name)
		local text = core.read("sys" .. devpath .. "/" .. name, "sys")
		if text == nil then return nil end
		return (text:gsub("\n$", ""))
	end

	-- level: where the error points, as error() counts from the caller.
	local checked_devpath
	local function check_event(fname, ev, level)
		local devpath = type(ev) == "table" and ev.DEVPATH
		if devpath == checked_devpath and devpath then return end
		if type(devpath) ~= "string" or devpath:find("..", 1, true) then
			error(fname .. ": the event has no usable DEVPATH", level + 1)
		end
		checked_devpath = devpath
	end

	local function check_attr(fname, ev, name)
		if type(name) ~= "string" or name == "" or name:find("^/")
			or name:find("..", 1, true) then
			error(("%s: attribute name must be a relative path such as \"serial\", not %s")
				:format(fname, type(name) == "string" and ("%q"):format(name) or type(name)), 3)
		end
		check_event(fname, ev, 3)
	end

	-- attr(ev, "serial"): the device's attribute without its trailing
	-- newline, or nil when the device has none (udev's ATTR{serial}).
	function A.attr(ev, name)
		check_attr("attr", ev, name)
		return read_attr(ev.DEVPATH, name)
	end

	-- parent_attr(ev, "serial"): the attribute of the device or of its
	-- nearest parent that has it (udev's ATTRS{serial}), and the DEVPATH
	-- it was found at; nil when none has it.
	function A.parent_attr(ev, name)
		check_attr("parent_attr", ev, name)
		local devpath = ev.DEVPATH
		while devpath ~= "" do
			local value = read_attr(devpath, name)
			if value ~= nil then return value, devpath end
			devpath = devpath:match("^(.*)/[^/]*$") or ""
		end
		return nil
	end

	-- parent(ev, "usb", "usb_device"): the nearest ancestor of the event's
	-- device with that subsystem (and device type), as a table { devpath,
	-- kernel, subsystem, driver, devtype }; nil when there is none.
	local dev = device.new(core)
	function A.parent(ev, subsystem, devtype)
		check_event("parent", ev, 2)
		if subsystem ~= nil and type(subsystem) ~= "string" then
			error("parent: the subsystem must be a string such as \"usb\"", 2)
		end
		if devtype ~= nil and type(devtype) ~= "string" then
			error("parent: the device type must be a string such as \"usb_device\"", 2)
		end
		return dev.parent(ev.DEVPATH, subsystem, devtype)
	end

	-- find_parent(ev, { SUBSYSTEM = "usb", ATTRS = { idVendor = "0403" } }):
	-- the device itself or its nearest ancestor for which every condition
	-- holds (udev's SUBSYSTEMS, KERNELS, DRIVERS and ATTRS together), as
	-- parent() returns it; nil when none does.
	local specs = setmetatable({}, { __mode = "k" })
	function A.find_parent(ev, spec)
		check_event("find_parent", ev, 2)
		local test = specs[spec]
		if not test then
			local ok, t = pcall(device.compile_spec, spec)
			if not ok then error("find_parent: " .. tostring(t), 2) end
			test = t
			if type(spec) == "table" then specs[spec] = test end
		end
		return dev.find(ev.DEVPATH, test)
	end

	-- The event being handled, between control.begin and control.finish:
	-- what its handlers asked for that is done once the last of them ran
	-- (the node, the links, exec's commands).  One table per event, read
	-- by control.finish, and left for what comes after the event (the
	-- runner keeps it as r.last_event; false when the event planned
	-- nothing and its device owns no link):
	--   ev         the event table the handlers got (ev.DEVPATH is the
	--              device that claims links)
	--   node       nil, or the node as planned so far: { path = "dev/NAME",
	--              slash = "/dev/NAME", type = "b"|"c", major, minor, mode,
	--              uid, gid, and when actions are reported owner, group (the
	--              names) and where = { "file:line", ... } (the calls that set
	--              a field); final = { mode = "file:line" or true, ... } once
	--              a field is frozen }
	--   removals   remove_node's names in call order: { path, slash, where }
	--   claims     claims[link] = { link, path = "dev/LINK", target, priority,
	--              where }, and claims[1..n] the links in the order claimed
	--   releases   releases[link] = where or true: remove_link's releases
	--   commands   exec's commands in call order: { argv, env, devpath,
	--              seqnum, where }
	--   failed     true when a handler failed: then only remove_link and a
	--              remove event release links
	-- Every list above is nil or false until something is put in it.  Once
	-- finished, what the event left:
	--   made       "/dev/NAME" of the node made, or nil
	--   devpath, seqnum  ev.DEVPATH and tonumber(ev.SEQNUM), when the device
	--              claims or owned links
	--   owned      nil, or owned[link] = { priority, target, holds }: every
	--              link the device claims after the event; holds is true
	--              when the link points at this device's claim
	-- The plan is made by the first call that plans something, and its
	-- lists and fields when first needed (nil until then): an event that
	-- plans nothing costs no table, one that plans a node two small ones.
	local current_ev, current
	local store = links.new(core, sys)
	local EMPTY = setmetatable({}, { __newindex = function() error("EMPTY is read-only", 2) end })

	local function new_event(ev)
		return { ev = ev }
	end

	-- The daemon's events reuse one plan and one node table: a table per
	-- event would be garbage the collector pays for in every event,
	-- however many handlers run.  r.last_event is therefore valid until
	-- the next event starts: copy what is to be kept.
	-- Their fields are set to false, never nil, so that the keys stay
	-- and the tables are never rehashed.
	local the_plan, the_node = {}, {}
	local function reused_plan(ev)
		local p = the_plan
		p.ev, p.node, p.made, p.failed = ev, false, false, false
		-- The lists, only when the event before had any (own_list says).
		if p.lists then
			p.removals, p.claims, p.releases, p.commands, p.owned, p.unlinked = false, false, false,
				false, false, false
			p.devpath, p.seqnum, p.lists = false, false, false
		end
		return p
	end

	-- st[k], made when it is not there yet.
	local function own_list(st, k)
		local t = st[k]
		if not t then
			t = {}
			st[k] = t
			st.lists = true
		end
		return t
	end

	-- An action called outside an event (hotplug2.actions used on its own)
	-- is an event of its own: done before the call returns, its errors
	-- raised at the caller's line.
	local function raw_call(f, ...)
		f(...)
		return true
	end
	local finish
	local function event_for(ev)
		if current then return current end
		if current_ev then
			current = reused_plan(current_ev)
			return current
		end
		local st = new_event(ev)
		st.single = true
		return st
	end
	local function finish_single(st)
		if not st.single then return end
		local ok, err = pcall(finish, st, raw_call)
		if not ok then error(err, 3) end
	end

	-- err as the message of a failed part of the event's work: naming
	-- where the handler asked for it (or the event, when that is not
	-- known: the daemon looks for file:line only when it reports).
	local function failure(st, pos, what, err)
		if st.single then return err end
		if pos then return ("%s: %s: %s"):format(pos, what, tostring(err)) end
		return ("%s of %s: %s"):format(what, event_label(st.ev) or "?", tostring(err))
	end

	-- Run f(...); an error is raised again as failure() words it.
	local function guarded(st, pos, what, f, ...)
		local ok, err = pcall(f, ...)
		if not ok then error(failure(st, pos, what, err), 0) end
	end

	local function raise(err)
		error(err, 0)
	end

	-- One part of the event's work, f(...), under a plain pcall: the
	-- whole work is one protected call of the runner's (see
	-- control.finish), and call is paid again only when a part fails, to
	-- log and count the failure as a handler's.  Returns 1 when it failed.
	local function part(st, call, pos, what, f, ...)
		local ok, err = pcall(f, ...)
		if ok then return 0 end
		if what then err = failure(st, pos, what, err) end
		if st.single then error(err, 0) end
		call(raise, err)
		return 1
	end

	local NODE_FIELDS = { "name", "type", "mode", "owner", "group" }
	local NO_OPTIONS = {}

	local function field_text(node, field)
		if field == "name" then return node.slash end
		if field == "mode" then return ("%04o"):format(node.mode) end
		if field == "type" then return node.type end
		return tostring(node[field])
	end

	-- make_node(ev, { mode = "0660", owner = "root", group = "tty", name = ...,
	-- type = ..., final = true }): plans the event's node; the node is made
	-- once, after the last handler, with the values the last calls gave.
	-- Every event with a node comes here: no table is made but the node.
	function A.make_node(ev, opt)
		opt = opt or NO_OPTIONS
		local node = current and current.node
		local fresh = not node
		-- Every value given is checked here, at the handler's line.
		local path, slash, kind, mode, uid, owner, gid, group
		if fresh or opt.name ~= nil then
			path, slash = node_path(opt.name or ev.DEVNAME, "device name", ev)
			if not path then error("make_node: " .. slash, 2) end
		end
		local major, minor = memo_number(ev.MAJOR), memo_number(ev.MINOR)
		if not major or not minor then
			error("make_node: the event has no MAJOR and MINOR", 2)
		end
		if fresh or opt.type ~= nil then
			kind = opt.type or (ev.SUBSYSTEM == "block" and "b" or "c")
			if kind ~= "b" and kind ~= "c" then
				error(("make_node: type must be \"b\" or \"c\", not %q"):format(tostring(kind)), 2)
			end
		end
		if fresh or opt.mode ~= nil then
			local merr
			mode, merr = memo_mode(opt.mode or "0600")
			if not mode then error("make_node: " .. merr, 2) end
		end
		if fresh or opt.owner ~= nil then uid, owner = to_id("uid", opt.owner) end
		if fresh or opt.group ~= nil then gid, group = to_id("gid", opt.group) end
		local final = opt.final
		if final ~= nil and type(final) ~= "boolean" then
			error("make_node: final must be true or false", 2)
		end
		local st = current or event_for(ev)
		local pos = (report or final) and where() or nil
		if fresh then
			node = st.single and {} or the_node
			node.path, node.slash, node.type, node.major, node.minor = path, slash, kind, major, minor
			node.mode, node.uid, node.gid, node.final = mode, uid, gid, false
			-- Made at once (control.settle_node) in this event only.
			node.made_as = false
			if report then
				node.owner, node.group, node.where = owner, group, { pos }
			else
				node.owner, node.group, node.where = false, false, false
			end
			if final then
				for _, f in ipairs(NODE_FIELDS) do
					if opt[f] ~= nil then own_list(node, "final")[f] = pos or true end
				end
			end
			st.node = node
		else
			node.major, node.minor = major, minor
			local changed = false
			for _, f in ipairs(NODE_FIELDS) do
				if opt[f] ~= nil then
					local frozen = node.final and node.final[f]
					if frozen then
						pos = pos or where()
						core.log("debug", ("make_node: %s keeps %s %s, made final at %s; "
							.. "ignoring the change at %s"):format(node.slash, f,
							field_text(node, f), tostring(frozen), tostring(pos)))
					else
						changed = true
						if f == "name" then node.path, node.slash = path, slash
						elseif f == "type" then node.type = kind
						elseif f == "mode" then node.mode = mode
						elseif f == "owner" then
							node.uid = uid
							if report then node.owner = owner end
						else
							node.gid = gid
							if report then node.group = group end
						end
						if final then own_list(node, "final")[f] = pos or true end
					end
				end
			end
			local w = node.where
			if changed and w and pos and w[#w] ~= pos then w[#w + 1] = pos end
		end
		if st.single then finish_single(st) end
		return node.slash
	end

	local function make_planned_node(st)
		local n = st.node
		if report then
			report_at({ "mknod", path = n.slash, type = n.type, major = n.major,
				minor = n.minor, mode = n.mode, owner = n.owner, group = n.group,
				uid = n.uid, gid = n.gid }, n.where and n.where[1] and table.concat(n.where, ", ") or nil)
		end
		if sys then sys.mknod(n.path, n.type, n.major, n.minor, n.mode, n.uid, n.gid) end
		st.made = n.slash
	end

	-- remove_node(ev [, { name = ... }]): the node goes after the event's
	-- links are released; true when there is something to remove.  The
	-- directories made for it go too when it leaves them empty (never
	-- /dev itself), as udev does.
	function A.remove_node(ev, opt)
		opt = opt or {}
		local path, slash = node_path(opt.name or ev.DEVNAME, "device name", ev)
		if not path then error("remove_node: " .. slash, 2) end
		local st = event_for(ev)
		local r = { path = path, slash = slash, where = report and where() or nil }
		local removals = own_list(st, "removals")
		removals[#removals + 1] = r
		if st.single then
			finish_single(st)
			return r.removed
		end
		if sys then return core.exists(path) == true end
		return true
	end

	local function remove_planned(st, r)
		if st.unlinked and st.unlinked[r.slash] then return end
		own_list(st, "unlinked")[r.slash] = true
		if report then report_at({ "unlink", path = r.slash }, r.where) end
		r.removed = true
		if sys then r.removed = sys.unlink(r.path, true) end
	end

	-- The link's target: relative, so the link also works under --root
	-- and inside an initramfs.
	local up_memo, nup = {}, 0
	local function link_target(ev, link, opt)
		if opt and opt.target then return opt.target end
		local up = up_memo[link]
		if not up then
			local _, depth = link:gsub("/", "")
			up = ("../"):rep(depth)
			if nup >= MEMO_MAX then up_memo, nup = {}, 0 end
			nup = nup + 1
			up_memo[link] = up
		end
		return up .. tostring(ev.DEVNAME)
	end

	-- make_link(ev, "disk/by-label/boot" [, { priority = n, target = ... }]):
	-- the event's device claims the link; once the last handler ran, the
	-- link points at the claim with the highest priority, then the latest.
	function A.make_link(ev, link, opt)
		local path, err = node_path(link, "link name", ev)
		if not path then error("make_link: " .. err, 2) end
		local given = opt and opt.target
		if not given then
			local dpath, derr = node_path(ev.DEVNAME, "device name", ev)
			if not dpath then error("make_link: " .. derr, 2) end
		end
		check_event("make_link", ev, 2)
		local target = link_target(ev, link, opt)
		-- Made of a checked link and DEVNAME, or given: only a given one
		-- needs looking at.
		if given and (type(target) ~= "string" or target == "" or target:find("[%z\1-\31\127]")) then
			error(("make_link: refusing target %s of %s"):format(
				type(target) == "string" and quote(target) or type(target), quote(link)), 2)
		end
		local priority = opt and opt.priority or 0
		if type(priority) ~= "number" or priority % 1 ~= 0 or priority < -2147483648
			or priority > 2147483647 then
			error(("make_link: priority must be an integer, not %s"):format(tostring(priority)), 2)
		end
		local st = event_for(ev)
		local claims = own_list(st, "claims")
		if claims[link] == nil then claims[#claims + 1] = link end
		claims[link] = { link = link, path = path, target = target, priority = priority,
			where = report and where() or nil }
		if st.releases and st.releases[link] then st.releases[link] = nil end
		finish_single(st)
		return "/" .. path
	end

	-- remove_link(ev, link): the event's device gives up its claim on the
	-- link (done after the last handler); true when it had one.
	function A.remove_link(ev, link)
		local path, err = dev_path(link, "link name", ev)
		if not path then error("remove_link: " .. err, 2) end
		check_event("remove_link", ev, 2)
		local st = event_for(ev)
		local held = st.claims and st.claims[link] and true or false
		if not held then
			for _, l in ipairs(store.device_links(st.ev.DEVPATH)) do
				if l == link then held = true break end
			end
		end
		if held and st.claims and st.claims[link] then st.claims[link] = false end
		own_list(st, "releases")[link] = report and where() or true
		finish_single(st)
		return held
	end

	local function point(st, path, target, pos)
		if report then report_at({ "symlink", path = "/" .. path, target = target }, pos) end
		if sys then guarded(st, pos, "make_link", sys.symlink, target, path) end
	end

	-- The device's claim c: its record, and the link when it wins.
	local function claim(st, c)
		-- A burst's common case: the device claims as it claimed, and wins.
		local own = store.claims_view(c.link)[st.devpath]
		if own and store.winner(c.link) == own and own.priority == c.priority
			and own.target == c.target then
			own_list(st, "owned")[c.link] = { priority = c.priority, target = c.target, holds = true }
			point(st, c.path, own.target, c.where)
			return
		end
		local claims, top = store.claims(c.link)
		local before = links.winner(claims)
		own = claims[st.devpath]
		if not (own and before == own and own.priority == c.priority and own.target == c.target) then
			-- A winner claiming again as it claimed keeps its order: it
			-- stays the latest of its priority either way.
			own = { devpath = st.devpath, priority = c.priority, target = c.target,
				order = st.seqnum or top + 1 }
			claims[st.devpath] = own
			guarded(st, c.where, "make_link: recording the claim on /" .. c.path,
				store.write_claim, c.link, own)
		end
		local win = links.winner(claims)
		own_list(st, "owned")[c.link] = { priority = c.priority, target = c.target, holds = win == own }
		if win == own or (before and before.devpath == st.devpath) then
			point(st, c.path, win.target, c.where)
		else
			core.log("debug", ("make_link: /%s stays with %s (priority %d)"):format(c.path,
				win.devpath, win.priority))
		end
	end

	-- Give up the device's claim on link: the link goes to the best
	-- claim left, or is removed when none is left and it still points
	-- where this claim made it point.  A link without a claim of this
	-- device is not touched: hotplug2 removes only what it made.
	local function release(st, link, pos)
		local path = node_path(link, "link name")
		if not path then return end
		local claims = store.claims(link)
		local own = claims[st.devpath]
		if not own then return end
		local before = links.winner(claims)
		claims[st.devpath] = nil
		guarded(st, pos, "remove_link: dropping the claim on /" .. path,
			store.drop_claim, link, st.devpath)
		if before ~= own then return end
		local win = links.winner(claims)
		if win then
			point(st, path, win.target, pos)
		elseif core.readlink(path) == own.target then
			own_list(st, "unlinked")["/" .. path] = true
			if report then report_at({ "unlink", path = "/" .. path }, pos) end
			if sys then guarded(st, pos, "remove_link", sys.unlink, path, true) end
		end
	end

	-- The links of the event: claims recorded and links pointed, then
	-- releases (remove_link, a remove event, and on add and change every
	-- link claimed before and not again), then the device's record.
	local function settle_links(st, call)
		local devpath = type(st.ev) == "table" and st.ev.DEVPATH
		if type(devpath) ~= "string" then return 0 end
		local before = store.device_links(devpath)
		local claims, releases = st.claims or EMPTY, st.releases or EMPTY
		if #claims == 0 and #before == 0 then return 0 end
		st.devpath, st.seqnum, st.lists = devpath, tonumber(st.ev.SEQNUM), true
		local action = st.ev.ACTION
		local removing = action == "remove"
		-- An add or change that claims links says which it wants now; one
		-- that claims none (a policy acting on add only, as mdev.conf's)
		-- says nothing about them.
		local refresh = not st.failed and not st.single and #claims > 0
			and (action == "add" or action == "change")
		local failures, kept, seen = 0, {}, {}
		-- Each claim and release reads and writes records: each has a
		-- budget of its own (call), so that many links do not add up.
		local function step(f, ...)
			if st.single then
				failures = failures + part(st, call, nil, nil, f, ...)
			elseif not call(f, ...) then
				failures = failures + 1
			end
		end
		if not removing then
			for _, link in ipairs(claims) do
				local c = claims[link]
				if c and not seen[link] then
					seen[link] = true
					kept[#kept + 1] = link
					step(claim, st, c)
				end
			end
		end
		for _, link in ipairs(before) do
			if not seen[link] then
				local pos = releases[link]
				if removing or pos or refresh then
					step(release, st, link, pos ~= true and pos or nil)
				else
					kept[#kept + 1] = link
					local claims = store.claims(link)
					local own = claims[devpath]
					if own then
						own_list(st, "owned")[link] = { priority = own.priority, target = own.target,
							holds = links.winner(claims) == own }
					end
				end
			end
		end
		table.sort(kept)
		local same = #kept == #before
		for i = 1, same and #kept or 0 do
			if kept[i] ~= before[i] then same = false break end
		end
		if not same then
			failures = failures + part(st, call, nil, "recording the links of " .. devpath,
				store.set_device_links, devpath, kept)
		end
		return failures
	end

	local function run_command(st, c)
		if report then report_at({ "exec", argv = c.argv, env = c.env }, c.where) end
		if sys then sys.spawn(c.argv, c.env, c.devpath, c.seqnum) end
	end

	-- The event's deferred work, in this order: the node, the links, the
	-- removals, the commands (which so find the node there).  Each part
	-- runs through call (the runner's protected call): one that fails is
	-- counted and the others still run.  Returns the number that failed.
	function finish(st, call, failed)
		if current == st then current = nil end
		if failed then st.failed = true end
		local failures = 0
		local n = st.node
		if n and not (n.made_as and n.made_as == table.concat({ n.path, n.type, n.major, n.minor,
			n.mode, n.uid, n.gid }, " ")) then
			failures = failures + part(st, call, n.where and n.where[1] and table.concat(n.where, ", "),
				"make_node", make_planned_node, st)
		end
		if st.claims or store.owns_links(st.ev) then failures = failures + settle_links(st, call) end
		local removals, commands = st.removals, st.commands
		if removals then
			for i = 1, #removals do
				local r = removals[i]
				failures = failures + part(st, call, r.where, "remove_node", remove_planned, st, r)
			end
		end
		if commands then
			for i = 1, #commands do
				local c = commands[i]
				failures = failures + part(st, call, c.where, "exec", run_command, st, c)
			end
		end
		return failures
	end

	-- chmod("snd/timer", "0660"): a name under /dev.
	function A.chmod(name, mode)
		local path, err = dev_path(name, "name")
		if not path then error("chmod: " .. err, 2) end
		local m, merr = to_mode(mode)
		if not m then error("chmod: " .. merr, 2) end
		if report then report { "chmod", path = "/" .. path, mode = m } end
		if sys then perform(sys.chmod, path, m) end
	end

	-- chown("snd/timer", "root", "audio")
	function A.chown(name, owner, group)
		local path, err = dev_path(name, "name")
		if not path then error("chown: " .. err, 2) end
		local uid, oname = to_id("uid", owner)
		local gid, gname = to_id("gid", group)
		if report then
			report { "chown", path = "/" .. path, owner = oname, group = gname,
				uid = uid, gid = gid }
		end
		if sys then perform(sys.chown, path, uid, gid) end
	end

	-- exec(ev, { "/usr/bin/logger", "hello" }): started in the background
	-- once the last handler ran (so after the node is made); the event's
	-- variables as they are now are its environment.  No shell is involved.
	function A.exec(ev, argv)
		local ok, err = check_argv(argv)
		if not ok then error("exec: " .. err, 2) end
		local env = environment("exec", ev)
		check_program("exec", argv, env)
		local copy = {}
		for i = 1, #argv do copy[i] = argv[i] end
		local st = event_for(ev)
		local commands = own_list(st, "commands")
		commands[#commands + 1] = { argv = copy, env = env, devpath = ev.DEVPATH or "",
			seqnum = tonumber(ev.SEQNUM) or 0, where = report and where() or nil }
		finish_single(st)
	end

	-- run(ev, argv [, { timeout = ms }]): run now and wait; the exit
	-- status (128 + signal when killed).  A dry run pretends 0.
	function A.run(ev, argv, opt)
		local ok, err = check_argv(argv)
		if not ok then error("run: " .. err, 2) end
		local timeout = opt and opt.timeout or 0
		local capture = opt and opt.capture and true or nil
		local env = environment("run", ev)
		check_program("run", argv, env)
		if report then report { "run", argv = argv, env = env, timeout = timeout, capture = capture } end
		if sys then
			return perform(sys.run, argv, env, timeout, capture)
		end
		if capture then return 0, "" end
		return 0
	end

	-- Set each KEY=VALUE of text on ev, as setenv does; what is no such
	-- line is a warning.  Returns the table of what was set.
	local function import(what, ev, text)
		local props, bad = parse_properties(text)
		local set = {}
		for _, kv in ipairs(props) do
			A.setenv(ev, kv[1], kv[2])
			set[kv[1]] = kv[2]
		end
		if #bad > 0 then
			core.log("warn", ("%s: %d line%s not KEY=VALUE, ignored: %q"):format(what, #bad,
				#bad == 1 and "" or "s", bad[1]))
		end
		return set
	end

	-- import_program(ev, argv [, { timeout = ms }]): run argv as run()
	-- does and set the KEY=VALUE lines of its output as properties (udev's
	-- IMPORT{program}); only when it exits 0.  Returns the table of what
	-- was set (empty otherwise) and its exit status.
	function A.import_program(ev, argv, opt)
		local ok, err = check_argv(argv)
		if not ok then error("import_program: " .. err, 2) end
		local status, out = A.run(ev, argv, { timeout = opt and opt.timeout, capture = true })
		if status ~= 0 then return {}, status end
		return import("import_program " .. tostring(argv[1]), ev, out), status
	end

	-- import_file(ev, path): the KEY=VALUE lines of a file under the root
	-- as properties (udev's IMPORT{file}); nil and why when it cannot be
	-- read.
	function A.import_file(ev, path)
		if type(path) ~= "string" or path:sub(1, 1) ~= "/" then
			error("import_file expects an absolute path such as \"/run/hotplug2/ids\"", 2)
		end
		local rel = path:gsub("^/+", "")
		local ok, text, why = pcall(core.read, rel)
		if not ok then error("import_file: " .. tostring(text), 2) end
		if text == nil then return nil, ("import_file: %s: %s"):format(path, tostring(why)) end
		-- core.read stops at 4 KiB: a longer file would lose its end.
		if #text >= 4096 then
			return nil, ("import_file: %s: 4 KiB or longer, not read as properties"):format(path)
		end
		return import("import_file " .. path, ev, text)
	end

	-- import_cmdline(ev, name [, key]): udev's IMPORT{cmdline}: when the
	-- kernel command line (ROOT/proc/cmdline) holds name=value, sets key
	-- (default name) to value; a bare name sets it to "1".  Returns the
	-- value, or nil when the command line does not mention it.
	function A.import_cmdline(ev, name, key)
		if type(name) ~= "string" or not name:find("^[%w_.%-]+$") then
			error(("import_cmdline: bad parameter name %s"):format(tostring(name)), 2)
		end
		local text = core.read("proc/cmdline") or ""
		local value
		for word in text:gmatch("%S+") do
			local k, v = word:match("^([^=]+)=(.*)$")
			if k == nil then k, v = word, "1" end
			-- The last one wins, as the kernel's own parameters do.
			if k == name then value = v end
		end
		if value ~= nil then
			A.setenv(ev, key or (name:gsub("[.%-]", "_")), value)
		end
		return value
	end

	-- import_builtin(ev, "path_id"): udev's IMPORT{builtin}: the named
	-- builtin's properties (computed from sysfs, no fork) set on ev as
	-- setenv sets them.  Returns them as a table KEY = VALUE.
	local builtin = builtins.new(core)
	function A.import_builtin(ev, name)
		check_event("import_builtin", ev, 2)
		if type(name) ~= "string" or not builtins.known(name) then
			local list = table.concat(builtins.names, ", ")
			error(("import_builtin: unknown builtin %s (there are: %s)"):format(
				type(name) == "string" and ("%q"):format(name) or type(name),
				list ~= "" and list or "none"), 2)
		end
		local ok, props = pcall(builtin.run, name, ev)
		if not ok then error(("import_builtin %s: %s"):format(name, tostring(props)), 2) end
		local set = {}
		for _, kv in ipairs(props) do
			A.setenv(ev, kv[1], kv[2])
			set[kv[1]] = kv[2]
		end
		return set
	end

	-- modules_for("pci:v00008086d...") -> { "e1000e", ... }: a lookup, nothing loaded.
	function A.modules_for(modalias)
		if type(modalias) ~= "string" then
			error("modules_for expects a MODALIAS string", 2)
		end
		return core.modules(modalias)
	end

	-- load_modules(ev): ask modprobe for the modules ev.MODALIAS resolves
	-- to, leaving out those loaded already (/sys/module/NAME) and those
	-- asked for less than config.modprobe_retry seconds ago.  A module
	-- still missing after that is asked for again on a later event that
	-- needs it (modprobe failed, or its file was not there yet), with one
	-- warning per module.  Returns the names asked for.
	function A.load_modules(ev)
		local alias = ev.MODALIAS
		if type(alias) ~= "string" or alias == "" then return {} end
		local mods = seen_alias[alias]
		if not mods then
			-- Bounded: a machine has a few hundred distinct aliases.
			if nseen >= 4096 then seen_alias, nseen = {}, 0 end
			mods = {}
			for i, m in ipairs(core.modules(alias)) do mods[i] = { m, (m:gsub("-", "_")) } end
			seen_alias[alias] = mods
			nseen = nseen + 1
		end
		if #mods == 0 then return {} end
		local now = core.now()
		local want = {}
		for _, mod in ipairs(mods) do
			local m, key = mod[1], mod[2]
			local asked = requested[key]
			if asked ~= true and (not asked or now - asked >= config.modprobe_retry) then
				if core.exists("sys/module/" .. key) then
					-- There, and it stays asked for until SIGHUP.
					requested[key] = true
				else
					if asked then
						warn_once("modprobe " .. key, ("load_modules: %s is still not loaded "
							.. "%d s after modprobe was asked; asking again, at most every %d s")
							:format(m, now - asked, config.modprobe_retry))
					end
					requested[key] = now
					want[#want + 1] = m
				end
			end
		end
		if #want == 0 then return want end
		local argv = {}
		for i, a in ipairs(config.modprobe) do argv[i] = a end
		for _, m in ipairs(want) do argv[#argv + 1] = m end
		if report then report { "modprobe", modules = want, argv = argv } end
		if sys then
			-- The daemon merges the modules of one batch of events
			-- into one modprobe: argv after the prefix is names.
			perform(sys.spawn, argv, { PATH = config.path, HOME = config.home },
				ev.DEVPATH or "", tonumber(ev.SEQNUM) or 0, #config.modprobe)
		end
		return want
	end

	-- load_firmware(ev): hand ev.FIRMWARE from config.firmware_path to
	-- the kernel; when it is nowhere, or the name is refused, tell the
	-- kernel so at once (the driver stops waiting) and raise.
	function A.load_firmware(ev)
		local name, devpath = ev.FIRMWARE, ev.DEVPATH
		if type(name) ~= "string" or type(devpath) ~= "string" then
			error("load_firmware: the event has no FIRMWARE or DEVPATH", 2)
		end
		local rel, err = dev_path(name, "firmware name", ev)
		if not rel then
			if report then report { "firmware", devpath = devpath } end
			if sys then perform(sys.firmware, devpath, nil) end
			error("load_firmware: " .. err, 2)
		end
		rel = rel:sub(5)
		local found, within
		for _, dir in ipairs(config.firmware_path) do
			within = dir:gsub("^/+", ""):gsub("/+$", "")
			local p = within .. "/" .. rel
			if core.exists(p) then found = p break end
		end
		if report then
			report { "firmware", devpath = devpath, file = found and "/" .. found }
		end
		if sys then perform(sys.firmware, devpath, found, found and within) end
		if not found then
			error(("load_firmware: %s not found in %s"):format(quote(name):sub(2, -2),
				table.concat(config.firmware_path, ":")), 2)
		end
		return "/" .. found
	end

	-- list_dir("/etc/hotplug.d/net"): sorted names in a directory under
	-- --root (dot files left out), or nil when it is not there.
	function A.list_dir(dir)
		if type(dir) ~= "string" then error("list_dir expects a path", 2) end
		local rel = dir:gsub("^/+", ""):gsub("/+$", "")
		if rel == "" then error("list_dir: refusing the root itself", 2) end
		local ok, names = pcall(core.readdir, rel)
		if not ok then error("list_dir: " .. tostring(names), 2) end
		return names
	end

	-- rooted("/etc/x") is where /etc/x is for the commands exec starts:
	-- the same path, under --root when there is one.
	function A.rooted(path)
		if type(path) ~= "string" or path:sub(1, 1) ~= "/" then
			error("rooted expects an absolute path", 2)
		end
		local root = core.root():gsub("/+$", "")
		return root .. path
	end

	-- setenv(ev, "KEY", "value"): later handlers and commands see it; nil
	-- removes it.  A private ".KEY" (udev's .NAME) is for later handlers
	-- only: no command gets it.
	function A.setenv(ev, key, value)
		if type(key) ~= "string" or not key:find("^%.?[%w_]+$") then
			error(("setenv: bad variable name %s"):format(tostring(key)), 2)
		end
		if value ~= nil and type(value) ~= "string" and type(value) ~= "number" then
			error(("setenv: %s must be a string, not a %s"):format(key, type(value)), 2)
		end
		if value ~= nil then value = tostring(value) end
		if report then report { "setenv", key = key, value = value } end
		ev[key] = value
	end

	-- The tags handlers gave each event, for has_tag; weak, so an event
	-- handled and dropped takes its set with it.
	local tags_of = setmetatable({}, { __mode = "k" })

	-- tag(ev, "uaccess"): the device carries udev's tag, which libudev
	-- clients filter on (logind's seat and uaccess, systemd's systemd).
	-- It goes into udev's database and broadcast, nowhere else.
	function A.tag(ev, name)
		if type(name) ~= "string" or not name:find("^[%w_%-]+$") then
			error(("tag: bad tag name %s"):format(tostring(name)), 2)
		end
		if report then report { "tag", name = name } end
		if track then track("tag", ev, name) end
		local set = tags_of[ev]
		if not set then
			set = {}
			tags_of[ev] = set
		end
		set[name] = true
	end

	-- has_tag(ev, "uaccess"): whether an earlier handler of this event
	-- gave the device the tag (udev's TAG=="uaccess").
	function A.has_tag(ev, name)
		check_event("has_tag", ev, 2)
		if type(name) ~= "string" then
			error(("has_tag: bad tag name %s"):format(tostring(name)), 2)
		end
		local set = tags_of[ev]
		return set ~= nil and set[name] == true
	end

	-- import_parent(ev, "ID_SEAT"): udev's IMPORT{parent}: the property
	-- of the nearest ancestor device, from its uevent file or from the
	-- database entry hotplug2 wrote when it handled it, set on ev.
	-- Returns the value, or nil when the parent has none.
	function A.import_parent(ev, key)
		check_event("import_parent", ev, 2)
		if type(key) ~= "string" or not key:find("^[%w_]+$") then
			error(("import_parent: bad property name %s"):format(tostring(key)), 2)
		end
		local up = dev.parent(ev.DEVPATH)
		if not up then return nil end
		local props = { DEVPATH = up.devpath, SUBSYSTEM = up.subsystem }
		for line in (dev.attr(up.devpath, "uevent") or ""):gmatch("[^\n]+") do
			local k, v = line:match("^([^=]+)=(.*)$")
			if k then props[k] = v end
		end
		local value = props[key]
		local id = udevdb.device_id(props)
		local entry = id and core.read("run/udev/data/" .. id)
		if entry then
			for line in entry:gmatch("[^\n]+") do
				local k, v = line:match("^E:([^=]+)=(.*)$")
				if k == key then value = v end
			end
		end
		if value ~= nil then A.setenv(ev, key, value) end
		return value
	end

	-- log.info("fmt", ...), log.warn, log.debug; log(...) is log.info.
	local function logger(level)
		return function(fmt, ...)
			local msg = select("#", ...) > 0 and fmt:format(...) or tostring(fmt)
			core.log(level, msg)
		end
	end
	A.log = setmetatable({
		warn = logger("warn"), info = logger("info"), debug = logger("debug"),
	}, { __call = function(_, ...) return logger("info")(...) end })

	local control = {}
	function control.begin(ev)
		current_ev, current = ev, nil
	end
	-- The event's work; returns the number of parts that failed, and the
	-- event's plan (nil when it planned nothing and its device owns no
	-- link).
	local owners
	function control.finish(call, failed)
		local st, ev = current, current_ev
		current_ev, current = nil, nil
		if not st then
			-- Most events plan nothing: one lookup says whether their
			-- device's links need looking at.
			owners = owners or store.index()
			if type(ev) ~= "table" or owners[ev.DEVPATH] == nil then return 0, nil end
			st = new_event(ev)
		end
		-- The work as one protected call of the runner's: it has a budget
		-- of its own (the event's handlers spent theirs), and each part
		-- that fails is logged and counted through call as well.
		local ok, n = call(finish, st, call, failed)
		return ok and n or 1, st
	end
	function control.settle_node()
		local st = current
		local n = st and st.node
		if not n then return end
		make_planned_node(st)
		n.made_as = table.concat({ n.path, n.type, n.major, n.minor, n.mode, n.uid, n.gid }, " ")
	end
	return A, control
end

return M
