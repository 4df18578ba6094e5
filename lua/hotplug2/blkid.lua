-- The blkid builtin: what libblkid finds on a block device (core.blkid on ROOT/dev/DEVNAME),
-- named as udev 252's blkid builtin names it: ID_FS_TYPE, ID_FS_UUID(_ENC), ID_FS_LABEL(_ENC),
-- ID_PART_TABLE_TYPE, ID_PART_ENTRY_NAME ...  A build without libblkid has no core.blkid:
-- then there is nothing, and so no by-uuid, by-label, by-partuuid or by-partlabel names.
local str = require "hotplug2.udevstr"

local encode, safe = str.encode, str.safe

-- libblkid's name -> { udev's name, how the value is written }, in the order libblkid
-- reports them (udev sets them in that order).  Names not here are not set, as in udev.
local ORDER = {
	{ "LABEL", "ID_FS_LABEL", "both" },
	{ "UUID", "ID_FS_UUID", "both" },
	{ "UUID_SUB", "ID_FS_UUID_SUB", "both" },
	{ "VERSION", "ID_FS_VERSION" },
	{ "TYPE", "ID_FS_TYPE" },
	{ "USAGE", "ID_FS_USAGE" },
	{ "SYSTEM_ID", "ID_FS_SYSTEM_ID", "enc" },
	{ "PUBLISHER_ID", "ID_FS_PUBLISHER_ID", "enc" },
	{ "APPLICATION_ID", "ID_FS_APPLICATION_ID", "enc" },
	{ "BOOT_SYSTEM_ID", "ID_FS_BOOT_SYSTEM_ID", "enc" },
	{ "VOLUME_ID", "ID_FS_VOLUME_ID", "enc" },
	{ "LOGICAL_VOLUME_ID", "ID_FS_LOGICAL_VOLUME_ID", "enc" },
	{ "VOLUME_SET_ID", "ID_FS_VOLUME_SET_ID", "enc" },
	{ "DATA_PREPARER_ID", "ID_FS_DATA_PREPARER_ID", "enc" },
	{ "PTUUID", "ID_PART_TABLE_UUID" },
	{ "PTTYPE", "ID_PART_TABLE_TYPE" },
	{ "PART_ENTRY_SCHEME", "ID_PART_ENTRY_SCHEME" },
	{ "PART_ENTRY_NAME", "ID_PART_ENTRY_NAME", "enc" },
	{ "PART_ENTRY_UUID", "ID_PART_ENTRY_UUID" },
	{ "PART_ENTRY_TYPE", "ID_PART_ENTRY_TYPE", "enc" },
	{ "PART_ENTRY_FLAGS", "ID_PART_ENTRY_FLAGS" },
	{ "PART_ENTRY_NUMBER", "ID_PART_ENTRY_NUMBER" },
	{ "PART_ENTRY_OFFSET", "ID_PART_ENTRY_OFFSET" },
	{ "PART_ENTRY_SIZE", "ID_PART_ENTRY_SIZE" },
	{ "PART_ENTRY_DISK", "ID_PART_ENTRY_DISK" },
}
local KNOWN = {}
for _, e in ipairs(ORDER) do KNOWN[e[1]] = true end

-- libblkid's values (a table of its names) as udev's properties, in order.
local function properties(v)
	local props = {}
	local function add(k, val) props[#props + 1] = { k, val } end
	for _, e in ipairs(ORDER) do
		local val = v[e[1]]
		if val ~= nil then
			if e[3] == "both" then
				add(e[2], safe(val))
				add(e[2] .. "_ENC", encode(val))
			elseif e[3] == "enc" then
				add(e[2], encode(val))
			else
				add(e[2], val)
			end
		end
	end
	-- Other PART_ENTRY_ values a later libblkid may add: ID_ and the name.
	local rest = {}
	for name in pairs(v) do
		if not KNOWN[name] and name:find("^PART_ENTRY_") then rest[#rest + 1] = name end
	end
	table.sort(rest)
	for _, name in ipairs(rest) do add("ID_" .. name, v[name]) end
	return props
end

local M = { properties = properties }

setmetatable(M, { __call = function(_, ctx, ev)
	local probe = ctx.core.blkid
	local name = ev.DEVNAME
	if not probe or type(name) ~= "string" or name == "" then return {} end
	-- With the numbers, a node not made yet (the event's own, on an empty
	-- /dev) is probed through one made for the probe.
	local major, minor
	if ev.SUBSYSTEM == "block" then major, minor = tonumber(ev.MAJOR), tonumber(ev.MINOR) end
	local ok, v = pcall(probe, "dev/" .. name, 0, major, minor)
	if not ok or type(v) ~= "table" then return {} end
	return properties(v)
end })

return M
