/* libFuzzer target: MODALIAS synthesis from any event, into buffers of every size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "modalias.h"
#include "uevent.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct uevent	ev;
static char		full[MODALIAS_MAX + 64];

static const char	*subsystems[] = { NULL, "pci", "usb", "input", "serio",
    "pnp", "ieee1394", "ccw", "of", "platform", "scsi", "acpi" };

/*
 * The first byte picks the bus (the event's own SUBSYSTEM or a forced
 * one) and a short buffer size; the rest is the event in wire form.  The
 * result must be a string of the length returned, and a buffer too short
 * must give 0 or the same string, never more bytes than it holds.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*reason, *sub;
	char		*small;
	size_t		 n, m, cap;

	if (size < 1 || uevent_parse(&ev, data + 1, size - 1, &reason) == -1)
		return 0;
	sub = subsystems[data[0] % (sizeof(subsystems) / sizeof(subsystems[0]))];
	reason = NULL;
	n = modalias_synthesize(&ev, sub, full, sizeof(full), &reason);
	if (n == 0) {
		if (reason == NULL)
			abort();
		return 0;
	}
	if (n >= sizeof(full) || strlen(full) != n)
		abort();
	cap = 1 + (size_t)(data[0] >> 4) * (n / 15 + 1);
	if (cap > n + 1)
		cap = n + 1;
	if ((small = malloc(cap)) == NULL)
		return 0;
	m = modalias_synthesize(&ev, sub, small, cap, &reason);
	if (m != 0 && (m != n || memcmp(small, full, n + 1) != 0))
		abort();
	if (cap == n + 1 && m != n)
		abort();
	free(small);
	return 0;
}
