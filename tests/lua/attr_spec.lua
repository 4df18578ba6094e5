-- attr and parent_attr: sysfs attributes of a device and of its parents, read under the root.
local testing = require "hotplug2.testing"

local USB = "/devices/pci0000:00/0000:00:1d.0/usb2/2-1"
local TTY = USB .. "/2-1:1.0/ttyUSB0/tty/ttyUSB0"

-- An FTDI adapter as the laptop's /sys would show it: the serial number is
-- an attribute of the USB device, three levels above the tty.
local SYSFS = {
	[USB] = { uevent = "DEVTYPE=usb_device\n", subsystem = "usb",
		attrs = { serial = "A6008isP\n", idVendor = "0403\n", idProduct = "6001\n",
			["power/control"] = "on\n" } },
	[USB .. "/2-1:1.0"] = { uevent = "DEVTYPE=usb_interface\n", subsystem = "usb",
		attrs = { bInterfaceNumber = "00\n" } },
	[TTY] = { uevent = "MAJOR=188\nMINOR=0\nDEVNAME=ttyUSB0\n", subsystem = "tty",
		attrs = { dev = "188:0\n" } },
}

local BY_ID = [[
on({ ACTION = "add", SUBSYSTEM = "tty", DEVNAME = pattern "^ttyUSB%d+$" }, function(ev)
	local serial, at = parent_attr(ev, "serial")
	local vendor = attr({ DEVPATH = at }, "idVendor")
	local iface = parent_attr(ev, "bInterfaceNumber")
	make_link(ev, ("serial/by-id/usb-%s_%s-if%s-port0"):format(vendor, serial, iface))
end)
]]

local tty = { ACTION = "add", SUBSYSTEM = "tty", DEVNAME = "ttyUSB0", MAJOR = "188",
	MINOR = "0", DEVPATH = TTY }

describe("attr and parent_attr", function()
	it("read the device's own attribute without its newline", function()
		local hp = testing.new { scripts = { { "a.lua", [[
			on({}, function(ev) setenv(ev, "DEV", attr(ev, "dev")) end)
		]] } }, sysfs = SYSFS }
		local _, ev = hp:handle(tty)
		assert.are.equal("188:0", ev.DEV)
	end)

	it("find an attribute on the nearest parent that has it, and say where", function()
		local hp = testing.new { scripts = { { "50-by-id.lua", BY_ID } }, sysfs = SYSFS }
		assert.are.same({
			{ "symlink", path = "/dev/serial/by-id/usb-0403_A6008isP-if00-port0",
				target = "../../ttyUSB0" },
		}, hp:handle(tty))
	end)

	it("read attributes in subdirectories", function()
		local hp = testing.new { scripts = { { "a.lua", [[
			on({}, function(ev) setenv(ev, "PM", parent_attr(ev, "power/control")) end)
		]] } }, sysfs = SYSFS }
		local _, ev = hp:handle(tty)
		assert.are.equal("on", ev.PM)
	end)

	it("answer nil for an attribute no device has", function()
		local hp = testing.new { scripts = { { "a.lua", [[
			on({}, function(ev)
				assert(attr(ev, "serial") == nil, "the tty has no serial of its own")
				assert(parent_attr(ev, "no_such_attribute") == nil)
				setenv(ev, "CHECKED", "yes")
			end)
		]] } }, sysfs = SYSFS }
		local _, ev = hp:handle(tty)
		assert.are.equal("yes", ev.CHECKED)
	end)

	it("refuse names that are absolute or climb out, with the handler's file:line", function()
		for _, bad in ipairs { "/etc/shadow", "../../../../etc/shadow", "", "a/../b" } do
			local hp = testing.new { scripts = { { "bad.lua",
				"on({}, function(ev)\n\tattr(ev, " .. ("%q"):format(bad) .. ")\nend)\n" } },
				sysfs = SYSFS }
			local _, failures = hp:try(tty)
			assert.are.equal(1, #failures, bad)
			assert.truthy(tostring(failures[1]):find("bad.lua:2: attr: attribute name must be a relative path", 1, true),
				tostring(failures[1]))
		end
	end)
end)
