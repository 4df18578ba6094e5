-- hotplug2.core, the real C module: confinement to the root, names from ROOT/etc, the budget, commands, firmware.
local core = require "hotplug2.core"
local actions = require "hotplug2.actions"

local support = dofile("tests/lua/support.lua")
local sh, read, write = support.sh, support.read, support.write

local is_root = sh("id -u") == "0"

describe("hotplug2.core", function()
	local root

	before_each(function()
		root = support.scratch()
		sh("mkdir -p " .. root .. "/dev " .. root .. "/outside " .. root .. "/etc")
		core.set_root(root)
	end)

	after_each(function()
		support.remove(root)
	end)

	it("creates links and directories under the root, replacing links atomically", function()
		core.symlink("sda", "dev/disk/by-label/boot")
		assert.are.equal("sda", core.readlink("dev/disk/by-label/boot"))
		core.symlink("sdb", "dev/disk/by-label/boot")
		assert.are.equal("sdb", core.readlink("dev/disk/by-label/boot"))
		assert.are.equal("d", core.lstat("dev/disk").type)
		assert.are.same({ "boot" }, core.readdir("dev/disk/by-label"))
		core.mkdir("dev/snd", "0750")
		assert.are.equal(tonumber("750", 8), core.lstat("dev/snd").mode)
		assert.is_true(core.unlink("dev/disk/by-label/boot"))
		assert.is_false(core.unlink("dev/disk/by-label/boot"))
		-- No temporary names left behind.
		assert.are.same({}, core.readdir("dev/disk/by-label"))
	end)

	it("writes small files whole under the root, with their mode", function()
		core.write("run/hotplug2/links/x", "10 ../sda\n")
		assert.are.equal("10 ../sda\n", read(root .. "/run/hotplug2/links/x"))
		assert.are.equal(tonumber("644", 8), core.lstat("run/hotplug2/links/x").mode)
		core.write("run/hotplug2/links/x", "", "0600")
		assert.are.equal("", read(root .. "/run/hotplug2/links/x"))
		assert.are.equal(tonumber("600", 8), core.lstat("run/hotplug2/links/x").mode)
		assert.are.same({ "x" }, core.readdir("run/hotplug2/links"))
		local ok, err = pcall(core.write, "run/../etc/x", "y")
		assert.is_false(ok)
		assert.truthy(err:find("refusing path", 1, true), err)
		ok, err = pcall(core.write, "run/big", ("x"):rep(65537))
		assert.is_false(ok)
		assert.truthy(err:find("more than 64 KiB", 1, true), err)
	end)

	it("refuses paths that leave the root", function()
		for _, p in ipairs { "/etc/passwd", "dev/../etc/x", "..", "dev//x", "dev/./x", "" } do
			local ok, err = pcall(core.symlink, "x", p)
			assert.is_false(ok)
			assert.truthy(err:find("refusing path", 1, true), err)
		end
	end)

	it("does not follow a symlink planted under the root", function()
		sh("ln -s ../outside " .. root .. "/dev/evil")
		local ok, err = pcall(core.symlink, "x", "dev/evil/link")
		assert.is_false(ok)
		assert.truthy(err:find("Not a directory", 1, true), err)
		ok = pcall(core.mkdir, "dev/evil/dir")
		assert.is_false(ok)
		assert.are.equal("", sh("ls -A " .. root .. "/outside"))
	end)

	it("answers no 'already right' through a planted directory link", function()
		-- ROOT/dev/disk -> ../outside, which holds just what is asked for.
		sh("mkfifo -m 0600 " .. root .. "/outside/fifo && ln -s fifo " .. root .. "/outside/link"
			.. " && ln -s ../outside " .. root .. "/dev/disk")
		local st = core.lstat("outside/fifo")
		assert.are.equal(384, st.mode)
		local ok, err = pcall(core.symlink, "fifo", "dev/disk/link")
		assert.is_false(ok)
		assert.truthy(tostring(err):find("Not a directory", 1, true), err)
		local a = actions.new { core = core, sys = core }
		ok, err = pcall(a.make_link, { DEVNAME = "fifo", DEVPATH = "/devices/x" }, "disk/link",
			{ target = "fifo" })
		assert.is_false(ok)
		assert.truthy(tostring(err):find("Not a directory", 1, true), err)
		assert.are.equal("fifo link", sh("ls " .. root .. "/outside | tr '\\n' ' ' | sed 's/ $//'"))
	end)

	it("never blocks on a FIFO planted where a file is read", function()
		local dev = root .. "/sys/devices/x"
		sh("mkdir -p " .. dev .. " " .. root .. "/lib/firmware && mkfifo " .. dev .. "/fifo "
			.. dev .. "/loading " .. root .. "/lib/firmware/fw.bin")
		-- Should a read block, this writer ends it after a second, and the
		-- spec fails on what the read returned instead of hanging.
		local function writer(path)
			os.execute("(timeout 1 sh -c 'exec 3>" .. path .. "; sleep 1') >/dev/null 2>&1 &")
		end
		writer(dev .. "/fifo")
		local text, err = core.read("sys/devices/x/fifo")
		assert.is_nil(text)
		assert.are.equal("not a regular file", err)
		writer(dev .. "/loading")
		local ok
		ok, err = pcall(core.firmware, "/devices/x", "lib/firmware/fw.bin")
		assert.is_false(ok)
		assert.truthy(tostring(err):find("not a regular file", 1, true), err)
		sh("rm " .. dev .. "/loading && touch " .. dev .. "/loading " .. dev .. "/data")
		writer(root .. "/lib/firmware/fw.bin")
		ok, err = pcall(core.firmware, "/devices/x", "lib/firmware/fw.bin")
		assert.is_false(ok)
		assert.truthy(tostring(err):find("/lib/firmware/fw.bin: not a regular file", 1, true), err)
		assert.are.equal("-1", read(dev .. "/loading"))
	end)

	it("lets no hostile DEVNAME write outside /dev, through the actions", function()
		sh("ln -s ../outside " .. root .. "/dev/evil")
		local a = actions.new { core = core, sys = core }
		local hostile = { "../outside/x", "/outside/x", "evil/x", "input/../../outside/x" }
		for _, name in ipairs(hostile) do
			local ev = { ACTION = "add", SUBSYSTEM = "mem", DEVNAME = name, MAJOR = "1", MINOR = "3" }
			assert.is_false(pcall(a.make_node, ev, { mode = "0666" }), name)
			assert.is_false(pcall(a.make_link, { DEVNAME = "null" }, name), name)
		end
		assert.are.equal("", sh("ls -A " .. root .. "/outside"))
		assert.are.equal("../outside", core.readlink("dev/evil"))
	end)

	it("makes device nodes with mode and owner (as root), or fails cleanly", function()
		local ok, err = pcall(core.mknod, "dev/input/event0", "c", 13, 64, "0660", 0, 101)
		if is_root then
			assert.is_true(ok, err)
			local st = core.lstat("dev/input/event0")
			assert.are.same({ type = "c", mode = tonumber("660", 8), uid = 0, gid = 101,
				major = 13, minor = 64 }, st)
			-- Replacing a different node is atomic and leaves the right one.
			core.mknod("dev/input/event0", "b", 8, 0, 384)
			assert.are.equal("b", core.lstat("dev/input/event0").type)
		else
			assert.is_false(ok)
			assert.truthy(err:find("Operation not permitted", 1, true), err)
		end
		assert.has_error(function() core.mknod("dev/x", "p", 1, 1, "0600") end)
		assert.has_error(function() core.mknod("dev/x", "c", 1, 1, "0800") end)
	end)

	it("reads names from ROOT/etc/passwd and ROOT/etc/group", function()
		write(root .. "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n")
		write(root .. "/etc/group", "root:x:0:\ndialout:x:20:alice\nbroken:x:abc:\n")
		assert.are.equal(1000, core.uid("alice"))
		assert.are.equal(20, core.gid("dialout"))
		assert.are.equal(42, core.gid("42"))
		local id, err = core.gid("nosuch")
		assert.is_nil(id)
		assert.truthy(err:find("no 'nosuch' in", 1, true), err)
		id, err = core.gid("broken")
		assert.is_nil(id)
		assert.truthy(err:find("/etc/group:3: malformed", 1, true), err)
		sh("rm " .. root .. "/etc/group")
		core.set_root(root)
		id, err = core.gid("dialout")
		assert.is_nil(id)
		assert.truthy(err:find("unable to read", 1, true), err)
	end)

	it("lists script files in lexical order", function()
		for _, n in ipairs { "20-b.lua", "10-a.lua", "notes.txt", "90-z.lua", ".hidden.lua" } do
			write(root .. "/etc/" .. n, "")
		end
		assert.are.same({ root .. "/etc/10-a.lua", root .. "/etc/20-b.lua", root .. "/etc/90-z.lua" },
			core.script_files(root .. "/etc"))
	end)

	it("aborts a runaway function, even one that catches errors", function()
		core.set_budget(50)
		local ok, err = core.pcall(function() while true do end end)
		assert.is_false(ok)
		assert.truthy(err:find("budget of 50 ms", 1, true), err)
		ok, err = core.pcall(function()
			while true do pcall(function() while true do end end) end
		end)
		assert.is_false(ok)
		assert.truthy(err:find("budget", 1, true), err)
		-- The hook is quiet again afterwards.
		assert.is_true(core.pcall(function() for _ = 1, 1e5 do end end))
		core.set_budget(200)
	end)

	it("returns the error without the traceback, and results on success", function()
		local ok, err = core.pcall(function() error("broken", 0) end)
		assert.is_false(ok)
		assert.are.equal("broken", err)
		assert.are.same({ true, 1, 2 }, { core.pcall(function(a, b) return a, b end, 1, 2) })
	end)

	it("runs commands without a shell and returns their status", function()
		assert.are.equal(3, core.run({ "/bin/sh", "-c", "exit 3" }, {}))
		assert.are.equal(0, core.run({ "/bin/sh", "-c", 'test "$FOO" = "a b"' }, { FOO = "a b" }))
		assert.are.equal(137, core.run({ "/bin/sleep", "5" }, {}, 100))
		-- A program that cannot be started is an error, as in the daemon.
		assert.has_error(function() core.run({ "/nonexistent/prog" }, {}) end,
			"unable to run /nonexistent/prog: No such file or directory")
		assert.has_error(function() core.spawn({ "/nonexistent/prog" }, {}) end,
			"unable to run /nonexistent/prog: No such file or directory")
	end)

	it("spawn takes how many arguments come before the names (outside the daemon: runs now)", function()
		local out = root .. "/names"
		assert.is_true(core.spawn({ "/bin/sh", "-c", 'echo "$*" >' .. out, "sh", "a", "b" }, {},
			"/devices/x", 1, 4))
		assert.are.equal("a b\n", read(out))
		assert.has_error(function() core.spawn({ "/bin/true" }, {}, "", 0, -1) end)
	end)

	it("starts commands with descriptors 0, 1 and 2 only", function()
		-- Lua's io.open is not close-on-exec: the command would inherit it.
		local held = assert(io.open("/etc/passwd"))
		local out = root .. "/fds"
		local status = core.run({ "/bin/sh", "-c", "exec >" .. out .. "; exec /bin/ls -l /proc/self/fd" }, {})
		held:close()
		assert.are.equal(0, status)
		local fds = {}
		for fd, target in read(out):gmatch(" (%d+) %-> ([^\n]+)") do
			-- The one ls reads /proc/self/fd through is its own.
			if not target:find("^/proc/%d+/fd$") then fds[#fds + 1] = fd end
		end
		assert.are.same({ "0", "1", "2" }, fds)
	end)

	it("looks programs up along the PATH it is given and refuses NUL bytes", function()
		local cases = {
			-- { name, PATH, file or error }
			{ "sh", "/nonexistent:relative::/bin", "/bin/sh" },
			{ "/bin/sh", "/nonexistent", "/bin/sh" },
			{ "sh", "/nonexistent", "unable to run sh: No such file or directory" },
			{ "sh", "", "unable to run sh: No such file or directory" },
			{ "", "/bin", "unable to run : No such file or directory" },
			{ "passwd", "/etc", "unable to run passwd: Permission denied" },
			{ "/etc", "/bin", "unable to run /etc: Permission denied" },
		}
		for _, c in ipairs(cases) do
			local file, err = core.executable(c[1], c[2])
			assert.are.equal(c[3], file or err, c[1] .. " along " .. c[2])
		end
		assert.has_error(function() core.run({ "/bin/echo", "a\0b" }, {}) end,
			"run: argv[2] holds a NUL byte")
		assert.has_error(function() core.spawn({ "/bin/true" }, { X = "a\0b" }) end,
			"exec: env.X holds a NUL byte")
	end)

	it("speaks the firmware loading protocol", function()
		local dev = root .. "/sys/devices/x/firmware/x"
		sh("mkdir -p " .. dev .. " " .. root .. "/lib/firmware")
		write(dev .. "/loading", "")
		write(dev .. "/data", "")
		write(root .. "/lib/firmware/fw.bin", "\0\1firmware bytes")
		assert.is_true(core.firmware("/devices/x/firmware/x", "lib/firmware/fw.bin"))
		assert.are.equal("10", read(dev .. "/loading"))
		assert.are.equal("\0\1firmware bytes", read(dev .. "/data"))
		-- No file: the kernel is told at once, and that went well.
		write(dev .. "/loading", "")
		assert.is_true(core.firmware("/devices/x/firmware/x", nil))
		assert.are.equal("-1", read(dev .. "/loading"))
		-- A refused file is an error, after telling the kernel.
		write(dev .. "/loading", "")
		local ok, err = pcall(core.firmware, "/devices/x/firmware/x", "lib/../../etc/shadow")
		assert.is_false(ok)
		assert.truthy(tostring(err):find("refusing firmware path 'lib/../../etc/shadow'", 1, true), err)
		assert.are.equal("-1", read(dev .. "/loading"))
		-- linux-firmware's links inside the firmware directory are followed.
		sh("mkdir -p " .. root .. "/lib/firmware/vendor && ln -s ../fw.bin " .. root
			.. "/lib/firmware/vendor/alias.bin && ln -s ../../../outside/x " .. root
			.. "/lib/firmware/vendor/out.bin")
		write(root .. "/outside/x", "not firmware")
		write(dev .. "/data", "")
		assert.is_true(core.firmware("/devices/x/firmware/x", "lib/firmware/vendor/alias.bin",
			"lib/firmware"))
		assert.are.equal("\0\1firmware bytes", read(dev .. "/data"))
		ok, err = pcall(core.firmware, "/devices/x/firmware/x", "lib/firmware/vendor/out.bin",
			"lib/firmware")
		assert.is_false(ok)
		assert.truthy(tostring(err):find("out.bin: a link leads out of its tree", 1, true), err)
		assert.are.equal("-1", read(dev .. "/loading"))
		assert.has_error(function() core.firmware("/devices/../../etc", "lib/firmware/fw.bin") end)
	end)

	it("says the same about missing firmware as hotplug2.testing, after telling the kernel", function()
		local dev = root .. "/sys/devices/x/firmware/x"
		sh("mkdir -p " .. dev .. " && touch " .. dev .. "/loading " .. dev .. "/data")
		local a = actions.new { core = core, sys = core }
		local ev = { ACTION = "add", SUBSYSTEM = "firmware", FIRMWARE = "fw.bin",
			DEVPATH = "/devices/x/firmware/x" }
		local ok, err = pcall(a.load_firmware, ev)
		assert.is_false(ok)
		assert.truthy(err:find("load_firmware: fw.bin not found in /lib/firmware/updates:/lib/firmware$"), err)
		assert.are.equal("-1", read(dev .. "/loading"))
		local testing = require "hotplug2.testing"
		local hp = testing.new { scripts = { { "f.lua", "on({}, function(ev) load_firmware(ev) end)" } } }
		local _, failures = hp:try(ev)
		assert.are.same({ "f.lua:1: load_firmware: fw.bin not found in /lib/firmware/updates:/lib/firmware" },
			failures)
		core.set_root(root)
	end)

	it("turns a wire-format recording into the events handlers get", function()
		local rec = "add@/devices/virtual/mem/null\0ACTION=add\0DEVPATH=/devices/virtual/mem/null\0"
			.. "SUBSYSTEM=mem\0MAJOR=1\0MINOR=3\0DEVNAME=null\0DEVMODE=0666\0SEQNUM=815\0"
			-- 2.4, through dnode: no DEVPATH in the header, no MODALIAS.
			.. "add@\0ACTION=add\0SUBSYSTEM=pci\0PCI_CLASS=C0300\0PCI_ID=8086:2934\0"
			.. "PCI_SUBSYS_ID=17AA:20F0\0SEQNUM=0\0"
		local evs = core.events(rec)
		assert.are.equal(2, #evs)
		assert.are.same({ ACTION = "add", DEVPATH = "/devices/virtual/mem/null", SUBSYSTEM = "mem",
			MAJOR = "1", MINOR = "3", DEVNAME = "null", DEVMODE = "0666", SEQNUM = "815" }, evs[1])
		assert.are.equal("", evs[2].DEVPATH)
		assert.are.equal("pci:v00008086d00002934sv000017AAsd000020F0bc0Csc03i00", evs[2].MODALIAS)
		assert.are.same({}, core.events(""))
		local ok, err = pcall(core.events, rec .. "garbage\0")
		assert.is_false(ok)
		assert.truthy(err:find("message 2: variable without", 1, true), err)
	end)

	it("hands handlers a MODALIAS as long as the event allows", function()
		-- A keyboard with every key of 12 bitmap words: 768 key codes.
		local key = ("ffffffffffffffff "):rep(11) .. "ffffffffffffffff"
		local vars = { ACTION = "add", DEVPATH = "/devices/virtual/input/input9",
			SUBSYSTEM = "input", PRODUCT = "3/46d/c31c/110", EV = "120013", KEY = key,
			MSC = "10", LED = "7" }
		local want = core.modalias(vars)
		assert.is_true(#want > 2500, #want)
		local rec = "add@/devices/virtual/input/input9\0"
		for _, k in ipairs { "ACTION", "DEVPATH", "SUBSYSTEM", "PRODUCT", "EV", "KEY", "MSC", "LED" } do
			rec = rec .. k .. "=" .. vars[k] .. "\0"
		end
		assert.are.equal(want, core.events(rec)[1].MODALIAS)
	end)

	it("logs one line per message, control characters escaped", function()
		local build = support.build
		write(root .. "/log.lua", 'local c = require "hotplug2.core"\n'
			.. 'c.log("warn", "sda\\nhotplug2: forged\\27[2J\\tend\\0x")\n')
		local out = sh("LUA_CPATH='" .. build .. "/lua/?.so' lua5.1 " .. root .. "/log.lua 2>&1")
		assert.are.equal("hotplug2: sda\\nhotplug2: forged\\x1b[2J\\tend\\x00x", out)
		-- Dry runs and hotplug2 test print actions one to a line the same way.
		write(root .. "/print.lua", 'local c = require "hotplug2.core"\n'
			.. 'c.print("exec /bin/echo a\\nb\\0c")\n')
		out = sh("LUA_CPATH='" .. build .. "/lua/?.so' lua5.1 " .. root .. "/print.lua 2>&1")
		assert.are.equal("exec /bin/echo a\\nb\\x00c", out)
	end)

	it("finds no modules without an alias index", function()
		assert.are.same({}, core.modules("pci:v00008086d00001237sv*"))
	end)

	it("resolves MODALIAS with the real matcher from a modules.alias file", function()
		write(root .. "/modules.alias", table.concat({
			"# Aliases extracted from modules themselves.",
			"alias pci:v00008086d00007113sv*sd*bc*sc*i* i2c_piix4",
			"alias pci:v*d*sv*sd*bc06sc80i* generic_bridge",
			"alias usb:v046Dp0A44d*dc*dsc*dp*ic01isc01ip*in* snd_usb_audio",
			"",
		}, "\n"))
		core.load_aliases(root .. "/modules.alias")
		local found = core.modules("pci:v00008086d00007113sv00000000sd00000000bc06sc80i00")
		table.sort(found)
		assert.are.same({ "generic_bridge", "i2c_piix4" }, found)
		assert.are.same({ "snd_usb_audio" },
			core.modules("usb:v046Dp0A44d0100dc00dsc00dp00ic01isc01ip00in00"))
		assert.are.same({}, core.modules("acpi:PNP0A03:"))
		assert.has_error(function() core.load_aliases(root .. "/nonexistent") end)
	end)

	it("leaves out modules that modules.dep beside the alias file lacks, or that are built in", function()
		local dir = root .. "/lib/modules/6.1.0-test"
		sh("mkdir -p " .. dir)
		write(dir .. "/modules.alias", table.concat({
			"alias usb:v0781p5567d*dc*dsc*dp*ic08isc06ip50in* usb_storage",
			"alias usb:v0781p5567d*dc*dsc*dp*ic08isc06ip50in* uas",
			"alias usb:v0781p5567d*dc*dsc*dp*ic08isc06ip50in* not_in_this_kernel",
			"alias usb:v0781p5567d*dc*dsc*dp*ic08isc06ip50in* ehci-hcd",
			"",
		}, "\n"))
		local usb = "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00"
		core.load_aliases(dir .. "/modules.alias")
		assert.are.same({ "usb_storage", "uas", "not_in_this_kernel", "ehci-hcd" }, core.modules(usb))
		write(dir .. "/modules.dep", "kernel/drivers/usb/storage/usb-storage.ko.xz:\n"
			.. "kernel/drivers/usb/storage/uas.ko.xz: kernel/drivers/usb/storage/usb-storage.ko.xz\n")
		write(dir .. "/modules.builtin", "kernel/drivers/usb/host/ehci-hcd.ko\n")
		core.load_aliases(dir .. "/modules.alias")
		assert.are.same({ "usb_storage", "uas" }, core.modules(usb))
		assert.are.same({ "usb_storage", "uas", "not_in_this_kernel", "ehci-hcd" }, core.modules(usb, true))
		-- The actions ask modprobe for those only.
		local a = actions.new { core = core }
		assert.are.same({ "usb_storage", "uas" }, a.load_modules({ MODALIAS = usb }))
	end)
end)
