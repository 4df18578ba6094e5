-- core.regex: POSIX extended regexes (regcomp REG_EXTENDED) with the leftmost-longest match and nine groups.
local core = require "hotplug2.core"

describe("core.regex", function()
	-- pattern, subject, first, last, groups (nil: no match)
	local CASES = {
		{ "sd[a-z]+", "sda1", 1, 3, {} },
		{ "^sd[a-z]+$", "sda1" },
		{ "a|ab", "ab", 1, 2, {} },				-- longest, not first alternative
		{ "(tty)([0-9]+)", "tty12", 1, 5, { "tty", "12" } },
		{ "(a)|(b)", "b", 1, 1, { false, "b" } },		-- a group that took no part
		{ "x*", "abc", 1, 0, {} },				-- an empty match at the start
		{ "[[:digit:]]{2,}", "vcs123", 4, 6, {} },		-- classes and intervals
		{ "snd/(pcm|control).*", "snd/controlC0", 1, 13, { "control" } },
		{ "(((((((((x)))))))))", "x", 1, 1, { "x", "x", "x", "x", "x", "x", "x", "x", "x" } },
	}
	for _, c in ipairs(CASES) do
		it(("%s on %s"):format(c[1], c[2]), function()
			local s, e, groups = core.regex(c[1]):match(c[2])
			if c[3] == nil then
				assert.is_nil(s)
			else
				assert.are.same({ c[3], c[4] }, { s, e })
				for i = 1, 9 do
					local want = c[5][i]
					if want == nil then want = false end
					assert.are.equal(want, groups[i])
				end
			end
		end)
	end

	-- Back-references can make one regexec call take exponential time.
	for _, c in ipairs {
		{ "(a)\\1", false }, { "(x)(y)\\2", false }, { "[\\1]", true },
		{ "\\\\1", true }, { "[]\\1]", true }, { "[[:alpha:]\\1]x", true },
	} do
		it(("%s: %s"):format(c[2] and "accepts" or "refuses the back-reference in", c[1]), function()
			local ok, err = pcall(core.regex, c[1])
			assert.are.equal(c[2], ok)
			if not ok then assert.matches("back%-references", err) end
		end)
	end

	it("does not match across a NUL", function()
		assert.is_nil(core.regex("a.b"):match("a\0b"))
	end)

	for _, bad in ipairs { "sd(", "a{2,1}", "[z-a]", "(a" } do
		it("refuses " .. bad .. " with regcomp's reason", function()
			local ok, err = pcall(core.regex, bad)
			assert.is_false(ok)
			assert.truthy(tostring(err):find("bad regex", 1, true), err)
		end)
	end
end)
