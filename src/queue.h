/* The daemon's event queue: bounded, reordered by SEQNUM, with udev's per-device dependency rule. */
#ifndef HOTPLUG2_QUEUE_H
#define HOTPLUG2_QUEUE_H

#include <stdint.h>

struct uevent;
struct queue;

/*
 * The queue holds at most cap events, one fixed-size slot (a struct
 * uevent, about 8.3 KiB) each.  The slots are allocated once and only
 * touched when used (a page or two per slot), so memory follows the
 * deepest backlog and stays under about 2 MiB whatever the storm.  A
 * deeper queue would buy nothing: when the scripts are slower than the
 * kernel, the daemon leaves the backlog in the socket's buffer (16 MiB
 * of kernel memory) instead.
 */
#define QUEUE_CAP_DEFAULT	256

/*
 * An event that arrives with a SEQNUM past the next expected one waits
 * this long for the missing ones (concurrent hotplug2-dnode processes may
 * deliver out of order); after that the missing SEQNUMs count as a gap.
 */
#define QUEUE_WINDOW_MS		50

/*
 * Asked before an event is handed out: nonzero when earlier events'
 * unfinished commands run on devpath, a parent or a child of it.
 */
typedef int	(*queue_busy_fn)(const char *devpath, void *arg);

struct queue_stats {
	unsigned long	 pushed;
	unsigned long	 reordered;	/* inserted before an earlier arrival */
	unsigned long	 stale;		/* dropped: SEQNUM handed out or given up */
	unsigned long	 gaps;		/* runs of SEQNUMs that never came */
	unsigned long	 firmware_bypass; /* handed out ahead of a waiting head */
};

struct queue	*queue_new(unsigned int cap, unsigned int window_ms);
void		 queue_free(struct queue *q);

/* Events waiting (not counting the one handed out). */
unsigned int	 queue_len(const struct queue *q);
int		 queue_full(const struct queue *q);

/*
 * A free slot to receive the next event into, or NULL when the queue is
 * full.  The slot becomes part of the queue only with queue_push, which
 * returns 1, or 0 when it dropped the event as stale: its SEQNUM was
 * handed out already, is waiting in the queue, or was given up as a gap
 * (the coldplug that made up for it announced the device again).  On a
 * 2.6+ kernel that also calls hotplug2-dnode as its helper, every event
 * arrives twice, and only the first copy counts.
 */
struct uevent	*queue_slot(struct queue *q);
int		 queue_push(struct queue *q, uint64_t now_ms);

/*
 * The event to hand to the scripts now, or NULL.  Only one event is out
 * at a time: call queue_done before asking again.  When NULL is returned
 * because the head waits for missing SEQNUMs, *wake_ms says how long
 * until the window closes; otherwise it is -1 (wait for a child to end
 * or for a new event).
 */
struct uevent	*queue_next(struct queue *q, uint64_t now_ms,
		    queue_busy_fn busy, void *arg, int *wake_ms);
void		 queue_done(struct queue *q);

/*
 * The daemon handed seqnum to the scripts without queueing it (a
 * firmware request that came when the queue was full): its turn is not
 * a gap, and a copy of it is stale.
 */
void		 queue_handled_early(struct queue *q, uint64_t seqnum);

/*
 * The highest SEQNUM handed out so far; the daemon seeds it from
 * /sys/kernel/uevent_seqnum before it binds its socket, so that the
 * first gap is real and nothing it receives is taken for stale.
 */
uint64_t	 queue_last(const struct queue *q);
void		 queue_set_last(struct queue *q, uint64_t seqnum);

/*
 * Returns 1 and the first and last missing SEQNUM when a gap was found
 * since the previous call, else 0.
 */
int		 queue_take_gap(struct queue *q, uint64_t *first, uint64_t *last);

const struct queue_stats *queue_stats(const struct queue *q);

/*
 * udev's rule: a and b are related when equal or when one is a parent
 * directory of the other.  An empty devpath (2.4 events) is related to
 * nothing: it carries no device identity.
 */
int		 queue_devpath_related(const char *a, const char *b);

/* A firmware request never waits behind other events. */
int		 queue_is_firmware(const struct uevent *ev);

#endif
