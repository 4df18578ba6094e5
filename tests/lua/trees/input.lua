-- Fake input devices for the input_id spec: one of each class udev 252 tells apart, edge cases of its
-- rules, and 150 devices with capability bits drawn from the codes those rules test.
-- tests/oracle/builtin-oracle.sh input_id lays them under a private /sys for udev's own answers;
-- M.laptop does the same to the laptop fixture, whose input devices lack sysfs capability files.
local M = {}

-- A bitmap as the kernel prints it on a 64-bit machine (bits is a list of codes): words of 16 hex
-- digits, most significant first, without leading zeros, "0" for a zero word; bits_per_word 32
-- gives a 32-bit kernel's text of the same bits.
local function bitmap(bits, bits_per_word)
	local wb = bits_per_word or 64
	local words, top = {}, 0
	for _, b in ipairs(bits) do
		local w = math.floor(b / wb)
		words[w] = words[w] or {}
		words[w][b % wb] = true
		if w > top then top = w end
	end
	local out = {}
	for w = top, 0, -1 do
		local digits, started = {}, false
		for d = wb / 4 - 1, 0, -1 do
			local v = 0
			for k = 3, 0, -1 do
				v = v * 2 + ((words[w] and words[w][d * 4 + k]) and 1 or 0)
			end
			if v ~= 0 then started = true end
			if started then digits[#digits + 1] = ("%x"):format(v) end
		end
		out[#out + 1] = started and table.concat(digits) or "0"
	end
	return table.concat(out, " ")
end
M.bitmap = bitmap

local function range(a, b)
	local t = {}
	for i = a, b do t[#t + 1] = i end
	return t
end

local function join(...)
	local t = {}
	for _, l in ipairs { ... } do
		for _, v in ipairs(l) do t[#t + 1] = v end
	end
	return t
end

M.sysfs, M.queries, M.caps = {}, {}, {}

-- An input device inputN (virtual, or below parent) with an eventN below it; caps lists the set
-- codes of each bitmap, or gives a bitmap's text as a string.
local n = 100
local function input(name, caps, bustype)
	n = n + 1
	local dir = "/devices/virtual/input/input" .. n
	-- The files udev reads (the kernel has more: capabilities/msc, sw, led, snd, ff).
	local attrs = { name = name .. "\n", ["id/bustype"] = (bustype or "0003") .. "\n" }
	local texts = {}
	for _, k in ipairs { "ev", "key", "rel", "abs" } do
		local v = caps[k] or {}
		texts[k] = type(v) == "string" and v or bitmap(v)
		attrs["capabilities/" .. k] = texts[k] .. "\n"
	end
	local props = caps.properties or {}
	texts.properties = type(props) == "string" and props or bitmap(props)
	attrs.properties = texts.properties .. "\n"
	M.sysfs[dir] = { subsystem = "input", uevent = ("PRODUCT=%x/0/0/0\nNAME=\"%s\"\n"):format(
		tonumber(bustype or "0003", 16), name), attrs = attrs }
	M.sysfs[dir .. "/event" .. n] = { subsystem = "input",
		uevent = ("MAJOR=13\nMINOR=%d\nDEVNAME=input/event%d\n"):format(64 + n, n) }
	M.queries[#M.queries + 1] = dir .. "/event" .. n
	M.caps[dir .. "/event" .. n] = caps
	return dir
end

local EV_SYN, EV_KEY, EV_REL, EV_ABS, EV_MSC, EV_SW = 0, 1, 2, 3, 4, 5
local KEYBOARD = range(1, 0x7f)

-- One of each class, with the bitmaps real devices of that kind show.
local kbd = input("AT Translated Set 2 keyboard", { ev = { EV_SYN, EV_KEY, EV_MSC, 0x11, 0x14 },
	key = KEYBOARD }, "0011")
M.queries[#M.queries + 1] = kbd
input("PS/2 mouse", { ev = { EV_SYN, EV_KEY, EV_REL }, key = { 0x110, 0x111, 0x112 }, rel = { 0, 1, 8 } }, "0011")
input("SynPS/2 Synaptics TouchPad", { ev = { EV_SYN, EV_KEY, EV_ABS },
	key = { 0x110, 0x145, 0x14a, 0x14d, 0x14e, 0x14f }, abs = { 0, 1, 0x18, 0x1c, 0x2f, 0x35, 0x36, 0x39 },
	properties = { 0, 2 } }, "0011")
input("TPPS/2 IBM TrackPoint", { ev = { EV_SYN, EV_KEY, EV_REL }, key = { 0x110, 0x111, 0x112 },
	rel = { 0, 1 }, properties = { 0, 5 } }, "0011")
input("ELAN touchscreen", { ev = { EV_SYN, EV_KEY, EV_ABS }, key = { 0x14a },
	abs = { 0, 1, 0x2f, 0x30, 0x35, 0x36, 0x39 }, properties = { 1 } }, "0018")
input("Wacom Intuos Pen", { ev = { EV_SYN, EV_KEY, EV_ABS, EV_MSC },
	key = { 0x140, 0x141, 0x14a, 0x14b, 0x14c }, abs = { 0, 1, 0x18, 0x1a, 0x1b } })
input("Wacom Intuos Pad", { ev = { EV_SYN, EV_KEY, EV_ABS }, key = { 0x100, 0x101, 0x102, 0x103, 0x14b },
	abs = { 0, 1, 0x28 } })
input("Wacom Pad without axes", { ev = { EV_SYN, EV_KEY, EV_REL }, key = { 0x100, 0x101, 0x102 },
	rel = { 8 } })
input("Xbox gamepad", { ev = { EV_SYN, EV_KEY, EV_ABS, 0x15 },
	key = join(range(0x130, 0x13e), range(0x220, 0x223)), abs = { 0, 1, 2, 3, 4, 5, 0x10, 0x11 } })
input("Pedals", { ev = { EV_SYN, EV_ABS }, abs = { 5, 6, 7 } })
input("One-axis wheel", { ev = { EV_SYN, EV_ABS }, abs = { 8 } })
input("Accelerometer", { ev = { EV_SYN, EV_ABS }, abs = { 0, 1, 2 } })
input("Accelerometer by property", { ev = { EV_SYN, EV_ABS, EV_KEY }, key = { 0x74 }, abs = { 0, 1 },
	properties = { 6 } })
input("QEMU USB Tablet", { ev = { EV_SYN, EV_KEY, EV_REL, EV_ABS, EV_MSC }, key = { 0x110, 0x111, 0x112 },
	rel = { 8 }, abs = { 0, 1 } })
input("I2C HID mouse", { ev = { EV_SYN, EV_KEY, EV_REL }, key = { 0x110, 0x111 }, rel = { 0, 1 } }, "0018")
input("Keyboard with joystick buttons", { ev = { EV_SYN, EV_KEY, EV_MSC, EV_ABS },
	key = join(KEYBOARD, { 0x120, 0x121, 0x130 }), abs = { 3 } })
input("Gaming mouse of 20 buttons", { ev = { EV_SYN, EV_KEY, EV_REL },
	key = range(0x110, 0x123), rel = { 0, 1, 6, 8 } })
input("Scroll wheel", { ev = { EV_SYN, EV_REL }, rel = { 8 } })
input("Horizontal wheel", { ev = { EV_SYN, EV_REL }, rel = { 6 } })
input("Lid Switch", { ev = { EV_SYN, EV_SW } }, "0019")
input("Power Button", { ev = { EV_SYN, EV_KEY }, key = { 0x74 } }, "0019")
input("Video Bus", { ev = { EV_SYN, EV_KEY }, key = { 0xe0, 0xe1, 0xe3, 0xf1, 0xf2 } }, "0019")
input("Remote control", { ev = { EV_SYN, EV_KEY }, key = { 0x160, 0x162, 0x16b } })
input("Above the high blocks", { ev = { EV_SYN, EV_KEY }, key = { 0x2c0 } })
input("Only KEY_RESERVED", { ev = { EV_SYN, EV_KEY }, key = { 0 } })
input("Keys but no EV_KEY", { ev = { EV_SYN }, key = KEYBOARD })
input("Full keyboard but bit 17", { ev = { EV_SYN, EV_KEY }, key = join(range(1, 16), range(18, 40)) })
input("MT claiming every axis", { ev = { EV_SYN, EV_KEY, EV_ABS }, key = { 0x14a, 0x145 },
	abs = range(0, 0x3f) })
input("Touch with finger and direct", { ev = { EV_SYN, EV_KEY, EV_ABS }, key = { 0x145, 0x14a },
	abs = { 0, 1 }, properties = { 1 } })
input("Empty", {})
-- Odd texts: extra spaces, a word too long to be one, a 0x prefix, words past KEY_MAX.
input("Odd texts", { ev = "  b", key = "1  fffffffe 10000000000000000 0x3", rel = "0x3", abs = "3 0 0 0 0" })
input("Many words", { ev = { EV_SYN, EV_KEY }, key = "1 0 0 0 0 0 0 0 0 0 0 0 0 fffffffe" })
-- An input device whose capabilities sit on a device two levels up, and one with none at all.
M.sysfs["/devices/virtual/input/input" .. n .. "/event" .. n .. "/sub"] = { subsystem = "input", uevent = "" }
M.queries[#M.queries + 1] = "/devices/virtual/input/input" .. n .. "/event" .. n .. "/sub"
M.sysfs["/devices/virtual/misc/uinput"] = { subsystem = "misc", uevent = "MAJOR=10\nMINOR=223\n" }
M.queries[#M.queries + 1] = "/devices/virtual/misc/uinput"

-- Devices with bits drawn from what the rules test, by a fixed generator (the same in every Lua).
local seed = 12345
local function rand(k)
	seed = (seed * 1103515245 + 12345) % 2147483648
	return math.floor(seed / 65536) % k
end
local POOL = {
	ev = { EV_KEY, EV_REL, EV_ABS, EV_SW, EV_MSC },
	key = join({ 0, 1, 29, 58, 69, 110, 113, 140, 144, 155, 164, 224, 0x74, 0x100, 0x101, 0x110, 0x111,
		0x11f, 0x120, 0x121, 0x130, 0x13f, 0x140, 0x145, 0x14a, 0x14b, 0x160, 0x21f, 0x220, 0x223,
		0x230, 0x2bf, 0x2c0, 0x2e7, 0x2ff }),
	rel = { 0, 1, 6, 8 },
	abs = { 0, 1, 2, 3, 0x17, 0x18, 0x2e, 0x2f, 0x35, 0x36 },
	properties = { 0, 1, 2, 5, 6 },
}
for _ = 1, 150 do
	local caps = {}
	for k, pool in pairs(POOL) do
		local set = {}
		for _, b in ipairs(pool) do
			if rand(3) == 0 then set[#set + 1] = b end
		end
		caps[k] = set
	end
	-- Half of them with a full first key word, as keyboards have.
	if rand(2) == 0 then caps.key = join(caps.key, range(1, 31)) end
	input("random", caps, ({ "0003", "0018", "0011" })[rand(3) + 1])
end

-- The laptop fixture (unpacked at dir): its inputN devices get the capability files the kernel
-- shows, with the words their uevents hold, and their id/bustype; its event, mouse and input
-- devices are asked about.
M.laptop_inputs = {
	"/devices/platform/i8042/serio0/input/input0",
	"/devices/platform/i8042/serio1/input/input1",
	"/devices/platform/pcspkr/input/input2",
	"/devices/LNXSYSTM:00/LNXPWRBN:00/input/input3",
	"/devices/LNXSYSTM:00/device:00/PNP0C0D:00/input/input4",
	"/devices/LNXSYSTM:00/device:00/PNP0C0E:00/input/input5",
	"/devices/virtual/input/input6",
	"/devices/pci0000:00/0000:00:1d.2/usb3/3-1/3-1:1.0/input/input8",
}
M.laptop_queries = {}
for _, d in ipairs(M.laptop_inputs) do
	M.laptop_queries[#M.laptop_queries + 1] = d
end
for _, q in ipairs {
	"/devices/platform/i8042/serio0/input/input0/event0",
	"/devices/platform/i8042/serio1/input/input1/event1",
	"/devices/platform/i8042/serio1/input/input1/mouse0",
	"/devices/platform/pcspkr/input/input2/event2",
	"/devices/LNXSYSTM:00/LNXPWRBN:00/input/input3/event3",
	"/devices/LNXSYSTM:00/device:00/PNP0C0D:00/input/input4/event4",
	"/devices/LNXSYSTM:00/device:00/PNP0C0E:00/input/input5/event5",
	"/devices/virtual/input/input6/event6",
	"/devices/pci0000:00/0000:00:1d.2/usb3/3-1/3-1:1.0/input/input8/event7",
	"/devices/pci0000:00/0000:00:1d.2/usb3/3-1/3-1:1.0/input/input8/mouse1",
} do M.laptop_queries[#M.laptop_queries + 1] = q end

function M.laptop(dir)
	for _, d in ipairs(M.laptop_inputs) do
		local f = assert(io.open(dir .. "/sys" .. d .. "/uevent"))
		local text = f:read("*a")
		f:close()
		local function var(name)
			local v = text:match("%f[^\n%z]" .. name .. "=([^\n]*)")
			return v and v:gsub("^=", "") or "0"
		end
		os.execute("mkdir -p '" .. dir .. "/sys" .. d .. "/capabilities' '" .. dir .. "/sys" .. d .. "/id'")
		local files = { ["capabilities/ev"] = var("EV"), ["capabilities/key"] = var("KEY"),
			["capabilities/rel"] = var("REL"), ["capabilities/abs"] = var("ABS"),
			["capabilities/sw"] = var("SW"), ["capabilities/msc"] = var("MSC"), properties = var("PROP"),
			["id/bustype"] = ("%04x"):format(tonumber(var("PRODUCT"):match("^(%x+)"), 16)) }
		for name, v in pairs(files) do
			local o = assert(io.open(dir .. "/sys" .. d .. "/" .. name, "w"))
			o:write(v, "\n")
			o:close()
		end
	end
end

return M
