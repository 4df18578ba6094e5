-- Persistent names for disks, partitions and CDs, as Debian's udev 252 makes them
-- (60-persistent-storage, 60-cdrom_id): /dev/disk/by-id, by-path, by-uuid, by-label,
-- by-partuuid, by-partlabel, by-diskseq, and /dev/cdrom.  Everything is read from sysfs
-- and probed with libblkid by builtins: no command runs.  The list of names and what
-- they need is docs/persistent-names.md.  Set the private .NO_PERSISTENT_STORAGE (udev's
-- UDEV_DISABLE_PERSISTENT_STORAGE_RULES_FLAG) in an earlier file to skip a device.

-- The kernel names udev gives these names to.
local STORAGE = {}
for name in ([[loop* mmcblk*[0-9] msblk*[0-9] mspblk*[0-9] nvme* sd* sr* vd* xvd* bcache*
	cciss* dasd* ubd* ubi* scm* pmem* nbd* zd*]]):gmatch("%S+") do
	STORAGE[#STORAGE + 1] = glob(name)
end

-- A value as udev puts it into a link name: whitespace runs one "_", none at either
-- end; every character but letters, digits, "#+-.:=@_", "\x" escapes and bytes past
-- ASCII "_" ("/" too, so that a serial cannot make directories).
local function safe(s)
	s = s:gsub("^%s+", ""):gsub("%s+$", ""):gsub("%s+", "_")
	s = s:gsub("\\(.?)", function(c) return c == "x" and "\\x" or "_" .. c end)
	return (s:gsub("[^%w#+%-.:=@_\\\128-\255]", "_"))
end

local function has(v)
	return v ~= nil and v ~= ""
end

local USAGE = { filesystem = true, other = true, crypto = true }

-- The work is three handlers, each with its own time budget: identity and by-id, by-path,
-- then libblkid's names.  What they need to know of the device, once per handler:
-- its name, whether it is a partition or a disk, the "-partN" of a partition's names.
local function about(ev)
	local part = ev.DEVTYPE == "partition"
	return ev.DEVNAME, part, ev.DEVTYPE == "disk", part and ("-part" .. (ev.DEVNAME:match("(%d+)$") or "")) or ""
end

local MATCH = { ACTION = { "add", "change" }, SUBSYSTEM = "block", DEVNAME = STORAGE,
	[".NO_PERSISTENT_STORAGE"] = absent }

on(MATCH, function(ev)
	-- udev leaves a device with whole_disk (a floppy's partition stand-in) alone.
	if attr(ev, "whole_disk") then
		ev[".NO_PERSISTENT_STORAGE"] = "1"
		return
	end
	local name, part, disk, suffix = about(ev)

	-- Identity: usb_id for USB storage, storage_id for the rest (a partition gets its disk's).
	-- (Every USB device sits below a root hub, usbN: cheaper than walking the parents.)
	local usb = name:find("^s[dr]") and ev.DEVPATH:find("/usb%d+/")
	import_builtin(ev, usb and "usb_id" or "storage_id")

	if name:find("^nvme") then
		local wwid = parent_attr(ev, "wwid")
		if has(wwid) and (disk or part) then
			make_link(ev, "disk/by-id/nvme-" .. safe(wwid) .. suffix)
		end
		if has(ev.ID_MODEL) and has(ev.ID_SERIAL_SHORT) then
			local id = ev.ID_MODEL .. "_" .. ev.ID_SERIAL_SHORT
			make_link(ev, "disk/by-id/nvme-" .. safe(id) .. suffix)
			if has(ev.ID_NSID) then
				make_link(ev, "disk/by-id/nvme-" .. safe(id .. "_" .. ev.ID_NSID) .. suffix)
			end
		end
	elseif name:find("^vd") then
		if has(ev.ID_SERIAL) then
			make_link(ev, "disk/by-id/virtio-" .. safe(ev.ID_SERIAL) .. suffix)
		end
	elseif name:find("^sd") or name:find("^sr") or name:find("^cciss") then
		local cd = name:find("^sr")
		local by_bus
		if has(ev.ID_SERIAL) and has(ev.ID_BUS) and (disk or (part and not cd)) then
			by_bus = "disk/by-id/" .. safe(ev.ID_BUS .. "-" .. ev.ID_SERIAL) .. suffix
			make_link(ev, by_bus)
		end
		-- usb_id's ID_USB_SERIAL is its ID_SERIAL: the same name, made once.
		if has(ev.ID_USB_SERIAL) and (disk or (part and not cd)) then
			local l = "disk/by-id/usb-" .. safe(ev.ID_USB_SERIAL) .. suffix
			if l ~= by_bus then make_link(ev, l) end
		end
	elseif name:find("^mmcblk%d+$") or name:find("^mmcblk%d+p%d+$") then
		if has(ev.ID_NAME) and has(ev.ID_SERIAL) then
			make_link(ev, "disk/by-id/mmc-" .. safe(ev.ID_NAME .. "_" .. ev.ID_SERIAL) .. suffix)
		end
	elseif name:find("^msp?blk%d$") or name:find("^msp?blk%dp%d$") then
		if has(ev.ID_NAME) and has(ev.ID_SERIAL) then
			make_link(ev, "disk/by-id/memstick-" .. safe(ev.ID_NAME .. "_" .. ev.ID_SERIAL) .. suffix)
		end
	elseif name:find("^pmem") and disk then
		local uuid = parent_attr(ev, "uuid")
		if has(uuid) then make_link(ev, "disk/by-id/pmem-" .. safe(uuid)) end
	end
	-- FireWire storage: the unit's id (SBP-2 units sit below fwN.M).
	if name:find("^s[dr]") and ev.DEVPATH:find("/fw%d") then
		local id = parent_attr(ev, "ieee1394_id")
		if has(id) then make_link(ev, "disk/by-id/ieee1394-" .. safe(id) .. suffix) end
	end

end)

-- by-path: a disk's place on the buses (path_id); a partition's disk's.
on(MATCH, function(ev)
	local name, part, disk, suffix = about(ev)
	if disk and (not ev.DEVPATH:find("/virtual/", 1, true)
		or ev.DEVPATH:find("/nvme-subsystem/", 1, true)) then
		import_builtin(ev, "path_id")
	elseif part then
		-- udev gives a partition its disk's ID_* (but ID_FS_*) from its database: ask about the
		-- disk (path_id reads the NVMe namespace id from the device, blkid finds the table there).
		local pdisk = parent(ev, "block", "disk")
		local d = pdisk and { DEVPATH = pdisk.devpath, DEVNAME = pdisk.kernel }
		if d and not d.DEVPATH:find("/virtual/", 1, true) then
			local p = import_builtin(d, "path_id")
			for _, k in ipairs { "ID_PATH", "ID_PATH_TAG", "ID_PATH_ATA_COMPAT" } do
				if p[k] then setenv(ev, k, p[k]) end
			end
		end
		if d then
			local t = import_builtin(d, "blkid")
			for _, k in ipairs { "ID_PART_TABLE_UUID", "ID_PART_TABLE_TYPE" } do
				if t[k] then setenv(ev, k, t[k]) end
			end
		end
	end
	if has(ev.ID_PATH) then
		local boot = disk and name:match("^mmcblk%d+boot(%d+)$")
		if boot then
			make_link(ev, "disk/by-path/" .. safe(ev.ID_PATH) .. "-boot" .. boot)
		else
			make_link(ev, "disk/by-path/" .. safe(ev.ID_PATH) .. suffix)
			if has(ev.ID_PATH_ATA_COMPAT) then
				make_link(ev, "disk/by-path/" .. safe(ev.ID_PATH_ATA_COMPAT) .. suffix)
			end
			if name:find("^vd") and ev.ID_PATH:find("^pci%-") then
				make_link(ev, "disk/by-path/virtio-" .. safe(ev.ID_PATH) .. suffix)
			end
		end
	end

end)

-- Filesystems and partition tables (libblkid; nothing in a build without it), WWN, sequence number.
on(MATCH, function(ev)
	local name, part, disk, suffix = about(ev)
	if not name:find("^mmcblk%d+boot%d+$") then import_builtin(ev, "blkid") end
	if USAGE[ev.ID_FS_USAGE] then
		if has(ev.ID_FS_UUID_ENC) then make_link(ev, "disk/by-uuid/" .. safe(ev.ID_FS_UUID_ENC)) end
		if has(ev.ID_FS_LABEL_ENC) then make_link(ev, "disk/by-label/" .. safe(ev.ID_FS_LABEL_ENC)) end
	end
	if has(ev.ID_WWN_WITH_EXTENSION) and (disk or part) then
		make_link(ev, "disk/by-id/wwn-" .. safe(ev.ID_WWN_WITH_EXTENSION) .. suffix)
	end
	if has(ev.ID_PART_ENTRY_UUID) then
		make_link(ev, "disk/by-partuuid/" .. safe(ev.ID_PART_ENTRY_UUID))
	end
	if ev.ID_PART_ENTRY_SCHEME == "gpt" and has(ev.ID_PART_ENTRY_NAME) then
		make_link(ev, "disk/by-partlabel/" .. safe(ev.ID_PART_ENTRY_NAME))
	end
	if has(ev.DISKSEQ) and not part and ev.ID_IGNORE_DISKSEQ ~= "1" then
		make_link(ev, "disk/by-diskseq/" .. safe(ev.DISKSEQ))
	end
	-- A change (new media, a new filesystem) can take names away: the device's links that
	-- no handler makes again on it go by themselves, as do all of them on removal.
end)

-- CDs: ID_CDROM, and /dev/cdrom for the first, below any other device's claim.
on({ ACTION = { "add", "change" }, SUBSYSTEM = "block", DEVNAME = glob "sr[0-9]*", DEVTYPE = "disk" },
function(ev)
	setenv(ev, "ID_CDROM", "1")
	if ev.DEVNAME == "sr0" then make_link(ev, "cdrom", { priority = -100 }) end
end)
