-- The usb_id builtin against udev 252's own answers on the same fake sysfs trees (tests/lua/trees).
local testing = require "hotplug2.testing"
local core = require "hotplug2.core"
local builtins = require "hotplug2.builtins"

local oracle = dofile("tests/lua/trees/oracle.lua")

describe("usb_id", function()
	local tree = dofile(oracle.dir .. "usb.lua")
	local want, order = oracle.expected("usb_id.expected")
	local got = oracle.answers("usb_id", tree.queries, { sysfs = tree.sysfs })

	it("is asked about every device udev was asked about", function()
		assert.are.same(order, tree.queries)
	end)

	for _, devpath in ipairs(order) do
		it("answers as udev 252 for " .. devpath:gsub("^.*/devices/pci0000:00/", ""), function()
			assert.are.same(want[devpath], got[devpath])
		end)
	end

	it("sets its properties on the event through import_builtin, for later handlers and commands", function()
		local tty = tree.SERIAL .. "/1-2:1.1/ttyUSB1/tty/ttyUSB1"
		local hp = testing.new { sysfs = tree.sysfs, scripts = { { "60-serial.lua", [[
on({ SUBSYSTEM = "tty" }, function(ev)
	local p = import_builtin(ev, "usb_id")
	make_link(ev, "serial/by-id/" .. p.ID_BUS .. "-" .. ev.ID_SERIAL .. "-if" .. ev.ID_USB_INTERFACE_NUM)
end)
]] } } }
		local acts, ev = hp:device(tty)
		assert.are.equal("FTDI_Dual_RS232-HS_FT1234", ev.ID_SERIAL)
		assert.are.equal("ftdi_sio", ev.ID_USB_DRIVER)
		assert.are.same({ "symlink", path = "/dev/serial/by-id/usb-FTDI_Dual_RS232-HS_FT1234-if01",
			target = "../../ttyUSB1" }, acts[#acts])
		assert.are.same({ "setenv", key = "ID_BUS", value = "usb" }, acts[1])
		hp:close()
	end)

	it("answers nothing for a device that is not below a USB interface", function()
		local hp = testing.new { scripts = { { "a.lua", "" } }, sysfs = {
			["/devices/platform/serial8250/tty/ttyS0"] = { subsystem = "tty", uevent = "DEVNAME=ttyS0\n" },
		} }
		hp:activate()
		assert.are.same({}, builtins.new(core).run("usb_id", hp:sysfs_event("/devices/platform/serial8250/tty/ttyS0")))
		hp:close()
	end)
end)

describe("hotplug2.idstring", function()
	local idstring = require "hotplug2.idstring"

	it("cuts an encoded name at udev's 255 bytes, never inside an escape", function()
		local s = idstring.encode((" "):rep(100))
		assert.are.equal(("\\x20"):rep(63), s)
	end)

	it("takes only valid UTF-8 sequences whole", function()
		-- Overlong "/", a surrogate, U+FFFE, a lone continuation byte, and a valid "é".
		assert.are.equal("_________\195\169", idstring.replace_chars("\192\175\237\160\128\239\191\190\128\195\169"))
		assert.are.equal("\\xc0\\xaf\\xed\\xa0\\x80\\xef\\xbf\\xbe\\x80\195\169",
			idstring.encode("\192\175\237\160\128\239\191\190\128\195\169"))
	end)
end)
