-- The seat a device belongs to, as Debian's systemd 252 names it (73-seat-late): ID_SEAT, from a
-- script before this one (the rules "loginctl attach" writes, ported), from hardware that makes a
-- seat of its own (ID_AUTOSEAT: seat-ID_FOR_SEAT), or else the parent device's, and the seat's
-- name as a tag, which logind enumerates.  A device without ID_SEAT is seat0's.

local function has(v)
	return v ~= nil and v ~= ""
end

-- The devices given an ID_SEAT since hotplug2 started (DEVPATH -> ID_SEAT).  A parent's event
-- comes before its children's, so a device whose ancestors are all absent here has no seat to
-- inherit, and its parent's database entry is not read: on a machine with only seat0 (no
-- ID_SEAT anywhere) this script reads nothing.
local seated = {}

local function under_seat(devpath)
	local p = devpath:match("^(.*)/[^/]+$")
	while p and p ~= "" do
		if seated[p] then return true end
		p = p:match("^(.*)/[^/]+$")
	end
	return false
end

on({ ACTION = "remove" }, function(ev)
	seated[ev.DEVPATH] = nil
end)

on({ ACTION = except "remove" }, function(ev)
	if not has(ev.ID_SEAT) and ev.ID_AUTOSEAT == "1" and has(ev.ID_FOR_SEAT) then
		setenv(ev, "ID_SEAT", "seat-" .. ev.ID_FOR_SEAT)
	end
	if not has(ev.ID_SEAT) and next(seated) ~= nil and under_seat(ev.DEVPATH) then
		import_parent(ev, "ID_SEAT")
	end
	if has(ev.ID_SEAT) then
		seated[ev.DEVPATH] = ev.ID_SEAT
		-- A name that is no tag name (hotplug2 allows letters, digits, "_" and "-") tags nothing.
		if ev.ID_SEAT:find("^[%w_%-]+$") then tag(ev, ev.ID_SEAT) end
	else
		seated[ev.DEVPATH] = nil
	end
end)
