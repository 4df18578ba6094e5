/* malloc's thresholds as the daemon holds them: a large block freed does not send the next ones to the arena. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <cmocka.h>

#include "heap.h"

/*
 * The alias file's buffer (1.3 MB for Debian's), freed, then a queue
 * chunk (64 slots, 0.5 MB): it must be a mapping of its own, unmapped
 * when freed.  Without heap_init() glibc has raised its threshold to the
 * buffer's size by then and serves the chunk from the arena.
 */
/* AddressSanitizer brings its own malloc, which mallopt does not steer. */
#if defined(__SANITIZE_ADDRESS__)
#define HEAP_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HEAP_ASAN	1
#endif
#endif

static void
test_large_blocks_stay_mapped(void **state)
{
#if defined(__GLIBC__) && !defined(HEAP_ASAN)
	struct mallinfo2	 m;
	char			*buf, *chunk;

	(void)state;
	heap_init();
	assert_non_null(buf = malloc(1318912));
	memset(buf, 1, 1318912);
	free(buf);
	assert_non_null(chunk = malloc(542208));
	m = mallinfo2();
	assert_true(m.hblkhd >= 542208);
	free(chunk);
	assert_true(mallinfo2().hblkhd < 542208);
	heap_trim();
#else
	(void)state;
	skip();
#endif
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_large_blocks_stay_mapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
