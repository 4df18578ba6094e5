-- Properties of a sound card for sound servers, as Debian's udev 252 sets them (78-sound-card):
-- SOUND_INITIALIZED, ID_ID, ID_PATH, SOUND_FORM_FACTOR, SOUND_CLASS, and the card's ID_BUS,
-- ID_VENDOR_ID, ID_MODEL_ID ... on the "change" event of cardN, which comes once the card's
-- devices are all there.  udev asks the kernel for that event by writing "change" to the card's
-- uevent file when the control device appears; hotplug2 has no action that writes sysfs, so
-- the event comes only when something else asks for it (a coldplug trigger).

local function has(v)
	return v ~= nil and v ~= ""
end

-- An attribute as udev's $attr{} gives it: no trailing whitespace, and every character but
-- letters, digits, "#+-.:=@_/ $%?,", backslashes and bytes past ASCII made "_" (udev checks the
-- bytes past ASCII are UTF-8 and allows a backslash only before x: close enough for these ids).
local function sysattr(dev, name)
	local v = attr(dev, name)
	if v == nil then return nil end
	return (v:gsub("%s+$", ""):gsub("[^%w#+%-.:=@_/ $%%?,\\\128-\255]", "_"))
end

-- Words in the model name that say what the device is, in udev's order.
local FORM_FACTORS = {
	{ "[Ss]peaker", "speaker" }, { "[Hh]eadphone", "headphone" }, { "[Hh]eadset", "headset" },
	{ "[Hh]andset", "handset" }, { "[Mm]icrophone", "microphone" },
}

-- udev's SUBSYSTEMS=="firewire", ATTRS{guid}=="?*": both on one device.
local FIREWIRE_GUID = { SUBSYSTEM = "firewire", ATTRS = { guid = glob "?*" } }

on({ ACTION = "change", SUBSYSTEM = "sound", DEVPATH = glob "*/card[0-9]*" }, function(ev)
	local kernel = ev.DEVPATH:match("^.*/([^/]+)$")
	if not kernel:find("^card") then return end
	setenv(ev, "SOUND_INITIALIZED", "1")
	if parent(ev, "usb") then
		import_builtin(ev, "usb_id")
	else
		local firewire, pci = parent(ev, "firewire"), parent(ev, "pci")
		if firewire then
			local guid = find_parent(ev, FIREWIRE_GUID)
			if guid then
				local at = { DEVPATH = guid.devpath }
				local g = sysattr(at, "guid")
				setenv(ev, "ID_BUS", "firewire")
				setenv(ev, "ID_SERIAL", g)
				setenv(ev, "ID_SERIAL_SHORT", g)
				setenv(ev, "ID_VENDOR_ID", sysattr(at, "vendor"))
				setenv(ev, "ID_MODEL_ID", sysattr(at, "model"))
				setenv(ev, "ID_VENDOR", sysattr(at, "vendor_name"))
				setenv(ev, "ID_MODEL", sysattr(at, "model_name"))
			end
		elseif pci then
			local at = { DEVPATH = pci.devpath }
			setenv(ev, "ID_BUS", "pci")
			setenv(ev, "ID_VENDOR_ID", sysattr(at, "vendor"))
			setenv(ev, "ID_MODEL_ID", sysattr(at, "device"))
		elseif parent(ev, "platform") then
			setenv(ev, "SOUND_FORM_FACTOR", "internal")
			return
		end
	end

	if has(ev.ID_SERIAL) then
		local id = (ev.ID_BUS or "") .. "-" .. ev.ID_SERIAL
		if has(ev.ID_USB_INTERFACE_NUM) then id = id .. "-" .. ev.ID_USB_INTERFACE_NUM end
		setenv(ev, "ID_ID", id)
	end
	import_builtin(ev, "path_id")
	local n = kernel:match("(%d+)$")
	if attr(ev, "pcmC" .. n .. "D0p/pcm_class") == "modem" then
		setenv(ev, "SOUND_CLASS", "modem")
		return
	end
	-- A card on the root PCI bus is built in.
	if parent(ev, "pci") and ev.DEVPATH:find("/0000:00:%x%x%.%x/sound/") then
		setenv(ev, "SOUND_FORM_FACTOR", "internal")
		return
	end
	if parent(ev, "usb") and (ev.ID_USB_INTERFACES or ""):find(":0e%x%x%x%x:") then
		setenv(ev, "SOUND_FORM_FACTOR", "webcam")
		return
	end
	for _, f in ipairs(FORM_FACTORS) do
		if (ev.ID_MODEL or ""):find(f[1]) then
			setenv(ev, "SOUND_FORM_FACTOR", f[2])
			return
		end
	end
end)
