-- The original hotplug2's /etc/hotplug2.rules (0.9, 1.0) as a hotplug2 handler: parsed into rule tables, then run as hotplug2 ran them.
--
--   local rules = require "hotplug2.rules"
--   local list = rules.parse(text, "/etc/hotplug2.rules", read)  -- raises "file:line: why"
--   local fn = rules.compile(list, { actions = A, core = core })
--   fn(ev)                                 -- what hotplug2 did for ev
--
-- A rule table is plain data (hotplug2 convert writes it out, and
-- hotplug2_rules{ ... } reads it back):
--   { line = 3, file = "...", when = { { "SUBSYSTEM", "==", "block" }, ... },
--     run = { { "makedev", "/dev/%DEVICENAME%", "0644", line = 4 }, ... } }
-- Conditions are VAR op value with op one of == != ~~ !~, or VAR "is"
-- "set"/"unset".  Commands keep their words as written; %VAR% is
-- replaced when the command runs, from the event as it is then.
local M = {}

-- Command name -> { least, most arguments (-1: any) }.  The names of
-- 1.0 and their older 0.9 spellings.
local ARITY = {
	["print"] = { 1, 1 }, ["print-event"] = { 0, 1 }, ["printdebug"] = { 0, 1 },
	["setenv"] = { 2, 2 }, ["remove"] = { 1, 1 },
	["chown"] = { 2, 2 }, ["chgrp"] = { 2, 2 }, ["chmod"] = { 2, 2 },
	["exec"] = { 1, -1 }, ["run"] = { 1, 1 },
	["mknod"] = { 2, 2 }, ["makedev"] = { 2, 2 }, ["symlink"] = { 2, 2 },
	["load-firmware"] = { 1, 1 }, ["serialize"] = { 1, 1 },
	["next"] = { 0, 0 }, ["next-event"] = { 0, 0 },
	["next_if_failed"] = { 0, 1 }, ["branch-event"] = { 0, 1 },
	["break_if_failed"] = { 0, 1 }, ["branch-rule"] = { 0, 1 },
	["flag-slow"] = { 0, 0 }, ["nothrottle"] = { 0, 0 }, ["break"] = { 0, 0 },
}
M.commands = ARITY

local function fail(path, line, fmt, ...)
	error(("%s:%d: %s"):format(path, line, fmt:format(...)), 0)
end

-- The characters hotplug2's lexer takes into an unquoted word.
local function isword(c)
	local b = c:byte()
	return (b >= 63 and b <= 122) or (b >= 35 and b <= 43)
		or (b >= 48 and b <= 57) or (b >= 45 and b <= 47)
		or c == ":" or c == ";" or c == "|"
end

local ESCAPES = { n = "\n", t = "\t", r = "\r" }

-- Tokens: { kind, text, line }; kinds word, var, cmp, ",", "{", "}",
-- "nl", "kw" ($include), "eof".  A word starting with a capital is a
-- variable name as far as the capitals and underscores go, as in
-- hotplug2: "Hello" is the two words "H" and "ello".
local function lex(text, path)
	local toks, i, n, line = {}, 1, #text, 1
	local function push(kind, s, ln) toks[#toks + 1] = { kind, s, ln or line } end
	while i <= n do
		local c = text:sub(i, i)
		if c == "\n" then
			if toks[#toks] == nil or toks[#toks][1] ~= "nl" then push("nl", "\n") end
			line = line + 1
			i = i + 1
		elseif c == " " or c == "\t" or c == "\r" or c == "\f" or c == "\v" then
			i = i + 1
		elseif c == "#" then
			local j = text:find("\n", i, true) or n + 1
			i = j
		elseif c == '"' then
			local buf, j, start = {}, i + 1, line
			while true do
				local d = text:sub(j, j)
				if d == "" then fail(path, start, "unterminated quoted word") end
				if d == '"' then break end
				if d == "\\" then
					local e = text:sub(j + 1, j + 1)
					if e == "" then fail(path, start, "unterminated quoted word") end
					buf[#buf + 1] = ESCAPES[e] or e
					if e == "\n" then line = line + 1 end
					j = j + 2
				else
					if d == "\n" then line = line + 1 end
					buf[#buf + 1] = d
					j = j + 1
				end
			end
			push("word", table.concat(buf), start)
			i = j + 1
		elseif c == "," or c == "{" or c == "}" then
			push(c, c)
			i = i + 1
		elseif c == "=" or c == "~" or c == "!" then
			local two = text:sub(i, i + 1)
			if two == "==" or two == "~~" or two == "!=" or two == "!~" then
				push("cmp", two)
				i = i + 2
			else
				fail(path, line, "unexpected %q", two)
			end
		elseif c == "$" then
			local j = i + 1
			while j <= n and text:sub(j, j):find("%a") do j = j + 1 end
			push("kw", text:sub(i, j - 1))
			i = j
		elseif c:find("[A-Z_]") then
			local j = i
			while j <= n and text:sub(j, j):find("[A-Z_]") do j = j + 1 end
			push("var", text:sub(i, j - 1))
			i = j
		elseif isword(c) then
			local j = i
			while j <= n and isword(text:sub(j, j)) do j = j + 1 end
			push("word", text:sub(i, j - 1))
			i = j
		else
			fail(path, line, "unexpected character %q", c)
		end
	end
	push("eof", "")
	return toks
end

-- text -> list of rule tables.  read(file, from) returns the text of a
-- file $include'd from the file named from, and the name to report it
-- under (or nil and why); depth bounds include loops.
function M.parse(text, path, read, depth)
	depth = depth or 0
	if depth > 8 then error(path .. ": $include nested too deep", 0) end
	local toks, p = lex(text, path), 1
	local rules = {}
	local function peek() return toks[p] end
	local function take() p = p + 1 return toks[p - 1] end
	local function skip_nl() while peek()[1] == "nl" do p = p + 1 end end
	local function word_token(t)
		return t[1] == "word" or t[1] == "var"
	end
	while true do
		skip_nl()
		local t = peek()
		if t[1] == "eof" then break end
		if t[1] == "kw" then
			take()
			if t[2] ~= "$include" then fail(path, t[3], "unknown directive %q", t[2]) end
			local files = {}
			while word_token(peek()) do files[#files + 1] = take()[2] end
			if peek()[1] ~= "nl" and peek()[1] ~= "eof" then
				fail(path, peek()[3], "unexpected %q in $include", peek()[2])
			end
			for _, f in ipairs(files) do
				if not read then fail(path, t[3], "cannot $include %s here", f) end
				if f:find("[*?]") then
					fail(path, t[3], "$include %s: patterns are not supported; list the files", f)
				end
				local sub, name = read(f, path)
				if not sub then fail(path, t[3], "unable to include %s: %s", f, tostring(name)) end
				for _, r in ipairs(M.parse(sub, name or f, read, depth + 1)) do
					-- Where the outermost $include is, for hotplug2 convert's comments.
					r.from, r.from_line = path, t[3]
					rules[#rules + 1] = r
				end
			end
		elseif t[1] == "var" then
			local rule = { line = t[3], file = path, when = {}, run = {} }
			while true do
				local v = take()
				if v[1] ~= "var" then fail(path, v[3], "expected a variable name, found %q", v[2]) end
				local op = take()
				if op[1] == "cmp" then
					local val = take()
					if not word_token(val) then
						fail(path, val[3], "expected a value after %s %s", v[2], op[2])
					end
					rule.when[#rule.when + 1] = { v[2], op[2], val[2] }
				elseif op[1] == "word" and op[2] == "is" then
					local val = take()
					if val[2] ~= "set" and val[2] ~= "unset" then
						fail(path, val[3], "expected 'set' or 'unset' after %s is", v[2])
					end
					rule.when[#rule.when + 1] = { v[2], "is", val[2] }
				else
					fail(path, op[3], "expected ==, !=, ~~, !~ or 'is' after %s", v[2])
				end
				skip_nl()
				local sep = take()
				if sep[1] == "{" then break end
				if sep[1] ~= "," then
					fail(path, sep[3], "expected ',' or '{' after a condition, found %q", sep[2])
				end
				skip_nl()
			end
			while true do
				skip_nl()
				local w = peek()
				if w[1] == "}" then rule.last = take()[3] break end
				if w[1] == "eof" then fail(path, rule.line, "rule has no closing '}'") end
				if not word_token(w) then fail(path, w[3], "expected a command, found %q", w[2]) end
				take()
				local cmd = { w[2], line = w[3] }
				while word_token(peek()) do cmd[#cmd + 1] = take()[2] end
				local a = ARITY[cmd[1]]
				if not a then fail(path, w[3], "unknown command %q", cmd[1]) end
				local argc = #cmd - 1
				if argc < a[1] or (a[2] >= 0 and argc > a[2]) then
					fail(path, w[3], "%s takes %s argument%s, found %d", cmd[1],
						a[1] == a[2] and tostring(a[1]) or
							a[2] < 0 and ("at least " .. a[1]) or (a[1] .. " to " .. a[2]),
						a[2] == 1 and "" or "s", argc)
				end
				local e = peek()
				if e[1] ~= "nl" and e[1] ~= "}" then
					fail(path, e[3], "unexpected %q after %s", e[2], cmd[1])
				end
				rule.run[#rule.run + 1] = cmd
			end
			rules[#rules + 1] = rule
		else
			fail(path, t[3], "expected a rule or $include, found %q", t[2])
		end
	end
	return rules
end

-- %VAR% -> its value; an unknown variable stays as written.
local function substitute(s, ev)
	return (s:gsub("%%([^%%]*)%%", function(k)
		local v = ev[k]
		if v == nil then return nil end
		return tostring(v)
	end))
end

-- A path the original wrote anywhere: hotplug2 writes only under /dev.
local function dev_name(path)
	local rel = path:match("^/dev/+(.+)$")
	if not rel then
		error(("refusing %q: hotplug2 writes only under /dev"):format(path), 0)
	end
	return rel
end

local function basename(p)
	return (p:match("([^/]*)/*$"))
end

-- Compile rule tables into function(ev); it returns o.stop when a rule
-- said next-event.  o: actions (the handler API), core, stop, config.
function M.compile(rules, o)
	local A, core, stop = o.actions, o.core, o.stop
	-- The original made a node at once, and later commands of the rule
	-- (chmod, exec) expect it there: make it now, not after the event.
	local settle_node = o.control and o.control.settle_node or function() end
	local cache = {}
	local compiled = {}
	local warned = {}
	local function warn_once(key, msg)
		if not warned[key] then warned[key] = true core.log("warn", msg) end
	end
	for i, r in ipairs(rules) do
		if type(r) ~= "table" or type(r.when) ~= "table" or type(r.run) ~= "table" then
			error(("hotplug2_rules: rule %d is not a rule table"):format(i), 0)
		end
		local file = r.file or "hotplug2.rules"
		local c = { rule = r, conds = {} }
		for j, w in ipairs(r.when) do
			local var, op, val = w[1], w[2], w[3]
			local cond = { var, op, val }
			if op == "~~" or op == "!~" then
				local re = cache[val]
				if not re then
					local ok, err = pcall(core.regex, val)
					if not ok then fail(file, r.line, "%s", tostring(err)) end
					re = err
					cache[val] = re
				end
				cond[3] = re
			elseif op == "is" then
				if val ~= "set" and val ~= "unset" then
					fail(file, r.line, "condition %d: 'is' takes set or unset", j)
				end
			elseif op ~= "==" and op ~= "!=" then
				fail(file, r.line, "condition %d: unknown operator %q", j, tostring(op))
			end
			c.conds[j] = cond
		end
		for _, cmd in ipairs(r.run) do
			local a = ARITY[cmd[1]]
			if not a then fail(file, cmd.line or r.line, "unknown command %q", tostring(cmd[1])) end
			local argc = #cmd - 1
			if argc < a[1] or (a[2] >= 0 and argc > a[2]) then
				fail(file, cmd.line or r.line, "%s: wrong number of arguments", cmd[1])
			end
		end
		compiled[#compiled + 1] = c
	end

	local function holds(cond, ev)
		local v = ev[cond[1]]
		local op = cond[2]
		if op == "is" then
			if cond[3] == "set" then return v ~= nil end
			return v == nil
		end
		if v == nil then return false end
		v = tostring(v)
		if op == "==" then return v == cond[3] end
		if op == "!=" then return v ~= cond[3] end
		local m = cond[3]:match(v) ~= nil
		if op == "~~" then return m end
		return not m
	end

	-- The path of a chown/chgrp/chmod: 1.0 writes the path last, 0.9
	-- first; a path starts with '/', a name or mode does not.
	local function order(x, y)
		if x:sub(1, 1) == "/" and y:sub(1, 1) ~= "/" then return y, x end
		return x, y
	end

	-- Each command: returns its status, 0 for success, as the original's
	-- return values fed branch-rule and branch-event.
	local run = {}
	run["print"] = function(ev, argv) core.log("info", argv[1]) return 0 end
	local function print_event(ev, argv)
		local keys = {}
		for k in pairs(ev) do if type(k) == "string" then keys[#keys + 1] = k end end
		table.sort(keys)
		local t = { ("Event #%s%s"):format(tostring(ev.SEQNUM or 0),
			argv[1] and (": " .. argv[1]) or "") }
		for _, k in ipairs(keys) do t[#t + 1] = ("%15s = %s"):format(k, tostring(ev[k])) end
		core.log("info", table.concat(t, "\n"))
		return 0
	end
	run["print-event"], run["printdebug"] = print_event, print_event
	run["setenv"] = function(ev, argv) A.setenv(ev, argv[1], argv[2]) return 0 end
	run["remove"] = function(ev, argv)
		return A.remove_node(ev, { name = dev_name(argv[1]) }) and 0 or -1
	end
	local function current(path)
		local st = core.lstat("dev/" .. path)
		if not st then error(("no such file /dev/%s"):format(path), 0) end
		return st
	end
	-- hotplug2 looked owners and groups up by name only (getpwnam): a
	-- name it does not know, or a number, changes nothing and fails.
	local function known(kind, name)
		local id = core[kind](name)
		if id == nil then error(("unknown %s %q"):format(kind == "uid" and "user" or "group", name), 0) end
		return id
	end
	run["chown"] = function(ev, argv)
		local user, path = order(argv[1], argv[2])
		path = dev_name(path)
		known("uid", user)
		A.chown(path, user, current(path).gid)
		return 0
	end
	run["chgrp"] = function(ev, argv)
		local group, path = order(argv[1], argv[2])
		path = dev_name(path)
		known("gid", group)
		A.chown(path, current(path).uid, group)
		return 0
	end
	run["chmod"] = function(ev, argv)
		local mode, path = order(argv[1], argv[2])
		A.chmod(dev_name(path), mode)
		return 0
	end
	run["exec"] = function(ev, argv) return A.run(ev, argv) end
	run["run"] = function(ev, argv) return A.run(ev, { "/bin/sh", "-c", argv[1] }) end
	local function mknod(ev, argv)
		if not (ev.MAJOR and ev.MINOR and ev.SUBSYSTEM and ev.DEVPATH) then return -1 end
		A.make_node(ev, { name = dev_name(argv[1]), mode = argv[2],
			type = ev.SUBSYSTEM == "block" and "b" or "c" })
		settle_node()
		return 0
	end
	run["mknod"], run["makedev"] = mknod, mknod
	run["symlink"] = function(ev, argv)
		A.make_link(ev, dev_name(argv[2]), { target = argv[1] })
		return 0
	end
	run["load-firmware"] = function(ev, argv)
		if not (ev.FIRMWARE and ev.DEVPATH) then return -1 end
		local saved = A.config.firmware_path
		A.config.firmware_path = { argv[1] }
		local ok = pcall(A.load_firmware, ev)
		A.config.firmware_path = saved
		return ok and 0 or -1
	end
	run["serialize"] = function()
		warn_once("serialize", "hotplug2.rules: serialize is not supported; use exec")
		return -1
	end

	return function(ev)
		if ev.DEVPATH and ev.DEVICENAME == nil then
			ev.DEVICENAME = basename(tostring(ev.DEVPATH))
		end
		for _, c in ipairs(compiled) do
			local hit = true
			for _, cond in ipairs(c.conds) do
				if not holds(cond, ev) then hit = false break end
			end
			if hit then
				local last = 0
				for _, cmd in ipairs(c.rule.run) do
					local name = cmd[1]
					if name == "next" or name == "next-event" then return stop end
					if name == "next_if_failed" or name == "branch-event" then
						if (cmd[2] == "success") == (last == 0) then return stop end
						last = 0
					elseif name == "break_if_failed" or name == "branch-rule" then
						if (cmd[2] == "success") == (last == 0) then break end
						last = 0
					elseif run[name] then
						local argv = {}
						for i = 2, #cmd do argv[i - 1] = substitute(cmd[i], ev) end
						local ok, rv = pcall(run[name], ev, argv)
						if ok then
							last = tonumber(rv) or 0
						else
							last = -1
							core.log("warn", ("%s:%d: %s: %s"):format(c.rule.file or "hotplug2.rules",
								cmd.line or c.rule.line, name,
								tostring(rv):gsub("^[^:]*:%d+: ", "")))
						end
					end
				end
			end
		end
	end
end

-- The $include reader of a loader: host files, relative to the
-- including file.
function M.reader(core)
	local mdev = require "hotplug2.mdev"
	return function(f, from)
		local name = mdev.resolve(f, from)
		local text, err = core.read_config(name)
		if not text then return nil, err end
		return text, name
	end
end

function M.load(src, o)
	local rules
	local mdev = require "hotplug2.mdev"
	if type(src) == "string" then
		local path = mdev.resolve(src, o.base)
		local text, err = o.core.read_config(path)
		if not text then error(err, 0) end
		rules = M.parse(text, path, M.reader(o.core))
	elseif type(src) == "table" then
		rules = src
	else
		error("hotplug2_rules expects a file name or a table of rules", 0)
	end
	return M.compile(rules, { actions = o.actions, control = o.control, core = o.core, stop = o.stop })
end

return M
