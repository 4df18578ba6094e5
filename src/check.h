/* hotplug2 check: load the handler scripts and report every problem. */
#ifndef HOTPLUG2_CHECK_H
#define HOTPLUG2_CHECK_H

int	check_main(int argc, char *argv[]);

#endif
