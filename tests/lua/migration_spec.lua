-- mdev_conf and hotplug2_rules: the loaders, their errors, and hotplug2 convert's output taking the same actions.
local testing = require "hotplug2.testing"
local convert = require "hotplug2.convert"

local support = dofile("tests/lua/support.lua")
local dir = support.source .. "/tests/migration"

local function read(path)
	return assert(support.read(path), "unable to read " .. path)
end

-- The problems of one handler file that reads text through directive
-- (mdev_conf or hotplug2_rules) from a scratch file; the file's name too.
local function problems(directive, text)
	local tmp = os.tmpname()
	support.write(tmp, text .. "\n")
	local hp = testing.new { scripts = { { "/etc/hotplug2/50-m.lua", ("%s %q"):format(directive, tmp) } },
		allow_problems = true }
	os.remove(tmp)
	return hp.problems, tmp
end

local function ev(action, devpath, vars)
	local e = { ACTION = action, DEVPATH = devpath, SEQNUM = "1" }
	for k, v in pairs(vars or {}) do e[k] = v end
	return e
end

local function node(action, subsystem, name, major, minor, extra)
	local e = ev(action, "/devices/virtual/" .. subsystem .. "/" .. name:gsub("/", "!"),
		{ SUBSYSTEM = subsystem, DEVNAME = name, MAJOR = tostring(major), MINOR = tostring(minor) })
	for k, v in pairs(extra or {}) do e[k] = v end
	return e
end

-- Events that reach every line of the test files.
local EVENTS = {
	node("add", "mem", "null", 1, 3), node("add", "mem", "zero", 1, 5),
	node("add", "mem", "full", 1, 7), node("add", "mem", "random", 1, 8),
	node("add", "mem", "urandom", 1, 9), node("add", "mem", "kmem", 1, 2),
	node("add", "tty", "tty3", 4, 3), node("add", "tty", "tty12", 4, 12),
	node("add", "block", "loop7", 7, 7), node("add", "tty", "ptmx", 5, 2),
	node("add", "vc", "vcsa1", 7, 129), node("add", "input", "input/event4", 13, 68),
	node("add", "sound", "snd/timer", 116, 33), node("add", "misc", "fuse", 10, 229),
	ev("add", "/devices/pci0000:00/0000:00:1f.3", { SUBSYSTEM = "pci", MODALIAS = "pci:v00008086d0000A348sv*" }),
	ev("add", "/devices/platform/x/firmware/x", { SUBSYSTEM = "firmware", FIRMWARE = "x.bin" }),
	node("change", "tty", "tty12", 4, 12),
	node("remove", "tty", "tty12", 4, 12), node("remove", "tty", "tty3", 4, 3),
	node("remove", "input", "input/event4", 13, 68), node("remove", "tty", "ptmx", 5, 2),
	node("remove", "mem", "kmem", 1, 2), node("remove", "block", "loop7", 7, 7),
}

local GROUP = "root:x:0:\ntty:x:5:\ndisk:x:6:\naudio:x:29:\n"
local PASSWD = "root:x:0:0::/root:/bin/sh\ndaemon:x:1:1::/:/bin/sh\n"

local function run_all(hp)
	local all = {}
	for i, e in ipairs(EVENTS) do
		local copy = {}
		for k, v in pairs(e) do copy[k] = v end
		all[i] = hp:handle(copy)
	end
	return all
end

local function scripts(handler)
	return testing.new { scripts = { { "/etc/hotplug2/50-policy.lua", handler } },
		group = GROUP, passwd = PASSWD }
end

describe("mdev_conf", function()
	local path = dir .. "/every.mdev.conf"

	it("does what mdev does for each line", function()
		local hp = scripts(("mdev_conf %q"):format(path))
		local function first(e) return hp:handle(e)[1] end
		assert.are.same({ "mknod", path = "/dev/null", type = "c", major = 1, minor = 3,
			mode = 438, owner = "0", group = "0", uid = 0, gid = 0 }, first(EVENTS[1]))
		-- "-full" matches and goes on; full's own line then wins: the
		-- node is made once, with its values, before the command.
		local acts = hp:handle(EVENTS[3])
		assert.are.equal(2, #acts)
		assert.are.equal(tonumber("604", 8), acts[1].mode)
		assert.are.equal("tty", acts[1].group)
		assert.are.equal("/bin/sh", acts[2].argv[1])
		assert.are.equal("echo keep-going $MDEV", acts[2].argv[3])
		assert.are.equal("full", acts[2].env.MDEV)
		-- kmem is caught by $SUBSYSTEM=m(e)m, its group 1 in the path.
		acts = hp:handle(EVENTS[6])
		assert.are.same({ "mknod", path = "/dev/misc/e/kmem", type = "c", major = 1, minor = 2,
			mode = 292, owner = "0", group = "0", uid = 0, gid = 0 }, acts[1])
		-- @1,11-12: %1 is empty, and busybox leaves the '%' of an empty
		-- group that ends the path.
		acts = hp:handle(node("add", "mem", "kmsg", 1, 11))
		assert.are.equal("/dev/misc/kmsg-%", acts[1].path)
		assert.are.same({ "symlink", path = "/dev/kmsg", target = "misc/kmsg-%" }, acts[2])
		-- A removal has no major,minor for mdev: @ lines never match it.
		-- The link the add claimed is released with the device.
		acts = hp:handle(node("remove", "mem", "kmsg", 1, 11))
		assert.are.same({ "unlink", path = "/dev/kmsg" }, acts[1])
		assert.are.same({ "unlink", path = "/dev/misc/e/kmsg" }, acts[2])
		-- Groups and moves.
		acts = hp:handle(EVENTS[7])
		assert.are.equal("/dev/vt/3", acts[1].path)
		acts = hp:handle(EVENTS[8])
		assert.are.equal("/dev/vt/big12", acts[1].path)
		assert.are.same({ "symlink", path = "/dev/tty12", target = "vt/big12" }, acts[2])
		assert.are.equal("vt/big12", acts[3].env.MDEV)
		acts = hp:handle(EVENTS[9])
		assert.are.equal("/dev/disk/loop/7", acts[1].path)
		assert.are.equal(6, acts[1].gid)
		assert.are.same({}, hp:handle(EVENTS[10]))
		acts = hp:handle(EVENTS[11])
		assert.are.equal(1, #acts)
		assert.are.equal("echo no-node $MDEV", acts[1].argv[3])
		assert.are.equal("/dev/input/ev4", hp:handle(EVENTS[12])[1].path)
		assert.are.equal("audio", hp:handle(EVENTS[13])[1].group)
		-- A change runs only "*" commands, and keeps the link; a removal
		-- releases the link and unlinks the node, then runs "$" and "*".
		acts = hp:handle(EVENTS[17])
		assert.are.equal(1, #acts)
		assert.are.equal("echo tty $MDEV", acts[1].argv[3])
		acts = hp:handle(EVENTS[18])
		assert.are.same({ "unlink", "unlink", "exec" }, { acts[1][1], acts[2][1], acts[3][1] })
		assert.are.equal("/dev/tty12", acts[1].path)
		assert.are.equal("/dev/vt/big12", acts[2].path)
		acts = hp:handle(EVENTS[20])
		assert.are.same({ "unlink", path = "/dev/input/ev4" }, acts[1])
		assert.are.equal("echo gone $MDEV", acts[2].argv[3])
		assert.are.equal("input/ev4", acts[2].env.MDEV)
		assert.are.same({}, hp:handle(EVENTS[21]))
	end)

	it("matches @major,minor ranges, $VAR=regex and VAR=regex; prefixes", function()
		local hp = scripts([[mdev_conf {
			{ line = 1, major = 1, minor = 7, minor_last = 9, owner = "0", group = "0", mode = "0600", move = ">", path = "m/%1" },
			{ line = 2, var = "MODALIAS", regex = "pci:.*", owner = "0", group = "0", mode = "0660", when = "@", command = "modprobe $MODALIAS" },
			{ line = 3, env = { { "SUBSYSTEM", "^blo" } }, regex = "sd[a-z]", owner = "0", group = "6", mode = "0640" },
		}]])
		local acts = hp:handle(node("add", "mem", "urandom", 1, 9))
		-- %1 of an @major,minor rule is empty; at the end of the path busybox
		-- keeps its '%'.
		assert.are.equal("/dev/m/%", acts[1].path)
		acts = hp:handle(EVENTS[15])
		assert.are.equal("modprobe $MODALIAS", acts[1].argv[3])
		acts = hp:handle(node("add", "block", "sda", 8, 0))
		assert.are.equal(tonumber("640", 8), acts[1].mode)
		assert.are.equal("b", acts[1].type)
		acts = hp:handle(node("add", "scsi_generic", "sda", 21, 0))
		assert.are.equal(tonumber("660", 8), acts[1].mode)
	end)

	local BAD = {
		{ "sda 0:0", ":1: expected 'device user:group mode', found 2 fields" },
		{ "\n\nsd( 0:0 660", ":3: bad regex \"sd(\"" },
		{ "@1 0:0 660", ":1: bad @major,minor[-minor2] \"@1\"" },
		{ "sda 0:0 rw", ":1: bad mode \"rw\"" },
		{ "sda 0:0 660 %echo", ":1: bad command \"%echo\"" },
		{ "sda 0:0 660 >", ":1: \">\" needs a path" },
		{ "sda :0 660", ":1: bad owner \":0\"" },
	}
	for _, case in ipairs(BAD) do
		it("reports " .. case[2], function()
			local found, tmp = problems("mdev_conf", case[1])
			assert.are.equal(1, #found)
			assert.truthy(found[1]:find(tmp .. case[2], 1, true), found[1])
		end)
	end

	it("converts into a handler file that takes the same actions", function()
		local text = read(path)
		local lua = convert.mdev(path, text)
		for line in text:gmatch("[^\n]+") do
			assert.truthy(lua:find("-- " .. line, 1, true), line)
		end
		local direct = run_all(scripts(("mdev_conf %q"):format(path)))
		local converted = run_all(scripts(lua))
		assert.are.same(direct, converted)
		local n = 0
		for _, a in ipairs(direct) do n = n + #a end
		assert.is_true(n >= 25, n)
	end)
end)

describe("hotplug2_rules", function()
	local path = dir .. "/every.rules"

	it("runs conditions, commands and %VAR% as hotplug2 did", function()
		local seen = {}
		local hp = testing.new { scripts = { { "/etc/hotplug2/50-r.lua", ("hotplug2_rules %q"):format(path) } },
			group = GROUP, passwd = PASSWD, files = { ["dev/fuse"] = "" },
			run = function(argv) seen[#seen + 1] = argv return argv[1] == "/bin/false" and 1 or 0 end }
		local acts = hp:handle(EVENTS[1])
		assert.are.same({ "mknod", "chmod", "setenv", "run" },
			{ acts[1][1], acts[2][1], acts[3][1], acts[4][1] })
		assert.are.equal("/dev/null", acts[1].path)
		assert.are.equal(tonumber("640", 8), acts[2].mode)
		assert.are.same({ "/bin/echo", "exec", "null", "mem device" }, acts[4].argv)
		assert.are.equal("stop", acts[5][1])
		acts = hp:handle(EVENTS[14])
		assert.are.equal("/dev/fuse", acts[1].path)
		assert.are.equal(tonumber("600", 8), acts[1].mode)
		assert.are.same({ "chown", "chown", "run" }, { acts[2][1], acts[3][1], acts[4][1] })
		assert.are.equal(5, acts[2].gid)
		assert.are.equal(1, acts[3].uid)
		assert.are.same({ "/bin/sh", "-c", "echo run $DEVNAME $DEVICENAME" }, acts[4].argv)
		acts = hp:handle(EVENTS[7])
		assert.are.same({ "/bin/false" }, acts[2].argv)
		assert.are.equal(2, #acts)
		acts = hp:handle(EVENTS[15])
		assert.are.same({ "/bin/echo", "modalias", "pci:v00008086d0000A348sv*", "%NO_SUCH_VAR%" },
			acts[2].argv)
		acts = hp:handle(EVENTS[16])
		assert.are.equal("firmware", acts[1][1])
		assert.are.equal("stop", acts[2][1])
		acts = hp:handle(EVENTS[19])
		assert.are.same({ "unlink", path = "/dev/tty3" }, acts[1])
	end)

	it("a node made at once by a rule does not stand in for a later event's node", function()
		-- The rule makes the node of the first event at once; the second
		-- event's node comes from a Lua handler alone, with the same values.
		local tmp = os.tmpname()
		support.write(tmp, "SEQNUM == 1 {\n\tmakedev /dev/%DEVNAME% 0666\n}\n")
		local hp = testing.new { scripts = {
			{ "/etc/hotplug2/50-r.lua", ("hotplug2_rules %q"):format(tmp) },
			{ "/etc/hotplug2/60-n.lua", [[on({ DEVNAME = "null" }, function(ev)
				make_node(ev, { mode = "0666" }) end)]] } } }
		os.remove(tmp)
		local first = node("add", "mem", "null", 1, 3)
		local second = node("add", "mem", "null", 1, 3, { SEQNUM = "2" })
		local function mknods(acts)
			local n = 0
			for _, a in ipairs(acts) do if a[1] == "mknod" then n = n + 1 end end
			return n
		end
		assert.are.equal(1, mknods(hp:handle(first)))
		assert.are.equal(1, mknods(hp:handle(second)))
	end)

	local BAD = {
		{ "FOO == bar {\n\tfrobnicate\n}", ":2: unknown command \"frobnicate\"" },
		{ "FOO == bar {\n\tsetenv A\n}", ":2: setenv takes 2 arguments, found 1" },
		{ "FOO = bar {\n}", ":1: unexpected \"= \"" },
		{ "FOO ~~ \"(\" {\n}", ":1: bad regex" },
		{ "FOO is maybe {\n}", ":1: expected 'set' or 'unset'" },
		{ "FOO == bar {\n\tnext\n", ":1: rule has no closing '}'" },
		{ "$include /nonexistent/x.rules\n", ":1: unable to include /nonexistent/x.rules" },
	}
	for _, case in ipairs(BAD) do
		it("reports " .. case[2], function()
			local found, tmp = problems("hotplug2_rules", case[1])
			assert.are.equal(1, #found)
			assert.truthy(found[1]:find(tmp .. case[2], 1, true), found[1])
		end)
	end

	it("reads 0.9's argument order and symlink", function()
		local hp = testing.new { scripts = { { "/etc/hotplug2/50-r.lua", [[hotplug2_rules {
			{ line = 1, when = { { "DEVNAME", "is", "set" } }, run = {
				{ "makedev", "/dev/%DEVNAME%", "0644" },
				{ "chmod", "/dev/%DEVNAME%", "0600" },
				{ "symlink", "%DEVNAME%", "/dev/link-%DEVNAME%" } } } }]] } } }
		local acts = hp:handle(EVENTS[14])
		assert.are.same({ "chmod", path = "/dev/fuse", mode = tonumber("600", 8) }, acts[2])
		assert.are.same({ "symlink", path = "/dev/link-fuse", target = "fuse" }, acts[3])
	end)

	it("converts into a handler file that takes the same actions", function()
		local text = read(path)
		local lua = convert.rules(path, text, function(f)
			return read(dir .. "/" .. f), dir .. "/" .. f
		end)
		for line in text:gmatch("[^\n]+") do
			assert.truthy(lua:find("-- " .. line, 1, true), line)
		end
		local function mk(handler)
			return testing.new { scripts = { { dir .. "/50-r.lua", handler } },
				group = GROUP, passwd = PASSWD, files = { ["dev/fuse"] = "" } }
		end
		local direct = run_all(mk(("hotplug2_rules %q"):format(path)))
		local converted = run_all(mk(lua))
		assert.are.same(direct, converted)
	end)
end)

describe("direct and converted, on a real laptop's devices", function()
	-- tests/fixtures/sysfs-laptop-uevents.txt: a block of variables per
	-- device; each device is added, changed and removed.
	local function laptop_events()
		local evs, cur = {}, nil
		for line in (read(support.source .. "/tests/fixtures/sysfs-laptop-uevents.txt") .. "\n"):gmatch("([^\n]*)\n") do
			local k, v = line:match("^([A-Z_]+)=([^=].*)$")
			if k and not line:find("^#") then
				cur = cur or {}
				cur[k] = v
			elseif line == "" and cur then
				for _, action in ipairs { "add", "change", "remove" } do
					local e = { ACTION = action, SEQNUM = tostring(#evs + 1) }
					for a, b in pairs(cur) do e[a] = b end
					evs[#evs + 1] = e
				end
				cur = nil
			end
		end
		return evs
	end
	local EVS = laptop_events()

	local function all(hp)
		local out = {}
		for i, e in ipairs(EVS) do
			local copy = {}
			for k, v in pairs(e) do copy[k] = v end
			out[i] = hp:handle(copy)
		end
		return out
	end

	local function count(per)
		local n = 0
		for _, a in ipairs(per) do n = n + #a end
		return n
	end

	it("has the fixture's 78 devices", function()
		assert.are.equal(78 * 3, #EVS)
	end)

	it("mdev.conf", function()
		local path = dir .. "/every.mdev.conf"
		local direct = all(scripts(("mdev_conf %q"):format(path)))
		local converted = all(scripts(convert.mdev(path, read(path))))
		assert.are.same(direct, converted)
		assert.is_true(count(direct) > 80, count(direct))
	end)

	it("hotplug2.rules", function()
		local path = dir .. "/every.rules"
		local lua = convert.rules(path, read(path), function(f)
			return read(dir .. "/" .. f), dir .. "/" .. f
		end)
		local direct = all(scripts(("hotplug2_rules %q"):format(path)))
		local converted = all(scripts(lua))
		assert.are.same(direct, converted)
		assert.is_true(count(direct) > 50, count(direct))
	end)
end)

describe("errors while an event runs", function()
	it("name the mdev.conf line, and the next event runs", function()
		local hp = testing.new { scripts = { { "/etc/hotplug2/50-m.lua", [[mdev_conf {
			source = "/etc/mdev.conf",
			{ line = 7, regex = "evil", owner = "0", group = "0", mode = "0600", move = "=", path = "../etc/x" },
		}]] } } }
		local _, failures = hp:try(node("add", "misc", "evil", 10, 1))
		assert.are.equal(1, #failures)
		assert.truthy(failures[1]:find("/etc/mdev.conf:7: make_node: refusing", 1, true), failures[1])
		assert.are.equal("/dev/fuse", hp:handle(EVENTS[14])[1].path)
	end)

	it("name the hotplug2.rules line in the log, and the rule goes on", function()
		local hp = testing.new { scripts = { { "/etc/hotplug2/50-r.lua", [[hotplug2_rules {
			{ file = "/etc/hotplug2.rules", line = 1, when = { { "DEVNAME", "is", "set" } }, run = {
				{ "remove", "/etc/passwd", line = 2 },
				{ "makedev", "/dev/%DEVNAME%", "0600", line = 3 } } } }]] } } }
		local acts = hp:handle(EVENTS[14])
		assert.are.equal("/dev/fuse", acts[1].path)
		assert.are.same({ "warn", "/etc/hotplug2.rules:2: remove: refusing \"/etc/passwd\": hotplug2 writes only under /dev" },
			hp.log[1])
	end)
end)
