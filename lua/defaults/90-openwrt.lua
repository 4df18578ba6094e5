-- OpenWrt compatibility: run the shell fragments in /etc/hotplug.d/SUBSYSTEM/
-- in lexical order, as OpenWrt's hotplug-call does, each in a subshell with
-- the event's variables (plus DEVICENAME) in its environment.  Nothing runs
-- when that directory is missing or empty.

-- Most systems have no /etc/hotplug.d: then this file registers nothing
-- and costs nothing per event (create it, then reload with SIGHUP).
if not list_dir("/etc/hotplug.d") then return end

on({ SUBSYSTEM = { "net", "input", "button", "usb", "block", "tty", "ieee1394", "atm" } },
function(ev)
	local dir = "/etc/hotplug.d/" .. ev.SUBSYSTEM
	local names = list_dir(dir)
	if not names or #names == 0 then return end
	local argv = { "/bin/sh", "-c", 'for f in "$@"; do (. "$f"); done', "hotplug-call" }
	for _, name in ipairs(names) do
		argv[#argv + 1] = rooted(dir .. "/" .. name)
	end
	setenv(ev, "DEVICENAME", ev.DEVPATH:match("[^/]*$"))
	exec(ev, argv)
end)
