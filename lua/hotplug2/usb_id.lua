-- The usb_id builtin: udev 252's identification of a USB device (vendor, model, serial, interface
-- class, and for usb-storage the SCSI device's own vendor and model), from sysfs.
--
-- For the event's device or any device below a USB interface (a tty, an input device, a sound card,
-- a SCSI disk); or for a usb_device itself, which has no interface number, type nor driver.
local idstring = require "hotplug2.idstring"

local byte, format = string.byte, string.format
local replace_whitespace, replace_chars, encode = idstring.replace_whitespace,
	idstring.replace_chars, idstring.encode

-- The interface classes with a name (USB-IF's class codes); every other class is "generic".
local IFTYPE = { [0x01] = "audio", [0x03] = "hid", [0x06] = "media", [0x07] = "printer",
	[0x08] = "storage", [0x09] = "hub", [0x0e] = "video" }

-- Mass storage subclasses: 1 RBC, 2 ATAPI (MMC-2), 3 QIC-157 tape, 4 UFI floppy, 6 SCSI.
local STORAGE_SUBTYPE = { [1] = "rbc", [2] = "atapi", [3] = "tape", [4] = "floppy", [6] = "scsi" }

-- SCSI peripheral device types (the type attribute).
local SCSI_TYPE = { [0] = "disk", [0xe] = "disk", [1] = "tape", [4] = "optical", [7] = "optical",
	[0xf] = "optical", [5] = "cd" }

-- A decimal number written wholly in digits, as udev's safe_atoi reads it; nil otherwise.
local function decimal(s)
	if s == nil then return nil end
	local d = s:match("^%s*%+?(%d+)$")
	return d and tonumber(d, 10)
end

-- ":CCSSPP:CCSSPP:" for each distinct interface (class, subclass, protocol) in the order the
-- configuration descriptors list them; "" when there is none.  The descriptors attribute is the
-- device descriptor (18 bytes) then every configuration's, as the device sent them.
local function packed_interfaces(read, devpath)
	local d = read(devpath, "descriptors")
	if d == nil or #d < 18 then return "" end
	local size, pos = #d, 0
	local parts, seen, len = {}, {}, 0
	-- A descriptor is read only when its 9 bytes fit, and udev stops before its buffer's end.
	while pos + 9 < size and len + 7 < 512 - 2 do
		local blen = byte(d, pos + 1)
		if blen < 3 then break end
		-- A length past what was read: udev stops, and its list lacks the closing ":".
		if blen > size - 9 then return table.concat(parts) end
		local dtype = byte(d, pos + 2)
		local here = pos
		pos = pos + blen
		if dtype == 4 then
			local s = format(":%02x%02x%02x", byte(d, here + 6), byte(d, here + 7), byte(d, here + 8))
			if not seen[s] then
				seen[s] = true
				parts[#parts + 1] = s
				len = len + 7
			end
		end
	end
	if #parts == 0 then return "" end
	return table.concat(parts) .. ":"
end

return function(ctx, ev)
	local dev = ctx.dev
	local function read(devpath, name)
		local text = ctx.core.read("sys" .. devpath .. "/" .. name, "sys")
		if text == nil then return nil end
		return (text:gsub("[\r\n]+$", ""))
	end

	local vendor, vendor_enc, model, model_enc = "", "", "", ""
	local revision, serial_short, type_str, instance = "", "", "", ""
	local ifnum, driver, usb, interfaces

	if ev.DEVTYPE == "usb_device" then
		usb = ev.DEVPATH
		interfaces = packed_interfaces(read, usb)
	else
		local iface = dev.parent(ev.DEVPATH, "usb", "usb_interface")
		if iface == nil then return {} end
		ifnum = read(iface.devpath, "bInterfaceNumber")
		driver = iface.driver
		local class = read(iface.devpath, "bInterfaceClass")
		class = class and class:match("^%s*(%x+)$")
		if class == nil then return {} end
		class = tonumber(class, 16)
		local protocol = 0
		if class == 8 then
			local subclass = read(iface.devpath, "bInterfaceSubClass")
			if subclass ~= nil then
				protocol = decimal(subclass) or 0
				type_str = STORAGE_SUBTYPE[protocol] or "generic"
			end
		else
			type_str = IFTYPE[class] or "generic"
		end
		local usbdev = dev.parent(iface.devpath, "usb", "usb_device")
		if usbdev == nil then return {} end
		usb = usbdev.devpath
		interfaces = packed_interfaces(read, usb)

		-- Mass storage speaking SCSI or ATAPI: the SCSI device names the drive.
		if protocol == 6 or protocol == 2 then
			local scsi = dev.parent(ev.DEVPATH, "scsi", "scsi_device")
			local target, lun
			if scsi then
				target, lun = scsi.kernel:match("^%-?%d+:%-?%d+:(%-?%d+):(%-?%d+)")
			end
			local svendor = target and read(scsi.devpath, "vendor")
			local smodel = svendor and read(scsi.devpath, "model")
			local stype = smodel and read(scsi.devpath, "type")
			if svendor then
				vendor_enc = encode(svendor)
				vendor = replace_chars(replace_whitespace(svendor, 63))
			end
			if smodel then
				model_enc = encode(smodel)
				model = replace_chars(replace_whitespace(smodel, 63))
			end
			if stype then
				local n = decimal(stype)
				type_str = n and SCSI_TYPE[n] or "generic"
				local rev = read(scsi.devpath, "rev")
				if rev then
					revision = replace_chars(replace_whitespace(rev, 63))
					-- Some devices answer alike on every LUN: the instance tells them apart.
					instance = format("%d:%d", tonumber(target), tonumber(lun))
				end
			end
		end
	end

	local vendor_id = read(usb, "idVendor")
	if vendor_id == nil then return {} end
	local product_id = read(usb, "idProduct")
	if product_id == nil then return {} end

	if vendor == "" then
		local s = read(usb, "manufacturer") or vendor_id
		vendor_enc = encode(s)
		vendor = replace_chars(replace_whitespace(s, 63))
	end
	if model == "" then
		local s = read(usb, "product") or product_id
		model_enc = encode(s)
		model = replace_chars(replace_whitespace(s, 63))
	end
	if revision == "" then
		local s = read(usb, "bcdDevice")
		if s then revision = replace_chars(replace_whitespace(s, 63)) end
	end
	local s = read(usb, "serial")
	-- Microsoft's rule for USB serial numbers: printable ASCII without a comma, or none at all.
	if s and not s:find("[%z\1-\31\128-\255,]") then
		serial_short = replace_chars(replace_whitespace(s, 511))
	end

	local serial = vendor .. "_" .. model
	if serial_short ~= "" then serial = serial .. "_" .. serial_short end
	if instance ~= "" then serial = serial .. "-" .. instance end
	serial = serial:sub(1, 255)

	local props = {}
	local function add(k, v) props[#props + 1] = { k, v } end
	-- A device another rule named (ID_BUS=bluetooth ...) keeps its names: only ID_USB_* are added.
	if ev.ID_BUS == nil or ev.ID_BUS == "" then
		add("ID_BUS", "usb")
		add("ID_MODEL", model)
		add("ID_MODEL_ENC", model_enc)
		add("ID_MODEL_ID", product_id)
		add("ID_SERIAL", serial)
		if serial_short ~= "" then add("ID_SERIAL_SHORT", serial_short) end
		add("ID_VENDOR", vendor)
		add("ID_VENDOR_ENC", vendor_enc)
		add("ID_VENDOR_ID", vendor_id)
		add("ID_REVISION", revision)
		if type_str ~= "" then add("ID_TYPE", type_str) end
		if instance ~= "" then add("ID_INSTANCE", instance) end
	end
	add("ID_USB_MODEL", model)
	add("ID_USB_MODEL_ENC", model_enc)
	add("ID_USB_MODEL_ID", product_id)
	add("ID_USB_SERIAL", serial)
	if serial_short ~= "" then add("ID_USB_SERIAL_SHORT", serial_short) end
	add("ID_USB_VENDOR", vendor)
	add("ID_USB_VENDOR_ENC", vendor_enc)
	add("ID_USB_VENDOR_ID", vendor_id)
	add("ID_USB_REVISION", revision)
	if type_str ~= "" then add("ID_USB_TYPE", type_str) end
	if instance ~= "" then add("ID_USB_INSTANCE", instance) end
	if interfaces ~= "" then add("ID_USB_INTERFACES", interfaces) end
	if ifnum then add("ID_USB_INTERFACE_NUM", ifnum) end
	if driver then add("ID_USB_DRIVER", driver) end
	return props
end
