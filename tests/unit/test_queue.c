/* cmocka tests for queue.c: SEQNUM order, the reorder window, per-device waits, firmware, the cap. */
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

/* Without a known last SEQNUM, and for SEQNUM-less events, nothing waits. */
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
	/* The SEQNUM-less event is a barrier: 499 does not pass it. */
	push(q, 0, "add", "/devices/b", 499, NULL);
	ev = queue_next(q, 0, NULL, NULL, &wake);
	assert_string_equal(uevent_get(ev, "SUBSYSTEM"), "pci");
	queue_done(q);
	assert_int_equal(take(q, 0, NULL, &wake), 500);
	ev = queue_next(q, 0, NULL, NULL, &wake);
	assert_string_equal(uevent_get(ev, "SUBSYSTEM"), "usb");
	queue_done(q);
	assert_int_equal(take(q, 0, NULL, &wake), 499);
	assert_int_equal(queue_last(q), 500);
	assert_int_equal(queue_len(q), 0);
	assert_int_equal(queue_stats(q)->stale, 0);
	queue_free(q);
}

/* udev's rule: the head waits while a command runs on it, a parent or a child. */
static void
test_busy(void **state)
{
	static const struct {
		const char	*busy;
		const char	*devpath;
		const char	*subsystem;
		int		 waits;
	} cases[] = {
		{ "/devices/pci0000:00/0000:00:1d.0/usb2",
		  "/devices/pci0000:00/0000:00:1d.0/usb2", "usb", 1 },
		{ "/devices/pci0000:00/0000:00:1d.0/usb2",
		  "/devices/pci0000:00/0000:00:1d.0/usb2/2-1", "usb", 1 },
		{ "/devices/pci0000:00/0000:00:1d.0/usb2/2-1",
		  "/devices/pci0000:00/0000:00:1d.0", "pci", 1 },
		{ "/devices/pci0000:00/0000:00:1d.0/usb2",
		  "/devices/pci0000:00/0000:00:1d.0/usb3", "usb", 0 },
		/* Firmware requests never wait, even on a busy device. */
		{ "/devices/pci0000:00/0000:00:1d.0/usb2/2-1",
		  "/devices/pci0000:00/0000:00:1d.0/usb2/2-1/firmware/2-1",
		  "firmware", 0 },
	};
	size_t	 i;
	int	 wake;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct queue	*q = queue_new(4, 50);
		struct busy_set	 b = { { cases[i].busy }, 1 };

		push(q, 0, "add", cases[i].devpath, 7, cases[i].subsystem);
		if (cases[i].waits) {
			assert_int_equal(take(q, 0, &b, &wake), 0);
			assert_int_equal(wake, -1);
			b.n = 0;	/* the command ended */
		}
		assert_int_equal(take(q, 0, &b, &wake), 7);
		queue_free(q);
	}
}

/* A firmware request behind a waiting head goes first; the rest keep order. */
static void
test_firmware_bypass(void **state)
{
	struct queue	*q = queue_new(8, 50);
	struct busy_set	 b = { { "/devices/pci0000:00/0000:00:02.0" }, 1 };
	int		 wake;

	(void)state;
	queue_set_last(q, 9);
	push(q, 0, "bind", "/devices/pci0000:00/0000:00:02.0", 10, "pci");
	push(q, 0, "add", "/devices/virtual/mem/null", 11, "mem");
	push(q, 0, "add",
	    "/devices/pci0000:00/0000:00:02.0/firmware/0000:00:02.0", 12,
	    "firmware");
	assert_int_equal(take(q, 0, &b, &wake), 12);
	/* A second copy of the request handed out early is stale. */
	assert_int_equal(push(q, 0, "add",
	    "/devices/pci0000:00/0000:00:02.0/firmware/0000:00:02.0", 12,
	    "firmware"), 0);
	assert_int_equal(take(q, 0, &b, &wake), 0);
	b.n = 0;
	assert_int_equal(take(q, 0, &b, &wake), 10);
	assert_int_equal(take(q, 0, &b, &wake), 11);
	/* 12 went early: 13 is next in line, no gap and nothing late. */
	push(q, 0, "add", "/devices/virtual/mem/zero", 13, "mem");
	assert_int_equal(take(q, 0, &b, &wake), 13);
	assert_int_equal(queue_last(q), 13);
	assert_int_equal(queue_stats(q)->firmware_bypass, 1);
	assert_int_equal(queue_stats(q)->stale, 1);
	assert_int_equal(queue_stats(q)->gaps, 0);
	queue_free(q);
}

/* A firmware request the daemon handled outside the queue is no gap. */
static void
test_handled_early(void **state)
{
	struct queue	*q = queue_new(8, 50);
	uint64_t	 first, last;
	int		 wake;

	(void)state;
	queue_set_last(q, 20);
	queue_handled_early(q, 22);
	push(q, 0, "add", "/devices/a", 21, NULL);
	push(q, 0, "add", "/devices/b", 23, NULL);
	assert_int_equal(take(q, 0, NULL, &wake), 21);
	/* 22 is done: 23 does not wait for the window. */
	assert_int_equal(take(q, 0, NULL, &wake), 23);
	assert_int_equal(queue_take_gap(q, &first, &last), 0);
	/* Right after the last one, it just moves the last on. */
	queue_handled_early(q, 24);
	assert_int_equal(queue_last(q), 24);
	assert_int_equal(push(q, 0, "add", "/devices/c", 24, NULL), 0);
	queue_free(q);
}

/* The cap holds: no slot when full, one slot again after an event is done. */
static void
test_cap(void **state)
{
	struct queue	*q = queue_new(3, 50);
	int		 wake;
	uint64_t	 s;

	(void)state;
	for (s = 1; s <= 3; s++)
		push(q, 0, "change", "/devices/x", s, NULL);
	assert_true(queue_full(q));
	assert_null(queue_slot(q));
	/* The event handed out keeps its slot until done. */
	assert_non_null(queue_next(q, 0, NULL, NULL, &wake));
	assert_null(queue_slot(q));
	queue_done(q);
	assert_non_null(queue_slot(q));
	push(q, 0, "change", "/devices/x", 4, NULL);
	for (s = 2; s <= 4; s++)
		assert_int_equal(take(q, 0, NULL, &wake), s);
	assert_int_equal(queue_len(q), 0);
	assert_null(queue_new(0, 50));
	queue_free(q);
}

/* Many events through a small ring: wrap-around keeps the order. */
static void
test_wraparound(void **state)
{
	struct queue	*q = queue_new(5, 50);
	uint64_t	 next = 1, expect = 1;
	int		 wake, round;

	(void)state;
	for (round = 0; round < 1000; round++) {
		while (!queue_full(q)) {
			/* Swap each pair to exercise the insertion. */
			uint64_t s = (next % 2 == 1 && !queue_full(q)) ?
			    next + 1 : next - 1;
			if (next % 2 == 1 && queue_len(q) + 2 > 5)
				break;
			push(q, 0, "change", "/devices/x", s, NULL);
			next++;
		}
		while (queue_len(q) > 0 && (next - 1) % 2 == 0) {
			uint64_t got = take(q, 0, NULL, &wake);

			if (got == 0)
				break;
			assert_int_equal(got, expect);
			expect++;
		}
	}
	assert_true(expect > 1000);
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
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_firmware_bypass),
		cmocka_unit_test(test_handled_early),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_wraparound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
