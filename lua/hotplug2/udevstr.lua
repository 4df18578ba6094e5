-- The string clean-ups udev and libblkid apply to what devices report, so that names and
-- properties come out byte for byte as udev's (facts from udev 252 and util-linux 2.38):
--
--   encode(s)       blkid_encode_string: the *_ENC properties; every byte but letters,
--                   digits, "#+-.:=@_" and valid UTF-8 as \xNN ("my disk" -> "my\x20disk")
--   safe(s)         blkid_safe_string: ID_FS_LABEL, ID_FS_UUID: whitespace runs one "_",
--                   none at either end, bytes that are no valid UTF-8 "_"
--   whitespace(s)   udev's whitespace replacement of a substituted value: runs one "_",
--                   none at either end
--   replace(s, allow)  udev_replace_chars: what is not a letter, digit, "#+-.:=@_", a
--                   character of allow, a "\x" escape or valid UTF-8 becomes "_"
--   link(s)         a value as it ends up in a SYMLINK+="...$env{X}" name: whitespace()
--                   then replace(s, "/"); then "/" too becomes "_", unlike udev, so
--                   that a value cannot make directories (see docs/persistent-names.md)
local M = {}

local byte, char = string.byte, string.char

-- The length of the valid UTF-8 character of more than one byte at i, or nil.
local function utf8_len(s, i)
	local c = byte(s, i)
	if not c or c < 0xc2 then return nil end
	local n, u
	if c < 0xe0 then n, u = 2, c % 0x20
	elseif c < 0xf0 then n, u = 3, c % 0x10
	elseif c < 0xf5 then n, u = 4, c % 0x08
	else return nil end
	for k = 1, n - 1 do
		local d = byte(s, i + k)
		if not d or d < 0x80 or d > 0xbf then return nil end
		u = u * 64 + d % 64
	end
	-- Overlong forms, surrogates and values past U+10FFFF are not valid.
	if (n == 3 and u < 0x800) or (n == 4 and (u < 0x10000 or u > 0x10ffff))
		or (u >= 0xd800 and u <= 0xdfff) then
		return nil
	end
	return n
end
M.utf8_len = utf8_len

local function plain(c)
	return c:find("^[%w#+%-.:=@_]$") ~= nil and byte(c) < 0x80
end

function M.encode(s)
	if not s:find("[^%w#+%-.:=@_]") then return s end
	local out, i, n = {}, 1, #s
	while i <= n do
		local l = utf8_len(s, i)
		if l then
			out[#out + 1] = s:sub(i, i + l - 1)
			i = i + l
		else
			local c = s:sub(i, i)
			out[#out + 1] = plain(c) and c or ("\\x%02x"):format(byte(c))
			i = i + 1
		end
	end
	return table.concat(out)
end

-- C's isspace in the C locale.
local SPACE = "[ \t\n\v\f\r]"

function M.whitespace(s)
	s = s:gsub("^" .. SPACE .. "+", ""):gsub(SPACE .. "+$", "")
	return (s:gsub(SPACE .. "+", "_"))
end

function M.safe(s)
	s = M.whitespace(s)
	if not s:find("[\128-\255]") then return s end
	local out, i, n = {}, 1, #s
	while i <= n do
		local c = byte(s, i)
		local l = c >= 0x80 and utf8_len(s, i)
		if c < 0x80 then
			out[#out + 1] = char(c)
			i = i + 1
		elseif l then
			out[#out + 1] = s:sub(i, i + l - 1)
			i = i + l
		else
			out[#out + 1] = "_"
			i = i + 1
		end
	end
	return table.concat(out)
end

function M.replace(s, allow)
	allow = allow or ""
	local out, i, n = {}, 1, #s
	while i <= n do
		local c = s:sub(i, i)
		local l
		if plain(c) or allow:find(c, 1, true) then
			out[#out + 1] = c
			i = i + 1
		elseif c == "\\" and s:sub(i + 1, i + 1) == "x" then
			out[#out + 1] = "\\x"
			i = i + 2
		else
			l = utf8_len(s, i)
			if l then
				out[#out + 1] = s:sub(i, i + l - 1)
				i = i + l
			elseif c:find(SPACE) and allow:find(" ", 1, true) then
				out[#out + 1] = " "
				i = i + 1
			else
				out[#out + 1] = "_"
				i = i + 1
			end
		end
	end
	return table.concat(out)
end

function M.link(s)
	return (M.replace(M.whitespace(s), ""))
end

return M
