-- hotplug2 convert: an mdev.conf or hotplug2.rules file written out as a Lua handler file that does the same.
--
-- The handler file holds the parsed rules as Lua tables, each under the
-- source lines it came from, and hands them to mdev_conf{ ... } or
-- hotplug2_rules{ ... }: the same compile the loaders use, so loading the
-- original and loading the conversion take the same actions.  From there
-- a rule can be rewritten as an on() handler at a time (docs/migration.md).
local mdev = require "hotplug2.mdev"
local rules = require "hotplug2.rules"

local M = {}

local function q(s)
	return (("%q"):format(s):gsub("\\\n", "\\n"))
end

local function lines_of(text)
	local t = {}
	for s in (text .. "\n"):gmatch("([^\n]*)\n") do t[#t + 1] = s:gsub("\r$", "") end
	if t[#t] == "" then t[#t] = nil end
	return t
end

local function comment(out, indent, s)
	out[#out + 1] = indent .. (s == "" and "--" or "-- " .. s)
end

local MDEV_KEYS = { "keep", "env", "major", "minor", "minor_last", "var", "regex",
	"owner", "group", "mode", "move", "path", "when", "command" }

local function mdev_rule(r)
	local f = { "line = " .. r.line }
	for _, k in ipairs(MDEV_KEYS) do
		local v = r[k]
		if v ~= nil then
			if k == "env" then
				local e = {}
				for _, p in ipairs(v) do e[#e + 1] = ("{ %s, %s }"):format(q(p[1]), q(p[2])) end
				f[#f + 1] = "env = { " .. table.concat(e, ", ") .. " }"
			elseif type(v) == "string" then
				f[#f + 1] = k .. " = " .. q(v)
			else
				f[#f + 1] = k .. " = " .. tostring(v)
			end
		end
	end
	return "{ " .. table.concat(f, ", ") .. " },"
end

-- mdev(path, text) -> the Lua handler file's text.
function M.mdev(path, text)
	local list = mdev.parse(text, path)
	local by_line = {}
	for _, r in ipairs(list) do by_line[r.line] = r end
	local out = {
		"-- Converted from " .. path .. " by hotplug2 convert.",
		"-- Each mdev.conf line is a Lua table under its source line; mdev_conf runs",
		"-- them as mdev does (first match wins unless the line starts with \"-\").",
		"mdev_conf {",
		"\tsource = " .. q(path) .. ",",
	}
	for n, s in ipairs(lines_of(text)) do
		comment(out, "\t", s)
		if by_line[n] then out[#out + 1] = "\t" .. mdev_rule(by_line[n]) end
	end
	out[#out + 1] = "}"
	return table.concat(out, "\n") .. "\n"
end

local function words(t)
	local w = {}
	for i = 1, #t do w[i] = q(t[i]) end
	return table.concat(w, ", ")
end

-- rules(path, text, read) -> the Lua handler file's text; read is the
-- $include reader of rules.parse.
function M.rules(path, text, read)
	local texts = { [path] = text }
	local function reader(f, from)
		local t, name = read(f, from)
		if t then texts[name or f] = t end
		return t, name
	end
	local list = rules.parse(text, path, reader)
	local src, cursor = {}, {}
	local function source_lines(file)
		if not src[file] then src[file] = lines_of(texts[file] or "") cursor[file] = 0 end
		return src[file]
	end
	local out = {
		"-- Converted from " .. path .. " by hotplug2 convert.",
		"-- Each rule is a Lua table under its source lines; hotplug2_rules runs them",
		"-- as hotplug2 did.  %VAR% is replaced when a command runs.",
		"hotplug2_rules {",
	}
	-- Source lines up to and including upto, as comments.
	local function flush(file, upto)
		local l = source_lines(file)
		for n = cursor[file] + 1, math.min(upto, #l) do comment(out, "\t", l[n]) end
		if upto > cursor[file] then cursor[file] = upto end
	end
	for _, r in ipairs(list) do
		if r.from then flush(r.from, r.from_line) end
		flush(r.file, r.last or r.line)
		local conds = {}
		for _, c in ipairs(r.when) do conds[#conds + 1] = "{ " .. words(c) .. " }" end
		out[#out + 1] = ("\t{ file = %s, line = %d,"):format(q(r.file), r.line)
		out[#out + 1] = "\t  when = { " .. table.concat(conds, ", ") .. " },"
		out[#out + 1] = "\t  run = {"
		for _, cmd in ipairs(r.run) do
			out[#out + 1] = ("\t\t{ %s, line = %d },"):format(words(cmd), cmd.line or r.line)
		end
		out[#out + 1] = "\t} },"
	end
	for file in pairs(texts) do
		if file == path then flush(file, math.huge) end
	end
	out[#out + 1] = "}"
	return table.concat(out, "\n") .. "\n"
end

-- The entry hotplug2 convert calls: kind is "mdev.conf" or
-- "hotplug2.rules"; returns the text, or raises why not.
function M.main(kind, path)
	local core = require "hotplug2.core"
	if kind == "mdev.conf" then
		path = path or "/etc/mdev.conf"
		local text, err = core.read_config(path)
		if not text then error(err, 0) end
		return M.mdev(path, text)
	elseif kind == "hotplug2.rules" then
		path = path or "/etc/hotplug2.rules"
		local text, err = core.read_config(path)
		if not text then error(err, 0) end
		return M.rules(path, text, rules.reader(core))
	end
	error(("unknown kind %q: convert mdev.conf or hotplug2.rules"):format(tostring(kind)), 0)
end

return M
