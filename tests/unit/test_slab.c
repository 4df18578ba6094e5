/* The Lua state's small-block allocator: contents kept across resizes, no header per block, freed blocks reused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "slab.h"

#define NBLOCKS	10000

static void
fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i);
}

static int
intact(const unsigned char *p, size_t n, unsigned int seed)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed * 31 + i))
			return 0;
	return 1;
}

/* Sizes across the classes and past SLAB_MAX, resized up and down: the bytes stay. */
static void
test_resize_keeps_contents(void **state)
{
	static const size_t	 sizes[] = { 1, 7, 8, 9, 24, 40, 100, 255, 256,
	    257, 1000, 5000, 16, 3 };
	struct slab		 sl;
	unsigned char		*p[sizeof(sizes) / sizeof(sizes[0])];
	size_t			 n = sizeof(sizes) / sizeof(sizes[0]), i, a, b;

	(void)state;
	memset(&sl, 0, sizeof(sl));
	for (i = 0; i < n; i++) {
		assert_non_null(p[i] = slab_realloc(&sl, NULL, 0, sizes[i]));
		assert_int_equal((uintptr_t)p[i] % 8, 0);
		fill(p[i], sizes[i], (unsigned int)i);
	}
	/* Each block takes the next one's size, then its own again. */
	for (i = 0; i < n; i++) {
		a = sizes[i];
		b = sizes[(i + 1) % n];
		assert_non_null(p[i] = slab_realloc(&sl, p[i], a, b));
		assert_true(intact(p[i], a < b ? a : b, (unsigned int)i));
		fill(p[i], b, (unsigned int)i);
		assert_non_null(p[i] = slab_realloc(&sl, p[i], b, a));
		assert_true(intact(p[i], a < b ? a : b, (unsigned int)i));
		fill(p[i], a, (unsigned int)i);
	}
	for (i = 0; i < n; i++) {
		assert_true(intact(p[i], sizes[i], (unsigned int)i));
		assert_null(slab_realloc(&sl, p[i], sizes[i], 0));
	}
	slab_release(&sl);
	assert_int_equal(sl.held, 0);
}

/*
 * 10,000 blocks of 24 bytes take 24 bytes each and a part of a chunk
 * (malloc would give each a header: 32 bytes a block); freed and asked
 * for again, they take no more.
 */
static void
test_no_header_and_reuse(void **state)
{
	struct slab	 sl;
	void		**p;
	size_t		 i, held;
	int		 round;

	(void)state;
#ifdef SLAB_BYPASS
	skip();	/* AddressSanitizer: every block is malloc's (slab.h) */
#endif
	memset(&sl, 0, sizeof(sl));
	assert_non_null(p = calloc(NBLOCKS, sizeof(*p)));
	for (round = 0; round < 3; round++) {
		for (i = 0; i < NBLOCKS; i++) {
			assert_non_null(p[i] = slab_realloc(&sl, NULL, 0, 24));
			memset(p[i], 0xa5, 24);
		}
		if (round == 0)
			held = sl.held;
		assert_true(sl.held <= (size_t)NBLOCKS * 24 * SLAB_CHUNK /
		    (SLAB_CHUNK - 16) + SLAB_CHUNK);
		assert_int_equal(sl.held, held);
		for (i = 0; i < NBLOCKS; i++)
			slab_realloc(&sl, p[i], 24, 0);
	}
	slab_release(&sl);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_header_and_reuse),
		cmocka_unit_test(test_resize_keeps_contents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
