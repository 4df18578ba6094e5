-- What a handler's match table may say about an event, compiled once into a test function.
--
-- A match is a table of VARIABLE = condition:
--   "text"            the variable equals "text" (numbers compare as text)
--   present / absent  the variable is set / is not set
--   pattern "^tty%d"  the variable is set and the Lua pattern finds a match
--   glob "ttyUSB*"    the variable is set and all of it matches the fnmatch(3) pattern
--   { a, b, ... }     any one of the alternatives holds
--   except(c)         c does not hold (c any of the above: except "remove")
--   function(v, ev)   the function returns true (v may be nil)
-- or a function(ev) deciding on its own.  An empty match takes every event.
local M = {}

local PRESENT = setmetatable({}, { __tostring = function() return "present" end })
local ABSENT = setmetatable({}, { __tostring = function() return "absent" end })
local pattern_mt = {
	__tostring = function(p) return ("pattern %q"):format(p.pattern) end,
}

local glob_mt = {
	__tostring = function(g) return ("glob %q"):format(g.glob) end,
}

local except_mt = {
	__tostring = function(e) return ("except(%s)"):format(tostring(e.inner)) end,
}

M.present = PRESENT
M.absent = ABSENT

-- Lua reports a malformed pattern only when matching reaches the bad
-- part; walk it once here so the error comes at load time.
local function pattern_error(p)
	local i, n = 1, #p
	while i <= n do
		local c = p:sub(i, i)
		if c == "%" then
			local d = p:sub(i + 1, i + 1)
			if d == "" then return "ends with '%'" end
			if d == "b" then
				if #p < i + 3 then return "missing arguments to '%b'" end
				i = i + 4
			elseif d == "f" then
				if p:sub(i + 2, i + 2) ~= "[" then return "missing '[' after '%f'" end
				i = i + 2
			else
				i = i + 2
			end
		elseif c == "[" then
			local j = i + 1
			if p:sub(j, j) == "^" then j = j + 1 end
			-- A ']' right after '[' or '[^' is a literal.
			if p:sub(j, j) == "]" then j = j + 1 end
			while true do
				local e = p:sub(j, j)
				if e == "" then return "missing ']'" end
				if e == "%" then
					if j == n then return "ends with '%'" end
					j = j + 2
				elseif e == "]" then
					break
				else
					j = j + 1
				end
			end
			i = j + 1
		else
			i = i + 1
		end
	end
	return nil
end

-- pattern "^sd[a-z]$": checked now, so a typo fails at load time with file:line.
function M.pattern(p)
	if type(p) ~= "string" then
		error("pattern expects a string, got " .. type(p), 2)
	end
	local err = pattern_error(p)
	if err then
		error(("bad pattern %q: %s"):format(p, err), 2)
	end
	return setmetatable({ pattern = p }, pattern_mt)
end

function M.is_pattern(v)
	return getmetatable(v) == pattern_mt
end

-- glob "ttyUSB[0-9]*": fnmatch(3)'s patterns, as udev's KERNEL=="..."
-- and mdev's names use them; compiled now, so a bad one fails at load
-- time with file:line.
function M.glob(p)
	if type(p) ~= "string" then
		error("glob expects a string, got " .. type(p), 2)
	end
	local ok, g = pcall(require("hotplug2.core").glob, p)
	if not ok then error(g, 2) end
	return setmetatable({ glob = p, compiled = g }, glob_mt)
end

function M.is_glob(v)
	return getmetatable(v) == glob_mt
end

-- Does a string compared as text look like a glob?  ("ttyUSB*", "sd?",
-- "event[0-9]"): it then almost never matches what was meant.
local function looks_like_glob(s)
	return s:find("[*?]") ~= nil or s:find("%[.+%]") ~= nil
end

-- The equality conditions of a match table that look like globs, as
-- { key, text } pairs, for the load-time warning.
function M.glob_like(match)
	local found = {}
	if type(match) ~= "table" then return found end
	local function check(k, w)
		if type(w) == "string" and looks_like_glob(w) then
			found[#found + 1] = { k, w }
		elseif type(w) == "table" and getmetatable(w) == nil then
			for _, alt in ipairs(w) do check(k, alt) end
		end
	end
	for k, w in pairs(match) do check(k, w) end
	table.sort(found, function(a, b) return tostring(a[1]) < tostring(b[1]) end)
	return found
end

-- Compile one condition into a function(value, ev) -> boolean.
-- Returns the function and whether it runs user code.
local function condition(key, want)
	local t = type(want)
	if t == "string" or t == "number" then
		local s = tostring(want)
		return function(v) return v == s end, false
	elseif want == PRESENT then
		return function(v) return v ~= nil end, false
	elseif want == ABSENT then
		return function(v) return v == nil end, false
	elseif getmetatable(want) == pattern_mt then
		-- Strings' own find: in a runner, the bounded one.  The pattern
		-- runs on what a device sent, so it is called as user code, with
		-- a budget of its own.
		local p = want.pattern
		local find = ("").find
		return function(v) return v ~= nil and find(v, p) ~= nil end, true
	elseif getmetatable(want) == glob_mt then
		-- In C and bounded: not user code.
		local g = want.compiled
		return function(v) return v ~= nil and g:match(v) end, false
	elseif getmetatable(want) == except_mt then
		local f = want.test
		return function(v, ev) return not f(v, ev) end, want.user
	elseif t == "function" then
		return function(v, ev) return want(v, ev) and true or false end, true
	elseif t == "table" then
		if #want == 0 then
			error(("%s: an empty list of alternatives matches nothing"):format(key), 0)
		end
		local alts, user = {}, false
		for i, w in ipairs(want) do
			local f, u = condition(key, w)
			alts[i] = f
			user = user or u
		end
		local n = #alts
		return function(v, ev)
			for i = 1, n do
				if alts[i](v, ev) then return true end
			end
			return false
		end, user
	end
	error(("%s: cannot match with a %s value (use a string, present, absent, "
		.. "pattern \"...\", glob \"...\", a list or a function)"):format(key, t), 0)
end

M.condition = condition

-- except "remove", except { "remove", "unbind" }, except(pattern "^loop"):
-- holds when the condition does not (also when the variable is not set,
-- as udev's ACTION!="remove").  Compiled now, so a bad condition fails
-- at load time with file:line; not user code unless the condition is.
function M.except(want)
	if type(want) == "function" then
		error("except: write the function's own negation instead of except(function)", 2)
	end
	local ok, f, u = pcall(condition, "except", want)
	if not ok then error(f, 2) end
	return setmetatable({ inner = want, test = f, user = u }, except_mt)
end

-- Compile a match table (or function) into test(ev) -> boolean, user_code.
-- Raises a message naming the bad entry.  The key parents holds a parent
-- match (see hotplug2.device), which parents(spec) compiles into a
-- function(ev) -> boolean, user_code.
function M.compile(match, parents)
	if match == nil then
		return function() return true end, false
	end
	if type(match) == "function" then
		return function(ev) return match(ev) and true or false end, true
	end
	if type(match) ~= "table" then
		error("a match must be a table or a function, not a " .. type(match), 0)
	end
	-- Equality first: it is cheapest and usually decides.
	local keys = {}
	for k in pairs(match) do
		if type(k) ~= "string" then
			error(("match keys must be variable names, not %s"):format(tostring(k)), 0)
		end
		keys[#keys + 1] = k
	end
	table.sort(keys, function(a, b)
		local ea, eb = type(match[a]) == "string", type(match[b]) == "string"
		if ea ~= eb then return ea end
		return a < b
	end)
	-- The test is Lua source made here, so an event costs one function
	-- call with the comparisons inline: equality, present and absent
	-- need no call of their own, and the other conditions are called
	-- from a list, in the order of the sorted keys.
	local src, tests, user = { "local tests = ...\nreturn function(ev)\n" }, {}, false
	local function line(fmt, ...)
		src[#src + 1] = fmt:format(...) .. "\n"
	end
	for _, k in ipairs(keys) do
		local w = match[k]
		if type(w) == "string" or type(w) == "number" then
			line("if ev[%q] ~= %q then return false end", k, tostring(w))
		end
	end
	for _, k in ipairs(keys) do
		local w = match[k]
		if k == "parents" then
			-- Last: it reads sysfs.
		elseif type(w) == "string" or type(w) == "number" then
			-- Done above.
		elseif w == PRESENT then
			line("if ev[%q] == nil then return false end", k)
		elseif w == ABSENT then
			line("if ev[%q] ~= nil then return false end", k)
		else
			local f, u = condition(k, w)
			tests[#tests + 1] = f
			line("if not tests[%d](ev[%q], ev) then return false end", #tests, k)
			user = user or u
		end
	end
	if match.parents ~= nil then
		if not parents then error("parents: this match cannot look at parents here", 0) end
		local f, u = parents(match.parents)
		tests[#tests + 1] = f
		line("if not tests[%d](ev) then return false end", #tests)
		user = user or u
	end
	line("return true\nend")
	local chunk = assert(loadstring(table.concat(src), "=match"))
	return chunk(tests), user
end

return M
