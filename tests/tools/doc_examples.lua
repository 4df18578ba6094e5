-- Run the examples of a markdown tutorial and check that their output is the one shown.
--
-- usage: lua5.1 doc_examples.lua DOC.md WORKDIR
--
-- In document order: a ```lua file=PATH block is written to WORKDIR/PATH;
-- in a ```console block, each "$ command" line runs in WORKDIR (sh -c,
-- stderr with stdout) and the lines after it, up to the next "$ " line,
-- are its expected output, compared exactly.  Other blocks are prose.
local doc, work = arg[1], arg[2]
if not doc or not work then
	io.stderr:write("usage: doc_examples.lua DOC.md WORKDIR\n")
	os.exit(100)
end

local function quote(s)
	return "'" .. s:gsub("'", "'\\''") .. "'"
end

local f = assert(io.open(doc))
local lines = {}
for line in f:lines() do lines[#lines + 1] = line end
f:close()

-- Blocks: { kind = "file"|"console", path =, start =, body = { lines } }.
local blocks, cur = {}, nil
for i, line in ipairs(lines) do
	if cur then
		if line:match("^```%s*$") then
			blocks[#blocks + 1] = cur
			cur = nil
		else
			cur.body[#cur.body + 1] = line
		end
	else
		local info = line:match("^```(.*)$")
		if info then
			local path = info:match("^lua%s+file=(%S+)")
			if path then
				cur = { kind = "file", path = path, start = i, body = {} }
			elseif info:match("^console%s*$") then
				cur = { kind = "console", start = i, body = {} }
			else
				cur = { kind = "prose", start = i, body = {} }
			end
		end
	end
end
if cur then
	io.stderr:write(("%s:%d: unterminated code block\n"):format(doc, cur.start))
	os.exit(1)
end

local failed, ran = 0, 0
local function run(cmd, expected, line)
	ran = ran + 1
	local p = io.popen("cd " .. quote(work) .. " && (" .. cmd .. ") 2>&1")
	local out = p:read("*a")
	p:close()
	local want = table.concat(expected, "\n")
	if #expected > 0 then want = want .. "\n" end
	if out ~= want then
		failed = failed + 1
		io.stderr:write(("%s:%d: $ %s\n--- shown\n%s--- got\n%s---\n"):format(doc, line, cmd,
			want, out))
	end
end

for _, b in ipairs(blocks) do
	if b.kind == "file" then
		local dir = b.path:match("^(.*)/[^/]+$")
		if dir then os.execute("mkdir -p " .. quote(work .. "/" .. dir)) end
		local out = assert(io.open(work .. "/" .. b.path, "w"))
		out:write(table.concat(b.body, "\n"), "\n")
		out:close()
	elseif b.kind == "console" then
		local cmd, cmdline, expected
		for j, line in ipairs(b.body) do
			local c = line:match("^%$ (.*)$")
			if c then
				if cmd then run(cmd, expected, cmdline) end
				cmd, cmdline, expected = c, b.start + j, {}
			elseif cmd then
				expected[#expected + 1] = line
			end
		end
		if cmd then run(cmd, expected, cmdline) end
	end
end
if ran == 0 then
	io.stderr:write(doc .. ": no commands found\n")
	os.exit(1)
end
print(("%s: %d commands, %d with other output"):format(doc, ran, failed))
os.exit(failed == 0 and 0 or 1)
