/* libFuzzer target: recordings split by uevent_next, parsed, serialized and parsed again to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uevent.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct uevent	ev, again;
static char		out[UEVENT_MSG_MAX];

/* One message: if it parses, its wire form parses back to itself. */
static void
one(const char *msg, size_t len)
{
	const char	*reason, *key_end, *value;
	char		 key[UEVENT_MSG_MAX];
	size_t		 n, i, kl;

	if (uevent_parse(&ev, msg, len, &reason) == -1) {
		if (reason == NULL)
			abort();
		return;
	}
	if ((n = uevent_serialize(&ev, out, sizeof(out))) == 0 || n != ev.len)
		abort();
	if (uevent_parse(&again, out, n, &reason) == -1)
		abort();
	if (again.len != ev.len || memcmp(again.buf, ev.buf, ev.len) != 0 ||
	    again.nvars != ev.nvars || again.seqnum != ev.seqnum)
		abort();
	if (uevent_devpath(&ev) == NULL)
		abort();
	/* Every variable can be found by its name. */
	for (i = 0; i < ev.nvars; i++) {
		key_end = strchr(uevent_var(&ev, (unsigned int)i), '=');
		if (key_end == NULL)
			abort();
		kl = (size_t)(key_end - uevent_var(&ev, (unsigned int)i));
		memcpy(key, uevent_var(&ev, (unsigned int)i), kl);
		key[kl] = '\0';
		if ((value = uevent_get(&ev, key)) == NULL)
			abort();
	}
	/* Setting a variable and unsetting it again leaves a valid event. */
	if (uevent_set(&again, "FUZZ_KEY", "value") == 0) {
		if ((value = uevent_get(&again, "FUZZ_KEY")) == NULL ||
		    strcmp(value, "value") != 0)
			abort();
		if (uevent_unset(&again, "FUZZ_KEY") != 1 ||
		    uevent_get(&again, "FUZZ_KEY") != NULL)
			abort();
		n = uevent_serialize(&again, out, sizeof(out));
		if (n == 0 || uevent_parse(&again, out, n, &reason) == -1)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*buf = (const char *)data;
	size_t		 off = 0, n, partial;

	while (off < size) {
		/* 0 at EOF: what is left holds no NUL, so no message. */
		if ((n = uevent_next(buf + off, size - off, 1)) == 0)
			break;
		if (n > size - off)
			abort();
		/* Without EOF, a message is complete no later than with it. */
		partial = uevent_next(buf + off, size - off, 0);
		if (partial != 0 && partial != n)
			abort();
		one(buf + off, n);
		off += n;
	}
	return 0;
}
