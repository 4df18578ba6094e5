/* The hotplug2 daemon: `hotplug2 [options]` or `hotplug2 daemon [options]`. */
#ifndef HOTPLUG2_DAEMON_H
#define HOTPLUG2_DAEMON_H

/* Stop reading, let running children finish this long, then kill them. */
#define DAEMON_STOP_TIMEOUT_MS	10000

/*
 * A SEQNUM gap without ENOBUFS is most often no loss at all: events of
 * devices in other network namespaces take SEQNUMs this one never sees.
 * Such gaps resynchronize at most this often; later ones wait for it.
 */
#define DAEMON_GAP_RESYNC_MS	30000

/* Events read from the input before the queue is served again. */
#define DAEMON_READ_BATCH	64

int	daemon_main(int argc, char *argv[]);

#endif
