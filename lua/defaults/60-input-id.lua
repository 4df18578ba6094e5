-- Input classification, as udev's 60-input-id names it: ID_INPUT, and ID_INPUT_KEYBOARD, _MOUSE,
-- _TOUCHPAD, _JOYSTICK ... from the device's capability bitmaps (the input_id builtin), for
-- libinput and for the /dev/input names of 60-persistent-input.lua.  An earlier file that sets
-- ID_INPUT keeps its own classification.
on({ ACTION = { "add", "change" }, SUBSYSTEM = "input", ID_INPUT = absent }, function(ev)
	import_builtin(ev, "input_id")
end)
