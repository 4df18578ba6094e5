/* How malloc serves a daemon that lives for years: big blocks go back to the system. */
#include <stdlib.h>	/* defines __GLIBC__ under glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "heap.h"

/*
 * glibc raises its mmap threshold to the size of each mapped block that
 * is freed, up to 32 MiB.  The daemon frees one such block at startup,
 * the modules.alias file it indexed (1.3 MB for a distribution kernel's),
 * and from then on the queue's 64-slot chunks (0.5 MB) would come from
 * the arena, whose free space is never given back.  A fixed threshold
 * keeps them mapped, so a chunk freed when the queue empties is unmapped.
 * Other C libraries (musl) do so already.
 */
void
heap_init(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, HEAP_MMAP_MIN);
#endif
}

/*
 * Building the alias index and loading the scripts leave free space all
 * over the arena (the index's builder, the Lua compiler's buffers):
 * madvise it away, since the events need far less.  A no-op elsewhere.
 */
void
heap_trim(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}
