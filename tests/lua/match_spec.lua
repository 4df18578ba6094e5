-- hotplug2.match: every kind of condition, table-driven, and the errors bad matches give.
local match = require "hotplug2.match"
local present, absent, pattern, glob = match.present, match.absent, match.pattern, match.glob

local tty = { ACTION = "add", SUBSYSTEM = "tty", DEVNAME = "ttyS0", MAJOR = "4", MINOR = "64" }
local disk = { ACTION = "add", SUBSYSTEM = "block", DEVNAME = "sda", DEVTYPE = "disk" }
local usb = { ACTION = "remove", SUBSYSTEM = "usb", MODALIAS = "usb:v046Dp0A44d0100dc00dsc00dp00ic01isc01ip00in00" }

local cases = {
	-- { description, match, event, expected }
	{ "empty match takes everything", {}, tty, true },
	{ "equality", { ACTION = "add" }, tty, true },
	{ "equality fails", { ACTION = "remove" }, tty, false },
	{ "two equalities", { ACTION = "add", SUBSYSTEM = "block" }, disk, true },
	{ "numbers compare as text", { MAJOR = 4 }, tty, true },
	{ "missing variable is not equal", { DEVTYPE = "disk" }, tty, false },
	{ "present", { MODALIAS = present }, usb, true },
	{ "present fails", { MODALIAS = present }, tty, false },
	{ "absent", { MODALIAS = absent }, tty, true },
	{ "absent fails", { MODALIAS = absent }, usb, false },
	{ "pattern", { DEVNAME = pattern "^tty[A-Z]+%d+$" }, tty, true },
	{ "pattern fails", { DEVNAME = pattern "^sd" }, tty, false },
	{ "pattern on missing variable", { FOO = pattern "" }, tty, false },
	{ "alternatives", { SUBSYSTEM = { "net", "block" } }, disk, true },
	{ "alternatives fail", { SUBSYSTEM = { "net", "input" } }, disk, false },
	{ "mixed alternatives", { DEVNAME = { "null", pattern "^sd%l$" } }, disk, true },
	{ "alternative absent", { MODALIAS = { absent, "x" } }, disk, true },
	{ "function of the value", { MINOR = function(v) return tonumber(v) >= 64 end }, tty, true },
	{ "function sees the event", { DEVNAME = function(v, ev) return ev.SUBSYSTEM == "tty" end }, tty, true },
	{ "whole-event function", function(ev) return ev.DEVTYPE == "disk" end, disk, true },
	{ "glob", { DEVNAME = glob "tty[A-Z]*" }, tty, true },
	{ "glob takes all of the value", { DEVNAME = glob "tty" }, tty, false },
	{ "glob ?", { DEVNAME = glob "sd?" }, disk, true },
	{ "glob [!...]", { DEVNAME = glob "sd[!a]" }, disk, false },
	{ "glob range", { MINOR = glob "[5-7][0-9]" }, tty, true },
	{ "glob escapes", { DEVNAME = glob "tty\\S0" }, tty, true },
	{ "glob * takes '/' too, as fnmatch without flags", { DEVPATH = glob "/devices/*/sda" },
		{ DEVPATH = "/devices/pci0000:00/0000:00:1f.2/sda" }, true },
	{ "glob on missing variable", { FOO = glob "*" }, tty, false },
	{ "glob among alternatives", { DEVNAME = { "null", glob "tty*" } }, tty, true },
	{ "except", { ACTION = match.except "remove" }, tty, true },
	{ "except fails", { ACTION = match.except "add" }, tty, false },
	{ "except holds for a missing variable, as udev's !=", { FOO = match.except "x" }, tty, true },
	{ "except alternatives", { SUBSYSTEM = match.except { "net", "block" } }, disk, false },
	{ "except glob", { DEVNAME = match.except(glob "sd*") }, tty, true },
	{ "except present", { MODALIAS = match.except(present) }, tty, true },
	{ "all conditions must hold", { ACTION = "add", DEVNAME = pattern "^sd", MODALIAS = present }, disk, false },
}

describe("hotplug2.match", function()
	for _, c in ipairs(cases) do
		it(c[1], function()
			local test = match.compile(c[2])
			assert.are.equal(c[4], test(c[3]))
		end)
	end

	it("says whether a match runs user code", function()
		assert.is_false(select(2, match.compile { ACTION = "add", X = present }))
		assert.is_true(select(2, match.compile { X = function() return true end }))
		assert.is_true(select(2, match.compile { X = { "a", function() end } }))
		assert.is_true(select(2, match.compile(function() end)))
		-- A pattern runs on what a device sent: under its own budget.
		assert.is_true(select(2, match.compile { X = match.pattern "^a" }))
		-- A glob is matched in C, in bounded time.
		assert.is_false(select(2, match.compile { X = glob "a*" }))
		-- except is what it negates.
		assert.is_false(select(2, match.compile { ACTION = match.except "remove" }))
		assert.is_true(select(2, match.compile { X = match.except(match.pattern "^a") }))
	end)

	it("checks except's condition when it is written", function()
		local ok, err = pcall(match.except, true)
		assert.is_false(ok)
		assert.truthy(err:find("cannot match with a boolean", 1, true), err)
		ok, err = pcall(match.except, function() end)
		assert.is_false(ok)
		assert.truthy(err:find("negation", 1, true), err)
		assert.are.equal('except(glob "sd*")', tostring(match.except(glob "sd*")))
	end)

	it("checks a glob when it is written, and names fnmatch's ambiguous brackets", function()
		for _, p in ipairs { "[^a]", "[]a]", "[a", "[[:digit:]]" } do
			local ok, err = pcall(glob, p)
			assert.is_false(ok)
			assert.truthy(err:find('bad glob "' .. p .. '"', 1, true), err)
		end
		assert.has_error(function() glob(4) end, "glob expects a string, got number")
		assert.are.equal('glob "ttyUSB*"', tostring(glob "ttyUSB*"))
	end)

	it("finds equality strings that look like globs, for the load-time warning", function()
		assert.are.same({ { "DEVNAME", "sd?" }, { "KERNEL", "ttyUSB*" }, { "X", "event[0-9]" } },
			match.glob_like { KERNEL = "ttyUSB*", ACTION = "add", DEVNAME = { "vda", "sd?" },
				X = "event[0-9]", Y = glob "a*", Z = pattern "^a.*" })
		assert.are.same({}, match.glob_like { ACTION = "add", DEVNAME = "[" })
	end)

	local bad = {
		{ "a boolean", { ACTION = true }, "ACTION: cannot match with a boolean" },
		{ "an empty list", { ACTION = {} }, "matches nothing" },
		{ "a number key", { "add" }, "match keys must be variable names" },
		{ "a string match", "add", "must be a table or a function" },
	}
	for _, b in ipairs(bad) do
		it("refuses " .. b[1], function()
			local ok, err = pcall(match.compile, b[2])
			assert.is_false(ok)
			assert.truthy(err:find(b[3], 1, true), err)
		end)
	end

	it("checks a pattern when it is written", function()
		local ok, err = pcall(pattern, "^tty[")
		assert.is_false(ok)
		assert.truthy(err:find("bad pattern", 1, true), err)
	end)
end)

describe("pattern checking", function()
	local good = { "^tty%d+$", "[%]]", "[]x]", "[^]x]", "%bxy", "%f[%w]", "a.-b", "" }
	local bad = { "[abc", "abc%", "%b(", "%fx", "[a%" }
	for _, p in ipairs(good) do
		it("accepts " .. p, function()
			assert.has_no.errors(function() match.pattern(p) end)
			assert.has_no.errors(function() string.find("xyz", p) end)
		end)
	end
	for _, p in ipairs(bad) do
		it("refuses " .. p .. ", as Lua would", function()
			assert.has_error(function() match.pattern(p) end)
			assert.has_error(function() string.find(p .. p, p) end)
		end)
	end
end)
