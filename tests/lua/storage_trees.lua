-- Small fake sysfs trees of storage this machine lacks (ATA, SAS, FC, iSCSI, NVMe, MMC,
-- virtio-scsi with VPD pages), built the way the kernel lays them out: a device is a
-- directory with a uevent file and a subsystem link; class devices also appear in
-- /sys/class/CLASS/NAME.  udevadm test-builtin was run over each tree (bind-mounted on
-- /sys) to get the values the specs expect.
local support = dofile((os.getenv("HOTPLUG2_SOURCE_DIR") or ".") .. "/tests/lua/support.lua")

local M = {}

-- Buses link to /sys/bus/NAME, the rest to /sys/class/NAME (and are listed there).
local BUS = { pci = true, scsi = true, virtio = true, platform = true, mmc = true, usb = true, memstick = true,
	nd = true, firewire = true }

-- { DEVPATH, subsystem or false, uevent text, { attr = text } }
M.devices = {
	-- An AHCI port: libata's ata1 with its ata_port class device, a disk and a partition;
	-- a second disk behind a port multiplier (bus 1).
	{ "/devices/pci0000:00", false, "" },
	{ "/devices/pci0000:00/0000:00:1f.2", "pci", "DRIVER=ahci\n" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata1", false, "" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata1/ata_port/ata1", "ata_port", "", { port_no = "1\n" } },
	{ "/devices/pci0000:00/0000:00:1f.2/ata1/host0", "scsi", "DEVTYPE=scsi_host\n" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0", "scsi", "DEVTYPE=scsi_target\n" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0", "scsi", "DEVTYPE=scsi_device\n",
		{ vendor = "ATA     \n", model = "Samsung SSD 860 \n", rev = "4B6Q\n", type = "0\n" } },
	{ "/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", "block",
		"MAJOR=8\nMINOR=0\nDEVNAME=sda\nDEVTYPE=disk\nDISKSEQ=3\n" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1", "block",
		"MAJOR=8\nMINOR=1\nDEVNAME=sda1\nDEVTYPE=partition\nPARTN=1\n" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata2", false, "" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata2/ata_port/ata2", "ata_port", "", { port_no = "2\n" } },
	{ "/devices/pci0000:00/0000:00:1f.2/ata2/host1", "scsi", "DEVTYPE=scsi_host\n" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata2/host1/target1:1:0", "scsi", "DEVTYPE=scsi_target\n" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata2/host1/target1:1:0/1:1:0:0", "scsi", "DEVTYPE=scsi_device\n" },
	{ "/devices/pci0000:00/0000:00:1f.2/ata2/host1/target1:1:0/1:1:0:0/block/sdb", "block",
		"MAJOR=8\nMINOR=16\nDEVNAME=sdb\nDEVTYPE=disk\n" },
	-- virtio-scsi, as qemu makes it: host2 is the only host of virtio2, so it counts as 0.
	{ "/devices/pci0000:00/0000:00:05.0", "pci", "DRIVER=virtio-pci\n" },
	{ "/devices/pci0000:00/0000:00:05.0/virtio2", "virtio", "DRIVER=virtio_scsi\n" },
	{ "/devices/pci0000:00/0000:00:05.0/virtio2/host2", "scsi", "DEVTYPE=scsi_host\n" },
	{ "/devices/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:1", "scsi", "DEVTYPE=scsi_target\n" },
	{ "/devices/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:1/2:0:1:3", "scsi", "DEVTYPE=scsi_device\n",
		{ vendor = "QEMU    \n", model = "QEMU HARDDISK   \n", rev = "2.5+\n", type = "0\n",
		  -- qemu's page 0x83 without serial=: one vendor specific ASCII designator.
		  vpd_pg83 = "\0\131\0\15\2\0\0\11drive-scsi0" } },
	{ "/devices/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:1/2:0:1:3/block/sdc", "block",
		"MAJOR=8\nMINOR=32\nDEVNAME=sdc\nDEVTYPE=disk\n" },
	{ "/devices/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:0", "scsi", "DEVTYPE=scsi_target\n" },
	{ "/devices/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:0", "scsi", "DEVTYPE=scsi_device\n",
		{ vendor = "QEMU    \n", model = "QEMU CD-ROM     \n", rev = "2.5+\n", type = "5\n",
		  -- An NAA 6 designator (with vendor extension) before a T10 one: NAA wins.
		  vpd_pg83 = "\5\131\0\34" .. "\1\3\0\16" .. "\96\0\32\75\1\2\3\4\5\6\7\8\9\10\11\12"
			.. "\2\1\0\10" .. "QEMU    cd" } },
	{ "/devices/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:0/block/sr0", "block",
		"MAJOR=11\nMINOR=0\nDEVNAME=sr0\nDEVTYPE=disk\n" },
	-- A SAS HBA: a disk on phy 4 of the HBA, another behind an expander.
	{ "/devices/pci0000:00/0000:00:01.0", "pci", "" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0", "pci", "DRIVER=mpt3sas\n" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3", "scsi", "DEVTYPE=scsi_host\n" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:0", false, "" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:0/sas_port/port-3:0", "sas_port", "",
		{ num_phys = "1\n" } },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:0/end_device-3:0", false, "" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:0/end_device-3:0/sas_device/end_device-3:0",
		"sas_device", "", { sas_address = "0x5000c500a1b2c3d4\n", phy_identifier = "4\n" } },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:0/end_device-3:0/target3:0:0", "scsi",
		"DEVTYPE=scsi_target\n" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:0/end_device-3:0/target3:0:0/3:0:0:0",
		"scsi", "DEVTYPE=scsi_device\n" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:0/end_device-3:0/target3:0:0/3:0:0:0/block/sdd",
		"block", "MAJOR=8\nMINOR=48\nDEVNAME=sdd\nDEVTYPE=disk\n" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1", false, "" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/sas_port/port-3:1", "sas_port", "",
		{ num_phys = "4\n" } },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0", false, "" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/sas_device/expander-3:0",
		"sas_device", "", { sas_address = "0x500605b0000272bf\n" } },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/port-3:0:1", false, "" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/port-3:0:1/sas_port/port-3:0:1",
		"sas_port", "", { num_phys = "1\n" } },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/port-3:0:1/end_device-3:0:1", false, "" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/port-3:0:1/end_device-3:0:1/sas_device/end_device-3:0:1",
		"sas_device", "", { sas_address = "0x5000c500deadbeef\n", phy_identifier = "7\n" } },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/port-3:0:1/end_device-3:0:1/target3:0:1",
		"scsi", "DEVTYPE=scsi_target\n" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/port-3:0:1/end_device-3:0:1/target3:0:1/3:0:1:0",
		"scsi", "DEVTYPE=scsi_device\n" },
	{ "/devices/pci0000:00/0000:00:01.0/0000:01:00.0/host3/port-3:1/expander-3:0/port-3:0:1/end_device-3:0:1/target3:0:1/3:0:1:0/block/sde",
		"block", "MAJOR=8\nMINOR=64\nDEVNAME=sde\nDEVTYPE=disk\n" },
	-- Fibre channel, with a LUN past 255.
	{ "/devices/pci0000:00/0000:00:03.0", "pci", "" },
	{ "/devices/pci0000:00/0000:00:03.0/host6", "scsi", "DEVTYPE=scsi_host\n" },
	{ "/devices/pci0000:00/0000:00:03.0/host6/rport-6:0-0", false, "" },
	{ "/devices/pci0000:00/0000:00:03.0/host6/rport-6:0-0/target6:0:0", "scsi", "DEVTYPE=scsi_target\n" },
	{ "/devices/pci0000:00/0000:00:03.0/host6/rport-6:0-0/target6:0:0/fc_transport/target6:0:0", "fc_transport", "",
		{ port_name = "0x500a098188d8bd51\n" } },
	{ "/devices/pci0000:00/0000:00:03.0/host6/rport-6:0-0/target6:0:0/6:0:0:16384", "scsi", "DEVTYPE=scsi_device\n" },
	{ "/devices/pci0000:00/0000:00:03.0/host6/rport-6:0-0/target6:0:0/6:0:0:16384/block/sdf", "block",
		"MAJOR=8\nMINOR=80\nDEVNAME=sdf\nDEVTYPE=disk\n" },
	-- iSCSI: no PCI parent, the session names it.
	{ "/devices/platform", false, "" },
	{ "/devices/platform/host5", "scsi", "DEVTYPE=scsi_host\n" },
	{ "/devices/platform/host5/session1", false, "" },
	{ "/devices/platform/host5/session1/iscsi_session/session1", "iscsi_session", "",
		{ targetname = "iqn.2003-01.org.example:disk1\n" } },
	{ "/devices/platform/host5/session1/connection1:0", false, "" },
	{ "/devices/platform/host5/session1/connection1:0/iscsi_connection/connection1:0", "iscsi_connection", "",
		{ persistent_address = "192.0.2.10\n", persistent_port = "3260\n" } },
	{ "/devices/platform/host5/session1/target5:0:0", "scsi", "DEVTYPE=scsi_target\n" },
	{ "/devices/platform/host5/session1/target5:0:0/5:0:0:2", "scsi", "DEVTYPE=scsi_device\n" },
	{ "/devices/platform/host5/session1/target5:0:0/5:0:0:2/block/sdg", "block",
		"MAJOR=8\nMINOR=96\nDEVNAME=sdg\nDEVTYPE=disk\n" },
	-- NVMe: namespace 1 of controller nvme0, and its partition.
	{ "/devices/pci0000:00/0000:00:1d.0", "pci", "" },
	{ "/devices/pci0000:00/0000:00:1d.0/0000:3c:00.0", "pci", "DRIVER=nvme\n" },
	{ "/devices/pci0000:00/0000:00:1d.0/0000:3c:00.0/nvme/nvme0", "nvme", "MAJOR=239\nMINOR=0\nDEVNAME=nvme0\n",
		{ serial = "S4EWNX0R123456      \n", model = "Samsung SSD 970 EVO Plus 1TB            \n",
		  firmware_rev = "2B2QEXM7\n" } },
	{ "/devices/pci0000:00/0000:00:1d.0/0000:3c:00.0/nvme/nvme0/nvme0n1", "block",
		"MAJOR=259\nMINOR=0\nDEVNAME=nvme0n1\nDEVTYPE=disk\nDISKSEQ=5\n",
		{ nsid = "1\n", wwid = "eui.0025385b71b07e2f\n" } },
	{ "/devices/pci0000:00/0000:00:1d.0/0000:3c:00.0/nvme/nvme0/nvme0n1/nvme0n1p1", "block",
		"MAJOR=259\nMINOR=1\nDEVNAME=nvme0n1p1\nDEVTYPE=partition\nPARTN=1\n" },
	-- An SD card on a platform controller, and one on a PCI one (no known transport).
	{ "/devices/platform/fe320000.mmc", "platform", "DRIVER=sdhci-iproc\n" },
	{ "/devices/platform/fe320000.mmc/mmc_host/mmc0", "mmc_host", "" },
	{ "/devices/platform/fe320000.mmc/mmc_host/mmc0/mmc0:aaaa", "mmc", "MMC_TYPE=SD\n",
		{ name = "SC32G\n", serial = "0x1a2b3c4d\n", type = "SD\n" } },
	{ "/devices/platform/fe320000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0", "block",
		"MAJOR=179\nMINOR=0\nDEVNAME=mmcblk0\nDEVTYPE=disk\n" },
	{ "/devices/platform/fe320000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0/mmcblk0p1", "block",
		"MAJOR=179\nMINOR=1\nDEVNAME=mmcblk0p1\nDEVTYPE=partition\nPARTN=1\n" },
	{ "/devices/pci0000:00/0000:00:1e.6", "pci", "DRIVER=sdhci-pci\n" },
	{ "/devices/pci0000:00/0000:00:1e.6/mmc_host/mmc1", "mmc_host", "" },
	{ "/devices/pci0000:00/0000:00:1e.6/mmc_host/mmc1/mmc1:0001", "mmc", "MMC_TYPE=MMC\n" },
	{ "/devices/pci0000:00/0000:00:1e.6/mmc_host/mmc1/mmc1:0001/block/mmcblk1", "block",
		"MAJOR=179\nMINOR=8\nDEVNAME=mmcblk1\nDEVTYPE=disk\n" },
	-- A Memory Stick Pro card, a persistent memory namespace, a FireWire (SBP-2) disk.
	{ "/devices/pci0000:00/0000:00:1e.7", "pci", "DRIVER=r592\n" },
	{ "/devices/pci0000:00/0000:00:1e.7/memstick0", false, "" },
	{ "/devices/pci0000:00/0000:00:1e.7/memstick0/memstick0:0001", "memstick", "",
		{ name = "MSPRO\n", serial = "0x0a0b0c0d\n" } },
	{ "/devices/pci0000:00/0000:00:1e.7/memstick0/memstick0:0001/block/mspblk0", "block",
		"MAJOR=252\nMINOR=0\nDEVNAME=mspblk0\nDEVTYPE=disk\n" },
	{ "/devices/pci0000:00/0000:00:1e.7/memstick0/memstick0:0001/block/mspblk0/mspblk0p1", "block",
		"MAJOR=252\nMINOR=1\nDEVNAME=mspblk0p1\nDEVTYPE=partition\nPARTN=1\n" },
	{ "/devices/platform/e820_pmem", "platform", "" },
	{ "/devices/platform/e820_pmem/ndbus0", false, "" },
	{ "/devices/platform/e820_pmem/ndbus0/region0", "nd", "DEVTYPE=nd_pmem\n" },
	{ "/devices/platform/e820_pmem/ndbus0/region0/namespace0.0", "nd", "DEVTYPE=nd_namespace_io\n",
		{ uuid = "c3b1a7e2-5d4f-4e6a-9b8c-7d6e5f4a3b2c\n" } },
	{ "/devices/platform/e820_pmem/ndbus0/region0/namespace0.0/block/pmem0", "block",
		"MAJOR=259\nMINOR=3\nDEVNAME=pmem0\nDEVTYPE=disk\n" },
	{ "/devices/pci0000:00/0000:00:1e.0", "pci", "" },
	{ "/devices/pci0000:00/0000:00:1e.0/0000:05:00.0", "pci", "DRIVER=firewire_ohci\n" },
	{ "/devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1", "firewire", "" },
	{ "/devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1/fw1.0", "firewire", "DRIVER=firewire_sbp2\n" },
	{ "/devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1/fw1.0/host8", "scsi", "DEVTYPE=scsi_host\n" },
	{ "/devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1/fw1.0/host8/target8:0:0", "scsi", "DEVTYPE=scsi_target\n" },
	{ "/devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1/fw1.0/host8/target8:0:0/8:0:0:0", "scsi",
		"DEVTYPE=scsi_device\n", { ieee1394_id = "0030e0f4e020a7c8:0:0\n" } },
	{ "/devices/pci0000:00/0000:00:1e.0/0000:05:00.0/fw1/fw1.0/host8/target8:0:0/8:0:0:0/block/sdh", "block",
		"MAJOR=8\nMINOR=112\nDEVNAME=sdh\nDEVTYPE=disk\n" },
	-- virtio-blk with a serial.
	{ "/devices/pci0000:00/0000:00:02.0", "pci", "DRIVER=virtio-pci\n" },
	{ "/devices/pci0000:00/0000:00:02.0/virtio1", "virtio", "DRIVER=virtio_blk\n" },
	{ "/devices/pci0000:00/0000:00:02.0/virtio1/block/vda", "block",
		"MAJOR=254\nMINOR=0\nDEVNAME=vda\nDEVTYPE=disk\nDISKSEQ=9\n", { serial = "hp2 disk/0" } },
	{ "/devices/pci0000:00/0000:00:02.0/virtio1/block/vda/vda2", "block",
		"MAJOR=254\nMINOR=2\nDEVNAME=vda2\nDEVTYPE=partition\nPARTN=2\n" },
}

-- The block devices above, for the specs and for asking udevadm.
function M.block()
	local t = {}
	for _, d in ipairs(M.devices) do
		if d[2] == "block" then t[#t + 1] = d[1] end
	end
	return t
end

local function q(s)
	return "'" .. s:gsub("'", "'\\''") .. "'"
end

-- Lay the trees out under DIR/sys.
function M.build(dir)
	local sh = {}
	for _, d in ipairs(M.devices) do
		local path, sub = dir .. "/sys" .. d[1], d[2]
		sh[#sh + 1] = "mkdir -p " .. q(path)
		if sub then
			local kind = BUS[sub] and "bus" or "class"
			local subdir = dir .. "/sys/" .. kind .. "/" .. sub
			sh[#sh + 1] = "mkdir -p " .. q(subdir)
			local depth = select(2, d[1]:gsub("/", ""))
			sh[#sh + 1] = "ln -s " .. q(("../"):rep(depth) .. kind .. "/" .. sub) .. " " .. q(path .. "/subsystem")
			if kind == "class" then
				local name = d[1]:match("([^/]+)$")
				sh[#sh + 1] = "ln -s " .. q("../../" .. d[1]:sub(2)) .. " " .. q(subdir .. "/" .. name)
			end
		end
	end
	os.execute(table.concat(sh, " && "))
	for _, d in ipairs(M.devices) do
		support.write(dir .. "/sys" .. d[1] .. "/uevent", d[3])
		for name, text in pairs(d[4] or {}) do support.write(dir .. "/sys" .. d[1] .. "/" .. name, text) end
	end
end

return M
