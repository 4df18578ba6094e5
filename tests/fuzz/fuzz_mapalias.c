/* libFuzzer target: the 2.4 map-line parser; every pattern it makes must be one modules.alias accepts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "log.h"
#include "mapalias.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static int	emitted;

/* "alias PATTERN MODULE", as hotplug2-mkalias writes it, must index cleanly. */
static void
check(const char *pattern, const char *module, void *arg)
{
	struct alias_index	*idx;
	struct alias_stats	 st;
	char			 line[3 * ALIAS_MAX];
	int			 n;

	(void)arg;
	emitted++;
	if (*pattern == '\0' || *module == '\0' ||
	    strpbrk(pattern, " \t\n") != NULL || strpbrk(module, " \t\n") != NULL)
		abort();
	n = snprintf(line, sizeof(line), "alias %s %s\n", pattern, module);
	if (n < 0 || (size_t)n >= sizeof(line))
		abort();
	if ((idx = alias_parse(line, (size_t)n, "mapalias")) == NULL)
		return;
	alias_stats(idx, &st);
	if (st.patterns != 1 || st.malformed != 0)
		abort();
	alias_free(idx);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_mapalias", 1, 0);
	return 0;
}

/* The first byte picks the map file and the word size; the rest is the line. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*why;
	char		*line;
	int		 r;

	if (size < 1)
		return 0;
	if ((line = malloc(size)) == NULL)
		return 0;
	memcpy(line, data + 1, size - 1);
	line[size - 1] = '\0';
	emitted = 0;
	why = NULL;
	r = mapalias_line((enum mapalias_type)((data[0] & 0x7f) % MAPALIAS_NTYPES), line,
	    data[0] & 0x80 ? 64 : 32, check, NULL, &why);
	if ((r >= 0 && r != emitted) || (r == -1 && why == NULL))
		abort();
	free(line);
	return 0;
}
