-- attr and parent_attr: sysfs attributes of a device and of its parents, read under the root.
local testing = require "hotplug2.testing"
local support = dofile("tests/lua/support.lua")

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

-- A SCSI disk as the kernel lays it out: the block device's device link
-- leads to the SCSI device, whose model and vendor udev rules read.
local SCSI = "/devices/pci0000:00/0000:00:1d.7/usb5/5-1/5-1:1.0/host7/target7:0:0/7:0:0:0"
local DISK = SCSI .. "/block/sdb"
local MODEL = [[
on({ SUBSYSTEM = "block" }, function(ev)
	setenv(ev, "MODEL", attr(ev, "device/model"))
	setenv(ev, "VENDOR", attr(ev, "device/vendor"))
	setenv(ev, "BUS", attr(ev, "device/subsystem/drivers/sd/bind_test"))
end)
]]

describe("attr through sysfs's own links", function()
	it("reads device/model through the fakes' device link, as on a real /sys", function()
		local hp = testing.new { scripts = { { "m.lua", MODEL } }, sysfs = {
			[SCSI] = { subsystem = "scsi", driver = "sd", attrs = { model = "Flash Disk  \n",
				vendor = "Generic\n" } },
			[DISK] = { uevent = "MAJOR=8\nMINOR=16\nDEVNAME=sdb\nDEVTYPE=disk\n", subsystem = "block" },
		}, files = { ["/sys/bus/scsi/drivers/sd/bind_test"] = "yes\n" } }
		local _, ev = hp:device(DISK)
		assert.are.equal("Flash Disk  ", ev.MODEL)
		assert.are.equal("Generic", ev.VENDOR)
		assert.are.equal("yes", ev.BUS)
		-- The links are the kernel's, and device/ is not a directory of the disk's own.
		local core = require "hotplug2.core"
		hp:activate()
		assert.are.equal("../../../7:0:0:0", core.readlink("sys" .. DISK .. "/device"))
		assert.are.equal("../../../../../../../../../../../class/block",
			core.readlink("sys" .. DISK .. "/subsystem"))
		assert.are.equal("../../../../../../../../../bus/scsi", core.readlink("sys" .. SCSI .. "/subsystem"))
		assert.are.equal("../../../../../../../../../bus/scsi/drivers/sd",
			core.readlink("sys" .. SCSI .. "/driver"))
		hp:close()
	end)

	it("writes an attribute under device/ into the parent device", function()
		local hp = testing.new { scripts = { { "m.lua", MODEL } }, sysfs = {
			[SCSI] = { subsystem = "scsi" },
			[DISK] = { subsystem = "block", attrs = { ["device/model"] = "Stick\n" } },
		} }
		local _, ev = hp:device(DISK)
		assert.are.equal("Stick", ev.MODEL)
		local core = require "hotplug2.core"
		hp:activate()
		assert.are.equal("Stick\n", core.read("sys" .. SCSI .. "/model"))
		hp:close()
	end)

	it("follows the links of a real laptop's /sys (the fixture), and no link out of it", function()
		local dir = support.laptop()
		local host0 = "/devices/pci0000:00/0000:00:1f.2/host0"
		local dev = host0 .. "/target0:0:0/0:0:0:0"
		os.execute(table.concat({
			"ln -s ../../../../../../../../etc " .. dir .. "/sys" .. dev .. "/out",
			"ln -s /etc " .. dir .. "/sys" .. dev .. "/abs",
			"mkdir -p " .. dir .. "/etc && echo secret > " .. dir .. "/etc/hostname",
			": > " .. dir .. "/modules.alias" }, " && "))
		local hp = testing.new { root = dir, modules_alias_file = dir .. "/modules.alias",
			scripts = { { "a.lua", [[
			on({}, function(ev)
				setenv(ev, "HOST", attr(ev, "subsystem/devices/host0/uevent"))
				setenv(ev, "OUT", attr(ev, "out/hostname") or "refused")
				setenv(ev, "ABS", attr(ev, "abs/hostname") or "refused")
			end)
		]] } } }
		local _, ev = hp:handle { ACTION = "add", DEVPATH = dev, SUBSYSTEM = "scsi" }
		local want = assert(support.read(dir .. "/sys" .. host0 .. "/uevent")):gsub("\n$", "")
		assert.are.equal(want, ev.HOST)
		assert.are.equal("refused", ev.OUT)
		assert.are.equal("refused", ev.ABS)
		hp:close()
		support.remove(dir)
	end)

	it("reads device/vendor of a network or block device on this machine's /sys", function()
		local p = io.popen("for n in /sys/class/net/* /sys/class/block/*; do "
			.. "[ -r $n/device/vendor ] && readlink -f $n && cat $n/device/vendor && break; done")
		local real, vendor = p:read("*l"), p:read("*l")
		p:close()
		if not real then
			pending("no network or block device with device/vendor here")
			return
		end
		local core = require "hotplug2.core"
		local actions = require "hotplug2.actions"
		core.set_root("/")
		local a = actions.new { core = core }
		local devpath = real:gsub("^/sys", "")
		assert.are.equal(vendor, a.attr({ DEVPATH = devpath }, "device/vendor"))
		assert.is_nil(a.attr({ DEVPATH = devpath }, "device/no_such_attribute"))
	end)
end)
