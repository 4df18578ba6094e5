/* A Lua 5.1 pattern matcher whose work is counted and whose recursion is bounded, for handlers' string functions. */
#include <ctype.h>
#include <string.h>

#include "lpattern.h"

#define L_ESC		'%'
#define uchar(c)	((unsigned char)(c))

static const char *const messages[] = {
	[LPATTERN_OK] = "no error",
	[LPATTERN_EENDS_ESC] = "malformed pattern (ends with '%')",
	[LPATTERN_EMISSING_BRACKET] = "malformed pattern (missing ']')",
	[LPATTERN_EFRONTIER] = "missing '[' after '%f' in pattern",
	[LPATTERN_EBALANCE] = "unbalanced pattern",
	[LPATTERN_ECAPINDEX] = "invalid capture index",
	[LPATTERN_ECAPCLOSE] = "invalid pattern capture",
	[LPATTERN_ECAPMANY] = "too many captures",
	[LPATTERN_ECOMPLEX] = "pattern too complex",
	[LPATTERN_EABORT] = "aborted",
};

const char *
lpattern_strerror(int error)
{
	if (error < 0 || error > LPATTERN_EABORT)
		return "unknown pattern error";
	return messages[error];
}

void
lpattern_init(struct lpattern *ms, const char *s, size_t len,
    int (*tick)(void *), void *tick_arg)
{
	ms->src_init = s;
	ms->src_end = s + len;
	ms->level = 0;
	ms->depth = 0;
	ms->error = LPATTERN_OK;
	ms->steps = 0;
	ms->tick = tick;
	ms->tick_arg = tick_arg;
}

/*
 * Count n steps of work.  Every loop of the matcher pays here, so the
 * tick function sees time pass however the pattern spends it.  Returns
 * -1 once the tick function asked to stop.
 */
static int
charge(struct lpattern *ms, size_t n)
{
	if (ms->error != LPATTERN_OK)
		return -1;
	if (n < LPATTERN_TICK - ms->steps) {
		ms->steps += (unsigned int)n;
		return 0;
	}
	ms->steps = 0;
	if (ms->tick != NULL && ms->tick(ms->tick_arg) != 0) {
		ms->error = LPATTERN_EABORT;
		return -1;
	}
	return 0;
}

static const char *
fail(struct lpattern *ms, int error)
{
	ms->error = error;
	return NULL;
}

/* The end of the single-character class starting at p, or NULL on error. */
static const char *
class_end(struct lpattern *ms, const char *p)
{
	switch (*p++) {
	case L_ESC:
		if (*p == '\0')
			return fail(ms, LPATTERN_EENDS_ESC);
		return p + 1;
	case '[':
		if (*p == '^')
			p++;
		/* The first character is in the set even when it is ']'. */
		do {
			if (*p == '\0')
				return fail(ms, LPATTERN_EMISSING_BRACKET);
			if (*(p++) == L_ESC && *p != '\0')
				p++;
		} while (*p != ']');
		return p + 1;
	default:
		return p;
	}
}

static int
match_class(int c, int cl)
{
	int	 res;

	switch (tolower(cl)) {
	case 'a':
		res = isalpha(c);
		break;
	case 'c':
		res = iscntrl(c);
		break;
	case 'd':
		res = isdigit(c);
		break;
	case 'l':
		res = islower(c);
		break;
	case 'p':
		res = ispunct(c);
		break;
	case 's':
		res = isspace(c);
		break;
	case 'u':
		res = isupper(c);
		break;
	case 'w':
		res = isalnum(c);
		break;
	case 'x':
		res = isxdigit(c);
		break;
	case 'z':
		res = (c == 0);
		break;
	default:
		return cl == c;
	}
	if (isupper(cl))
		res = !res;
	return res;
}

/* p is the '[' of a set and ec its closing ']'. */
static int
match_bracket_class(int c, const char *p, const char *ec)
{
	int	 sig = 1;

	if (*(p + 1) == '^') {
		sig = 0;
		p++;
	}
	while (++p < ec) {
		if (*p == L_ESC) {
			p++;
			if (match_class(c, uchar(*p)))
				return sig;
		} else if (*(p + 1) == '-' && p + 2 < ec) {
			p += 2;
			if (uchar(*(p - 2)) <= c && c <= uchar(*p))
				return sig;
		} else if (uchar(*p) == c)
			return sig;
	}
	return !sig;
}

static int
single_match(int c, const char *p, const char *ep)
{
	switch (*p) {
	case '.':
		return 1;
	case L_ESC:
		return match_class(c, uchar(*(p + 1)));
	case '[':
		return match_bracket_class(c, p, ep - 1);
	default:
		return uchar(*p) == c;
	}
}

static const char	*do_match(struct lpattern *, const char *, const char *);

static const char *
match_balance(struct lpattern *ms, const char *s, const char *p)
{
	const char	*start = s;
	int		 b, e, cont = 1;

	if (*p == '\0' || *(p + 1) == '\0')
		return fail(ms, LPATTERN_EBALANCE);
	if (*s != *p)
		return NULL;
	b = *p;
	e = *(p + 1);
	while (++s < ms->src_end) {
		if (*s == e) {
			if (--cont == 0) {
				if (charge(ms, (size_t)(s - start)) == -1)
					return NULL;
				return s + 1;
			}
		} else if (*s == b)
			cont++;
	}
	charge(ms, (size_t)(s - start));
	return NULL;
}

static const char *
max_expand(struct lpattern *ms, const char *s, const char *p,
    const char *ep)
{
	const char	*res;
	ptrdiff_t	 i = 0;

	while (s + i < ms->src_end && single_match(uchar(*(s + i)), p, ep))
		i++;
	if (charge(ms, (size_t)i) == -1)
		return NULL;
	/* Try with the most repetitions, then one fewer, and so on. */
	while (i >= 0) {
		if ((res = do_match(ms, s + i, ep + 1)) != NULL)
			return res;
		if (ms->error != LPATTERN_OK)
			return NULL;
		i--;
	}
	return NULL;
}

static const char *
min_expand(struct lpattern *ms, const char *s, const char *p,
    const char *ep)
{
	const char	*res;

	for (;;) {
		if ((res = do_match(ms, s, ep + 1)) != NULL)
			return res;
		if (ms->error != LPATTERN_OK)
			return NULL;
		if (s < ms->src_end && single_match(uchar(*s), p, ep))
			s++;
		else
			return NULL;
	}
}

static const char *
start_capture(struct lpattern *ms, const char *s, const char *p, int what)
{
	const char	*res;
	int		 level = ms->level;

	if (level >= LPATTERN_MAXCAPTURES)
		return fail(ms, LPATTERN_ECAPMANY);
	ms->capture[level].init = s;
	ms->capture[level].len = what;
	ms->level = level + 1;
	if ((res = do_match(ms, s, p)) == NULL)
		ms->level--;
	return res;
}

static const char *
end_capture(struct lpattern *ms, const char *s, const char *p)
{
	const char	*res;
	int		 l;

	for (l = ms->level - 1; l >= 0; l--)
		if (ms->capture[l].len == LPATTERN_CAP_UNFINISHED)
			break;
	if (l < 0)
		return fail(ms, LPATTERN_ECAPCLOSE);
	ms->capture[l].len = s - ms->capture[l].init;
	if ((res = do_match(ms, s, p)) == NULL)
		ms->capture[l].len = LPATTERN_CAP_UNFINISHED;
	return res;
}

static const char *
match_capture(struct lpattern *ms, const char *s, int l)
{
	size_t	 len;

	l -= '1';
	if (l < 0 || l >= ms->level ||
	    ms->capture[l].len == LPATTERN_CAP_UNFINISHED)
		return fail(ms, LPATTERN_ECAPINDEX);
	len = (size_t)ms->capture[l].len;
	if (charge(ms, len) == -1)
		return NULL;
	if ((size_t)(ms->src_end - s) >= len &&
	    memcmp(ms->capture[l].init, s, len) == 0)
		return s + len;
	return NULL;
}

/*
 * Lua 5.1's match(), step for step: the same recursion at the same
 * places, so the same results and the same errors.  Each call counts
 * one step and one level of depth.
 */
static const char *
do_match(struct lpattern *ms, const char *s, const char *p)
{
	const char	*ep, *res;
	int		 m, prev;

	if (charge(ms, 1) == -1)
		return NULL;
	if (ms->depth >= LPATTERN_MAXDEPTH)
		return fail(ms, LPATTERN_ECOMPLEX);
	ms->depth++;
init:
	switch (*p) {
	case '(':
		if (*(p + 1) == ')')
			res = start_capture(ms, s, p + 2, LPATTERN_CAP_POSITION);
		else
			res = start_capture(ms, s, p + 1,
			    LPATTERN_CAP_UNFINISHED);
		goto out;
	case ')':
		res = end_capture(ms, s, p + 1);
		goto out;
	case L_ESC:
		switch (*(p + 1)) {
		case 'b':
			if ((s = match_balance(ms, s, p + 2)) == NULL) {
				res = NULL;
				goto out;
			}
			p += 4;
			goto init;
		case 'f':
			p += 2;
			if (*p != '[') {
				res = fail(ms, LPATTERN_EFRONTIER);
				goto out;
			}
			if ((ep = class_end(ms, p)) == NULL) {
				res = NULL;
				goto out;
			}
			prev = (s == ms->src_init) ? '\0' : uchar(*(s - 1));
			if (!match_bracket_class(prev, p, ep - 1) &&
			    match_bracket_class(uchar(*s), p, ep - 1)) {
				p = ep;
				goto init;
			}
			res = NULL;
			goto out;
		default:
			if (isdigit(uchar(*(p + 1)))) {
				if ((s = match_capture(ms, s, uchar(*(p + 1)))) ==
				    NULL) {
					res = NULL;
					goto out;
				}
				p += 2;
				goto init;
			}
			break;
		}
		break;
	case '\0':
		res = s;
		goto out;
	case '$':
		if (*(p + 1) == '\0') {
			res = (s == ms->src_end) ? s : NULL;
			goto out;
		}
		break;
	default:
		break;
	}
	/* A single-character class, maybe followed by a repetition. */
	if ((ep = class_end(ms, p)) == NULL) {
		res = NULL;
		goto out;
	}
	m = s < ms->src_end && single_match(uchar(*s), p, ep);
	switch (*ep) {
	case '?':
		if (m && (res = do_match(ms, s + 1, ep + 1)) != NULL)
			goto out;
		if (ms->error != LPATTERN_OK) {
			res = NULL;
			goto out;
		}
		p = ep + 1;
		goto init;
	case '*':
		res = max_expand(ms, s, p, ep);
		goto out;
	case '+':
		res = m ? max_expand(ms, s + 1, p, ep) : NULL;
		goto out;
	case '-':
		res = min_expand(ms, s, p, ep);
		goto out;
	default:
		if (!m) {
			res = NULL;
			goto out;
		}
		if (charge(ms, 1) == -1) {
			res = NULL;
			goto out;
		}
		s++;
		p = ep;
		goto init;
	}
out:
	ms->depth--;
	return res;
}

const char *
lpattern_exec(struct lpattern *ms, const char *s, const char *p)
{
	ms->level = 0;
	ms->depth = 0;
	return do_match(ms, s, p);
}

const char *
lpattern_memfind(struct lpattern *ms, const char *s, size_t ls,
    const char *p, size_t lp)
{
	const char	*init;

	if (lp == 0)
		return s;
	if (lp > ls)
		return NULL;
	/* The first byte is found by memchr, the rest compared. */
	lp--;
	ls -= lp;
	while (ls > 0 && (init = memchr(s, *p, ls)) != NULL) {
		init++;
		if (charge(ms, (size_t)(init - s) + lp) == -1)
			return NULL;
		if (memcmp(init, p + 1, lp) == 0)
			return init - 1;
		ls -= (size_t)(init - s);
		s = init;
	}
	return NULL;
}
