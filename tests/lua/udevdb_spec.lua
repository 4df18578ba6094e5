-- hotplug2.udevdb: udev 252's database entries, tag files and broadcast properties, and the runner's hook.
local udevdb = require "hotplug2.udevdb"
local runner = require "hotplug2.runner"
local fake = dofile("tests/lua/fake.lua")

-- A fake core with files in memory and the broadcasts recorded.
local function db_core()
	local core = fake.core()
	core.files, core.sent, core.clock_usec = {}, {}, 1000
	core.write = function(path, text) core.files[path] = text end
	core.read = function(path)
		if core.files[path] then return core.files[path] end
		return nil, "No such file or directory"
	end
	core.unlink = function(path)
		local had = core.files[path] ~= nil
		core.files[path] = nil
		return had
	end
	core.usec = function() return core.clock_usec end
	-- What the real core sends: udevdb.properties states it in Lua.
	core.udev_broadcast = function(ev, over)
		core.sent[#core.sent + 1] = udevdb.properties(ev, over)
		return true
	end
	return core
end

local sda1 = { ACTION = "add", DEVPATH = "/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1",
	SUBSYSTEM = "block", DEVTYPE = "partition", DEVNAME = "sda1", MAJOR = "8", MINOR = "1",
	SEQNUM = "1200", PARTN = "1" }

local function copy(t)
	local c = {}
	for k, v in pairs(t) do c[k] = v end
	return c
end

describe("hotplug2.udevdb", function()
	it("names devices as udev does", function()
		local cases = {
			{ { DEVPATH = "/devices/virtual/mem/null", SUBSYSTEM = "mem", MAJOR = "1", MINOR = "3" }, "c1:3" },
			{ sda1, "b8:1" },
			{ { DEVPATH = "/devices/virtual/net/lo", SUBSYSTEM = "net", IFINDEX = "1" }, "n1" },
			{ { DEVPATH = "/devices/pci0000:00/0000:00:02.0", SUBSYSTEM = "pci" }, "+pci:0000:00:02.0" },
			{ { DEVPATH = "/devices/virtual/input/input3", SUBSYSTEM = "input", MAJOR = "0", MINOR = "0" },
				"+input:input3" },
			{ { DEVPATH = "/bus/usb/drivers/hub", SUBSYSTEM = "drivers" }, "+drivers:usb:hub" },
			{ { DEVPATH = "/devices/x" }, nil },
		}
		for _, c in ipairs(cases) do
			assert.are.equal(c[2], udevdb.device_id(c[1]))
		end
	end)

	it("writes the entry in udev 252's format: links, priority, time, exported properties, tags, version", function()
		local ev = copy(sda1)
		ev.ID_FS_TYPE, ev[".PRIVATE"], ev.DEVLINKS = "ext4", "x", "/dev/ignored"
		ev.PARTN = "1"
		local text = udevdb.entry(ev, { kernel = copy(sda1),
			links = { ["disk/by-label/boot"] = 0, ["disk/by-uuid/1234"] = 10 },
			tags = { "systemd", "uaccess" }, initialized = 123456 })
		assert.are.equal(table.concat({
			"S:disk/by-label/boot", "S:disk/by-uuid/1234", "L:10", "I:123456",
			"E:ID_FS_TYPE=ext4", "G:systemd", "G:uaccess", "Q:systemd", "Q:uaccess", "V:1", "",
		}, "\n"), text)
	end)

	it("records links only for a device with a number, as udev does", function()
		local ev = { DEVPATH = "/devices/virtual/net/lo", SUBSYSTEM = "net", IFINDEX = "1" }
		assert.are.equal("I:5\nV:1\n", udevdb.entry(ev, { kernel = ev, links = { x = 1 }, initialized = 5 }))
	end)

	it("broadcasts the final properties with DEVLINKS, TAGS, CURRENT_TAGS and USEC_INITIALIZED, no private ones", function()
		local ev = copy(sda1)
		ev[".PRIVATE"], ev.ID_FS_TYPE = "x", "ext4"
		ev.DEVLINKS, ev.TAGS = "/dev/stale", ":stale:"
		local over = udevdb.overrides(ev, { links = { ["disk/by-label/boot"] = 0 },
			tags = { "uaccess" }, initialized = 77 })
		local props = udevdb.properties(ev, over)
		assert.are.same({
			"ACTION=add", "DEVPATH=" .. sda1.DEVPATH, "SUBSYSTEM=block", "DEVTYPE=partition",
			"DEVNAME=sda1", "SEQNUM=1200", "USEC_INITIALIZED=77", "CURRENT_TAGS=:uaccess:",
			"DEVLINKS=/dev/disk/by-label/boot", "ID_FS_TYPE=ext4", "MAJOR=8", "MINOR=1", "PARTN=1",
			"TAGS=:uaccess:",
		}, props)
	end)

	it("keeps the first time and drops lost tags on change, and removes everything on remove", function()
		local core = db_core()
		local db = udevdb.new { core = core, broadcast = true }
		assert.is_true(db:record(copy(sda1), { kernel = sda1, links = {}, tags = { "a", "b" } }))
		assert.are.equal("", core.files["run/udev/tags/a/b8:1"])
		assert.are.equal("", core.files["run/udev/tags/b/b8:1"])
		assert.truthy(core.files["run/udev/data/b8:1"]:find("I:1000\n", 1, true))
		core.clock_usec = 5000
		local change = copy(sda1)
		change.ACTION = "change"
		db:record(change, { kernel = change, links = {}, tags = { "b" } })
		assert.is_nil(core.files["run/udev/tags/a/b8:1"])
		assert.are.equal("", core.files["run/udev/tags/b/b8:1"])
		assert.truthy(core.files["run/udev/data/b8:1"]:find("I:1000\n", 1, true))
		-- A fresh db (a restarted daemon) reads the time back from the entry.
		local db2 = udevdb.new { core = core, broadcast = false }
		local remove = copy(sda1)
		remove.ACTION = "remove"
		db2:record(remove, { kernel = remove, links = {}, tags = {} })
		assert.are.same({}, core.files)
		assert.are.equal(2, #core.sent)
	end)

	it("rewrites nothing for an event that changes nothing, and still broadcasts it", function()
		local core = db_core()
		local db = udevdb.new { core = core, broadcast = true }
		local writes = 0
		local write = core.write
		core.write = function(...) writes = writes + 1 return write(...) end
		db:record(copy(sda1), { kernel = sda1, tags = { "uaccess" } })
		assert.are.equal(2, writes)
		db:record(copy(sda1), { kernel = sda1, tags = { "uaccess" } })
		assert.are.equal(2, writes)
		local ev = copy(sda1)
		ev.ID_FS_TYPE = "ext4"
		db:record(ev, { kernel = sda1, tags = { "uaccess", "seat" } })
		assert.are.equal(4, writes)
		assert.truthy(core.files["run/udev/data/b8:1"]:find("E:ID_FS_TYPE=ext4", 1, true))
		assert.are.equal(3, #core.sent)
	end)

	it("tells libudev's monitors of tags a removed device had", function()
		local core = db_core()
		local db = udevdb.new { core = core, broadcast = true }
		db:record(copy(sda1), { kernel = sda1, links = { ["disk/by-label/boot"] = 0 }, tags = { "uaccess" } })
		local remove = copy(sda1)
		remove.ACTION = "remove"
		db:record(remove, { kernel = remove, links = {}, tags = {} })
		local last = table.concat(core.sent[2], "\n")
		assert.truthy(last:find("TAGS=:uaccess:", 1, true))
		assert.truthy(last:find("DEVLINKS=/dev/disk/by-label/boot", 1, true))
	end)

	it("warns once when the broadcast fails, and still writes the entry", function()
		local core = db_core()
		core.udev_broadcast = function() return nil, "unable to send to libudev's group: Operation not permitted" end
		local db = udevdb.new { core = core, broadcast = true }
		assert.is_nil(db:record(copy(sda1), { kernel = sda1 }))
		db:record(copy(sda1), { kernel = sda1 })
		assert.are.equal(1, #core.logs)
		assert.truthy(core.files["run/udev/data/b8:1"])
	end)

	it("warns once when the database cannot be written, and still broadcasts", function()
		local core = db_core()
		core.write = function(path) error("unable to write /" .. path .. ": Read-only file system") end
		local db = udevdb.new { core = core, broadcast = true }
		assert.is_true(db:record(copy(sda1), { kernel = sda1, tags = { "uaccess" } }))
		local other = copy(sda1)
		other.MINOR = "2"
		assert.is_true(db:record(other, { kernel = other }))
		assert.are.equal(1, #core.logs)
		assert.truthy(core.logs[1][2]:find("Read-only file system", 1, true))
		assert.are.equal(2, #core.sent)
		-- Once /run is writable again, the next event of the device writes its entry.
		core.write = function(path, text) core.files[path] = text end
		db:record(copy(sda1), { kernel = sda1, tags = { "uaccess" } })
		assert.truthy(core.files["run/udev/data/b8:1"])
	end)

	it("is fed by the runner after every handler: make_link's links, tag's tags, setenv's properties", function()
		local core = db_core()
		local seen
		local db = { record = function(_, ev, st) seen = { ev = ev, st = st } return true end }
		local r = runner.new { core = core, sys = fake.sys(), udev = db }
		assert(r:load_file("10-a.lua", [[
			on({ SUBSYSTEM = "block" }, function(ev)
				setenv(ev, "ID_FS_TYPE", "ext4")
				setenv(ev, ".HIDDEN", "1")
				make_link(ev, "disk/by-label/boot")
				tag(ev, "uaccess")
				tag(ev, "seat")
				tag(ev, "uaccess")
			end)
		]]))
		assert(r:load_file("20-b.lua", [[
			on({}, function(ev) error("broken") end)
		]]))
		assert.are.equal(1, r:handle(copy(sda1)))
		assert.are.equal("ext4", seen.ev.ID_FS_TYPE)
		assert.is_nil(seen.st.kernel.ID_FS_TYPE)
		assert.are.same({ ["disk/by-label/boot"] = 0 }, seen.st.links)
		assert.are.same({ "uaccess", "seat" }, seen.st.tags)
	end)

	it("refuses bad tag names", function()
		local r = runner.new { core = db_core(), sys = fake.sys() }
		assert(r:load_file("10-a.lua", [[
			on({}, function(ev) tag(ev, "a:b") end)
		]]))
		assert.are.equal(1, r:handle(copy(sda1)))
	end)
end)

describe("hotplug2.core's udev functions", function()
	local core = require "hotplug2.core"

	it("refuses a property list libudev would not accept, before sending anything", function()
		local ok, err = core.udev_broadcast { "ACTION=add", "DEVPATH=/devices/x" }
		assert.is_nil(ok)
		assert.are.equal("no SUBSYSTEM", err)
		ok, err = core.udev_broadcast { "SUBSYSTEM=mem", ("x"):rep(9000) }
		assert.is_nil(ok)
		assert.truthy(err:find("too long"))
		assert.has_error(function() core.udev_broadcast { "SUBSYSTEM=mem", {} } end)
	end)

	-- Tables of every shape the C code must get right: private keys,
	-- non-string keys and values, keys FIRST names, over's false.
	local function samples()
		local out = {}
		for n = 1, 60 do
			local t = { SUBSYSTEM = "block", DEVPATH = "/devices/d" .. n, ACTION = "add",
				SEQNUM = tostring(1000 + n), [1] = "list", [".PRIV"] = "p", NUM = 5, B = true }
			for i = 1, n % 17 do
				t[("K%02d_%s"):format((i * 7919) % 97, ("z"):rep(i % 3))] = ("v"):rep(i) .. n
			end
			if n % 3 == 0 then t.DEVTYPE, t.DEVNAME = "disk", "sd" .. n end
			if n % 5 == 0 then t.USEC_INITIALIZED, t.DEVLINKS, t.TAGS = "1", "/dev/x", ":t:" end
			if n % 7 == 0 then t[""] = "empty key"; t.a = "lower"; t.A = "upper"; t.AB = "" end
			out[#out + 1] = t
		end
		return out
	end

	it("writes the database's text of a table as udevdb's Lua does", function()
		for _, t in ipairs(samples()) do
			local skip = { ACTION = true, SEQNUM = true }
			assert.are.equal(udevdb.lua_text(t), core.properties_text(t))
			assert.are.equal(udevdb.lua_text(t, skip), core.properties_text(t, skip))
			assert.are.same(udevdb.parse_text(udevdb.lua_text(t, skip)), udevdb.parse_text(core.properties_text(t, skip)))
		end
		assert.are.equal("A=1\0B=2\0", core.properties_text { B = "2", A = "1", [".x"] = "3" })
		assert.has_error(function() core.properties_text("x") end)
	end)

	it("orders a broadcast's properties as udevdb.properties says", function()
		for _, t in ipairs(samples()) do
			local over = udevdb.overrides(t, { node = t.DEVNAME and ("n" .. t.DEVNAME) or nil,
				links = t.DEVTYPE and { ["disk/by-id/" .. t.DEVPATH:match("[^/]+$")] = 1 } or nil,
				tags = t.TAGS and { "seat", "uaccess" } or {}, initialized = 4242 })
			local want = table.concat(udevdb.properties(t, over), "\0") .. "\0"
			assert.are.equal(want, core.udev_properties(t, over))
		end
		local ok, err = core.udev_properties({ SUBSYSTEM = "x", V = ("y"):rep(9000) }, {})
		assert.is_nil(ok)
		assert.truthy(err:find("too long"))
		-- More properties than a message holds: refused, nothing written past the end.
		local many = { SUBSYSTEM = "x" }
		for i = 1, 3000 do many["K" .. i] = "" end
		ok, err = core.udev_properties(many, {})
		assert.is_nil(ok)
		assert.truthy(err:find("too many properties"))
		assert.has_error(function() core.properties_text(many) end, "properties_text: more than 2048 properties")
		ok, err = core.udev_broadcast({ SUBSYSTEM = "x", V = "a\0b" }, {})
		assert.is_nil(ok)
		assert.truthy(err:find("NUL"))
	end)

	it("counts microseconds of the monotonic clock", function()
		local a = core.usec()
		local b = core.usec()
		assert.is_true(b >= a and a > 0 and a == math.floor(a))
	end)
end)
