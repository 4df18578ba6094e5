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
 * comparisons; *steps is increased by the comparisons made.
 */
int	globmatch(const unsigned char *prog, size_t plen, const char *s,
	    size_t n, unsigned long *steps);

#endif
