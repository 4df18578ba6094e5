-- The handlers' string library (core.string_library): Lua 5.1's results and errors, bounded by the budget.
local core = require "hotplug2.core"

-- Lua's own functions, before s:find means ours.
local stock = {
	find = string.find, match = string.match, gmatch = string.gmatch,
	gsub = string.gsub, rep = string.rep,
}
local ours = core.string_library()

-- pcall's results as one comparable list.
local function outcome(f, ...)
	return { pcall(f, ...) }
end

local function gmatch_all(gmatch)
	return function(s, p)
		local t = {}
		for a, b, c in gmatch(s, p) do t[#t + 1] = { a, b, c } end
		return t
	end
end

local function same(name, args, a, b)
	assert.are.same(a, b, ("%s(%s)"):format(name, table.concat(args, ", ")))
end

local function compare(name, ...)
	local args = {}
	for i = 1, select("#", ...) do args[i] = ("%q"):format(tostring((select(i, ...)))) end
	local f, g = stock[name], ours[name]
	if name == "gmatch" then f, g = gmatch_all(f), gmatch_all(g) end
	same(name, args, outcome(f, ...), outcome(g, ...))
end

local CASES = {
	-- subject, pattern
	{ "hello world", "o w" }, { "hello", "l+" }, { "hello", "l*" }, { "hello", "l-" },
	{ "hello", "l?" }, { "hello", "^h" }, { "hello", "^e" }, { "hello", "o$" },
	{ "hello", "$" }, { "hello", "^" }, { "", "" }, { "", "a*" }, { "", "^$" },
	{ "key=val", "(%w+)=(%w+)" }, { "key = val", "^(%w+)%s*=%s*(%w*)$" },
	{ "THE (quick) fox", "%((%a+)%)" }, { "f(a(b)c)d", "%b()" }, { "x[y]z", "%b[]" },
	{ "unbalanced((", "%b()" }, { "THE (quick) fox", "%f[%a]%a+" },
	{ "hello", "()ll()" }, { "hello", "(l)(l)" }, { "hello", "(h)(e)(l)(l)(o)" },
	{ "abcabc", "(abc)%1" }, { "abab", "(a)(b)%2" }, { "aaa", "(a*(.)%w(%s*))" },
	{ "0x1F zz", "%x+" }, { "tab\there", "%c" }, { "a.b-c", "[%.%-]" },
	{ "a]b", "[]]" }, { "a^b", "[%^]" }, { "a^b", "[^a]" }, { "a-z", "[a-]" },
	{ "m-z", "[-m]" }, { "abcdef", "[b-d]+" }, { "ABCdef", "[^%l]+" },
	{ "12ab", "%D+" }, { "  x", "%S" }, { "a\0b", "%z" }, { "a\0b", "[%z]" },
	{ "a\0b", "a\0b" }, { "punct!?", "%p+" }, { "MiXeD", "%u%l" }, { "MiXeD", "%U+" },
	{ "/devices/pci0000:00/usb1", "[^/]*$" }, { "ttyUSB0", "^tty%d" },
	{ "ttyUSB0", "^ttyUSB(%d+)$" }, { "sda1", "^sd[a-z]%d*$" },
	{ "input:b0003v046Dp", "^input:b(%x+)v(%x+)" }, { "a.b", "." }, { "a+b", "a+b" },
	{ "aaab", "a-b" }, { "aaab", "^a-$" }, { "x", "(" }, { "x", ")" }, { "x", "%" },
	{ "x", "[a" }, { "x", "[a%" }, { "x", "%b" }, { "x", "%bx" }, { "x", "%f" },
	{ "x", "%fx" }, { "x", "%1" }, { "x", "(x)%2" }, { "x", "(x%1)" }, { "x", "[%" },
	{ "x", "((((((((((((((((((((((((((((((((((x))))))))))))))))))))))))))))))))))" },
	{ "aaa", "a*a*a*b" }, { "abc", "[a-c]-c" }, { "abc", "%w-$" }, { "[x]", "%[(.-)%]" },
	{ "ab", "%f[%w]" }, { "ab", "%f[%W]" }, { "ab", "%f[]" }, { "a", "[]" }, { "a", "[^]" },
	{ "x", "[%a-z]" }, { "-", "[%a-z]" }, { "^", "^^" }, { "$", "$$" }, { "a$b", "a$b" },
}

describe("the handlers' string library", function()
	it("finds, matches, iterates and substitutes as Lua 5.1 does", function()
		for _, c in ipairs(CASES) do
			local s, p = c[1], c[2]
			compare("find", s, p)
			compare("find", s, p, 2)
			compare("find", s, p, -2)
			compare("find", s, p, 100)
			compare("find", s, p, 1, true)
			compare("find", s, p, -100, true)
			compare("match", s, p)
			compare("match", s, p, 3)
			compare("gmatch", s, p)
			compare("gsub", s, p, "<%0>")
			compare("gsub", s, p, "%1-%1", 2)
			compare("gsub", s, p, "%%")
			compare("gsub", s, p, "x%")
			compare("gsub", s, p, "%9")
			compare("gsub", s, p, 7)
			compare("gsub", s, p, { hello = "HI", a = false, l = 1, x = {} })
			compare("gsub", s, p, function(a, b) return b or a:upper() end)
			compare("gsub", s, p, function() return {} end)
			compare("gsub", s, p, true)
			compare("gsub", s, p, "z", 0)
			compare("gsub", s, p, "z", -1)
		end
	end)

	it("agrees with Lua 5.1 on random subjects and patterns", function()
		local atoms = { "a", "b", ".", "%a", "%d", "%s", "[ab]", "[^a]", "[a-c]", "%%",
			"%b()", "%f[a]", "(", ")", "()", "%1", "^", "$", "(a)", "[%a%d]" }
		local reps = { "", "", "", "*", "+", "-", "?" }
		local chars = { "a", "b", "c", "(", ")", " ", "1", "%" }
		math.randomseed(12)
		for _ = 1, 3000 do
			local p, s = {}, {}
			for i = 1, math.random(0, 6) do
				p[i] = atoms[math.random(#atoms)] .. reps[math.random(#reps)]
			end
			for i = 1, math.random(0, 10) do s[i] = chars[math.random(#chars)] end
			p, s = table.concat(p), table.concat(s)
			compare("find", s, p)
			compare("match", s, p, math.random(-3, 3))
			compare("gmatch", s, p)
			compare("gsub", s, p, "[%0%1]")
		end
	end)

	it("checks its arguments as Lua 5.1 does", function()
		compare("find", nil, "x")
		compare("find", "x", nil)
		compare("find", "x", "x", "y")
		compare("gsub", "x", "x")
		compare("gsub", "x", "x", "y", "n")
		compare("rep", "ab", 3)
		compare("rep", "ab", 0)
		compare("rep", "ab", -1)
		compare("rep", "", 5)
		compare("rep", nil, 5)
	end)

	it("is what s:method calls", function()
		assert.are.equal(ours.find, ("").find)
		assert.are.equal(ours.gsub, ("").gsub)
		assert.are.equal(string.format, ("").format)
	end)

	-- The patterns of the audit: minutes, or a crash, with Lua's own.
	local RUNAWAY = {
		{ "find", function() return ("a"):rep(40):find(("a*"):rep(40) .. "b") end },
		{ "match", function() return ("a"):rep(40):match((".-"):rep(40) .. "b") end },
		{ "gmatch", function() for _ in ("a"):rep(40):gmatch(("a*"):rep(40) .. "b") do end end },
		{ "gsub", function() return ("a"):rep(40):gsub(("a*"):rep(40) .. "b", "") end },
		{ "plain find", function()
			return ("a"):rep(4e6):find(("a"):rep(2e6) .. "b", 1, true)
		end },
		{ "back-reference", function()
			return ("a"):rep(2e5):find("(" .. ("a"):rep(1e5) .. ").-%1b")
		end },
	}

	it("stops a runaway pattern when the budget runs out", function()
		core.set_budget(50)
		local old = core.set_verbose(-1)
		for _, c in ipairs(RUNAWAY) do
			local ok, err = core.pcall(c[2])
			assert.is_false(ok, c[1])
			assert.truthy(tostring(err):find("strings_spec.lua:%d+: aborted: ran longer than its budget of 50 ms"),
				c[1] .. ": " .. tostring(err))
		end
		core.set_verbose(old)
		core.set_budget(200)
	end)

	it("never overflows the C stack", function()
		local ok, err = pcall(ours.find, ("a"):rep(300000), ("a?"):rep(200000))
		assert.is_false(ok)
		assert.truthy(err:find("pattern too complex", 1, true), err)
		-- Below the bound, as Lua 5.1.
		compare("find", ("a"):rep(500), ("a?"):rep(500))
	end)

	it("returns an empty repetition at once", function()
		assert.are.equal("", ours.rep("", 2 ^ 52))
	end)
end)
