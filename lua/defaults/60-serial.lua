-- Persistent names for serial ports, as Debian's udev 252 makes them (60-serial):
-- /dev/serial/by-id/usb-SERIAL-ifNN[-portN] and /dev/serial/by-path/PATH[-portN] for USB serial
-- adapters (ttyUSB*) and modems (ttyACM*); ID_BUS, ID_VENDOR_ID and ID_MODEL_ID for every tty on
-- USB or PCI.  docs/persistent-names-input.md lists the names.

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

-- Virtual terminals, pseudo-terminals and the like sit below /devices/virtual, with no bus above
-- them: most tty events end at this match.
on({ ACTION = { "add", "change" }, SUBSYSTEM = "tty", DEVPATH = except(glob "/devices/virtual/*") },
function(ev)
	local usb, pci
	local at = ev
	while true do
		local info = parent(at)
		if info == nil then break end
		if info.subsystem == "usb" then usb = usb or info end
		if info.subsystem == "pci" then pci = pci or info end
		at = { DEVPATH = info.devpath }
	end
	if usb then import_builtin(ev, "usb_id") end
	if not has(ev.ID_BUS) then
		if pci then
			local dev = { DEVPATH = pci.devpath }
			setenv(ev, "ID_BUS", "pci")
			setenv(ev, "ID_VENDOR_ID", sysattr(dev, "vendor"))
			setenv(ev, "ID_MODEL_ID", sysattr(dev, "device"))
		end
	end
end)

on({ ACTION = { "add", "change" }, SUBSYSTEM = "tty", DEVNAME = present, DEVPATH = { glob "*/ttyUSB[0-9]*", glob "*/ttyACM[0-9]*" } },
function(ev)
	local kernel = ev.DEVPATH:match("^.*/([^/]+)$")
	if not (kernel:find("^ttyUSB%d") or kernel:find("^ttyACM%d")) then return end
	-- A port of a usb-serial adapter that has several (udev's .ID_PORT).
	local port
	local serial = parent(ev, "usb-serial")
	if serial then port = attr({ DEVPATH = serial.devpath }, "port_number") end
	local suffix = has(port) and "-port" .. port or ""

	import_builtin(ev, "path_id")
	if has(ev.ID_PATH) then make_link(ev, "serial/by-path/" .. ev.ID_PATH .. suffix) end

	if not (has(ev.ID_BUS) and has(ev.ID_SERIAL) and has(ev.ID_USB_INTERFACE_NUM)) then return end
	make_link(ev, "serial/by-id/" .. ev.ID_BUS .. "-" .. ev.ID_SERIAL .. "-if" .. ev.ID_USB_INTERFACE_NUM .. suffix)
end)
