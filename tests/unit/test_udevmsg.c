/*
 * libudev's monitor message: MurmurHash2 and the tag bloom filter against
 * values computed from the algorithm's published definition, and the
 * header laid out byte for byte.  tests/integration/udev_clients.sh checks
 * the same hashes against real libudev filters.
 */
#include <arpa/inet.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "udevmsg.h"

struct hash_case {
	const char	*s;
	uint32_t	 hash;
	uint64_t	 bloom;
};

/* Lengths 0 to 4 cover every tail of the loop; the rest are real names. */
static const struct hash_case hash_cases[] = {
	{ "", 0x00000000U, UINT64_C(0x0000000000000001) },
	{ "a", 0x92685f5eU, UINT64_C(0x2000000044000020) },
	{ "ab", 0x1aa14063U, UINT64_C(0x0000010800100002) },
	{ "abc", 0x13577c9bU, UINT64_C(0x0084000008200000) },
	{ "abcd", 0x26873021U, UINT64_C(0x0008000200000001) },
	{ "block", 0xf0031db7U, UINT64_C(0x00c2000000000001) },
	{ "input", 0xc1a28470U, UINT64_C(0x0001010000020000) },
	{ "net", 0xa74d3cc8U, UINT64_C(0x0008000000080100) },
	{ "tty", 0x8afa90c8U, UINT64_C(0x4000020000000108) },
	{ "usb", 0x0577c5e5U, UINT64_C(0x1000002020800000) },
	{ "sound", 0xd196ab6eU, UINT64_C(0x0000642000000000) },
	{ "disk", 0x7bcbc5eeU, UINT64_C(0x1004400000800000) },
	{ "partition", 0xcb234489U, UINT64_C(0x0010000000040300) },
	{ "usb_device", 0x27f8f50cU, UINT64_C(0x4000000000109000) },
	{ "uaccess", 0xe88ed0ccU, UINT64_C(0x0000200800001008) },
	{ "seat", 0x435b3e40U, UINT64_C(0x0208000000400001) },
	{ "systemd", 0xa75f972aU, UINT64_C(0x0200040010800000) },
	{ "power-switch", 0x43b5e13fU, UINT64_C(0x8000200040000010) },
};

static void
test_hashes(void **state)
{
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(hash_cases) / sizeof(hash_cases[0]); i++) {
		const struct hash_case *c = &hash_cases[i];

		assert_int_equal(udevmsg_hash32(c->s, strlen(c->s)), c->hash);
		assert_int_equal(udevmsg_bloom64(c->s, strlen(c->s)), c->bloom);
	}
}

static uint32_t
word(const char *msg, size_t off)
{
	uint32_t	 v;

	memcpy(&v, msg + off, 4);
	return v;
}

static const char	 props[] = "ACTION=add\0DEVPATH=/devices/virtual/mem/null\0"
    "SUBSYSTEM=mem\0DEVNAME=/dev/null\0DEVTYPE=disk\0SEQNUM=7\0"
    "TAGS=:uaccess:seat:\0CURRENT_TAGS=:uaccess:\0";

static void
test_build_layout(void **state)
{
	char			 msg[UDEVMSG_MAX];
	const char		*why = NULL;
	struct udevmsg_header	 h;
	size_t			 n;
	uint64_t		 bloom;

	(void)state;
	n = udevmsg_build(msg, sizeof(msg), props, sizeof(props) - 1, &why);
	assert_int_equal(n, UDEVMSG_HEADER_SIZE + sizeof(props) - 1);
	assert_memory_equal(msg, "libudev\0", 8);
	/* The magic on the wire, byte by byte: fe ed ca fe. */
	assert_memory_equal(msg + 8, "\xfe\xed\xca\xfe", 4);
	assert_int_equal(word(msg, 12), 40);
	assert_int_equal(word(msg, 16), 40);
	assert_int_equal(word(msg, 20), sizeof(props) - 1);
	assert_int_equal(ntohl(word(msg, 24)), udevmsg_hash32("mem", 3));
	assert_int_equal(ntohl(word(msg, 28)), 0x7bcbc5eeU);
	bloom = udevmsg_bloom64("uaccess", 7) | udevmsg_bloom64("seat", 4);
	assert_int_equal(ntohl(word(msg, 32)), (uint32_t)(bloom >> 32));
	assert_int_equal(ntohl(word(msg, 36)), (uint32_t)bloom);
	assert_memory_equal(msg + 40, props, sizeof(props) - 1);

	assert_int_equal(udevmsg_parse(msg, n, &h, &why), 0);
	assert_int_equal(h.magic, UDEVMSG_MAGIC);
	assert_int_equal(h.properties_len, sizeof(props) - 1);
	assert_int_equal(h.tag_bloom, bloom);
	assert_int_equal(h.devtype_hash, 0x7bcbc5eeU);
}

static void
test_build_no_devtype_no_tags(void **state)
{
	static const char	 p[] = "ACTION=add\0SUBSYSTEM=net\0SEQNUM=1\0";
	char			 msg[128];
	const char		*why = NULL;

	(void)state;
	assert_int_equal(udevmsg_build(msg, sizeof(msg), p, sizeof(p) - 1,
	    &why), 40 + sizeof(p) - 1);
	assert_int_equal(ntohl(word(msg, 24)), 0xa74d3cc8U);
	assert_int_equal(word(msg, 28), 0);
	assert_int_equal(word(msg, 32), 0);
	assert_int_equal(word(msg, 36), 0);
}

struct refuse_case {
	const char	*name;
	const char	*props;
	size_t		 len;
	size_t		 outlen;
};

static const struct refuse_case refuse_cases[] = {
	{ "empty", "", 0, 128 },
	{ "not NUL-terminated", "SUBSYSTEM=mem", 13, 128 },
	{ "no SUBSYSTEM", "ACTION=add\0", 11, 128 },
	{ "not KEY=VALUE", "SUBSYSTEM=mem\0junk\0", 19, 128 },
	{ "empty key", "SUBSYSTEM=mem\0=x\0", 17, 128 },
	{ "no room", "SUBSYSTEM=mem\0", 14, 50 },
};

static void
test_build_refuses(void **state)
{
	char		 msg[128];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(refuse_cases) / sizeof(refuse_cases[0]); i++) {
		const char	*why = NULL;

		assert_int_equal(udevmsg_build(msg, refuse_cases[i].outlen,
		    refuse_cases[i].props, refuse_cases[i].len, &why), 0);
		assert_non_null(why);
	}
}

static void
test_build_bound(void **state)
{
	static char	 big[UDEVMSG_MAX], msg[2 * UDEVMSG_MAX];
	const char	*why = NULL;
	size_t		 room = UDEVMSG_MAX - UDEVMSG_HEADER_SIZE;

	(void)state;
	/* SUBSYSTEM=x then one long property: exactly 8 KiB, then a byte more. */
	memset(big, 'v', sizeof(big));
	memcpy(big, "SUBSYSTEM=x\0K=", 14);
	big[room - 1] = '\0';
	assert_int_equal(udevmsg_build(msg, sizeof(msg), big, room, &why),
	    UDEVMSG_MAX);
	big[room - 1] = 'v';
	big[room] = '\0';
	assert_int_equal(udevmsg_build(msg, sizeof(msg), big, room + 1, &why),
	    0);
}

static void
test_parse_refuses(void **state)
{
	char			 msg[128];
	const char		*why = NULL;
	struct udevmsg_header	 h;
	size_t			 n;
	uint32_t		 big = 1000;

	(void)state;
	assert_int_equal(udevmsg_parse("add@/x\0", 7, &h, &why), -1);
	n = udevmsg_build(msg, sizeof(msg), "SUBSYSTEM=mem", 14, &why);
	assert_int_not_equal(n, 0);
	msg[8] = 0;
	assert_int_equal(udevmsg_parse(msg, n, &h, &why), -1);
	msg[8] = (char)0xfe;
	memcpy(msg + 20, &big, 4);
	assert_int_equal(udevmsg_parse(msg, n, &h, &why), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_build_layout),
		cmocka_unit_test(test_build_no_devtype_no_tags),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_build_bound),
		cmocka_unit_test(test_parse_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
