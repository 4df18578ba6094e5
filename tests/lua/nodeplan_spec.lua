-- The node an event plans: later files amend it, final freezes a value, and it is made once after the last handler.
local testing = require "hotplug2.testing"
local support = dofile("tests/lua/support.lua")

local GROUP = { tty = 5, dialout = 20, uucp = 10 }
local defaults = support.source .. "/lua/defaults"

local tty = { ACTION = "add", SUBSYSTEM = "tty", DEVNAME = "ttyUSB0", MAJOR = "188", MINOR = "0",
	DEVPATH = "/devices/pci0000:00/0000:00:1d.0/usb2/2-1/2-1:1.0/ttyUSB0/tty/ttyUSB0", SEQNUM = "40" }

-- The default scripts with more files after them.
local function with_defaults(files)
	local scripts = {}
	for _, name in ipairs { "10-modules.lua", "20-firmware.lua", "30-nodes.lua", "90-openwrt.lua" } do
		scripts[#scripts + 1] = defaults .. "/" .. name
	end
	for _, f in ipairs(files) do scripts[#scripts + 1] = f end
	return testing.new { scripts = scripts, group = GROUP }
end

local function kinds(acts)
	local t = {}
	for i, a in ipairs(acts) do t[i] = a[1] end
	return t
end

describe("the node an event plans", function()
	it("takes a later file's one-line change of a default's group, and is made once", function()
		local hp = with_defaults { { "50-local.lua",
			'on({ DEVNAME = pattern "^ttyUSB" }, function(ev) make_node(ev, { group = "uucp" }) end)' } }
		local acts = hp:handle(tty)
		assert.are.same({ { "mknod", path = "/dev/ttyUSB0", type = "c", major = 188, minor = 0,
			mode = 432, owner = "root", group = "uucp", uid = 0, gid = 10 },
			{ "symlink", path = "/dev/char/188:0", target = "../ttyUSB0" } }, acts)
		-- Both calls that set a field are named, in order.
		assert.matches("^.*/30%-nodes%.lua:%d+, 50%-local%.lua:1$", acts[1].where)
		assert.matches("^mknod /dev/ttyUSB0 c 188:0 0660 root:uucp %(.*30%-nodes%.lua:%d+, 50%-local%.lua:1%)$",
			testing.describe(acts[1]))
	end)

	it("changes only the fields a later call gives", function()
		local hp = testing.new { group = GROUP, scripts = {
			{ "10-a.lua", 'on({}, function(ev) make_node(ev, { mode = "0620", group = "tty", name = "serial/a" }) end)' },
			{ "20-b.lua", 'on({}, function(ev) assert(make_node(ev, { mode = "0666" }) == "/dev/serial/a") end)' },
			{ "30-c.lua", 'on({}, function(ev) make_node(ev, { owner = 0 }) end)' } } }
		local acts = hp:handle(tty)
		assert.are.equal(1, #acts)
		assert.are.same({ "/dev/serial/a", 438, "tty", "0" },
			{ acts[1].path, acts[1].mode, acts[1].group, acts[1].owner })
		assert.are.equal("10-a.lua:1, 20-b.lua:1, 30-c.lua:1", acts[1].where)
	end)

	it("freezes a value given with final, and logs the change it ignores with both lines", function()
		local hp = testing.new { group = GROUP, scripts = {
			{ "10-a.lua", 'on({}, function(ev)\n\tmake_node(ev, { mode = "0600", group = "dialout", final = true })\nend)' },
			{ "20-b.lua", 'on({}, function(ev)\n\tmake_node(ev, { group = "tty", owner = 0 })\nend)' } } }
		local acts = hp:handle(tty)
		assert.are.equal(1, #acts)
		assert.are.same({ 384, "dialout", 20, "0" }, { acts[1].mode, acts[1].group, acts[1].gid, acts[1].owner })
		-- 20-b.lua still set a field (owner), so it is named.
		assert.are.equal("10-a.lua:2, 20-b.lua:2", acts[1].where)
		local found
		for _, l in ipairs(hp.log) do
			if l[2]:find("keeps group dialout", 1, true) then found = l end
		end
		assert.is_truthy(found)
		assert.are.equal("debug", found[1])
		assert.truthy(found[2]:find("made final at 10-a.lua:2; ignoring the change at 20-b.lua:2", 1, true),
			found[2])
	end)

	it("checks every value at the call's line, frozen or not", function()
		local hp = testing.new { scripts = {
			{ "10-a.lua", 'on({}, function(ev) make_node(ev, { mode = "0600", final = true }) end)' },
			{ "20-b.lua", 'on({}, function(ev)\n\tmake_node(ev, { owner = 0 })\n\tmake_node(ev, { mode = "0999" })\nend)' } } }
		local acts, failures = hp:try(tty)
		assert.are.equal(1, #failures)
		assert.truthy(failures[1]:find("20-b.lua:3: make_node: bad mode \"0999\"", 1, true), failures[1])
		-- The node as planned before the failure is still made, once.
		assert.are.same({ "mknod" }, kinds(acts))
		assert.are.same({ 384, "0" }, { acts[1].mode, acts[1].owner })
	end)

	it("is made after a handler that returns stop", function()
		local hp = testing.new { scripts = { { "10-a.lua", [[
on({}, function(ev) make_node(ev, { mode = "0660" }) return stop end)
on({}, function(ev) make_node(ev, { mode = "0666" }) end)
]] } } }
		local acts = hp:handle(tty)
		assert.are.same({ "stop", "mknod" }, kinds(acts))
		assert.are.equal(432, acts[2].mode)
	end)

	it("is made when a later handler failed, with what was planned before the failure", function()
		local hp = testing.new { scripts = { { "10-a.lua", [[
on({}, function(ev) make_node(ev) end)
on({}, function(ev) make_node(ev, { mode = "0640" }) error("broken") end)
on({}, function(ev) make_node(ev, { group = 0 }) end)
]] } } }
		local acts, failures = hp:try(tty)
		assert.are.equal(1, #failures)
		assert.are.same({ "mknod" }, kinds(acts))
		assert.are.same({ 416, "0" }, { acts[1].mode, acts[1].group })
		assert.are.equal("10-a.lua:1, 10-a.lua:2, 10-a.lua:3", acts[1].where)
	end)

	it("exists before the event's commands start, in the order exec was called", function()
		local hp = testing.new { scripts = {
			{ "10-a.lua", 'on({}, function(ev) exec(ev, { "/bin/true", "first" }) end)' },
			{ "20-b.lua", 'on({}, function(ev) make_link(ev, "serial/x") make_node(ev) end)' },
			{ "30-c.lua", 'on({}, function(ev) exec(ev, { "/bin/true", "second" }) run(ev, { "/bin/true" }) end)' } } }
		local acts = hp:handle(tty)
		assert.are.same({ "run", "mknod", "symlink", "exec", "exec" }, kinds(acts))
		assert.are.same({ "/bin/true", "first" }, acts[4].argv)
		assert.are.same({ "/bin/true", "second" }, acts[5].argv)
		assert.are.equal("10-a.lua:1", acts[4].where)
	end)

	it("goes after the device's links on removal", function()
		local hp = testing.new { scripts = { { "10-a.lua", [[
on({ ACTION = "add" }, function(ev) make_node(ev) make_link(ev, "serial/x") end)
on({ ACTION = "remove" }, function(ev) remove_node(ev) exec(ev, { "/bin/true" }) end)
]] } } }
		hp:handle(tty)
		local rm = {}
		for k, v in pairs(tty) do rm[k] = v end
		rm.ACTION, rm.SEQNUM = "remove", "41"
		local acts = hp:handle(rm)
		assert.are.same({ { "unlink", path = "/dev/serial/x" }, { "unlink", path = "/dev/ttyUSB0" },
			{ "exec", argv = { "/bin/true" }, env = acts[3].env } }, acts)
		assert.is_nil(acts[1].where)
		assert.are.equal("10-a.lua:2", acts[2].where)
	end)

	it("leaves the event's plan and outcome for what comes after it", function()
		local hp = testing.new { scripts = { { "10-a.lua", [[
on({}, function(ev) make_node(ev, { mode = "0660" }) make_link(ev, "a", { priority = 5 }) end)
]] } } }
		hp:handle(tty)
		local last = hp.runner.last_event
		assert.are.equal("/dev/ttyUSB0", last.made)
		assert.are.equal(tty.DEVPATH, last.devpath)
		assert.are.same({ a = { priority = 5, target = "ttyUSB0", holds = true } }, last.owned)
		assert.are.equal(432, last.node.mode)
	end)
end)
