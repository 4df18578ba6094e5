/* A gzip member inflated into a caller's buffer: the Lua modules compiled in compressed (HOTPLUG2_EMBED_GZIP). */
#ifndef HOTPLUG2_INFLATE_H
#define HOTPLUG2_INFLATE_H

#include <stddef.h>

/* The uncompressed size a gzip member's trailer states (0 when too short). */
size_t	gzip_size(const unsigned char *gz, size_t len);

/*
 * Inflate the gzip member gz (len bytes) into out (max bytes); 0 with
 * *outlen set, or -1 when it is not a gzip member, is damaged (its CRC or
 * size does not match) or does not fit.
 */
int	gzip_inflate(const unsigned char *gz, size_t len, unsigned char *out,
	    size_t max, size_t *outlen);

#endif
