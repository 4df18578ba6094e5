-- The input_id builtin: udev 252's classification of an input device (keyboard, mouse, touchpad,
-- joystick ...) from the capability bitmaps the kernel shows in sysfs, as libinput expects it.
--
-- The bitmaps (capabilities/ev, key, rel, abs and properties of the inputN device) are the kernel's
-- words of its own unsigned long, written in hex, most significant first, separated by spaces, zero
-- words as "0".  They are read digit by digit, never as numbers: a 64-bit word does not fit in a
-- Lua number.
local M = {}

local byte, floor = string.byte, math.floor

-- The width of the kernel's words: the size of a C long, which the core tells (core.long_bits);
-- without it, the size of size_t from the Lua 5.1 bytecode header, the same on Linux.
local function native_word_bits()
	local ok, dump = pcall(string.dump, function() end)
	if ok and dump:sub(1, 4) == "\27Lua" then return byte(dump, 9) * 8 end
	return 64
end
M.word_bits = native_word_bits()

-- Event types, codes and properties from linux/input-event-codes.h.
local EV_KEY, EV_REL, EV_SW = 0x01, 0x02, 0x05
local REL_X, REL_Y, REL_HWHEEL, REL_WHEEL = 0x00, 0x01, 0x06, 0x08
local ABS_X, ABS_Y, ABS_Z, ABS_RX, ABS_PRESSURE = 0x00, 0x01, 0x02, 0x03, 0x18
local ABS_MT_SLOT, ABS_MT_POSITION_X, ABS_MT_POSITION_Y = 0x2f, 0x35, 0x36
local BTN_MISC, BTN_0 = 0x100, 0x100
local BTN_MOUSE, BTN_JOYSTICK, BTN_DIGI = 0x110, 0x120, 0x140
local BTN_TOOL_PEN, BTN_TOOL_FINGER, BTN_TOUCH, BTN_STYLUS = 0x140, 0x145, 0x14a, 0x14b
local BTN_DPAD_UP, BTN_DPAD_RIGHT = 0x220, 0x223
local BTN_TRIGGER_HAPPY1, BTN_TRIGGER_HAPPY40 = 0x2c0, 0x2e7
local KEY_OK, KEY_ALS_TOGGLE = 0x160, 0x230
local INPUT_PROP_DIRECT, INPUT_PROP_POINTING_STICK, INPUT_PROP_ACCELEROMETER = 0x01, 0x05, 0x06
local BUS_I2C = 0x18
-- The highest code of each bitmap: udev's arrays hold that many bits rounded up to whole words,
-- and ignore words past them.
local EV_MAX, KEY_MAX, REL_MAX, ABS_MAX, INPUT_PROP_MAX = 0x1f, 0x2ff, 0x0f, 0x3f, 0x1f

-- Keys above BTN_MISC that still make a device a key device: [start, stop).
local HIGH_KEY_BLOCKS = { { KEY_OK, BTN_DPAD_UP }, { KEY_ALS_TOGGLE, BTN_TRIGGER_HAPPY1 } }

-- Keys of different keyboard groups (KEY_LEFTCTRL, KEY_CAPSLOCK, KEY_NUMLOCK, KEY_INSERT, KEY_MUTE,
-- KEY_CALC, KEY_FILE, KEY_MAIL, KEY_PLAYPAUSE, KEY_BRIGHTNESSDOWN): a device with four of them is
-- a keyboard, whatever joystick buttons it also claims.
local KEYBOARD_KEYS = { 29, 58, 69, 110, 113, 140, 144, 155, 164, 224 }

local HEX = {}
for i = 0, 15 do HEX[byte(("%x"):format(i))] = i; HEX[byte(("%X"):format(i))] = i end

-- A word as udev's strtoul reads it ("0x" allowed, nothing else): its hex digits without leading
-- zeros, least significant first as a list of nibble values; nil when it is not a number that fits.
local function nibbles(word, bits)
	word = word:gsub("^0[xX]", "")
	if word == "" or word:find("[^%x]") then return nil end
	word = word:gsub("^0+", "")
	if #word * 4 > bits then return nil end
	local t, n = {}, #word
	for k = 1, n do t[k] = HEX[byte(word, n - k + 1)] end
	return t
end

-- A bitmap: the set of its bits, { [code] = true }, with words past capacity left out, as udev's
-- fixed arrays leave them.  Devices set few bits: tests are lookups, ranges walk the set bits.
local function bitmap(text, max, bits)
	local capacity = floor((max - 1) / bits) + 1
	local set = {}
	text = text or ""
	-- Words from the right: the last one is word 0.  udev splits at every space, so two spaces
	-- make an empty word, which counts as a word of zeros; the leftmost word is read leniently.
	local list = {}
	for w in (text .. " "):gmatch("([^ ]*) ") do list[#list + 1] = w end
	local i = 0
	for k = #list, 1, -1 do
		if i >= capacity then break end
		local w = list[k]
		if k == 1 then
			w = w:match("^%s*(%x*)") or ""
			if w == "" then w = "0" end
			-- strtoul saturates; a leftmost word too long to fit is all ones.
			if #w:gsub("^0+", "") * 4 > bits then w = ("f"):rep(bits / 4) end
		end
		local nib = nibbles(w, bits)
		if nib then
			local base = i * bits
			for d = 1, #nib do
				local v = nib[d]
				if v ~= 0 then
					local b = base + (d - 1) * 4
					if v % 2 == 1 then set[b] = true end
					if v % 4 >= 2 then set[b + 1] = true end
					if v % 8 >= 4 then set[b + 2] = true end
					if v >= 8 then set[b + 3] = true end
				end
			end
		end
		i = i + 1
	end
	return set
end
M.bitmap = bitmap

-- How many bits of the set are in [lo, hi].
local function count(set, lo, hi)
	local n = 0
	for b in pairs(set) do
		if b >= lo and b <= hi then n = n + 1 end
	end
	return n
end

-- test_pointers: pointer classes, added to props; true when the device is a pointer.
local function pointers(add, ev, abs, key, rel, props, bustype)
	local has_keys = ev[EV_KEY]
	local has_abs_coordinates = abs[ABS_X] and abs[ABS_Y]
	local has_3d_coordinates = has_abs_coordinates and abs[ABS_Z]
	local is_accelerometer = props[INPUT_PROP_ACCELEROMETER]
	if not has_keys and has_3d_coordinates then is_accelerometer = true end
	if is_accelerometer then
		add("ID_INPUT_ACCELEROMETER")
		return true
	end

	local is_pointing_stick = props[INPUT_PROP_POINTING_STICK]
	local has_stylus = key[BTN_STYLUS]
	local has_pen = key[BTN_TOOL_PEN]
	local finger_but_no_pen = key[BTN_TOOL_FINGER] and not has_pen
	local has_mouse_button = count(key, BTN_MOUSE, BTN_JOYSTICK - 1) > 0
	local has_rel_coordinates = ev[EV_REL] and rel[REL_X] and rel[REL_Y]
	local has_mt_coordinates = abs[ABS_MT_POSITION_X] and abs[ABS_MT_POSITION_Y]
	-- A device that claims every abs axis is no multitouch device.
	if has_mt_coordinates and abs[ABS_MT_SLOT] and abs[ABS_MT_SLOT - 1] then
		has_mt_coordinates = false
	end
	local is_direct = props[INPUT_PROP_DIRECT]
	local has_touch = key[BTN_TOUCH]
	-- Numbered buttons on a tablet without a pen tool: the tablet's pad.
	local has_pad_buttons = key[BTN_0] and not has_pen

	-- Joystick buttons, unless a mouse with many buttons runs into their range.
	local joystick_buttons, joystick_axes = 0, 0
	if not key[BTN_JOYSTICK - 1] then
		joystick_buttons = count(key, BTN_JOYSTICK, BTN_DIGI - 1)
			+ count(key, BTN_TRIGGER_HAPPY1, BTN_TRIGGER_HAPPY40) + count(key, BTN_DPAD_UP, BTN_DPAD_RIGHT)
	end
	joystick_axes = count(abs, ABS_RX, ABS_PRESSURE - 1)

	local is_tablet, is_touchpad, is_abs_mouse, is_touchscreen, is_joystick, is_mouse
	local is_tablet_pad
	if has_abs_coordinates then
		if has_stylus or has_pen then
			is_tablet = true
		elseif finger_but_no_pen and not is_direct then
			is_touchpad = true
		elseif has_mouse_button then
			-- Absolute axes and mouse buttons but no touch: VMware's and qemu's tablets.
			is_abs_mouse = true
		elseif has_touch or is_direct then
			is_touchscreen = true
		elseif joystick_buttons > 0 or joystick_axes > 0 then
			is_joystick = true
		end
	elseif joystick_buttons > 0 or joystick_axes > 0 then
		is_joystick = true
	end
	if has_mt_coordinates then
		if has_stylus or has_pen then
			is_tablet = true
		elseif finger_but_no_pen and not is_direct then
			is_touchpad = true
		elseif has_touch or is_direct then
			is_touchscreen = true
		end
	end
	if is_tablet and has_pad_buttons then is_tablet_pad = true end
	if not is_tablet and not is_touchpad and not is_joystick and has_mouse_button
		and (has_rel_coordinates or not has_abs_coordinates) then
		is_mouse = true
	end
	-- There are no i2c mice: such a device is a pointing stick.
	if is_mouse and bustype == BUS_I2C then is_pointing_stick = true end

	-- Keyboards that claim a joystick button or two are keyboards.
	if is_joystick then
		local well_known = 0
		if has_keys then
			for _, k in ipairs(KEYBOARD_KEYS) do
				if key[k] then well_known = well_known + 1 end
			end
		end
		if well_known >= 4 or joystick_buttons + joystick_axes < 2 then is_joystick = false end
	end

	if is_pointing_stick then add("ID_INPUT_POINTINGSTICK") end
	if is_mouse or is_abs_mouse then add("ID_INPUT_MOUSE") end
	if is_touchpad then add("ID_INPUT_TOUCHPAD") end
	if is_touchscreen then add("ID_INPUT_TOUCHSCREEN") end
	if is_joystick then add("ID_INPUT_JOYSTICK") end
	if is_tablet then add("ID_INPUT_TABLET") end
	if is_tablet_pad then add("ID_INPUT_TABLET_PAD") end
	return is_tablet or is_mouse or is_abs_mouse or is_touchpad or is_touchscreen or is_joystick
		or is_pointing_stick or false
end

-- test_key: key classes; true when the device has keys (not buttons).
local function keys(add, ev, key)
	if not ev[EV_KEY] then return false end
	local found = count(key, 0, BTN_MISC - 1) > 0
	if not found then
		for _, block in ipairs(HIGH_KEY_BLOCKS) do
			if count(key, block[1], block[2] - 1) > 0 then found = true end
		end
	end
	local is_key = false
	if found then
		add("ID_INPUT_KEY")
		is_key = true
	end
	-- Escape, the digits and Q to D (bits 1 to 31): a full keyboard.
	local full = true
	for k = 1, 31 do
		if not key[k] then full = false break end
	end
	if full then
		add("ID_INPUT_KEYBOARD")
		is_key = true
	end
	return is_key
end

-- The classification from the five bitmaps' texts and the bus type (a number or nil), as pairs.
function M.classify(caps, bustype, bits)
	bits = bits or M.word_bits
	local props = { { "ID_INPUT", "1" } }
	local function add(name) props[#props + 1] = { name, "1" } end
	local ev = bitmap(caps.ev, EV_MAX, bits)
	local abs = bitmap(caps.abs, ABS_MAX, bits)
	local rel = bitmap(caps.rel, REL_MAX, bits)
	local key = bitmap(caps.key, KEY_MAX, bits)
	local prop = bitmap(caps.properties, INPUT_PROP_MAX, bits)
	local is_pointer = pointers(add, ev, abs, key, rel, prop, bustype)
	local is_key = keys(add, ev, key)
	-- Some devices have only a scroll wheel.
	if not is_pointer and not is_key and ev[EV_REL]
		and (rel[REL_WHEEL] or rel[REL_HWHEEL]) then
		add("ID_INPUT_KEY")
	end
	if ev[EV_SW] then add("ID_INPUT_SWITCH") end
	return props
end

-- The bitmaps of the input device the event's device belongs to: itself or its nearest input
-- ancestor with capabilities/ev (eventN, mouseN and jsN sit below inputN).
local ATTRS = { ev = "capabilities/ev", abs = "capabilities/abs", rel = "capabilities/rel",
	key = "capabilities/key", properties = "properties" }
-- The same in the inputN device's own uevent, when sysfs has no capabilities (a tree without
-- them; the kernel always has them).
local VARS = { ev = "EV", abs = "ABS", rel = "REL", key = "KEY", properties = "PROP" }

-- A uevent's value of a variable; the laptop fixture's captured files say "EV==7" for "EV=7".
local function uevent_var(text, name)
	local v = text:match("%f[^\n%z]" .. name .. "=([^\n]*)")
	return v and (v:gsub("^=", ""))
end

local function call(ctx, ev)
	local p = ev.DEVPATH
	while p do
		if ctx.attr(p, "capabilities/ev") then break end
		local parent = ctx.dev.parent(p, "input")
		p = parent and parent.devpath
	end
	local caps, bustype = {}, nil
	if p then
		for k, name in pairs(ATTRS) do caps[k] = ctx.attr(p, name) end
		local bt = ctx.attr(p, "id/bustype")
		bustype = bt and tonumber(bt:match("^%s*(%x+)%s*$") or "", 16)
	else
		-- No capabilities in sysfs: the variables of the input device's uevent, the event's
		-- own when it is for that device.
		local q, text = ev.DEVPATH, nil
		while q do
			if q == ev.DEVPATH and ev.EV then
				for k, name in pairs(VARS) do caps[k] = ev[name] and (ev[name]:gsub("^=", "")) end
				text = ev.PRODUCT or ""
				break
			end
			local u = ctx.attr(q, "uevent")
			if u and uevent_var(u, "EV") then
				for k, name in pairs(VARS) do caps[k] = uevent_var(u, name) end
				text = uevent_var(u, "PRODUCT") or ""
				break
			end
			local parent = ctx.dev.parent(q, "input")
			q = parent and parent.devpath
		end
		if text == nil then return {} end
		bustype = tonumber(text:match("^(%x+)/") or "", 16)
	end
	return M.classify(caps, bustype, ctx.core.long_bits)
end

return setmetatable(M, { __call = function(_, ctx, ev) return call(ctx, ev) end })
