-- hotplug2.device and the handler API over it (parent, find_parent, match tables' parents), on a real laptop's /sys.
local core = require "hotplug2.core"
local device = require "hotplug2.device"
local testing = require "hotplug2.testing"

local support = dofile("tests/lua/support.lua")
local sh = support.sh
local IFACE = "/devices/pci0000:00/0000:00:1d.7/usb5/5-2/5-2:1.0"
local TTY = IFACE .. "/tty/ttyACM0"
local HUB = "/devices/pci0000:00/0000:00:1d.7/usb5"

describe("hotplug2.device", function()
	local root, d

	setup(function()
		root = support.laptop()
		-- The fixture has no attribute files but uevent, dev and modalias: two of the phone's.
		sh("printf '0421\\n' > " .. root .. "/sys" .. IFACE .. "/../idVendor && printf '007b\\n' > "
			.. root .. "/sys" .. IFACE .. "/../idProduct")
	end)

	teardown(function()
		support.remove(root)
	end)

	before_each(function()
		core.set_root(root)
		d = device.new(core)
	end)

	it("names a device as udev does: kernel name, subsystem, driver, type", function()
		assert.are.same({ devpath = TTY, kernel = "ttyACM0", subsystem = "tty" }, d.info(TTY))
		assert.are.same({ devpath = IFACE, kernel = "5-2:1.0", subsystem = "usb", driver = "cdc_acm",
			devtype = "usb_interface" }, d.info(IFACE))
		assert.is_nil(d.info("/devices/nonexistent"))
		-- A directory of the tree that is no device.
		assert.is_nil(d.info(IFACE .. "/tty"))
	end)

	it("finds the nearest ancestor of a subsystem and type, never the device itself", function()
		assert.are.equal(IFACE, d.parent(TTY, "usb").devpath)
		local dev = d.parent(TTY, "usb", "usb_device")
		assert.are.equal(HUB .. "/5-2", dev.devpath)
		assert.are.equal("usb", dev.driver)
		assert.are.equal("usb_device", d.parent(IFACE, "usb").devtype)
		assert.are.equal("pci", d.parent(TTY, "pci").subsystem)
		assert.is_nil(d.parent(TTY, "scsi"))
		assert.is_nil(d.parent(TTY, "tty"))
	end)

	it("matches the device or one ancestor for all of a spec, as udev's SUBSYSTEMS, DRIVERS, ATTRS", function()
		local glob = require("hotplug2.match").glob
		local function find(spec) local i = d.find(TTY, device.compile_spec(spec)) return i and i.devpath end
		assert.are.equal(TTY, find { SUBSYSTEM = "tty" })
		assert.are.equal(IFACE, find { SUBSYSTEM = "usb", DRIVER = glob "cdc_*" })
		assert.are.equal(HUB .. "/5-2", find { SUBSYSTEM = "usb", ATTRS = { idVendor = "0421", idProduct = "007b" } })
		-- All of it on one device: the interface has the driver, the device the attribute.
		assert.is_nil(find { DRIVER = "cdc_acm", ATTRS = { idVendor = "0421" } })
		assert.are.equal(HUB, find { KERNEL = "usb5" })
		assert.are.equal(IFACE, find { DEVTYPE = { "usb_interface", "usb_device" } })
		assert.is_nil(find { SUBSYSTEM = "usb", ATTRS = { idVendor = "dead" } })
	end)

	it("refuses specs it cannot mean and attribute names that climb out", function()
		for _, bad in ipairs {
			{ { SUBSYSTEMS = "usb" }, "not SUBSYSTEMS" },
			{ { ATTRS = { ["../../etc/passwd"] = require("hotplug2.match").present } }, "bad attribute name" },
			{ { ATTRS = "x" }, "ATTRS must be a table" },
			{ "usb", "must be a table" },
		} do
			local ok, err = pcall(device.compile_spec, bad[1])
			assert.is_false(ok)
			assert.truthy(tostring(err):find(bad[2], 1, true), err)
		end
		assert.has_error(function() d.parent("../x", "usb") end)
	end)

	it("serves handlers: parent(), find_parent() and a match's parents", function()
		local hp = testing.new { root = root, modules_alias_file = "/dev/null", scripts = { { "60-serial.lua", [[
on({ SUBSYSTEM = "tty", parents = { SUBSYSTEM = "usb", ATTRS = { idVendor = "0421" } } }, function(ev)
	local usb = parent(ev, "usb", "usb_device")
	local iface = find_parent(ev, { SUBSYSTEM = "usb", DRIVER = glob "cdc_*" })
	make_link(ev, "serial/by-parent/" .. usb.kernel .. "-" .. iface.driver)
end)
on({ SUBSYSTEM = "tty", parents = { ATTRS = { idVendor = "ffff" } } }, function(ev)
	make_link(ev, "never")
end)
]] } } }
		local acts = hp:device(TTY)
		local links = {}
		for _, a in ipairs(acts) do if a[1] == "symlink" then links[#links + 1] = a.path end end
		assert.are.same({ "/dev/serial/by-parent/5-2-cdc_acm" }, links)
		-- A bad event is an error at the handler's line.
		local bad = testing.new { root = root, modules_alias_file = "/dev/null", scripts = { { "62-ev.lua",
			'on({ SUBSYSTEM = "tty" }, function(ev) parent({ DEVPATH = "/x/../y" }, "usb") end)' } } }
		local okp, perr = pcall(bad.device, bad, TTY)
		assert.is_false(okp)
		assert.truthy(perr:find("62-ev.lua:1: parent: the event has no usable DEVPATH", 1, true), perr)
		local ok, err = pcall(testing.new, { root = root, modules_alias_file = "/dev/null",
			scripts = { { "61-bad.lua", 'on({ parents = { ATTRS = { ["/etc/x"] = "1" } } }, function() end)' } } })
		assert.is_false(ok)
		assert.truthy(err:find("61-bad.lua:1: on(match, handler): ATTRS: bad attribute name /etc/x", 1, true), err)
	end)
end)
