/* MODALIAS synthesis from an event's bus variables (2.4 kernels export none). */
#ifndef HOTPLUG2_MODALIAS_H
#define HOTPLUG2_MODALIAS_H

#include <stddef.h>

struct uevent;

/*
 * A buffer of this size holds any MODALIAS built here: the longest is an
 * input device declaring every key (about 2.7 KB).
 */
#define MODALIAS_MAX		4096

/* The reason given when out is too small: callers may retry with more. */
#define MODALIAS_TOO_SMALL	"output buffer too small"

/*
 * Build the MODALIAS the kernel would have sent for ev, whose bus is
 * subsystem (NULL: ev's SUBSYSTEM).  Pure: no I/O.  Returns the length
 * written to out (NUL-terminated), or 0 when there is nothing to build
 * from, with *reason saying why (static string; callers log it at debug
 * level).  Buses and the variables read are listed in modalias.c and in
 * docs/hotplug2-dnode.8.
 */
size_t	modalias_synthesize(const struct uevent *ev, const char *subsystem,
	    char *out, size_t outlen, const char **reason);

/*
 * The input bus alone, with the width of the kernel's bitmap words given:
 * 32 or 64, or 0 to infer it (64 when a word has more than 8 hex digits,
 * else the width of this program's long).  modalias_synthesize infers.
 */
size_t	modalias_input(const struct uevent *ev, unsigned int word_bits,
	    char *out, size_t outlen, const char **reason);

/*
 * Decode an ISA PnP vendor and function pair, as 2.4's isapnp_device_id
 * tables, modules.isapnpmap and /proc/bus/isapnp/devices hold them, into
 * the 7-character EISA id ("PNP0501"; hex digits lowercase, as the kernel's
 * pnp layer prints them).  out must hold 8 bytes.  Returns 0, or -1 when
 * a letter is out of range.
 */
int	modalias_isapnp_id(unsigned int vendor, unsigned int function,
	    char out[8]);

#endif
