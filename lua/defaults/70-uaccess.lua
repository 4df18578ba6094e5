-- The "uaccess" tag on the devices a logged-in user at the seat may open, as Debian's systemd 252
-- gives it (70-uaccess): logind grants the active session's user access to their nodes.  Sound,
-- video, DRM, KVM, rfkill, CD-ROM drives, joysticks, and devices whose properties (from earlier
-- scripts) say they are cameras, scanners, security tokens and the like.  Only devices with a
-- node get it.  docs/persistent-names-input.md, "Seats and uaccess", lists them.

local function has(v)
	return v ~= nil and v ~= ""
end

local function sysname(ev)
	return ev.DEVPATH:match("^.*/([^/]+)$")
end

-- Properties that alone give the tag when set (udev's ENV{NAME}=="?*"), and those that must be "1".
local ANY = { "ID_GPHOTO2", "ID_SMARTCARD_READER", "ID_SECURITY_TOKEN", "ID_PDA",
	"COLOR_MEASUREMENT_DEVICE", "DDC_DEVICE", "ID_SOFTWARE_RADIO", "ID_MAKER_TOOL" }
local ONE = { "ID_HPLIP", "ID_REMOTE_CONTROL" }
-- Whole subsystems.
local SUBSYSTEMS = { sound = true, video4linux = true, dvb = true, media = true }
-- Properties that give it to USB devices and hidraw nodes when "1".
local USB_HIDRAW_ONE = { "ID_AV_PRODUCTION_CONTROLLER", "ID_AV_LIGHTS", "ID_HARDWARE_WALLET" }

-- A SCSI ancestor (or the device) of type 4 (WORM) or 5 (CD/DVD), for scsi_generic nodes.
local SCSI_OPTICAL = { SUBSYSTEM = "scsi", ATTRS = { type = { "4", "5" } } }

local function uaccess(ev)
	local sub, kernel = ev.SUBSYSTEM, sysname(ev)
	if SUBSYSTEMS[sub] then return true end
	for _, k in ipairs(ANY) do
		if has(ev[k]) then return true end
	end
	for _, k in ipairs(ONE) do
		if ev[k] == "1" then return true end
	end
	if ev.libsane_matched == "yes" then return true end
	if sub == "usb" then
		if (ev.ID_USB_INTERFACES or ""):find(":060101:", 1, true) then return true end
		if has(ev.ID_MEDIA_PLAYER) then return true end
	end
	if sub == "usb" or sub == "hidraw" then
		for _, k in ipairs(USB_HIDRAW_ONE) do
			if ev[k] == "1" then return true end
		end
	end
	if sub == "block" and ev.ID_CDROM == "1" then return true end
	if sub == "scsi_generic" and find_parent(ev, SCSI_OPTICAL) then return true end
	if sub == "firewire" and attr(ev, "units") ~= nil then
		for _, f in ipairs { "MIDI", "AUDIO", "VIDEO" } do
			if ev["IEEE1394_UNIT_FUNCTION_" .. f] == "1" then return true end
		end
	end
	if sub == "drm" and (kernel:find("^card") or kernel:find("^renderD")) then return true end
	if sub == "misc" and (kernel == "kvm" or kernel == "rfkill") then return true end
	if sub == "input" and has(ev.ID_INPUT_JOYSTICK) then return true end
	if has(ev.ID_SIGNAL_ANALYZER) and (ev.DEVTYPE == "usb_device" or kernel:find("^ttyACM%d")) then
		return true
	end
	return false
end

on({ ACTION = except "remove", MAJOR = glob "?*" }, function(ev)
	if uaccess(ev) then tag(ev, "uaccess") end
end)
