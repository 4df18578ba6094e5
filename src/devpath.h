/* A stable DEVPATH for events that come without one (2.4's hotplug helper calls). */
#ifndef HOTPLUG2_DEVPATH_H
#define HOTPLUG2_DEVPATH_H

#include <stddef.h>

struct uevent;

/*
 * Derive a DEVPATH for ev, whose bus is subsystem, from its bus data, so
 * that the daemon can keep per-device order: the same device always gets
 * the same path, and no path looks like one of a 2.6+ sysfs device under
 * /devices.  The rules are in devpath.c and docs/hotplug2-dnode.8.  Pure:
 * no I/O.  Returns the length written to out (NUL-terminated), or 0 when
 * out is too small or subsystem is empty.
 */
size_t	devpath_derive(const struct uevent *ev, const char *subsystem,
	    char *out, size_t outlen);

/*
 * The same, reading the variables through get(ctx, KEY), which returns a
 * value or NULL: hotplug2-dnode reads its environment this way, before it
 * builds the event.
 */
size_t	devpath_derive_from(const char *(*get)(void *, const char *),
	    void *ctx, const char *subsystem, char *out, size_t outlen);

#endif
