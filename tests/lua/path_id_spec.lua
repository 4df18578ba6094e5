-- The path_id builtin against udev 252's own answers: every value below was printed by
-- `udevadm test-builtin path_id /sys/DEVPATH` (Debian's udev 252.x, extracted, not installed)
-- with the same tree bind-mounted on /sys in `unshare -m` and SYSTEMD_DEVICE_VERIFY_SYSFS=0:
-- the laptop fixture (all 457 devices agree, 296 of them have a path) and the fake storage
-- trees of storage_trees.lua (all 97 devices agree, tests/integration/path_id_oracle.sh).  This machine's /sys (410
-- devices) agreed too, but differs from machine to machine, so it is not recorded here.
local core = require "hotplug2.core"
local builtins = require "hotplug2.builtins"

local support = dofile("tests/lua/support.lua")
local trees = dofile("tests/lua/storage_trees.lua")

local function path_id(root, devpath)
	core.set_root(root)
	local t = {}
	for _, kv in ipairs(builtins.new(core).run("path_id", { DEVPATH = devpath })) do
		t[#t + 1] = kv[1] .. "=" .. kv[2]
	end
	return t
end

describe("path_id on the laptop fixture", function()
	local root
	setup(function() root = support.laptop() end)
	teardown(function() support.remove(root) end)

	-- { DEVPATH, ID_PATH } (ID_PATH_TAG checked for the first few).
	local expect = {
		{ "/devices/pci0000:00/0000:00:1f.2/host0/target0:0:0/0:0:0:0/block/sda", "pci-0000:00:1f.2-scsi-0:0:0:0",
			"pci-0000_00_1f_2-scsi-0_0_0_0" },
		{ "/devices/pci0000:00/0000:00:1f.2/host0/target0:0:0/0:0:0:0/block/sda/sda5", "pci-0000:00:1f.2-scsi-0:0:0:0",
			"pci-0000_00_1f_2-scsi-0_0_0_0" },
		{ "/devices/pci0000:00/0000:00:1d.7/usb5/5-1/5-1:1.0/host7/target7:0:0/7:0:0:0/block/sdb",
			"pci-0000:00:1d.7-usb-0:1:1.0-scsi-0:0:0:0", "pci-0000_00_1d_7-usb-0_1_1_0-scsi-0_0_0_0" },
		{ "/devices/pci0000:00/0000:00:1f.1/host4/target4:0:0/4:0:0:0/block/sr0", "pci-0000:00:1f.1-scsi-0:0:0:0" },
		{ "/devices/pci0000:00/0000:00:1f.2/host0", "pci-0000:00:1f.2" },
		{ "/devices/pci0000:00/0000:00:1d.7/usb5/5-2/5-2:1.0/tty/ttyACM0", "pci-0000:00:1d.7-usb-0:2:1.0" },
		{ "/devices/pci0000:00/0000:00:1d.7/usb5/5-2/5-2:1.10", "pci-0000:00:1d.7-usb-0:2:1.10" },
		{ "/devices/pci0000:00/0000:00:1d.3/usb4/4-0:1.0/usb_endpoint/usbdev4.1_ep81", "pci-0000:00:1d.3-usb-0:0:1.0" },
		{ "/devices/pci0000:00/0000:00:1d.2/usb3/3-1", "pci-0000:00:1d.2-usb-0:1" },
		{ "/devices/pci0000:00/0000:00:1d.0/usb1/usb_endpoint/usbdev1.1_ep00", "pci-0000:00:1d.0" },
		{ "/devices/pci0000:00/0000:00:1c.0/0000:02:00.0/net/eth0", "pci-0000:02:00.0" },
		{ "/devices/pci0000:00/0000:00:1b.0/sound/card0/pcmC0D0p", "pci-0000:00:1b.0" },
		{ "/devices/platform/i8042/serio1/input/input1/mouse0", "platform-i8042-serio-1", "platform-i8042-serio-1" },
		{ "/devices/platform/serial8250/tty/ttyS0", "platform-serial8250" },
		{ "/devices/platform/thinkpad_acpi/leds/tpacpi::unknown_led", "platform-thinkpad_acpi" },
		{ "/devices/LNXSYSTM:00/device:00/PNP0C0E:00/input/input5", "acpi-PNP0C0E:00", "acpi-PNP0C0E_00" },
		{ "/devices/LNXSYSTM:00/device:00/PNP0A08:00/device:1d/device:1e/device:1f", "acpi-device:1f" },
	}
	for _, e in ipairs(expect) do
		it("names " .. e[1]:match("[^/]+$") .. " " .. e[2], function()
			local got = path_id(root, e[1])
			assert.are.equal("ID_PATH=" .. e[2], got[1])
			if e[3] then assert.are.equal("ID_PATH_TAG=" .. e[3], got[2]) end
			assert.are.equal(2, #got)
		end)
	end

	it("names nothing where udev names nothing: virtual devices, the tree's top, pnp", function()
		for _, p in ipairs { "/devices/virtual/block/loop0", "/devices/virtual/block/md0", "/devices/pci0000:00",
			"/devices/pci0000:00/pci_bus/0000:00", "/devices/platform", "/devices/pnp0/00:00", "/devices/none" } do
			assert.are.same({}, path_id(root, p), p)
		end
	end)
end)

describe("path_id on storage this machine lacks", function()
	local root
	setup(function()
		root = support.scratch()
		trees.build(root)
	end)
	teardown(function() support.remove(root) end)

	local B = "/devices/pci0000:00/"
	local expect = {
		{ B .. "0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", "pci-0000:00:1f.2-ata-1.0",
			"pci-0000_00_1f_2-ata-1_0", "pci-0000:00:1f.2-ata-1" },
		{ B .. "0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1", "pci-0000:00:1f.2-ata-1.0",
			"pci-0000_00_1f_2-ata-1_0", "pci-0000:00:1f.2-ata-1" },
		{ B .. "0000:00:1f.2/ata2/host1/target1:1:0/1:1:0:0/block/sdb", "pci-0000:00:1f.2-ata-2.1.0",
			"pci-0000_00_1f_2-ata-2_1_0", "pci-0000:00:1f.2-ata-2" },
		{ B .. "0000:00:05.0/virtio2/host2/target2:0:1/2:0:1:3/block/sdc", "pci-0000:00:05.0-scsi-0:0:1:3",
			"pci-0000_00_05_0-scsi-0_0_1_3" },
		{ B .. "0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:0/block/sr0", "pci-0000:00:05.0-scsi-0:0:0:0",
			"pci-0000_00_05_0-scsi-0_0_0_0" },
		{ B .. "0000:00:01.0/0000:01:00.0/host3/port-3:0/end_device-3:0/target3:0:0/3:0:0:0/block/sdd",
			"pci-0000:01:00.0-sas-phy4-lun-0", "pci-0000_01_00_0-sas-phy4-lun-0" },
		{ B .. "0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/port-3:0:1/end_device-3:0:1/target3:0:1/3:0:1:0/block/sde",
			"pci-0000:01:00.0-sas-exp0x500605b0000272bf-phy7-lun-0",
			"pci-0000_01_00_0-sas-exp0x500605b0000272bf-phy7-lun-0" },
		{ B .. "0000:00:03.0/host6/rport-6:0-0/target6:0:0/6:0:0:16384/block/sdf",
			"pci-0000:00:03.0-fc-0x500a098188d8bd51-lun-0x4000000000000000",
			"pci-0000_00_03_0-fc-0x500a098188d8bd51-lun-0x4000000000000000" },
		{ "/devices/platform/host5/session1/target5:0:0/5:0:0:2/block/sdg",
			"ip-192.0.2.10:3260-iscsi-iqn.2003-01.org.example:disk1-lun-2",
			"ip-192_0_2_10_3260-iscsi-iqn_2003-01_org_example_disk1-lun-2" },
		{ B .. "0000:00:1d.0/0000:3c:00.0/nvme/nvme0/nvme0n1", "pci-0000:3c:00.0-nvme-1", "pci-0000_3c_00_0-nvme-1" },
		{ "/devices/platform/fe320000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0", "platform-fe320000.mmc",
			"platform-fe320000_mmc" },
		{ "/devices/platform/fe320000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0/mmcblk0p1", "platform-fe320000.mmc",
			"platform-fe320000_mmc" },
		{ B .. "0000:00:1e.0/0000:05:00.0/fw1/fw1.0/host8/target8:0:0/8:0:0:0/block/sdh",
			"pci-0000:05:00.0-ieee1394-0x0030e0f4e020a7c8:0:0", "pci-0000_05_00_0-ieee1394-0x0030e0f4e020a7c8_0_0" },
		{ "/devices/platform/e820_pmem/ndbus0/region0/namespace0.0/block/pmem0", "platform-e820_pmem",
			"platform-e820_pmem" },
		{ B .. "0000:00:02.0/virtio1/block/vda", "pci-0000:00:02.0", "pci-0000_00_02_0" },
		{ B .. "0000:00:02.0/virtio1/block/vda/vda2", "pci-0000:00:02.0", "pci-0000_00_02_0" },
	}
	for _, e in ipairs(expect) do
		it("names " .. e[1]:match("[^/]+$") .. " " .. e[2], function()
			local want = { "ID_PATH=" .. e[2], "ID_PATH_TAG=" .. e[3] }
			if e[4] then want[3] = "ID_PATH_ATA_COMPAT=" .. e[4] end
			assert.are.same(want, path_id(root, e[1]))
		end)
	end

	it("names no block device without a transport it knows: an NVMe partition, an SD card on PCI", function()
		-- udev 252 reads nsid from the partition itself, finds none, and so has no transport.
		assert.are.same({}, path_id(root, B .. "0000:00:1d.0/0000:3c:00.0/nvme/nvme0/nvme0n1/nvme0n1p1"))
		assert.are.same({}, path_id(root, B .. "0000:00:1e.6/mmc_host/mmc1/mmc1:0001/block/mmcblk1"))
		assert.are.same({}, path_id(root, B .. "0000:00:1e.7/memstick0/memstick0:0001/block/mspblk0"))
		-- The same controller's own device is named: it is not a block device.
		assert.are.same({ "ID_PATH=pci-0000:00:1e.6", "ID_PATH_TAG=pci-0000_00_1e_6" },
			path_id(root, B .. "0000:00:1e.6/mmc_host/mmc1"))
	end)
end)
