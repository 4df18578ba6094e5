-- hotplug2.device keeps what it read of a device for one event: walks up the tree by several
-- handlers and builtins read each device once, and the next event reads it again.
local testing = require "hotplug2.testing"
local core = require "hotplug2.core"

describe("hotplug2.device's answers for one event", function()
	local USB = "/devices/pci0000:00/0000:00:1d.0/usb2/2-1"
	local TTY = USB .. "/2-1:1.0/ttyUSB0/tty/ttyUSB0"
	local SYSFS = {
		["/devices/pci0000:00/0000:00:1d.0"] = { subsystem = "pci", uevent = "" },
		[USB] = { uevent = "DEVTYPE=usb_device\n", subsystem = "usb" },
		[USB .. "/2-1:1.0"] = { uevent = "DEVTYPE=usb_interface\n", subsystem = "usb", driver = "ftdi_sio" },
		[USB .. "/2-1:1.0/ttyUSB0"] = { subsystem = "usb-serial" },
		[TTY] = { uevent = "MAJOR=188\nMINOR=0\nDEVNAME=ttyUSB0\n", subsystem = "tty" },
	}
	local SCRIPT = [[
on({ SUBSYSTEM = "tty" }, function(ev)
	for _ = 1, 3 do
		assert(parent(ev, "pci"))
		assert(parent(ev, "usb", "usb_device"))
	end
	local p = parent(ev, "usb")
	p.subsystem = "changed by a handler"
end)
on({ SUBSYSTEM = "tty" }, function(ev)
	assert(parent(ev, "usb").subsystem == "usb", "a handler's change reached the next")
	setenv(ev, "SEEN", parent(ev, "usb", "usb_interface").driver)
end)
]]

	it("reads each uevent once per event, and again for the next event", function()
		local hp = testing.new { sysfs = SYSFS, scripts = { { "a.lua", SCRIPT } } }
		local reads, orig = {}, core.read
		core.read = function(path, ...)
			reads[path] = (reads[path] or 0) + 1
			return orig(path, ...)
		end
		local ok, err = pcall(function()
			local _, ev = hp:device(TTY)
			assert.are.equal("ftdi_sio", ev.SEEN)
			assert.are.equal(1, reads["sys" .. USB .. "/uevent"])
			hp:device(TTY)
			assert.are.equal(2, reads["sys" .. USB .. "/uevent"])
		end)
		core.read = orig
		hp:close()
		assert(ok, err)
	end)
end)
