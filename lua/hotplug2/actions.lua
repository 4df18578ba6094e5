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
for _, name in ipairs { "actions", "device", "match", "mdev", "rules", "runner", "testing" } do
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

function M.new(o)
	local core, sys, report, track = o.core, o.sys, o.report, o.track
	if report then
		local inner = report
		report = function(act) inner(with_where(act, where())) end
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
	local function check_event(fname, ev, level)
		if type(ev) ~= "table" or type(ev.DEVPATH) ~= "string" or ev.DEVPATH:find("%.%.") then
			error(fname .. ": the event has no usable DEVPATH", level + 1)
		end
	end

	local function check_attr(fname, ev, name)
		if type(name) ~= "string" or name == "" or name:find("^/")
			or name:find("%.%.") then
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

	-- make_node(ev, { mode = "0660", owner = "root", group = "tty", name = ... })
	function A.make_node(ev, opt)
		opt = opt or {}
		local path, slash = node_path(opt.name or ev.DEVNAME, "device name", ev)
		if not path then error("make_node: " .. slash, 2) end
		local major, minor = memo_number(ev.MAJOR), memo_number(ev.MINOR)
		if not major or not minor then
			error("make_node: the event has no MAJOR and MINOR", 2)
		end
		local kind = opt.type or (ev.SUBSYSTEM == "block" and "b" or "c")
		if kind ~= "b" and kind ~= "c" then
			error(("make_node: type must be \"b\" or \"c\", not %q"):format(tostring(kind)), 2)
		end
		local mode, merr = memo_mode(opt.mode or "0600")
		if not mode then error("make_node: " .. merr, 2) end
		local uid, owner = to_id("uid", opt.owner)
		local gid, group = to_id("gid", opt.group)
		if report then
			report { "mknod", path = slash, type = kind, major = major,
				minor = minor, mode = mode, owner = owner, group = group,
				uid = uid, gid = gid }
		end
		if sys then perform(sys.mknod, path, kind, major, minor, mode, uid, gid) end
		return slash
	end

	-- remove_node(ev [, { name = ... }]): true when something was removed.
	-- The directories made for it go too when it leaves them empty
	-- (never /dev itself), as udev does.
	function A.remove_node(ev, opt)
		opt = opt or {}
		local path, slash = node_path(opt.name or ev.DEVNAME, "device name", ev)
		if not path then error("remove_node: " .. slash, 2) end
		if report then report { "unlink", path = slash } end
		if sys then return perform(sys.unlink, path, true) end
		return true
	end

	-- The link's target: relative, so the link also works under --root
	-- and inside an initramfs.
	local function link_target(ev, link, opt)
		if opt and opt.target then return opt.target end
		local _, depth = link:gsub("/", "")
		return ("../"):rep(depth) .. tostring(ev.DEVNAME)
	end

	-- make_link(ev, "disk/by-label/boot" [, { target = ... }])
	function A.make_link(ev, link, opt)
		local path, err = dev_path(link, "link name", ev)
		if not path then error("make_link: " .. err, 2) end
		if not (opt and opt.target) then
			local _, derr = dev_path(ev.DEVNAME, "device name", ev)
			if derr then error("make_link: " .. derr, 2) end
		end
		local target = link_target(ev, link, opt)
		if report then report { "symlink", path = "/" .. path, target = target } end
		if sys then perform(sys.symlink, target, path) end
		if track then track("link", ev, link) end
		return "/" .. path
	end

	-- remove_link(ev, link): removes it only while it still points at ev's node.
	-- Like remove_node, it prunes the directories it leaves empty.
	function A.remove_link(ev, link, opt)
		local path, err = dev_path(link, "link name", ev)
		if not path then error("remove_link: " .. err, 2) end
		if core.readlink(path) ~= link_target(ev, link, opt) then
			return false
		end
		if report then report { "unlink", path = "/" .. path } end
		if sys then return perform(sys.unlink, path, true) end
		return true
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

	-- exec(ev, { "/usr/bin/logger", "hello" }): started in the background;
	-- the event's variables are its environment.  No shell is involved.
	function A.exec(ev, argv)
		local ok, err = check_argv(argv)
		if not ok then error("exec: " .. err, 2) end
		local env = environment("exec", ev)
		check_program("exec", argv, env)
		if report then report { "exec", argv = argv, env = env } end
		if sys then
			perform(sys.spawn, argv, env, ev.DEVPATH or "", tonumber(ev.SEQNUM) or 0)
		end
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
			perform(sys.spawn, argv, { PATH = config.path, HOME = config.home },
				ev.DEVPATH or "", tonumber(ev.SEQNUM) or 0)
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

	-- tag(ev, "uaccess"): the device carries udev's tag, which libudev
	-- clients filter on (logind's seat and uaccess, systemd's systemd).
	-- It goes into udev's database and broadcast, nowhere else.
	function A.tag(ev, name)
		if type(name) ~= "string" or not name:find("^[%w_%-]+$") then
			error(("tag: bad tag name %s"):format(tostring(name)), 2)
		end
		if report then report { "tag", name = name } end
		if track then track("tag", ev, name) end
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

	return A
end

return M
