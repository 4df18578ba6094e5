# Empty compiler generated dependencies file for hotplug2.
# This may be replaced when dependencies are built.
