-- Persistent names for input devices, as Debian's udev 252 makes them (60-persistent-input):
-- /dev/input/by-id/BUS-SERIAL[-ifNN]-[event-]CLASS for USB devices and
-- /dev/input/by-path/PATH-[event-]CLASS, CLASS being kbd, mouse, joystick, spkr or ir from
-- 60-input-id.lua's classification.  docs/persistent-names-input.md lists the names.

-- Every ancestor of the device that is a device, nearest first: one walk up sysfs per event.
local function ancestors(ev)
	local list, at = {}, ev
	while true do
		local info = parent(at)
		if info == nil then return list end
		list[#list + 1] = info
		at = { DEVPATH = info.devpath }
	end
end

local function has(v)
	return v ~= nil and v ~= ""
end

-- The first of the device and its ancestors with the attribute, and its value (udev's ATTRS).
local function attrs(ev, up, name)
	local v = attr(ev, name)
	if v ~= nil then return v end
	for _, info in ipairs(up) do
		v = attr({ DEVPATH = info.devpath }, name)
		if v ~= nil then return v end
	end
	return nil
end

-- udev's ATTRS{name}=="*dvb*|*DVB*|* IR *" on any of them: DVB adapters and infrared receivers.
local function ir(ev, up)
	local function named(v)
		return v ~= nil and (v:find("dvb", 1, true) or v:find("DVB", 1, true) or v:find(" IR ", 1, true))
	end
	if named(attr(ev, "name")) then return true end
	for _, info in ipairs(up) do
		if named(attr({ DEVPATH = info.devpath }, "name")) then return true end
	end
	return false
end

on({ ACTION = { "add", "change" }, SUBSYSTEM = "input" }, function(ev)
	local up = ancestors(ev)
	local sub, driver = {}, {}
	for _, info in ipairs(up) do
		if info.subsystem then sub[info.subsystem] = true end
		if info.driver then driver[info.driver] = true end
	end
	-- Bluetooth devices get no names: their paths and serials change between connections.
	if sub.bluetooth or attrs(ev, up, "id/bustype") == "0005" then
		setenv(ev, "ID_BUS", "bluetooth")
		return
	end
	if sub.rmi4 then setenv(ev, "ID_BUS", "rmi") end
	if sub.serio then setenv(ev, "ID_BUS", "i8042") end
	if sub.usb and not has(ev.ID_BUS) then import_builtin(ev, "usb_id") end

	local class
	if has(ev.ID_INPUT_KEYBOARD) then class = "kbd" end
	if has(ev.ID_INPUT_MOUSE) or has(ev.ID_INPUT_TOUCHPAD) or has(ev.ID_INPUT_TABLET) then class = "mouse" end
	if has(ev.ID_INPUT_JOYSTICK) then class = "joystick" end
	if driver.pcspkr then class = "spkr" end
	if ir(ev, up) then class = "ir" end
	if class and not has(ev.ID_SERIAL) then setenv(ev, "ID_SERIAL", "noserial") end

	if sub.pci or sub.usb or sub.platform or sub.acpi then import_builtin(ev, "path_id") end

	local kernel = ev.DEVPATH:match("^.*/([^/]+)$")
	local event = kernel:find("^event") ~= nil
	local node = event or kernel:find("^mouse") or kernel:find("^js")
	if not node or not has(ev.DEVNAME) then return end

	-- by-id: the interface number only when it is not the first interface.
	local ifnum = attrs(ev, up, "bInterfaceNumber")
	if has(ev.ID_BUS) and class and ifnum ~= nil then
		local id = ev.ID_BUS .. "-" .. ev.ID_SERIAL
		if ifnum ~= "" and ifnum ~= "00" then id = id .. "-if" .. ifnum end
		make_link(ev, "input/by-id/" .. id .. (event and "-event-" or "-") .. class)
	elseif has(ev.ID_BUS) and event and not class and sub.usb and has(ifnum) then
		make_link(ev, "input/by-id/" .. ev.ID_BUS .. "-" .. (ev.ID_SERIAL or "") .. "-event-if" .. ifnum)
	end

	if has(ev.ID_PATH) then
		if class then
			make_link(ev, "input/by-path/" .. ev.ID_PATH .. (event and "-event-" or "-") .. class)
		elseif event and (sub.usb or sub.platform or sub.i2c) then
			make_link(ev, "input/by-path/" .. ev.ID_PATH .. "-event")
		end
	end
end)
