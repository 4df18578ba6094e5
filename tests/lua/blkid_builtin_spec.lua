-- The blkid builtin (hotplug2.blkid) and udev's string encodings (hotplug2.udevstr).  util-linux's
-- `blkid -p -o udev` prints the names udev's blkid builtin sets, encoded with the same libblkid
-- functions (blkid_safe_string, blkid_encode_string): the builtin must print the same on the same image.
local core = require "hotplug2.core"
local builtins = require "hotplug2.builtins"
local str = require "hotplug2.udevstr"

local support = dofile("tests/lua/support.lua")
local sh = support.sh
local with_blkid = sh("grep -c '^HOTPLUG2_BLKID:BOOL=ON' " .. support.build .. "/CMakeCache.txt || true") == "1"

describe("hotplug2.udevstr", function()
	it("encodes as blkid_encode_string: \\xNN but for letters, digits, #+-.:=@_ and valid UTF-8", function()
		assert.are.equal("hp2\\x20r\195\182ot\\x2fx\\x5cy", str.encode("hp2 r\195\182ot/x\\y"))
		assert.are.equal("a#+-.:=@_Z9", str.encode("a#+-.:=@_Z9"))
		-- Invalid UTF-8: a lone continuation byte, an overlong form, a surrogate, a cut sequence.
		assert.are.equal("\\x80\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82", str.encode("\128\192\175\237\160\128\226\130"))
		assert.are.equal("\240\159\146\190", str.encode("\240\159\146\190"))
	end)

	it("makes names safe as blkid_safe_string: whitespace runs one _, none at the ends, bad UTF-8 _", function()
		assert.are.equal("a\1b_c_\195\188_", str.safe(" a\1b  c\t\195\188\255 "))
		assert.are.equal("x", str.safe("\t x \n"))
	end)

	it("replaces as udev does in names: unsafe characters _, \\x escapes and UTF-8 kept", function()
		assert.are.equal("a_b\\x20c_d\195\169", str.replace("a b\\x20c$d\195\169", ""))
		assert.are.equal("a b/c", str.replace("a b/c", "/ "))
		assert.are.equal("QEMU_HARDDISK", str.link("  QEMU  HARDDISK "))
	end)
end)

describe("the blkid builtin", function()
	local root

	before_each(function()
		root = support.scratch()
		sh("mkdir -p " .. root .. "/dev")
		core.set_root(root)
	end)

	after_each(function()
		support.remove(root)
	end)

	local function run(devname)
		local t = {}
		for _, kv in ipairs(builtins.new(core).run("blkid", { DEVPATH = "/devices/virtual/block/x",
			DEVNAME = devname })) do
			t[#t + 1] = kv[1] .. "=" .. kv[2]
		end
		return t
	end

	-- blkid -o udev's lines udev's builtin sets too: it also prints ID_FS_BLOCK_SIZE, ID_FS_SEC_TYPE and
	-- ID_FS_LABEL_FATBOOT(_ENC), names udev 252's builtin does not know (its binary has none of them).
	local DROPPED = { ID_FS_BLOCK_SIZE = true, ID_FS_SEC_TYPE = true, ID_FS_LABEL_FATBOOT = true,
		ID_FS_LABEL_FATBOOT_ENC = true }
	local function oracle(file)
		local t = {}
		for line in sh("blkid -p -o udev " .. file):gmatch("[^\n]+") do
			if not DROPPED[line:match("^([^=]*)")] then t[#t + 1] = line end
		end
		return t
	end

	if not with_blkid then
		it("gives nothing in a build without libblkid", function()
			sh("truncate -s 8M " .. root .. "/dev/disk && mkfs.ext4 -q -F " .. root .. "/dev/disk")
			assert.are.same({}, run("disk"))
		end)
		return
	end

	it("names an ext4 filesystem as udev does, encoding an awkward label as blkid -o udev does", function()
		sh("truncate -s 8M " .. root .. "/dev/disk && mkfs.ext4 -q -F -L \"$(printf ' a\\001b  c\\t\\303\\274\\377 ')\" "
			.. "-U 0b7a4f6e-4c8e-4d6e-9a3e-1f2e3d4c5b6a " .. root .. "/dev/disk")
		local got = run("disk")
		-- Recorded from blkid -p -o udev (util-linux 2.38.1) on this image.
		assert.are.same({ "ID_FS_LABEL=a\1b_c_\195\188_", "ID_FS_LABEL_ENC=\\x20a\\x01b\\x20\\x20c\\x09\195\188\\xff",
			"ID_FS_UUID=0b7a4f6e-4c8e-4d6e-9a3e-1f2e3d4c5b6a", "ID_FS_UUID_ENC=0b7a4f6e-4c8e-4d6e-9a3e-1f2e3d4c5b6a",
			"ID_FS_VERSION=1.0", "ID_FS_TYPE=ext4", "ID_FS_USAGE=filesystem" }, got)
		assert.are.same(oracle(root .. "/dev/disk"), got)
	end)

	it("names a vfat filesystem and a GPT partition table", function()
		sh("truncate -s 8M " .. root .. "/dev/fat && mkfs.vfat -n 'HP2 FAT' -i 1a2b3c4d " .. root .. "/dev/fat >/dev/null")
		local fat = run("fat")
		assert.are.same(oracle(root .. "/dev/fat"), fat)
		assert.are.same({ "ID_FS_LABEL=HP2_FAT", "ID_FS_LABEL_ENC=HP2\\x20FAT", "ID_FS_UUID=1A2B-3C4D",
			"ID_FS_UUID_ENC=1A2B-3C4D", "ID_FS_VERSION=FAT12", "ID_FS_TYPE=vfat", "ID_FS_USAGE=filesystem" }, fat)
		sh("truncate -s 16M " .. root .. "/dev/gpt && printf 'label: gpt\\nlabel-id: 9D6C1E2A-3B4F-4A5E-8D7C-0E1F2A3B4C5D\\n"
			.. "start=2048, size=8192, type=L\\n' | sfdisk -q " .. root .. "/dev/gpt")
		local gpt = run("gpt")
		assert.are.same({ "ID_PART_TABLE_UUID=9d6c1e2a-3b4f-4a5e-8d7c-0e1f2a3b4c5d", "ID_PART_TABLE_TYPE=gpt" }, gpt)
		assert.are.same(oracle(root .. "/dev/gpt"), gpt)
	end)

	it("names partition entries as udev does, the name and type encoded", function()
		local p = require("hotplug2.blkid").properties { PART_ENTRY_SCHEME = "gpt", PART_ENTRY_NAME = "data part",
			PART_ENTRY_UUID = "1dcf6e2b-0b4c-4d1e-8f3a-2b1c0d9e8f7a", PART_ENTRY_TYPE = "0fc63daf-8483-4772-8e79-3d69d8477de4",
			PART_ENTRY_NUMBER = "1", PART_ENTRY_OFFSET = "2048", PART_ENTRY_SIZE = "8192", PART_ENTRY_DISK = "254:0",
			PART_ENTRY_FUTURE = "x", BLOCK_SIZE = "4096", SEC_TYPE = "msdos" }
		local t = {}
		for _, kv in ipairs(p) do t[#t + 1] = kv[1] .. "=" .. kv[2] end
		assert.are.same({ "ID_PART_ENTRY_SCHEME=gpt", "ID_PART_ENTRY_NAME=data\\x20part",
			"ID_PART_ENTRY_UUID=1dcf6e2b-0b4c-4d1e-8f3a-2b1c0d9e8f7a",
			"ID_PART_ENTRY_TYPE=0fc63daf-8483-4772-8e79-3d69d8477de4", "ID_PART_ENTRY_NUMBER=1",
			"ID_PART_ENTRY_OFFSET=2048", "ID_PART_ENTRY_SIZE=8192", "ID_PART_ENTRY_DISK=254:0",
			"ID_PART_ENTRY_FUTURE=x" }, t)
	end)

	it("gives nothing for an empty device, a missing one, or a name that climbs out", function()
		sh("truncate -s 1M " .. root .. "/dev/zero")
		assert.are.same({}, run("zero"))
		assert.are.same({}, run("missing"))
		assert.are.same({}, run("../etc/passwd"))
		assert.are.same({}, run(nil))
	end)
end)
