/* How malloc serves a daemon that lives for years: big blocks go back to the system. */
#ifndef HOTPLUG2_HEAP_H
#define HOTPLUG2_HEAP_H

/*
 * Blocks of this size or more are mapped on their own and unmapped when
 * freed (glibc's initial threshold, held fixed).
 */
#define HEAP_MMAP_MIN	(128 * 1024)

/* Before the first large allocation: fix the threshold above. */
void	heap_init(void);

/* Give the free memory of the heap back to the system (startup's, once). */
void	heap_trim(void);

#endif
