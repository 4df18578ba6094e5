/* The hotplug2 daemon: `hotplug2 [options]` or `hotplug2 daemon [options]`. */
#ifndef HOTPLUG2_DAEMON_H
#define HOTPLUG2_DAEMON_H

/* Stop reading, let running children finish this long, then kill them. */
#define DAEMON_STOP_TIMEOUT_MS	10000

/* Events read from the input before the queue is served again. */
#define DAEMON_READ_BATCH	64

int	daemon_main(int argc, char *argv[]);

#endif
