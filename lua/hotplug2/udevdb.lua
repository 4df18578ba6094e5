-- udev's database and libudev's broadcast: what libudev clients (udevadm, pyudev, libinput,
-- udisks, logind) read about a device once hotplug2 has handled its event.  The formats are
-- those of systemd 252 (docs/udev-compat.md); this module decides what goes in them, the core
-- writes files atomically (core.write) and sends the message (core.udev_broadcast).
--
--   local udevdb = require "hotplug2.udevdb"
--   local db = udevdb.new { core = core, broadcast = true }
--   db:record(ev, { kernel = {...}, links = { ["disk/by-label/boot"] = 0 },
--                   tags = { "uaccess" }, node = "sda1", initialized = usec })
--
-- record's input, all of it explicit:
--   ev           the event's final properties, after every handler (ACTION, DEVPATH,
--                SUBSYSTEM, SEQNUM, what the kernel sent and what handlers set)
--   kernel       the properties as the kernel sent them; keys of ev not there, or with
--                another value, are the "exported" ones (E: lines)
--   kernel_text  instead of kernel: M.text of them, taken before the handlers ran
--                (what the runner gives: a string, not a copy of the event)
--   links        link names under /dev the device owns, each with its priority
--   tags         tag names, in order
--   node         the node's name under /dev (DEVNAME's), or nil
--   initialized  CLOCK_MONOTONIC microseconds of the device's first handling; nil: the
--                time the database remembers for it, else now
local M = {}

-- udev 252's database format version (the V: line).
M.VERSION = 1

-- Properties sd-device derives itself (from the db or the links and tags): never E: lines.
local DOT = ("."):byte()
-- A property clients see: a key that is not empty and not a private ".NAME".
local function public(k)
	local b = k:byte(1)
	return b ~= nil and b ~= DOT
end
local DERIVED = { DEVLINKS = true, TAGS = true, CURRENT_TAGS = true, USEC_INITIALIZED = true }

-- Properties first in a broadcast, in this order; the rest follow sorted.
local FIRST = { "ACTION", "DEVPATH", "SUBSYSTEM", "DEVTYPE", "DEVNAME", "SEQNUM",
	"USEC_INITIALIZED" }
local IS_FIRST = {}
for _, k in ipairs(FIRST) do IS_FIRST[k] = true end

-- The device's id, udev's name for its database entry: "c1:3", "b8:0" (a
-- device number), "n2" (a network interface), "+drivers:usb:hub",
-- "+subsystem:sysname" (anything else).  nil without DEVPATH or SUBSYSTEM.
local function device_id(ev, devpath, subsystem)
	local major, minor = tonumber(ev.MAJOR), tonumber(ev.MINOR)
	if major and minor and major > 0 then
		return ("%s%d:%d"):format(subsystem == "block" and "b" or "c", major, minor)
	end
	local ifindex = tonumber(ev.IFINDEX)
	if ifindex and ifindex > 0 then return ("n%d"):format(ifindex) end
	-- Anchored: unanchored, "([^/]+)$" is tried at every byte.
	local sysname = devpath:match("^.*/([^/]+)$") or devpath:match("^([^/]+)$")
	if not sysname then return nil end
	if subsystem == "drivers" then
		-- /bus/usb/drivers/hub: the driver's bus is part of the name.
		local bus = devpath:match("/bus/([^/]+)/drivers/[^/]+$")
		if bus then return ("+drivers:%s:%s"):format(bus, sysname) end
	end
	return ("+%s:%s"):format(subsystem, sysname)
end

-- A burst asks again for the same devices: the answer is kept per
-- DEVPATH with what it was made of (bounded: emptied when full).
local ID_MEMO_MAX = 4096
local id_memo, nid = {}, 0

function M.device_id(ev)
	local devpath, subsystem = ev.DEVPATH, ev.SUBSYSTEM
	if type(devpath) ~= "string" or type(subsystem) ~= "string" then return nil end
	local major, minor, ifindex = ev.MAJOR, ev.MINOR, ev.IFINDEX
	local m = id_memo[devpath]
	if m and m[1] == subsystem and m[2] == major and m[3] == minor and m[4] == ifindex then
		return m[5]
	end
	local id = device_id(ev, devpath, subsystem)
	if not m then
		if nid >= ID_MEMO_MAX then id_memo, nid = {}, 0 end
		nid = nid + 1
		m = {}
		id_memo[devpath] = m
	end
	m[1], m[2], m[3], m[4], m[5] = subsystem, major, minor, ifindex, id
	return id
end

-- What of a property table makes a database entry, as one string:
-- "KEY=VALUE\0" for each string key with a string value, sorted by key,
-- without private ".NAME" keys, the derived ones, ACTION and SEQNUM.
-- Tables with the same text make the same entry, so an event is compared
-- with the device's last one by comparing two strings.  In C when the
-- core has it (core.properties_text).
local TEXT_SKIP = { ACTION = true, SEQNUM = true }
for k in pairs(DERIVED) do TEXT_SKIP[k] = true end

local function lua_text(t, skip)
	local keys = {}
	for k, v in pairs(t) do
		if type(k) == "string" and type(v) == "string" and public(k)
			and not (skip and skip[k]) then
			keys[#keys + 1] = k
		end
	end
	table.sort(keys)
	for i, k in ipairs(keys) do keys[i] = k .. "=" .. t[k] .. "\0" end
	return table.concat(keys)
end
M.lua_text = lua_text

-- The table back from a text.
function M.parse_text(text)
	local t = {}
	for k, v in text:gmatch("([^%z=]+)=([^%z]*)%z") do t[k] = v end
	return t
end

-- The keys handlers set or changed, sorted, without private ".NAME"
-- ones and the derived ones.
function M.exported(ev, kernel)
	local keys = {}
	for k, v in pairs(ev) do
		if type(k) == "string" and type(v) == "string" and public(k)
			and not DERIVED[k] and kernel[k] ~= v then
			keys[#keys + 1] = k
		end
	end
	table.sort(keys)
	return keys
end

local function sorted_links(links)
	local names = {}
	for name in pairs(links or {}) do names[#names + 1] = name end
	table.sort(names)
	return names
end

-- The device's link priority: udev keeps one per device; the highest of its links'.
local function link_priority(links, names)
	local best
	for _, name in ipairs(names) do
		local p = tonumber(links[name]) or 0
		if best == nil or p > best then best = p end
	end
	return best or 0
end

local function has_devnum(ev)
	local major = tonumber(ev.MAJOR)
	return major ~= nil and major > 0
end

-- The database entry's text for ev (see record for st).
function M.entry(ev, st)
	local out = {}
	local names = sorted_links(st.links)
	-- udev records links only for devices with a node.
	if has_devnum(ev) then
		for _, name in ipairs(names) do out[#out + 1] = "S:" .. name end
		local prio = link_priority(st.links, names)
		if prio ~= 0 then out[#out + 1] = ("L:%d"):format(prio) end
	end
	out[#out + 1] = ("I:%d"):format(st.initialized)
	for _, k in ipairs(M.exported(ev, st.kernel or {})) do
		out[#out + 1] = ("E:%s=%s"):format(k, ev[k])
	end
	for _, tag in ipairs(st.tags or {}) do out[#out + 1] = "G:" .. tag end
	for _, tag in ipairs(st.tags or {}) do out[#out + 1] = "Q:" .. tag end
	out[#out + 1] = ("V:%d"):format(M.VERSION)
	return table.concat(out, "\n") .. "\n"
end

-- ":a:b:", udev's TAGS and CURRENT_TAGS, or nil for no tags.
local function tag_list(tags)
	if not tags or #tags == 0 then return nil end
	return ":" .. table.concat(tags, ":") .. ":"
end

-- What replaces the event's own properties in its broadcast (core.udev_broadcast's
-- second argument): DEVNAME from node, DEVLINKS, TAGS, CURRENT_TAGS and
-- USEC_INITIALIZED as sd-device derives them; false where there is none,
-- so that an event's own DEVLINKS or TAGS never go out (DEVNAME is the
-- event's own without a node).  The table over
-- is filled and returned (the database reuses one).
function M.overrides(ev, st, over)
	over = over or {}
	over.DEVNAME = st.node and ("/dev/" .. st.node) or nil
	over.DEVLINKS = false
	if st.links and next(st.links) ~= nil and has_devnum(ev) then
		local names = sorted_links(st.links)
		for i, name in ipairs(names) do names[i] = "/dev/" .. name end
		over.DEVLINKS = table.concat(names, " ")
	end
	over.TAGS = tag_list(st.tags) or false
	over.CURRENT_TAGS = over.TAGS
	over.USEC_INITIALIZED = ("%d"):format(st.initialized)
	return over
end

-- The broadcast's properties, "KEY=VALUE" strings in the order
-- core.udev_broadcast(ev, over) sends them: ev's without private ".NAME"
-- ones, over's replacing them, the FIRST ones first, the rest sorted.
-- (The Lua statement of what the core does in C.)
function M.properties(ev, over)
	local props = {}
	for k, v in pairs(ev) do
		if type(k) == "string" and type(v) == "string" and public(k)
			and over[k] == nil then
			props[k] = v
		end
	end
	for k, v in pairs(over) do
		if type(v) == "string" then props[k] = v end
	end
	local out = {}
	for _, k in ipairs(FIRST) do
		if props[k] then out[#out + 1] = k .. "=" .. props[k] end
	end
	local rest = {}
	for k in pairs(props) do
		if not IS_FIRST[k] then rest[#rest + 1] = k end
	end
	table.sort(rest)
	for _, k in ipairs(rest) do out[#out + 1] = k .. "=" .. props[k] end
	return out
end

-- A database entry's initialization time, tags and links, from its text.
function M.parse_entry(text)
	local usec, tags, links = nil, {}, {}
	for line in text:gmatch("[^\n]+") do
		local kind, value = line:match("^(%u):(.*)$")
		if kind == "I" then usec = tonumber(value)
		elseif kind == "G" then tags[#tags + 1] = value
		elseif kind == "S" then links[value] = 0 end
	end
	return usec, tags, links
end

local function same_list(a, b)
	if #a ~= #b then return false end
	for i = 1, #a do
		if a[i] ~= b[i] then return false end
	end
	return true
end

local function same_links(a, b)
	a, b = a or {}, b or {}
	for k, v in pairs(a) do
		if b[k] ~= v then return false end
	end
	for k in pairs(b) do
		if a[k] == nil then return false end
	end
	return true
end

local DB = {}
DB.__index = DB

-- new { core = core, broadcast = bool, dir = "run/udev" }
function M.new(o)
	assert(type(o) == "table" and o.core, "udevdb.new needs { core = ... }")
	local self = setmetatable({
		core = o.core,
		broadcast = o.broadcast,
		dir = o.dir or "run/udev",
		-- known[id] = { usec, tags, links, text, ev, kernel }: what the
		-- database holds and the event that made it, so that a change
		-- keeps its first time, drops the tags it lost and rewrites
		-- nothing that did not change, without reading the file back.
		-- One per present device.
		known = {},
		text = o.core.properties_text or lua_text,
		over = {},
		bst = {},
		warned = false,
		write_warned = false,
	}, DB)
	return self
end

-- The marker libudev tests before it lets a monitor join group 2 on a
-- /dev that is not devtmpfs (it is udevd's control socket; hotplug2 does
-- not answer on it: see docs/udev-compat.md).
function DB:mark_running()
	self.core.write(self.dir .. "/control", "", 0644)
end

-- core.write and core.unlink raise on failure; a database that cannot be
-- written (a read-only or missing /run) is said once, not once per event,
-- and the broadcast still goes out.
function DB:change(f, ...)
	local ok, err = pcall(f, ...)
	if not ok and not self.write_warned then
		self.write_warned = true
		self.core.log("warn", tostring(err) .. "; udev's database may be incomplete")
	end
	return ok
end

-- The text record compares the device's next entry with, of the
-- properties the kernel sent (the runner takes it before any handler).
function DB:kernel_text(ev)
	return self.text(ev, TEXT_SKIP)
end

function DB:remembered(id)
	local k = self.known[id]
	if k then return k end
	local text = self.core.read(self.dir .. "/data/" .. id)
	if not text then return nil end
	local usec, tags, links = M.parse_entry(text)
	return { usec = usec, tags = tags, links = links, text = text }
end

function DB:unlink_tags(id, tags, keep)
	for _, tag in ipairs(tags) do
		if not (keep and keep[tag]) then
			self:change(self.core.unlink, ("%s/tags/%s/%s"):format(self.dir, tag, id))
		end
	end
end

local NO_TAGS = setmetatable({}, { __newindex = function() error("NO_TAGS is read-only", 2) end })
local NO_LINKS = NO_TAGS

-- Write (or on remove, delete) ev's database entry and tag files, then
-- broadcast ev.  Returns true, or false and why nothing was broadcast.
function DB:record(ev, st)
	local id = M.device_id(ev)
	if not id then return false, "no device id (DEVPATH and SUBSYSTEM)" end
	local old = self:remembered(id)
	local tags, links = st.tags or NO_TAGS, st.links or NO_LINKS
	local initialized = st.initialized or (old and old.usec) or self.core.usec()
	if ev.ACTION == "remove" then
		-- Clients learn which links and tags went with the device.
		if old and #tags == 0 then tags = old.tags end
		if old and next(links) == nil then links = old.links end
		self:change(self.core.unlink, self.dir .. "/data/" .. id)
		if old then self:unlink_tags(id, old.tags) end
		self:unlink_tags(id, tags)
		self.known[id] = nil
	else
		local old_tags = old and old.tags or NO_TAGS
		-- Only what changed is written: a burst of events for present
		-- devices (a coldplug, a "change" storm) rewrites nothing.
		if #old_tags > 0 or #tags > 0 then
			local had, keep = {}, {}
			for _, tag in ipairs(old_tags) do had[tag] = true end
			for _, tag in ipairs(tags) do keep[tag] = true end
			self:unlink_tags(id, old_tags, keep)
			for _, tag in ipairs(tags) do
				if not had[tag] then
					self:change(self.core.write, ("%s/tags/%s/%s"):format(self.dir, tag, id), "", 0644)
				end
			end
		end
		-- The entry last: a client that finds it finds the tags too.  The
		-- same properties (the kernel's and the final ones), links and
		-- tags as the device's last event make the same text: no need to
		-- build it.
		local ktext = st.kernel_text or self.text(st.kernel or NO_TAGS, TEXT_SKIP)
		local ftext = self.text(ev, TEXT_SKIP)
		local text
		if old and old.text and old.ktext == ktext and old.ftext == ftext
			and same_list(tags, old_tags) and same_links(links, old.links) then
			text = old.text
		else
			text = M.entry(ev, { kernel = st.kernel or M.parse_text(ktext), links = links,
				tags = tags, initialized = initialized })
			-- Remembered only once written, so that the next event tries again.
			if not (old and old.text == text)
				and not self:change(self.core.write, self.dir .. "/data/" .. id, text, 0644) then
				text = nil
			end
		end
		local k = self.known[id]
		if k then
			k.usec, k.tags, k.links, k.text, k.ktext, k.ftext = initialized, tags, links,
				text or false, ktext, ftext
		else
			self.known[id] = { usec = initialized, tags = tags, links = links, text = text or false,
				ktext = ktext, ftext = ftext }
		end
	end
	if not self.broadcast then return true end
	local b = self.bst
	b.node, b.links, b.tags, b.initialized = st.node or false, links, tags, initialized
	local over = M.overrides(ev, b, self.over)
	local ok, err = self.core.udev_broadcast(ev, over)
	if not ok and not self.warned then
		-- Once: a daemon without CAP_NET_ADMIN would say it per event.
		self.warned = true
		self.core.log("warn", ("udev broadcast of %s %s: %s"):format(tostring(ev.ACTION),
			tostring(ev.DEVPATH), tostring(err)))
	end
	return ok, err
end

return M
