/* hotplug2 monitor: the subcommand that prints kernel events. */
#ifndef HOTPLUG2_MONITOR_H
#define HOTPLUG2_MONITOR_H

int	monitor_main(int argc, char *argv[]);

#endif
