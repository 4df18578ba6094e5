/* The script layer as the daemon sees it: load handler files, hand them events. */
#ifndef HOTPLUG2_SCRIPT_H
#define HOTPLUG2_SCRIPT_H

#include <stddef.h>
#include <stdio.h>

struct uevent;
struct script;

/*
 * The collector's pause once the scripts are loaded: a cycle starts when
 * the heap has grown by this percentage over what the last one kept.
 */
#define SCRIPT_GC_PAUSE	110

struct script_options {
	const char	*config_dir;	/* *.lua loaded in lexical order */
	const char	*root;		/* every path scripts touch is under it */
	const char	*alias_file;	/* NULL: /lib/modules/`uname -r`/modules.alias; "": none */
	const char	*modprobe;	/* NULL: /sbin/modprobe */
	int		 dry_run;	/* print actions instead of doing them */
	unsigned int	 budget_ms;	/* per handler call; 0: 200 ms */
	size_t		 mem_cap;	/* bytes for the Lua allocator; 0: 8 MiB */
	const char	*udev;		/* udev compatibility: NULL or "auto", "on", "off" */
};

/*
 * Build a new Lua state and load every script.  Files that fail are
 * logged with file:line, counted in *nerrors and skipped.  Returns NULL
 * only when the state itself cannot be built.
 */
struct script	*script_load(const struct script_options *opts, int *nerrors);
void		 script_free(struct script *s);

/*
 * Hand one event to the handlers, in file order then registration order.
 * Returns the number of handlers that failed (each already logged).
 */
int		 script_handle(struct script *s, const struct uevent *ev);

/*
 * Call module.fn(argv...) in a fresh state with the embedded modules and
 * write the string it returns to out.  0, or -1 with the error logged.
 */
int		 script_call(const char *module, const char *fn, int argc,
		    char *argv[], FILE *out);

/* Bytes the Lua state holds now (bounded by script_options.mem_cap). */
size_t		 script_memory(const struct script *s);

#endif
