-- What several specs set up alike: the source and build trees, files read and written whole,
-- shell commands, scratch directories and the laptop fixture's /sys.
local M = {}

M.source = os.getenv("HOTPLUG2_SOURCE_DIR") or "."
M.build = os.getenv("HOTPLUG2_BUILD_DIR") or (M.source .. "/build")

-- support.sh(cmd): what the shell command printed, without its last newline.
function M.sh(cmd)
	local p = io.popen(cmd)
	local out = p:read("*a")
	p:close()
	return (out:gsub("\n$", ""))
end

-- support.read(path): the file's text, or nil when it cannot be opened.
function M.read(path)
	local f = io.open(path, "rb")
	if not f then return nil end
	local s = f:read("*a")
	f:close()
	return s
end

-- support.write(path, text): the file made to hold text.
function M.write(path, text)
	local f = assert(io.open(path, "wb"))
	f:write(text)
	f:close()
end

-- support.scratch(): a new empty directory; support.remove(dir) takes it away.
function M.scratch()
	local dir = M.sh("mktemp -d")
	assert(dir ~= "", "mktemp -d failed")
	return dir
end

function M.remove(dir)
	M.sh("rm -rf '" .. dir .. "'")
end

-- support.laptop(): a scratch directory holding the laptop fixture (DIR/sys).  The fixture is
-- in the tree: without it a spec fails, never passes by skipping.
function M.laptop()
	local tarball = M.source .. "/tests/fixtures/sysfs-laptop.tar.xz"
	assert(io.open(tarball), "no " .. tarball)
	local dir = M.scratch()
	M.sh("tar -xJf " .. tarball .. " -C " .. dir)
	return dir
end

return M
