-- Fake sysfs trees of USB devices for the usb_id spec, in hotplug2.testing's sysfs format, and the
-- devices to ask about.  tests/oracle/builtin-oracle.sh lays the same trees under a private /sys
-- and asks udev 252's udevadm test-builtin for its answers.
local M = {}

local char = string.char

-- The descriptors attribute: an 18-byte device descriptor, then one configuration with an
-- interface descriptor (and an endpoint) for each { class, subclass, protocol }.
local function descriptors(ifaces)
	local parts = { char(18, 1, 0x00, 0x02, 0, 0, 0, 64, 0x6d, 0x04, 0x3e, 0xc0, 0x10, 0x01, 1, 2, 3, 1) }
	local body = {}
	for i, c in ipairs(ifaces) do
		body[#body + 1] = char(9, 4, i - 1, 0, 1, c[1], c[2], c[3], 0)
		body[#body + 1] = char(7, 5, 0x81, 3, 8, 0, 10)
	end
	local b = table.concat(body)
	local total = 9 + #b
	parts[2] = char(9, 2, total % 256, math.floor(total / 256), #ifaces, 1, 0, 0xa0, 50)
	parts[3] = b
	return table.concat(parts)
end
M.descriptors = descriptors

local PCI = "/devices/pci0000:00/0000:00:1d.2"
-- The laptop fixture's Logitech mouse (usb3/3-1), with the attributes a real /sys has.
M.MOUSE = PCI .. "/usb3/3-1"
-- A usb-storage stick with its SCSI disk.
M.STICK = "/devices/pci0000:00/0000:00:1d.7/usb5/5-1"
M.STICK_SCSI = M.STICK .. "/5-1:1.0/host7/target7:0:0/7:0:0:0"
-- A two-port serial adapter, and a device whose strings are odd.
M.SERIAL = "/devices/pci0000:00/0000:00:1a.0/usb1/1-2"
M.ODD = "/devices/pci0000:00/0000:00:1a.0/usb1/1-3"
M.READER = "/devices/pci0000:00/0000:00:1a.0/usb1/1-4"

M.sysfs = {
	[PCI] = { subsystem = "pci", driver = "uhci_hcd", uevent = "DRIVER=uhci_hcd\nPCI_CLASS=C0300\n" },
	[PCI .. "/usb3"] = { subsystem = "usb", driver = "usb",
		uevent = "DEVTYPE=usb_device\nDRIVER=usb\nPRODUCT=1d6b/1/206\n",
		attrs = { idVendor = "1d6b\n", idProduct = "0001\n", bcdDevice = "0206\n",
			manufacturer = "Linux 2.6.26 uhci_hcd\n", product = "UHCI Host Controller\n",
			serial = "0000:00:1d.2\n", descriptors = descriptors { { 9, 0, 0 } } } },
	[M.MOUSE] = { subsystem = "usb", driver = "usb",
		uevent = "DEVTYPE=usb_device\nDRIVER=usb\nPRODUCT=46d/c03e/2000\nBUSNUM=003\nDEVNUM=002\n",
		attrs = { idVendor = "046d\n", idProduct = "c03e\n", bcdDevice = "2000\n",
			manufacturer = "Logitech\n", product = "USB-PS/2 Optical Mouse\n",
			descriptors = descriptors { { 3, 1, 2 } } } },
	[M.MOUSE .. "/3-1:1.0"] = { subsystem = "usb", driver = "usbhid",
		uevent = "DEVTYPE=usb_interface\nDRIVER=usbhid\nINTERFACE=3/1/2\n",
		attrs = { bInterfaceNumber = "00\n", bInterfaceClass = "03\n", bInterfaceSubClass = "01\n",
			bInterfaceProtocol = "02\n" } },
	[M.MOUSE .. "/3-1:1.0/input/input8"] = { subsystem = "input",
		uevent = "PRODUCT=3/46d/c03e/110\nNAME=\"Logitech USB-PS/2 Optical Mouse\"\n",
		attrs = { ["capabilities/ev"] = "17\n", ["capabilities/key"] = "70000 0 0 0 0\n",
			["capabilities/rel"] = "103\n", ["capabilities/abs"] = "0\n",
			["capabilities/msc"] = "10\n", properties = "0\n", ["id/bustype"] = "0003\n",
			name = "Logitech USB-PS/2 Optical Mouse\n" } },
	[M.MOUSE .. "/3-1:1.0/input/input8/event7"] = { subsystem = "input",
		uevent = "MAJOR=13\nMINOR=71\nDEVNAME=input/event7\n" },
	[M.MOUSE .. "/3-1:1.0/input/input8/mouse1"] = { subsystem = "input",
		uevent = "MAJOR=13\nMINOR=33\nDEVNAME=input/mouse1\n" },

	[M.STICK] = { subsystem = "usb", driver = "usb",
		uevent = "DEVTYPE=usb_device\nDRIVER=usb\nPRODUCT=58f/6387/102\n",
		attrs = { idVendor = "058f\n", idProduct = "6387\n", bcdDevice = "0102\n",
			manufacturer = "Generic\n", product = "Mass Storage\n", serial = "C2DCB9F1\n",
			descriptors = descriptors { { 8, 6, 0x50 } } } },
	[M.STICK .. "/5-1:1.0"] = { subsystem = "usb", driver = "usb-storage",
		uevent = "DEVTYPE=usb_interface\nDRIVER=usb-storage\n",
		attrs = { bInterfaceNumber = "00\n", bInterfaceClass = "08\n", bInterfaceSubClass = "06\n",
			bInterfaceProtocol = "50\n" } },
	[M.STICK .. "/5-1:1.0/host7"] = { subsystem = "scsi", uevent = "DEVTYPE=scsi_host\n" },
	[M.STICK .. "/5-1:1.0/host7/target7:0:0"] = { subsystem = "scsi", uevent = "DEVTYPE=scsi_target\n" },
	[M.STICK_SCSI] = { subsystem = "scsi", driver = "sd",
		uevent = "DEVTYPE=scsi_device\nDRIVER=sd\nMODALIAS=scsi:t-0x00\n",
		attrs = { vendor = "Generic \n", model = "Flash Disk      \n", rev = "8.07\n", type = "0\n" } },
	[M.STICK_SCSI .. "/block/sdb"] = { subsystem = "block",
		uevent = "MAJOR=8\nMINOR=16\nDEVNAME=sdb\nDEVTYPE=disk\n" },
	[M.STICK_SCSI .. "/block/sdb/sdb1"] = { subsystem = "block",
		uevent = "MAJOR=8\nMINOR=17\nDEVNAME=sdb1\nDEVTYPE=partition\nPARTN=1\n" },

	[M.SERIAL] = { subsystem = "usb", driver = "usb",
		uevent = "DEVTYPE=usb_device\nDRIVER=usb\nPRODUCT=403/6010/700\n",
		attrs = { idVendor = "0403\n", idProduct = "6010\n", bcdDevice = "0700\n",
			manufacturer = "FTDI\n", product = "Dual RS232-HS\n", serial = "FT1234\n",
			descriptors = descriptors { { 0xff, 0xff, 0xff }, { 0xff, 0xff, 0xff } } } },
	[M.SERIAL .. "/1-2:1.1"] = { subsystem = "usb", driver = "ftdi_sio",
		uevent = "DEVTYPE=usb_interface\nDRIVER=ftdi_sio\n",
		attrs = { bInterfaceNumber = "01\n", bInterfaceClass = "ff\n", bInterfaceSubClass = "ff\n",
			bInterfaceProtocol = "ff\n" } },
	[M.SERIAL .. "/1-2:1.1/ttyUSB1"] = { subsystem = "usb-serial", driver = "ftdi_sio",
		uevent = "DRIVER=ftdi_sio\n", attrs = { port_number = "0\n" } },
	[M.SERIAL .. "/1-2:1.1/ttyUSB1/tty/ttyUSB1"] = { subsystem = "tty",
		uevent = "MAJOR=188\nMINOR=1\nDEVNAME=ttyUSB1\n" },

	-- Strings as odd devices send them: inner and outer whitespace, a slash, UTF-8, bytes that
	-- are no UTF-8, a serial number with a comma (which udev does not use), no bcdDevice.
	[M.ODD] = { subsystem = "usb", driver = "usb",
		uevent = "DEVTYPE=usb_device\nDRIVER=usb\nPRODUCT=1234/abcd/0\n",
		attrs = { idVendor = "1234\n", idProduct = "abcd\n",
			manufacturer = "  Acme\tCorp. / Gr\195\182\195\159e  \n", product = "Caf\233 \\x41 $(x) \192\175\237\160\128\239\191\190\128\244\143\191\189\244\144\128\128\n",
			serial = "AB,12\n", descriptors = descriptors { { 1, 1, 0 }, { 1, 2, 0 }, { 1, 2, 0 } } } },
	[M.ODD .. "/1-3:1.2"] = { subsystem = "usb", driver = "snd-usb-audio",
		uevent = "DEVTYPE=usb_interface\nDRIVER=snd-usb-audio\n",
		attrs = { bInterfaceNumber = "02\n", bInterfaceClass = "01\n", bInterfaceSubClass = "02\n" } },
	[M.ODD .. "/1-3:1.2/sound/card1"] = { subsystem = "sound", uevent = "" },
	[M.ODD .. "/1-3:1.2/sound/card1/controlC1"] = { subsystem = "sound",
		uevent = "MAJOR=116\nMINOR=32\nDEVNAME=snd/controlC1\n" },

	-- A card reader whose SCSI device has no type attribute (udev stops at the SCSI vendor and
	-- model), with a serial number in spaces, a long product name and a descriptor whose length
	-- runs past the end (udev then lists no interface at all).
	[M.READER] = { subsystem = "usb", driver = "usb",
		uevent = "DEVTYPE=usb_device\nDRIVER=usb\n",
		attrs = { idVendor = "0bda\n", idProduct = "0158\n", bcdDevice = "5880\n",
			manufacturer = "Generic\n",
			product = "USB2.0-CRW Multi Card Reader And A Name Much Longer Than Sixty-Three Bytes Ends Here\n",
			serial = "  2008 1208 0\n", descriptors = descriptors { { 8, 6, 0x50 } } .. "\200\4\0\0\1\8\6\80\0\0" } },
	[M.READER .. "/1-4:1.0"] = { subsystem = "usb", driver = "usb-storage",
		uevent = "DEVTYPE=usb_interface\nDRIVER=usb-storage\n",
		attrs = { bInterfaceNumber = "00\n", bInterfaceClass = "08\n", bInterfaceSubClass = "06\n" } },
	[M.READER .. "/1-4:1.0/host3"] = { subsystem = "scsi", uevent = "DEVTYPE=scsi_host\n" },
	[M.READER .. "/1-4:1.0/host3/target3:0:0"] = { subsystem = "scsi", uevent = "DEVTYPE=scsi_target\n" },
	[M.READER .. "/1-4:1.0/host3/target3:0:0/3:0:0:1"] = { subsystem = "scsi", driver = "sd",
		uevent = "DEVTYPE=scsi_device\nDRIVER=sd\n",
		attrs = { vendor = "Generic-\n", model = "SD/MMC          \n" } },
	[M.READER .. "/1-4:1.0/host3/target3:0:0/3:0:0:1/block/sdc"] = { subsystem = "block",
		uevent = "MAJOR=8\nMINOR=32\nDEVNAME=sdc\nDEVTYPE=disk\n" },
	-- A device another rule already named: usb_id adds only its ID_USB_* properties.
	[M.SERIAL .. "/1-2:1.1/ttyUSB1/tty/ttyUSB1/named"] = { subsystem = "tty",
		uevent = "ID_BUS=bluetooth\n" },
}

-- The devices usb_id is asked about.
M.queries = {
	M.MOUSE .. "/3-1:1.0/input/input8/event7",
	M.MOUSE .. "/3-1:1.0/input/input8",
	M.MOUSE .. "/3-1:1.0",
	M.MOUSE,
	PCI .. "/usb3",
	M.STICK_SCSI .. "/block/sdb",
	M.STICK_SCSI .. "/block/sdb/sdb1",
	M.STICK_SCSI,
	M.SERIAL .. "/1-2:1.1/ttyUSB1/tty/ttyUSB1",
	M.ODD .. "/1-3:1.2/sound/card1/controlC1",
	M.ODD,
	M.READER .. "/1-4:1.0/host3/target3:0:0/3:0:0:1/block/sdc",
	M.READER,
	M.SERIAL .. "/1-2:1.1/ttyUSB1/tty/ttyUSB1/named",
	PCI,
}

return M
