/* The modwrap matcher: which modules does a MODALIAS resolve to, as kmod answers. */
#ifndef HOTPLUG2_ALIAS_H
#define HOTPLUG2_ALIAS_H

#include <stddef.h>

struct alias_index;

/*
 * Load a modules.alias text file ("alias PATTERN MODULE" lines) and index
 * it.  Malformed lines are logged as file:line and skipped.  NULL with
 * errno set when the file cannot be read.
 */
struct alias_index	*alias_load(const char *path);
void			 alias_free(struct alias_index *idx);

/* Reload when the file changed since it was loaded: 1 reloaded, 0 not, -1 error (old index kept). */
int			 alias_refresh(struct alias_index **idx);

/*
 * Call cb once per distinct module whose pattern fnmatch()es modalias,
 * in the documented order.  Returns the number of modules.
 */
int			 alias_lookup(const struct alias_index *idx,
			    const char *modalias,
			    void (*cb)(const char *module, void *arg), void *arg);

#endif
