-- The path_id builtin: where a device hangs off the machine, as udev 252's path_id
-- names it (ID_PATH "pci-0000:00:1f.2-ata-1.0", ID_PATH_TAG, ID_PATH_ATA_COMPAT), read
-- from sysfs under the root.  The walk goes from the device up to the top; each bus
-- it knows puts its part in front of the path; a device whose top is no bus it knows
-- (pci, platform, acpi, xen, scm, ccw...) gets nothing, and neither does a block
-- device with no known transport (scsi, usb, virtio, nvme...).
-- Not done: s390's ap bus; everything else udev 252 handles is here.
local device = require "hotplug2.device"

local up = device.up

-- The trailing digits of a kernel name (udev's sysnum): "serio1" -> "1".
local function sysnum(name)
	return name and name:match("(%d+)$")
end

local function basename(p)
	return p:match("^.*/([^/]+)$") or p:match("^([^/]+)$")
end

return function(ctx, ev)
	local dev = ctx.dev
	local attr = ctx.attr

	-- Each device is looked at once per run: the walks below cross the same ones.
	local seen = {}
	local function info_of(p)
		local i = seen[p]
		if i == nil then
			i = dev.info(p) or false
			seen[p] = i
		end
		return i or nil
	end

	-- The nearest ancestor that is a device, or nil at the top.
	local function parent_of(info)
		local p = up(info.devpath)
		while p do
			local i = info_of(p)
			if i then return i end
			p = up(p)
		end
		return nil
	end

	-- A device of a class, by its kernel name: /sys/class/CLASS/NAME.
	local function class_dev(class, name)
		if not name or name:find("/", 1, true) or name == ".." then return nil end
		local p = "/class/" .. class .. "/" .. name
		if ctx.core.readlink("sys" .. p) or ctx.core.exists("sys" .. p) then return p end
		return nil
	end
	local function class_attr(class, name, a)
		local p = class_dev(class, name)
		return p and attr(p, a)
	end

	-- udev's skip_subsystem: the last of the run of ancestors (from info on)
	-- in that subsystem.
	local function skip(info, subsys)
		local last = info
		local p = info
		while p and p.subsystem == subsys do
			last = p
			p = parent_of(p)
		end
		return last
	end

	local path, compat
	local function prepend(s)
		path = path and (s .. "-" .. path) or s
	end
	local function prepend_compat(s)
		if compat then compat = s .. "-" .. compat end
	end

	local function lun_of(info)
		local n = tonumber(sysnum(info.kernel))
		if not n then return nil end
		if n < 256 then return "lun-" .. n end
		return ("lun-0x%04x%04x00000000"):format(n % 65536, math.floor(n / 65536) % 65536)
	end

	local function hctl(info)
		local h, b, t, l = info.kernel:match("^(%d+):(%d+):(%d+):(%d+)$")
		if not h then return nil end
		return tonumber(h), tonumber(b), tonumber(t), tonumber(l)
	end

	-- udev's parent with subsystem scsi and that type.
	local function scsi_parent(info, devtype)
		local p = parent_of(info)
		while p and not (p.subsystem == "scsi" and p.devtype == devtype) do p = parent_of(p) end
		return p
	end

	local function scsi_fc(info)
		local target = scsi_parent(info, "scsi_target")
		if not target then return nil end
		local port = class_attr("fc_transport", target.kernel, "port_name")
		if not port then return nil end
		local lun = lun_of(info)
		prepend(("fc-%s-%s"):format(port, lun or ""))
		return info
	end

	local function scsi_sas_wide(info, sysname)
		local addr = class_attr("sas_device", sysname, "sas_address")
		if not addr then return nil end
		prepend(("sas-%s-%s"):format(addr, lun_of(info) or ""))
		return info
	end

	local function scsi_sas(info)
		local target = scsi_parent(info, "scsi_target")
		local tparent = target and parent_of(target)
		if not tparent then return nil end
		if not class_dev("sas_device", tparent.kernel) then return nil end
		local port = parent_of(tparent)
		if not port then return nil end
		local phys = class_attr("sas_port", port.kernel, "num_phys")
		if not phys then return nil end
		if phys ~= "1" then return scsi_sas_wide(info, tparent.kernel) end
		local phy = class_attr("sas_device", tparent.kernel, "phy_identifier")
		if not phy then return nil end
		local expander = parent_of(port)
		if not expander then return nil end
		local addr
		if class_dev("sas_device", expander.kernel) then
			addr = class_attr("sas_device", expander.kernel, "sas_address")
			if not addr then return nil end
		end
		local lun = lun_of(info) or ""
		if addr then
			prepend(("sas-exp%s-phy%s-%s"):format(addr, phy, lun))
		else
			prepend(("sas-phy%s-%s"):format(phy, lun))
		end
		return info
	end

	local function scsi_iscsi(info)
		local t = info
		repeat
			t = parent_of(t)
			if not t then return nil end
		until t.kernel:find("^session")
		local target = class_attr("iscsi_session", t.kernel, "targetname")
		local n = sysnum(t.kernel)
		if not target or not n then return nil end
		local conn = "connection" .. n .. ":0"
		local addr = class_attr("iscsi_connection", conn, "persistent_address")
		local port = class_attr("iscsi_connection", conn, "persistent_port")
		if not addr or not port then return nil end
		prepend(("ip-%s:%s-iscsi-%s-%s"):format(addr, port, target, lun_of(info) or ""))
		return info
	end

	local function scsi_ata(info)
		local _, bus, target = hctl(info)
		if not bus then return nil end
		local host = scsi_parent(info, "scsi_host")
		local hparent = host and parent_of(host)
		if not hparent then return nil end
		local port = class_attr("ata_port", hparent.kernel, "port_no")
		if not port then return nil end
		if bus ~= 0 then
			prepend(("ata-%s.%d.0"):format(port, bus))
		else
			prepend(("ata-%s.%d"):format(port, target))
		end
		compat = compat and ("ata-" .. port .. "-" .. compat) or ("ata-" .. port)
		return info
	end

	local function scsi_hyperv(info, len)
		local host = scsi_parent(info, "scsi_host")
		local vmbus = host and parent_of(host)
		if not vmbus then return nil end
		local guid = attr(vmbus.devpath, "device_id")
		if not guid or #guid < len or guid:sub(1, 1) ~= "{" or guid:sub(len, len) ~= "}" then
			return nil
		end
		prepend(("vmbus-%s-%s"):format(guid:sub(2, len - 1):gsub("%-", ""), lun_of(info) or ""))
		return info
	end

	local function scsi_default(info)
		local host = scsi_parent(info, "scsi_host")
		if not host then return nil end
		local h, b, t, l = hctl(info)
		if not h then return nil end
		-- The host number counted from the lowest host of the same parent.
		local base
		for _, name in ipairs(ctx.core.readdir("sys" .. up(host.devpath)) or {}) do
			local n = name:match("^host(%d+)$")
			n = n and tonumber(n)
			if n and (base == nil or n < base) then base = n end
		end
		if base == nil then return host end
		prepend(("scsi-%d:%d:%d:%d"):format(h - base, b, t, l))
		return host
	end

	local supported_transport, supported_parent = false, false

	local function scsi(info)
		if info.devtype ~= "scsi_device" then return info end
		local id = attr(info.devpath, "ieee1394_id")
		if id then
			prepend("ieee1394-0x" .. id)
			supported_parent = true
			return skip(info, "scsi")
		end
		local p = info.devpath
		if p:find("/rport-", 1, true) then
			supported_parent = true
			return scsi_fc(info)
		elseif p:find("/end_device-", 1, true) then
			supported_parent = true
			return scsi_sas(info)
		elseif p:find("/session", 1, true) then
			supported_parent = true
			return scsi_iscsi(info)
		elseif p:find("/ata", 1, true) then
			return scsi_ata(info)
		elseif p:find("/vmbus_", 1, true) then
			return scsi_hyperv(info, 37)
		elseif p:find("/VMBUS", 1, true) then
			return scsi_hyperv(info, 38)
		end
		return scsi_default(info)
	end

	local function usb(info)
		if info.devtype ~= "usb_interface" and info.devtype ~= "usb_device" then return info end
		local port = info.kernel:match("%-(.*)$")
		if not port then return info end
		prepend("usb-0:" .. port)
		return skip(info, "usb")
	end

	-- Buses that put "BUS-KERNEL" in front and are a known top.
	local named = { pci = "pci", platform = "platform", acpi = "acpi", xen = "xen",
		scm = "scm", ccw = "ccw", ccwgroup = "ccwgroup", iucv = "iucv" }
	local transport = { platform = true, scm = true, ccw = true, ccwgroup = true, iucv = true }

	local first = info_of(ev.DEVPATH)
	if not first then return {} end
	local info = first
	while info do
		local sub, name = info.subsystem, info.kernel
		if sub == nil then
			-- Not a device udev can name: go on upwards.
		elseif sub == "scsi_tape" then
			if not path then
				local mode = name:match("^nst([lma])") or name:match("^st([lma])")
				if mode then prepend((name:find("^nst") and "nst" or "st") .. mode) end
			end
		elseif sub == "scsi" then
			info = scsi(info)
			supported_transport = true
		elseif sub == "cciss" then
			local disk = name:match("^c%d+d(%d+)")
			if disk then
				prepend("cciss-disk" .. tonumber(disk))
				info = skip(info, "cciss")
			else
				info = nil
			end
			supported_transport = true
		elseif sub == "usb" then
			info = usb(info)
			supported_transport = true
		elseif sub == "bcma" then
			local core = name:match("^bcma%d+:(%d+)")
			if core then prepend("bcma-" .. tonumber(core)) else info = nil end
			supported_transport = true
		elseif sub == "serio" then
			local n = sysnum(name)
			if n then
				prepend("serio-" .. n)
				info = skip(info, "serio")
			end
		elseif named[sub] then
			prepend(named[sub] .. "-" .. name)
			prepend_compat(named[sub] .. "-" .. name)
			info = skip(info, sub)
			supported_parent = true
			if transport[sub] then supported_transport = true end
		elseif sub == "virtio" then
			info = skip(info, "virtio")
			supported_transport = true
		elseif sub == "nvme" or sub == "nvme-subsystem" then
			local nsid = attr(first.devpath, "nsid")
			if nsid then
				prepend("nvme-" .. nsid)
				prepend_compat("nvme-" .. nsid)
				if sub == "nvme-subsystem" then
					-- The controller of a multipath namespace: nvmeN of nvmeNnM.
					local ctrl = first.kernel:match("^(nvme%d+)")
					local target = ctrl and ctx.core.readlink("sys/class/nvme/" .. ctrl)
					local p = target and target:match("^%.%./%.%.(/devices/.*)$")
					info = p and info_of(p)
					if not info then return {} end
				end
				info = skip(info, "nvme")
				supported_parent = true
				supported_transport = true
			end
		elseif sub == "spi" then
			local n = sysnum(name)
			if n then
				prepend("cs-" .. n)
				info = skip(info, "spi")
			end
		end
		info = info and parent_of(info)
	end

	if not path or not supported_parent then return {} end
	if first.subsystem == "block" and not supported_transport then return {} end

	-- The tag: letters, digits and "-" kept, every other run one "_", none at either end.
	local tag = path:gsub("[^%w%-]+", "_"):gsub("^_+", ""):gsub("_+$", "")
	local props = { { "ID_PATH", path }, { "ID_PATH_TAG", tag } }
	if compat then props[3] = { "ID_PATH_ATA_COMPAT", compat } end
	return props
end
