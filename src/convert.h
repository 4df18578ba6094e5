/* hotplug2 convert: an mdev.conf or hotplug2.rules file as a Lua handler file. */
#ifndef HOTPLUG2_CONVERT_H
#define HOTPLUG2_CONVERT_H

int	convert_main(int argc, char *argv[]);

#endif
