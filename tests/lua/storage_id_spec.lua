-- The storage_id builtin over the fake trees of storage_trees.lua: the properties udev 252's
-- 60-persistent-storage rules set from the same attributes (virtio, NVMe, MMC) and those scsi_id
-- derives from the INQUIRY data and VPD pages 0x83 and 0x80 the kernel shows in sysfs.
local core = require "hotplug2.core"
local builtins = require "hotplug2.builtins"

local support = dofile("tests/lua/support.lua")
local trees = dofile("tests/lua/storage_trees.lua")

local B = "/devices/pci0000:00/"
local SCSI = B .. "0000:00:05.0/virtio2/host2/target2:0:1/2:0:1:3"
local SDC = SCSI .. "/block/sdc"

describe("the storage_id builtin", function()
	local root

	setup(function()
		root = support.scratch()
		trees.build(root)
	end)
	teardown(function() support.remove(root) end)

	local function run(devpath)
		core.set_root(root)
		local t = {}
		for _, kv in ipairs(builtins.new(core).run("storage_id", { DEVPATH = devpath })) do
			t[kv[1]] = kv[2]
		end
		return t
	end

	it("reads a virtio disk's serial, for the disk and its partitions", function()
		assert.are.same({ ID_SERIAL = "hp2 disk/0" }, run(B .. "0000:00:02.0/virtio1/block/vda"))
		assert.are.same({ ID_SERIAL = "hp2 disk/0" }, run(B .. "0000:00:02.0/virtio1/block/vda/vda2"))
	end)

	it("reads an NVMe namespace and its controller, without the attributes' padding", function()
		local want = { ID_SERIAL_SHORT = "S4EWNX0R123456", ID_WWN = "eui.0025385b71b07e2f",
			ID_MODEL = "Samsung SSD 970 EVO Plus 1TB", ID_REVISION = "2B2QEXM7", ID_NSID = "1",
			ID_SERIAL = "Samsung SSD 970 EVO Plus 1TB_S4EWNX0R123456_1" }
		local nvme = B .. "0000:00:1d.0/0000:3c:00.0/nvme/nvme0/nvme0n1"
		assert.are.same(want, run(nvme))
		assert.are.same(want, run(nvme .. "/nvme0n1p1"))
	end)

	it("reads an SD card's name and serial", function()
		assert.are.same({ ID_SERIAL = "0x1a2b3c4d", ID_NAME = "SC32G" },
			run("/devices/platform/fe320000.mmc/mmc_host/mmc0/mmc0:aaaa/block/mmcblk0"))
		-- A card without those attributes: nothing.
		assert.are.same({}, run(B .. "0000:00:1e.6/mmc_host/mmc1/mmc1:0001/block/mmcblk1"))
	end)

	it("gives a SCSI disk scsi_id's values: a vendor specific id after vendor and model", function()
		assert.are.same({ ID_SCSI = "1", ID_VENDOR = "QEMU", ID_VENDOR_ENC = "QEMU\\x20\\x20\\x20\\x20",
			ID_MODEL = "QEMU_HARDDISK", ID_MODEL_ENC = "QEMU\\x20HARDDISK\\x20\\x20\\x20", ID_REVISION = "2.5+",
			ID_TYPE = "disk", ID_SERIAL = "0QEMU_QEMU_HARDDISK_drive-scsi0", ID_SERIAL_SHORT = "drive-scsi0",
			ID_BUS = "scsi" }, run(SDC))
	end)

	describe("with other VPD pages", function()
		local function pages(pg83, pg80)
			local v = { pg83, pg80 }
			for i, name in ipairs { "vpd_pg83", "vpd_pg80" } do
				local path = root .. "/sys" .. SCSI .. "/" .. name
				if v[i] then support.write(path, v[i]) else os.remove(path) end
			end
		end
		after_each(function() pages("\0\131\0\15\2\0\0\11drive-scsi0", nil) end)

		it("prefers NAA (registered, 5) to EUI-64 and T10, and names the WWN", function()
			pages("\0\131\0\42" .. "\2\1\0\12" .. "ATA     SSD1" .. "\1\2\0\8" .. "\0\1\2\3\4\5\6\7"
				.. "\1\3\0\8" .. "\80\0\32\75\1\2\3\4")
			local v = run(SDC)
			assert.are.equal("35000204b01020304", v.ID_SERIAL)
			assert.are.equal("5000204b01020304", v.ID_SERIAL_SHORT)
			assert.are.equal("0x5000204b01020304", v.ID_WWN)
			assert.are.equal("0x5000204b01020304", v.ID_WWN_WITH_EXTENSION)
			assert.is_nil(v.ID_WWN_VENDOR_EXTENSION)
		end)

		it("takes EUI-64 before a T10 id, and leaves out designators of the target port", function()
			pages("\0\131\0\30" .. "\1\147\0\8" .. "\80\0\0\0\0\0\0\1" .. "\2\1\0\4" .. "ACME" .. "\1\2\0\4" .. "\0\1\2\3")
			local v = run(SDC)
			assert.are.equal("200010203", v.ID_SERIAL)
			assert.is_nil(v.ID_WWN)
		end)

		it("takes a T10 vendor id as it is written", function()
			pages("\0\131\0\24" .. "\2\1\0\20" .. "ATA     SSD 1 SN 42 ")
			assert.are.equal("1ATA_SSD_1_SN_42", run(SDC).ID_SERIAL)
			assert.are.equal("ATA_SSD_1_SN_42", run(SDC).ID_SERIAL_SHORT)
		end)

		it("falls back to page 0x80's unit serial number", function()
			pages(nil, "\0\128\0\8" .. "SN 1234 ")
			local v = run(SDC)
			assert.are.equal("SQEMU_QEMU_HARDDISK_SN_1234", v.ID_SERIAL)
			assert.are.equal("SN_1234", v.ID_SERIAL_SHORT)
		end)

		it("has no serial without either page, still the INQUIRY values", function()
			pages(nil, nil)
			local v = run(SDC)
			assert.is_nil(v.ID_SERIAL)
			assert.are.equal("QEMU", v.ID_VENDOR)
			assert.are.equal("scsi", v.ID_BUS)
		end)
	end)

	it("leaves USB storage to usb_id, and names nothing for other devices", function()
		local laptop = support.laptop()
		core.set_root(laptop)
		local b = builtins.new(core)
		assert.are.same({}, b.run("storage_id", { DEVPATH =
			"/devices/pci0000:00/0000:00:1d.7/usb5/5-1/5-1:1.0/host7/target7:0:0/7:0:0:0/block/sdb" }))
		-- The fixture's SCSI disk has no attribute files: ID_BUS only, as udev sets it whatever scsi_id says.
		assert.are.same({ { "ID_BUS", "scsi" } }, b.run("storage_id", { DEVPATH =
			"/devices/pci0000:00/0000:00:1f.2/host0/target0:0:0/0:0:0:0/block/sda" }))
		assert.are.same({}, b.run("storage_id", { DEVPATH = "/devices/virtual/block/loop0" }))
		assert.are.same({}, b.run("storage_id", { DEVPATH = "/devices/platform/i8042/serio0" }))
		support.remove(laptop)
	end)
end)
