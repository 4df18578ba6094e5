-- Persistent names for sound cards, as Debian's udev 252 makes them (60-persistent-alsa):
-- /dev/snd/by-id/usb-SERIAL[-NN] and /dev/snd/by-path/PATH, leading to the card's control
-- device (controlCN).  docs/persistent-names-input.md lists the names.

local function has(v)
	return v ~= nil and v ~= ""
end

on({ ACTION = { "add", "change" }, SUBSYSTEM = "sound", DEVNAME = present,
	DEVPATH = glob "*/controlC[0-9]*" }, function(ev)
	if not ev.DEVPATH:match("/controlC%d[^/]*$") then return end
	if not has(ev.ID_MODEL) and parent(ev, "usb") then import_builtin(ev, "usb_id") end
	if has(ev.ID_SERIAL) then
		if has(ev.ID_USB_INTERFACE_NUM) then
			make_link(ev, "snd/by-id/" .. (ev.ID_BUS or "") .. "-" .. ev.ID_SERIAL .. "-" .. ev.ID_USB_INTERFACE_NUM)
		else
			make_link(ev, "snd/by-id/" .. (ev.ID_BUS or "") .. "-" .. ev.ID_SERIAL)
		end
	end
	import_builtin(ev, "path_id")
	if has(ev.ID_PATH) then make_link(ev, "snd/by-path/" .. ev.ID_PATH) end
end)
