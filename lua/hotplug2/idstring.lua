-- udev's three ways of making a device's identification strings safe for a name under /dev: whitespace
-- runs to "_", unsafe bytes to "_", and every unsafe byte as \xNN (the _ENC properties).
--
-- Bytes, not characters: a valid UTF-8 sequence passes whole, anything else byte by byte, as udev's
-- C code does (udev_replace_whitespace, udev_replace_chars, encode_devnode_name in udev 252).
local M = {}

local byte, sub, format = string.byte, string.sub, string.format

-- The bytes a name may hold as they are: letters, digits and #+-.:=@_.
local SAFE = {}
for c in ("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#+-.:=@_"):gmatch(".") do
	SAFE[byte(c)] = true
end

-- C's isspace in the C locale.
local SPACE = { [9] = true, [10] = true, [11] = true, [12] = true, [13] = true, [32] = true }
-- What udev skips at the start (its WHITESPACE): no \v nor \f.
local LEADING = { [9] = true, [10] = true, [13] = true, [32] = true }

-- The length of the valid UTF-8 sequence of more than one byte at s[i], or nil: no overlong form,
-- no surrogate, nothing past U+10FFFF, no noncharacter (U+FDD0-FDEF, U+xFFFE, U+xFFFF).
local function utf8_len(s, i)
	local c = byte(s, i)
	local len, cp
	if c < 0xc0 then return nil
	elseif c < 0xe0 then len, cp = 2, c % 0x20
	elseif c < 0xf0 then len, cp = 3, c % 0x10
	elseif c < 0xf8 then len, cp = 4, c % 0x08
	else return nil end
	for k = 1, len - 1 do
		local d = byte(s, i + k)
		if d == nil or d < 0x80 or d > 0xbf then return nil end
		cp = cp * 64 + d % 64
	end
	local min = len == 2 and 0x80 or len == 3 and 0x800 or 0x10000
	if cp < min or cp > 0x10ffff or (cp >= 0xd800 and cp <= 0xdfff)
		or (cp >= 0xfdd0 and cp <= 0xfdef) or cp % 0x10000 >= 0xfffe then
		return nil
	end
	return len
end
M.utf8_len = utf8_len

-- udev_replace_whitespace(s, len): leading whitespace dropped, each run of whitespace inside to one
-- "_", trailing whitespace dropped; at most len bytes out, and only the first len bytes of s read.
function M.replace_whitespace(s, len)
	local n = #s
	local i = 1
	while i <= n and LEADING[byte(s, i)] do i = i + 1 end
	local out, j, pending = {}, 0, false
	while j < len and i <= len and i <= n do
		local c = byte(s, i)
		if SPACE[c] then
			pending = true
		else
			if pending then
				if j + 1 >= len then break end
				j = j + 1
				out[j] = "_"
				pending = false
			end
			j = j + 1
			out[j] = sub(s, i, i)
		end
		i = i + 1
	end
	return table.concat(out)
end

-- udev_replace_chars(s) with no extra allowed characters: every byte that is not safe, not part of
-- a "\x" and not in a valid UTF-8 sequence becomes "_".
function M.replace_chars(s)
	local out, n, i = {}, #s, 1
	while i <= n do
		local c = byte(s, i)
		if SAFE[c] then
			out[#out + 1] = sub(s, i, i)
			i = i + 1
		elseif c == 92 and byte(s, i + 1) == 120 then
			out[#out + 1] = "\\x"
			i = i + 2
		else
			local len = c >= 0x80 and utf8_len(s, i)
			if len then
				out[#out + 1] = sub(s, i, i + len - 1)
				i = i + len
			else
				out[#out + 1] = "_"
				i = i + 1
			end
		end
	end
	return table.concat(out)
end

-- encode_devnode_name(s): safe bytes and valid UTF-8 as they are, every other byte as \xNN, at most
-- 255 bytes (udev's buffer; udev leaves the property unset past it, this cuts it there).
function M.encode(s)
	local out, n, i, size = {}, #s, 1, 0
	while i <= n do
		local c = byte(s, i)
		local piece
		local len = c >= 0x80 and utf8_len(s, i)
		if len then
			piece = sub(s, i, i + len - 1)
		elseif SAFE[c] then
			piece, len = sub(s, i, i), 1
		else
			piece, len = format("\\x%02x", c), 1
		end
		if size + #piece > 255 then break end
		size = size + #piece
		out[#out + 1] = piece
		i = i + len
	end
	return table.concat(out)
end

-- An identification string as udev makes ID_VENDOR, ID_MODEL, ID_SERIAL_SHORT and the like of an
-- attribute: whitespace, then unsafe bytes, replaced; at most len bytes.
function M.safe(s, len)
	return M.replace_chars(M.replace_whitespace(s, len))
end

return M
