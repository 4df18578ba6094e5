/* modules.*map lines (Linux 2.4 modutils, module-init-tools) to the alias patterns the kernel's file2alias makes. */
#ifndef HOTPLUG2_MAPALIAS_H
#define HOTPLUG2_MAPALIAS_H

enum mapalias_type {
	MAPALIAS_PCI,
	MAPALIAS_USB,
	MAPALIAS_ISAPNP,
	MAPALIAS_IEEE1394,
	MAPALIAS_INPUT,
	MAPALIAS_SERIO,
	MAPALIAS_CCW,
	MAPALIAS_OF,
	MAPALIAS_PNPBIOS,
	MAPALIAS_NTYPES
};

/* The map's file name in a module directory, e.g. "modules.pcimap". */
const char	*mapalias_file(enum mapalias_type type);

/*
 * Turn one line of a map of the given type into alias patterns, calling
 * cb(pattern, module, arg) once per pattern.  Pure: no I/O.  wordbits is
 * the width of a kernel long (32 or 64): inputmap bitmaps are written as
 * words of that size.
 *
 * Returns the number of patterns.  0 with *why NULL: a comment, a blank
 * line, or an entry file2alias skips silently (a USB entry with no ids
 * and no classes).  0 with *why set: a good entry no pattern can express
 * (a partial PCI class mask), worth a warning.  -1: a malformed line,
 * *why saying what is wrong.
 */
int		 mapalias_line(enum mapalias_type type, const char *line,
		    int wordbits,
		    void (*cb)(const char *pattern, const char *module,
		    void *arg), void *arg, const char **why);

#endif
