-- core.blkid: libblkid's values for images made here with mkfs and sfdisk (regular files stand in for block devices).
local core = require "hotplug2.core"

local support = dofile("tests/lua/support.lua")
local sh = support.sh

-- A build without libblkid (HOTPLUG2_BLKID=OFF) has no core.blkid: say so, do not pass silently.
local with_blkid = sh("grep -c '^HOTPLUG2_BLKID:BOOL=ON' " .. support.build .. "/CMakeCache.txt || true") == "1"

describe("core.blkid", function()
	local root

	before_each(function()
		root = support.scratch()
		sh("mkdir -p " .. root .. "/dev")
		core.set_root(root)
	end)

	after_each(function()
		support.remove(root)
	end)

	it("exists exactly when the build has libblkid", function()
		assert.are.equal(with_blkid, core.blkid ~= nil)
	end)

	if not with_blkid then return end

	it("reads an ext4 filesystem's type, UUID and label", function()
		sh("truncate -s 8M " .. root .. "/dev/disk.img && mkfs.ext4 -q -F -L 'hp2 root' "
			.. "-U 0b7a4f6e-4c8e-4d6e-9a3e-1f2e3d4c5b6a " .. root .. "/dev/disk.img")
		local v = assert(core.blkid("dev/disk.img"))
		assert.are.equal("ext4", v.TYPE)
		assert.are.equal("filesystem", v.USAGE)
		assert.are.equal("0b7a4f6e-4c8e-4d6e-9a3e-1f2e3d4c5b6a", v.UUID)
		assert.are.equal("hp2 root", v.LABEL)
		assert.are.equal("1.0", v.VERSION)
	end)

	it("reads a GPT partition table, and a partition's filesystem at its offset", function()
		local img = root .. "/dev/gpt.img"
		sh("truncate -s 16M " .. img .. " && printf 'label: gpt\\nlabel-id: 9D6C1E2A-3B4F-4A5E-8D7C-0E1F2A3B4C5D\\n"
			.. "start=2048, size=8192, type=L, name=\"data part\"\\n' | sfdisk -q " .. img
			.. " && mkfs.vfat -n HP2VFAT --offset 2048 " .. img .. " 4096 >/dev/null 2>&1")
		local v = assert(core.blkid("dev/gpt.img"))
		assert.are.equal("gpt", v.PTTYPE)
		assert.are.equal("9d6c1e2a-3b4f-4a5e-8d7c-0e1f2a3b4c5d", v.PTUUID)
		local p = assert(core.blkid("dev/gpt.img", 2048 * 512))
		assert.are.equal("vfat", p.TYPE)
		assert.are.equal("HP2VFAT", p.LABEL)
	end)

	it("finds nothing on an empty device, and refuses what it cannot probe", function()
		sh("truncate -s 1M " .. root .. "/dev/zero.img")
		assert.are.same({}, core.blkid("dev/zero.img"))
		sh("mkfifo " .. root .. "/dev/fifo")
		local v, why = core.blkid("dev/fifo")
		assert.is_nil(v)
		assert.are.equal("unable to probe /dev/fifo: not a block device", why)
		v, why = core.blkid("dev/missing")
		assert.is_nil(v)
		assert.matches("unable to probe /dev/missing: No such file", why, 1, true)
		sh("ln -s zero.img " .. root .. "/dev/link")
		assert.is_nil((core.blkid("dev/link")))
		assert.has_error(function() core.blkid("../etc/passwd") end)
		assert.has_error(function() core.blkid("dev/zero.img", -1) end)
	end)

	-- The daemon on an empty /dev: the event's node is made after its handlers.
	local is_root = sh("id -u") == "0"
	local it_root = is_root and it or pending
	it_root("probes a device by its numbers through a node of its own when the path is not there (root)", function()
		sh("truncate -s 8M " .. root .. "/disk.img && mkfs.ext4 -q -F -L byno " .. root .. "/disk.img")
		local loop = sh("losetup --find --show " .. root .. "/disk.img")
		local ok, err = pcall(function()
			local mm = sh("cat /sys/block/" .. loop:match("[^/]+$") .. "/dev")
			local major, minor = mm:match("^(%d+):(%d+)$")
			local v = assert(core.blkid("dev/not-made-yet", 0, tonumber(major), tonumber(minor)))
			assert.are.equal("ext4", v.TYPE)
			assert.are.equal("byno", v.LABEL)
			-- Nothing is left of the probe's node.
			assert.are.same({}, core.readdir("dev"))
			-- Without the numbers, a missing path is an answer, not a probe.
			assert.is_nil((core.blkid("dev/not-made-yet")))
			assert.has_error(function() core.blkid("dev/x", 0, -5, 1) end)
		end)
		sh("losetup -d " .. loop)
		assert(ok, err)
	end)
end)
