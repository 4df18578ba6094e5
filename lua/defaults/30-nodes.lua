-- Device nodes: every device with a DEVNAME gets /dev/DEVNAME, and loses it
-- on removal, with /dev/char/MAJ:MIN or /dev/block/MAJ:MIN leading to it.
-- Modes and groups follow udev's and OpenWrt's defaults.
-- A policy is { mode, group }; the first that applies wins:
--   1. by_name, the exact DEVNAME;
--   2. by_subsystem[SUBSYSTEM]: its patterns in order, then its default;
--   3. the mode the kernel suggests in DEVMODE (kmsg 0644), group root;
--   4. otherwise root only (0600).
-- The node is made after the last handler of the event ran, so a later file
-- changes these defaults for a device in one line, the fields it gives only:
--   on({ ACTION = "add", DEVNAME = pattern "^ttyUSB" }, function(ev) make_node(ev, { group = "uucp" }) end)
-- and make_node(ev, { mode = "0600", final = true }) here would keep a mode
-- whatever later files say.

-- Everyone may use these.
local by_name = {
	null = { "0666" }, zero = { "0666" }, full = { "0666" },
	random = { "0666" }, urandom = { "0666" },
	tty = { "0666", "tty" }, ptmx = { "0666", "tty" },
	["net/tun"] = { "0666" }, fuse = { "0666" },
	kvm = { "0660", "kvm" }, ["vhost-net"] = { "0660", "kvm" },
	mem = { "0640", "kmem" }, kmem = { "0640", "kmem" }, port = { "0640", "kmem" },
	console = { "0600" }, ["loop-control"] = { "0660", "disk" },
}

local by_subsystem = {
	tty = {
		{ "^tty%d+$", "0620", "tty" },	-- virtual consoles
		{ "^tty[A-Z]", "0660", "dialout" },	-- ttyS0, ttyUSB0, ttyACM0 ...
	},
	vc = { { "^vcs", "0620", "tty" } },
	block = {
		{ "^sr%d+$", "0660", "cdrom" },
		default = { "0660", "disk" },
	},
	sound = { default = { "0660", "audio" } },
	input = { default = { "0660", "input" } },
	video4linux = { default = { "0660", "video" } },
	drm = { { "^dri/render", "0666", "render" }, default = { "0660", "video" } },
	usb = { default = { "0664" } },	-- bus/usb/BBB/DDD, for libusb
	printer = { default = { "0660", "lp" } },
	scsi_generic = { default = { "0660", "disk" } },
	rtc = { default = { "0644" } },
}

-- make_node's options for each policy, made once here rather than once
-- per event.
local function options(p)
	return { mode = p[1], group = p[2] }
end
for name, p in pairs(by_name) do by_name[name] = options(p) end
for _, sub in pairs(by_subsystem) do
	for i = 1, #sub do sub[i].options = options { sub[i][2], sub[i][3] } end
	if sub.default then sub.default = options(sub.default) end
end
local ROOT_ONLY = options { "0600" }

local function policy(ev)
	local name = ev.DEVNAME
	local p = by_name[name]
	if p then return p end
	local sub = by_subsystem[ev.SUBSYSTEM]
	if sub then
		for i = 1, #sub do
			if name:find(sub[i][1]) then return sub[i].options end
		end
		if sub.default then return sub.default end
	end
	if ev.DEVMODE then return { mode = ev.DEVMODE } end
	return ROOT_ONLY
end

-- /dev/block/MAJ:MIN and /dev/char/MAJ:MIN lead to every node, as udev's do.
local function numbers(ev)
	return (ev.SUBSYSTEM == "block" and "block/" or "char/") .. ev.MAJOR .. ":" .. ev.MINOR
end

-- A change event makes them again, as udev does: the links a device's event
-- does not make again are released (see make_link), and a node that is
-- already right is left as it is.
on({ ACTION = { "add", "change" }, DEVNAME = present, MAJOR = present }, function(ev)
	make_node(ev, policy(ev))
	make_link(ev, numbers(ev))
end)

-- /dev/rtc, as udev's: the clock the kernel set the system time from, or
-- else rtc0 (a lower priority).
on({ ACTION = { "add", "change" }, SUBSYSTEM = "rtc", DEVNAME = present }, function(ev)
	if attr(ev, "hctosys") == "1" then
		make_link(ev, "rtc")
	elseif ev.DEVNAME == "rtc0" then
		make_link(ev, "rtc", { priority = -100 })
	end
end)

-- On removal the links go with the device (see make_link).
on({ ACTION = "remove", DEVNAME = present }, function(ev)
	remove_node(ev)
end)
