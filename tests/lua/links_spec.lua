-- Links owned per device: claims with priorities, the winner on disk, releases, and records that outlive the runner.
local testing = require "hotplug2.testing"
local runner = require "hotplug2.runner"
local core = require "hotplug2.core"
local support = dofile("tests/lua/support.lua")
local sh = support.sh

-- Two identical adapters; each claims serial/by-id/same with the
-- priority in its PRIO variable.
local POLICY = [[
on({ ACTION = { "add", "change" }, DEVNAME = present }, function(ev)
	make_link(ev, "serial/by-id/same", { priority = tonumber(ev.PRIO or 0) })
	if ev.OWN then make_link(ev, ev.OWN) end
end)
]]

local function dev(n, action, seq, extra)
	local e = { ACTION = action, SUBSYSTEM = "tty", DEVNAME = "ttyUSB" .. n, MAJOR = "188",
		MINOR = tostring(n), SEQNUM = seq and tostring(seq) or nil,
		DEVPATH = "/devices/pci0000:00/0000:00:1d.0/usb2/2-" .. n .. "/2-" .. n .. ":1.0/ttyUSB" .. n
			.. "/tty/ttyUSB" .. n }
	for k, v in pairs(extra or {}) do e[k] = v end
	return e
end

local function target(hp, link)
	hp:activate()
	return core.readlink("dev/" .. link)
end

local function new(policy)
	return testing.new { scripts = { { "60-serial.lua", policy or POLICY } } }
end

describe("links owned per device", function()
	for _, order in ipairs { "latest first", "first first" } do
		it("gives a link of equal priority to the latest claim, and back (unplug " .. order .. ")", function()
			local hp = new()
			assert.are.same({ { "symlink", path = "/dev/serial/by-id/same", target = "../../ttyUSB0" } },
				hp:handle(dev(0, "add", 10)))
			assert.are.same({ { "symlink", path = "/dev/serial/by-id/same", target = "../../ttyUSB1" } },
				hp:handle(dev(1, "add", 11)))
			assert.are.equal("../../ttyUSB1", target(hp, "serial/by-id/same"))
			if order == "latest first" then
				-- The other gets it back.
				assert.are.same({ { "symlink", path = "/dev/serial/by-id/same", target = "../../ttyUSB0" } },
					hp:handle(dev(1, "remove", 12)))
				assert.are.equal("../../ttyUSB0", target(hp, "serial/by-id/same"))
				assert.are.same({ { "unlink", path = "/dev/serial/by-id/same" } }, hp:handle(dev(0, "remove", 13)))
			else
				-- The holder stays; nothing changes on disk.
				assert.are.same({}, hp:handle(dev(0, "remove", 12)))
				assert.are.equal("../../ttyUSB1", target(hp, "serial/by-id/same"))
				assert.are.same({ { "unlink", path = "/dev/serial/by-id/same" } }, hp:handle(dev(1, "remove", 13)))
			end
			assert.is_nil(target(hp, "serial/by-id/same"))
			-- Nothing is left: not the link, its directories, nor a record.
			assert.are.equal("", sh("cd " .. hp.root .. " && find dev run -mindepth 1 2>/dev/null"))
			hp:close()
		end)

		it("keeps a link with the higher priority whatever claims later (unplug " .. order .. ")", function()
			local hp = new()
			hp:handle(dev(0, "add", 10, { PRIO = "10" }))
			-- A later claim of lower priority changes nothing on disk.
			assert.are.same({}, hp:handle(dev(1, "add", 11, { PRIO = "-5" })))
			assert.are.equal("../../ttyUSB0", target(hp, "serial/by-id/same"))
			assert.truthy(hp.log[#hp.log][2]:find("stays with " .. dev(0).DEVPATH .. " (priority 10)", 1, true))
			if order == "latest first" then
				assert.are.same({}, hp:handle(dev(1, "remove", 12)))
				assert.are.equal("../../ttyUSB0", target(hp, "serial/by-id/same"))
				assert.are.same({ { "unlink", path = "/dev/serial/by-id/same" } }, hp:handle(dev(0, "remove", 13)))
			else
				assert.are.same({ { "symlink", path = "/dev/serial/by-id/same", target = "../../ttyUSB1" } },
					hp:handle(dev(0, "remove", 12)))
				assert.are.equal("../../ttyUSB1", target(hp, "serial/by-id/same"))
				assert.are.same({ { "unlink", path = "/dev/serial/by-id/same" } }, hp:handle(dev(1, "remove", 13)))
			end
			assert.is_nil(target(hp, "serial/by-id/same"))
			hp:close()
		end)
	end

	it("orders claims by SEQNUM, so an event handled late does not win by being late", function()
		local hp = new()
		hp:handle(dev(0, "add", 20))
		assert.are.same({}, hp:handle(dev(1, "add", 19)))
		assert.are.equal("../../ttyUSB0", target(hp, "serial/by-id/same"))
		-- Without SEQNUM, a claim is later than every claim recorded.
		assert.are.same({ { "symlink", path = "/dev/serial/by-id/same", target = "../../ttyUSB1" } },
			hp:handle(dev(1, "change")))
		hp:close()
	end)

	it("releases on add and change the links the device no longer claims", function()
		local hp = new()
		hp:handle(dev(0, "add", 10, { OWN = "serial/by-path/old" }))
		assert.are.equal("../../ttyUSB0", target(hp, "serial/by-path/old"))
		local acts = hp:handle(dev(0, "change", 11, { OWN = "serial/by-path/new" }))
		assert.are.same({ { "symlink", path = "/dev/serial/by-id/same", target = "../../ttyUSB0" },
			{ "symlink", path = "/dev/serial/by-path/new", target = "../../ttyUSB0" },
			{ "unlink", path = "/dev/serial/by-path/old" } }, acts)
		assert.is_nil(target(hp, "serial/by-path/old"))
		-- A change that claims nothing (a policy acting on add only) keeps them.
		local other = testing.new { scripts = { { "a.lua", 'on({ ACTION = "add" }, function(ev) make_link(ev, "x") end)' } } }
		other:handle(dev(0, "add", 1))
		assert.are.same({}, other:handle(dev(0, "change", 2)))
		assert.are.equal("ttyUSB0", target(other, "x"))
		other:close()
		hp:close()
	end)

	it("releases nothing on a change where a handler failed, but what remove_link released", function()
		local hp = new([[
on({ ACTION = "add" }, function(ev) make_link(ev, "keep") make_link(ev, "gone") end)
on({ ACTION = "change" }, function(ev) make_link(ev, "new") remove_link(ev, "gone") error("broken") end)
]])
		hp:handle(dev(0, "add", 10))
		local acts, failures = hp:try(dev(0, "change", 11))
		assert.are.equal(1, #failures)
		assert.are.same({ { "symlink", path = "/dev/new", target = "ttyUSB0" },
			{ "unlink", path = "/dev/gone" } }, acts)
		assert.are.equal("ttyUSB0", target(hp, "keep"))
		assert.is_nil(target(hp, "gone"))
		-- The device still owns keep, and new, and loses both with it.
		assert.are.same({ { "unlink", path = "/dev/keep" }, { "unlink", path = "/dev/new" } },
			hp:handle(dev(0, "remove", 12)))
		hp:close()
	end)

	it("removes exactly the links the removed device owns", function()
		local hp = new()
		hp:handle(dev(0, "add", 10, { OWN = "serial/mine0" }))
		hp:handle(dev(1, "add", 11, { OWN = "serial/mine1", PRIO = "-1" }))
		assert.are.equal("../../ttyUSB0", target(hp, "serial/by-id/same"))
		local acts = hp:handle(dev(0, "remove", 12))
		assert.are.same({ { "symlink", path = "/dev/serial/by-id/same", target = "../../ttyUSB1" },
			{ "unlink", path = "/dev/serial/mine0" } }, acts)
		assert.are.equal("../ttyUSB1", target(hp, "serial/mine1"))
		assert.is_nil(target(hp, "serial/mine0"))
		hp:close()
	end)

	it("leaves alone links hotplug2 did not make", function()
		local hp = new([[
on({ ACTION = "add" }, function(ev) make_link(ev, "mine") end)
on({ ACTION = "remove" }, function(ev) ev.HELD = tostring(remove_link(ev, "byhand")) end)
]])
		-- A link made by hand, pointing at the device, without a record.
		sh("mkdir -p " .. hp.root .. "/dev && ln -s ttyUSB0 " .. hp.root .. "/dev/byhand")
		hp:handle(dev(0, "add", 10))
		-- And one of its own, replaced by hand meanwhile.
		sh("ln -sfn elsewhere " .. hp.root .. "/dev/mine")
		local acts, ev = hp:handle(dev(0, "remove", 11))
		assert.are.same({}, acts)
		assert.are.equal("false", ev.HELD)
		assert.are.equal("ttyUSB0", target(hp, "byhand"))
		assert.are.equal("elsewhere", target(hp, "mine"))
		-- Its claim is gone all the same.
		assert.are.equal("", sh("ls -A " .. hp.root .. "/run 2>/dev/null"))
		os.remove(hp.root .. "/dev/byhand")
		os.remove(hp.root .. "/dev/mine")
		hp:close()
	end)

	it("writes records that say who claims what", function()
		local links = require "hotplug2.links"
		local hp = new()
		hp:handle(dev(0, "add", 10, { PRIO = "7" }))
		local d = dev(0).DEVPATH
		local dir = hp.root .. "/" .. links.DIR
		assert.are.equal("devpath=" .. d .. "\nlink=serial/by-id/same\npriority=7\norder=10\ntarget=../../ttyUSB0\n",
			support.read(dir .. "/link/serial%2Fby-id%2Fsame/" .. links.key(d)))
		assert.are.equal("devpath=" .. d .. "\nlink=serial/by-id/same\n", support.read(dir .. "/device/" .. links.key(d)))
		assert.are.equal("%2Fdevices%2Fpci0000:00%2F0000:00:1d.0", links.key("/devices/pci0000:00/0000:00:1d.0"))
		assert.are.equal("%2Eprofile", links.key(".profile"))
		-- A key too long for one file name ends in a hash of the whole.
		local long = links.key(("/very-long-component"):rep(20))
		assert.are.equal(200, #long)
		assert.matches("~%x+$", long)
		assert.are_not.equal(long, links.key(("/very-long-component"):rep(19) .. "/very-long-componenX"))
		hp:close()
	end)
end)

describe("link records across a restart", function()
	local root

	before_each(function()
		root = support.scratch()
	end)
	after_each(function()
		support.remove(root)
	end)

	-- A runner as the daemon builds one, over the real core and root.
	local function daemon()
		core.set_root(root)
		local r = runner.new { core = setmetatable({ log = function() end }, { __index = core }),
			sys = core, call = pcall }
		assert(r:load_file("60-serial.lua", POLICY))
		return r
	end

	it("keeps ownership in a new runner over the same root", function()
		local r = daemon()
		assert.are.equal(0, r:handle(dev(0, "add", 10)))
		assert.are.equal(0, r:handle(dev(1, "add", 11, { PRIO = "5" })))
		assert.are.equal("../../ttyUSB1", core.readlink("dev/serial/by-id/same"))
		-- The daemon restarts: nothing but the records remembers.
		r = daemon()
		r:handle(dev(1, "remove", 12))
		assert.are.equal("../../ttyUSB0", core.readlink("dev/serial/by-id/same"))
		r = daemon()
		r:handle(dev(0, "remove", 13))
		assert.is_nil(core.readlink("dev/serial/by-id/same"))
		assert.are.equal("", sh("cd " .. root .. " && find dev run -mindepth 1"))
	end)

	it("reads a link's claims once, then keeps them in step with what it writes", function()
		core.set_root(root)
		local reads = 0
		local counting = setmetatable({ log = function() end,
			readdir = function(path)
				if path:find("^run/hotplug2/links/link/") then reads = reads + 1 end
				return core.readdir(path)
			end }, { __index = core })
		local r = runner.new { core = counting, sys = core, call = pcall }
		assert(r:load_file("60-serial.lua", POLICY))
		assert.are.equal(0, r:handle(dev(0, "add", 10)))
		assert.are.equal(1, reads)
		-- The same device again, then a second claim and its release: no
		-- record is read again, and the link follows what was written.
		assert.are.equal(0, r:handle(dev(0, "add", 11)))
		assert.are.equal(0, r:handle(dev(1, "add", 12, { PRIO = "5" })))
		assert.are.equal("../../ttyUSB1", core.readlink("dev/serial/by-id/same"))
		assert.are.equal(0, r:handle(dev(1, "remove", 13)))
		assert.are.equal("../../ttyUSB0", core.readlink("dev/serial/by-id/same"))
		assert.are.equal(1, reads)
		-- A new runner (a restart) reads what this one wrote.
		r = daemon()
		r:handle(dev(0, "remove", 14))
		assert.is_nil(core.readlink("dev/serial/by-id/same"))
	end)

	it("is only read by hotplug2.testing given the root", function()
		local r = daemon()
		r:handle(dev(0, "add", 10, { PRIO = "5" }))
		local before = sh("cd " .. root .. " && find . | sort")
		local hp = testing.new { root = root, modules_alias_file = "/dev/null",
			scripts = { { "60-serial.lua", POLICY } } }
		-- The winner comes from the records there: the new claim loses.
		assert.are.same({}, hp:handle(dev(1, "add", 11)))
		assert.are.same({ { "unlink", path = "/dev/serial/by-id/same" } }, hp:handle(dev(0, "remove", 12)))
		assert.are.equal(before, sh("cd " .. root .. " && find . | sort"))
	end)
end)
