/* cmocka tests for queue.c: SEQNUM order, the reorder window, udev's per-device waits, firmware, far SEQNUMs, the bound. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "queue.h"
#include "uevent.h"

/* Devpaths that have unfinished commands, as spawn.c would report them. */
struct busy_set {
	const char	*path[8];
	int		 n;
};

static int
busy_in_set(const char *devpath, void *arg)
{
	struct busy_set	*b = arg;
	int		 i;

	for (i = 0; i < b->n; i++)
		if (queue_devpath_related(b->path[i], devpath))
			return 1;
	return 0;
}

/* Fill a slot and push it; returns what queue_push returned. */
static int
push(struct queue *q, uint64_t now, const char *action, const char *devpath,
    uint64_t seqnum, const char *subsystem)
{
	struct uevent	*ev = queue_slot(q);
	char		 buf[32];

	assert_non_null(ev);
	assert_int_equal(uevent_init(ev, action, devpath), 0);
	if (subsystem != NULL)
		assert_int_equal(uevent_set(ev, "SUBSYSTEM", subsystem), 0);
	if (seqnum != 0) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)seqnum);
		assert_int_equal(uevent_set(ev, "SEQNUM", buf), 0);
	}
	return queue_push(q, now);
}

/* Take one event out and return its SEQNUM, or 0 when none is ready. */
static uint64_t
take(struct queue *q, uint64_t now, struct busy_set *b, int *wake)
{
	struct uevent	*ev;
	uint64_t	 seq;

	ev = queue_next(q, now, b != NULL ? busy_in_set : NULL, b, wake);
	if (ev == NULL)
		return 0;
	seq = ev->seqnum;
	queue_done(q);
	return seq;
}

static void
test_devpath_related(void **state)
{
	static const struct {
		const char	*a, *b;
		int		 related;
	} cases[] = {
		{ "/devices/pci0000:00", "/devices/pci0000:00", 1 },
		{ "/devices/pci0000:00", "/devices/pci0000:00/0000:00:01.0", 1 },
		{ "/devices/pci0000:00/0000:00:01.0", "/devices/pci0000:00", 1 },
		/* A common prefix that is not a directory boundary. */
		{ "/devices/virtual/tty/tty1", "/devices/virtual/tty/tty10", 0 },
		{ "/devices/virtual/tty/tty10", "/devices/virtual/tty/tty1", 0 },
		{ "/devices/virtual/mem/null", "/devices/virtual/mem/zero", 0 },
		{ "/devices/a/b", "/devices/a/c/d", 0 },
		{ "/devices/platform/serial8250/tty/ttyS0",
		    "/devices/platform/serial8250", 1 },
		/* 2.4 events carry no devpath: no ordering information. */
		{ "", "", 0 },
		{ "", "/devices", 0 },
		{ "/devices", "", 0 },
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (queue_devpath_related(cases[i].a, cases[i].b) !=
		    cases[i].related)
			fail_msg("case %zu: %s vs %s", i, cases[i].a, cases[i].b);
	}
}

/* Arrival orders and the hand-out order expected, all within the window. */
static void
test_reorder(void **state)
{
	static const struct {
		uint64_t	 in[8];
		uint64_t	 out[8];
	} cases[] = {
		{ { 101, 102, 103 }, { 101, 102, 103 } },
		{ { 102, 101, 103 }, { 101, 102, 103 } },
		{ { 104, 103, 102, 101 }, { 101, 102, 103, 104 } },
		{ { 101, 103, 102, 105, 104 }, { 101, 102, 103, 104, 105 } },
		/* Stale arrivals (at or below the last handed out) are dropped. */
		{ { 90, 100, 101 }, { 101 } },
		/* So is a second copy (dnode's, after the kernel's). */
		{ { 101, 102, 101, 103, 102 }, { 101, 102, 103 } },
		{ { 102, 102, 101 }, { 101, 102 } },
	};
	size_t		 i, j;
	int		 wake;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct queue *q = queue_new(16, 50);

		queue_set_last(q, 100);
		for (j = 0; j < 8 && cases[i].in[j] != 0; j++)
			push(q, 0, "change", "/devices/x", cases[i].in[j], NULL);
		for (j = 0; j < 8 && cases[i].out[j] != 0; j++)
			assert_int_equal(take(q, 0, NULL, &wake),
			    cases[i].out[j]);
		assert_int_equal(take(q, 0, NULL, &wake), 0);
		assert_int_equal(queue_len(q), 0);
		queue_free(q);
	}
}

static void
test_window_and_gap(void **state)
{
	struct queue	*q = queue_new(16, 50);
	uint64_t	 first, last;
	int		 wake;

	(void)state;
	queue_set_last(q, 100);
	push(q, 1000, "add", "/devices/a", 103, NULL);
	/* 101 and 102 are missing: the head waits for the window. */
	assert_int_equal(take(q, 1010, NULL, &wake), 0);
	assert_int_equal(wake, 40);
	assert_int_equal(queue_take_gap(q, &first, &last), 0);
	/* 101 arrives in time, 102 never does. */
	push(q, 1020, "add", "/devices/b", 101, NULL);
	assert_int_equal(take(q, 1020, NULL, &wake), 101);
	assert_int_equal(take(q, 1030, NULL, &wake), 0);
	assert_int_equal(wake, 20);
	assert_int_equal(take(q, 1050, NULL, &wake), 103);
	assert_int_equal(queue_take_gap(q, &first, &last), 1);
	assert_int_equal(first, 102);
	assert_int_equal(last, 102);
	assert_int_equal(queue_take_gap(q, &first, &last), 0);
	assert_int_equal(queue_stats(q)->gaps, 1);
	queue_free(q);
}

/*
 * udev's ordering as a table: events pushed in SEQNUM order while one
 * devpath has a command running; which are handed out while it runs
 * (the rest wait), and in which order the rest come once it has ended.
 * Devpaths name the events; "" is a 2.4 event without a SEQNUM.
 */
static void
test_order(void **state)
{
	static const struct {
		const char	*busy;
		const char	*ev[6];
		const char	*during[6];
		const char	*after[6];
	} cases[] = {
		/* Unrelated events overtake one that waits, in order. */
		{ "/devices/a",
		  { "/devices/a", "/devices/b", "/devices/a/c",
		    "/devices/d" },
		  { "/devices/b", "/devices/d" },
		  { "/devices/a", "/devices/a/c" } },
		/* A parent waits for a command on its child. */
		{ "/devices/a/c",
		  { "/devices/a", "/devices/b" },
		  { "/devices/b" },
		  { "/devices/a" } },
		/*
		 * A child of an earlier event that waits waits too, though
		 * nothing runs on it; its sibling did not wait.
		 */
		{ "/devices/a/b",
		  { "/devices/a", "/devices/a/c", "/devices/q" },
		  { "/devices/q" },
		  { "/devices/a", "/devices/a/c" } },
		/* Every event of one device keeps its order. */
		{ "/devices/x",
		  { "/devices/x", "/devices/y", "/devices/x",
		    "/devices/x/1", "/devices/y" },
		  { "/devices/y", "/devices/y" },
		  { "/devices/x", "/devices/x", "/devices/x/1" } },
		/* tty1 is no parent of tty10. */
		{ "/devices/virtual/tty/tty1",
		  { "/devices/virtual/tty/tty10",
		    "/devices/virtual/tty/tty1" },
		  { "/devices/virtual/tty/tty10" },
		  { "/devices/virtual/tty/tty1" } },
		/* Firmware requests never wait, not even on a busy device. */
		{ "/devices/p",
		  { "/devices/p", "firmware:/devices/p/firmware/p",
		    "/devices/m" },
		  { "/devices/p/firmware/p", "/devices/m" },
		  { "/devices/p" } },
		/* An event without SEQNUM is a barrier: nothing passes it. */
		{ "/devices/a",
		  { "/devices/a", "-", "/devices/b" },
		  { NULL },
		  { "/devices/a", "", "/devices/b" } },
		/* Nothing busy: SEQNUM order. */
		{ "/nothing",
		  { "/devices/a", "/devices/a/b", "/devices/c" },
		  { "/devices/a", "/devices/a/b", "/devices/c" },
		  { NULL } },
	};
	size_t		 i, j;
	struct uevent	*ev;
	uint64_t	 seq;
	int		 wake;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct queue	*q = queue_new(16, 50);
		struct busy_set	 b = { { cases[i].busy }, 1 };

		queue_set_last(q, 100);
		seq = 101;
		for (j = 0; j < 6 && cases[i].ev[j] != NULL; j++) {
			const char *e = cases[i].ev[j];

			if (strcmp(e, "-") == 0)
				push(q, 0, "change", "", 0, "pci");
			else if (strncmp(e, "firmware:", 9) == 0)
				push(q, 0, "add", e + 9, seq++, "firmware");
			else
				push(q, 0, "change", e, seq++, NULL);
		}
		for (j = 0; j < 6 && cases[i].during[j] != NULL; j++) {
			ev = queue_next(q, 0, busy_in_set, &b, &wake);
			if (ev == NULL)
				fail_msg("case %zu: nothing handed out, want %s",
				    i, cases[i].during[j]);
			if (strcmp(uevent_devpath(ev), cases[i].during[j]) != 0)
				fail_msg("case %zu: %s handed out, want %s", i,
				    uevent_devpath(ev), cases[i].during[j]);
			queue_done(q);
		}
		if (queue_next(q, 0, busy_in_set, &b, &wake) != NULL)
			fail_msg("case %zu: more handed out while busy", i);
		assert_int_equal(wake, -1);
		b.n = 0;	/* the command ended */
		queue_wake(q);
		for (j = 0; j < 6 && cases[i].after[j] != NULL; j++) {
			ev = queue_next(q, 0, busy_in_set, &b, &wake);
			if (ev == NULL)
				fail_msg("case %zu: nothing after, want %s", i,
				    cases[i].after[j]);
			if (strcmp(uevent_devpath(ev), cases[i].after[j]) != 0)
				fail_msg("case %zu: %s after, want %s", i,
				    uevent_devpath(ev), cases[i].after[j]);
			queue_done(q);
		}
		assert_null(queue_next(q, 0, busy_in_set, &b, &wake));
		assert_int_equal(queue_len(q), 0);
		queue_free(q);
	}
}

/* A scan that found nothing does not look again until told. */
static void
test_wake(void **state)
{
	struct queue	*q = queue_new(8, 50);
	struct busy_set	 b = { { "/devices/a" }, 1 };
	int		 wake;

	(void)state;
	push(q, 0, "add", "/devices/a", 7, NULL);
	assert_int_equal(take(q, 0, &b, &wake), 0);
	b.n = 0;
	assert_int_equal(take(q, 0, &b, &wake), 0);
	queue_wake(q);
	assert_int_equal(take(q, 0, &b, &wake), 7);
	/* A push looks again too. */
	b.n = 1;
	push(q, 0, "add", "/devices/a", 8, NULL);
	assert_int_equal(take(q, 0, &b, &wake), 0);
	b.n = 0;
	push(q, 0, "add", "/devices/b", 9, NULL);
	assert_int_equal(take(q, 0, &b, &wake), 8);
	assert_int_equal(take(q, 0, &b, &wake), 9);
	queue_free(q);
}

/* A firmware request past a missing SEQNUM goes at once; no gap later. */
static void
test_firmware_early(void **state)
{
	struct queue	*q = queue_new(8, 50);
	uint64_t	 first, last;
	int		 wake;

	(void)state;
	queue_set_last(q, 9);
	push(q, 0, "add", "/devices/p/firmware/p", 11, "firmware");
	push(q, 0, "add", "/devices/m", 12, "mem");
	assert_int_equal(take(q, 0, NULL, &wake), 11);
	/* 12 waits for 10 within the window. */
	assert_int_equal(take(q, 0, NULL, &wake), 0);
	assert_int_equal(wake, 50);
	/* A second copy of the request handed out early is stale. */
	assert_int_equal(push(q, 0, "add", "/devices/p/firmware/p", 11,
	    "firmware"), QUEUE_STALE);
	push(q, 1, "add", "/devices/n", 10, "mem");
	assert_int_equal(take(q, 1, NULL, &wake), 10);
	assert_int_equal(take(q, 1, NULL, &wake), 12);
	assert_int_equal(queue_last(q), 12);
	assert_int_equal(queue_take_gap(q, &first, &last), 0);
	assert_int_equal(queue_stats(q)->stale, 1);
	assert_int_equal(queue_stats(q)->gaps, 0);
	queue_free(q);
}

/*
 * Without a known last SEQNUM the first event starts the sequence;
 * SEQNUM-less events are handed out in arrival order.
 */
static void
test_no_seqnum(void **state)
{
	struct queue	*q = queue_new(16, 50);
	struct uevent	*ev;
	int		 wake;

	(void)state;
	push(q, 0, "add", "", 0, "pci");
	push(q, 0, "add", "/devices/a", 500, NULL);
	push(q, 0, "add", "", 0, "usb");
	push(q, 0, "add", "/devices/b", 501, NULL);
	assert_int_equal(push(q, 0, "add", "/devices/b", 499, NULL),
	    QUEUE_STALE);
	ev = queue_next(q, 0, NULL, NULL, &wake);
	assert_string_equal(uevent_get(ev, "SUBSYSTEM"), "pci");
	queue_done(q);
	assert_int_equal(take(q, 0, NULL, &wake), 500);
	ev = queue_next(q, 0, NULL, NULL, &wake);
	assert_string_equal(uevent_get(ev, "SUBSYSTEM"), "usb");
	queue_done(q);
	assert_int_equal(take(q, 0, NULL, &wake), 501);
	assert_int_equal(queue_last(q), 501);
	assert_int_equal(queue_len(q), 0);
	queue_free(q);
}

/* The counter the queue asks, as the daemon's seqnum_ceiling would. */
static uint64_t
fake_ceiling(void *arg)
{
	return *(uint64_t *)arg;
}

/*
 * SEQNUMs far from the last one (issue 12, item 6): with a counter to
 * ask (the kernel's, or dnode's on 2.4), one past it is handled out of
 * sequence and leaves the sequence alone; a counter below the last
 * SEQNUM restarted.  Without one, a SEQNUM more than QUEUE_SEQNUM_SPAN
 * away starts a new sequence.  Either way the next event is handled.
 */
static void
test_seqnum_far(void **state)
{
	static const struct {
		int			 has_ceiling;
		uint64_t		 ceiling;
		uint64_t		 seq;
		enum queue_verdict	 verdict;
		uint64_t		 next;		/* pushed after it */
		enum queue_verdict	 next_verdict;
		uint64_t		 last_after;
	} cases[] = {
		/* The kernel's counter says 1000: 2^64-1 is forged. */
		{ 1, 1000, UINT64_MAX, QUEUE_OUTSIDE, 101, QUEUE_QUEUED, 101 },
		{ 1, 1000, 5000, QUEUE_OUTSIDE, 101, QUEUE_QUEUED, 101 },
		/* A copy of one handled: stale, whatever the counter. */
		{ 1, 1000, 99, QUEUE_STALE, 101, QUEUE_QUEUED, 101 },
		{ 0, 0, 99, QUEUE_STALE, 101, QUEUE_QUEUED, 101 },
		/* dnode's counter restarted (its file was lost). */
		{ 1, 1, 1, QUEUE_REBASED, 2, QUEUE_QUEUED, 2 },
		/* The counter cannot tell: the span decides. */
		{ 1, 0, UINT64_MAX, QUEUE_REBASED, 101, QUEUE_REBASED, 101 },
		/* No counter (a replay): far away starts again, twice. */
		{ 0, 0, UINT64_MAX, QUEUE_REBASED, 101, QUEUE_REBASED, 101 },
		{ 0, 0, 100 + QUEUE_SEQNUM_SPAN + 1, QUEUE_REBASED, 100,
		  QUEUE_REBASED, 100 },
		/* Within the span: a gap to wait for, the sequence holds. */
		{ 0, 0, 100 + QUEUE_SEQNUM_SPAN, QUEUE_QUEUED, 101,
		  QUEUE_QUEUED, 101 },
	};
	size_t		 i;
	uint64_t	 ceiling;
	int		 wake;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct queue	*q = queue_new(16, 50);

		queue_set_last(q, 100);
		ceiling = cases[i].ceiling;
		if (cases[i].has_ceiling)
			queue_set_ceiling(q, fake_ceiling, &ceiling);
		if (push(q, 0, "add", "/devices/a", cases[i].seq, NULL) !=
		    (int)cases[i].verdict)
			fail_msg("case %zu: verdict for %llu", i,
			    (unsigned long long)cases[i].seq);
		if (cases[i].verdict == QUEUE_OUTSIDE ||
		    cases[i].verdict == QUEUE_REBASED)
			assert_int_equal(take(q, 0, NULL, &wake), cases[i].seq);
		if (push(q, 0, "add", "/devices/b", cases[i].next, NULL) !=
		    (int)cases[i].next_verdict)
			fail_msg("case %zu: verdict for the next, %llu", i,
			    (unsigned long long)cases[i].next);
		if (cases[i].next_verdict != QUEUE_STALE)
			assert_int_equal(take(q, 0, NULL, &wake),
			    cases[i].next);
		if (queue_last(q) != cases[i].last_after)
			fail_msg("case %zu: last %llu", i,
			    (unsigned long long)queue_last(q));
		queue_free(q);
	}
}

/*
 * The bound: slots come a chunk at a time up to max_events; a queue full
 * of events that wait hands out none and takes none until one may go.
 */
static void
test_bound(void **state)
{
	const unsigned int	 max = QUEUE_CHUNK * 3 + 5;
	struct queue		*q = queue_new(max, 50);
	struct busy_set		 b = { { "/devices/x" }, 1 };
	unsigned int		 i;
	int			 wake;

	(void)state;
	assert_null(queue_new(0, 50));
	queue_set_last(q, 0);
	for (i = 1; i <= max; i++) {
		assert_false(queue_full(q));
		push(q, 0, "change", "/devices/x", i, NULL);
	}
	assert_true(queue_full(q));
	assert_null(queue_slot(q));
	assert_int_equal(take(q, 0, &b, &wake), 0);
	b.n = 0;
	queue_wake(q);
	/* The event handed out keeps its slot until done. */
	assert_non_null(queue_next(q, 0, &busy_in_set, &b, &wake));
	assert_null(queue_slot(q));
	queue_done(q);
	assert_non_null(queue_slot(q));
	for (i = 2; i <= max; i++)
		assert_int_equal(take(q, 0, &b, &wake), i);
	assert_int_equal(queue_len(q), 0);
	assert_int_equal(queue_stats(q)->peak, max);
	/* Emptied, it gave back memory and fills again from the start. */
	for (i = max + 1; i <= 2 * max; i++)
		push(q, 0, "change", "/devices/y", i, NULL);
	assert_true(queue_full(q));
	for (i = max + 1; i <= 2 * max; i++)
		assert_int_equal(take(q, 0, NULL, &wake), i);
	queue_free(q);
}

/*
 * Many events through a small queue, each pair swapped, half of them on
 * a device whose command runs for a while: reordering, overtaking and
 * slot reuse together keep every event once and each device in order.
 */
static void
test_churn(void **state)
{
	struct queue	*q = queue_new(5, 50);
	struct busy_set	 b = { { "/devices/slow" }, 0 };
	struct uevent	*ev;
	uint64_t	 next = 2, last_fast = 0, last_slow = 0, seq;
	unsigned int	 got = 0, round;
	int		 wake;

	(void)state;
	queue_set_last(q, 1);
	for (round = 0; round < 2000; round++) {
		/* Two at a time, the second first. */
		if (queue_len(q) + 2 <= 5 && queue_slot(q) != NULL) {
			push(q, 0, "change", next % 3 == 0 ? "/devices/slow" :
			    "/devices/fast", next + 1, NULL);
			push(q, 0, "change", (next - 1) % 3 == 0 ?
			    "/devices/slow" : "/devices/fast", next, NULL);
			next += 2;
		}
		b.n = round % 7 < 3;
		queue_wake(q);
		while ((ev = queue_next(q, 0, busy_in_set, &b, &wake)) !=
		    NULL) {
			seq = ev->seqnum;
			if (strcmp(uevent_devpath(ev), "/devices/slow") == 0) {
				assert_true(seq > last_slow);
				last_slow = seq;
			} else {
				assert_true(seq > last_fast);
				last_fast = seq;
			}
			got++;
			queue_done(q);
		}
	}
	b.n = 0;
	queue_wake(q);
	while (take(q, 0, &b, &wake) != 0)
		got++;
	assert_int_equal(got, next - 2);
	assert_true(queue_stats(q)->overtaken > 0);
	queue_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devpath_related),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_window_and_gap),
		cmocka_unit_test(test_no_seqnum),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_wake),
		cmocka_unit_test(test_firmware_early),
		cmocka_unit_test(test_seqnum_far),
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
