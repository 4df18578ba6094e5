# The built-in paths: set once here, written for C into pathnames.h
# (src/pathnames.h.in) and for Lua into build/lua/hotplug2/paths.lua
# (lua/hotplug2/paths.lua.in), the module hotplug2.paths.
set(HP2_PATH_CONFIG_DIR "${HOTPLUG2_CONFIG_DIR_FULL}")
set(HP2_PATH_SYSFS "/sys")
set(HP2_PATH_PROCFS "/proc")
set(HP2_PATH_UEVENT_SEQNUM "/sys/kernel/uevent_seqnum")
set(HP2_PATH_MODULES_DIR "/lib/modules")
set(HP2_PATH_MODPROBE "/sbin/modprobe")
set(HP2_PATH_FIRMWARE "/lib/firmware")
set(HP2_PATH_FIRMWARE_UPDATES "/lib/firmware/updates")
configure_file(${CMAKE_SOURCE_DIR}/src/pathnames.h.in
    ${CMAKE_BINARY_DIR}/pathnames.h @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/lua/hotplug2/paths.lua.in
    ${CMAKE_BINARY_DIR}/lua/hotplug2/paths.lua @ONLY)
