/* Tests for src/inflate.c: gzip's own output (stored, fixed and dynamic blocks) inflated exactly; damaged input refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inflate.h"

/* The output of a shell command, whole; *len its length. */
static unsigned char *
command(const char *cmd, size_t *len)
{
	unsigned char	*buf = malloc(4 << 20);
	size_t		 n = 0, r;
	FILE		*p;

	assert_non_null(buf);
	assert_non_null(p = popen(cmd, "r"));
	while ((r = fread(buf + n, 1, (4 << 20) - n, p)) > 0)
		n += r;
	assert_int_equal(pclose(p), 0);
	*len = n;
	return buf;
}

/* gzip LEVEL of what cmd prints, inflated, equals it. */
static void
round_trip(const char *cmd, int level)
{
	char		 gz[1024];
	unsigned char	*plain, *packed, *out;
	size_t		 plen, glen, n;

	plain = command(cmd, &plen);
	snprintf(gz, sizeof(gz), "%s | gzip -%d -c", cmd, level);
	packed = command(gz, &glen);
	assert_int_equal(gzip_size(packed, glen), plen);
	out = malloc(plen + 1);
	assert_non_null(out);
	assert_int_equal(gzip_inflate(packed, glen, out, plen, &n), 0);
	assert_int_equal(n, plen);
	assert_memory_equal(out, plain, plen);
	/* One byte less room is refused, not overrun. */
	if (plen > 0)
		assert_int_equal(gzip_inflate(packed, glen, out, plen - 1, &n), -1);
	free(plain);
	free(packed);
	free(out);
}

static void
test_sources(void **state)
{
	char	 cmd[4096];

	(void)state;
	/* Text: dynamic Huffman blocks, at every level gzip has. */
	snprintf(cmd, sizeof(cmd), "cat %s/lua/hotplug2/*.lua",
	    getenv("HOTPLUG2_SOURCE_DIR"));
	round_trip(cmd, 9);
	round_trip(cmd, 1);
	/* Short input: fixed Huffman codes; none at all: an empty block. */
	round_trip("printf 'hotplug2 hotplug2 hotplug2\\n'", 9);
	round_trip("true", 9);
	/* Long runs: copies that overlap what they make, the longest length. */
	round_trip("head -c 100000 /dev/zero", 9);
}

static void
test_stored(void **state)
{
	char	 path[] = "/tmp/test_inflate.XXXXXX", cmd[64];
	int	 fd;

	(void)state;
	/* Random bytes do not compress: gzip stores them. */
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	snprintf(cmd, sizeof(cmd), "head -c 200000 /dev/urandom >%s", path);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "cat %s", path);
	round_trip(cmd, 6);
	unlink(path);
}

static void
test_damaged(void **state)
{
	unsigned char	*packed, out[64];
	size_t		 glen, n, i;

	(void)state;
	packed = command("printf 'the same text, the same text\\n' | gzip -9 -c", &glen);
	assert_int_equal(gzip_inflate(packed, glen, out, sizeof(out), &n), 0);
	/*
	 * Every damaged byte after the header is caught (CRC, size or code),
	 * but the data's last byte, whose high bits may be padding.
	 */
	for (i = 10; i < glen; i++) {
		if (i == glen - 9)
			continue;
		packed[i] ^= 0x5a;
		if (gzip_inflate(packed, glen, out, sizeof(out), &n) != -1)
			fail_msg("byte %zu of %zu damaged, still inflated", i, glen);
		packed[i] ^= 0x5a;
	}
	/* The trailer's CRC alone. */
	packed[glen - 8] ^= 1;
	assert_int_equal(gzip_inflate(packed, glen, out, sizeof(out), &n), -1);
	packed[glen - 8] ^= 1;
	/* Not gzip, and cut short. */
	assert_int_equal(gzip_inflate((const unsigned char *)"plain text, not gzip", 20,
	    out, sizeof(out), &n), -1);
	assert_int_equal(gzip_inflate(packed, glen - 3, out, sizeof(out), &n), -1);
	free(packed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_stored),
		cmocka_unit_test(test_damaged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
