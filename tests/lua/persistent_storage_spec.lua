-- lua/defaults/60-persistent-storage.lua over fake sysfs trees (storage_trees.lua) and images standing in
-- for the devices: the /dev/disk names udev 252's 60-persistent-storage and 60-cdrom_id rules make.
-- The by-path parts are udevadm test-builtin path_id's output on the same trees (path_id_spec.lua);
-- the rest follows those rules' conditions and formats (each case says which).
local testing = require "hotplug2.testing"
local support = dofile("tests/lua/support.lua")
local trees = dofile("tests/lua/storage_trees.lua")
local sh = support.sh

local SCRIPT = support.source .. "/lua/defaults/60-persistent-storage.lua"
local with_blkid = sh("grep -c '^HOTPLUG2_BLKID:BOOL=ON' " .. support.build .. "/CMakeCache.txt || true") == "1"
local B = "/devices/pci0000:00/"
local VDA = B .. "0000:00:02.0/virtio1/block/vda"
local SDA = B .. "0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda"
local SDC = B .. "0000:00:05.0/virtio2/host2/target2:0:1/2:0:1:3/block/sdc"
local SR0 = B .. "0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:0/block/sr0"
local NVME = B .. "0000:00:1d.0/0000:3c:00.0/nvme/nvme0/nvme0n1"
local MMC = "/devices/platform/fe320000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0"

describe("60-persistent-storage.lua", function()
	local root

	setup(function()
		root = support.scratch()
		trees.build(root)
		sh("mkdir -p " .. root .. "/dev")
		if with_blkid then
			-- vda holds a GPT, vda2 an ext4 filesystem with a label that needs encoding.
			sh("cd " .. root .. "/dev && truncate -s 4M vda vda2 && printf 'label: gpt\\nlabel-id: "
				.. "9D6C1E2A-3B4F-4A5E-8D7C-0E1F2A3B4C5D\\nstart=2048, size=4096, type=L\\n' | sfdisk -q vda"
				.. " && mkfs.ext4 -q -F -L 'hp2 root' -U 0b7a4f6e-4c8e-4d6e-9a3e-1f2e3d4c5b6a vda2")
		end
	end)

	teardown(function()
		support.remove(root)
	end)

	local function links(devpath, before)
		local scripts = { SCRIPT }
		if before then table.insert(scripts, 1, { "55-before.lua", before }) end
		local hp = testing.new { root = root, modules_alias_file = "/dev/null", scripts = scripts }
		local acts, ev = hp:device(devpath)
		local t = {}
		for _, a in ipairs(testing.filter(acts, "symlink")) do t[#t + 1] = a.path .. " -> " .. a.target end
		return t, ev
	end

	it("names a virtio disk by serial, by path, by sequence number (and its GPT is read)", function()
		local got, ev = links(VDA)
		-- udev: virtio-$env{ID_SERIAL}, with the space "_"; udev would keep "/" (a directory), hotplug2 makes it "_".
		assert.are.same({
			"/dev/disk/by-id/virtio-hp2_disk_0 -> ../../vda",
			"/dev/disk/by-path/pci-0000:00:02.0 -> ../../vda",
			"/dev/disk/by-path/virtio-pci-0000:00:02.0 -> ../../vda",
			"/dev/disk/by-diskseq/9 -> ../../vda",
		}, got)
		assert.are.equal("hp2 disk/0", ev.ID_SERIAL)
		assert.are.equal("pci-0000_00_02_0", ev.ID_PATH_TAG)
		if with_blkid then
			assert.are.equal("gpt", ev.ID_PART_TABLE_TYPE)
			assert.are.equal("9d6c1e2a-3b4f-4a5e-8d7c-0e1f2a3b4c5d", ev.ID_PART_TABLE_UUID)
		end
	end)

	it("names a partition as its disk with -partN, and its filesystem by UUID and label", function()
		local got, ev = links(VDA .. "/vda2")
		-- The disk's partition table, as udev imports it from the disk.
		if with_blkid then assert.are.equal("gpt", ev.ID_PART_TABLE_TYPE) end
		assert.are.equal("pci-0000_00_02_0", ev.ID_PATH_TAG)
		local want = {
			"/dev/disk/by-id/virtio-hp2_disk_0-part2 -> ../../vda2",
			"/dev/disk/by-path/pci-0000:00:02.0-part2 -> ../../vda2",
			"/dev/disk/by-path/virtio-pci-0000:00:02.0-part2 -> ../../vda2",
		}
		if with_blkid then
			want[4] = "/dev/disk/by-uuid/0b7a4f6e-4c8e-4d6e-9a3e-1f2e3d4c5b6a -> ../../vda2"
			want[5] = "/dev/disk/by-label/hp2\\x20root -> ../../vda2"
		end
		assert.are.same(want, got)
	end)

	it("names partition entries by UUID and, on GPT, by name (ID_PART_ENTRY_* as blkid sets them)", function()
		local got = links(VDA .. "/vda2", [[
on({ SUBSYSTEM = "block" }, function(ev)
	setenv(ev, "ID_PART_ENTRY_SCHEME", "gpt")
	setenv(ev, "ID_PART_ENTRY_UUID", "1dcf6e2b-0b4c-4d1e-8f3a-2b1c0d9e8f7a")
	setenv(ev, "ID_PART_ENTRY_NAME", "data\\x20part")
end)]])
		assert.are.equal("/dev/disk/by-partuuid/1dcf6e2b-0b4c-4d1e-8f3a-2b1c0d9e8f7a -> ../../vda2", got[#got - 1])
		assert.are.equal("/dev/disk/by-partlabel/data\\x20part -> ../../vda2", got[#got])
	end)

	it("names an ATA disk by model and serial (ata_id's, from VPD page 0x89), WWN and path, with udev's old ata-N", function()
		local got, ev = links(SDA)
		assert.are.same({
			"/dev/disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456A -> ../../sda",
			"/dev/disk/by-path/pci-0000:00:1f.2-ata-1.0 -> ../../sda",
			"/dev/disk/by-path/pci-0000:00:1f.2-ata-1 -> ../../sda",
			"/dev/disk/by-id/wwn-0x5002538e40123456 -> ../../sda",
			"/dev/disk/by-diskseq/3 -> ../../sda",
		}, got)
		assert.are.equal("ata", ev.ID_BUS)
		assert.are.equal("1", ev.ID_ATA)
		assert.are.equal("RVT04B6Q", ev.ID_REVISION)
		assert.is_nil(ev.ID_SCSI)
		local part = links(SDA .. "/sda1")
		assert.are.same({ "/dev/disk/by-id/ata-Samsung_SSD_860_EVO_500GB_S3Z1NB0K123456A-part1 -> ../../sda1",
			"/dev/disk/by-path/pci-0000:00:1f.2-ata-1.0-part1 -> ../../sda1",
			"/dev/disk/by-path/pci-0000:00:1f.2-ata-1-part1 -> ../../sda1",
			"/dev/disk/by-id/wwn-0x5002538e40123456-part1 -> ../../sda1" }, part)
	end)

	it("names an ATA disk without page 0x89 as scsi_id would: INQUIRY values, no serial here", function()
		local got, ev = links(B .. "0000:00:1f.2/ata2/host1/target1:1:0/1:1:0:0/block/sdb")
		assert.are.same({ "/dev/disk/by-path/pci-0000:00:1f.2-ata-2.1.0 -> ../../sdb",
			"/dev/disk/by-path/pci-0000:00:1f.2-ata-2 -> ../../sdb" }, got)
		assert.are.equal("scsi", ev.ID_BUS)
	end)

	it("names a qemu SCSI disk by scsi_id's serial from VPD page 0x83 (vendor specific: vendor and model first)", function()
		local got, ev = links(SDC)
		assert.are.same({
			"/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_drive-scsi0 -> ../../sdc",
			"/dev/disk/by-path/pci-0000:00:05.0-scsi-0:0:1:3 -> ../../sdc",
		}, got)
		assert.are.equal("drive-scsi0", ev.ID_SERIAL_SHORT)
		assert.are.equal("QEMU\\x20\\x20\\x20\\x20", ev.ID_VENDOR_ENC)
	end)

	it("names a CD by its NAA id and WWN, and makes /dev/cdrom for sr0", function()
		local got, ev = links(SR0)
		assert.are.same({
			"/dev/disk/by-id/scsi-36000204b0102030405060708090a0b0c -> ../../sr0",
			"/dev/disk/by-path/pci-0000:00:05.0-scsi-0:0:0:0 -> ../../sr0",
			"/dev/disk/by-id/wwn-0x6000204b0102030405060708090a0b0c -> ../../sr0",
			"/dev/cdrom -> sr0",
		}, got)
		assert.are.equal("cd", ev.ID_TYPE)
		assert.are.equal("1", ev.ID_CDROM)
		assert.are.equal("0x6000204b01020304", ev.ID_WWN)
		assert.are.equal("0x05060708090a0b0c", ev.ID_WWN_VENDOR_EXTENSION)
	end)

	it("names an NVMe namespace by WWID, by model and serial with and without the namespace, by path", function()
		local got, ev = links(NVME)
		assert.are.same({
			"/dev/disk/by-id/nvme-eui.0025385b71b07e2f -> ../../nvme0n1",
			"/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456 -> ../../nvme0n1",
			"/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456_1 -> ../../nvme0n1",
			"/dev/disk/by-path/pci-0000:3c:00.0-nvme-1 -> ../../nvme0n1",
			"/dev/disk/by-diskseq/5 -> ../../nvme0n1",
		}, got)
		-- udev's ENV{ID_SERIAL} keeps the model's spaces; the attribute's padding is gone.
		assert.are.equal("Samsung SSD 970 EVO Plus 1TB_S4EWNX0R123456_1", ev.ID_SERIAL)
		assert.are.equal("2B2QEXM7", ev.ID_REVISION)
		assert.are.equal("eui.0025385b71b07e2f", ev.ID_WWN)
		-- The partition: its disk's names, its disk's path (udev imports it from the disk).
		local part = links(NVME .. "/nvme0n1p1")
		assert.are.same({
			"/dev/disk/by-id/nvme-eui.0025385b71b07e2f-part1 -> ../../nvme0n1p1",
			"/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456-part1 -> ../../nvme0n1p1",
			"/dev/disk/by-id/nvme-Samsung_SSD_970_EVO_Plus_1TB_S4EWNX0R123456_1-part1 -> ../../nvme0n1p1",
			"/dev/disk/by-path/pci-0000:3c:00.0-nvme-1-part1 -> ../../nvme0n1p1",
		}, part)
	end)

	it("names a multipath NVMe namespace by id and, though it is virtual, by its controller's path", function()
		local got, ev = links("/devices/virtual/nvme-subsystem/nvme-subsys1/nvme1n1")
		assert.are.same({
			"/dev/disk/by-id/nvme-nvme.8086-50484d32 -> ../../nvme1n1",
			"/dev/disk/by-id/nvme-INTEL_SSDPE21D280GA_PHM2913000QM280CGN -> ../../nvme1n1",
			"/dev/disk/by-id/nvme-INTEL_SSDPE21D280GA_PHM2913000QM280CGN_2 -> ../../nvme1n1",
			"/dev/disk/by-path/pci-0000:3d:00.0-nvme-2 -> ../../nvme1n1",
		}, got)
		assert.are.equal("INTEL SSDPE21D280GA_PHM2913000QM280CGN_2", ev.ID_SERIAL)
	end)

	it("names an SD card by its name and serial, and by path", function()
		local got, ev = links(MMC)
		assert.are.same({
			"/dev/disk/by-id/mmc-SC32G_0x1a2b3c4d -> ../../mmcblk0",
			"/dev/disk/by-path/platform-fe320000.mmc -> ../../mmcblk0",
		}, got)
		assert.are.equal("SC32G", ev.ID_NAME)
		assert.are.same({
			"/dev/disk/by-id/mmc-SC32G_0x1a2b3c4d-part1 -> ../../mmcblk0p1",
			"/dev/disk/by-path/platform-fe320000.mmc-part1 -> ../../mmcblk0p1",
		}, (links(MMC .. "/mmcblk0p1")))
	end)

	it("leaves devices alone when an earlier file sets .NO_PERSISTENT_STORAGE, on remove, and not storage", function()
		assert.are.same({}, (links(VDA, 'on({ SUBSYSTEM = "block" }, function(ev) setenv(ev, ".NO_PERSISTENT_STORAGE", "1") end)')))
		local hp = testing.new { root = root, modules_alias_file = "/dev/null", scripts = { SCRIPT } }
		assert.are.same({}, (hp:device(VDA, "remove")))
		assert.are.same({}, (hp:handle { ACTION = "add", SUBSYSTEM = "block", DEVNAME = "zram0", DEVTYPE = "disk",
			DEVPATH = "/devices/virtual/block/zram0", DISKSEQ = "2", MAJOR = "252", MINOR = "0" }))
	end)

	it("names a Memory Stick, a persistent memory disk and a FireWire disk by id", function()
		local ms = B .. "0000:00:1e.7/memstick0/memstick0:0001/block/mspblk0"
		assert.are.same({ "/dev/disk/by-id/memstick-MSPRO_0x0a0b0c0d -> ../../mspblk0" }, (links(ms)))
		assert.are.same({ "/dev/disk/by-id/memstick-MSPRO_0x0a0b0c0d-part1 -> ../../mspblk0p1" },
			(links(ms .. "/mspblk0p1")))
		assert.are.same({ "/dev/disk/by-id/pmem-c3b1a7e2-5d4f-4e6a-9b8c-7d6e5f4a3b2c -> ../../pmem0",
			"/dev/disk/by-path/platform-e820_pmem -> ../../pmem0" },
			(links("/devices/platform/e820_pmem/ndbus0/region0/namespace0.0/block/pmem0")))
		local got = links(B .. "0000:00:1e.0/0000:05:00.0/fw1/fw1.0/host8/target8:0:0/8:0:0:0/block/sdh")
		assert.are.same({ "/dev/disk/by-id/ieee1394-0030e0f4e020a7c8:0:0 -> ../../sdh",
			"/dev/disk/by-path/pci-0000:05:00.0-ieee1394-0x0030e0f4e020a7c8:0:0 -> ../../sdh" }, got)
	end)

	it("names USB storage by usb_id's serial, once, and by path (tests/lua/trees/usb.lua's stick)", function()
		local usb = dofile("tests/lua/trees/usb.lua")
		local sysfs = {}
		for k, v in pairs(usb.sysfs) do sysfs[k] = v end
		-- The stick's controller and root hub, which that tree leaves out.
		sysfs["/devices/pci0000:00/0000:00:1d.7"] = { subsystem = "pci", driver = "ehci-pci", uevent = "" }
		sysfs["/devices/pci0000:00/0000:00:1d.7/usb5"] = { subsystem = "usb", driver = "usb",
			uevent = "DEVTYPE=usb_device\n" }
		local hp = testing.new { sysfs = sysfs, scripts = { SCRIPT } }
		for _, dev in ipairs { { "/block/sdb", "" }, { "/block/sdb/sdb1", "-part1" } } do
			local acts, ev = hp:device(usb.STICK_SCSI .. dev[1])
			local name = dev[1]:match("[^/]+$")
			-- usb_id's ID_SERIAL is udev's (usb_id.expected); the path is path_id's on the laptop's stick.
			assert.are.same({
				{ "symlink", path = "/dev/disk/by-id/usb-Generic_Flash_Disk_C2DCB9F1-0:0" .. dev[2], target = "../../" .. name },
				{ "symlink", path = "/dev/disk/by-path/pci-0000:00:1d.7-usb-0:1:1.0-scsi-0:0:0:0" .. dev[2],
					target = "../../" .. name },
			}, testing.filter(acts, "symlink"))
			assert.are.equal("usb", ev.ID_BUS)
			assert.is_nil(ev.ID_SCSI)
		end
		hp:close()
	end)

	it("removes on remove exactly the links that lead to the device's node", function()
		local hp = testing.new { sysfs = { [VDA] = { subsystem = "block",
			uevent = "MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\nDISKSEQ=9\n", attrs = { serial = "S1\n" } } },
			scripts = { SCRIPT } }
		hp:device(VDA)
		-- Another disk's link in the same directory stays.
		hp:handle { ACTION = "add", SUBSYSTEM = "block", DEVNAME = "loop0", DEVTYPE = "disk",
			DEVPATH = "/devices/virtual/block/loop0", DISKSEQ = "1", MAJOR = "7", MINOR = "0" }
		local acts = hp:handle { ACTION = "remove", SUBSYSTEM = "block", DEVNAME = "vda", DEVTYPE = "disk",
			DEVPATH = VDA, DISKSEQ = "9", MAJOR = "254", MINOR = "0" }
		assert.are.same({ { "unlink", path = "/dev/disk/by-diskseq/9" },
			{ "unlink", path = "/dev/disk/by-id/virtio-S1" } }, acts)
		local cd = testing.new { scripts = { SCRIPT } }
		local sr = { ACTION = "add", SUBSYSTEM = "block", DEVNAME = "sr0", DEVTYPE = "disk",
			DEVPATH = "/devices/virtual/block/sr0", MAJOR = "11", MINOR = "0" }
		cd:handle(sr)
		sr.ACTION = "remove"
		assert.are.same({ { "unlink", path = "/dev/cdrom" } }, cd:handle(sr))
		hp:close()
		cd:close()
	end)

	it("on change, makes the names again and removes those the device no longer has", function()
		local hp = testing.new { scripts = { { "55-label.lua", [[
on({ SUBSYSTEM = "block" }, function(ev)
	setenv(ev, "ID_FS_USAGE", "filesystem")
	setenv(ev, "ID_FS_LABEL_ENC", ev.LBL)
end)]] }, SCRIPT } }
		local ev = { ACTION = "add", SUBSYSTEM = "block", DEVNAME = "loop3", DEVTYPE = "disk", LBL = "old",
			DEVPATH = "/devices/virtual/block/loop3", DISKSEQ = "4", MAJOR = "7", MINOR = "3" }
		hp:handle(ev)
		ev.ACTION, ev.LBL = "change", "new"
		local function paths(kind, acts)
			local t = {}
			for _, a in ipairs(testing.filter(acts, kind)) do t[#t + 1] = a.path end
			return t
		end
		local acts = hp:handle(ev)
		assert.are.same({ "/dev/disk/by-label/new", "/dev/disk/by-diskseq/4" }, paths("symlink", acts))
		assert.are.same({ "/dev/disk/by-label/old" }, paths("unlink", acts))
		hp:close()
	end)

	it("names a loop device by sequence number only, with no path", function()
		local hp = testing.new { root = root, modules_alias_file = "/dev/null", scripts = { SCRIPT } }
		local acts = hp:handle { ACTION = "add", SUBSYSTEM = "block", DEVNAME = "loop0", DEVTYPE = "disk",
			DEVPATH = "/devices/virtual/block/loop0", DISKSEQ = "1", MAJOR = "7", MINOR = "0" }
		assert.are.same({ { "symlink", path = "/dev/disk/by-diskseq/1", target = "../../loop0" } },
			testing.filter(acts, "symlink"))
	end)
end)
