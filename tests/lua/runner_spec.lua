-- hotplug2.runner: files in their own environments, handler order, stop, setenv, and failures that stay contained.
local runner = require "hotplug2.runner"
local fake = dofile("tests/lua/fake.lua")

local function new(o)
	return fake.instance(runner, o)
end

local tty = { ACTION = "add", SUBSYSTEM = "tty", DEVNAME = "ttyS0", MAJOR = "4",
	MINOR = "64", DEVPATH = "/devices/pnp0/00:04/tty/ttyS0", SEQNUM = "7" }

local function copy(t)
	local c = {}
	for k, v in pairs(t) do c[k] = v end
	return c
end

describe("hotplug2.runner", function()
	it("calls handlers in file order, then registration order", function()
		local r = new()
		-- Handlers record their order through setenv.
		assert(r:load_file("10-a.lua", [[
			on({}, function(ev) setenv(ev, "ORDER", (ev.ORDER or "") .. "a1") end)
			on({}, function(ev) setenv(ev, "ORDER", ev.ORDER .. "a2") end)
		]]))
		assert(r:load_file("20-b.lua", [[
			on({ ACTION = "add" }, function(ev) setenv(ev, "ORDER", ev.ORDER .. "b1") end)
			on({ ACTION = "remove" }, function(ev) setenv(ev, "ORDER", ev.ORDER .. "never") end)
		]]))
		local ev = copy(tty)
		assert.are.equal(0, r:handle(ev))
		assert.are.equal("a1a2b1", ev.ORDER)
		assert.are.same({ "10-a.lua", "20-b.lua" }, r.files)
	end)

	it("stops at a handler that returns stop", function()
		local r, _, _, acts = new()
		assert(r:load_file("a.lua", [[
			on({}, function(ev) setenv(ev, "A", "1") return stop end)
			on({}, function(ev) setenv(ev, "B", "1") end)
		]]))
		local ev = copy(tty)
		r:handle(ev)
		assert.are.equal("1", ev.A)
		assert.is_nil(ev.B)
		assert.are.same({ "stop", file = "a.lua" }, acts[#acts])
	end)

	it("shows later handlers what setenv set", function()
		local r, _, sys = new()
		assert(r:load_file("a.lua", [[
			on({ SUBSYSTEM = "tty" }, function(ev) setenv(ev, "SERIAL", "yes") end)
			on({ SERIAL = "yes" }, function(ev) exec(ev, { "/bin/true" }) end)
		]]))
		r:handle(copy(tty))
		assert.are.equal("spawn", sys.calls[1][1])
		assert.are.equal("yes", sys.calls[1][3].SERIAL)
	end)

	it("runs the next handler after one fails, and counts the failure", function()
		local r = new()
		assert(r:load_file("a.lua", [[
			on({}, function(ev) error("broken") end)
			on({}, function(ev) setenv(ev, "AFTER", "ran") end)
			on({ DEVNAME = function() error("broken match") end }, function() end)
		]]))
		local ev = copy(tty)
		assert.are.equal(2, r:handle(ev))
		assert.are.equal("ran", ev.AFTER)
	end)

	it("reports a file that fails to load with file:line, and keeps none of its handlers", function()
		local r, core = new()
		local ok, err = r:load_file("bad.lua", "on({}, function() end)\nlocal x = = 1\n")
		assert.is_false(ok)
		assert.truthy(err:find("^bad.lua:2:"), err)
		assert.are.equal("warn", core.logs[1][1])
		ok, err = r:load_file("half.lua", "on({}, function() end)\nerror('oops')\n")
		assert.is_false(ok)
		assert.truthy(err:find("half.lua:2: oops", 1, true), err)
		assert.are.equal(0, #r.handlers)
		assert.are.equal(2, #r.problems)
	end)

	it("loads a directory in lexical order and counts its problems", function()
		local core = fake.core { scripts = { ["b.lua"] = true, ["a.lua"] = true } }
		core.script_files = function() return { "/cfg/a.lua", "/cfg/b.lua" } end
		local r = runner.new { core = core, sys = fake.sys() }
		local loaded = {}
		r.load_file = function(self, path) loaded[#loaded + 1] = path end
		assert.are.equal(0, r:load_dir("/cfg"))
		assert.are.same({ "/cfg/a.lua", "/cfg/b.lua" }, loaded)
	end)

	it("refuses unknown names and late globals", function()
		local r = new()
		local ok, err = r:load_file("typo.lua", "on({}, function(ev) make_nod(ev) end)\nlocal y = mknod\n")
		assert.is_false(ok)
		assert.truthy(err:find("typo.lua:2: unknown name 'mknod'", 1, true), err)
		assert(r:load_file("late.lua", "counter = 0\non({}, function() counter = counter + 1 leak = {} end)\n"))
		assert.are.equal(1, r:handle(copy(tty)))
	end)

	it("keeps each file's globals to itself", function()
		local r = new()
		assert(r:load_file("a.lua", "GROUP = 'tty'\non({}, function(ev) setenv(ev, 'G', GROUP) end)"))
		local ok, err = r:load_file("b.lua", "local g = GROUP")
		assert.is_false(ok)
		assert.truthy(err:find("unknown name 'GROUP'", 1, true), err)
		local ev = copy(tty)
		r:handle(ev)
		assert.are.equal("tty", ev.G)
	end)

	it("does not let files change the api", function()
		local r = new()
		assert(r:load_file("a.lua", "make_node = nil\n"))
		-- The file shadowed the name in its own environment only.
		assert(r:load_file("b.lua", "assert(make_node)\n"))
	end)

	-- What a file may try on what it shares with others: each must leave
	-- the next file, and hotplug2's own modules, as they were.
	local VANDAL = [[
string.format = nil
string.find = function() error("vandal's find") end
string.rep = nil
table.concat = nil
table.insert = error
math.floor = nil
math.huge = 0
log.info = nil
string, table, math = nil, nil, nil
]]
	it("gives each file its own string, table and math", function()
		local r = new()
		assert(r:load_file("00-vandal.lua", VANDAL))
		assert(r:load_file("10-user.lua", [[
local s = string.format("%s-%d", "a", 1)
assert(s == "a-1" and ("%d"):format(2) == "2")
assert(string.find("abc", "b") == 2 and ("abc"):find("c") == 3)
assert(table.concat({ "x", "y" }, ",") == "x,y" and math.floor(1.5) == 1)
assert(math.huge > 1e308 and string.rep("a", 2) == "aa")
log.info("%s", "still here")
on({}, function(ev) setenv(ev, "OUT", table.concat({ string.format("%02d", 7) })) end)
]]))
		local ev = copy(tty)
		assert.are.equal(0, r:handle(ev))
		assert.are.equal("07", ev.OUT)
		-- Nor did the vandal reach the state's own libraries.
		assert.is_function(string.format)
		assert.is_function(table.concat)
		assert.are.equal(math.huge, 1 / 0)
	end)

	it("keeps strings' metatable out of handler files' reach", function()
		local r = new()
		local ok, err = r:load_file("meta.lua", "getmetatable('').__index.format = nil")
		assert.is_false(ok)
		assert.truthy(err:find("unknown name 'getmetatable'", 1, true), err)
		ok, err = r:load_file("meta2.lua", "local s = '' s.format = nil")
		assert.is_false(ok)
		assert.is_function(("").format)
	end)

	it("rejects bad registrations at the line that made them", function()
		local r = new()
		local ok, err = r:load_file("reg.lua", "\non({ ACTION = true }, function() end)")
		assert.is_false(ok)
		assert.truthy(err:find("reg.lua:2: on(match, handler): ACTION", 1, true), err)
		ok, err = r:load_file("reg2.lua", "on({}, 'make_node')")
		assert.is_false(ok)
		assert.truthy(err:find("the handler must be a function", 1, true), err)
	end)

	it("prints every action in a dry run and changes nothing", function()
		local core = fake.core { groups = { root = 0, dialout = 20 } }
		local r = runner.new { core = core, dry_run = true }
		assert(r:load_file("a.lua", [[
			on({ ACTION = "add" }, function(ev)
				make_node(ev, { mode = "0660", group = "dialout" })
				make_link(ev, "serial/by-path/pnp-0")
				assert(run(ev, { "/bin/false" }) == 0)
			end)
		]]))
		assert.are.equal(0, r:handle(copy(tty)))
		-- run is done at once; the node and the link after the handlers.
		assert.are.same({
			"add /devices/pnp0/00:04/tty/ttyS0: run /bin/false (a.lua:4)",
			"add /devices/pnp0/00:04/tty/ttyS0: mknod /dev/ttyS0 c 4:64 0660 root:dialout (a.lua:2)",
			"add /devices/pnp0/00:04/tty/ttyS0: symlink /dev/serial/by-path/pnp-0 -> ../../ttyS0 (a.lua:3)",
		}, core.printed)
	end)
end)
