-- The default scripts' input, serial, sound and v4l names and input properties (60-input-id.lua,
-- 60-persistent-input.lua, 60-serial.lua, 60-persistent-alsa.lua, 60-persistent-v4l.lua,
-- 78-sound-card.lua) against Debian's udev 252 rules run by udevadm test on the same devices.
local testing = require "hotplug2.testing"
local support = dofile("tests/lua/support.lua")
local oracle = dofile("tests/lua/trees/oracle.lua")
local answers = dofile("tests/lua/trees/names_answers.lua")

local DEFAULTS = support.source .. "/lua/defaults"
local DIRS = { "input/", "serial/", "snd/", "v4l/" }
local GROUPS = { root = 0, input = 101, audio = 29, video = 44, dialout = 20, disk = 6 }
local tree = dofile(oracle.dir .. "names.lua")

-- udev's lines for a device, as names_answers writes them: its links in DIRS and the properties
-- but those from udev's hwdb, which hotplug2 does not consult (ID_INPUT_TOUCHPAD_INTEGRATION).
local function udev_lines(props)
	local t = {}
	for _, kv in ipairs(props) do
		local line = kv[1] .. "=" .. kv[2]
		local keep = kv[1] ~= "ID_INPUT_TOUCHPAD_INTEGRATION"
		if kv[1] == "LINK" then
			keep = false
			for _, d in ipairs(DIRS) do
				if kv[2]:sub(1, #d + 5) == "/dev/" .. d then keep = true end
			end
		end
		if keep then t[#t + 1] = line end
	end
	return t
end

describe("input, serial, sound and v4l names", function()
	it("are udev 252's for USB, i8042, I2C, platform, ACPI and Bluetooth input, serial, sound and video devices", function()
		local want, order = oracle.expected("names.expected")
		local asked = {}
		for i, q in ipairs(tree.queries) do asked[i] = q end
		for _, q in ipairs(tree.change_queries) do asked[#asked + 1] = "change " .. q end
		assert.are.same(asked, order)
		order = tree.queries
		local got = answers(DEFAULTS, tree.queries, DIRS, { sysfs = tree.sysfs, group = GROUPS })
		local links = 0
		for _, devpath in ipairs(order) do
			local w = udev_lines(want[devpath])
			assert.are.same(w, got[devpath], devpath)
			for _, l in ipairs(w) do
				if l:find("^LINK=") then links = links + 1 end
			end
		end
		assert.are.equal(40, links)
	end)

	it("are udev 252's for the laptop fixture's input, sound and serial devices", function()
		local dir = support.laptop()
		support.sh("mkdir -p " .. dir .. "/etc && : > " .. dir .. "/modules.alias && printf 'root:x:0:\\n' > "
			.. dir .. "/etc/group && printf 'root:x:0:0::/:/bin/sh\\n' > " .. dir .. "/etc/passwd")
		tree.laptop(dir)
		local want, order = oracle.expected("names-laptop.expected")
		assert.are.same(order, tree.laptop_queries)
		local got = answers(DEFAULTS, order, DIRS, { root = dir, modules_alias_file = dir .. "/modules.alias" })
		for _, devpath in ipairs(order) do
			assert.are.same(udev_lines(want[devpath]), got[devpath], devpath)
		end
		support.remove(dir)
	end)

	local KBD = tree.queries[1]
	-- One scratch root for the tests below: laying the tree is most of their time.
	local hp
	setup(function()
		hp = testing.new { config_dir = DEFAULTS, sysfs = tree.sysfs, group = GROUPS }
	end)
	teardown(function()
		hp:close()
	end)

	it("are made again on change and go on removal, with the node", function()
		local acts = hp:device(KBD)
		local links = {}
		for _, a in ipairs(testing.filter(acts, "symlink")) do
			if a.path:find("^/dev/input/") then links[#links + 1] = a.path end
		end
		assert.are.same({ "/dev/input/by-id/usb-Logitech_USB_Keyboard-event-kbd",
			"/dev/input/by-path/pci-0000:00:1a.0-usb-0:5:1.0-event-kbd" }, links)
		local again = {}
		for _, a in ipairs(testing.filter(hp:device(KBD, "change"), "symlink")) do
			if a.path:find("^/dev/input/") then again[#again + 1] = a.path end
		end
		assert.are.same(links, again)
		-- Another device's link in the same directory stays.
		hp:device(tree.queries[3])
		local gone = {}
		for _, a in ipairs(testing.filter(hp:device(KBD, "remove"), "unlink")) do gone[#gone + 1] = a.path end
		table.sort(gone)
		assert.are.same({ "/dev/char/13:265", "/dev/input/by-id/usb-Logitech_USB_Keyboard-event-kbd",
			"/dev/input/by-path/pci-0000:00:1a.0-usb-0:5:1.0-event-kbd", "/dev/input/event201" }, gone)
	end)

	it("give libinput the classification on the event node's event", function()
		local _, ev = hp:device(KBD)
		assert.are.equal("1", ev.ID_INPUT)
		assert.are.equal("1", ev.ID_INPUT_KEYBOARD)
		assert.are.equal("1", ev.ID_INPUT_KEY)
		assert.are.equal("usb", ev.ID_BUS)
	end)

	it("include 78-sound-card.lua's on a card's change event: udev 252's for FireWire, PCI and USB cards", function()
		local want = oracle.expected("names.expected")
		for _, card in ipairs(tree.change_queries) do
			local _, ev = hp:device(card, "change")
			local got = {}
			for k, v in pairs(ev) do
				if k:find("^ID_") or k:find("^SOUND_") then got[#got + 1] = k .. "=" .. v end
			end
			table.sort(got)
			local w = {}
			for _, kv in ipairs(want["change " .. card]) do w[#w + 1] = kv[1] .. "=" .. kv[2] end
			assert.are.same(w, got, card)
		end
	end)

	it("include 78-sound-card.lua's: a card's bus, path and form factor on its change event", function()
		local _, hda = hp:device("/devices/pci0000:00/0000:00:1b.0/sound/card0", "change")
		assert.are.equal("1", hda.SOUND_INITIALIZED)
		assert.are.equal("pci", hda.ID_BUS)
		assert.are.equal("0x8086", hda.ID_VENDOR_ID)
		assert.are.equal("pci-0000:00:1b.0", hda.ID_PATH)
		assert.are.equal("internal", hda.SOUND_FORM_FACTOR)
		local _, cam = hp:device("/devices/pci0000:00/0000:00:1a.0/usb1/1-6/1-6:1.2/sound/card2", "change")
		assert.are.equal("usb-046d_0825_ABCD1234-02", cam.ID_ID)
		assert.are.equal("webcam", cam.SOUND_FORM_FACTOR)
		local _, added = hp:device("/devices/pci0000:00/0000:00:1b.0/sound/card0")
		assert.is_nil(added.SOUND_INITIALIZED)
	end)
end)
