/* Hostile modules.alias files and MODALIAS strings made to defeat the matcher: prints each lookup's worst time and steps. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alias.h"
#include "log.h"

/*
 * usage: alias-hostile [-s] [-b FACTOR] [-o DIR] [-t SHAPE] [MODULES_ALIAS]
 *   -s		small sizes, for the test suite
 *   -t SHAPE	only that shape (issue, stars, questions, ...)
 *   -b FACTOR	fail (exit 1) when a lookup takes more than FACTOR x
 *		(query length + 1) x (file bytes + trie nodes) steps
 *   -o DIR	also write each generated file to DIR/SHAPE.alias
 *   MODULES_ALIAS  a real file the "issue" shape appends its lines to
 *
 * Steps come from alias_lookup_steps(); an older matcher without it is
 * timed only (the symbol is weak), which is how the figures before the
 * bound were taken.
 */
unsigned long	alias_lookup_steps(void) __attribute__((weak));

struct buf {
	char	*s;
	size_t	 n, cap;
};

static void
put(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (b->s == NULL && (b->s = malloc(b->cap = 4096)) == NULL)
		abort();
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (n < 0)
			abort();
		if ((size_t)n < b->cap - b->n)
			break;
		b->cap = 2 * b->cap + (size_t)n + 1;
		if ((b->s = realloc(b->s, b->cap)) == NULL)
			abort();
	}
	b->n += (size_t)n;
}

static void
put_rep(struct buf *b, const char *s, size_t times)
{
	while (times-- > 0)
		put(b, "%s", s);
}

static uint32_t	seed = 12345;

static uint32_t
rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

/* A keyboard's MODALIAS: a long key list, as the issue's 3,244-byte one. */
static void
keyboard(struct buf *q, size_t len)
{
	unsigned int	 k;

	put(q, "input:b0011v0001p0001eAB41-e0,1,4,11,14,k");
	for (k = 1; q->n + 24 < len; k++)
		put(q, "%X,", k);
	put(q, "ram4,l0,1,2,sfw");
}

/*
 * Each shape writes lines (about n of them) into f.  Patterns stay under
 * ALIAS_MAX bytes.
 */
static void
shape_issue(struct buf *f, size_t n)
{
	size_t	 k;

	char	 star[4];

	/* Sixteen chains of star edges, more than a memo of 128 could keep. */
	for (k = 0; k < (n < 120 ? n : 120); k++) {
		snprintf(star, sizeof(star), "*%X,", (unsigned int)(k % 16));
		put(f, "alias input:");
		put_rep(f, star, 20 + k % 100);
		put(f, "*Z hostile%zu\n", k);
	}
}

static void
shape_stars(struct buf *f, size_t n)
{
	size_t	 k;

	for (k = 0; k < n; k++) {
		put(f, "alias ");
		put_rep(f, "*a", 1 + k % 200);
		put(f, "*%c m%zu\n", k % 2 ? 'b' : 'Z', k % 1000);
	}
}

static void
shape_questions(struct buf *f, size_t n)
{
	size_t	 k, j;

	for (k = 0; k < n; k++) {
		put(f, "alias *");
		for (j = 0; j < 17; j++)
			put(f, "%c", (k >> j) & 1 ? '?' : 'a');
		put(f, "*b m%zu\n", k % 1000);
	}
}

static void
shape_brackets(struct buf *f, size_t n)
{
	size_t	 k;

	for (k = 0; k < n; k++) {
		switch (k % 4) {
		case 0:
			put(f, "alias *[a]*");
			put_rep(f, "a", 1 + k % 2000);
			put(f, "b m%zu\n", k % 1000);
			break;
		case 1:
			put(f, "alias *[ab]");
			put_rep(f, "*[a-c]?", 1 + k % 400);
			put(f, "*b m%zu\n", k % 1000);
			break;
		case 2:
			put(f, "alias [!b]*");
			put_rep(f, "a?", 1 + k % 900);
			put(f, "Z m%zu\n", k % 1000);
			break;
		default:
			put(f, "alias x*[a]");
			put_rep(f, "*a", 1 + k % 300);
			put(f, "\\* m%zu\n", k % 1000);
			break;
		}
	}
}

static void
shape_prefixes(struct buf *f, size_t n)
{
	size_t	 k;

	for (k = 0; k < n; k++) {
		put(f, "alias ");
		put_rep(f, "a", 1000 + k % 7);
		put(f, "*%c", "a?b*"[k % 4]);
		put_rep(f, "a*", k % 50);
		put(f, "%zu m%zu\n", k, k % 1000);
	}
}

static void
shape_random(struct buf *f, size_t n)
{
	static const char	*atoms[] = { "a", "b", "?", "*", "[ab]", "[!a]",
	    "a*", "*a", "ab", "-", "_" };
	size_t			 k, j, len;

	for (k = 0; k < n; k++) {
		put(f, "alias ");
		len = 1 + rnd() % 60;
		for (j = 0; j < len; j++)
			put(f, "%s", atoms[rnd() % (sizeof(atoms) / sizeof(atoms[0]))]);
		put(f, " m%zu\n", k % 1000);
	}
}

struct shape {
	const char	*name;
	void		(*make)(struct buf *, size_t);
};

static const struct shape	shapes[] = {
	{ "issue", shape_issue },
	{ "stars", shape_stars },
	{ "questions", shape_questions },
	{ "brackets", shape_brackets },
	{ "prefixes", shape_prefixes },
	{ "random", shape_random },
};

/* Queries made to keep every pattern alive as long as possible. */
static void
make_query(struct buf *q, int kind, size_t len)
{
	size_t	 k;

	q->n = 0;
	put(q, "%s", "");
	switch (kind) {
	case 0:
		keyboard(q, len);
		break;
	case 1:
		put_rep(q, "a", len);
		break;
	case 2:
		put_rep(q, "a", len - 1);
		put(q, "b");
		break;
	case 3:
		for (k = 0; k < len; k++)
			put(q, "%c", "ab"[rnd() % 8 == 0]);
		break;
	default:
		for (k = 0; k < len; k++)
			put(q, "%c", ",*a"[rnd() % 3]);
		break;
	}
}

#define NQUERIES	5

static double
now(void)
{
	struct timespec	 ts;

	/* CPU time: other work on the machine does not inflate it. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct alias_index	*idx;
	struct alias_stats	 st;
	struct buf		 f = { NULL, 0, 0 }, q = { NULL, 0, 0 };
	const char		*outdir = NULL, *real = NULL, *only = NULL;
	double			 factor = 0, t, dt, worst_all = 0, ratio, worst_ratio = 0;
	unsigned long		 steps, worst_steps;
	size_t			 s, k, lines, qlen, base = 0;
	char			 path[4096];
	FILE			*fp;
	int			 small = 0, c, failed = 0, r, refused;

	while ((c = getopt(argc, argv, "b:o:st:")) != -1) {
		switch (c) {
		case 'b':
			factor = atof(optarg);
			break;
		case 'o':
			outdir = optarg;
			break;
		case 's':
			small = 1;
			break;
		case 't':
			only = optarg;
			break;
		default:
			fprintf(stderr, "usage: alias-hostile [-s] [-b FACTOR] "
			    "[-o DIR] [-t SHAPE] [MODULES_ALIAS]\n");
			return 2;
		}
	}
	if (optind < argc)
		real = argv[optind];
	log_init("alias-hostile", 1, 0);
	lines = small ? 300 : 100000;
	qlen = small ? 1024 : 8192;
	if (real != NULL) {
		if ((fp = fopen(real, "r")) == NULL) {
			perror(real);
			return 2;
		}
		f.cap = 1 << 20;
		if ((f.s = malloc(f.cap)) == NULL)
			abort();
		while ((r = fgetc(fp)) != EOF) {
			if (f.n + 1 >= f.cap && (f.s = realloc(f.s,
			    f.cap *= 2)) == NULL)
				abort();
			f.s[f.n++] = (char)r;
		}
		fclose(fp);
		base = f.n;
	}
	printf("%-10s %7s %9s %6s %13s %14s %12s %8s\n", "shape", "lines",
	    "bytes", "query", "worst_cpu_us", "worst_steps", "steps/bound",
	    "gave_up");
	for (s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
		if (only != NULL && strcmp(only, shapes[s].name) != 0)
			continue;
		/* Only the issue's shape goes on top of the real file. */
		f.n = s == 0 ? base : 0;
		put(&f, "%s", "");
		shapes[s].make(&f, lines);
		if (outdir != NULL) {
			snprintf(path, sizeof(path), "%s/%s.alias", outdir,
			    shapes[s].name);
			if ((fp = fopen(path, "w")) == NULL ||
			    fwrite(f.s, 1, f.n, fp) != f.n || fclose(fp) != 0) {
				perror(path);
				return 2;
			}
		}
		if ((idx = alias_parse(f.s, f.n, shapes[s].name)) == NULL) {
			perror("alias_parse");
			return 2;
		}
		alias_stats(idx, &st);
		dt = 0;
		refused = 0;
		worst_steps = 0;
		ratio = 0;
		for (k = 0; k < NQUERIES; k++) {
			make_query(&q, (int)k, qlen);
			t = now();
			r = alias_lookup(idx, q.s, NULL, NULL);
			t = now() - t;
			if (r == -1 && errno == ETIME)
				refused++;
			if (t > dt)
				dt = t;
			if (alias_lookup_steps == NULL)
				continue;
			steps = alias_lookup_steps();
			if (steps > worst_steps)
				worst_steps = steps;
			/* kmod and the matcher read at most ALIAS_MAX - 1 query bytes. */
			t = (double)steps / ((double)((q.n < ALIAS_MAX ? q.n :
			    ALIAS_MAX - 1) + 1) * (double)(f.n + st.nodes));
			if (t > ratio)
				ratio = t;
			if (factor > 0 && t > factor) {
				printf("%s: query %zu took %lu steps, over %g x "
				    "(query + 1) x (file + nodes)\n",
				    shapes[s].name, k, steps, factor);
				failed = 1;
			}
		}
		printf("%-10s %7zu %9zu %6zu %13.1f %14lu %12.4f %6d/%d\n",
		    shapes[s].name, st.patterns, f.n, qlen, dt * 1e6, worst_steps,
		    ratio, refused, NQUERIES);
		fflush(stdout);
		if (dt > worst_all)
			worst_all = dt;
		if (ratio > worst_ratio)
			worst_ratio = ratio;
		alias_free(idx);
	}
	printf("worst lookup: %.1f us of CPU; worst steps / ((query + 1) x (file + "
	    "nodes)): %.4f\n", worst_all * 1e6, worst_ratio);
	free(f.s);
	free(q.s);
	return failed;
}
