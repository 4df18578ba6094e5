/* Table tests for the bounded Lua 5.1 pattern matcher: matches, errors, the step count and the depth bound. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lpattern.h"

struct exec_case {
	const char	*subject;
	const char	*pattern;
	int		 end;		/* offset of the match's end, or -1 */
	int		 error;
	int		 level;		/* captures */
};

/* Each matched at the start of the subject, as lpattern_exec does. */
static const struct exec_case exec_cases[] = {
	{ "hello", "hel", 3, LPATTERN_OK, 0 },
	{ "hello", "l", -1, LPATTERN_OK, 0 },
	{ "hello", "h.*", 5, LPATTERN_OK, 0 },
	{ "hello", "h.-l", 3, LPATTERN_OK, 0 },
	{ "hello", "h?e", 2, LPATTERN_OK, 0 },
	{ "hello", "x?h", 1, LPATTERN_OK, 0 },
	{ "hello", "%a+$", 5, LPATTERN_OK, 0 },
	{ "hello", "%a+$x", -1, LPATTERN_OK, 0 },
	{ "ttyUSB0", "tty%u+(%d+)", 7, LPATTERN_OK, 1 },
	{ "k=v", "(%w+)=(%w+)", 3, LPATTERN_OK, 2 },
	{ "k=v", "()k()", 1, LPATTERN_OK, 2 },
	{ "(a(b))c", "%b()", 6, LPATTERN_OK, 0 },
	{ "(a(b)c", "%b()", -1, LPATTERN_OK, 0 },
	{ "abab", "(ab)%1", 4, LPATTERN_OK, 1 },
	{ "]x", "[]]x", 2, LPATTERN_OK, 0 },
	{ "-", "[a-]", 1, LPATTERN_OK, 0 },
	{ "b", "[^a]", 1, LPATTERN_OK, 0 },
	{ "ab", "%f[%a]a", 1, LPATTERN_OK, 0 },
	{ "", "$", 0, LPATTERN_OK, 0 },
	{ "x", "%", -1, LPATTERN_EENDS_ESC, 0 },
	{ "x", "[x", -1, LPATTERN_EMISSING_BRACKET, 0 },
	{ "x", "%fx", -1, LPATTERN_EFRONTIER, 0 },
	{ "x", "%b", -1, LPATTERN_EBALANCE, 0 },
	{ "x", "%1", -1, LPATTERN_ECAPINDEX, 0 },
	{ "x", "(x%1)", -1, LPATTERN_ECAPINDEX, 0 },
	{ "x", "x)", -1, LPATTERN_ECAPCLOSE, 0 },
	{ "x", "(((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))",
	    -1, LPATTERN_ECAPMANY, 0 },
};

static void
test_exec(void **state)
{
	const struct exec_case	*c;
	struct lpattern		 ms;
	const char		*e;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(exec_cases) / sizeof(exec_cases[0]); i++) {
		c = &exec_cases[i];
		lpattern_init(&ms, c->subject, strlen(c->subject), NULL, NULL);
		e = lpattern_exec(&ms, c->subject, c->pattern);
		assert_int_equal(ms.error, c->error);
		if (c->end == -1)
			assert_null(e);
		else {
			assert_non_null(e);
			assert_int_equal(e - c->subject, c->end);
			assert_int_equal(ms.level, c->level);
		}
	}
}

static int	ticks;

static int
count_tick(void *arg)
{
	int	*limit = arg;

	return ++ticks > *limit;
}

/* A pattern that backtracks for minutes asks the tick function to go on, and stops when told. */
static void
test_tick_stops_backtracking(void **state)
{
	struct lpattern	 ms;
	char		 subject[41], pattern[82];
	int		 limit = 10, i;

	(void)state;
	memset(subject, 'a', 40);
	subject[40] = '\0';
	for (i = 0; i < 40; i++)
		memcpy(pattern + 2 * i, "a*", 2);
	memcpy(pattern + 80, "b", 2);
	ticks = 0;
	lpattern_init(&ms, subject, 40, count_tick, &limit);
	assert_null(lpattern_exec(&ms, subject, pattern));
	assert_int_equal(ms.error, LPATTERN_EABORT);
	assert_int_equal(ticks, limit + 1);
}

/* A deep pattern is refused before the C stack runs out. */
static void
test_depth_bound(void **state)
{
	struct lpattern	 ms;
	char		*subject, *pattern;
	size_t		 n = 200000, i;

	(void)state;
	subject = malloc(n + 1);
	pattern = malloc(2 * n + 1);
	assert_non_null(subject);
	assert_non_null(pattern);
	memset(subject, 'a', n);
	subject[n] = '\0';
	for (i = 0; i < n; i++)
		memcpy(pattern + 2 * i, "a?", 2);
	pattern[2 * n] = '\0';
	lpattern_init(&ms, subject, n, NULL, NULL);
	assert_null(lpattern_exec(&ms, subject, pattern));
	assert_int_equal(ms.error, LPATTERN_ECOMPLEX);
	/* Below the bound it matches as Lua 5.1 does. */
	pattern[2 * (LPATTERN_MAXDEPTH - 1)] = '\0';
	lpattern_init(&ms, subject, n, NULL, NULL);
	assert_ptr_equal(lpattern_exec(&ms, subject, pattern),
	    subject + LPATTERN_MAXDEPTH - 1);
	free(subject);
	free(pattern);
}

static void
test_memfind(void **state)
{
	struct lpattern	 ms;
	const char	*s = "abcabd";

	(void)state;
	lpattern_init(&ms, s, 6, NULL, NULL);
	assert_ptr_equal(lpattern_memfind(&ms, s, 6, "abd", 3), s + 3);
	assert_ptr_equal(lpattern_memfind(&ms, s, 6, "", 0), s);
	assert_null(lpattern_memfind(&ms, s, 6, "abe", 3));
	assert_null(lpattern_memfind(&ms, s, 2, "abc", 3));
	assert_ptr_equal(lpattern_memfind(&ms, s, 6, "d", 1), s + 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_tick_stops_backtracking),
		cmocka_unit_test(test_depth_bound),
		cmocka_unit_test(test_memfind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
