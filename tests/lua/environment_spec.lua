-- The busted environment itself: the interpreter is Lua 5.1 and the helper set the paths.
describe("the busted environment", function()
	it("runs on Lua 5.1", function()
		assert.are.equal("Lua 5.1", _VERSION)
	end)

	it("searches the source tree's lua/ directory first", function()
		local source = dofile("tests/lua/support.lua").source
		local first = package.path:match("^[^;]+")
		assert.are.equal(source .. "/lua/?.lua", first)
	end)

	it("searches the build tree for C modules", function()
		assert.truthy(package.cpath:find("/lua/?.so", 1, true))
	end)
end)
