-- The storage_id builtin: what udev 252's 60-persistent-storage rules and their helpers
-- (scsi_id) say about a disk, from sysfs alone, with no fork and no ioctl:
--   virtio (vd*)    ID_SERIAL from the disk's serial attribute
--   NVMe            ID_SERIAL_SHORT, ID_WWN, ID_MODEL, ID_REVISION, ID_NSID, ID_SERIAL
--   MMC/SD          ID_SERIAL, ID_NAME of the card
--   Memory Stick    ID_NAME, ID_SERIAL of the card (both or neither)
--   SCSI (sd*, sr*) ID_SCSI, ID_VENDOR(_ENC), ID_MODEL(_ENC), ID_REVISION, ID_TYPE,
--                   ID_SERIAL(_SHORT), ID_WWN(_VENDOR_EXTENSION, _WITH_EXTENSION) from
--                   the vendor, model, rev, type, vpd_pg83 and vpd_pg80 attributes, as
--                   scsi_id reads the same pages with SG_IO; ID_SCSI_SERIAL; ID_BUS=scsi
--   ATA (vendor ATA) ata_id's ID_ATA, ID_TYPE, ID_BUS=ata, ID_MODEL(_ENC), ID_REVISION,
--                   ID_SERIAL(_SHORT), ID_WWN(_WITH_EXTENSION) from the IDENTIFY data in
--                   vpd_pg89 (Linux 6.0 and later), without ata_id's ID_ATA_* features;
--                   scsi_id's values when there is no such page
-- A partition gets its disk's.  USB storage is usb_id's.
local device = require "hotplug2.device"
local str = require "hotplug2.udevstr"

local SPACE = "[ \t\n\v\f\r]"

-- A value as udev's $attr{} gives it: trailing whitespace dropped, unusual characters "_".
local function attr_value(v)
	if v == nil then return nil end
	return str.replace((v:gsub(SPACE .. "+$", "")), "/ $%?,")
end

-- scsi_id's ID_TYPE for a SCSI peripheral type.
local TYPES = { [0] = "disk", [14] = "disk", [1] = "tape", [4] = "optical", [7] = "optical",
	[15] = "optical", [5] = "cd" }

-- The designators of VPD page 0x83 scsi_id looks for, best first: { type, NAA kind
-- or nil for any, code set (1 binary, 2 ASCII) }.  Only those of the logical unit.
local SEARCH = {
	{ 3, 6, 1 }, { 3, 6, 2 }, { 3, 5, 1 }, { 3, 5, 2 }, { 3, nil, 1 }, { 3, nil, 2 },
	{ 2, nil, 1 }, { 2, nil, 2 }, { 1, nil, 1 }, { 1, nil, 2 }, { 0, nil, 1 }, { 0, nil, 2 },
}

local function hex(s)
	return (s:gsub(".", function(c) return ("%02x"):format(c:byte()) end))
end

-- scsi_id's serial from page 0x83: the id type digit, vendor and model for a vendor
-- specific id, then the id (ASCII as it is, binary in hex); and the short serial.
local function page83(page, prefix)
	if not page or #page < 4 then return nil end
	local len = math.min(#page, 4 + page:byte(3) * 256 + page:byte(4))
	local ds = {}
	local i = 5
	while i + 3 <= len do
		local dlen = page:byte(i + 3)
		local data = page:sub(i + 4, i + 3 + dlen)
		if #data < dlen then break end
		ds[#ds + 1] = { codeset = page:byte(i) % 16, assoc = math.floor(page:byte(i + 1) / 16) % 4,
			type = page:byte(i + 1) % 16, data = data }
		i = i + 4 + dlen
	end
	for _, want in ipairs(SEARCH) do
		for _, d in ipairs(ds) do
			if d.assoc == 0 and d.type == want[1] and d.codeset == want[3] and #d.data > 0
				and (want[2] == nil or math.floor(d.data:byte(1) / 16) == want[2]) then
				local id = d.codeset == 2 and d.data or hex(d.data)
				local serial = tostring(d.type) .. (d.type == 0 and prefix or "") .. id
				local wwn
				if d.type == 3 then wwn = { id:sub(1, 16), id:sub(17, 32) } end
				return serial, id, wwn
			end
		end
	end
	return nil
end

-- scsi_id's serial from page 0x80: "S", vendor and model, the unit serial number.
local function page80(page, prefix)
	if not page or #page < 4 then return nil end
	local id = page:sub(5, 4 + page:byte(4))
	return "S" .. prefix .. id, id
end

-- ata_id's values from the IDENTIFY data in VPD page 0x89 (SAT's ATA information page, which
-- libata makes from the drive's answer): the 512 bytes at offset 60, little-endian words, each
-- string's characters two to a word, high byte first.
local ATAPI_TYPES = { [0] = "cd", [1] = "tape", [5] = "cd", [7] = "optical" }

local function ata(page, props)
	if not page or #page < 60 + 512 then return false end
	local id = page:sub(61, 60 + 512)
	local function word(w) return id:byte(2 * w + 1) + 256 * id:byte(2 * w + 2) end
	local function text(first, n)
		local t = {}
		for w = first, first + n / 2 - 1 do
			t[#t + 1] = string.char(id:byte(2 * w + 2), id:byte(2 * w + 1))
		end
		-- A C string: it ends at the first NUL.
		return (table.concat(t):match("^[^%z]*"))
	end
	local function clean(v) return str.replace(str.whitespace(v), "") end
	local model, serial, rev = text(27, 40), clean(text(10, 20)), clean(text(23, 8))
	local config = word(0)
	props[#props + 1] = { "ID_ATA", "1" }
	if config >= 0x8000 then
		props[#props + 1] = { "ID_TYPE", ATAPI_TYPES[math.floor(config / 256) % 32] or "generic" }
	else
		props[#props + 1] = { "ID_TYPE", "disk" }
	end
	props[#props + 1] = { "ID_BUS", "ata" }
	props[#props + 1] = { "ID_MODEL", clean(model) }
	props[#props + 1] = { "ID_MODEL_ENC", str.encode(model) }
	props[#props + 1] = { "ID_REVISION", rev }
	if serial ~= "" then
		props[#props + 1] = { "ID_SERIAL", clean(model) .. "_" .. serial }
		props[#props + 1] = { "ID_SERIAL_SHORT", serial }
	else
		props[#props + 1] = { "ID_SERIAL", clean(model) }
	end
	-- Words 108-111: the WWN, when it is an IEEE registered (NAA 5) one.
	if math.floor(word(108) / 4096) == 5 then
		local wwn = ("0x%04x%04x%04x%04x"):format(word(108), word(109), word(110), word(111))
		props[#props + 1] = { "ID_WWN", wwn }
		props[#props + 1] = { "ID_WWN_WITH_EXTENSION", wwn }
	end
	return true
end

local function scsi(ctx, disk, props)
	local sdev = ctx.dev.parent(disk.devpath, "scsi", "scsi_device")
	if not sdev then return end
	local function raw(name) return ctx.core.read("sys" .. sdev.devpath .. "/" .. name, "sys") end
	local function line(name) local v = raw(name) return v and (v:gsub("\n$", "")) end
	local vendor, model, rev = line("vendor"), line("model"), line("rev")
	-- udev asks ata_id first about an ATA disk, or an ATAPI drive of SCSI level 6 and up.
	if vendor and (vendor:find("^ATA%s*$") or (line("type") == "5" and (line("scsi_level") or ""):find("^[6-9]")))
		and ata(raw("vpd_pg89"), props) then
		return
	end
	if not vendor or not model then return end
	local function clean(s) return str.replace(str.whitespace(s), "") end
	props[#props + 1] = { "ID_SCSI", "1" }
	props[#props + 1] = { "ID_VENDOR", clean(vendor) }
	props[#props + 1] = { "ID_VENDOR_ENC", str.encode(vendor) }
	props[#props + 1] = { "ID_MODEL", clean(model) }
	props[#props + 1] = { "ID_MODEL_ENC", str.encode(model) }
	props[#props + 1] = { "ID_REVISION", clean(rev or "") }
	props[#props + 1] = { "ID_TYPE", TYPES[tonumber(line("type") or "")] or "generic" }
	-- scsi_id pads vendor to 8 and model to 16 characters.
	local prefix = (vendor .. (" "):rep(8)):sub(1, 8) .. (model .. (" "):rep(16)):sub(1, 16)
	local pg83 = raw("vpd_pg83")
	local serial, short, wwn = page83(pg83, prefix)
	if not serial then serial, short = page80(raw("vpd_pg80"), prefix) end
	if serial then
		props[#props + 1] = { "ID_SERIAL", clean(serial) }
		props[#props + 1] = { "ID_SERIAL_SHORT", clean(short) }
	end
	if wwn and wwn[1] ~= "" then
		props[#props + 1] = { "ID_WWN", "0x" .. wwn[1] }
		if wwn[2] ~= "" then
			props[#props + 1] = { "ID_WWN_VENDOR_EXTENSION", "0x" .. wwn[2] }
		end
		props[#props + 1] = { "ID_WWN_WITH_EXTENSION", "0x" .. wwn[1] .. wwn[2] }
	end
	-- scsi_id reads page 0x80 too when it asks for page 0x83: the unit serial number as it is.
	local _, unit
	if pg83 then _, unit = page80(raw("vpd_pg80"), prefix) end
	unit = unit and unit:match("^[^%z]*")
	if unit and unit ~= "" then props[#props + 1] = { "ID_SCSI_SERIAL", unit } end
end

-- The attribute on the device or its nearest ancestor that has it (udev's ATTRS{}).
local function attrs(ctx, devpath, name)
	local p = devpath
	while p do
		local v = ctx.attr(p, name)
		if v ~= nil then return v end
		p = device.up(p)
	end
	return nil
end

return function(ctx, ev)
	local props = {}
	local info = ctx.dev.info(ev.DEVPATH)
	if not info or info.subsystem ~= "block" then return props end
	local disk = info
	if info.devtype == "partition" then
		disk = ctx.dev.info(device.up(info.devpath) or "/")
		if not disk then return props end
	end
	local name = disk.kernel
	local function add(k, v) if v ~= nil and v ~= "" then props[#props + 1] = { k, v } end end
	if name:find("^vd") then
		add("ID_SERIAL", attr_value(attrs(ctx, disk.devpath, "serial")))
	elseif name:find("^nvme%d+n%d+$") or name:find("^nvme%d+c%d+n%d+$") then
		local function a(n) local v = attrs(ctx, disk.devpath, n) return v ~= "" and attr_value(v) or nil end
		local serial, wwid, model, rev, nsid = a("serial"), a("wwid"), a("model"), a("firmware_rev"), a("nsid")
		add("ID_SERIAL_SHORT", serial)
		add("ID_WWN", wwid)
		add("ID_MODEL", model)
		add("ID_REVISION", rev)
		add("ID_NSID", nsid)
		if model and serial then
			add("ID_SERIAL", model .. "_" .. serial .. (nsid and ("_" .. nsid) or ""))
		end
	elseif name:find("^mmcblk%d$") then
		local card = ctx.dev.parent(disk.devpath, "mmc")
		if card then
			local serial, cname = ctx.attr(card.devpath, "serial"), ctx.attr(card.devpath, "name")
			add("ID_SERIAL", serial ~= "" and attr_value(serial) or nil)
			add("ID_NAME", cname ~= "" and attr_value(cname) or nil)
		end
	elseif name:find("^msp?blk%d$") then
		local card = ctx.dev.parent(disk.devpath, "memstick")
		local serial = card and ctx.attr(card.devpath, "serial")
		local cname = card and ctx.attr(card.devpath, "name")
		if serial and serial ~= "" and cname and cname ~= "" then
			add("ID_NAME", attr_value(cname))
			add("ID_SERIAL", attr_value(serial))
		end
	elseif name:find("^sd") or name:find("^sr") then
		if disk.devpath:find("/usb%d+/") then return props end
		scsi(ctx, disk, props)
		if props[1] == nil or props[1][1] ~= "ID_ATA" then add("ID_BUS", "scsi") end
	end
	return props
end
