-- hotplug2.actions: what each action checks, reports and asks the system to do.
local actions = require "hotplug2.actions"
local fake = dofile("tests/lua/fake.lua")

local function new(o)
	local a, core, sys, acts = fake.instance(actions, o)
	return a, sys, acts, core
end

local function ev(t)
	local e = { ACTION = "add", DEVPATH = "/devices/virtual/mem/null", SEQNUM = "12" }
	for k, v in pairs(t or {}) do e[k] = v end
	return e
end

describe("make_node", function()
	local cases = {
		-- { event, options, expected sys.mknod call }
		{ { SUBSYSTEM = "mem", DEVNAME = "null", MAJOR = "1", MINOR = "3" }, { mode = "0666" },
			{ "mknod", "dev/null", "c", 1, 3, 438, 0, 0 } },
		{ { SUBSYSTEM = "block", DEVNAME = "sda1", MAJOR = "8", MINOR = "1" },
			{ mode = "0660", group = "disk" }, { "mknod", "dev/sda1", "b", 8, 1, 432, 0, 6 } },
		{ { SUBSYSTEM = "sound", DEVNAME = "snd/controlC0", MAJOR = "116", MINOR = "2" },
			{ mode = 432, owner = "alice", group = "audio" },
			{ "mknod", "dev/snd/controlC0", "c", 116, 2, 432, 1000, 29 } },
		{ { SUBSYSTEM = "mem", DEVNAME = "null", MAJOR = "1", MINOR = "3" }, nil,
			{ "mknod", "dev/null", "c", 1, 3, 384, 0, 0 } },
		{ { SUBSYSTEM = "tty", DEVNAME = "ttyS0", MAJOR = "4", MINOR = "64" },
			{ name = "serial0", type = "c" }, { "mknod", "dev/serial0", "c", 4, 64, 384, 0, 0 } },
		{ { SUBSYSTEM = "tty", DEVNAME = "ttyS0", MAJOR = "4", MINOR = "64" }, { group = 20 },
			{ "mknod", "dev/ttyS0", "c", 4, 64, 384, 0, 20 } },
	}
	for i, c in ipairs(cases) do
		it("creates " .. c[1].DEVNAME .. " (case " .. i .. ")", function()
			local a, sys, acts = new { users = { root = 0, alice = 1000 },
				groups = { root = 0, disk = 6, audio = 29 } }
			assert.are.equal("/" .. c[3][2], a.make_node(ev(c[1]), c[2]))
			assert.are.same({ c[3] }, sys.calls)
			assert.are.equal("mknod", acts[1][1])
			assert.are.equal("/" .. c[3][2], acts[1].path)
		end)
	end

	local refused = {
		{ "../etc/passwd", '".." component' },
		{ "/etc/passwd", "absolute path" },
		{ "input/../../x", '".." component' },
		{ "a//b", "\"\" component" },
		{ "./null", "\".\" component" },
		{ "", "device name is missing" },
		{ "ttyS0\nhotplug2: forged line", "control character" },
		{ "tty\27[2J", "control character" },
		{ "a\0b", "control character" },
		{ ("d/"):rep(16) .. "x", "more than 16 components" },
		{ ("d/"):rep(1100) .. "x", "more than 16 components" },
	}
	for _, r in ipairs(refused) do
		it("refuses DEVNAME " .. ("%q"):format(r[1]:sub(1, 40)):gsub("%c", "?") .. " without touching anything", function()
			local a, sys, acts = new()
			local ok, err = pcall(a.make_node, ev { DEVNAME = r[1], MAJOR = "1", MINOR = "3" })
			assert.is_false(ok)
			assert.truthy(err:find(r[2], 1, true), err)
			-- The message is one line, names the event, and carries no raw control character.
			assert.is_nil(err:find("[%z\1-\31\127]"), err)
			if r[1] ~= "" then
				assert.truthy(err:find("of add /devices/virtual/mem/null", 1, true), err)
			end
			ok, err = pcall(a.make_link, ev { DEVNAME = "null" }, r[1])
			assert.is_false(ok)
			assert.is_nil(err:find("[%z\1-\31\127]"), err)
			assert.are.same({}, sys.calls)
			assert.are.same({}, acts)
		end)
	end

	it("allows 16 components", function()
		local a, sys = new()
		local name = ("d/"):rep(15) .. "x"
		assert.are.equal("/dev/" .. name, a.make_node(ev { DEVNAME = name, MAJOR = "1", MINOR = "3" }))
		assert.are.equal(1, #sys.calls)
	end)

	it("makes an unknown owner root, and says root everywhere", function()
		local a, sys, acts, core = new { users = { root = 0 } }
		a.make_node(ev { DEVNAME = "null", MAJOR = "1", MINOR = "3" },
			{ owner = "nosuchuser", group = "nosuchgroup" })
		assert.are.same({ "mknod", "dev/null", "c", 1, 3, 384, 0, 0 }, sys.calls[1])
		assert.are.equal("root", acts[1].owner)
		assert.are.equal("root", acts[1].group)
		-- The action names the line that asked for it.
		assert.matches("actions_spec%.lua:85$", acts[1].where)
		assert.matches("^mknod /dev/null c 1:3 0600 root:root %(.*actions_spec%.lua:85%)$",
			actions.describe(acts[1]))
		a.chown("null", "nosuchuser")
		assert.matches("^chown /dev/null root:root %(.*actions_spec%.lua:94%)$", actions.describe(acts[2]))
		assert.are.equal(2, #core.logs)
		assert.truthy(core.logs[1][2]:find("no 'nosuchuser' in /etc/passwd; using root instead", 1, true),
			core.logs[1][2])
	end)

	it("refuses bad modes, types and missing numbers", function()
		local a, sys = new()
		local e = ev { DEVNAME = "null", MAJOR = "1", MINOR = "3" }
		assert.has_error(function() a.make_node(e, { mode = "0999" }) end)
		assert.has_error(function() a.make_node(e, { mode = "rw-rw-rw-" }) end)
		assert.has_error(function() a.make_node(e, { mode = 99999 }) end)
		assert.has_error(function() a.make_node(e, { type = "p" }) end)
		assert.has_error(function() a.make_node(ev { DEVNAME = "null" }) end)
		assert.are.same({}, sys.calls)
	end)

	it("falls back to root for an unknown group, warning once", function()
		local a, sys, _, core = new()
		local e = ev { DEVNAME = "kvm", MAJOR = "10", MINOR = "232" }
		a.make_node(e, { group = "kvm" })
		a.make_node(e, { group = "kvm" })
		assert.are.equal(0, sys.calls[1][8])
		assert.are.equal(1, #core.logs)
		assert.truthy(core.logs[1][2]:find("no 'kvm' in /etc/group", 1, true))
	end)

	it("raises what the system call raised, at the caller's line", function()
		local a = new { results = { mknod = function() error("unable to create node /dev/null: Permission denied") end } }
		local ok, err = pcall(a.make_node, ev { DEVNAME = "null", MAJOR = "1", MINOR = "3" })
		assert.is_false(ok)
		assert.truthy(err:find("Permission denied", 1, true), err)
	end)
end)

describe("links and removal", function()
	it("links with a relative target", function()
		local a, sys = new()
		a.make_link(ev { DEVNAME = "sr0" }, "cdrom")
		a.make_link(ev { DEVNAME = "input/event3" }, "input/by-path/platform-i8042-event-kbd")
		local links = {}
		for _, c in ipairs(sys.calls) do
			if c[1] == "symlink" then links[#links + 1] = c end
		end
		assert.are.same({
			{ "symlink", "sr0", "dev/cdrom" },
			{ "symlink", "../../input/event3", "dev/input/by-path/platform-i8042-event-kbd" },
		}, links)
	end)

	it("refuses hostile link names", function()
		local a, sys = new()
		assert.has_error(function() a.make_link(ev { DEVNAME = "sr0" }, "../../etc/cron.d/x") end)
		assert.has_error(function() a.make_link(ev { DEVNAME = "sr0" }, "/etc/x") end)
		assert.has_error(function() a.make_link(ev { DEVNAME = "../sr0" }, "cdrom") end)
		assert.are.same({}, sys.calls)
	end)

	it("removes nodes, and links only the device claimed", function()
		local a, sys = new { links = { ["dev/cdrom"] = "sr0", ["dev/dvd"] = "sr0" },
			results = { unlink = true } }
		local e = ev { ACTION = "remove", DEVNAME = "sr0" }
		assert.is_true(a.remove_node(e))
		-- dvd points at sr0 but no device claimed it: it is not hotplug2's.
		assert.is_false(a.remove_link(e, "dvd"))
		-- Both prune the directories they leave empty.
		assert.are.same({ { "unlink", "dev/sr0", true } }, sys.calls)
	end)

	it("changes modes and owners of names under /dev", function()
		local a, sys = new { groups = { root = 0, audio = 29 } }
		a.chmod("snd/timer", "0660")
		a.chown("snd/timer", "root", "audio")
		assert.are.same({ { "chmod", "dev/snd/timer", 432 }, { "chown", "dev/snd/timer", 0, 29 } },
			sys.calls)
		assert.has_error(function() a.chmod("../x", "0660") end)
	end)
end)

describe("commands", function()
	it("exec starts argv with the event as environment", function()
		local a, sys = new()
		a.exec(ev { DEVNAME = "null", FOO = "bar" }, { "/usr/bin/logger", "-t", "hp2", 42 })
		local c = sys.calls[1]
		assert.are.equal("spawn", c[1])
		assert.are.same({ "/usr/bin/logger", "-t", "hp2", 42 }, c[2])
		assert.are.equal("bar", c[3].FOO)
		assert.are.equal("null", c[3].DEVNAME)
		assert.are.equal("/usr/sbin:/usr/bin:/sbin:/bin", c[3].PATH)
		assert.are.equal("/devices/virtual/mem/null", c[4])
		assert.are.equal(12, c[5])
	end)

	it("run waits and returns the exit status", function()
		local a, sys = new { results = { run = 3 } }
		assert.are.equal(3, a.run(ev(), { "/bin/sh", "-c", "exit 3" }, { timeout = 500 }))
		assert.are.equal(500, sys.calls[1][4])
	end)

	it("gives commands the daemon's PATH and HOME, never an event's start-up variables", function()
		local a, sys, _, core = new()
		local forged = ev { FOO = "bar", PATH = "/evil", HOME = "/evil", LD_PRELOAD = "/evil.so",
			LD_LIBRARY_PATH = "/evil", LD_AUDIT = "/evil", IFS = "x", ENV = "/evil", BASH_ENV = "/evil",
			SHELLOPTS = "xtrace", PS4 = "$(evil)", GCONV_PATH = "/evil", LOCPATH = "/evil",
			MALLOC_CHECK_ = "3", GLIBC_TUNABLES = "x", ["BASH_FUNC_f%%"] = "() { evil; }",
			LUA_INIT = "@/evil", PYTHONPATH = "/evil" }
		a.exec(forged, { "/bin/true" })
		a.run(forged, { "/bin/true" })
		local want = { ACTION = "add", DEVPATH = "/devices/virtual/mem/null", SEQNUM = "12",
			FOO = "bar", PATH = "/usr/sbin:/usr/bin:/sbin:/bin", HOME = "/" }
		assert.are.same(want, sys.calls[1][3])
		assert.are.same(want, sys.calls[2][3])
		-- Each name is logged once, PATH and HOME (which 2.4 events carry) at debug.
		local seen = {}
		for _, l in ipairs(core.logs) do
			local name = l[2]:match("not passing (%S+) of the event")
			assert.is_nil(seen[name], l[2])
			seen[name] = l[1]
		end
		assert.are.equal("warn", seen.LD_PRELOAD)
		assert.are.equal("debug", seen.PATH)
		assert.are.equal("warn", seen["BASH_FUNC_f??"])
		assert.are.equal(17, #core.logs)
	end)

	it("tells names that may pass to a command from those that never do", function()
		for _, name in ipairs { "DEVNAME", "MODALIAS", "ID_SERIAL", "LDAP_URI", "PATHS", "XLD_PRELOAD",
			"SEQNUM", "ENVELOPE" } do
			assert.is_false(actions.unsafe_env(name), name)
		end
		for _, name in ipairs { "PATH", "HOME", "LD_PRELOAD", "LD_", "IFS", "ENV", "BASH_ENV", "SHELLOPTS",
			"BASHOPTS", "PS4", "CDPATH", "GCONV_PATH", "LOCPATH", "NLSPATH", "TMPDIR", "MALLOC_ARENA_MAX",
			"BASH_FUNC_x", "LUA_PATH_5_1", "X-Y", "A B", "" } do
			assert.is_true(actions.unsafe_env(name), name)
		end
	end)

	it("refuses NUL bytes in argv and the environment at the handler's line", function()
		local a, sys = new()
		local ok, err = pcall(a.exec, ev(), { "/bin/echo", "a\0b" })
		assert.is_false(ok)
		assert.are.equal("exec: argv[2] holds a NUL byte", err:gsub("^[^:]*:%d+: ", ""))
		ok, err = pcall(a.run, ev { X = "a\0b" }, { "/bin/true" })
		assert.is_false(ok)
		assert.are.equal("run: variable X holds a NUL byte", err:gsub("^[^:]*:%d+: ", ""))
		assert.are.same({}, sys.calls)
	end)

	it("refuses a program that is not there before anything is done or reported", function()
		local a, sys, acts = new { programs = { ["/bin/true"] = true } }
		local line = debug.getinfo(1, "l").currentline
		local ok, err = pcall(function() a.exec(ev(), { "/usr/bin/nonexistent" }) end)
		assert.is_false(ok)
		local want = ("actions_spec.lua:%d: exec: unable to run /usr/bin/nonexistent: "
			.. "No such file or directory"):format(line + 1)
		assert.are.equal(want, err:sub(-#want))
		assert.has_error(function() a.run(ev(), { "nonexistent" }) end)
		assert.are.same({}, sys.calls)
		assert.are.same({}, acts)
		a.exec(ev(), { "/bin/true" })
		assert.are.equal(1, #sys.calls)
	end)

	it("refuses a shell string or a bad argv", function()
		local a, sys = new()
		assert.has_error(function() a.exec(ev(), "rm -rf /") end)
		assert.has_error(function() a.exec(ev(), {}) end)
		assert.has_error(function() a.run(ev(), { "/bin/echo", {} }) end)
		assert.are.same({}, sys.calls)
	end)
end)

describe("modules", function()
	local aliases = {
		["pci:v00008086d00001237"] = { "intel-agp", "i2c_piix4" },
		["pci:v00008086d00007000"] = { "ata_piix", "intel-agp" },
		["acpi:PNP0A03:"] = { "loaded_mod" },
	}

	it("modules_for is a pure lookup", function()
		local a, sys = new { aliases = aliases }
		assert.are.same({ "intel-agp", "i2c_piix4" }, a.modules_for("pci:v00008086d00001237"))
		assert.are.same({}, a.modules_for("nothing"))
		assert.are.same({}, sys.calls)
	end)

	it("asks modprobe once per module, skipping loaded ones", function()
		local a, sys, acts = new { aliases = aliases, files = { ["sys/module/loaded_mod"] = true } }
		assert.are.same({ "intel-agp", "i2c_piix4" },
			a.load_modules(ev { MODALIAS = "pci:v00008086d00001237" }))
		assert.are.same({ "ata_piix" }, a.load_modules(ev { MODALIAS = "pci:v00008086d00007000" }))
		assert.are.same({}, a.load_modules(ev { MODALIAS = "pci:v00008086d00001237" }))
		assert.are.same({}, a.load_modules(ev { MODALIAS = "acpi:PNP0A03:" }))
		assert.are.same({}, a.load_modules(ev()))
		assert.are.equal(2, #sys.calls)
		assert.are.same({ "/sbin/modprobe", "-b", "-a", "intel-agp", "i2c_piix4" }, sys.calls[1][2])
		assert.are.same({ "/sbin/modprobe", "-b", "-a", "ata_piix" }, sys.calls[2][2])
		assert.are.same({ "intel-agp", "i2c_piix4" }, acts[1].modules)
	end)

	it("tells the daemon which arguments are names it may merge with other events'", function()
		local a, sys = new { aliases = aliases }
		a.config.modprobe = { "/sbin/modprobe", "-q", "-b", "-a" }
		a.load_modules(ev { MODALIAS = "pci:v00008086d00007000" })
		local c = sys.calls[1]
		assert.are.equal("spawn", c[1])
		assert.are.same({ "/sbin/modprobe", "-q", "-b", "-a", "ata_piix", "intel-agp" }, c[2])
		assert.are.equal(12, c[5])
		-- The prefix: config.modprobe, whatever its length.
		assert.are.equal(4, c[6])
	end)

	it("asks again for a module that did not load, at most every modprobe_retry seconds", function()
		local files = {}
		local a, sys, _, core = new { aliases = { x = { "broken" }, y = { "broken", "fine" } },
			files = files }
		core.clock = 1000
		assert.are.same({ "broken" }, a.load_modules(ev { MODALIAS = "x" }))
		core.clock = 1000 + a.config.modprobe_retry - 1
		assert.are.same({}, a.load_modules(ev { MODALIAS = "x" }))
		assert.are.same({ "fine" }, a.load_modules(ev { MODALIAS = "y" }))
		files["sys/module/fine"] = true
		assert.are.same({}, core.logs)
		core.clock = 1000 + a.config.modprobe_retry
		assert.are.same({ "broken" }, a.load_modules(ev { MODALIAS = "x" }))
		assert.are.equal(1, #core.logs)
		assert.truthy(core.logs[1][2]:find("broken is still not loaded", 1, true), core.logs[1][2])
		core.clock = 1000 + 3 * a.config.modprobe_retry
		assert.are.same({ "broken" }, a.load_modules(ev { MODALIAS = "y" }))
		assert.are.equal(1, #core.logs)
		assert.are.equal(4, #sys.calls)
		-- Once it is there, it is never asked for again.
		local bfiles = {}
		local b, bsys, _, bcore = new { aliases = { x = { "late" } }, files = bfiles }
		bcore.clock = 0
		b.load_modules(ev { MODALIAS = "x" })
		bfiles["sys/module/late"] = true
		bcore.clock = 1e6
		assert.are.same({}, b.load_modules(ev { MODALIAS = "x" }))
		assert.are.equal(1, #bsys.calls)
	end)

	it("treats - and _ in module names alike", function()
		local a, sys = new { aliases = { x = { "intel-agp" } },
			files = { ["sys/module/intel_agp"] = true } }
		assert.are.same({}, a.load_modules(ev { MODALIAS = "x" }))
		assert.are.same({}, sys.calls)
	end)
end)

describe("firmware", function()
	local req = { SUBSYSTEM = "firmware", FIRMWARE = "iwlwifi-6000-4.ucode",
		DEVPATH = "/devices/pci0000:00/0000:00:1c.1/0000:03:00.0/firmware/0000:03:00.0" }

	it("takes the first file on the search path", function()
		local a, sys = new { files = { ["lib/firmware/iwlwifi-6000-4.ucode"] = true } }
		assert.are.equal("/lib/firmware/iwlwifi-6000-4.ucode", a.load_firmware(ev(req)))
		assert.are.same({ { "firmware", req.DEVPATH, "lib/firmware/iwlwifi-6000-4.ucode", "lib/firmware" } },
			sys.calls)
	end)

	it("tells the kernel when the file is nowhere, and raises", function()
		local a, sys = new()
		local ok, err = pcall(a.load_firmware, ev(req))
		assert.is_false(ok)
		assert.truthy(err:find("not found", 1, true), err)
		assert.are.same({ { "firmware", req.DEVPATH } }, sys.calls)
	end)

	it("refuses a FIRMWARE name that leaves the search path, telling the kernel", function()
		for _, bad in ipairs { "../../etc/shadow", "/etc/shadow", "a\nb" } do
			local a, sys, acts = new()
			local ok, err = pcall(a.load_firmware, ev { FIRMWARE = bad, DEVPATH = "/x" })
			assert.is_false(ok)
			assert.truthy(err:find("load_firmware: refusing firmware name", 1, true), err)
			assert.are.same({ { "firmware", "/x" } }, sys.calls)
			assert.are.same({ { "firmware", devpath = "/x" } }, acts)
		end
	end)
end)

describe("setenv and log", function()
	it("sets, replaces and removes variables", function()
		local a, _, acts = new()
		local e = ev()
		a.setenv(e, "ID_FOO", "1")
		a.setenv(e, "SEQNUM", 13)
		a.setenv(e, "ID_FOO", nil)
		assert.is_nil(e.ID_FOO)
		assert.are.equal("13", e.SEQNUM)
		assert.are.equal(3, #acts)
		assert.has_error(function() a.setenv(e, "BAD NAME", "x") end)
		assert.has_error(function() a.setenv(e, "X", {}) end)
		assert.has_error(function() a.setenv(e, "..X", "1") end)
	end)

	it("keeps private .NAME variables from commands, for later handlers only", function()
		local a, sys = new()
		local e = ev { DEVNAME = "null" }
		a.setenv(e, ".SEEN", "1")
		a.setenv(e, "ID_SHOWN", "2")
		assert.are.equal("1", e[".SEEN"])
		a.exec(e, { "/bin/true" })
		local env = sys.calls[1][3]
		assert.is_nil(env[".SEEN"])
		assert.are.equal("2", env.ID_SHOWN)
	end)

	it("logs at levels, formatting when given arguments", function()
		local a, _, _, core = new()
		a.log.warn("disk %s is %d%% full", "sda", 99)
		a.log("plain %s")
		a.log.debug("d")
		assert.are.same({ { "warn", "disk sda is 99% full" }, { "info", "plain %s" },
			{ "debug", "d" } }, core.logs)
	end)
end)
