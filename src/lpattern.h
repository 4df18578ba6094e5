/* A Lua 5.1 pattern matcher whose work is counted and whose recursion is bounded, for handlers' string functions. */
#ifndef HOTPLUG2_LPATTERN_H
#define HOTPLUG2_LPATTERN_H

#include <stddef.h>

#define LPATTERN_MAXCAPTURES	32	/* Lua 5.1's LUA_MAXCAPTURES */
/*
 * Nesting of the matcher's recursion.  Every nested call consumes at
 * least one byte of the pattern, so a pattern shorter than this always
 * behaves as in Lua 5.1; a longer one may be refused as too complex
 * instead of overflowing the C stack.
 */
#define LPATTERN_MAXDEPTH	1000
/* Steps between two calls of the tick function. */
#define LPATTERN_TICK		4096

#define LPATTERN_CAP_UNFINISHED	(-1)
#define LPATTERN_CAP_POSITION	(-2)

enum lpattern_error {
	LPATTERN_OK = 0,
	LPATTERN_EENDS_ESC,	/* malformed pattern (ends with '%') */
	LPATTERN_EMISSING_BRACKET, /* malformed pattern (missing ']') */
	LPATTERN_EFRONTIER,	/* missing '[' after '%f' in pattern */
	LPATTERN_EBALANCE,	/* unbalanced pattern */
	LPATTERN_ECAPINDEX,	/* invalid capture index */
	LPATTERN_ECAPCLOSE,	/* invalid pattern capture */
	LPATTERN_ECAPMANY,	/* too many captures */
	LPATTERN_ECOMPLEX,	/* pattern too complex */
	LPATTERN_EABORT		/* the tick function said stop */
};

struct lpattern_capture {
	const char	*init;
	ptrdiff_t	 len;		/* or LPATTERN_CAP_* */
};

/*
 * One match in progress.  The subject is src_init..src_end and must be
 * followed by a NUL byte, as Lua strings are (Lua 5.1 reads it for %f
 * and %b at the end).  Patterns end at their first NUL byte, as in 5.1.
 */
struct lpattern {
	const char		*src_init;
	const char		*src_end;
	int			 level;
	int			 depth;
	int			 error;		/* enum lpattern_error */
	unsigned int		 steps;		/* since the last tick */
	int			(*tick)(void *);	/* nonzero: abort */
	void			*tick_arg;
	struct lpattern_capture	 capture[LPATTERN_MAXCAPTURES];
};

/* Set up ms for subject s of length len; tick may be NULL. */
void		 lpattern_init(struct lpattern *ms, const char *s, size_t len,
		    int (*tick)(void *), void *tick_arg);

/*
 * Match pattern p at s exactly as Lua 5.1's match() does: returns the
 * end of the match, or NULL with ms->error set (LPATTERN_OK when the
 * pattern just does not match there).  ms->level counts the captures.
 */
const char	*lpattern_exec(struct lpattern *ms, const char *s,
		    const char *p);

/*
 * Lua 5.1's plain search (lmemfind), counting its work: the first
 * occurrence of p[0..lp) in s[0..ls), or NULL (with ms->error set when
 * aborted).
 */
const char	*lpattern_memfind(struct lpattern *ms, const char *s,
		    size_t ls, const char *p, size_t lp);

/* The message Lua 5.1 gives for an error (without "file:line: "). */
const char	*lpattern_strerror(int error);

#endif
