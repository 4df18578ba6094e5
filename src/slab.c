/* Small blocks for the Lua state, without malloc's header on each: Lua gives back every block's size. */
#include <stdlib.h>
#include <string.h>

#include "slab.h"

/*
 * A Lua state is tens of thousands of small objects (strings, tables,
 * closures) of 20 to 100 bytes.  glibc's malloc gives each a header and
 * rounds it to 16 bytes, some 16 bytes a block: with the default scripts
 * that was 0.8 MB beside 0.8 MB of Lua data.  Since Lua passes a block's
 * size when it frees or resizes it, a block here needs no header: blocks
 * are carved from chunks in 8-byte classes and freed blocks wait on their
 * class's list, linked through their first word.  What the slab holds is
 * the most the state ever held of each class, which the collector keeps
 * near the live size; chunks go back only when the state is closed.
 */

#define CLASS(n)	(((n) + 7) / 8 - 1)
#define CLASS_SIZE(c)	(((size_t)(c) + 1) * 8)
/* The chunk's link, kept 16 bytes so blocks stay aligned for any type. */
#define CHUNK_HEAD	16

static void
put(struct slab *sl, void *p, size_t n)
{
	if (n > SLAB_MAX) {
		free(p);
		return;
	}
	*(void **)p = sl->free[CLASS(n)];
	sl->free[CLASS(n)] = p;
}

static void *
get(struct slab *sl, size_t n)
{
	size_t	 c, sz, left;
	char	*chunk, *p;

	if (n > SLAB_MAX)
		return malloc(n);
	c = CLASS(n);
	if ((p = sl->free[c]) != NULL) {
		sl->free[c] = *(void **)p;
		return p;
	}
	sz = CLASS_SIZE(c);
	if ((size_t)(sl->end - sl->next) < sz) {
		if ((chunk = malloc(SLAB_CHUNK)) == NULL)
			return NULL;
		/* What is left of the last chunk serves a smaller class. */
		if ((left = (size_t)(sl->end - sl->next)) >= 8)
			put(sl, sl->next, left - left % 8);
		*(void **)chunk = sl->chunks;
		sl->chunks = chunk;
		sl->held += SLAB_CHUNK;
		sl->next = chunk + CHUNK_HEAD;
		sl->end = chunk + SLAB_CHUNK;
	}
	p = sl->next;
	sl->next += sz;
	return p;
}

void *
slab_realloc(struct slab *sl, void *ptr, size_t osize, size_t nsize)
{
	void	*p;

#ifdef SLAB_BYPASS
	(void)sl;
	(void)osize;
	if (nsize == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, nsize);
#endif
	if (nsize == 0) {
		if (ptr != NULL)
			put(sl, ptr, osize);
		return NULL;
	}
	if (ptr == NULL)
		return get(sl, nsize);
	if (osize <= SLAB_MAX && nsize <= SLAB_MAX &&
	    CLASS(osize) == CLASS(nsize))
		return ptr;
	if (osize > SLAB_MAX && nsize > SLAB_MAX)
		return realloc(ptr, nsize);
	if ((p = get(sl, nsize)) == NULL)
		/*
		 * A shrink must not fail: keep the block, which is large
		 * enough.  Lua frees it as nsize bytes, so it joins that
		 * class (a malloc block then stays in the slab).
		 */
		return nsize < osize ? ptr : NULL;
	memcpy(p, ptr, osize < nsize ? osize : nsize);
	put(sl, ptr, osize);
	return p;
}

void
slab_release(struct slab *sl)
{
	void	*c, *n;

	for (c = sl->chunks; c != NULL; c = n) {
		n = *(void **)c;
		free(c);
	}
	memset(sl, 0, sizeof(*sl));
}
