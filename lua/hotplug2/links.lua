-- Who owns each link under /dev: the claim records under ROOT/run/hotplug2/links/, and the winner of a link.
--
-- Several devices may claim one link (two identical adapters asking for
-- the same by-id name).  Each claim is a small file, so the ownership
-- outlives the daemon (a restart, a reload) and is read back from the
-- root as it is:
--
--   run/hotplug2/links/link/KEY(LINK)/KEY(DEVPATH)   one claim
--       devpath=/devices/...      the claiming device
--       link=disk/by-id/x         the link, as make_link was given it
--       priority=10               make_link's priority
--       order=1234                SEQNUM of the claiming event, else one
--                                 more than the link's highest order
--       target=../../sda1         what the link points at while it wins
--   run/hotplug2/links/device/KEY(DEVPATH)   the links a device claims
--       devpath=/devices/...
--       link=disk/by-id/x         one line per link
--
-- KEY(s) is s with every byte but letters, digits and "_,:+=@-." written
-- %XX (and a leading "."), so that it is one file name ("%" for an empty
-- s, as a path-less 2.4 event's DEVPATH may be); a key longer than
-- KEY_MAX is cut and ends in a hash of the whole, and the devpath= or
-- link= line inside says whose it is.  The winner of a link is the claim
-- with the highest priority, then the highest order (the latest claim),
-- then the lowest devpath.
--
-- store = links.new(core, sys): core reads, sys (nil in a dry run) writes
-- through write(path, text) and unlink(path, prune); a sys with pretend
-- set (hotplug2.testing over a given root) writes nothing.
local M = {}

M.DIR = "run/hotplug2/links"
local LINK_DIR = M.DIR .. "/link/"
local DEVICE_DIR = M.DIR .. "/device/"
-- Below NAME_MAX (255) with room for core.write's own names.
local KEY_MAX = 200

-- Two 32-bit string hashes (djb2 and sdbm), exact in a double.
local function hash(s)
	local a, b = 5381, 0
	for i = 1, #s do
		local c = s:byte(i)
		a = (a * 33 + c) % 4294967296
		b = (b * 65599 + c) % 4294967296
	end
	return ("%08x%08x"):format(a, b)
end

local key_memo, nkey = {}, 0

local function key(s)
	local k = key_memo[s]
	if k then return k end
	-- No encoded name is a lone "%".
	if s == "" then return "%" end
	k = s:gsub("[^%w_,:+=@%-.]", function(c) return ("%%%02X"):format(c:byte()) end)
	k = k:gsub("^%.", "%%2E")
	if #k > KEY_MAX then k = k:sub(1, KEY_MAX - 17) .. "~" .. hash(s) end
	if nkey >= 1024 then key_memo, nkey = {}, 0 end
	nkey = nkey + 1
	key_memo[s] = k
	return k
end
M.key = key

-- "a=b\nc=d\n" -> { a = "b", c = "d" }, repeated link= lines as a list.
local function parse(text)
	local t, links = {}, {}
	for line in text:gmatch("[^\n]+") do
		local k, v = line:match("^([%w_]+)=(.*)$")
		if k == "link" then links[#links + 1] = v end
		if k then t[k] = v end
	end
	t.links = links
	return t
end

-- The winner among claims { [devpath] = claim }: highest priority, then
-- highest order, then lowest devpath; nil when there is none.
local function winner(claims)
	local best
	for _, c in pairs(claims) do
		if not best or c.priority > best.priority
			or (c.priority == best.priority and (c.order > best.order
				or (c.order == best.order and c.devpath < best.devpath))) then
			best = c
		end
	end
	return best
end
M.winner = winner

function M.new(core, sys)
	local S = {}
	-- devices[devpath] = { link, ... }: the device records, read once
	-- (on the first event) and kept in step with what is written.
	local devices

	local function load_devices()
		devices = {}
		for _, name in ipairs(core.readdir(DEVICE_DIR:sub(1, -2)) or {}) do
			local text = core.read(DEVICE_DIR .. name)
			local rec = text and parse(text)
			if rec and rec.devpath and key(rec.devpath) == name and #rec.links > 0 then
				devices[rec.devpath] = rec.links
			end
		end
	end

	-- The links devpath claimed before this event (a list, maybe empty).
	-- The device records, devices[devpath] = { link, ... }; the same
	-- table from the first call on, kept in step with what is written.
	function S.index()
		if not devices then load_devices() end
		return devices
	end

	-- Does the device of event ev own links (from events before)?
	function S.owns_links(ev)
		if not devices then load_devices() end
		local devpath = type(ev) == "table" and ev.DEVPATH
		return devpath ~= nil and devices[devpath] ~= nil
	end

	local NONE = {}
	function S.device_links(devpath)
		if not devices then load_devices() end
		return devices[devpath] or NONE
	end

	function S.set_device_links(devpath, list)
		if not devices then load_devices() end
		local path = DEVICE_DIR .. key(devpath)
		if #list == 0 then
			devices[devpath] = nil
			if sys then sys.unlink(path, true) end
			return
		end
		devices[devpath] = list
		if sys then
			local lines = { "devpath=" .. devpath }
			for i, l in ipairs(list) do lines[i + 1] = "link=" .. l end
			sys.write(path, table.concat(lines, "\n") .. "\n")
		end
	end

	-- Every claim of link, { [devpath] = { devpath, priority, order,
	-- target } } (a table of the caller's own), and the highest order
	-- among them (0 when none).  Each link's claims are read once, as the
	-- device records are, and kept in step with what is written: a
	-- burst of events for present devices reads no record.
	local cache, ncache = {}, 0
	-- A sys that pretends (hotplug2.testing over a given root) writes
	-- nothing: the claims stay those on disk.
	local writes = sys and not sys.pretend
	local function read_claims(link)
		local dir = LINK_DIR .. key(link)
		local claims, top = {}, 0
		for _, name in ipairs(core.readdir(dir) or {}) do
			local text = core.read(dir .. "/" .. name)
			local rec = text and parse(text)
			local priority, order = rec and tonumber(rec.priority), rec and tonumber(rec.order)
			if rec and rec.devpath and key(rec.devpath) == name and rec.link == link
				and priority and order and rec.target then
				claims[rec.devpath] = { devpath = rec.devpath, priority = priority,
					order = order, target = rec.target }
				if order > top then top = order end
			end
		end
		return { claims = claims, top = top }
	end
	local function cached(link)
		local c = cache[link]
		if c then return c end
		c = read_claims(link)
		-- Bounded: links of devices long gone are read again if needed.
		if ncache >= 4096 then cache, ncache = {}, 0 end
		ncache = ncache + 1
		cache[link] = c
		return c
	end
	function S.claims(link)
		local c = cached(link)
		local claims = {}
		for devpath, claim in pairs(c.claims) do claims[devpath] = claim end
		return claims, c.top
	end

	-- The cached claims of link, not a copy: for looking only.
	function S.claims_view(link)
		return cached(link).claims
	end

	-- The winner of link's claims (nil when none), kept until they change.
	function S.winner(link)
		local c = cached(link)
		local w = c.win
		if w == nil then
			w = winner(c.claims) or false
			c.win = w
		end
		return w or nil
	end

	function S.write_claim(link, c)
		if not sys then return end
		sys.write(LINK_DIR .. key(link) .. "/" .. key(c.devpath), ("devpath=%s\nlink=%s\npriority=%d\norder=%d\ntarget=%s\n")
			:format(c.devpath, link, c.priority, c.order, c.target))
		if not writes then return end
		local cc = cached(link)
		cc.claims[c.devpath] = { devpath = c.devpath, priority = c.priority, order = c.order,
			target = c.target }
		if c.order > cc.top then cc.top = c.order end
		cc.win = nil
	end

	function S.drop_claim(link, devpath)
		if not sys then return end
		sys.unlink(LINK_DIR .. key(link) .. "/" .. key(devpath), true)
		local cc = writes and cache[link]
		if not cc then return end
		cc.claims[devpath] = nil
		cc.win = nil
		cc.top = 0
		for _, claim in pairs(cc.claims) do
			if claim.order > cc.top then cc.top = claim.order end
		end
	end

	return S
end

return M
