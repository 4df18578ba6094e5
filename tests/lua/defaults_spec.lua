-- The default scripts in lua/defaults, loaded as the daemon loads them, on real events of this machine and the laptop fixture.
local runner = require "hotplug2.runner"
local fake = dofile("tests/lua/fake.lua")

local DEFAULTS = "lua/defaults"
local FILES = { "10-modules.lua", "20-firmware.lua", "30-nodes.lua", "90-openwrt.lua" }

local groups = { root = 0, tty = 5, disk = 6, lp = 7, kmem = 15, dialout = 20, cdrom = 24,
	audio = 29, video = 44, input = 101, kvm = 102, render = 103 }

local function load(o)
	o = o or {}
	o.groups = o.groups or groups
	local core = fake.core(o)
	local acts = {}
	local sys = fake.sys()
	local r = runner.new { core = core, sys = sys,
		report = function(act) acts[#acts + 1] = act end }
	for _, f in ipairs(FILES) do
		local fh = assert(io.open(DEFAULTS .. "/" .. f))
		local src = fh:read("*a")
		fh:close()
		assert(r:load_file(DEFAULTS .. "/" .. f, src))
	end
	return r, acts, sys, core
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
	{ add("tty", "tty", 5, 0), "c", "0666", "tty" },
	{ add("tty", "ptmx", 5, 2), "c", "0666", "tty" },
	{ add("tty", "console", 5, 1), "c", "0600", "root" },
	{ add("tty", "tty0", 4, 0), "c", "0620", "tty" },
	{ add("tty", "tty63", 4, 63), "c", "0620", "tty" },
	{ add("tty", "ttyS0", 4, 64), "c", "0660", "dialout" },
	{ add("tty", "ttyUSB0", 188, 0), "c", "0660", "dialout" },
	{ add("tty", "ttyACM0", 166, 0), "c", "0660", "dialout" },
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
}

describe("the default scripts", function()
	it("pass hotplug2's own loading, every file", function()
		local r = load()
		assert.are.equal(4, #r.files)
		assert.are.same({}, r.problems)
	end)

	for _, n in ipairs(nodes) do
		local ev, typ, mode, group = n[1], n[2], n[3], n[4]
		it(("create /dev/%s %s %s %s"):format(ev.DEVNAME, typ, mode, group), function()
			local r, acts, sys = load()
			assert.are.equal(0, r:handle(ev))
			assert.are.equal(1, #acts)
			local a = acts[1]
			assert.are.equal("mknod", a[1])
			assert.are.equal("/dev/" .. ev.DEVNAME, a.path)
			assert.are.equal(typ, a.type)
			assert.are.equal(tonumber(mode, 8), a.mode)
			assert.are.equal(group, a.group)
			assert.are.equal(groups[group], a.gid)
			assert.are.same({ "mknod", "dev/" .. ev.DEVNAME, typ, tonumber(ev.MAJOR),
				tonumber(ev.MINOR), tonumber(mode, 8), 0, groups[group] }, sys.calls[1])
		end)
	end

	it("remove nodes on remove", function()
		local r, acts = load()
		r:handle { ACTION = "remove", SUBSYSTEM = "block", DEVNAME = "sda1", MAJOR = "8",
			MINOR = "1", DEVPATH = "/devices/x/block/sda/sda1" }
		assert.are.same({ { "unlink", path = "/dev/sda1" } }, acts)
	end)

	it("leave change events and devices without a node alone", function()
		local r, acts = load()
		r:handle(add("mem", "null", 1, 3, { ACTION = "change" }))
		r:handle { ACTION = "add", SUBSYSTEM = "pci", DEVPATH = "/devices/pci0000:00/0000:00:00.0" }
		assert.are.same({}, acts)
	end)

	it("load the modules a MODALIAS resolves to, once", function()
		local alias = "pci:v00008086d00007113sv00000000sd00000000bc06sc80i00"
		local r, acts = load { aliases = { [alias] = { "i2c_piix4" } } }
		local ev = { ACTION = "add", SUBSYSTEM = "pci", MODALIAS = alias,
			DEVPATH = "/devices/pci0000:00/0000:00:01.3", SEQNUM = "5" }
		r:handle(ev)
		r:handle(ev)
		assert.are.same({ { "modprobe", modules = { "i2c_piix4" },
			argv = { "/sbin/modprobe", "-b", "-a", "i2c_piix4" } } }, acts)
	end)

	it("load firmware and stop there", function()
		local r, acts = load { files = { ["lib/firmware/iwlwifi-5000-1.ucode"] = true } }
		r:handle { ACTION = "add", SUBSYSTEM = "firmware", FIRMWARE = "iwlwifi-5000-1.ucode",
			DEVPATH = "/devices/pci0000:00/0000:00:1c.1/0000:03:00.0/firmware/0000:03:00.0" }
		assert.are.equal(2, #acts)
		assert.are.equal("firmware", acts[1][1])
		assert.are.equal("/lib/firmware/iwlwifi-5000-1.ucode", acts[1].file)
		assert.are.same({ "stop", file = DEFAULTS .. "/20-firmware.lua" }, acts[2])
	end)

	it("run /etc/hotplug.d scripts as OpenWrt does, when there are any", function()
		local r, acts = load { root = "/scratch", dirs = {
			["etc/hotplug.d"] = { "net" }, ["etc/hotplug.d/net"] = { "10-a", "20-b" } } }
		r:handle { ACTION = "add", SUBSYSTEM = "net", INTERFACE = "eth0",
			DEVPATH = "/devices/virtual/net/eth0" }
		assert.are.equal("setenv", acts[1][1])
		assert.are.equal("eth0", acts[1].value)
		local ex = acts[2]
		assert.are.equal("exec", ex[1])
		assert.are.same({ "/bin/sh", "-c", 'for f in "$@"; do (. "$f"); done', "hotplug-call",
			"/scratch/etc/hotplug.d/net/10-a", "/scratch/etc/hotplug.d/net/20-b" }, ex.argv)
		assert.are.equal("eth0", ex.env.INTERFACE)
		assert.are.equal("add", ex.env.ACTION)
	end)

	it("register no hotplug.d handler without /etc/hotplug.d", function()
		local r = load()
		assert.are.equal(4, #r.handlers)
	end)
end)
