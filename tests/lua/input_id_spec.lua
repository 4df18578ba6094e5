-- The input_id builtin against udev 252's own answers: hand-made and generated devices
-- (tests/lua/trees/input.lua) and the laptop fixture's input devices.
local testing = require "hotplug2.testing"
local input_id = require "hotplug2.input_id"
local support = dofile("tests/lua/support.lua")
local oracle = dofile("tests/lua/trees/oracle.lua")

local tree = dofile(oracle.dir .. "input.lua")

describe("input_id", function()
	local want, order = oracle.expected("input_id.expected")
	local got

	setup(function()
		got = oracle.answers("input_id", tree.queries, { sysfs = tree.sysfs })
	end)

	it("is asked about every device udev was asked about", function()
		assert.are.same(order, tree.queries)
	end)

	it("answers as udev 252 for each of the " .. #order .. " devices", function()
		for _, devpath in ipairs(order) do
			assert.are.same(want[devpath], got[devpath], devpath)
		end
	end)

	it("names every class on the hand-made devices", function()
		local seen = {}
		for _, props in pairs(want) do
			for _, kv in ipairs(props) do seen[kv[1]] = true end
		end
		for _, name in ipairs { "ID_INPUT", "ID_INPUT_KEY", "ID_INPUT_KEYBOARD", "ID_INPUT_MOUSE",
			"ID_INPUT_TOUCHPAD", "ID_INPUT_TOUCHSCREEN", "ID_INPUT_TABLET", "ID_INPUT_TABLET_PAD",
			"ID_INPUT_JOYSTICK", "ID_INPUT_ACCELEROMETER", "ID_INPUT_POINTINGSTICK", "ID_INPUT_SWITCH" } do
			assert.is_true(seen[name], name)
		end
	end)

	it("reads a 32-bit kernel's words as that kernel wrote them", function()
		local n = 0
		for _, devpath in ipairs(order) do
			local caps = tree.caps[devpath]
			if caps and type(caps.key) ~= "string" then
				local texts = {}
				for _, k in ipairs { "ev", "key", "rel", "abs", "properties" } do
					texts[k] = tree.bitmap(caps[k] or {}, 32)
				end
				local bustype = tonumber(tree.sysfs[devpath:match("^(.*)/[^/]+$")].attrs["id/bustype"], 16)
				assert.are.same(want[devpath], input_id.classify(texts, bustype, 32), devpath)
				n = n + 1
			end
		end
		assert.is_true(n > 150)
		-- The same bits, 64 then 32 bits a word.
		assert.are.equal("1 0 0 0 80000000", tree.bitmap({ 256, 31 }))
		assert.are.equal("1 0 0 0 0 0 0 0 80000000", tree.bitmap({ 256, 31 }, 32))
	end)
end)

describe("input_id on the laptop fixture", function()
	local want, order = oracle.expected("input_id-laptop.expected")
	local dir

	setup(function()
		dir = support.laptop()
		support.write(dir .. "/modules.alias", "")
	end)

	teardown(function()
		support.remove(dir)
	end)

	-- The fixture's captured uevents hold the bitmaps; its sysfs has no capabilities/ files.
	it("answers from the uevents' variables when sysfs has no capability files", function()
		local got = oracle.answers("input_id", order, { root = dir, modules_alias_file = dir .. "/modules.alias" })
		for _, devpath in ipairs(order) do
			assert.are.same(want[devpath], got[devpath], devpath)
		end
	end)

	it("answers as udev 252 for its keyboard, TrackPoint, USB mouse, buttons and switches", function()
		tree.laptop(dir)
		local got = oracle.answers("input_id", order, { root = dir, modules_alias_file = dir .. "/modules.alias" })
		for _, devpath in ipairs(order) do
			assert.are.same(want[devpath], got[devpath], devpath)
		end
	end)
end)

describe("input_id through import_builtin", function()
	it("sets ID_INPUT_* on the event node's event, for later handlers and commands", function()
		local devpath = tree.queries[2]
		local sysfs = { [devpath] = tree.sysfs[devpath], [tree.queries[1]] = tree.sysfs[tree.queries[1]] }
		local hp = testing.new { sysfs = sysfs, scripts = { { "60-input-id.lua", [[
on({ SUBSYSTEM = "input" }, function(ev)
	import_builtin(ev, "input_id")
	exec(ev, { "/bin/true" })
end)
]] } } }
		local acts = hp:device(tree.queries[1])
		assert.are.same({ "setenv", key = "ID_INPUT", value = "1" }, acts[1])
		assert.are.equal("1", acts[#acts].env.ID_INPUT_KEYBOARD)
		assert.are.equal(tree.queries[1]:match("^(.*)/event%d+$"), devpath)
		hp:close()
	end)
end)
