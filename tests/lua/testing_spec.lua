-- hotplug2.testing: handler files loaded as the daemon loads them, events in, recorded actions out, mistakes reported readably.
local testing = require "hotplug2.testing"

local SERIAL = [[
on({ ACTION = "add", SUBSYSTEM = "tty", DEVNAME = pattern "^ttyUSB%d+$" }, function(ev)
	make_node(ev, { mode = "0660", group = "dialout" })
	make_link(ev, "serial/by-id/usb-" .. (ev.ID or "x") .. "-port0")
end)
on({ ACTION = "add", MODALIAS = present }, function(ev) load_modules(ev) end)
on({ ACTION = "remove", DEVNAME = present }, function(ev) remove_node(ev) end)
]]

local tty = { ACTION = "add", SUBSYSTEM = "tty", DEVNAME = "ttyUSB0", MAJOR = "188",
	MINOR = "0", DEVPATH = "/devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1:1.0/ttyUSB0/tty/ttyUSB0" }

local support = dofile("tests/lua/support.lua")
local sh = support.sh

describe("hotplug2.testing", function()
	it("returns the actions as plain tables, with names resolved from the fake group file", function()
		local hp = testing.new { scripts = { { "40-serial.lua", SERIAL } },
			group = "root:x:0:\ndialout:x:20:alice\n" }
		local acts = hp:handle(tty)
		assert.are.same({
			{ "mknod", path = "/dev/ttyUSB0", type = "c", major = 188, minor = 0, mode = 432,
				owner = "root", group = "dialout", uid = 0, gid = 20 },
			{ "symlink", path = "/dev/serial/by-id/usb-x-port0", target = "../../ttyUSB0" },
		}, acts)
		assert.are.same({}, hp.log)
	end)

	it("falls back to root for an unknown group and keeps the warning", function()
		local hp = testing.new { scripts = { { "40-serial.lua", SERIAL } } }
		local acts = hp:handle(tty)
		assert.are.equal(0, acts[1].gid)
		assert.are.equal("warn", hp.log[1][1])
		assert.truthy(hp.log[1][2]:find("no 'dialout' in", 1, true), hp.log[1][2])
	end)

	it("resolves modules with the real matcher and a fake modules.alias, once each", function()
		local hp = testing.new { scripts = { { "40-serial.lua", SERIAL } },
			modules_alias = "alias usb:v0403p6001d*dc*dsc*dp*ic*isc*ip*in* ftdi_sio\n"
				.. "alias usb:v*p*d*dc*dsc*dp*icFFiscFFipFFin* usbserial_generic\n",
			loaded = { "usbserial_generic" } }
		local usb = { ACTION = "add", SUBSYSTEM = "usb", DEVTYPE = "usb_interface",
			DEVPATH = "/devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1:1.0",
			MODALIAS = "usb:v0403p6001d0600dc00dsc00dp00icFFiscFFipFFin00" }
		assert.are.same({ { "modprobe", modules = { "ftdi_sio" },
			argv = { "/sbin/modprobe", "-b", "-a", "ftdi_sio" } } }, hp:handle(usb))
		assert.are.same({}, hp:handle(usb))
	end)

	it("synthesizes MODALIAS as the daemon does when the event has none", function()
		local hp = testing.new { scripts = { { "40-serial.lua", SERIAL } },
			modules_alias = "alias pci:v00008086d00007113sv*sd*bc*sc*i* i2c_piix4\n" }
		local acts, ev = hp:handle { ACTION = "add", SUBSYSTEM = "pci",
			DEVPATH = "/devices/pci0000:00/0000:00:01.3", PCI_CLASS = "68000",
			PCI_ID = "8086:7113", PCI_SUBSYS_ID = "0000:0000" }
		assert.are.equal("pci:v00008086d00007113sv00000000sd00000000bc06sc80i00", ev.MODALIAS)
		assert.are.same({ "i2c_piix4" }, acts[1].modules)
	end)

	it("records exec with argv and environment, setenv, firmware and stop", function()
		local hp = testing.new {
			scripts = { { "a.lua", [[
				on({ SUBSYSTEM = "firmware" }, function(ev)
					setenv(ev, "SEEN", "yes")
					load_firmware(ev)
					exec(ev, { "/usr/bin/logger", "-t", "fw", ev.FIRMWARE })
					return stop
				end)
				on({}, function(ev) exec(ev, { "/bin/false" }) end)
			]] } },
			files = { ["/lib/firmware/a.bin"] = "\0\1" } }
		local acts, ev = hp:handle { ACTION = "add", SUBSYSTEM = "firmware", FIRMWARE = "a.bin",
			DEVPATH = "/devices/x/firmware/x", SEQNUM = "9" }
		assert.are.same({ "setenv", key = "SEEN", value = "yes" }, acts[1])
		assert.are.same({ "firmware", devpath = "/devices/x/firmware/x", file = "/lib/firmware/a.bin" },
			acts[2])
		-- The command is started after the last handler, stop included.
		assert.are.same({ "stop", file = "a.lua" }, acts[3])
		assert.are.same({ "/usr/bin/logger", "-t", "fw", "a.bin" }, acts[4].argv)
		assert.are.same({ ACTION = "add", SUBSYSTEM = "firmware", FIRMWARE = "a.bin", SEEN = "yes",
			DEVPATH = "/devices/x/firmware/x", SEQNUM = "9", PATH = "/usr/sbin:/usr/bin:/sbin:/bin",
			HOME = "/" }, acts[4].env)
		assert.are.equal(4, #acts)
		assert.are.equal("yes", ev.SEEN)
	end)

	it("replays a recording from hotplug2 monitor --raw", function()
		local hp = testing.new { scripts = { { "40-serial.lua", SERIAL } } }
		local rec = "add@/devices/virtual/tty/ttyUSB3\0ACTION=add\0DEVPATH=/devices/virtual/tty/ttyUSB3\0"
			.. "SUBSYSTEM=tty\0MAJOR=188\0MINOR=3\0DEVNAME=ttyUSB3\0SEQNUM=1\0"
			.. "remove@/devices/virtual/tty/ttyUSB3\0ACTION=remove\0DEVPATH=/devices/virtual/tty/ttyUSB3\0"
			.. "SUBSYSTEM=tty\0MAJOR=188\0MINOR=3\0DEVNAME=ttyUSB3\0SEQNUM=2\0"
		local acts, per = hp:replay(rec)
		assert.are.same({ "mknod", "symlink", "unlink" },
			{ acts[1][1], acts[2][1], acts[3][1] })
		assert.are.equal(2, #per)
		assert.are.equal("remove", per[2].event.ACTION)
		-- The removal releases the link the add claimed, then the node goes.
		assert.are.same({ { "unlink", path = "/dev/serial/by-id/usb-x-port0" },
			{ "unlink", path = "/dev/ttyUSB3" } }, per[2].actions)
		assert.has_error(function() hp:replay("add@/x\0ACTION=remove\0") end,
			"message 1: ACTION variable disagrees with header")
	end)

	it("reads a device's uevent file from a fake sysfs tree", function()
		local hp = testing.new { scripts = { { "40-serial.lua", SERIAL } },
			sysfs = { [tty.DEVPATH] = { subsystem = "tty",
				uevent = "MAJOR=188\nMINOR=0\nDEVNAME=ttyUSB0\n" } } }
		local acts, ev = hp:device(tty.DEVPATH)
		assert.are.equal("tty", ev.SUBSYSTEM)
		assert.are.equal("add", ev.ACTION)
		assert.are.equal("/dev/ttyUSB0", acts[1].path)
		assert.are.same({ { "unlink", path = "/dev/serial/by-id/usb-x-port0" },
			{ "unlink", path = "/dev/ttyUSB0" } }, (hp:device(tty.DEVPATH, "remove")))
	end)

	it("reads the real /sys", function()
		local hp = testing.new { scripts = { { "n.lua", "on({ DEVNAME = present }, make_node)" } },
			sysfs = "/sys" }
		local acts, ev = hp:device("/devices/virtual/mem/null")
		assert.are.equal("mem", ev.SUBSYSTEM)
		assert.are.same({ "mknod", path = "/dev/null", type = "c", major = 1, minor = 3,
			mode = 384, owner = "root", group = "root", uid = 0, gid = 0 }, acts[1])
	end)

	it("reads the laptop fixture's sysfs, MODALIAS lines with EV== included", function()
		local dir = support.laptop()
		local hp = testing.new { scripts = { { "m.lua", "on({ MODALIAS = present }, load_modules)" } },
			sysfs = dir .. "/sys",
			modules_alias = "alias input:b0019v0000p0002e0000-e0,1,k74,ramlsfw* button\n" }
		local acts, ev = hp:device("/devices/LNXSYSTM:00/LNXPWRBN:00/input/input3")
		support.remove(dir)
		assert.are.equal("input", ev.SUBSYSTEM)
		assert.are.equal("=3", ev.EV)
		assert.are.same({ "button" }, acts[1].modules)
	end)

	it("records an unknown owner or group as root, as the daemon applies it", function()
		local hp = testing.new { scripts = { { "n.lua", [[
			on({ DEVNAME = present }, function(ev) make_node(ev, { owner = "nosuchuser", group = "nogroup" }) end)
		]] } } }
		local acts = hp:handle(tty)
		assert.are.same({ "mknod", path = "/dev/ttyUSB0", type = "c", major = 188, minor = 0,
			mode = 384, owner = "root", group = "root", uid = 0, gid = 0 }, acts[1])
		assert.are.equal("mknod /dev/ttyUSB0 c 188:0 0600 root:root (n.lua:1)", testing.describe(acts[1]))
		assert.are.equal("n.lua:1", acts[1].where)
		assert.are.equal(2, #hp.log)
		assert.truthy(hp.log[1][2]:find("^no 'nosuchuser' in .*/etc/passwd; using root instead$"), hp.log[1][2])
	end)

	it("asks modprobe again after modprobe_retry seconds for a module that did not load", function()
		local hp = testing.new { scripts = { { "40-serial.lua", SERIAL } },
			modules_alias = "alias usb:v0403p6001* ftdi_sio\n" }
		local dev = { ACTION = "add", DEVPATH = "/devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1:1.0",
			MODALIAS = "usb:v0403p6001d0600dc00dsc00dp00icFFiscFFipFFin00" }
		assert.are.same({ "ftdi_sio" }, hp:handle(dev)[1].modules)
		assert.are.same({}, hp:handle(dev))
		hp:advance_clock(30)
		assert.are.same({ "ftdi_sio" }, hp:handle(dev)[1].modules)
		assert.are.equal(1, #hp.log)
		assert.truthy(hp.log[1][2]:find("ftdi_sio is still not loaded 30 s after", 1, true), hp.log[1][2])
	end)

	it("removes the directories a node leaves empty, never dev itself", function()
		local hp = testing.new { scripts = { { "n.lua", [[
			on({ ACTION = "add" }, function(ev) make_node(ev) end)
			on({ ACTION = "remove" }, function(ev) remove_node(ev) end)
		]] } } }
		local usb = { ACTION = "add", SUBSYSTEM = "usb", DEVNAME = "bus/usb/001/002", MAJOR = "189",
			MINOR = "1", DEVPATH = "/devices/pci0000:00/0000:00:1d.0/usb1/1-1" }
		hp:handle(usb)
		local core = require "hotplug2.core"
		hp:activate()
		assert.are.equal("d", core.lstat("dev/bus/usb/001").type)
		usb.ACTION = "remove"
		assert.are.same({ { "unlink", path = "/dev/bus/usb/001/002" } }, hp:handle(usb))
		hp:activate()
		assert.is_nil(core.lstat("dev/bus"))
		assert.are.equal("d", core.lstat("dev").type)
		hp:close()
	end)

	it("loads a config directory in lexical order, as the daemon does", function()
		local dir = support.scratch()
		local function put(name, text) support.write(dir .. "/" .. name, text) end
		put("20-b.lua", "on({}, function(ev) setenv(ev, 'ORDER', (ev.ORDER or '') .. 'b') end)")
		put("10-a.lua", "on({}, function(ev) setenv(ev, 'ORDER', (ev.ORDER or '') .. 'a') end)")
		put("notes.txt", "not lua")
		local hp = testing.new { config_dir = dir }
		local _, ev = hp:handle { ACTION = "add", DEVPATH = "/devices/x" }
		support.remove(dir)
		assert.are.equal("ab", ev.ORDER)
		assert.are.same({ dir .. "/10-a.lua", dir .. "/20-b.lua" }, hp.files)
	end)

	it("makes a mistake in a handler fail the spec with file:line and the event", function()
		local hp = testing.new { scripts = { { "rules/40-serial.lua", [[
on({ SUBSYSTEM = "tty" }, function(ev)
	make_node(ev, { mode = "0669", group = "dialout" })
end)
]] } } }
		local ok, err = pcall(hp.handle, hp, tty)
		assert.is_false(ok)
		assert.are.equal("1 handler failed on add " .. tty.DEVPATH .. ":\n\trules/40-serial.lua:2: "
			.. "make_node: bad mode \"0669\": write it as an octal string such as \"0660\"",
			err:gsub("^[^\n]-testing_spec.lua:%d+: ", ""))
		local acts, failures = hp:try(tty)
		assert.are.same({}, acts)
		assert.are.equal(1, #failures)
	end)

	it("fails an exec or run of a program that is not there, as the daemon does", function()
		local hp = testing.new { scripts = { { "rules/60-missing.lua", [[
on({ ACTION = "add" }, function(ev)
	exec(ev, { "/usr/bin/hp2-nonexistent" })
end)
on({ ACTION = "change" }, function(ev)
	run(ev, { "hp2-nonexistent", "x" })
end)
]] } } }
		local cases = {
			{ "add", "rules/60-missing.lua:2: exec: unable to run /usr/bin/hp2-nonexistent: "
				.. "No such file or directory" },
			{ "change", "rules/60-missing.lua:5: run: unable to run hp2-nonexistent: "
				.. "No such file or directory" },
		}
		for _, c in ipairs(cases) do
			local acts, failures = hp:try { ACTION = c[1], DEVPATH = "/devices/x" }
			assert.are.same({}, acts)
			assert.are.equal(c[2], failures[1] and failures[1]:match("^[^\n]*"))
		end
	end)

	it("makes a mistake at load time fail with file:line", function()
		local ok, err = pcall(testing.new, { scripts = { { "rules/50-typo.lua",
			"on({ ACTION = 'add' }, function(ev)\n\tmake_node(ev)\nend)\nlocal m = mknod\n" } } })
		assert.is_false(ok)
		assert.truthy(err:find("the handler files do not load:\n\trules/50-typo.lua:4: unknown name 'mknod'",
			1, true), err)
		local hp = testing.new { scripts = { { "bad.lua", "x = = 1" } }, allow_problems = true }
		assert.are.equal(1, #hp.problems)
	end)

	it("stops a runaway handler with the daemon's budget", function()
		local hp = testing.new { budget_ms = 20,
			scripts = { { "loop.lua", "on({}, function() while true do end end)" } } }
		local _, failures = hp:try { ACTION = "add", DEVPATH = "/devices/x" }
		assert.truthy(failures[1]:find("loop.lua:1: aborted: ran longer than its budget of 20 ms",
			1, true), failures[1])
	end)

	-- A runaway pattern on a device-supplied string: the budget ends it in
	-- the C matcher, and the next handler and the next event run.
	it("stops a runaway pattern with the daemon's budget", function()
		local hp = testing.new { budget_ms = 50, scripts = {
			{ "10-find.lua", [[
-- Not tail calls: LuaJIT would drop the line that made them.
on({}, function(ev) local r = ev.NAME:find(("a*"):rep(40) .. "b") return r end)
on({}, function(ev) local r = ev.NAME:rep(8000):match(("a?"):rep(200000)) return r end)
on({ NAME = pattern(("a*"):rep(40) .. "b") }, function(ev) setenv(ev, "HIT", "1") end)
]] },
			{ "20-next.lua", "on({}, function(ev) setenv(ev, 'NEXT', 'yes') end)" } } }
		for _ = 1, 2 do
			local _, failures, ev = hp:try { ACTION = "add", DEVPATH = "/devices/x",
				NAME = ("a"):rep(40) }
			assert.are.equal(3, #failures, table.concat(failures, "\n"))
			assert.truthy(failures[1]:find("10-find.lua:2: aborted: ran longer than its budget of 50 ms",
				1, true), failures[1])
			assert.truthy(failures[2]:find("10-find.lua:3: pattern too complex", 1, true), failures[2])
			assert.truthy(failures[3]:find("aborted: ran longer than its budget of 50 ms", 1, true),
				failures[3])
			assert.are.equal("yes", ev.NEXT)
			assert.is_nil(ev.HIT)
		end
	end)

	it("caps handlers' memory as the daemon does", function()
		local hp = testing.new { scripts = { { "10-hog.lua", [[
local keep = {}
on({ HOG = "table" }, function() for i = 1, 1e7 do keep[i] = { i } end end)
on({ HOG = "string" }, function() local s = "x" for _ = 1, 40 do s = s .. s end end)
on({ HOG = "rep" }, function() return ("x"):rep(1e9) end)
on({}, function(ev) setenv(ev, "NEXT", "yes") keep = {} end)
]] } } }
		for _, kind in ipairs { "table", "string", "rep" } do
			local _, failures, ev = hp:try { ACTION = "add", DEVPATH = "/devices/x", HOG = kind }
			assert.are.equal(1, #failures, kind)
			assert.truthy(failures[1]:find("not enough memory: the scripts reached their memory cap",
				1, true), kind .. ": " .. failures[1])
			assert.are.equal("yes", ev.NEXT)
		end
	end)

	it("refuses events that are not events", function()
		local hp = testing.new { scripts = { { "n.lua", "" } } }
		assert.has_error(function() hp:handle { DEVPATH = "/x" } end, "an event needs ACTION and DEVPATH")
		assert.has_error(function() hp:handle { ACTION = "add", DEVPATH = "/x", N = {} } end,
			"event variable N is a table: values are strings")
	end)

	it("keeps what handlers made in its scratch root, for later events, and removes it", function()
		local hp = testing.new { scripts = { { "40-serial.lua", SERIAL .. [[
on({ ACTION = "remove", DEVNAME = present }, function(ev)
	remove_link(ev, "serial/by-id/usb-x-port0")
end)
]] } }, group = { dialout = 20 } }
		local root = hp.root
		hp:handle(tty)
		assert.are.equal("ttyUSB0\nusb-x-port0", sh("cd " .. root .. "/dev && ls -A . serial/by-id | grep -v -e : -e serial -e '^$'"))
		local rm = {}
		for k, v in pairs(tty) do rm[k] = v end
		rm.ACTION = "remove"
		assert.are.same({ { "unlink", path = "/dev/serial/by-id/usb-x-port0" },
			{ "unlink", path = "/dev/ttyUSB0" } }, hp:handle(rm))
		hp:close()
		assert.are.equal("", sh("ls -d " .. root .. " 2>/dev/null"))
	end)

	it("uses a given root as it is, writing nothing to it", function()
		local root = support.scratch()
		sh("mkdir -p " .. root .. "/etc " .. root .. "/dev/serial/by-id && printf 'dialout:x:20:\\n' > "
			.. root .. "/etc/group && ln -s ../../ttyUSB0 " .. root .. "/dev/serial/by-id/usb-x-port0")
		-- The record saying that ttyUSB0 owns the link, as a daemon wrote it.
		local key = require("hotplug2.links").key
		local records = root .. "/run/hotplug2/links"
		sh("mkdir -p " .. records .. "/device " .. records .. "/link/" .. key("serial/by-id/usb-x-port0"))
		support.write(records .. "/device/" .. key(tty.DEVPATH), "devpath=" .. tty.DEVPATH
			.. "\nlink=serial/by-id/usb-x-port0\n")
		support.write(records .. "/link/" .. key("serial/by-id/usb-x-port0") .. "/" .. key(tty.DEVPATH),
			"devpath=" .. tty.DEVPATH .. "\nlink=serial/by-id/usb-x-port0\npriority=0\norder=1\n"
			.. "target=../../ttyUSB0\n")
		local hp = testing.new { root = root, modules_alias_file = "/dev/null",
			scripts = { { "40-serial.lua", SERIAL .. [[
on({ ACTION = "remove", DEVNAME = present }, function(ev)
	remove_link(ev, "serial/by-id/usb-x-port0")
end)
]] } } }
		assert.are.equal(20, hp:handle(tty)[1].gid)
		local rm = {}
		for k, v in pairs(tty) do rm[k] = v end
		rm.ACTION = "remove"
		assert.are.same({ { "unlink", path = "/dev/serial/by-id/usb-x-port0" },
			{ "unlink", path = "/dev/ttyUSB0" } }, hp:handle(rm))
		assert.are.equal(table.concat({ "dev/serial/by-id/usb-x-port0", "etc/group",
			"run/hotplug2/links/device/" .. key(tty.DEVPATH),
			"run/hotplug2/links/link/" .. key("serial/by-id/usb-x-port0") .. "/" .. key(tty.DEVPATH) }, "\n"),
			sh("cd " .. root .. " && find . -type f -o -type l | sed 's|^./||' | sort"))
		support.remove(root)
	end)

	it("keeps several objects apart though they share one core", function()
		local a = testing.new { scripts = { { "m.lua", "on({}, load_modules)" } },
			modules_alias = "alias x a_mod\n" }
		local b = testing.new { scripts = { { "m.lua", "on({}, load_modules)" } },
			modules_alias = "alias x b_mod\n" }
		local ev = { ACTION = "add", DEVPATH = "/devices/x", MODALIAS = "x" }
		assert.are.same({ "a_mod" }, a:handle(ev)[1].modules)
		assert.are.same({ "b_mod" }, b:handle(ev)[1].modules)
	end)
end)
