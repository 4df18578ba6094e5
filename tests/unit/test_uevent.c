/* Table tests for the uevent parser, builder, serializer and recording splitter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "uevent.h"

/* A message literal with its exact length (the trailing NUL of the C string excluded). */
#define MSG(s)	{ s, sizeof(s) - 1 }

struct parse_case {
	const char	*name;
	struct {
		const char	*data;
		size_t		 len;
	}		 in;
	const char	*reason;	/* NULL: must parse */
	unsigned int	 nvars;
	uint64_t	 seqnum;
	const char	*devpath;
};

static const struct parse_case parse_cases[] = {
	{ "kernel event, captured on this machine",
	    MSG("change@/devices/virtual/mem/null\0ACTION=change\0"
	    "DEVPATH=/devices/virtual/mem/null\0SUBSYSTEM=mem\0SYNTH_UUID=0\0"
	    "MAJOR=1\0MINOR=3\0DEVNAME=null\0DEVMODE=0666\0SEQNUM=815\0"),
	    NULL, 9, 815, "/devices/virtual/mem/null" },
	{ "usb interface event from the laptop fixture",
	    MSG("add@/devices/pci0000:00/0000:00:1d.7/usb5/5-2/5-2:1.0\0"
	    "ACTION=add\0DEVPATH=/devices/pci0000:00/0000:00:1d.7/usb5/5-2/5-2:1.0\0"
	    "SUBSYSTEM=usb\0DEVTYPE=usb_interface\0PRODUCT=421/484/100\0"
	    "TYPE=2/0/0\0INTERFACE=2/2/1\0"
	    "MODALIAS=usb:v0421p0484d0100dc02dsc00dp00ic02isc02ip01\0SEQNUM=12\0"),
	    NULL, 9, 12, "/devices/pci0000:00/0000:00:1d.7/usb5/5-2/5-2:1.0" },
	{ "input variable with a doubled '=' as captured",
	    MSG("add@/devices/platform/i8042/serio0/input/input0\0ACTION=add\0"
	    "DEVPATH=/devices/platform/i8042/serio0/input/input0\0EV==120013\0"),
	    NULL, 3, 0, "/devices/platform/i8042/serio0/input/input0" },
	{ "2.4 form: empty DEVPATH in the header",
	    MSG("add@\0ACTION=add\0PCI_CLASS=20000\0PCI_ID=8086:1229\0SEQNUM=0\0"),
	    NULL, 4, 0, "" },
	{ "2.4 form with a DEVPATH variable",
	    MSG("remove@\0ACTION=remove\0DEVPATH=/pci/00:0c.0\0"),
	    NULL, 2, 0, "/pci/00:0c.0" },
	{ "empty", { "", 0 }, "empty message", 0, 0, NULL },
	{ "libudev format",
	    MSG("libudev\0\xfe\xed\xca\xfe\0\0\0\0"), "libudev-format message",
	    0, 0, NULL },
	{ "not NUL-terminated",
	    MSG("add@/devices/x\0ACTION=add\0DEVPATH=/devices/x"),
	    "message not NUL-terminated", 0, 0, NULL },
	{ "empty header", MSG("\0ACTION=add\0"), "empty header", 0, 0, NULL },
	{ "header without '@'", MSG("add/devices/x\0ACTION=add\0"),
	    "header without '@'", 0, 0, NULL },
	{ "empty ACTION", MSG("@/devices/x\0ACTION=\0DEVPATH=/devices/x\0"),
	    "empty ACTION in header", 0, 0, NULL },
	{ "bad ACTION character", MSG("a d@/devices/x\0ACTION=a d\0"),
	    "bad character in ACTION", 0, 0, NULL },
	{ "ACTION too long",
	    MSG("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@/x\0"),
	    "ACTION too long", 0, 0, NULL },
	{ "relative DEVPATH in header", MSG("add@devices/x\0ACTION=add\0"),
	    "DEVPATH in header does not start with '/'", 0, 0, NULL },
	{ "variable without '='",
	    MSG("add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0GARBAGE\0"),
	    "variable without '='", 0, 0, NULL },
	{ "empty variable",
	    MSG("add@/devices/x\0ACTION=add\0\0DEVPATH=/devices/x\0"),
	    "empty variable", 0, 0, NULL },
	{ "empty variable name",
	    MSG("add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0=1\0"),
	    "variable with an empty name", 0, 0, NULL },
	{ "bad variable name",
	    MSG("add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0A B=1\0"),
	    "bad character in variable name", 0, 0, NULL },
	{ "duplicate key",
	    MSG("add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0A=1\0A=2\0"),
	    "duplicate variable", 0, 0, NULL },
	{ "duplicate ACTION",
	    MSG("add@/devices/x\0ACTION=add\0DEVPATH=/devices/x\0ACTION=add\0"),
	    "duplicate variable", 0, 0, NULL },
	{ "no ACTION variable", MSG("add@/devices/x\0DEVPATH=/devices/x\0"),
	    "no ACTION variable", 0, 0, NULL },
	{ "ACTION disagrees",
	    MSG("add@/devices/x\0ACTION=remove\0DEVPATH=/devices/x\0"),
	    "ACTION variable disagrees with header", 0, 0, NULL },
	{ "ACTION is a prefix of the header's",
	    MSG("add@/devices/x\0ACTION=ad\0DEVPATH=/devices/x\0"),
	    "ACTION variable disagrees with header", 0, 0, NULL },
	{ "no DEVPATH variable", MSG("add@/devices/x\0ACTION=add\0"),
	    "no DEVPATH variable", 0, 0, NULL },
	{ "DEVPATH disagrees",
	    MSG("add@/devices/x\0ACTION=add\0DEVPATH=/devices/y\0"),
	    "DEVPATH variable disagrees with header", 0, 0, NULL },
	{ "2.4 form with a relative DEVPATH variable",
	    MSG("add@\0ACTION=add\0DEVPATH=x\0"),
	    "DEVPATH variable does not start with '/'", 0, 0, NULL },
	{ "bad SEQNUM",
	    MSG("add@/d\0ACTION=add\0DEVPATH=/d\0SEQNUM=12a\0"),
	    "bad SEQNUM", 0, 0, NULL },
	{ "negative SEQNUM",
	    MSG("add@/d\0ACTION=add\0DEVPATH=/d\0SEQNUM=-1\0"),
	    "bad SEQNUM", 0, 0, NULL },
	{ "SEQNUM overflow",
	    MSG("add@/d\0ACTION=add\0DEVPATH=/d\0SEQNUM=18446744073709551616\0"),
	    "bad SEQNUM", 0, 0, NULL },
	{ "largest SEQNUM",
	    MSG("add@/d\0ACTION=add\0DEVPATH=/d\0SEQNUM=18446744073709551615\0"),
	    NULL, 3, UINT64_MAX, "/d" },
};

static void
test_parse_table(void **state)
{
	struct uevent	*ev = malloc(sizeof(*ev));
	size_t		 i;

	(void)state;
	assert_non_null(ev);
	for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		const struct parse_case	*c = &parse_cases[i];
		const char		*reason = NULL;
		int			 r;

		r = uevent_parse(ev, c->in.data, c->in.len, &reason);
		if (c->reason == NULL) {
			if (r != 0)
				fail_msg("%s: refused: %s", c->name, reason);
			assert_int_equal(ev->nvars, c->nvars);
			assert_true(ev->seqnum == c->seqnum);
			assert_string_equal(uevent_devpath(ev), c->devpath);
			assert_int_equal(ev->len, c->in.len);
		} else {
			if (r != -1)
				fail_msg("%s: accepted", c->name);
			if (reason == NULL || strcmp(reason, c->reason) != 0)
				fail_msg("%s: reason \"%s\", want \"%s\"",
				    c->name, reason ? reason : "(null)",
				    c->reason);
			assert_int_equal(ev->len, 0);
		}
	}
	free(ev);
}

/* Bounds: the largest message and variable count pass, one more fails. */
static void
test_parse_bounds(void **state)
{
	struct uevent	*ev = malloc(sizeof(*ev));
	char		*buf = malloc(UEVENT_MSG_MAX + 16);
	const char	*reason;
	size_t		 len;
	unsigned int	 i;

	(void)state;
	len = (size_t)sprintf(buf, "add@/d") + 1;
	len += (size_t)sprintf(buf + len, "ACTION=add") + 1;
	len += (size_t)sprintf(buf + len, "DEVPATH=/d") + 1;
	for (i = 2; i < UEVENT_VARS_MAX; i++)
		len += (size_t)sprintf(buf + len, "V%u=x", i) + 1;
	assert_int_equal(uevent_parse(ev, buf, len, &reason), 0);
	assert_int_equal(ev->nvars, UEVENT_VARS_MAX);
	len += (size_t)sprintf(buf + len, "ONE=more") + 1;
	assert_int_equal(uevent_parse(ev, buf, len, &reason), -1);
	assert_string_equal(reason, "too many variables");

	/* A message of exactly UEVENT_MSG_MAX bytes, then one byte more. */
	len = (size_t)sprintf(buf, "add@/d") + 1;
	len += (size_t)sprintf(buf + len, "ACTION=add") + 1;
	len += (size_t)sprintf(buf + len, "DEVPATH=/d") + 1;
	memcpy(buf + len, "BIG=", 4);
	memset(buf + len + 4, 'x', UEVENT_MSG_MAX - len - 5);
	buf[UEVENT_MSG_MAX - 1] = '\0';
	assert_int_equal(uevent_parse(ev, buf, UEVENT_MSG_MAX, &reason), 0);
	assert_int_equal(strlen(uevent_get(ev, "BIG")), UEVENT_MSG_MAX - len - 5);
	buf[UEVENT_MSG_MAX - 1] = 'x';
	buf[UEVENT_MSG_MAX] = '\0';
	assert_int_equal(uevent_parse(ev, buf, UEVENT_MSG_MAX + 1, &reason), -1);
	assert_string_equal(reason, "message too long");

	/* A header as long as the limit. */
	memcpy(buf, "add@/", 5);
	memset(buf + 5, 'h', UEVENT_HEADER_MAX);
	buf[UEVENT_HEADER_MAX] = '\0';
	assert_int_equal(uevent_parse(ev, buf, UEVENT_HEADER_MAX + 1, &reason),
	    -1);
	assert_string_equal(reason, "header too long");
	free(buf);
	free(ev);
}

/* Build, modify and serialize; the result parses back to the same event. */
static void
test_build_roundtrip(void **state)
{
	struct uevent	*ev = malloc(sizeof(*ev)), *back = malloc(sizeof(*ev));
	char		 out[UEVENT_MSG_MAX];
	const char	*reason = NULL;
	size_t		 n;

	(void)state;
	assert_int_equal(uevent_init(ev, "add", "/devices/pci0000:00/0000:00:01.0"), 0);
	assert_string_equal(uevent_get(ev, "ACTION"), "add");
	assert_int_equal(uevent_set(ev, "SUBSYSTEM", "pci"), 0);
	assert_int_equal(uevent_set(ev, "PCI_ID", "8086:1229"), 0);
	assert_int_equal(uevent_set(ev, "SEQNUM", "41"), 0);
	assert_true(ev->seqnum == 41);
	assert_int_equal(uevent_set(ev, "PCI_ID", "8086:100E"), 0);
	assert_string_equal(uevent_get(ev, "PCI_ID"), "8086:100E");
	assert_int_equal(uevent_set(ev, "SEQNUM", "42"), 0);
	assert_true(ev->seqnum == 42);
	assert_string_equal(uevent_get(ev, "SUBSYSTEM"), "pci");
	assert_int_equal(uevent_unset(ev, "SUBSYSTEM"), 1);
	assert_int_equal(uevent_unset(ev, "SUBSYSTEM"), 0);
	assert_null(uevent_get(ev, "SUBSYSTEM"));
	assert_string_equal(uevent_get(ev, "PCI_ID"), "8086:100E");
	assert_int_equal(uevent_set(ev, "SUBSYSTEM", "pci"), 0);

	/* The header is fixed; names and SEQNUM are checked. */
	assert_int_equal(uevent_set(ev, "ACTION", "remove"), -1);
	assert_int_equal(uevent_set(ev, "ACTION", "add"), 0);
	assert_int_equal(uevent_set(ev, "DEVPATH", "/elsewhere"), -1);
	assert_int_equal(uevent_set(ev, "BAD NAME", "x"), -1);
	assert_int_equal(uevent_set(ev, "SEQNUM", "x"), -1);
	assert_int_equal(uevent_init(back, "a b", "/x"), -1);
	assert_int_equal(uevent_init(back, "add", "x"), -1);

	n = uevent_serialize(ev, out, sizeof(out));
	assert_int_equal(n, ev->len);
	assert_int_equal(uevent_serialize(ev, out, n - 1), 0);
	if (uevent_parse(back, out, n, &reason) != 0)
		fail_msg("serialized event refused: %s", reason);
	assert_int_equal(back->nvars, ev->nvars);
	assert_true(back->seqnum == 42);
	assert_memory_equal(back->buf, ev->buf, n);

	/* The 2.4 form builds too. */
	assert_int_equal(uevent_init(ev, "add", ""), 0);
	assert_int_equal(uevent_set(ev, "PCI_ID", "8086:1229"), 0);
	n = uevent_serialize(ev, out, sizeof(out));
	assert_int_equal(uevent_parse(back, out, n, &reason), 0);
	assert_string_equal(uevent_devpath(back), "");
	free(back);
	free(ev);
}

/* uevent_set refuses what would not fit, and leaves the event intact. */
static void
test_build_full(void **state)
{
	struct uevent	*ev = malloc(sizeof(*ev));
	char		 big[UEVENT_MSG_MAX];
	size_t		 len;

	(void)state;
	assert_int_equal(uevent_init(ev, "add", "/d"), 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(uevent_set(ev, "BIG", big), -1);
	len = ev->len;
	big[100] = '\0';
	assert_int_equal(uevent_set(ev, "SMALL", big), 0);
	assert_int_equal(ev->len, len + 6 + 100 + 1);
	free(ev);
}

/* Recordings: back-to-back messages split at each header. */
static void
test_next(void **state)
{
	static const char rec[] =
	    "add@/a\0ACTION=add\0DEVPATH=/a\0X=y@z\0"
	    "remove@/b\0ACTION=remove\0DEVPATH=/b\0"
	    "add@\0ACTION=add\0PCI_ID=1:2\0";
	size_t	 total = sizeof(rec) - 1, n1, n2, n3;

	(void)state;
	n1 = uevent_next(rec, total, 0);
	assert_int_equal(n1, strlen("add@/a") + strlen("ACTION=add") +
	    strlen("DEVPATH=/a") + strlen("X=y@z") + 4);
	n2 = uevent_next(rec + n1, total - n1, 0);
	assert_int_equal(n2, 10 + 14 + 11);
	/* The last message is complete only at EOF. */
	assert_int_equal(uevent_next(rec + n1 + n2, total - n1 - n2, 0), 0);
	n3 = uevent_next(rec + n1 + n2, total - n1 - n2, 1);
	assert_int_equal(n1 + n2 + n3, total);
	assert_int_equal(uevent_next("add@/a", 6, 0), 0);
	assert_int_equal(uevent_next("add@/a", 6, 1), 0);
	assert_true(uevent_is_header("add@/a", 6));
	assert_true(uevent_is_header("add@", 4));
	assert_false(uevent_is_header("ACTION=a@b", 10));
	assert_false(uevent_is_header("@/a", 3));
	assert_false(uevent_is_header("add", 3));
}

/*
 * A newline or NUL between recorded messages (hotplug2(8)) belongs to
 * neither: each message parses, whatever separates it from the next.
 */
static void
test_next_separators(void **state)
{
	static const struct {
		const char	*rec;
		size_t		 len;
		int		 messages;
	} cases[] = {
#define REC(s)	s, sizeof(s) - 1
		{ REC("add@/a\0ACTION=add\0DEVPATH=/a\0"
		    "\nremove@/b\0ACTION=remove\0DEVPATH=/b\0\n"), 2 },
		{ REC("add@/a\0ACTION=add\0DEVPATH=/a\0"
		    "\0remove@/b\0ACTION=remove\0DEVPATH=/b\0\0"), 2 },
		{ REC("\n\nadd@/a\0ACTION=add\0DEVPATH=/a\0\0\n\0"
		    "remove@/b\0ACTION=remove\0DEVPATH=/b\0"), 2 },
		{ REC("add@/a\0ACTION=add\0DEVPATH=/a\0\n"), 1 },
		{ REC("\n"), 0 },
		{ REC("add@/a\0ACTION=add\0DEVPATH=/a\0"
		    "remove@/b\0ACTION=remove\0DEVPATH=/b\0"), 2 },
#undef REC
	};
	struct uevent	*ev = malloc(sizeof(*ev));
	const char	*why;
	size_t		 i, off, n, last;
	int		 count;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char	*rec = cases[i].rec;
		size_t		 len = cases[i].len;

		count = 0;
		last = 0;
		off = uevent_skip_separators(rec, len);
		while (off < len && (n = uevent_next(rec + off, len - off,
		    1)) > 0) {
			if (uevent_parse(ev, rec + off, n, &why) == -1)
				fail_msg("case %zu, message %d: %s", i,
				    count + 1, why);
			count++;
			last = off;
			off += n;
			off += uevent_skip_separators(rec + off, len - off);
		}
		if (off != len || count != cases[i].messages)
			fail_msg("case %zu: %d messages, %zu of %zu bytes", i,
			    count, off, len);
		/* Before the end of input, a separator ends a message. */
		if (count > 0 && rec[len - 1] == '\n' && rec[len - 2] == '\0')
			assert_int_equal(uevent_next(rec + last, len - last, 0),
			    len - last - 1);
	}
	free(ev);
}

/*
 * Malformed input of every shape must be refused or accepted without
 * reading out of bounds: the sanitizer build runs this.  A fixed seed
 * keeps it repeatable.
 */
static void
test_parse_mutations(void **state)
{
	static const char seed[] =
	    "add@/devices/pci0000:00/0000:00:1d.7/usb5/5-2\0ACTION=add\0"
	    "DEVPATH=/devices/pci0000:00/0000:00:1d.7/usb5/5-2\0SUBSYSTEM=usb\0"
	    "PRODUCT=421/484/100\0SEQNUM=77\0";
	struct uevent	*ev = malloc(sizeof(*ev));
	unsigned int	 x = 12345, i, j, accepted = 0;

	(void)state;
	for (i = 0; i < 200000; i++) {
		size_t	 len = 1 + (x = x * 1103515245 + 12345) % sizeof(seed);
		char	*m = malloc(len);

		memcpy(m, seed, len);
		for (j = 0; j < 1 + (i % 4); j++) {
			x = x * 1103515245 + 12345;
			m[(x >> 8) % len] = (char)(x >> 16);
		}
		if (uevent_parse(ev, m, len, NULL) == 0) {
			accepted++;
			(void)uevent_devpath(ev);
			(void)uevent_get(ev, "SEQNUM");
		}
		(void)uevent_next(m, len, 1);
		free(m);
	}
	assert_true(accepted > 0);
	free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_build_roundtrip),
		cmocka_unit_test(test_build_full),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_next_separators),
		cmocka_unit_test(test_parse_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
