-- Persistent names for video devices, as Debian's udev 252 makes them (60-persistent-v4l):
-- /dev/v4l/by-id/usb-SERIAL-video-indexN and /dev/v4l/by-path/PATH-{video,audio}-indexN.
-- udev's v4l_id program (which asks the node for ID_V4L_CAPABILITIES) is not run: no name
-- depends on it.  docs/persistent-names-input.md lists the names.

local function has(v)
	return v ~= nil and v ~= ""
end

on({ ACTION = { "add", "change" }, SUBSYSTEM = "video4linux", MAJOR = present }, function(ev)
	local kernel = ev.DEVPATH:match("^.*/([^/]+)$")
	local index = attr(ev, "index")
	if parent(ev, "usb") then import_builtin(ev, "usb_id") end
	if kernel:find("^video") and has(ev.ID_SERIAL) then
		make_link(ev, "v4l/by-id/" .. (ev.ID_BUS or "") .. "-" .. ev.ID_SERIAL .. "-video-index" .. (index or ""))
	end
	if not has(index) then return end
	import_builtin(ev, "path_id")
	if not has(ev.ID_PATH) then return end
	if kernel:find("^video") or kernel:find("^vbi") then
		make_link(ev, "v4l/by-path/" .. ev.ID_PATH .. "-video-index" .. index)
	elseif kernel:find("^audio") then
		make_link(ev, "v4l/by-path/" .. ev.ID_PATH .. "-audio-index" .. index)
	end
end)
