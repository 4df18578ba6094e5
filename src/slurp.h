/* A whole file in memory with one read where its size allows. */
#ifndef HOTPLUG2_SLURP_H
#define HOTPLUG2_SLURP_H

#include <stddef.h>

/*
 * Read fd to its end into a malloc'd buffer, NUL-terminated (the NUL
 * not counted in *len); hint is the size expected (st_size), so a file
 * that does not grow is read with one read(2) plus the one that finds
 * its end.  At most max bytes: more is an error, EFBIG.  NULL with
 * errno set on error.  fd is left open.
 */
char	*slurp_fd(int fd, size_t hint, size_t max, size_t *len);

struct stat;

/*
 * The same for the file at path, opened without blocking: a regular file
 * or a character device such as /dev/null; anything else (a FIFO, a
 * directory) is EINVAL.  *st, when st is not NULL, is the file's stat.
 */
char	*slurp_file(const char *path, size_t max, size_t *len, struct stat *st);

#endif
