/* The daemon's event queue: SEQNUM reordering, udev's per-device dependency rule, slots on demand. */
#ifndef HOTPLUG2_QUEUE_H
#define HOTPLUG2_QUEUE_H

#include <stdint.h>

struct uevent;
struct queue;

/*
 * An event lives in a fixed slot (a struct uevent, about 8.3 KiB) from
 * the moment it is read until its handlers have run.  Slots are
 * allocated QUEUE_CHUNK at a time as the queue deepens, up to
 * QUEUE_EVENTS_MAX (about 8.5 MiB, of which only the pages an event
 * fills are touched); what was added beyond QUEUE_CHUNKS_KEPT chunks is
 * given back whenever the queue empties.  The queue deepens only while
 * events wait for commands of related devices: unrelated events overtake
 * them, so a deep queue is no reason to drop any.  Once every slot holds
 * an event that waits, the daemon stops reading and the kernel's socket
 * buffer holds what follows, until a command ends or is killed.
 */
#define QUEUE_CHUNK		64
#define QUEUE_CHUNKS_KEPT	2
#define QUEUE_EVENTS_MAX	1024

/*
 * An event that arrives with a SEQNUM past the next expected one waits
 * this long for the missing ones (concurrent hotplug2-dnode processes may
 * deliver out of order); after that the missing SEQNUMs count as a gap.
 */
#define QUEUE_WINDOW_MS		50

/*
 * Without a counter to ask (see queue_set_ceiling), a SEQNUM more than
 * this far from the last one is taken as a counter that restarted or
 * jumped, not as a copy or a gap: the sequence starts again from it.
 */
#define QUEUE_SEQNUM_SPAN	65536

/*
 * Asked before an event is handed out: nonzero when it must wait for
 * something outside the queue (commands of earlier events running on
 * devpath, a parent or a child of it; or no room for more commands).
 */
typedef int	(*queue_busy_fn)(const char *devpath, void *arg);

/*
 * The highest SEQNUM the event source can have given out by now (the
 * kernel's /sys/kernel/uevent_seqnum, hotplug2-dnode's counter file), or
 * 0 when it cannot tell.  Asked only for SEQNUMs out of the ordinary.
 */
typedef uint64_t (*queue_ceiling_fn)(void *arg);

struct queue_stats {
	unsigned long	 pushed;
	unsigned long	 reordered;	/* waited for a missing SEQNUM */
	unsigned long	 stale;		/* dropped: a SEQNUM received already */
	unsigned long	 gaps;		/* runs of SEQNUMs that never came */
	unsigned long	 overtaken;	/* handed out before an earlier event */
	unsigned long	 outside;	/* SEQNUMs past the source's counter */
	unsigned long	 rebased;	/* sequences started again */
	unsigned int	 peak;		/* most events held at once */
};

struct queue	*queue_new(unsigned int max_events, unsigned int window_ms);
void		 queue_free(struct queue *q);

/* Events held, not counting the one handed out. */
unsigned int	 queue_len(const struct queue *q);

/* No slot can be had: the queue holds max_events, or memory ran out. */
int		 queue_full(const struct queue *q);

/*
 * A free slot to receive the next event into, or NULL when the queue is
 * full.  The slot becomes part of the queue only with queue_push.
 */
struct uevent	*queue_slot(struct queue *q);

/*
 * What queue_push did with the event in the slot.  QUEUE_STALE: dropped,
 * its SEQNUM was received already (on a 2.6+ kernel that also calls
 * hotplug2-dnode as its helper every event arrives twice, and only the
 * first copy counts) or was given up as a gap.  QUEUE_OUTSIDE: queued,
 * but its SEQNUM is past what the source can have given out, so it takes
 * no part in the sequence (handed out in arrival order, never a reason to
 * take later events for stale).  QUEUE_REBASED: queued as the first of a
 * new sequence, the counter having restarted or jumped.
 */
enum queue_verdict {
	QUEUE_STALE = 0,
	QUEUE_QUEUED,
	QUEUE_OUTSIDE,
	QUEUE_REBASED
};
enum queue_verdict queue_push(struct queue *q, uint64_t now_ms);

/*
 * The event to hand to the scripts now, or NULL.  Only one event is out
 * at a time: call queue_done before asking again.  An event is handed out
 * once every earlier event of the same device, a parent or a child has
 * been, and busy says nothing else holds it; events that must wait are
 * overtaken by later ones that need not.  Firmware requests never wait.
 * *wake_ms says when to ask again at the latest (a reorder window
 * closes), or is -1: ask again after a push, queue_done or queue_wake.
 */
struct uevent	*queue_next(struct queue *q, uint64_t now_ms,
		    queue_busy_fn busy, void *arg, int *wake_ms);
void		 queue_done(struct queue *q);

/*
 * What busy answers may have changed (a command ended): the events that
 * wait are looked at again on the next queue_next.  Until then a
 * queue_next that found nothing to hand out does not look again.
 */
void		 queue_wake(struct queue *q);

/*
 * The SEQNUM up to which every one was received or given up as a gap.
 * The daemon seeds it from /sys/kernel/uevent_seqnum before it binds its
 * socket, so that the first gap is real and nothing it receives is taken
 * for stale; 0 means unknown, and the first event starts the sequence.
 */
uint64_t	 queue_last(const struct queue *q);
void		 queue_set_last(struct queue *q, uint64_t seqnum);

/* Where queue_push checks SEQNUMs that are far from the last one. */
void		 queue_set_ceiling(struct queue *q, queue_ceiling_fn fn,
		    void *arg);

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
