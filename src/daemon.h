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

/*
 * After a coldplug during which events were lost again, the next one
 * waits this long, doubled after each such coldplug up to the maximum,
 * and back to none after a coldplug that lost nothing.
 */
#define DAEMON_RESYNC_BACKOFF_MIN_MS	1000
#define DAEMON_RESYNC_BACKOFF_MAX_MS	64000

/*
 * No event is handed out while this many commands wait for a free
 * child (half of spawn.c's FIFO): the handlers of the events that go
 * find room for the commands they start.
 */
#define DAEMON_PENDING_MAX	(SPAWN_FIFO_MAX / 2)

/* Events read from the input before the queue is served again. */
#define DAEMON_READ_BATCH	64

int	daemon_main(int argc, char *argv[]);

#endif
