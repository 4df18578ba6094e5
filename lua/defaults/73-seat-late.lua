-- The seat a device belongs to, as Debian's systemd 252 names it (73-seat-late): ID_SEAT, from a
-- script before this one (the rules "loginctl attach" writes, ported), from hardware that makes a
-- seat of its own (ID_AUTOSEAT: seat-ID_FOR_SEAT), or else the parent device's, and the seat's
-- name as a tag, which logind enumerates.  A device without ID_SEAT is seat0's.

local function has(v)
	return v ~= nil and v ~= ""
end

local function not_remove(action)
	return action ~= "remove"
end

on({ ACTION = not_remove }, function(ev)
	if not has(ev.ID_SEAT) and ev.ID_AUTOSEAT == "1" and has(ev.ID_FOR_SEAT) then
		setenv(ev, "ID_SEAT", "seat-" .. ev.ID_FOR_SEAT)
	end
	if not has(ev.ID_SEAT) then import_parent(ev, "ID_SEAT") end
	-- A name that is no tag name (hotplug2 allows letters, digits, "_" and "-") tags nothing.
	if has(ev.ID_SEAT) and ev.ID_SEAT:find("^[%w_%-]+$") then tag(ev, ev.ID_SEAT) end
end)
