/* The uevent model: the kernel's wire format held in one buffer, with offsets. */
#ifndef HOTPLUG2_UEVENT_H
#define HOTPLUG2_UEVENT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Bounds.  The kernel builds at most 2048 bytes of variables (UEVENT_BUFFER_SIZE)
 * and 64 variables (UEVENT_NUM_ENVP), plus a header of at most PATH_MAX.
 * We allow 8 KiB for the whole message and 128 variables: headroom for
 * variables that dnode or scripts add, and still small enough to live on
 * the stack or in a fixed queue slot.
 */
#define UEVENT_MSG_MAX		8192
#define UEVENT_VARS_MAX		128
#define UEVENT_HEADER_MAX	4096	/* "ACTION@DEVPATH" */
#define UEVENT_ACTION_MAX	32

struct uevent {
	size_t		 len;		/* bytes used in buf, last one is NUL */
	uint16_t	 nvars;
	uint16_t	 action_len;	/* header: buf[0..action_len) is ACTION */
	uint16_t	 var[UEVENT_VARS_MAX];	/* offsets of "KEY=VALUE" */
	uint64_t	 seqnum;	/* 0 when the event has no SEQNUM */
	char		 buf[UEVENT_MSG_MAX];
};

/*
 * Parse a message in wire form.  Returns 0, or -1 with *reason set to a
 * static string saying what is wrong.  Nothing is allocated; ev holds a copy.
 */
int		 uevent_parse(struct uevent *ev, const void *data, size_t len,
		    const char **reason);

/* Start an event "ACTION@DEVPATH" (devpath may be "" for the 2.4 form). */
int		 uevent_init(struct uevent *ev, const char *action,
		    const char *devpath);

/* Value of KEY, or NULL. */
const char	*uevent_get(const struct uevent *ev, const char *key);

/* Add or replace KEY=VALUE; -1 when the result would not fit. */
int		 uevent_set(struct uevent *ev, const char *key, const char *value);

/* Remove KEY; returns 1 if it was present. */
int		 uevent_unset(struct uevent *ev, const char *key);

/* Header parts, pointing into ev->buf. */
const char	*uevent_action(const struct uevent *ev, size_t *len);
const char	*uevent_devpath(const struct uevent *ev);

/* The i-th "KEY=VALUE" string, 0 <= i < ev->nvars. */
static inline const char *
uevent_var(const struct uevent *ev, unsigned int i)
{
	return ev->buf + ev->var[i];
}

/*
 * The wire form is the buffer itself: ev->buf, ev->len.  uevent_serialize
 * copies it out; returns the length, or 0 when outlen is too small.
 */
size_t		 uevent_serialize(const struct uevent *ev, char *out,
		    size_t outlen);

/*
 * Recordings hold wire messages back to back, or separated by newlines
 * or NULs.  uevent_next returns the length of the first complete message
 * in buf, without the separators after it, or 0 when more input is
 * needed (at_eof: the input ends at len, so the last message is
 * complete).  The returned length may cover an unterminated tail at EOF,
 * which uevent_parse then refuses.  uevent_skip_separators says how many
 * separator bytes start buf: skip them before each uevent_next.
 */
size_t		 uevent_next(const char *buf, size_t len, int at_eof);
size_t		 uevent_skip_separators(const char *buf, size_t len);
int		 uevent_is_header(const char *s, size_t n);

#endif
