/* Name to id lookups in /etc/passwd and /etc/group text, parsed without getpwnam so --root and static builds work. */
#ifndef HOTPLUG2_PASSWD_H
#define HOTPLUG2_PASSWD_H

#include <stddef.h>

/*
 * Find name in the text of a passwd(5) or group(5) file: both keep the
 * numeric id in the third colon-separated field.  Pure: no I/O.
 * Returns 1 with *id set, 0 when the name is absent, -1 when the line
 * that names it is malformed (*line says which, 1-based).
 */
int	passwd_lookup(const char *text, size_t len, const char *name,
	    unsigned long *id, unsigned int *line);

/* A decimal id written in place of a name ("0", "1000"): 1 with *id set, else 0. */
int	passwd_numeric(const char *name, unsigned long *id);

#endif
