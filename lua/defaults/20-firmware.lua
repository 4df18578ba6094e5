-- Firmware: a driver asks for a file by name (FIRMWARE=...); copy it from
-- /lib/firmware/updates or /lib/firmware to the kernel.  When the file is
-- nowhere the kernel is told so at once, and the error is logged.
on({ ACTION = "add", SUBSYSTEM = "firmware", FIRMWARE = present }, function(ev)
	load_firmware(ev)
	return stop -- the request is not a device: nothing else to do for it
end)
