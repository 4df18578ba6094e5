/* libFuzzer target: modules.alias parsing and lookups against kmod's rule written plainly with fnmatch. */
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "log.h"
#include "../tools/kmod_ref.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

#define LINES_MAX	64	/* patterns the reference compares */
#define TEXT_MAX	4096



static int
blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

struct ref {
	char	 pattern[LINES_MAX][ALIAS_MAX];	/* normalized */
	char	 module[LINES_MAX][64];
	int	 valid[LINES_MAX];		/* kmod keeps the line */
	int	 n;
};

static struct ref	ref;

/* The alias lines of text as kmod reads them: "alias PATTERN MODULE", nothing more. */
static int
ref_parse(char *text)
{
	char	*line, *save, *w[4], *sw;
	int	 nw;

	ref.n = 0;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		for (nw = 0, sw = line; nw < 4 && *sw != '\0'; nw++) {
			while (blank(*sw))
				sw++;
			if (*sw == '\0')
				break;
			w[nw] = sw;
			while (*sw != '\0' && !blank(*sw))
				sw++;
			if (*sw != '\0')
				*sw++ = '\0';
		}
		if (nw != 3 || strcmp(w[0], "alias") != 0)
			continue;
		if (strlen(w[1]) >= ALIAS_MAX || strlen(w[2]) >= 64)
			return -1;
		if (ref.n == LINES_MAX)
			return -1;
		strcpy(ref.pattern[ref.n], w[1]);
		ref.valid[ref.n] = kmod_ref_normalize(ref.pattern[ref.n]) == 0;
		strcpy(ref.module[ref.n], w[2]);
		ref.n++;
	}
	return 0;
}

struct got {
	const char	*module[LINES_MAX + 1];
	int		 n;
};

static void
collect(const char *module, void *arg)
{
	struct got	*g = arg;

	if (g->n == LINES_MAX)
		abort();
	g->module[g->n++] = module;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_alias", 1, 0);
	return 0;
}

/*
 * The file is everything before the first NUL; each NUL-separated string
 * after it is a query.  Each query must give exactly the modules of the
 * lines that match it, each once, in the order of their first line.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char		 text[TEXT_MAX + 1], query[ALIAS_MAX];
	struct alias_index	*idx;
	struct got		 got;
	const uint8_t		*nul, *q, *end = data + size;
	size_t			 tlen, qlen;
	int			 i, k, n, want, seen, matched, qvalid;

	nul = memchr(data, '\0', size);
	tlen = nul == NULL ? size : (size_t)(nul - data);
	if (tlen > TEXT_MAX)
		return 0;
	if ((idx = alias_parse((const char *)data, tlen, "fuzz")) == NULL)
		return 0;
	memcpy(text, data, tlen);
	text[tlen] = '\0';
	if (ref_parse(text) == -1 || nul == NULL) {
		alias_free(idx);
		return 0;
	}
	for (q = nul + 1; q <= end; q += qlen + 1) {
		const uint8_t	*qe = memchr(q, '\0', (size_t)(end - q));

		qlen = qe == NULL ? (size_t)(end - q) : (size_t)(qe - q);
		if (qlen >= ALIAS_MAX)
			break;
		memcpy(query, q, qlen);
		query[qlen] = '\0';
		got.n = 0;
		n = alias_lookup(idx, query, collect, &got);
		/* Giving up is allowed only past the budget, and says nothing. */
		if (n == -1) {
			if (errno != ETIME || got.n != 0 ||
			    alias_lookup_steps() <= ALIAS_STEPS_MAX)
				abort();
			if (qe == NULL)
				break;
			continue;
		}
		/* A query kmod cannot normalize matches nothing. */
		if (kmod_ref_normalize(query) == -1)
			query[0] = '\0', qvalid = 0;
		else
			qvalid = 1;
		if (n != got.n)
			abort();
		/*
		 * Modules come in the order of the first line that names
		 * them (a line kmod keeps), each once if any of its lines
		 * matches.
		 */
		k = 0;
		for (i = 0; i < ref.n; i++) {
			if (!ref.valid[i])
				continue;
			for (seen = 0, want = 0; want < i && !seen; want++)
				seen = ref.valid[want] &&
				    strcmp(ref.module[want], ref.module[i]) == 0;
			if (seen)
				continue;
			for (matched = 0, want = i; want < ref.n && !matched;
			    want++)
				matched = qvalid && ref.valid[want] &&
				    strcmp(ref.module[want], ref.module[i]) == 0 &&
				    kmod_ref_match(ref.pattern[want], query);
			if (!matched)
				continue;
			if (k >= got.n || strcmp(got.module[k], ref.module[i]) != 0) {
				fprintf(stderr, "query \"%s\": module %s missing "
				    "or out of order\n", query, ref.module[i]);
				abort();
			}
			k++;
		}
		if (k != got.n) {
			fprintf(stderr, "query \"%s\": %s returned, no line "
			    "matches\n", query, got.module[k]);
			abort();
		}
		if (qe == NULL)
			break;
	}
	alias_free(idx);
	return 0;
}
