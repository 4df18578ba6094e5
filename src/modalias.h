/* MODALIAS synthesis from an event's bus variables (2.4 kernels export none). */
#ifndef HOTPLUG2_MODALIAS_H
#define HOTPLUG2_MODALIAS_H

#include <stddef.h>

struct uevent;

/*
 * Build the MODALIAS the kernel would have sent for ev, whose bus is
 * subsystem (NULL: ev's SUBSYSTEM).  Pure: no I/O.  Returns the length
 * written to out (NUL-terminated), or 0 when there is nothing to build
 * from, with *reason saying why (static string).
 */
size_t	modalias_synthesize(const struct uevent *ev, const char *subsystem,
	    char *out, size_t outlen, const char **reason);

#endif
