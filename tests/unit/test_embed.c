/* Tests for the Lua modules compiled into the daemon: every line of lua/hotplug2 kept, in place, less comments and indentation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inflate.h"

struct script_module {
	const char	*name;
	const char	*file;
	const char	*source;
	size_t		 len;
};
extern const struct script_module script_modules[];
extern const int script_modules_gzip;

static char *
read_source(const char *file)
{
	static const char	*dirs[] = { "HOTPLUG2_SOURCE_DIR", "HOTPLUG2_BUILD_DIR" };
	char			 path[4096];
	size_t			 i, n;
	char			*buf;
	FILE			*f;

	for (i = 0; i < 2; i++) {
		const char	*d = getenv(dirs[i]);

		if (d == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/lua/%s", d, file);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		buf = malloc(1 << 20);
		assert_non_null(buf);
		n = fread(buf, 1, (1 << 20) - 1, f);
		fclose(f);
		buf[n] = '\0';
		return buf;
	}
	fail_msg("cannot find lua/%s", file);
	return NULL;
}

/* The next line of *p, NUL-terminated in place; NULL at the end. */
static char *
next_line(char **p)
{
	char	*s = *p, *nl;

	if (s == NULL)
		return NULL;
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		*p = nl + 1;
	} else
		*p = *s ? s + strlen(s) : NULL;
	if (nl == NULL && *s == '\0')
		return NULL;
	return s;
}

static void
test_lines_kept(void **state)
{
	const struct script_module	*m;
	size_t				 shorter = 0;

	(void)state;
	for (m = script_modules; m->name != NULL; m++) {
		char	*src = read_source(m->file), *emb;
		char	*sp, *ep, *s, *e;
		size_t	 n;
		int	 line = 0;

		if (script_modules_gzip) {
			/* A gzip member of the lean text. */
			n = gzip_size((const unsigned char *)m->source, m->len);
			emb = malloc(n + 1);
			assert_non_null(emb);
			assert_int_equal(gzip_inflate((const unsigned char *)m->source,
			    m->len, (unsigned char *)emb, n, &n), 0);
			emb[n] = '\0';
		} else {
			emb = strdup(m->source);
			assert_non_null(emb);
			assert_int_equal(strlen(m->source), m->len);
		}
		if (m->len < strlen(src))
			shorter++;
		sp = src;
		ep = emb;
		for (;;) {
			s = next_line(&sp);
			e = next_line(&ep);
			line++;
			if (s == NULL || e == NULL) {
				if (s != e)
					fail_msg("%s: %s ends at line %d", m->file,
					    s == NULL ? "the source" : "the embedded copy",
					    line);
				break;
			}
			/* Indentation goes; a comment line goes whole. */
			if (strcmp(s, e) == 0)
				continue;
			while (*s == ' ' || *s == '\t')
				s++;
			if (strcmp(s, e) == 0)
				continue;
			if (*e == '\0' && strncmp(s, "--", 2) == 0)
				continue;
			fail_msg("%s:%d: embedded as \"%s\", source \"%s\"",
			    m->file, line, e, s);
		}
		free(src);
		free(emb);
	}
	/* The point of it: the copies are smaller. */
	assert_true(shorter > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
