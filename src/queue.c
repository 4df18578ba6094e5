/* The daemon's event queue: fixed slots, SEQNUM reordering within a window, per-device waits. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "uevent.h"

/*
 * Events live in slots that never move; the order of the queue is a
 * circular array of slot numbers (ring), so reordering and the firmware
 * bypass move two-byte indices, not 8 KiB events.  Free slots form a
 * stack.  One slot at most is "out": handed to the scripts and not yet
 * done.
 */
/*
 * SEQNUMs of firmware events handed out ahead of their turn, so that
 * the hole they leave is not mistaken for a gap.  Firmware requests are
 * rare; should more be outstanding, the oldest is forgotten and at
 * worst one harmless gap is reported.
 */
#define QUEUE_BYPASS_MAX	8

struct queue {
	struct uevent		*slot;
	uint64_t		*arrival;	/* ms, per slot */
	uint32_t		*ring;		/* slot numbers in hand-out order */
	uint32_t		*free;		/* stack of free slot numbers */
	unsigned int		 cap;
	unsigned int		 head;		/* ring index of the first event */
	unsigned int		 len;		/* events in the ring */
	unsigned int		 nfree;
	int			 out;		/* slot handed out, or -1 */
	unsigned int		 window_ms;
	uint64_t		 last;		/* highest SEQNUM handed out */
	int			 gap;
	uint64_t		 bypassed[QUEUE_BYPASS_MAX];
	unsigned int		 nbypassed;
	uint64_t		 gap_first, gap_last;
	struct queue_stats	 st;
};

struct queue *
queue_new(unsigned int cap, unsigned int window_ms)
{
	struct queue	*q;
	unsigned int	 i;

	if (cap == 0 || cap > UINT16_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	/* calloc leaves untouched pages unmapped: memory follows use. */
	q->slot = calloc(cap, sizeof(*q->slot));
	q->arrival = calloc(cap, sizeof(*q->arrival));
	q->ring = calloc(cap, sizeof(*q->ring));
	q->free = calloc(cap, sizeof(*q->free));
	if (q->slot == NULL || q->arrival == NULL || q->ring == NULL ||
	    q->free == NULL) {
		queue_free(q);
		return NULL;
	}
	q->cap = cap;
	q->window_ms = window_ms;
	q->out = -1;
	/* Pop order 0, 1, 2...: the first slots are reused first. */
	for (i = 0; i < cap; i++)
		q->free[i] = cap - 1 - i;
	q->nfree = cap;
	return q;
}

void
queue_free(struct queue *q)
{
	if (q == NULL)
		return;
	free(q->slot);
	free(q->arrival);
	free(q->ring);
	free(q->free);
	free(q);
}

unsigned int
queue_len(const struct queue *q)
{
	return q->len;
}

int
queue_full(const struct queue *q)
{
	return q->nfree == 0;
}

struct uevent *
queue_slot(struct queue *q)
{
	if (q->nfree == 0)
		return NULL;
	return &q->slot[q->free[q->nfree - 1]];
}

static uint32_t
ring_at(const struct queue *q, unsigned int i)
{
	return q->ring[(q->head + i) % q->cap];
}

static void
ring_set(struct queue *q, unsigned int i, uint32_t s)
{
	q->ring[(q->head + i) % q->cap] = s;
}

/* Take the i-th event out of the ring, closing the hole. */
static uint32_t
ring_remove(struct queue *q, unsigned int i)
{
	uint32_t	 s = ring_at(q, i);

	if (i == 0) {
		q->head = (q->head + 1) % q->cap;
	} else {
		for (; i + 1 < q->len; i++)
			ring_set(q, i, ring_at(q, i + 1));
	}
	q->len--;
	return s;
}

/* Was seq handed out early?  (Looked at, not taken.) */
static int
is_bypassed(const struct queue *q, uint64_t seq)
{
	unsigned int	 i;

	for (i = 0; i < q->nbypassed; i++)
		if (q->bypassed[i] == seq)
			return 1;
	return 0;
}

int
queue_push(struct queue *q, uint64_t now_ms)
{
	uint32_t	 s;
	uint64_t	 seq, prev;
	unsigned int	 i;

	if (q->nfree == 0)
		return 0;
	s = q->free[q->nfree - 1];
	seq = q->slot[s].seqnum;
	if (seq != 0 && ((q->last != 0 && seq <= q->last) ||
	    is_bypassed(q, seq))) {
		q->st.stale++;
		return 0;
	}

	/*
	 * Insertion sort from the tail.  Kernel events come in order, so
	 * this loop normally does not run.  An event without SEQNUM (2.4)
	 * is a barrier: nothing is moved across it.
	 */
	i = q->len;
	if (seq != 0) {
		while (i > 0) {
			prev = q->slot[ring_at(q, i - 1)].seqnum;
			if (prev == seq) {
				q->st.stale++;
				return 0;
			}
			if (prev == 0 || prev < seq)
				break;
			i--;
		}
	}
	q->nfree--;
	q->arrival[s] = now_ms;
	q->st.pushed++;
	if (i < q->len)
		q->st.reordered++;
	q->len++;
	{
		unsigned int	 j;

		for (j = q->len - 1; j > i; j--)
			ring_set(q, j, ring_at(q, j - 1));
	}
	ring_set(q, i, s);
	return 1;
}

int
queue_devpath_related(const char *a, const char *b)
{
	size_t	 n = 0;

	if (*a == '\0' || *b == '\0')
		return 0;
	while (a[n] != '\0' && a[n] == b[n])
		n++;
	if (a[n] == b[n])
		return 1;
	/* One string ended: related when the other continues with '/'. */
	if (a[n] == '\0')
		return b[n] == '/';
	if (b[n] == '\0')
		return a[n] == '/';
	return 0;
}

int
queue_is_firmware(const struct uevent *ev)
{
	const char	*s = uevent_get(ev, "SUBSYSTEM");

	return s != NULL && strcmp(s, "firmware") == 0;
}

/* Was seq handed out early?  Then forget it and say so. */
static int
take_bypassed(struct queue *q, uint64_t seq)
{
	unsigned int	 i;

	for (i = 0; i < q->nbypassed; i++) {
		if (q->bypassed[i] == seq) {
			q->bypassed[i] = q->bypassed[--q->nbypassed];
			return 1;
		}
	}
	return 0;
}

/* Remember seq as handed out ahead of its turn. */
static void
add_bypassed(struct queue *q, uint64_t seq)
{
	if (q->nbypassed == QUEUE_BYPASS_MAX) {
		memmove(q->bypassed, q->bypassed + 1,
		    sizeof(q->bypassed[0]) * (QUEUE_BYPASS_MAX - 1));
		q->nbypassed--;
	}
	q->bypassed[q->nbypassed++] = seq;
}

void
queue_handled_early(struct queue *q, uint64_t seqnum)
{
	if (seqnum == 0 || (q->last != 0 && seqnum <= q->last))
		return;
	if (q->last != 0 && seqnum == q->last + 1) {
		q->last++;
		while (q->nbypassed > 0 && take_bypassed(q, q->last + 1))
			q->last++;
		return;
	}
	add_bypassed(q, seqnum);
}

/* Hand out the i-th event of the ring; i > 0 only for the firmware bypass. */
static struct uevent *
hand_out(struct queue *q, unsigned int i)
{
	uint32_t	 s = ring_remove(q, i);
	uint64_t	 seq = q->slot[s].seqnum;

	if (seq != 0 && i > 0) {
		add_bypassed(q, seq);
	} else if (seq != 0) {
		/*
		 * Stale events never get in, but one queued behind a
		 * SEQNUM-less barrier may come out after a newer one.
		 */
		if (seq > q->last)
			q->last = seq;
		while (q->nbypassed > 0 && take_bypassed(q, q->last + 1))
			q->last++;
	}
	q->out = (int)s;
	return &q->slot[s];
}

struct uevent *
queue_next(struct queue *q, uint64_t now_ms, queue_busy_fn busy, void *arg,
    int *wake_ms)
{
	struct uevent	*ev;
	uint64_t	 seq, due;
	unsigned int	 i;
	int		 wait = -1;

	*wake_ms = -1;
	if (q->out != -1 || q->len == 0)
		return NULL;
	ev = &q->slot[ring_at(q, 0)];
	seq = ev->seqnum;
	if (seq != 0 && q->last != 0 && seq > q->last + 1) {
		due = q->arrival[ring_at(q, 0)] + q->window_ms;
		if (now_ms < due) {
			wait = (int)(due - now_ms);
			goto blocked;
		}
		/* The window closed: the missing ones are lost. */
		q->st.gaps++;
		if (!q->gap) {
			q->gap = 1;
			q->gap_first = q->last + 1;
		}
		q->gap_last = seq - 1;
	}
	if (queue_is_firmware(ev) || busy == NULL ||
	    !busy(uevent_devpath(ev), arg))
		return hand_out(q, 0);

blocked:
	/*
	 * The head waits.  A firmware request behind it must not: the
	 * command the head waits for may itself be waiting for that
	 * firmware (modprobe of a driver that loads it at probe time).
	 */
	for (i = 1; i < q->len; i++) {
		if (queue_is_firmware(&q->slot[ring_at(q, i)])) {
			q->st.firmware_bypass++;
			return hand_out(q, i);
		}
	}
	*wake_ms = wait;
	return NULL;
}

void
queue_done(struct queue *q)
{
	if (q->out == -1)
		return;
	q->free[q->nfree++] = (uint32_t)q->out;
	q->out = -1;
}

uint64_t
queue_last(const struct queue *q)
{
	return q->last;
}

void
queue_set_last(struct queue *q, uint64_t seqnum)
{
	q->last = seqnum;
}

int
queue_take_gap(struct queue *q, uint64_t *first, uint64_t *last)
{
	if (!q->gap)
		return 0;
	*first = q->gap_first;
	*last = q->gap_last;
	q->gap = 0;
	return 1;
}

const struct queue_stats *
queue_stats(const struct queue *q)
{
	return &q->st;
}
