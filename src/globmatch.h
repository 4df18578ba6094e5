/* fnmatch(3)'s pattern language (flags 0, C locale), compiled once and matched in bounded time. */
#ifndef HOTPLUG2_GLOBMATCH_H
#define HOTPLUG2_GLOBMATCH_H

#include <stddef.h>

/* Program bytes one pattern byte can need at most: a bracket "[a]" becomes 33. */
#define GLOBMATCH_GROWTH	11

/*
 * Compile the pattern p (n bytes, no NUL) into prog, which has room for
 * GLOBMATCH_GROWTH * n + 1 bytes.  Returns the program's length, or -1 when
 * the pattern uses bracket syntax whose meaning glibc's fnmatch() makes
 * depend on the environment or on its parser's corners ('^', '[' or '\\'
 * inside brackets, ']' first, an unterminated bracket): such a pattern is
 * left to fnmatch().
 */
long	globmatch_compile(const char *p, size_t n, unsigned char *prog);

/*
 * Whether prog (plen bytes) matches all n bytes of s, exactly as
 * fnmatch(pattern, s, 0) would.  Greedy placement of the fixed-length
 * pieces between stars makes the cost at most (pattern length) x n byte
 * comparisons; *steps is increased by the comparisons made, and once it
 * passes limit the answer is 0 (the caller then gives up).
 */
int	globmatch(const unsigned char *prog, size_t plen, const char *s,
	    size_t n, unsigned long *steps, unsigned long limit);

/*
 * The two halves of globmatch(), for callers that match one program from
 * many starts of the same s.  globmatch_head() matches the elements
 * before the program's first star at the start of s: the bytes they take,
 * or -1; *rest is set to the offset of that star in prog (plen if there
 * is none, and then the match needs exactly n bytes).
 */
long	globmatch_head(const unsigned char *prog, size_t plen, const char *s,
	    size_t n, size_t *rest, unsigned long *steps);

/*
 * For prog's elements from rest, a star first: the largest c such that
 * they match s[c..n), or -1 when they match no suffix.  Then prog matches
 * s from i exactly when its head takes h bytes there and i + h <= c.
 * Costs at most (pattern length) x n comparisons, once per s; -1 once
 * *steps passes limit.
 */
long	globmatch_latest(const unsigned char *prog, size_t plen, size_t rest,
	    const char *s, size_t n, unsigned long *steps, unsigned long limit);

#endif
