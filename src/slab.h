/* Small blocks for the Lua state, without malloc's header on each: Lua gives back every block's size. */
#ifndef HOTPLUG2_SLAB_H
#define HOTPLUG2_SLAB_H

#include <stddef.h>

/*
 * Under AddressSanitizer every block is malloc's own (SLAB_BYPASS), so
 * that an overrun of a small userdata is still caught at its end.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SLAB_BYPASS	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLAB_BYPASS	1
#endif
#endif

/* Blocks up to this size come from the slab; larger ones from malloc. */
#define SLAB_MAX	256
/* The slab grows by chunks of this size, kept until slab_release(). */
#define SLAB_CHUNK	(16 * 1024)

struct slab {
	void	*free[SLAB_MAX / 8];	/* per 8-byte size class */
	char	*next, *end;		/* what is left of the newest chunk */
	void	*chunks;		/* every chunk, linked by its first word */
	size_t	 held;			/* bytes of chunks */
};

/*
 * A lua_Alloc without its state argument: osize must be the size the
 * block was asked for (Lua 5.1 and LuaJIT pass it), 0 for a new block.
 * nsize 0 frees; a shrink never fails.
 */
void	*slab_realloc(struct slab *sl, void *ptr, size_t osize, size_t nsize);

/* Give every chunk back; the slab is empty and usable again. */
void	 slab_release(struct slab *sl);

#endif
