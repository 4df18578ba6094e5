-- busybox mdev.conf (and mdevd's additions) as a hotplug2 handler: parsed into rule tables, then run as mdev runs them.
--
--   local mdev = require "hotplug2.mdev"
--   local rules = mdev.parse(text, "/etc/mdev.conf")   -- raises "file:line: why"
--   local fn = mdev.compile(rules, { actions = A, core = core })
--   fn(ev)                                             -- what mdev does for ev
--
-- A rule table is plain data, so `hotplug2 convert` can write it out and
-- mdev_conf{ ... } in a handler file reads it back: the file and its
-- conversion go through the same compile.  Its fields:
--   line, text       where it came from
--   keep             true for a leading "-": matching goes on after it
--   env              { { "VAR", "regex" }, ... }: the VAR=regex; prefixes
--   major, minor, minor_last     an @major,minor[-minor2] rule
--   var, regex       a $VAR=regex rule (var nil: regex matches the name)
--   owner, group     names or numbers ("0" is root)
--   mode             octal string
--   move, path       "=" (move), ">" (move and link) or "!" (no node)
--   when, command    "@" add, "$" remove, "*" any; mdevd's execlineb
--                    forms "+", "-", "&" likewise
local M = {}

-- Which actions run each kind of command, and with what.
local WHEN = {
	["@"] = { add = true, shell = "sh" },
	["$"] = { remove = true, shell = "sh" },
	["*"] = { any = true, shell = "sh" },
	["+"] = { add = true, shell = "execline" },
	["-"] = { remove = true, shell = "execline" },
	["&"] = { any = true, shell = "execline" },
}

local function fail(path, line, fmt, ...)
	error(("%s:%d: %s"):format(path, line, fmt:format(...)), 0)
end

-- One line's fields: up to three words, then the rest of the line.
local function split(s)
	local f, pos = {}, 1
	for i = 1, 3 do
		local a, b = s:find("^[ \t]*[^ \t]+", pos)
		if not a then break end
		f[i] = s:sub(a, b):match("^[ \t]*(.*)$")
		pos = b + 1
	end
	local rest = s:sub(pos):match("^[ \t]*(.-)[ \t]*$")
	if #f == 3 and rest ~= "" then f[4] = rest end
	return f
end

local function owner_group(rule, field, path, line)
	local owner, group = field:match("^([^:]*):(.*)$")
	if not owner then owner = field end
	if owner == "" or group == "" then
		fail(path, line, "bad owner %q: write user:group", field)
	end
	rule.owner, rule.group = owner, group
end

-- Parse one non-comment line into a rule table.
local function parse_line(s, path, line)
	local f = split(s)
	if #f < 3 then
		fail(path, line, "expected 'device user:group mode', found %d field%s",
			#f, #f == 1 and "" or "s")
	end
	local rule = { line = line, text = s }
	local dev = f[1]
	if dev:sub(1, 1) == "-" then
		rule.keep = true
		dev = dev:sub(2)
	end
	-- VAR=regex; prefixes (busybox 1.21+, mdevd).
	while true do
		local name, re, rest = dev:match("^([%a_][%w_]*)=([^;]*);(.*)$")
		if not name then break end
		rule.env = rule.env or {}
		rule.env[#rule.env + 1] = { name, re }
		dev = rest
	end
	if dev:sub(1, 1) == "@" then
		local maj, lo, hi = dev:match("^@(%d+),(%d+)%-(%d+)$")
		if not maj then maj, lo = dev:match("^@(%d+),(%d+)$") end
		if not maj then fail(path, line, "bad @major,minor[-minor2] %q", dev) end
		rule.major, rule.minor, rule.minor_last = tonumber(maj), tonumber(lo),
			tonumber(hi or lo)
	elseif dev:sub(1, 1) == "$" then
		local var, re = dev:match("^%$([^=]*)=(.*)$")
		if not var or var == "" then fail(path, line, "bad $VAR=regex %q", dev) end
		rule.var, rule.regex = var, re
	else
		if dev == "" then fail(path, line, "missing the device regex") end
		rule.regex = dev
	end
	owner_group(rule, f[2], path, line)
	if not f[3]:find("^[0-7]+$") or #f[3] > 4 then
		fail(path, line, "bad mode %q: write it in octal, such as 660", f[3])
	end
	rule.mode = ("%04o"):format(tonumber(f[3], 8))
	local rest = f[4]
	-- mdevd reads a '#' where a path or command may start as a comment;
	-- busybox rejects the line.
	if rest and rest:sub(1, 1) == "#" then rest = nil end
	if rest and rest:find("^[>=!]") then
		local word, after = rest:match("^(%S+)%s*(.*)$")
		rule.move, rule.path = word:sub(1, 1), word:sub(2)
		if rule.move ~= "!" and rule.path == "" then
			fail(path, line, "%q needs a path", rule.move)
		end
		if rule.move == "!" and rule.path ~= "" then
			fail(path, line, "'!' takes no path, found %q", word)
		end
		rest = after ~= "" and after or nil
		if rest and rest:sub(1, 1) == "#" then rest = nil end
	end
	if rest then
		local c = rest:sub(1, 1)
		if not WHEN[c] then
			fail(path, line, "bad command %q: it must start with @, $ or * (or +, -, & for execlineb)",
				rest)
		end
		rule.when, rule.command = c, rest:sub(2)
	end
	return rule
end

-- text -> list of rule tables; path names the file in errors.
function M.parse(text, path)
	local rules, n = {}, 0
	for s in (text .. "\n"):gmatch("([^\n]*)\n") do
		n = n + 1
		s = s:gsub("\r$", "")
		local body = s:match("^[ \t]*(.-)[ \t]*$")
		if body ~= "" and body:sub(1, 1) ~= "#" then
			rules[#rules + 1] = parse_line(body, path, n)
		end
	end
	return rules
end

-- %1..%9 (and %0, the whole match) from the groups; a group that took no
-- part, or a '%' not before a digit, stays as written, as in mdev.  mdev
-- also leaves the '%' of an empty group that ends the path (busybox
-- 1.35 writes the '%' before it copies the group): kept, so the names
-- agree.
local function substitute(s, whole, groups)
	local n = #s
	return (s:gsub("()%%(%d)", function(at, d)
		local i = tonumber(d)
		local g = i == 0 and whole or groups[i]
		if g == false or g == nil then return nil end
		if g == "" and at + 1 == n then return "%" end
		return g
	end))
end

local function basename(p)
	return (p:match("([^/]*)/*$"))
end

-- The groups of the default line (none took part), and of an
-- @major,minor line: mdev zeroes its match offsets, so every group is
-- the empty string.
local NO_GROUPS = {}
local EMPTY_GROUPS = { "", "", "", "", "", "", "", "", "" }

-- Compile rule tables into function(ev).  o.actions is the handler API
-- (make_node, make_link, remove_node, exec, load_firmware), o.core
-- gives regex.  o.source names the file for errors raised while an
-- event runs.
function M.compile(rules, o)
	local A, core = o.actions, o.core
	local source = o.source or "mdev.conf"
	local cache = {}
	local function regex(pattern, line)
		local re = cache[pattern]
		if re then return re end
		local ok, r = pcall(core.regex, pattern)
		if not ok then fail(source, line, "%s", tostring(r):gsub("^[^:]*:%d+: ", "")) end
		cache[pattern] = r
		return r
	end
	local compiled = {}
	for i, r in ipairs(rules) do
		if type(r) ~= "table" or type(r.line) ~= "number" then
			error(("mdev_conf: rule %d is not a rule table"):format(i), 0)
		end
		local c = { rule = r, env = {} }
		for j, e in ipairs(r.env or {}) do c.env[j] = { e[1], regex(e[2], r.line) } end
		if r.regex then
			c.re = regex(r.regex, r.line)
		elseif not (r.major and r.minor and r.minor_last) then
			fail(source, r.line, "a rule needs regex, or major, minor and minor_last")
		end
		if (r.move == "=" or r.move == ">") and type(r.path) ~= "string" then
			fail(source, r.line, "move %q needs a path", r.move)
		end
		if r.when and type(r.command) ~= "string" then
			fail(source, r.line, "a command kind needs a command")
		end
		if r.when and not WHEN[r.when] then
			fail(source, r.line, "bad command kind %q", tostring(r.when))
		end
		compiled[#compiled + 1] = c
	end
	-- What mdev does when no line matches: a node, root:root 0660.
	compiled[#compiled + 1] = { rule = { owner = "0", group = "0", mode = "0660" },
		env = {}, default = true }

	local function id(name)
		return tonumber(name) or name
	end

	local function run(c, ev, op, name, major, is_block, whole, groups)
		local r = c.rule
		local node = name
		local move = r.move
		if move == "!" then
			major = nil
		end
		if move == "=" or move == ">" then
			node = substitute(r.path, whole, groups)
			if node:sub(-1) == "/" then node = node .. name end
		end
		if op == "add" and major then
			A.make_node(ev, { name = node, mode = r.mode, owner = id(r.owner),
				group = id(r.group), type = is_block and "b" or "c" })
			if move == ">" then A.make_link(ev, name, { target = node }) end
		end
		local w = r.when and WHEN[r.when]
		if w and (w.any or w[op]) then
			local env = {}
			for k, v in pairs(ev) do env[k] = v end
			env.MDEV = node
			local argv = w.shell == "sh" and { "/bin/sh", "-c", r.command }
				or { "execlineb", "-Pc", r.command }
			A.exec(env, argv)
		end
		if op == "remove" and move ~= "!" then
			if move == ">" then A.remove_node(ev, { name = name }) end
			A.remove_node(ev, { name = node })
		end
	end

	return function(ev)
		local action = ev.ACTION
		local op = action == "add" and "add" or action == "remove" and "remove" or "other"
		-- mdev ignores the removal of firmware loaders: their "device"
		-- shares a name with a real one.
		if op == "remove" and ev.FIRMWARE then return end
		local devpath = ev.DEVPATH or ""
		local name = ev.DEVNAME or basename(devpath)
		if name == "" then return end
		local major, minor
		if op == "add" then major, minor = tonumber(ev.MAJOR), tonumber(ev.MINOR) end
		if not minor then major = nil end
		local sub = ev.SUBSYSTEM or ""
		local is_block = devpath:find("/block/", 1, true) ~= nil or sub:sub(1, 5) == "block"
		for _, c in ipairs(compiled) do
			local r = c.rule
			local hit, whole, groups = true, nil, NO_GROUPS
			for _, e in ipairs(c.env) do
				local v = ev[e[1]]
				if v == nil or not e[2]:match(tostring(v)) then hit = false break end
			end
			if hit and not c.default then
				if r.major then
					hit = major ~= nil and major == r.major and minor >= r.minor
						and minor <= r.minor_last
					whole, groups = "", EMPTY_GROUPS
				else
					local subject = name
					if r.var then subject = ev[r.var] end
					if subject == nil then
						hit = false
					else
						subject = tostring(subject)
						local s, e
						s, e, groups = c.re:match(subject)
						hit = s == 1 and e == #subject
						whole = subject
					end
				end
			end
			if hit then
				local ok, err = pcall(run, c, ev, op, name, major, is_block, whole, groups)
				if not ok then
					if c.default then error(err, 0) end
					fail(source, r.line, "%s", tostring(err):gsub("^[^:]*:%d+: ", ""))
				end
				if not r.keep then break end
			end
		end
		if op == "add" and ev.FIRMWARE then pcall(A.load_firmware, ev) end
	end
end

-- The directory of a file, for paths given relative to the handler file.
function M.resolve(path, base)
	if path:sub(1, 1) == "/" or not base then return path end
	local dir = base:match("^(.*)/[^/]*$")
	return dir and dir .. "/" .. path or path
end

-- Load from a file (read through core.read_config) or take rule tables.
function M.load(src, o)
	local rules, source
	if type(src) == "string" then
		source = M.resolve(src, o.base)
		local text, err = o.core.read_config(source)
		if not text then error(err, 0) end
		rules = M.parse(text, source)
	elseif type(src) == "table" then
		source = src.source or "mdev.conf"
		rules = src
	else
		error("mdev_conf expects a file name or a table of rules", 0)
	end
	return M.compile(rules, { actions = o.actions, core = o.core, source = source })
end

return M
