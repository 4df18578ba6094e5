/* --rebroadcast's argument: the groups a user may choose, and why the others are refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "rebroadcast.h"

struct group_case {
	const char	*arg;
	int		 group;		/* 0: refused */
	const char	*why;		/* a word the reason holds */
};

static const struct group_case cases[] = {
	{ "3", 3, NULL },		/* libudev-zero's */
	{ "4", 4, NULL },
	{ "32", 32, NULL },
	{ "03", 3, NULL },
	{ "0", 0, "1 to 32" },
	{ "1", 0, "kernel" },
	{ "2", 0, "libudev" },
	{ "33", 0, "1 to 32" },
	{ "4294967299", 0, "1 to 32" },	/* 3 modulo 2^32 */
	{ "99999999999999999999999", 0, "1 to 32" },
	{ "", 0, "number" },
	{ "abc", 0, "number" },
	{ "-1", 0, "number" },
	{ "+3", 0, "number" },
	{ " 3", 0, "number" },
	{ "3 ", 0, "number" },
	{ "0x4", 0, "mask" },		/* mdevd's -O takes a mask */
};

static void
test_parse(void **state)
{
	const struct group_case	*c;
	unsigned int		 group;
	const char		*why;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		group = 0;
		why = NULL;
		if (c->group != 0) {
			assert_int_equal(rebroadcast_parse(c->arg, &group,
			    &why), 0);
			assert_int_equal(group, c->group);
		} else {
			assert_int_equal(rebroadcast_parse(c->arg, &group,
			    &why), -1);
			assert_non_null(why);
			if (strstr(why, c->why) == NULL)
				fail_msg("\"%s\": \"%s\" does not say \"%s\"",
				    c->arg, why, c->why);
			assert_int_equal(group, 0);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
