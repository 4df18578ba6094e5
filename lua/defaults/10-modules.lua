-- Module autoloading: a device that appears names the drivers it can use
-- in MODALIAS ("pci:v00008086d000010D3..."); hand the modules that alias
-- resolves to to modprobe.  Modules already loaded (/sys/module/NAME) or
-- asked for before are left out, so each one is requested once.
on({ ACTION = "add", MODALIAS = present }, function(ev)
	load_modules(ev)
end)
