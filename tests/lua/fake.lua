-- A fake hotplug2.core and a recorder for its side effects, for specs that need neither root nor a kernel.
local M = {}

-- fake.core{ users = {name = id}, groups = {...}, aliases = {alias = {mods}},
--            files = {["sys/module/x"] = true}, links = {path = target},
--            dirs = {path = {names}}, root = "/",
--            programs = {["/bin/true"] = true} (default: every program is there) }
function M.core(o)
	o = o or {}
	local core = { logs = {}, printed = {} }
	local function ids(map, file)
		return function(name)
			local id = (map or {})[name]
			if id then return id end
			return nil, ("no '%s' in %s"):format(name, file)
		end
	end
	core.uid = ids(o.users or { root = 0 }, "/etc/passwd")
	core.gid = ids(o.groups or { root = 0 }, "/etc/group")
	core.modules = function(alias)
		local t = {}
		for i, m in ipairs((o.aliases or {})[alias] or {}) do t[i] = m end
		return t
	end
	core.exists = function(p) return (o.files or {})[p] == true end
	core.executable = function(name)
		if o.programs == nil or o.programs[name] then return name end
		return nil, ("unable to run %s: No such file or directory"):format(name)
	end
	core.readlink = function(p) return (o.links or {})[p] end
	core.readdir = function(p) return (o.dirs or {})[p] end
	core.root = function() return o.root or "/" end
	-- The clock load_modules reads: set core.clock to move it.
	core.clock = 0
	core.now = function() return core.clock end
	core.log = function(level, msg) core.logs[#core.logs + 1] = { level, msg } end
	core.print = function(s) core.printed[#core.printed + 1] = s end
	core.script_files = function(dir)
		local t = {}
		for name in pairs((o.scripts or {})) do t[#t + 1] = dir .. "/" .. name end
		table.sort(t)
		return t
	end
	return core
end

-- fake.sys{ run = 3 } records every call; results maps a call name to what it returns.
function M.sys(results)
	local rec = { calls = {} }
	for _, name in ipairs { "chmod", "chown", "firmware", "mknod", "run", "spawn",
		"symlink", "unlink", "write" } do
		rec[name] = function(...)
			rec.calls[#rec.calls + 1] = { name, ... }
			local r = (results or {})[name]
			if type(r) == "function" then return r(...) end
			return r
		end
	end
	return rec
end

-- fake.instance(module, o): module.new (hotplug2.actions or hotplug2.runner)
-- over fake.core(o) and fake.sys(o.results); returns the instance, the core,
-- the sys recorder and the list of reported actions.
function M.instance(module, o)
	o = o or {}
	local core = M.core(o)
	local sys = M.sys(o.results)
	local acts = {}
	local obj = module.new { core = core, sys = sys,
		report = function(act) acts[#acts + 1] = act end }
	return obj, core, sys, acts
end

return M
