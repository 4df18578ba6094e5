/* The modwrap matcher: which modules does a MODALIAS resolve to, as kmod answers. */
#ifndef HOTPLUG2_ALIAS_H
#define HOTPLUG2_ALIAS_H

#include <stddef.h>

struct alias_index;

/* Longest pattern or query kmod handles (its PATH_MAX buffer, NUL included). */
#define ALIAS_MAX	4096

/*
 * The work one lookup may do, in alias_lookup_steps() units: about 2 to
 * 15 ns each, so some milliseconds.  Debian's whole modules.alias needs
 * at most 17,000 for real devices' MODALIAS, and 500,000 for a 4 KiB
 * keyboard one against 120 lines made to defeat the matcher; only files
 * built to drive every query position through a large trie need more.
 */
#define ALIAS_STEPS_MAX	(1UL << 20)

/*
 * Load a modules.alias text file ("alias PATTERN MODULE" lines) with one
 * read and index it.  Malformed lines are logged as file:line and skipped.
 * NULL with errno set when the file cannot be read or memory runs out.
 */
struct alias_index	*alias_load(const char *path);

/*
 * Index len bytes of modules.alias text; name is used in warnings only.
 * Pure: no I/O besides the warnings.  NULL with errno ENOMEM.
 */
struct alias_index	*alias_parse(const char *buf, size_t len,
			    const char *name);

void			 alias_free(struct alias_index *idx);

/*
 * Reload when the file changed (device, inode, size or mtime) since it was
 * loaded: 1 reloaded, 0 unchanged, -1 error with errno set (old index kept).
 * An index made by alias_parse() is never reloaded.
 */
int			 alias_refresh(struct alias_index **idx);

/*
 * Call cb once per distinct module whose pattern matches modalias the way
 * kmod matches it: '-' and '_' are made equal outside brackets in both the
 * pattern and the query, then fnmatch(pattern, modalias, 0).  Modules come
 * in the order of their first line in the file, which for a depmod-made
 * file is kmod's modules.order order.  module points into the index: it
 * stays valid until the index is freed or replaced by alias_refresh().
 * Returns the number of modules, or -1 with errno ENOMEM, or ETIME when
 * the lookup needed more than ALIAS_STEPS_MAX steps (then cb is never
 * called).
 */
int			 alias_lookup(const struct alias_index *idx,
			    const char *modalias,
			    void (*cb)(const char *module, void *arg), void *arg);

/*
 * The work the last alias_lookup() did, in steps of the matcher: nodes
 * visited, query positions a star was tried at, pattern elements compared.
 * For tests and benchmarks, which bound it where a timer would be flaky.
 */
unsigned long		 alias_lookup_steps(void);

/* Figures about an index, for tests, benchmarks and log lines. */
struct alias_stats {
	size_t	patterns;	/* alias lines indexed */
	size_t	modules;	/* distinct module names */
	size_t	malformed;	/* lines reported and skipped */
	size_t	nodes;		/* trie nodes */
	size_t	bytes;		/* heap memory held by the index */
};

void			 alias_stats(const struct alias_index *idx,
			    struct alias_stats *st);

#endif
