-- The "seat" and "master-of-seat" tags, as Debian's systemd 252 gives them (71-seat): logind
-- assigns the devices tagged "seat" to seats (seat0 unless ID_SEAT says otherwise) and starts a
-- seat for each "master-of-seat" device (a DRM card, or a framebuffer without one).  Input
-- devices (inputN), sound cards, framebuffers, LEDs, backlights, DRM cards, USB devices and hubs
-- (so their ports can be given to a seat), and every "uaccess" device but sound nodes.  A seat
-- device gets ID_PATH (path_id) and ID_FOR_SEAT (SUBSYSTEM-ID_PATH_TAG), the name
-- "loginctl attach" writes seat rules for; ID_AUTOSEAT marks hardware that makes a seat of its own
-- (73-seat-late.lua names it).  docs/persistent-names-input.md, "Seats and uaccess", lists them.

local function has(v)
	return v ~= nil and v ~= ""
end

-- udev's hwdb fb:MODALIAS entries (60-seat.hwdb): framebuffers of graphics with no DRM driver,
-- each a master of its seat.
local FB_MASTERS = { "^pci:v000018CAd00000020", "^pci:v00001414d00005353",
	"^vmbus:02780ada77e3ac4a8e770558eb1073f8$" }

-- A PCI display controller (class 0x03xxxx), which udev's hwdb calls "Display controller".
local function display_controller(ev)
	if ev.ID_PCI_CLASS_FROM_DATABASE ~= nil then
		return ev.ID_PCI_CLASS_FROM_DATABASE == "Display controller"
	end
	local class = tonumber(ev.PCI_CLASS or "", 16)
	return class ~= nil and math.floor(class / 65536) == 3
end

on({ ACTION = except "remove" }, function(ev)
	local sub, kernel = ev.SUBSYSTEM, ev.DEVPATH:match("^.*/([^/]+)$")
	local seat, master = false, false
	if has_tag(ev, "uaccess") and sub ~= "sound" then seat = true end
	if sub == "sound" and kernel:find("^card") then seat = true end
	if sub == "input" and kernel:find("^input") then seat = true end
	if sub == "leds" or sub == "backlight" then seat = true end
	if sub == "graphics" and kernel:find("^fb%d") then
		seat = true
		-- efifb or uvesafb as the master when the kernel's KMS is off.
		if kernel:find("^fb%d$") and import_cmdline(ev, "nomodeset") then master = true end
		local modalias = attr(ev, "modalias")
		if has(modalias) then
			for _, p in ipairs(FB_MASTERS) do
				if modalias:find(p) then setenv(ev, "ID_TAG_MASTER_OF_SEAT", "1") end
			end
		end
	end
	-- A graphics card no driver took, with KMS off: a master that synthesizes a seat.
	if sub == "pci" and display_controller(ev) and not has(ev.DRIVER) and import_cmdline(ev, "nomodeset") then
		seat, master = true, true
	end
	if ev.ID_TAG_MASTER_OF_SEAT == "1" then master = true end
	if sub == "drm" and kernel:find("^card%d") then seat, master = true, true end

	if sub == "usb" then
		local class = attr(ev, "bDeviceClass")
		-- USB devices and hubs, so that a port and all below it can be given to a seat.
		if class == "00" or class == "09" then seat = true end
		local vendor, product = attr(ev, "idVendor"), attr(ev, "idProduct")
		-- The "Plugable" hub with sound, network and graphics.
		if vendor == "2230" and (product == "0001" or product == "0003") then
			setenv(ev, "ID_AUTOSEAT", "1")
		end
		-- The Mimo 720 monitor: its hub carries no ids of its own, its graphics (port 2) does.
		if vendor == "058f" and product == "6254" and attr(ev, kernel .. ".2/idVendor") == "17e9"
			and attr(ev, kernel .. ".2/idProduct") == "401a" and attr(ev, kernel .. ".2/product") == "mimo inc" then
			setenv(ev, "ID_AUTOSEAT", "1")
			setenv(ev, "ID_AVOID_LOOP", "1")
		end
		if vendor == "17e9" and product == "401a" and attr(ev, "product") == "mimo inc" then
			local up = { DEVPATH = ev.DEVPATH:match("^(.*)/[^/]+$") }
			if attr(up, "idVendor") == "058f" and attr(up, "idProduct") == "6254" then
				import_parent(ev, "ID_AVOID_LOOP")
			end
		end
	end
	-- qemu's pci-bridge-seat: the devices behind it make a seat of their own.
	if sub == "pci" and attr(ev, "vendor") == "0x1b36" and attr(ev, "device") == "0x000a" then
		seat = true
		setenv(ev, "ID_AUTOSEAT", "1")
	end

	if seat then tag(ev, "seat") end
	if master then tag(ev, "master-of-seat") end
	if not has_tag(ev, "seat") then return end
	if not has(ev.ID_PATH) then import_builtin(ev, "path_id") end
	if not has(ev.ID_FOR_SEAT) and has(ev.ID_PATH_TAG) then
		setenv(ev, "ID_FOR_SEAT", sub .. "-" .. ev.ID_PATH_TAG)
	end
end)
