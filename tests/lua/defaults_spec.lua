-- The default scripts in lua/defaults, specified with hotplug2.testing: every rule of every file, loaded as the daemon loads them.
local testing = require "hotplug2.testing"
local support = dofile("tests/lua/support.lua")

local DEFAULTS = support.source .. "/lua/defaults"

local groups = { root = 0, tty = 5, disk = 6, lp = 7, kmem = 15, dialout = 20, cdrom = 24,
	audio = 29, video = 44, input = 101, kvm = 102, render = 103 }

local function load(o)
	o = o or {}
	o.config_dir = DEFAULTS
	o.group = o.group or groups
	return testing.new(o)
end

local function add(subsystem, devname, major, minor, extra)
	local ev = { ACTION = "add", SUBSYSTEM = subsystem, DEVNAME = devname,
		MAJOR = tostring(major), MINOR = tostring(minor),
		DEVPATH = "/devices/virtual/" .. subsystem .. "/" .. devname:gsub("/", "!"),
		SEQNUM = "1" }
	for k, v in pairs(extra or {}) do ev[k] = v end
	return ev
end

-- { event, type, mode, group }: the nodes of this machine's devtmpfs and the laptop fixture.
local nodes = {
	{ add("mem", "null", 1, 3), "c", "0666", "root" },
	{ add("mem", "zero", 1, 5), "c", "0666", "root" },
	{ add("mem", "full", 1, 7), "c", "0666", "root" },
	{ add("mem", "random", 1, 8), "c", "0666", "root" },
	{ add("mem", "urandom", 1, 9), "c", "0666", "root" },
	{ add("mem", "mem", 1, 1), "c", "0640", "kmem" },
	{ add("mem", "kmsg", 1, 11, { DEVMODE = "0644" }), "c", "0644", "root" },
	{ add("misc", "autofs", 10, 235, { DEVMODE = "0644" }), "c", "0644", "root" },
	{ add("mem", "null", 1, 3, { DEVMODE = "0600" }), "c", "0666", "root" },
	{ add("mem", "port", 1, 4), "c", "0640", "kmem" },
	{ add("mem", "kmem", 1, 2), "c", "0640", "kmem" },
	{ add("tty", "tty", 5, 0), "c", "0666", "tty" },
	{ add("tty", "ptmx", 5, 2), "c", "0666", "tty" },
	{ add("tty", "console", 5, 1), "c", "0600", "root" },
	{ add("tty", "tty0", 4, 0), "c", "0620", "tty" },
	{ add("tty", "tty63", 4, 63), "c", "0620", "tty" },
	{ add("tty", "ttyS0", 4, 64), "c", "0660", "dialout" },
	{ add("tty", "ttyUSB0", 188, 0), "c", "0660", "dialout" },
	{ add("tty", "ttyACM0", 166, 0), "c", "0660", "dialout" },
	{ add("tty", "ttyprintk", 5, 3), "c", "0600", "root" },
	{ add("tty", "ttynull", 242, 0, { DEVMODE = "0666" }), "c", "0666", "root" },
	{ add("vc", "vcs1", 7, 1), "c", "0620", "tty" },
	{ add("vc", "vcsa", 7, 128), "c", "0620", "tty" },
	{ add("block", "vda", 254, 0, { DEVTYPE = "disk" }), "b", "0660", "disk" },
	{ add("block", "sda1", 8, 1, { DEVTYPE = "partition" }), "b", "0660", "disk" },
	{ add("block", "loop0", 7, 0), "b", "0660", "disk" },
	{ add("block", "sr0", 11, 0), "b", "0660", "cdrom" },
	{ add("misc", "loop-control", 10, 237), "c", "0660", "disk" },
	{ add("misc", "kvm", 10, 232), "c", "0660", "kvm" },
	{ add("misc", "net/tun", 10, 200), "c", "0666", "root" },
	{ add("misc", "fuse", 10, 229), "c", "0666", "root" },
	{ add("misc", "vhost-net", 10, 238), "c", "0660", "kvm" },
	{ add("misc", "hpet", 10, 228), "c", "0600", "root" },
	{ add("sound", "snd/controlC0", 116, 7), "c", "0660", "audio" },
	{ add("sound", "snd/pcmC0D0p", 116, 16), "c", "0660", "audio" },
	{ add("input", "input/event3", 13, 67), "c", "0660", "input" },
	{ add("input", "input/mice", 13, 63), "c", "0660", "input" },
	{ add("video4linux", "video0", 81, 0), "c", "0660", "video" },
	{ add("drm", "dri/card0", 226, 0), "c", "0660", "video" },
	{ add("drm", "dri/renderD128", 226, 128), "c", "0666", "render" },
	{ add("usb", "bus/usb/001/001", 189, 0, { DEVTYPE = "usb_device" }), "c", "0664", "root" },
	{ add("printer", "usb/lp0", 180, 0), "c", "0660", "lp" },
	{ add("rtc", "rtc0", 252, 0), "c", "0644", "root" },
	{ add("scsi_generic", "sg0", 21, 0), "c", "0660", "disk" },
	{ add("hidraw", "hidraw0", 247, 0), "c", "0600", "root" },
}

describe("the default scripts", function()
	it("match every event without running user code: no per-event protected call for a match", function()
		local hp = load()
		local user = {}
		for _, h in ipairs(hp.runner.handlers) do
			if h.user then user[#user + 1] = h.file .. ":" .. tostring(h.index) end
		end
		assert.are.same({}, user)
	end)

	it("all load, in order", function()
		local hp = load()
		assert.are.same({ DEFAULTS .. "/10-modules.lua", DEFAULTS .. "/20-firmware.lua",
			DEFAULTS .. "/30-nodes.lua", DEFAULTS .. "/60-input-id.lua", DEFAULTS .. "/60-persistent-alsa.lua",
			DEFAULTS .. "/60-persistent-input.lua", DEFAULTS .. "/60-persistent-storage.lua",
			DEFAULTS .. "/60-persistent-v4l.lua", DEFAULTS .. "/60-serial.lua", DEFAULTS .. "/70-power-switch.lua",
			DEFAULTS .. "/70-uaccess.lua",
			DEFAULTS .. "/71-seat.lua", DEFAULTS .. "/73-seat-late.lua", DEFAULTS .. "/78-sound-card.lua",
			DEFAULTS .. "/90-openwrt.lua" }, hp.files)
		assert.are.same({}, hp.problems)
	end)
end)

describe("30-nodes.lua", function()
	for _, n in ipairs(nodes) do
		local ev, typ, mode, group = n[1], n[2], n[3], n[4]
		local numbers = (typ == "b" and "block/" or "char/") .. ev.MAJOR .. ":" .. ev.MINOR
		it(("creates /dev/%s %s %s %s and /dev/%s"):format(ev.DEVNAME, typ, mode, group, numbers), function()
			local hp = load()
			local acts = hp:handle(ev)
			assert.are.same({ { "mknod", path = "/dev/" .. ev.DEVNAME, type = typ,
				major = tonumber(ev.MAJOR), minor = tonumber(ev.MINOR), mode = tonumber(mode, 8),
				owner = "root", group = group, uid = 0, gid = groups[group] } }, testing.filter(acts, "mknod"))
			-- udev's /dev/char and /dev/block links, relative to the node (rtc0 also
			-- gets /dev/rtc, below).
			local links = testing.filter(acts, "symlink")
			assert.are.same({ "symlink", path = "/dev/" .. numbers, target = "../" .. ev.DEVNAME }, links[1])
			assert.are.equal(ev.DEVNAME == "rtc0" and 2 or 1, #links)
			assert.are.same({}, hp.log)
		end)
	end

	it("removes the node on remove", function()
		local hp = load()
		assert.are.same({ { "unlink", path = "/dev/sda1" } }, hp:handle { ACTION = "remove",
			SUBSYSTEM = "block", DEVNAME = "sda1", MAJOR = "8", MINOR = "1",
			DEVPATH = "/devices/x/block/sda/sda1" })
	end)

	it("removes the /dev/char link with the node, and only a link that leads to it", function()
		local hp = load()
		hp:handle(add("tty", "ttyS0", 4, 64))
		local rm = add("tty", "ttyS0", 4, 64, { ACTION = "remove" })
		assert.are.same({ { "unlink", path = "/dev/char/4:64" }, { "unlink", path = "/dev/ttyS0" } }, hp:handle(rm))
		-- Another device's numbers now: its link is not this one's.
		hp:handle(add("tty", "ttyS1", 4, 64))
		assert.are.same({ { "unlink", path = "/dev/ttyS0" } }, hp:handle(rm))
	end)

	it("makes the node and its link again on change, as udev does, and leaves devices without a node or numbers alone", function()
		local hp = load()
		local node = { "mknod", path = "/dev/null", type = "c", major = 1, minor = 3, mode = 438,
			owner = "root", group = "root", uid = 0, gid = 0 }
		local link = { "symlink", path = "/dev/char/1:3", target = "../null" }
		assert.are.same({ node, link }, hp:handle(add("mem", "null", 1, 3)))
		-- The link stays the device's: a change that did not make it again would release it.
		assert.are.same({ node, link }, hp:handle(add("mem", "null", 1, 3, { ACTION = "change" })))
		assert.are.same({ { "unlink", path = "/dev/char/1:3" }, { "unlink", path = "/dev/null" } },
			hp:handle(add("mem", "null", 1, 3, { ACTION = "remove" })))
		assert.are.same({}, hp:handle { ACTION = "add", SUBSYSTEM = "pci",
			DEVPATH = "/devices/pci0000:00/0000:00:00.0" })
		assert.are.same({}, hp:handle { ACTION = "add", SUBSYSTEM = "net", DEVNAME = "eth0",
			DEVPATH = "/devices/virtual/net/eth0" })
	end)

	it("still makes the node when the group is missing from /etc/group, as root's, and says so", function()
		local hp = load { group = { root = 0 } }
		local acts = hp:handle(add("tty", "ttyS0", 4, 64))
		assert.are.equal(0, acts[1].gid)
		assert.truthy(hp.log[1][2]:find("no 'dialout' in", 1, true), hp.log[1][2])
	end)
end)

describe("30-nodes.lua's /dev/rtc", function()
	it("leads to the clock that set the system time, else to rtc0", function()
		local hp = load { sysfs = {
			["/devices/pnp0/00:01/rtc/rtc0"] = { subsystem = "rtc",
				uevent = "MAJOR=252\nMINOR=0\nDEVNAME=rtc0\n", attrs = { hctosys = "0\n" } },
			["/devices/platform/rtc-x/rtc/rtc1"] = { subsystem = "rtc",
				uevent = "MAJOR=252\nMINOR=1\nDEVNAME=rtc1\n", attrs = { hctosys = "1\n" } } } }
		local acts = hp:device("/devices/pnp0/00:01/rtc/rtc0")
		assert.are.same({ "symlink", path = "/dev/rtc", target = "rtc0" }, testing.filter(acts, "symlink")[2])
		acts = hp:device("/devices/platform/rtc-x/rtc/rtc1")
		assert.are.same({ "symlink", path = "/dev/rtc", target = "rtc1" }, testing.filter(acts, "symlink")[2])
		hp:close()
	end)
end)

describe("60-persistent-storage.lua among the defaults", function()
	it("gives a disk its /dev/disk names after its node (more in persistent_storage_spec.lua)", function()
		local hp = load()
		local acts = hp:handle(add("block", "loop0", 7, 0, { DEVTYPE = "disk", DISKSEQ = "12" }))
		assert.are.same({ "/dev/loop0" }, { testing.filter(acts, "mknod")[1].path })
		assert.are.same({ { "symlink", path = "/dev/block/7:0", target = "../loop0" },
			{ "symlink", path = "/dev/disk/by-diskseq/12", target = "../../loop0" } }, testing.filter(acts, "symlink"))
		acts = hp:handle(add("block", "loop0", 7, 0, { ACTION = "remove", DEVTYPE = "disk", DISKSEQ = "12" }))
		-- The links the device owns go first, then its node.
		assert.are.same({ { "unlink", path = "/dev/block/7:0" }, { "unlink", path = "/dev/disk/by-diskseq/12" },
			{ "unlink", path = "/dev/loop0" } }, acts)
	end)
end)

describe("10-modules.lua", function()
	local alias = "pci:v00008086d00007113sv00000000sd00000000bc06sc80i00"
	local aliases = "alias pci:v00008086d00007113sv*sd*bc*sc*i* i2c_piix4\n"
		.. "alias pci:v00008086d00007113sv*sd*bc06sc80i* intel_smbus_extra\n"
	local ev = { ACTION = "add", SUBSYSTEM = "pci", MODALIAS = alias,
		DEVPATH = "/devices/pci0000:00/0000:00:01.3", SEQNUM = "5" }

	it("asks modprobe for what MODALIAS resolves to, once", function()
		local hp = load { modules_alias = aliases }
		assert.are.same({ { "modprobe", modules = { "i2c_piix4", "intel_smbus_extra" },
			argv = { "/sbin/modprobe", "-b", "-a", "i2c_piix4", "intel_smbus_extra" } } },
			hp:handle(ev))
		assert.are.same({}, hp:handle(ev))
	end)

	it("leaves out modules that are loaded", function()
		local hp = load { modules_alias = aliases, loaded = { "i2c_piix4" } }
		assert.are.same({ "intel_smbus_extra" }, hp:handle(ev)[1].modules)
	end)

	it("synthesizes the MODALIAS of a 2.4 event (hotplug2-dnode) and loads its module", function()
		local hp = load { modules_alias = aliases }
		local acts = hp:handle { ACTION = "add", SUBSYSTEM = "pci", DEVPATH = "/devices/pci0000:00/0000:00:01.3",
			PCI_CLASS = "68000", PCI_ID = "8086:7113", PCI_SUBSYS_ID = "0000:0000" }
		assert.are.same({ "i2c_piix4", "intel_smbus_extra" }, acts[1].modules)
	end)

	it("does nothing on remove, or without a match", function()
		local hp = load { modules_alias = aliases }
		local rm = {}
		for k, v in pairs(ev) do rm[k] = v end
		rm.ACTION = "remove"
		assert.are.same({}, hp:handle(rm))
		assert.are.same({}, hp:handle { ACTION = "add", DEVPATH = "/devices/x", MODALIAS = "acpi:NONE:" })
	end)
end)

describe("20-firmware.lua", function()
	local req = { ACTION = "add", SUBSYSTEM = "firmware", FIRMWARE = "iwlwifi-5000-1.ucode",
		DEVPATH = "/devices/pci0000:00/0000:00:1c.1/0000:03:00.0/firmware/0000:03:00.0" }

	it("loads the file, updates/ first, and stops there", function()
		local hp = load { files = { ["/lib/firmware/iwlwifi-5000-1.ucode"] = "old",
			["/lib/firmware/updates/iwlwifi-5000-1.ucode"] = "new" } }
		assert.are.same({
			{ "firmware", devpath = req.DEVPATH, file = "/lib/firmware/updates/iwlwifi-5000-1.ucode" },
			{ "stop", file = DEFAULTS .. "/20-firmware.lua" },
		}, hp:handle(req))
	end)

	it("tells the kernel when the file is nowhere, and fails with the reason", function()
		local hp = load()
		local acts, failures = hp:try(req)
		assert.are.same({ { "firmware", devpath = req.DEVPATH } }, acts)
		assert.are.same({ DEFAULTS .. "/20-firmware.lua:5: load_firmware: iwlwifi-5000-1.ucode "
			.. "not found in /lib/firmware/updates:/lib/firmware" }, failures)
	end)
end)

describe("90-openwrt.lua", function()
	local hotplug_d = { ["/etc/hotplug.d/net/10-a"] = "", ["/etc/hotplug.d/net/20-b"] = "",
		["/etc/hotplug.d/button/10-reset"] = "", ["/etc/hotplug.d/empty/.keep"] = "" }

	it("runs /etc/hotplug.d/SUBSYSTEM/* in order, in one shell, with DEVICENAME", function()
		local hp = load { files = hotplug_d }
		local acts = hp:handle { ACTION = "add", SUBSYSTEM = "net", INTERFACE = "eth0",
			DEVPATH = "/devices/virtual/net/eth0" }
		assert.are.same({ "setenv", key = "DEVICENAME", value = "eth0" }, acts[1])
		assert.are.same({ "/bin/sh", "-c", 'for f in "$@"; do (. "$f"); done', "hotplug-call",
			"/etc/hotplug.d/net/10-a", "/etc/hotplug.d/net/20-b" }, acts[2].argv)
		assert.are.equal("eth0", acts[2].env.INTERFACE)
		assert.are.equal("add", acts[2].env.ACTION)
		assert.are.equal("eth0", acts[2].env.DEVICENAME)
		assert.are.equal(2, #acts)
	end)

	for _, sub in ipairs { "net", "input", "button", "usb", "block", "tty", "ieee1394", "atm" } do
		it("handles " .. sub .. " events", function()
			local files = { ["/etc/hotplug.d/" .. sub .. "/50-x"] = "" }
			local hp = load { files = files }
			local acts = hp:handle { ACTION = "remove", SUBSYSTEM = sub, DEVPATH = "/devices/virtual/x/y" }
			assert.are.same({ "/etc/hotplug.d/" .. sub .. "/50-x" }, { acts[#acts].argv[5] })
		end)
	end

	it("leaves other subsystems, and subsystems without fragments, alone", function()
		local hp = load { files = hotplug_d }
		assert.are.same({}, hp:handle { ACTION = "add", SUBSYSTEM = "pci", DEVPATH = "/devices/pci0000:00/x" })
		assert.are.same({}, hp:handle { ACTION = "add", SUBSYSTEM = "usb", DEVPATH = "/devices/x/usb1" })
	end)

	it("registers nothing without /etc/hotplug.d", function()
		local with, without = load { files = hotplug_d }, load()
		assert.are.equal(#without.runner.handlers + 1, #with.runner.handlers)
		assert.are.same({}, without:handle { ACTION = "add", SUBSYSTEM = "net", DEVPATH = "/devices/virtual/net/lo" })
	end)
end)
