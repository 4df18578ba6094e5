-- What the default scripts make of a tree's devices, in names-oracle.sh's format: for each query,
-- its links (sorted) and the properties udev's rules set that the comparison holds.
local testing = require "hotplug2.testing"

local KEYS = { "^ID_INPUT[A-Z_]*$", "^ID_BUS$", "^ID_SERIAL$", "^ID_PATH$", "^SOUND_[A-Z_]*$", "^ID_ID$" }

-- answers(defaults_dir, queries, dirs, o) -> { [DEVPATH] = { "LINK=/dev/...", ..., "KEY=VALUE", ... } }
-- for the "add" event of each DEVPATH of queries; o is testing.new's options (sysfs or root).
-- Only links under dirs (a list of "input/" and the like) are counted.
return function(dir, queries, dirs, o)
	o.config_dir = dir
	local hp = testing.new(o)
	local got = {}
	for _, q in ipairs(queries) do
		local acts, ev = hp:device(q)
		local links, props = {}, {}
		for _, a in ipairs(acts) do
			if a[1] == "symlink" then
				for _, d in ipairs(dirs) do
					if a.path:sub(1, #d + 5) == "/dev/" .. d then links[#links + 1] = "LINK=" .. a.path end
				end
			end
		end
		for k, v in pairs(ev) do
			for _, p in ipairs(KEYS) do
				if k:find(p) then props[#props + 1] = k .. "=" .. v end
			end
		end
		table.sort(links)
		table.sort(props)
		for _, p in ipairs(props) do links[#links + 1] = p end
		got[q] = links
	end
	hp:close()
	return got
end
