/* fnmatch(3)'s pattern language (flags 0, C locale), compiled once and matched in bounded time. */
#include <stdlib.h>
#include <string.h>

#include "globmatch.h"

/*
 * A program is a sequence of elements, each an opcode byte and its
 * operand.  Every element but OP_STAR matches exactly one byte, so the
 * pieces between stars have a fixed length; placing each piece at its
 * leftmost fit after the previous one finds a match whenever one exists.
 * glibc's fnmatch() does the same since 2.x, but compares from scratch at
 * every start and re-parses brackets each time; a compiled set is one
 * bit test.
 */
#define OP_LIT		1	/* one byte: the byte that follows */
#define OP_ANY		2	/* '?' */
#define OP_SET		3	/* a bracket: a 256-bit map follows */
#define OP_STAR		4	/* a run of '*' */
#define OP_FAIL		5	/* a trailing backslash: never matches */

#define SET_BYTES	32

static size_t
elem_len(unsigned char op)
{
	switch (op) {
	case OP_LIT:
		return 2;
	case OP_SET:
		return 1 + SET_BYTES;
	default:
		return 1;
	}
}

static int
elem_match(const unsigned char *e, unsigned char c)
{
	switch (e[0]) {
	case OP_LIT:
		return e[1] == c;
	case OP_ANY:
		return 1;
	case OP_SET:
		return e[1 + c / 8] >> (c % 8) & 1;
	default:
		return 0;
	}
}

/*
 * The bracket whose members start at p[i] (after the '['): its map in
 * set, and the index just past its ']', or 0 when it is not one of the
 * plain forms whose meaning is the same in every glibc and environment.
 */
static size_t
bracket(const char *p, size_t n, size_t i, unsigned char *set)
{
	unsigned char	 lo, hi;
	size_t		 c, k;
	int		 negate = 0;

	memset(set, 0, SET_BYTES);
	if (i < n && p[i] == '!') {
		negate = 1;
		i++;
	}
	/* '^' negates unless POSIXLY_CORRECT is set; ']' first is a member. */
	if (i == n || p[i] == '^' || p[i] == ']')
		return 0;
	for (;;) {
		if (i == n || p[i] == '[' || p[i] == '\\')
			return 0;
		if (p[i] == ']')
			break;
		lo = hi = (unsigned char)p[i];
		if (i + 2 < n && p[i + 1] == '-' && p[i + 2] != ']') {
			if (p[i + 2] == '[' || p[i + 2] == '\\')
				return 0;
			hi = (unsigned char)p[i + 2];
			i += 3;
		} else
			i++;
		/* A range from high to low holds nothing, as in glibc. */
		for (c = lo; c <= hi; c++)
			set[c / 8] |= (unsigned char)(1u << (c % 8));
	}
	if (negate)
		for (k = 0; k < SET_BYTES; k++)
			set[k] = (unsigned char)~set[k];
	return i + 1;
}

long
globmatch_compile(const char *p, size_t n, unsigned char *prog)
{
	unsigned char	 set[SET_BYTES];
	size_t		 i = 0, out = 0, end;
	int		 star = 0;	/* the last element is a star */

	while (i < n) {
		if (p[i] != '*')
			star = 0;
		switch (p[i]) {
		case '?':
			prog[out++] = OP_ANY;
			i++;
			break;
		case '*':
			if (!star)
				prog[out++] = OP_STAR;
			star = 1;
			i++;
			break;
		case '\\':
			if (i + 1 == n) {
				prog[0] = OP_FAIL;
				return 1;
			}
			prog[out++] = OP_LIT;
			prog[out++] = (unsigned char)p[i + 1];
			i += 2;
			break;
		case '[':
			/* Built aside: "[]" is too short to pay for its map. */
			if ((end = bracket(p, n, i + 1, set)) == 0)
				return -1;
			prog[out] = OP_SET;
			memcpy(prog + out + 1, set, SET_BYTES);
			out += 1 + SET_BYTES;
			i = end;
			break;
		default:
			prog[out++] = OP_LIT;
			prog[out++] = (unsigned char)p[i];
			i++;
			break;
		}
	}
	return (long)out;
}

/* Whether the cnt elements at e match s from its start. */
static int
piece_at(const unsigned char *e, size_t cnt, const unsigned char *s,
    unsigned long *steps)
{
	size_t	 k;

	for (k = 0; k < cnt; k++, e += elem_len(e[0])) {
		++*steps;
		if (!elem_match(e, s[k]))
			return 0;
	}
	return 1;
}

int
globmatch(const unsigned char *prog, size_t plen, const char *str, size_t n,
    unsigned long *steps, unsigned long limit)
{
	const unsigned char	*s = (const unsigned char *)str, *e, *first;
	size_t			 k = 0, pos = 0, cnt, start, p, last;

	if (plen > 0 && prog[0] == OP_FAIL)
		return 0;
	/* The piece before the first star is anchored at the start. */
	for (; k < plen && prog[k] != OP_STAR; k += elem_len(prog[k])) {
		++*steps;
		if (pos == n || !elem_match(prog + k, s[pos]))
			return 0;
		pos++;
	}
	if (k == plen)
		return pos == n;
	while (k < plen) {
		/* prog[k] is a star; the piece after it runs to the next. */
		start = ++k;
		for (cnt = 0; k < plen && prog[k] != OP_STAR;
		    k += elem_len(prog[k]))
			cnt++;
		if (n - pos < cnt)
			return 0;
		first = prog + start;
		if (k == plen)
			/* The last piece is anchored at the end. */
			return piece_at(first, cnt, s + n - cnt, steps);
		if (cnt == 0)
			continue;
		/* Leftmost fit; leaving more of s to the rest loses nothing. */
		last = n - cnt;
		for (p = pos; p <= last; p++) {
			if (*steps > limit)
				return 0;
			if (first[0] == OP_LIT) {
				e = memchr(s + p, first[1], last - p + 1);
				if (e == NULL)
					return 0;
				*steps += (size_t)(e - (s + p)) / 16 + 1;
				p = (size_t)(e - s);
			}
			if (piece_at(first, cnt, s + p, steps))
				break;
		}
		if (p > last)
			return 0;
		pos = p + cnt;
	}
	return 1;
}

long
globmatch_head(const unsigned char *prog, size_t plen, const char *str,
    size_t n, size_t *rest, unsigned long *steps)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 k = 0, pos = 0;

	*rest = plen;
	if (plen > 0 && prog[0] == OP_FAIL)
		return -1;
	for (; k < plen && prog[k] != OP_STAR; k += elem_len(prog[k])) {
		++*steps;
		if (pos == n || !elem_match(prog + k, s[pos]))
			return -1;
		pos++;
	}
	*rest = k;
	return (long)pos;
}

#define PIECES_LOCAL	64

long
globmatch_latest(const unsigned char *prog, size_t plen, size_t rest,
    const char *str, size_t n, unsigned long *steps, unsigned long limit)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 local[2 * PIECES_LOCAL], *piece = local;
	size_t			 npieces = 0, cap = PIECES_LOCAL, k, cnt, j, end;
	size_t			*np;
	long			 p, result = -1;

	/* The pieces after each star: their program offsets and lengths. */
	for (k = rest; k < plen; ) {
		k++;
		if (npieces == cap) {
			if ((np = malloc(4 * cap * sizeof(*np))) == NULL)
				goto done;
			memcpy(np, piece, 2 * cap * sizeof(*np));
			if (piece != local)
				free(piece);
			piece = np;
			cap *= 2;
		}
		piece[2 * npieces] = k;
		for (cnt = 0; k < plen && prog[k] != OP_STAR;
		    k += elem_len(prog[k]))
			cnt++;
		piece[2 * npieces + 1] = cnt;
		npieces++;
	}
	/*
	 * The last piece is anchored at the end; every other one goes to its
	 * rightmost fit before the next, which leaves the most room before.
	 */
	end = n;
	for (j = npieces; j-- > 0; ) {
		cnt = piece[2 * j + 1];
		if (end < cnt)
			goto done;
		for (p = (long)(end - cnt); p >= 0; p--) {
			if (*steps > limit)
				goto done;
			if (piece_at(prog + piece[2 * j], cnt, s + p, steps))
				break;
			if (j == npieces - 1) {
				p = -1;
				break;
			}
		}
		if (p < 0)
			goto done;
		end = (size_t)p;
	}
	result = (long)end;
done:
	if (piece != local)
		free(piece);
	return result;
}
