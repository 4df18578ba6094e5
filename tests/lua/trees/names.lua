-- Fake devices for the default scripts' input, serial, sound and v4l names: the USB devices of
-- usb.lua with the PCI controllers above them, and input devices on USB, i8042, I2C and the
-- platform bus, a webcam, a PCI sound card, a USB modem.  tests/oracle/names-oracle.sh runs
-- Debian's udev 252 rules on them for the names udev gives.
local usb = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "usb.lua")
local input = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "input.lua")

local M = { sysfs = {}, queries = {} }
for devpath, d in pairs(usb.sysfs) do M.sysfs[devpath] = d end

local function pci(devpath, driver, class)
	M.sysfs[devpath] = { subsystem = "pci", driver = driver,
		uevent = ("DRIVER=%s\nPCI_CLASS=%s\n"):format(driver, class),
		attrs = { vendor = "0x8086\n", device = "0x293a\n" } }
end
pci("/devices/pci0000:00/0000:00:1a.0", "uhci_hcd", "C0300")
pci("/devices/pci0000:00/0000:00:1d.7", "ehci-pci", "C0320")
pci("/devices/pci0000:00/0000:00:1b.0", "snd_hda_intel", "40300")
pci("/devices/pci0000:00/0000:00:15.1", "intel-lpss", "C8000")
M.sysfs["/devices/pci0000:00/0000:00:1a.0/usb1"] = { subsystem = "usb", driver = "usb",
	uevent = "DEVTYPE=usb_device\nDRIVER=usb\n",
	attrs = { idVendor = "1d6b\n", idProduct = "0001\n", descriptors = usb.descriptors { { 9, 0, 0 } } } }
M.sysfs["/devices/pci0000:00/0000:00:1d.7/usb5"] = M.sysfs["/devices/pci0000:00/0000:00:1a.0/usb1"]

-- An input device (inputN, with eventN and, for mice and joysticks, mouseN or jsN) at dir,
-- with the capabilities of input.lua's device named like it.
local nodes = 200
local function device(dir, caps, bustype, extra)
	nodes = nodes + 1
	local attrs = { name = (extra or "Device") .. "\n", ["id/bustype"] = bustype .. "\n",
		properties = input.bitmap(caps.properties or {}) .. "\n" }
	for _, k in ipairs { "ev", "key", "rel", "abs" } do
		attrs["capabilities/" .. k] = input.bitmap(caps[k] or {}) .. "\n"
	end
	M.sysfs[dir] = { subsystem = "input", uevent = "", attrs = attrs }
	local function node(kind, minor)
		local path = dir .. "/" .. kind .. nodes
		M.sysfs[path] = { subsystem = "input",
			uevent = ("MAJOR=13\nMINOR=%d\nDEVNAME=input/%s%d\n"):format(minor, kind, nodes) }
		M.queries[#M.queries + 1] = path
	end
	node("event", 64 + nodes)
	if caps.mouse then node("mouse", nodes - 200) end
	if caps.js then node("js", nodes - 200) end
	M.queries[#M.queries + 1] = dir
end

local KBD = { ev = { 0, 1, 4, 0x11, 0x14 }, key = {} }
for k = 1, 0x7f do KBD.key[#KBD.key + 1] = k end
local MOUSE = { ev = { 0, 1, 2 }, key = { 0x110, 0x111, 0x112 }, rel = { 0, 1, 8 }, mouse = true }
local PAD = { ev = { 0, 1, 3 }, key = { 0x110, 0x145, 0x14a }, abs = { 0, 1, 0x2f, 0x35, 0x36 },
	properties = { 0, 2 }, mouse = true }
local JOY = { ev = { 0, 1, 3 }, key = { 0x130, 0x131, 0x132, 0x133 }, abs = { 0, 1, 2, 3, 4, 5 }, js = true }
local BUTTONS = { ev = { 0, 1 }, key = { 0x74 } }
local SPKR = { ev = { 0, 0x12 } }

-- A keyboard and a media-key interface of one USB keyboard (interfaces 0 and 1).
local KB = "/devices/pci0000:00/0000:00:1a.0/usb1/1-5"
M.sysfs[KB] = { subsystem = "usb", driver = "usb", uevent = "DEVTYPE=usb_device\nDRIVER=usb\n",
	attrs = { idVendor = "046d\n", idProduct = "c31c\n", bcdDevice = "6400\n", manufacturer = "Logitech\n",
		product = "USB Keyboard\n", descriptors = usb.descriptors { { 3, 1, 1 }, { 3, 0, 0 } } } }
for i = 0, 1 do
	M.sysfs[KB .. "/1-5:1." .. i] = { subsystem = "usb", driver = "usbhid",
		uevent = "DEVTYPE=usb_interface\nDRIVER=usbhid\n",
		attrs = { bInterfaceNumber = "0" .. i .. "\n", bInterfaceClass = "03\n" } }
end
device(KB .. "/1-5:1.0/0003:046D:C31C.0001/input/input20", KBD, "0003", "Logitech USB Keyboard")
device(KB .. "/1-5:1.1/0003:046D:C31C.0002/input/input21", BUTTONS, "0003", "Logitech USB Keyboard Consumer Control")
device(KB .. "/1-5:1.1/0003:046D:C31C.0002/input/input22", MOUSE, "0003", "Logitech USB Keyboard Mouse")
-- The laptop's mouse again, with its mouseN.
device(usb.MOUSE .. "/3-1:1.0/0003:046D:C03E.0003/input/input23", MOUSE, "0003", "Logitech USB-PS/2 Optical Mouse")
-- A gamepad without a serial number.
local GP = "/devices/pci0000:00/0000:00:1d.7/usb5/5-3"
M.sysfs[GP] = { subsystem = "usb", driver = "usb", uevent = "DEVTYPE=usb_device\nDRIVER=usb\n",
	attrs = { idVendor = "045e\n", idProduct = "028e\n", bcdDevice = "0114\n", manufacturer = "Microsoft\n",
		product = "Controller\n", descriptors = usb.descriptors { { 0xff, 0x5d, 1 } } } }
M.sysfs[GP .. "/5-3:1.0"] = { subsystem = "usb", driver = "xpad", uevent = "DEVTYPE=usb_interface\nDRIVER=xpad\n",
	attrs = { bInterfaceNumber = "00\n", bInterfaceClass = "ff\n" } }
device(GP .. "/5-3:1.0/input/input24", JOY, "0003", "Microsoft X-Box 360 pad")
-- A USB DVB receiver's remote control.
device(GP .. "/5-3:1.0/input/input25", BUTTONS, "0003", "IR-receiver inside an USB DVB receiver")
-- i8042's keyboard and touchpad, the PC speaker, ACPI's power button.
local I8042 = "/devices/platform/i8042"
M.sysfs[I8042] = { subsystem = "platform", driver = "i8042", uevent = "DRIVER=i8042\n" }
M.sysfs[I8042 .. "/serio0"] = { subsystem = "serio", driver = "atkbd", uevent = "DRIVER=atkbd\n" }
M.sysfs[I8042 .. "/serio1"] = { subsystem = "serio", driver = "psmouse", uevent = "DRIVER=psmouse\n" }
device(I8042 .. "/serio0/input/input30", KBD, "0011", "AT Translated Set 2 keyboard")
device(I8042 .. "/serio1/input/input31", PAD, "0011", "SynPS/2 Synaptics TouchPad")
M.sysfs["/devices/platform/pcspkr"] = { subsystem = "platform", driver = "pcspkr", uevent = "DRIVER=pcspkr\n" }
device("/devices/platform/pcspkr/input/input32", SPKR, "0010", "PC Speaker")
M.sysfs["/devices/LNXSYSTM:00"] = { subsystem = "acpi", uevent = "" }
M.sysfs["/devices/LNXSYSTM:00/LNXPWRBN:00"] = { subsystem = "acpi", driver = "button", uevent = "DRIVER=button\n" }
device("/devices/LNXSYSTM:00/LNXPWRBN:00/input/input33", BUTTONS, "0019", "Power Button")
-- An I2C touchpad behind the LPSS controller.
local I2C = "/devices/pci0000:00/0000:00:15.1/i2c_designware.1/i2c-2/i2c-ELAN0001:00"
M.sysfs["/devices/pci0000:00/0000:00:15.1/i2c_designware.1"] = { subsystem = "platform", driver = "i2c_designware",
	uevent = "DRIVER=i2c_designware\n" }
M.sysfs["/devices/pci0000:00/0000:00:15.1/i2c_designware.1/i2c-2"] = { subsystem = "i2c", uevent = "" }
M.sysfs[I2C] = { subsystem = "i2c", driver = "i2c_hid_acpi", uevent = "DRIVER=i2c_hid_acpi\n",
	attrs = { name = "ELAN0001:00\n" } }
device(I2C .. "/0018:04F3:3057.0004/input/input34", PAD, "0018", "ELAN0001:00 04F3:3057 Touchpad")
device(I2C .. "/0018:04F3:3057.0004/input/input35", BUTTONS, "0018", "ELAN0001:00 04F3:3057 Keyboard")
-- A Bluetooth mouse: no names.
M.sysfs["/devices/virtual/misc/uhid"] = { subsystem = "misc", uevent = "" }
device("/devices/virtual/misc/uhid/0005:046D:B016.0005/input/input36", MOUSE, "0005", "MX Anywhere")

-- The FTDI adapter's two ports, a USB modem (ttyACM) and the first serial port.
M.sysfs[usb.SERIAL .. "/1-2:1.0"] = { subsystem = "usb", driver = "ftdi_sio",
	uevent = "DEVTYPE=usb_interface\nDRIVER=ftdi_sio\n",
	attrs = { bInterfaceNumber = "00\n", bInterfaceClass = "ff\n" } }
M.sysfs[usb.SERIAL .. "/1-2:1.0/ttyUSB0"] = { subsystem = "usb-serial", driver = "ftdi_sio",
	uevent = "DRIVER=ftdi_sio\n", attrs = { port_number = "0\n" } }
M.sysfs[usb.SERIAL .. "/1-2:1.0/ttyUSB0/tty/ttyUSB0"] = { subsystem = "tty",
	uevent = "MAJOR=188\nMINOR=0\nDEVNAME=ttyUSB0\n" }
M.queries[#M.queries + 1] = usb.SERIAL .. "/1-2:1.0/ttyUSB0/tty/ttyUSB0"
M.queries[#M.queries + 1] = usb.SERIAL .. "/1-2:1.1/ttyUSB1/tty/ttyUSB1"
local MODEM = "/devices/pci0000:00/0000:00:1d.7/usb5/5-2"
M.sysfs[MODEM] = { subsystem = "usb", driver = "usb", uevent = "DEVTYPE=usb_device\nDRIVER=usb\n",
	attrs = { idVendor = "0421\n", idProduct = "007b\n", bcdDevice = "0100\n", manufacturer = "Nokia\n",
		product = "N80\n", serial = "354317010001234\n", descriptors = usb.descriptors { { 2, 2, 1 }, { 0x0a, 0, 0 } } } }
M.sysfs[MODEM .. "/5-2:1.0"] = { subsystem = "usb", driver = "cdc_acm",
	uevent = "DEVTYPE=usb_interface\nDRIVER=cdc_acm\n", attrs = { bInterfaceNumber = "00\n", bInterfaceClass = "02\n" } }
M.sysfs[MODEM .. "/5-2:1.0/tty/ttyACM0"] = { subsystem = "tty", uevent = "MAJOR=166\nMINOR=0\nDEVNAME=ttyACM0\n" }
M.queries[#M.queries + 1] = MODEM .. "/5-2:1.0/tty/ttyACM0"
M.sysfs["/devices/pnp0/00:05"] = { subsystem = "pnp", driver = "serial", uevent = "DRIVER=serial\n" }
M.sysfs["/devices/pnp0/00:05/tty/ttyS0"] = { subsystem = "tty", uevent = "MAJOR=4\nMINOR=64\nDEVNAME=ttyS0\n" }
M.queries[#M.queries + 1] = "/devices/pnp0/00:05/tty/ttyS0"

-- Sound: the USB card of usb.lua and a PCI card, with their control devices and a PCM.
M.queries[#M.queries + 1] = usb.ODD .. "/1-3:1.2/sound/card1/controlC1"
local HDA = "/devices/pci0000:00/0000:00:1b.0/sound/card0"
M.sysfs[HDA] = { subsystem = "sound", uevent = "" }
M.sysfs[HDA .. "/controlC0"] = { subsystem = "sound", uevent = "MAJOR=116\nMINOR=0\nDEVNAME=snd/controlC0\n" }
M.sysfs[HDA .. "/pcmC0D0p"] = { subsystem = "sound", uevent = "MAJOR=116\nMINOR=16\nDEVNAME=snd/pcmC0D0p\n",
	attrs = { pcm_class = "generic\n" } }
M.queries[#M.queries + 1] = HDA .. "/controlC0"
M.queries[#M.queries + 1] = HDA .. "/pcmC0D0p"

-- A webcam: video0 and video1 (the metadata node), and its microphone's sound card.
local CAM = "/devices/pci0000:00/0000:00:1a.0/usb1/1-6"
M.sysfs[CAM] = { subsystem = "usb", driver = "usb", uevent = "DEVTYPE=usb_device\nDRIVER=usb\n",
	attrs = { idVendor = "046d\n", idProduct = "0825\n", bcdDevice = "0012\n", serial = "ABCD1234\n",
		descriptors = usb.descriptors { { 0x0e, 1, 0 }, { 0x0e, 2, 0 }, { 1, 1, 0 }, { 1, 2, 0 } } } }
M.sysfs[CAM .. "/1-6:1.0"] = { subsystem = "usb", driver = "uvcvideo", uevent = "DEVTYPE=usb_interface\nDRIVER=uvcvideo\n",
	attrs = { bInterfaceNumber = "00\n", bInterfaceClass = "0e\n" } }
for i = 0, 1 do
	M.sysfs[CAM .. "/1-6:1.0/video4linux/video" .. i] = { subsystem = "video4linux",
		uevent = ("MAJOR=81\nMINOR=%d\nDEVNAME=video%d\n"):format(i, i), attrs = { index = i .. "\n", name = "C270\n" } }
	M.queries[#M.queries + 1] = CAM .. "/1-6:1.0/video4linux/video" .. i
end
M.sysfs[CAM .. "/1-6:1.2"] = { subsystem = "usb", driver = "snd-usb-audio", uevent = "DEVTYPE=usb_interface\nDRIVER=snd-usb-audio\n",
	attrs = { bInterfaceNumber = "02\n", bInterfaceClass = "01\n" } }
M.sysfs[CAM .. "/1-6:1.2/sound/card2"] = { subsystem = "sound", uevent = "" }
M.sysfs[CAM .. "/1-6:1.2/sound/card2/controlC2"] = { subsystem = "sound",
	uevent = "MAJOR=116\nMINOR=64\nDEVNAME=snd/controlC2\n" }
M.queries[#M.queries + 1] = CAM .. "/1-6:1.2/sound/card2/controlC2"

-- A FireWire sound card whose names hold characters udev's $attr{} replaces.
local FW = "/devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1/fw1.0"
M.sysfs["/devices/pci0000:00/0000:00:1e.0"] = { subsystem = "pci", driver = "", uevent = "" }
M.sysfs["/devices/pci0000:00/0000:00:1e.0/0000:05:00.0"] = { subsystem = "pci", driver = "firewire_ohci",
	uevent = "DRIVER=firewire_ohci\n", attrs = { vendor = "0x1106\n", device = "0x3044\n" } }
M.sysfs["/devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1"] = { subsystem = "firewire", uevent = "",
	attrs = { guid = "0x000a9200c8d20001\n", vendor = "0x000a92\n", model = "0x00000b\n",
		vendor_name = "PreSonus (Audio)\n", model_name = "FireBox [v2]  \n" } }
M.sysfs[FW] = { subsystem = "firewire", driver = "snd_bebob", uevent = "DRIVER=snd_bebob\n" }
M.sysfs[FW .. "/sound/card3"] = { subsystem = "sound", uevent = "" }
M.sysfs[FW .. "/sound/card3/controlC3"] = { subsystem = "sound",
	uevent = "MAJOR=116\nMINOR=96\nDEVNAME=snd/controlC3\n" }
-- 78-sound-card's properties come with a card's change event.
M.change_queries = { FW .. "/sound/card3", "/devices/pci0000:00/0000:00:1b.0/sound/card0",
	CAM .. "/1-6:1.2/sound/card2" }

-- The laptop fixture (unpacked at dir), amended with what a newer kernel shows and the capture
-- left out, all worked out from the fixture's own uevents: input.lua's capability files; DEVNAME
-- in the uevents of input and sound nodes; idVendor, idProduct and bcdDevice of each USB device
-- from PRODUCT; bInterfaceNumber (from the kernel name) and bInterfaceClass, SubClass and
-- Protocol (from INTERFACE) of each USB interface.  The nodes of input, sound and the two serial
-- ports are asked about.
M.laptop_queries = {}

local function read(path)
	local f = io.open(path, "rb")
	if not f then return nil end
	local s = f:read("*a")
	f:close()
	return s
end

local function write(path, text)
	local f = assert(io.open(path, "wb"))
	f:write(text)
	f:close()
end

function M.laptop(dir)
	input.laptop(dir)
	local p = io.popen("cd '" .. dir .. "/sys' && find devices -name uevent | sort")
	local files = {}
	for line in p:lines() do files[#files + 1] = line end
	p:close()
	-- Each device's subsystem, from its subsystem link.
	local subsystem = {}
	p = io.popen("cd '" .. dir .. "/sys' && find devices -name subsystem -type l -printf '%h %l\\n'")
	for line in p:lines() do
		local at, target = line:match("^(%S+) (%S+)$")
		if at then subsystem[at] = target:match("([^/]+)$") end
	end
	p:close()
	for _, rel in ipairs(files) do
		local d = dir .. "/sys/" .. rel:gsub("/uevent$", "")
		local devpath = "/" .. rel:gsub("/uevent$", "")
		local text = read(d .. "/uevent")
		local kernel = devpath:match("([^/]+)$")
		local sub = subsystem[rel:gsub("/uevent$", "")]
		local function var(name) return text:match("%f[^\n%z]" .. name .. "=([^\n]*)") end
		if text:find("DEVTYPE=usb_device", 1, true) and var("PRODUCT") then
			local v, pr, bcd = var("PRODUCT"):match("^(%x+)/(%x+)/(%x+)$")
			write(d .. "/idVendor", ("%04x\n"):format(tonumber(v, 16)))
			write(d .. "/idProduct", ("%04x\n"):format(tonumber(pr, 16)))
			write(d .. "/bcdDevice", ("%04x\n"):format(tonumber(bcd, 16)))
		elseif text:find("DEVTYPE=usb_interface", 1, true) and var("INTERFACE") then
			local c, sc, pr = var("INTERFACE"):match("^(%d+)/(%d+)/(%d+)$")
			write(d .. "/bInterfaceNumber", ("%02x\n"):format(tonumber(kernel:match("%.(%d+)$"))))
			write(d .. "/bInterfaceClass", ("%02x\n"):format(tonumber(c)))
			write(d .. "/bInterfaceSubClass", ("%02x\n"):format(tonumber(sc)))
			write(d .. "/bInterfaceProtocol", ("%02x\n"):format(tonumber(pr)))
		end
		if var("MAJOR") and not var("DEVNAME") and (sub == "input" or sub == "sound") then
			text = text .. "DEVNAME=" .. (sub == "input" and "input/" or "snd/") .. kernel .. "\n"
			write(d .. "/uevent", text)
		end
		if var("DEVNAME") and (sub == "input" or sub == "sound" or kernel == "ttyS0" or kernel:find("^ttyACM")) then
			M.laptop_queries[#M.laptop_queries + 1] = devpath
		end
	end
end

return M
