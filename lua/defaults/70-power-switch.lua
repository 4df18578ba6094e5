-- The "power-switch" tag, as Debian's udev 252 gives it (70-power-switch): logind watches the
-- event nodes of devices with keys or switches so tagged for the power and sleep keys and the lid.

on({ ACTION = except "remove", SUBSYSTEM = "input",
	DEVPATH = glob "*/event*" }, function(ev)
	if not ev.DEVPATH:match("^.*/([^/]+)$"):find("^event") then return end
	if ev.ID_INPUT_SWITCH == "1" or ev.ID_INPUT_KEY == "1" then tag(ev, "power-switch") end
end)
