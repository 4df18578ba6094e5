/* Test helper: fill a uevent's variables from "KEY=VALUE" lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "event_lines.h"
#include "uevent.h"

void
event_lines_set(struct uevent *ev, const char *vars)
{
	char		 key[64], value[UEVENT_MSG_MAX];
	const char	*p, *eq, *nl;

	for (p = vars; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		eq = memchr(p, '=', (size_t)(nl - p));
		assert_non_null(eq);
		assert_true((size_t)(eq - p) < sizeof(key));
		assert_true((size_t)(nl - eq - 1) < sizeof(value));
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		memcpy(value, eq + 1, (size_t)(nl - eq - 1));
		value[nl - eq - 1] = '\0';
		assert_int_equal(uevent_set(ev, key, value), 0);
	}
}
