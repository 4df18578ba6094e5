-- Properties from commands, files and the kernel command line: run's capture, import_program, import_file, import_cmdline.
local testing = require "hotplug2.testing"
local actions = require "hotplug2.actions"
local core = require "hotplug2.core"

local disk = { ACTION = "add", SUBSYSTEM = "block", DEVNAME = "vda", DEVPATH = "/devices/virtual/block/vda",
	MAJOR = "254", MINOR = "0" }

describe("KEY=VALUE output as properties", function()
	it("parses lines as udev's IMPORT reads them", function()
		local props, bad = actions.parse_properties(table.concat({
			"ID_A=1", "  ID_B = two words  ", "ID_C='quoted = x'", 'ID_D="dq"', "# comment", "",
			"ID_E=", ".PRIVATE=p", "not a line", "X-Y=1", "ID_F=\"unbalanced'", "ID_G=a\r",
		}, "\n"))
		assert.are.same({ { "ID_A", "1" }, { "ID_B", "two words" }, { "ID_C", "quoted = x" }, { "ID_D", "dq" },
			{ "ID_E", "" }, { ".PRIVATE", "p" }, { "ID_F", "\"unbalanced'" }, { "ID_G", "a" } }, props)
		assert.are.same({ "not a line", "X-Y=1" }, bad)
	end)

	it("imports a program's output, only when it exits 0, and a file's, and the command line", function()
		local calls = {}
		local hp = testing.new {
			run = function(argv)
				calls[#calls + 1] = argv[2]
				if argv[2] == "fail" then return 1, "ID_NO=1\n" end
				return 0, "ID_SERIAL=QEMU_DISK_1\nID_TYPE=disk\ngarbage\n"
			end,
			files = { ["/run/big"] = ("ID_X=1\n"):rep(700),
				["/run/ids"] = "ID_FROM_FILE=yes\n", ["/proc/cmdline"] = "ro quiet hp2.debug=3 net.ifnames=0 nomodeset\n" },
			scripts = { { "50-import.lua", [[
on({ SUBSYSTEM = "block" }, function(ev)
	local set, status = import_program(ev, { "/bin/echo", "ok" })
	assert(status == 0 and set.ID_TYPE == "disk")
	local none, st2 = import_program(ev, { "/bin/echo", "fail" })
	assert(st2 == 1 and next(none) == nil)
	import_file(ev, "/run/ids")
	assert(import_file(ev, "/run/missing") == nil)
	-- Longer than core.read reads: refused whole, not cut short.
	local none, why = import_file(ev, "/run/big")
	assert(none == nil and why == "import_file: /run/big: 4 KiB or longer, not read as properties", why)
	import_cmdline(ev, "net.ifnames")
	import_cmdline(ev, "nomodeset", "NOMODESET")
	assert(import_cmdline(ev, "absent") == nil)
	local status3, out = run(ev, { "/bin/echo", "x" }, { capture = true })
	setenv(ev, "OUT_LEN", #out)
end)
]] } } }
		local _, ev = hp:handle(disk)
		assert.are.equal("QEMU_DISK_1", ev.ID_SERIAL)
		assert.is_nil(ev.ID_NO)
		assert.are.equal("yes", ev.ID_FROM_FILE)
		assert.are.equal("0", ev.net_ifnames)
		assert.are.equal("1", ev.NOMODESET)
		assert.are.equal(tostring(#"ID_SERIAL=QEMU_DISK_1\nID_TYPE=disk\ngarbage\n"), ev.OUT_LEN)
		assert.are.same({ "ok", "fail", "x" }, calls)
		local warned = false
		for _, l in ipairs(hp.log) do
			if l[1] == "warn" and l[2]:find("1 line not KEY=VALUE, ignored: \"garbage\"", 1, true) then warned = true end
		end
		assert.is_true(warned)
	end)

	it("captures a real command's stdout, its stderr to the log", function()
		local status, out = core.run({ "/bin/sh", "-c", "echo ID_X=1; echo to-the-log >&2; exit 3" }, {}, 0, true)
		assert.are.equal(3, status)
		assert.are.equal("ID_X=1\n", out)
		assert.are.equal(0, (core.run({ "/bin/true" }, {})))
		assert.are.equal(1, select("#", core.run({ "/bin/true" }, {})))
	end)

	it("refuses what it cannot read as meant", function()
		local hp = testing.new { allow_problems = true, scripts = { { "51-bad.lua", [[
on({ SUBSYSTEM = "block" }, function(ev) import_file(ev, "relative/path") end)
]] } } }
		local ok, err = pcall(hp.handle, hp, disk)
		assert.is_false(ok)
		assert.truthy(err:find("51-bad.lua:1: import_file expects an absolute path", 1, true), err)
	end)

	it("refuses a builtin it does not have, naming the line", function()
		local hp = testing.new { allow_problems = true, scripts = { { "52-builtin.lua", [[
on({ SUBSYSTEM = "block" }, function(ev)
	import_builtin(ev, "no_such_builtin")
end)
]] } } }
		local ok, err = pcall(hp.handle, hp, disk)
		assert.is_false(ok)
		assert.truthy(err:find("52-builtin.lua:2: import_builtin: unknown builtin \"no_such_builtin\"", 1, true), err)
	end)
end)
