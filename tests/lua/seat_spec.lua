-- The default scripts' uaccess, seat and master-of-seat tags and ID_PATH, ID_FOR_SEAT, ID_SEAT
-- (70-uaccess.lua, 71-seat.lua, 73-seat-late.lua) and power-switch (70-power-switch.lua), on the devices systemd 252's 70-uaccess,
-- 71-seat and 73-seat-late rules give them to; has_tag and import_parent, which they use.
-- tests/oracle/udev_links.sh compares the tags with udevd's on this machine's devices.
local testing = require "hotplug2.testing"
local support = dofile("tests/lua/support.lua")

local DEFAULTS = support.source .. "/lua/defaults"
local GROUPS = { root = 0, input = 101, audio = 29, video = 44, kvm = 108, render = 107, disk = 6 }

local GPU = "/devices/pci0000:00/0000:00:02.0"
local HDA = "/devices/pci0000:00/0000:00:1b.0"
local I8042 = "/devices/platform/i8042/serio0"
local XHCI = "/devices/pci0000:00/0000:00:14.0"
local BRIDGE = "/devices/pci0000:00/0000:00:05.0"
local SEATGPU = BRIDGE .. "/0000:01:00.0"

local SYSFS = {
	["/devices/pci0000:00"] = { uevent = "" },
	[GPU] = { subsystem = "pci", driver = "i915", uevent = "DRIVER=i915\nPCI_CLASS=30000\n" },
	[GPU .. "/drm/card0"] = { subsystem = "drm", uevent = "MAJOR=226\nMINOR=0\nDEVNAME=dri/card0\nDEVTYPE=drm_minor\n" },
	[GPU .. "/drm/renderD128"] = { subsystem = "drm",
		uevent = "MAJOR=226\nMINOR=128\nDEVNAME=dri/renderD128\nDEVTYPE=drm_minor\n" },
	[GPU .. "/drm/card0/card0-HDMI-A-1"] = { subsystem = "drm", uevent = "DEVTYPE=drm_connector\n" },
	[HDA] = { subsystem = "pci", driver = "snd_hda_intel", uevent = "DRIVER=snd_hda_intel\nPCI_CLASS=40300\n" },
	[HDA .. "/sound/card0"] = { subsystem = "sound", uevent = "" },
	[HDA .. "/sound/card0/controlC0"] = { subsystem = "sound", uevent = "MAJOR=116\nMINOR=2\nDEVNAME=snd/controlC0\n" },
	["/devices/platform/i8042"] = { subsystem = "platform", driver = "i8042", uevent = "DRIVER=i8042\n" },
	[I8042] = { subsystem = "serio", driver = "atkbd", uevent = "DRIVER=atkbd\n" },
	[I8042 .. "/input/input3"] = { subsystem = "input", uevent = "PRODUCT=11/1/1/ab41\nNAME=\"AT keyboard\"\n" },
	[I8042 .. "/input/input3/event3"] = { subsystem = "input", uevent = "MAJOR=13\nMINOR=67\nDEVNAME=input/event3\n" },
	["/devices/virtual/misc/kvm"] = { subsystem = "misc", uevent = "MAJOR=10\nMINOR=232\nDEVNAME=kvm\n" },
	["/devices/virtual/misc/fuse"] = { subsystem = "misc", uevent = "MAJOR=10\nMINOR=229\nDEVNAME=fuse\n" },
	[XHCI] = { subsystem = "pci", driver = "xhci_hcd", uevent = "DRIVER=xhci_hcd\nPCI_CLASS=C0330\n" },
	[XHCI .. "/usb1"] = { subsystem = "usb", driver = "usb",
		uevent = "MAJOR=189\nMINOR=0\nDEVNAME=bus/usb/001/001\nDEVTYPE=usb_device\nDRIVER=usb\n",
		attrs = { bDeviceClass = "09\n", idVendor = "1d6b\n", idProduct = "0002\n" } },
	[XHCI .. "/usb1/1-1"] = { subsystem = "usb", driver = "usb",
		uevent = "MAJOR=189\nMINOR=1\nDEVNAME=bus/usb/001/002\nDEVTYPE=usb_device\nDRIVER=usb\n",
		attrs = { bDeviceClass = "00\n", idVendor = "046d\n", idProduct = "c31c\n" } },
	[XHCI .. "/usb1/1-2"] = { subsystem = "usb", driver = "usb",
		uevent = "MAJOR=189\nMINOR=2\nDEVNAME=bus/usb/001/003\nDEVTYPE=usb_device\nDRIVER=usb\n",
		attrs = { bDeviceClass = "ef\n", idVendor = "046d\n", idProduct = "0825\n" } },
	["/devices/platform/efi-framebuffer.0"] = { subsystem = "platform", uevent = "" },
	["/devices/platform/efi-framebuffer.0/graphics/fb0"] = { subsystem = "graphics",
		uevent = "MAJOR=29\nMINOR=0\nDEVNAME=fb0\n" },
	["/devices/platform/leds/leds/input3::capslock"] = { subsystem = "leds", uevent = "" },
	["/devices/platform/leds"] = { subsystem = "platform", uevent = "" },
	-- qemu's pci-bridge-seat with a graphics card behind it.
	[BRIDGE] = { subsystem = "pci", driver = "shpchp", uevent = "DRIVER=shpchp\nPCI_CLASS=60400\n",
		attrs = { vendor = "0x1b36\n", device = "0x000a\n" } },
	[SEATGPU] = { subsystem = "pci", uevent = "PCI_CLASS=30000\n", attrs = { vendor = "0x1234\n", device = "0x1111\n" } },
	[SEATGPU .. "/drm/card1"] = { subsystem = "drm", uevent = "MAJOR=226\nMINOR=1\nDEVNAME=dri/card1\nDEVTYPE=drm_minor\n" },
}

-- The tags an event's handlers gave, in order, and the event as they left it.
local function tags(hp, devpath, action)
	local acts, ev = hp:device(devpath, action)
	local t = {}
	for _, a in ipairs(testing.filter(acts, "tag")) do t[#t + 1] = a.name end
	return t, ev
end

describe("seat and uaccess tags", function()
	local hp
	setup(function()
		hp = testing.new { config_dir = DEFAULTS, sysfs = SYSFS, group = GROUPS }
	end)
	teardown(function()
		hp:close()
	end)

	-- { devpath, tags, ID_FOR_SEAT }: udev 252's rules worked out by hand for each device.
	local CASES = {
		{ GPU .. "/drm/card0", { "uaccess", "seat", "master-of-seat" }, "drm-pci-0000_00_02_0" },
		{ GPU .. "/drm/renderD128", { "uaccess", "seat" }, "drm-pci-0000_00_02_0" },
		-- KERNEL=="card[0-9]*" holds for connectors too; with no node, no uaccess.
		{ GPU .. "/drm/card0/card0-HDMI-A-1", { "seat", "master-of-seat" }, "drm-pci-0000_00_02_0" },
		{ HDA .. "/sound/card0", { "seat" }, "sound-pci-0000_00_1b_0" },
		{ HDA .. "/sound/card0/controlC0", { "uaccess" }, nil },
		{ I8042 .. "/input/input3", { "seat" }, "input-platform-i8042-serio-0" },
		{ I8042 .. "/input/input3/event3", {}, nil },
		{ "/devices/virtual/misc/kvm", { "uaccess", "seat" }, nil },
		{ "/devices/virtual/misc/fuse", {}, nil },
		{ XHCI .. "/usb1", { "seat" }, "usb-pci-0000_00_14_0" },
		{ XHCI .. "/usb1/1-1", { "seat" }, "usb-pci-0000_00_14_0-usb-0_1" },
		{ XHCI .. "/usb1/1-2", {}, nil },
		{ "/devices/platform/efi-framebuffer.0/graphics/fb0", { "seat" }, "graphics-platform-efi-framebuffer_0" },
		{ "/devices/platform/leds/leds/input3::capslock", { "seat" }, "leds-platform-leds" },
	}

	for _, c in ipairs(CASES) do
		it(("are udev's on %s: %s"):format(c[1]:match("[^/]+$"), table.concat(c[2], " ")), function()
			local got, ev = tags(hp, c[1])
			assert.are.same(c[2], got)
			assert.are.equal(c[3], ev.ID_FOR_SEAT)
			assert.is_nil(ev.ID_SEAT)
			if c[3] then assert.is_not_nil(ev.ID_PATH) end
		end)
	end

	it("are none on remove", function()
		for _, c in ipairs(CASES) do
			assert.are.same({}, (tags(hp, c[1], "remove")), c[1])
		end
	end)

	it("give a joystick's node uaccess and seat", function()
		local acts = hp:handle { ACTION = "add", SUBSYSTEM = "input", DEVPATH = I8042 .. "/input/input3/event3",
			MAJOR = "13", MINOR = "67", DEVNAME = "input/event3", ID_INPUT = "1", ID_INPUT_JOYSTICK = "1" }
		local t = {}
		for _, a in ipairs(testing.filter(acts, "tag")) do t[#t + 1] = a.name end
		assert.are.same({ "uaccess", "seat" }, t)
	end)

	it("give power-switch to the event nodes of devices with keys or switches, as 70-power-switch", function()
		local function tagged(props)
			local ev = { ACTION = "add", SUBSYSTEM = "input", DEVPATH = I8042 .. "/input/input3/event3",
				MAJOR = "13", MINOR = "67", DEVNAME = "input/event3", ID_INPUT = "1" }
			for k, v in pairs(props) do ev[k] = v end
			local t = {}
			for _, a in ipairs(testing.filter((hp:handle(ev)), "tag")) do t[#t + 1] = a.name end
			return t
		end
		assert.are.same({ "power-switch" }, tagged { ID_INPUT_KEY = "1", ID_INPUT_KEYBOARD = "1" })
		assert.are.same({ "power-switch" }, tagged { ID_INPUT_SWITCH = "1" })
		assert.are.same({}, tagged { ID_INPUT_MOUSE = "1" })
	end)

	it("make a seat of qemu's pci-bridge-seat and give it to the devices behind it", function()
		local got, ev = tags(hp, BRIDGE)
		assert.are.same({ "seat", "seat-pci-pci-0000_00_05_0" }, got)
		assert.are.equal("1", ev.ID_AUTOSEAT)
		assert.are.equal("pci-pci-0000_00_05_0", ev.ID_FOR_SEAT)
		assert.are.equal("seat-pci-pci-0000_00_05_0", ev.ID_SEAT)
	end)
end)

describe("ID_SEAT from the parent's database entry", function()
	it("tags the card behind a seat's bridge with the seat", function()
		local hp = testing.new { config_dir = DEFAULTS, sysfs = SYSFS, group = GROUPS,
			files = { ["run/udev/data/+pci:0000:01:00.0"] = "I:5\nE:ID_SEAT=seat-pci-pci-0000_00_05_0\nV:1\n" } }
		-- Before the bridge's event, no seat is known: the entry is not read.
		local got, ev = tags(hp, SEATGPU .. "/drm/card1")
		assert.are.same({ "uaccess", "seat", "master-of-seat" }, got)
		assert.is_nil(ev.ID_SEAT)
		tags(hp, BRIDGE)
		got, ev = tags(hp, SEATGPU .. "/drm/card1")
		assert.are.same({ "uaccess", "seat", "master-of-seat", "seat-pci-pci-0000_00_05_0" }, got)
		assert.are.equal("seat-pci-pci-0000_00_05_0", ev.ID_SEAT)
		-- The bridge gone, nothing below it inherits a seat any more.
		tags(hp, BRIDGE, "remove")
		got = tags(hp, SEATGPU .. "/drm/card1")
		assert.are.same({ "uaccess", "seat", "master-of-seat" }, got)
		hp:close()
	end)
end)

describe("master-of-seat without KMS", function()
	it("goes to a framebuffer and to a display controller no driver took, with nomodeset", function()
		local hp = testing.new { config_dir = DEFAULTS, sysfs = SYSFS, group = GROUPS,
			files = { ["proc/cmdline"] = "root=/dev/sda1 nomodeset quiet\n" } }
		local got, ev = tags(hp, "/devices/platform/efi-framebuffer.0/graphics/fb0")
		assert.are.same({ "seat", "master-of-seat" }, got)
		assert.are.equal("1", ev.nomodeset)
		got = tags(hp, SEATGPU)
		assert.are.same({ "seat", "master-of-seat" }, got)
		-- A driver took the Intel card: no seat of its own.
		assert.are.same({}, (tags(hp, GPU)))
		hp:close()
	end)
end)

describe("has_tag and import_parent", function()
	it("see the tags earlier handlers gave and read the parent's uevent and entry", function()
		local hp = testing.new { sysfs = SYSFS, files = { ["run/udev/data/c226:0"] = "I:1\nE:HP2_COLOUR=blue\nV:1\n" },
			scripts = { { "t.lua", [[
on({ SUBSYSTEM = "drm" }, function(ev)
	setenv(ev, "BEFORE", tostring(has_tag(ev, "x")))
	tag(ev, "x")
	setenv(ev, "AFTER", tostring(has_tag(ev, "x")))
	import_parent(ev, "HP2_COLOUR")
	import_parent(ev, "DRIVER")
	setenv(ev, "NONE", tostring(import_parent(ev, "NO_SUCH")))
end)
on({ SUBSYSTEM = "misc" }, function(ev) import_parent(ev, "bad-name") end)
]] } } }
		local _, ev = hp:device(GPU .. "/drm/card0/card0-HDMI-A-1")
		assert.are.equal("false", ev.BEFORE)
		assert.are.equal("true", ev.AFTER)
		assert.are.equal("blue", ev.HP2_COLOUR)
		assert.are.equal("nil", ev.NONE)
		_, ev = hp:device(GPU .. "/drm/card0")
		assert.are.equal("i915", ev.DRIVER)
		local _, failures = hp:try(hp:sysfs_event("/devices/virtual/misc/kvm"))
		assert.are.equal(1, #failures)
		assert.truthy(failures[1]:find("t.lua:9: import_parent: bad property name bad-name", 1, true), failures[1])
		hp:close()
	end)
end)
