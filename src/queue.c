/* The daemon's event queue: SEQNUM reordering within a window, per-device waits, slots on demand. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "uevent.h"

/*
 * Events live in slots that never move; lists link slot numbers.  An
 * event is received into the slot on top of the free stack, then held in
 * one of two lists.  The hold-back list keeps, sorted by SEQNUM, the
 * events that came before a SEQNUM they follow: they join the run list
 * when the missing one comes or their window closes.  The run list holds
 * the events that may be handed out, in SEQNUM order, since events join
 * it only at its tail; the scan for the next event to hand out walks it
 * from the head.  One slot at most is out: handed to the scripts and not
 * yet done.
 */
#define NIL		UINT32_MAX

/*
 * SEQNUMs of firmware requests that joined the run list ahead of their
 * turn, so that the hole they leave is no gap and a copy of them is
 * stale.  Firmware requests are rare; should more be outstanding, the
 * oldest is forgotten and at worst one harmless gap is reported.
 */
#define QUEUE_BYPASS_MAX	8

enum slot_state {
	SLOT_FREE,
	SLOT_HELD,	/* hold-back list */
	SLOT_RUN,	/* run list */
	SLOT_OUT
};

struct node {
	uint64_t	 seq;
	uint64_t	 arrival;	/* ms */
	const char	*devpath;
	uint32_t	 prev, next;
	/*
	 * The nearest earlier event of a related device found on the
	 * run list, while it is there (gen tells a reused slot apart).
	 * Once none is, none can be again: events join the run list
	 * only behind this one.
	 */
	uint32_t	 blocker;
	uint32_t	 blocker_gen;
	uint32_t	 gen;
	uint8_t		 state;
	uint8_t		 firmware;
	uint8_t		 barrier;	/* no SEQNUM, or one outside the sequence */
	uint8_t		 clear;		/* no earlier related event is left */
};

struct list {
	uint32_t	 head, tail;
	unsigned int	 len;
};

struct queue {
	struct uevent		**chunk;
	struct node		*node;
	uint32_t		*free;		/* stack of free slot numbers */
	unsigned int		 max_events;
	unsigned int		 nchunks, maxchunks;
	unsigned int		 nfree;
	int			 nomem;		/* the last grow found no memory */
	struct list		 run, held;
	uint32_t		 out;		/* slot handed out, or NIL */
	int			 stalled;	/* the last scan found nothing */
	unsigned int		 window_ms;
	uint64_t		 last;		/* see queue_last */
	int			 known;		/* last is meaningful */
	queue_ceiling_fn	 ceiling_fn;
	void			*ceiling_arg;
	uint64_t		 ceiling;	/* the counter's value when last asked */
	uint64_t		 bypassed[QUEUE_BYPASS_MAX];
	unsigned int		 nbypassed;
	int			 gap;
	uint64_t		 gap_first, gap_last;
	struct queue_stats	 st;
};

static struct uevent *
slot_ev(const struct queue *q, uint32_t s)
{
	return &q->chunk[s / QUEUE_CHUNK][s % QUEUE_CHUNK];
}

struct queue *
queue_new(unsigned int max_events, unsigned int window_ms)
{
	struct queue	*q;

	if (max_events == 0 || max_events > UINT16_MAX * QUEUE_CHUNK) {
		errno = EINVAL;
		return NULL;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->maxchunks = (max_events + QUEUE_CHUNK - 1) / QUEUE_CHUNK;
	q->chunk = calloc(q->maxchunks, sizeof(*q->chunk));
	q->node = calloc((size_t)q->maxchunks * QUEUE_CHUNK, sizeof(*q->node));
	q->free = calloc((size_t)q->maxchunks * QUEUE_CHUNK, sizeof(*q->free));
	if (q->chunk == NULL || q->node == NULL || q->free == NULL) {
		queue_free(q);
		return NULL;
	}
	q->max_events = max_events;
	q->window_ms = window_ms;
	q->out = NIL;
	q->run.head = q->run.tail = NIL;
	q->held.head = q->held.tail = NIL;
	return q;
}

void
queue_free(struct queue *q)
{
	unsigned int	 i;

	if (q == NULL)
		return;
	for (i = 0; i < q->nchunks; i++)
		free(q->chunk[i]);
	free(q->chunk);
	free(q->node);
	free(q->free);
	free(q);
}

/*
 * One more chunk of slots.  malloc rather than calloc: a slot is written
 * before it is read, and pages nobody writes are never touched.  Slots
 * go on the free stack so that the lowest is used first.
 */
static int
grow(struct queue *q)
{
	unsigned int	 base, i, n;

	if (q->nchunks == q->maxchunks || q->nomem)
		return -1;
	if ((q->chunk[q->nchunks] = malloc(QUEUE_CHUNK *
	    sizeof(struct uevent))) == NULL) {
		/* Tried again once an event is done and memory may be back. */
		q->nomem = 1;
		return -1;
	}
	base = q->nchunks * QUEUE_CHUNK;
	n = QUEUE_CHUNK;
	if (base + n > q->max_events)
		n = q->max_events - base;
	q->nchunks++;
	for (i = n; i > 0; i--)
		q->free[q->nfree++] = base + i - 1;
	return 0;
}

/*
 * The queue is empty: give back the chunks beyond QUEUE_CHUNKS_KEPT, so
 * that memory follows the backlog of the moment, not the deepest ever.
 */
static void
shrink(struct queue *q)
{
	unsigned int	 i, n;

	if (q->nchunks <= QUEUE_CHUNKS_KEPT)
		return;
	while (q->nchunks > QUEUE_CHUNKS_KEPT)
		free(q->chunk[--q->nchunks]);
	n = q->nchunks * QUEUE_CHUNK;
	q->nfree = 0;
	for (i = n; i > 0; i--)
		q->free[q->nfree++] = i - 1;
}

unsigned int
queue_len(const struct queue *q)
{
	return q->run.len + q->held.len;
}

struct uevent *
queue_slot(struct queue *q)
{
	if (q->nfree == 0 && grow(q) == -1)
		return NULL;
	return slot_ev(q, q->free[q->nfree - 1]);
}

int
queue_full(const struct queue *q)
{
	return q->nfree == 0 && (q->nchunks == q->maxchunks || q->nomem);
}

static void
list_unlink(struct queue *q, struct list *l, uint32_t s)
{
	struct node	*n = &q->node[s];

	if (n->prev != NIL)
		q->node[n->prev].next = n->next;
	else
		l->head = n->next;
	if (n->next != NIL)
		q->node[n->next].prev = n->prev;
	else
		l->tail = n->prev;
	l->len--;
}

/* Link s into l after slot at (NIL: at the head). */
static void
list_insert_after(struct queue *q, struct list *l, uint32_t at, uint32_t s)
{
	struct node	*n = &q->node[s];

	n->prev = at;
	n->next = at == NIL ? l->head : q->node[at].next;
	if (n->next != NIL)
		q->node[n->next].prev = s;
	else
		l->tail = s;
	if (at != NIL)
		q->node[at].next = s;
	else
		l->head = s;
	l->len++;
}

/* Events join the run list only at its tail; see struct node's blocker. */
static void
run_append(struct queue *q, uint32_t s)
{
	q->node[s].state = SLOT_RUN;
	list_insert_after(q, &q->run, q->run.tail, s);
	q->stalled = 0;
}

/* Was seq handed to the run list early?  Then forget it and say so. */
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

static int
is_bypassed(const struct queue *q, uint64_t seq)
{
	unsigned int	 i;

	for (i = 0; i < q->nbypassed; i++)
		if (q->bypassed[i] == seq)
			return 1;
	return 0;
}

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

/* Move the held events that now follow the last SEQNUM to the run list. */
static void
absorb(struct queue *q)
{
	uint32_t	 s;

	for (;;) {
		if (q->nbypassed > 0 && take_bypassed(q, q->last + 1)) {
			q->last++;
			continue;
		}
		s = q->held.head;
		if (s == NIL || q->node[s].seq != q->last + 1)
			return;
		list_unlink(q, &q->held, s);
		q->last++;
		run_append(q, s);
	}
}

static void
note_gap(struct queue *q, uint64_t first, uint64_t last)
{
	q->st.gaps++;
	if (!q->gap) {
		q->gap = 1;
		q->gap_first = first;
	}
	q->gap_last = last;
}

/* Give up the SEQNUMs missing before the first held event. */
static void
give_up_hole(struct queue *q)
{
	uint64_t	 seq = q->node[q->held.head].seq;
	unsigned int	 i;

	note_gap(q, q->last + 1, seq - 1);
	q->last = seq - 1;
	/* Firmware SEQNUMs inside the hole are behind us now. */
	for (i = 0; i < q->nbypassed;) {
		if (q->bypassed[i] <= q->last)
			q->bypassed[i] = q->bypassed[--q->nbypassed];
		else
			i++;
	}
	absorb(q);
}

/*
 * The sequence starts again after new_last: whatever is held goes to the
 * run list first (its holes will never be filled now).
 */
static void
rebase(struct queue *q, uint64_t new_last)
{
	while (q->held.head != NIL)
		give_up_hole(q);
	q->nbypassed = 0;
	q->last = new_last;
	q->st.rebased++;
}

/*
 * Could the source have given out seq by now?  1 yes, 0 no, -1 when
 * there is no source to ask or it cannot tell.  The counter only grows,
 * so it is asked only for a SEQNUM past its value when last asked.
 */
static int
possible(struct queue *q, uint64_t seq)
{
	if (q->ceiling_fn == NULL)
		return -1;
	if (seq <= q->ceiling)
		return 1;
	if ((q->ceiling = q->ceiling_fn(q->ceiling_arg)) == 0)
		return -1;
	return seq <= q->ceiling;
}

/*
 * seq is at or below the last one: a copy, or a counter that went back?
 * With a source to ask, it went back when the source itself is below the
 * last SEQNUM; without one, when seq is more than QUEUE_SEQNUM_SPAN back.
 */
static int
went_back(struct queue *q, uint64_t seq)
{
	uint64_t	 c;

	if (q->ceiling_fn != NULL &&
	    (c = q->ceiling_fn(q->ceiling_arg)) != 0) {
		q->ceiling = c;
		return c < q->last && seq <= c;
	}
	return q->last - seq > QUEUE_SEQNUM_SPAN;
}

/* Is seq held already?  The list is sorted: look from the tail. */
static uint32_t
held_position(struct queue *q, uint64_t seq, int *dup)
{
	uint32_t	 s;

	*dup = 0;
	for (s = q->held.tail; s != NIL; s = q->node[s].prev) {
		if (q->node[s].seq == seq)
			*dup = 1;
		if (q->node[s].seq <= seq)
			break;
	}
	return s;
}

enum queue_verdict
queue_push(struct queue *q, uint64_t now_ms)
{
	enum queue_verdict	 verdict = QUEUE_QUEUED;
	struct uevent		*ev;
	struct node		*n;
	uint32_t		 s, at;
	uint64_t		 seq;
	int			 dup, known;

	if (q->nfree == 0)
		return QUEUE_STALE;
	s = q->free[q->nfree - 1];
	ev = slot_ev(q, s);
	n = &q->node[s];
	seq = ev->seqnum;
	n->seq = seq;
	n->arrival = now_ms;
	n->devpath = uevent_devpath(ev);
	n->firmware = (uint8_t)queue_is_firmware(ev);
	n->barrier = seq == 0;
	n->blocker = NIL;
	n->clear = 0;

	if (seq != 0 && !q->known) {
		q->last = seq - 1;
		q->known = 1;
	}
	if (seq != 0 && seq <= q->last) {
		if (!went_back(q, seq)) {
			q->st.stale++;
			return QUEUE_STALE;
		}
		rebase(q, seq - 1);
		verdict = QUEUE_REBASED;
	} else if (seq != 0 && seq - q->last > 1) {
		known = possible(q, seq);
		if (known == 0) {
			/* Past the source's counter: no place in the sequence. */
			n->barrier = 1;
			q->st.outside++;
			verdict = QUEUE_OUTSIDE;
		} else if (known == -1 && seq - q->last > QUEUE_SEQNUM_SPAN) {
			rebase(q, seq - 1);
			verdict = QUEUE_REBASED;
		}
	}

	if (!n->barrier && seq != q->last + 1) {
		/* Past a missing SEQNUM: a copy of one held, or held back. */
		at = held_position(q, seq, &dup);
		if (dup || is_bypassed(q, seq)) {
			q->st.stale++;
			return QUEUE_STALE;
		}
		q->nfree--;
		q->st.pushed++;
		if (n->firmware) {
			/* Firmware never waits, not even for a window. */
			add_bypassed(q, seq);
			run_append(q, s);
		} else {
			q->st.reordered++;
			n->state = SLOT_HELD;
			list_insert_after(q, &q->held, at, s);
		}
	} else {
		q->nfree--;
		q->st.pushed++;
		run_append(q, s);
		if (!n->barrier) {
			q->last = seq;
			absorb(q);
		}
	}
	if (queue_len(q) > q->st.peak)
		q->st.peak = queue_len(q);
	return verdict;
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

/*
 * Does s wait for an earlier event on the run list?  The blocker found
 * last time answers at once while it is there; otherwise the list is
 * walked back from s, and when no related event is found, s is clear for
 * good.
 */
static int
waits_for_earlier(struct queue *q, uint32_t s)
{
	struct node	*n = &q->node[s], *b;
	uint32_t	 p;

	if (n->clear)
		return 0;
	if (n->blocker != NIL) {
		b = &q->node[n->blocker];
		if (b->gen == n->blocker_gen && b->state == SLOT_RUN)
			return 1;
	}
	for (p = n->prev; p != NIL; p = q->node[p].prev) {
		if (queue_devpath_related(q->node[p].devpath, n->devpath)) {
			n->blocker = p;
			n->blocker_gen = q->node[p].gen;
			return 1;
		}
	}
	n->blocker = NIL;
	n->clear = 1;
	return 0;
}

static struct uevent *
hand_out(struct queue *q, uint32_t s)
{
	if (s != q->run.head)
		q->st.overtaken++;
	list_unlink(q, &q->run, s);
	q->node[s].state = SLOT_OUT;
	q->out = s;
	return slot_ev(q, s);
}

struct uevent *
queue_next(struct queue *q, uint64_t now_ms, queue_busy_fn busy, void *arg,
    int *wake_ms)
{
	struct node	*n;
	uint64_t	 due;
	uint32_t	 s;

	*wake_ms = -1;
	/* Windows that closed give up their holes. */
	while (q->held.head != NIL) {
		due = q->node[q->held.head].arrival + q->window_ms;
		if (now_ms < due) {
			*wake_ms = (int)(due - now_ms);
			break;
		}
		give_up_hole(q);
	}
	if (q->out != NIL || q->run.len == 0 || q->stalled)
		return NULL;
	for (s = q->run.head; s != NIL; s = n->next) {
		n = &q->node[s];
		if (n->firmware)
			return hand_out(q, s);
		if (n->barrier) {
			/* Handed out in arrival order: nothing passes it. */
			if (s == q->run.head && (busy == NULL ||
			    !busy(n->devpath, arg)))
				return hand_out(q, s);
			break;
		}
		if (waits_for_earlier(q, s))
			continue;
		if (busy != NULL && busy(n->devpath, arg))
			continue;
		return hand_out(q, s);
	}
	q->stalled = 1;
	return NULL;
}

void
queue_done(struct queue *q)
{
	uint32_t	 s = q->out;

	if (s == NIL)
		return;
	q->node[s].state = SLOT_FREE;
	q->node[s].gen++;
	q->free[q->nfree++] = s;
	q->out = NIL;
	q->stalled = 0;
	q->nomem = 0;
	if (queue_len(q) == 0)
		shrink(q);
}

void
queue_wake(struct queue *q)
{
	q->stalled = 0;
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
	q->known = seqnum != 0;
}

void
queue_set_ceiling(struct queue *q, queue_ceiling_fn fn, void *arg)
{
	q->ceiling_fn = fn;
	q->ceiling_arg = arg;
	q->ceiling = 0;
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
