/* The uevent model: parse, build and serialize the kernel's wire format in one buffer. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uevent.h"

/*
 * Wire format: "ACTION@DEVPATH\0KEY=VALUE\0KEY=VALUE\0...", every string
 * NUL-terminated.  The 2.4 form sent by the original hotplug2-dnode has an
 * empty DEVPATH in the header ("add@\0ACTION=add\0...").
 */

static int
action_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int
key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/* Check an ACTION of n bytes; NULL when good, else the reason. */
static const char *
check_action(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0)
		return "empty ACTION in header";
	if (n >= UEVENT_ACTION_MAX)
		return "ACTION too long";
	for (i = 0; i < n; i++)
		if (!action_char((unsigned char)s[i]))
			return "bad character in ACTION";
	return NULL;
}

static const char *
check_key(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0)
		return "variable with an empty name";
	for (i = 0; i < n; i++)
		if (!key_char((unsigned char)s[i]))
			return "bad character in variable name";
	return NULL;
}

/* Strict unsigned decimal, no sign, no spaces, no overflow. */
static int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t	 v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* Index of the variable named key (klen bytes), or -1. */
static int
find_var(const struct uevent *ev, const char *key, size_t klen)
{
	unsigned int	 i;

	for (i = 0; i < ev->nvars; i++) {
		const char *v = ev->buf + ev->var[i];
		/*
		 * The first byte settles most comparisons: uevent_parse asks
		 * this for every variable, so the scan is quadratic.
		 */
		if (klen > 0 && v[0] != key[0])
			continue;
		if (strncmp(v, key, klen) == 0 && v[klen] == '=')
			return (int)i;
	}
	return -1;
}

const char *
uevent_get(const struct uevent *ev, const char *key)
{
	size_t	 klen = strlen(key);
	int	 i = find_var(ev, key, klen);

	return i < 0 ? NULL : ev->buf + ev->var[i] + klen + 1;
}

const char *
uevent_action(const struct uevent *ev, size_t *len)
{
	if (len != NULL)
		*len = ev->action_len;
	return ev->buf;
}

const char *
uevent_devpath(const struct uevent *ev)
{
	const char	*hdr = ev->buf + ev->action_len + 1;
	const char	*v;

	if (*hdr != '\0')
		return hdr;
	v = uevent_get(ev, "DEVPATH");
	return v != NULL ? v : "";
}

int
uevent_parse(struct uevent *ev, const void *data, size_t len,
    const char **reason)
{
	const char	*why = NULL;
	const char	*at, *val;
	size_t		 hlen, off, alen;

	ev->len = 0;
	ev->nvars = 0;
	ev->seqnum = 0;
	ev->action_len = 0;
	if (len == 0) {
		why = "empty message";
		goto bad;
	}
	if (len >= 8 && memcmp(data, "libudev\0", 8) == 0) {
		why = "libudev-format message";
		goto bad;
	}
	if (len > UEVENT_MSG_MAX) {
		why = "message too long";
		goto bad;
	}
	if (((const char *)data)[len - 1] != '\0') {
		why = "message not NUL-terminated";
		goto bad;
	}
	/* netlink_recv receives straight into ev->buf: no copy then. */
	if (data != ev->buf)
		memcpy(ev->buf, data, len);
	ev->len = len;

	hlen = strlen(ev->buf);
	if (hlen == 0) {
		why = "empty header";
		goto bad;
	}
	if (hlen >= UEVENT_HEADER_MAX) {
		why = "header too long";
		goto bad;
	}
	at = memchr(ev->buf, '@', hlen);
	if (at == NULL) {
		why = "header without '@'";
		goto bad;
	}
	alen = (size_t)(at - ev->buf);
	if ((why = check_action(ev->buf, alen)) != NULL)
		goto bad;
	if (at[1] != '\0' && at[1] != '/') {
		why = "DEVPATH in header does not start with '/'";
		goto bad;
	}
	ev->action_len = (uint16_t)alen;

	for (off = hlen + 1; off < len; ) {
		const char	*s = ev->buf + off;
		size_t		 slen = strlen(s);
		const char	*eq = memchr(s, '=', slen);

		if (slen == 0) {
			why = "empty variable";
			goto bad;
		}
		if (eq == NULL) {
			why = "variable without '='";
			goto bad;
		}
		if ((why = check_key(s, (size_t)(eq - s))) != NULL)
			goto bad;
		if (find_var(ev, s, (size_t)(eq - s)) >= 0) {
			why = "duplicate variable";
			goto bad;
		}
		if (ev->nvars == UEVENT_VARS_MAX) {
			why = "too many variables";
			goto bad;
		}
		ev->var[ev->nvars++] = (uint16_t)off;
		off += slen + 1;
	}

	val = uevent_get(ev, "ACTION");
	if (val == NULL) {
		why = "no ACTION variable";
		goto bad;
	}
	if (strlen(val) != alen || memcmp(val, ev->buf, alen) != 0) {
		why = "ACTION variable disagrees with header";
		goto bad;
	}
	val = uevent_get(ev, "DEVPATH");
	if (at[1] != '\0') {
		if (val == NULL) {
			why = "no DEVPATH variable";
			goto bad;
		}
		if (strcmp(val, at + 1) != 0) {
			why = "DEVPATH variable disagrees with header";
			goto bad;
		}
	} else if (val != NULL && val[0] != '/') {
		why = "DEVPATH variable does not start with '/'";
		goto bad;
	}
	val = uevent_get(ev, "SEQNUM");
	if (val != NULL && parse_u64(val, &ev->seqnum) == -1) {
		why = "bad SEQNUM";
		goto bad;
	}
	return 0;

bad:
	ev->len = 0;
	ev->nvars = 0;
	ev->seqnum = 0;
	if (reason != NULL)
		*reason = why;
	errno = EINVAL;
	return -1;
}

/* Append "KEY=VALUE\0" without any check but space; -1 when full. */
static int
append_var(struct uevent *ev, const char *key, size_t klen, const char *value)
{
	size_t	 vlen = strlen(value);

	if (ev->nvars == UEVENT_VARS_MAX ||
	    ev->len + klen + vlen + 2 > UEVENT_MSG_MAX) {
		errno = ENOSPC;
		return -1;
	}
	ev->var[ev->nvars++] = (uint16_t)ev->len;
	memcpy(ev->buf + ev->len, key, klen);
	ev->buf[ev->len + klen] = '=';
	memcpy(ev->buf + ev->len + klen + 1, value, vlen + 1);
	ev->len += klen + vlen + 2;
	return 0;
}

int
uevent_init(struct uevent *ev, const char *action, const char *devpath)
{
	size_t	 alen = strlen(action), dlen = strlen(devpath);

	ev->len = 0;
	ev->nvars = 0;
	ev->seqnum = 0;
	ev->action_len = 0;
	if (check_action(action, alen) != NULL ||
	    (dlen > 0 && devpath[0] != '/') ||
	    alen + dlen + 1 >= UEVENT_HEADER_MAX) {
		errno = EINVAL;
		return -1;
	}
	memcpy(ev->buf, action, alen);
	ev->buf[alen] = '@';
	memcpy(ev->buf + alen + 1, devpath, dlen + 1);
	ev->len = alen + dlen + 2;
	ev->action_len = (uint16_t)alen;
	if (append_var(ev, "ACTION", 6, action) == -1)
		return -1;
	if (dlen > 0 && append_var(ev, "DEVPATH", 7, devpath) == -1)
		return -1;
	return 0;
}

int
uevent_unset(struct uevent *ev, const char *key)
{
	size_t		 klen = strlen(key), vlen;
	int		 i = find_var(ev, key, klen);
	unsigned int	 j;
	uint16_t	 off;

	if (i < 0)
		return 0;
	off = ev->var[i];
	vlen = strlen(ev->buf + off) + 1;
	memmove(ev->buf + off, ev->buf + off + vlen, ev->len - off - vlen);
	ev->len -= vlen;
	for (j = (unsigned int)i; j + 1 < ev->nvars; j++)
		ev->var[j] = ev->var[j + 1];
	ev->nvars--;
	for (j = 0; j < ev->nvars; j++)
		if (ev->var[j] > off)
			ev->var[j] -= (uint16_t)vlen;
	if (strcmp(key, "SEQNUM") == 0)
		ev->seqnum = 0;
	return 1;
}

int
uevent_set(struct uevent *ev, const char *key, const char *value)
{
	size_t		 klen = strlen(key);
	const char	*old;
	uint64_t	 seq = 0;

	if (check_key(key, klen) != NULL || ev->len == 0) {
		errno = EINVAL;
		return -1;
	}
	/* The header is fixed at init: ACTION and DEVPATH must agree with it. */
	if (strcmp(key, "ACTION") == 0 || strcmp(key, "DEVPATH") == 0) {
		old = uevent_get(ev, key);
		if (old != NULL && strcmp(old, value) == 0)
			return 0;
		errno = EPERM;
		return -1;
	}
	if (strcmp(key, "SEQNUM") == 0 && parse_u64(value, &seq) == -1) {
		errno = EINVAL;
		return -1;
	}
	old = uevent_get(ev, key);
	if (old != NULL) {
		if (ev->len - strlen(old) + strlen(value) > UEVENT_MSG_MAX) {
			errno = ENOSPC;
			return -1;
		}
		uevent_unset(ev, key);
	}
	if (append_var(ev, key, klen, value) == -1)
		return -1;
	if (strcmp(key, "SEQNUM") == 0)
		ev->seqnum = seq;
	return 0;
}

size_t
uevent_serialize(const struct uevent *ev, char *out, size_t outlen)
{
	if (ev->len == 0 || ev->len > outlen)
		return 0;
	memcpy(out, ev->buf, ev->len);
	return ev->len;
}

/*
 * Recordings (monitor --raw, replay) are wire messages back to back.  They
 * are self-delimiting: a header's leading run of ACTION characters ends in
 * '@', a variable's leading run of name characters ends in '=', and the
 * two alphabets exclude each other's terminator.
 */
int
uevent_is_header(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n && action_char((unsigned char)s[i]); i++)
		;
	return i > 0 && i < n && s[i] == '@';
}

/* Recordings may separate messages with a newline or a NUL. */
static int
is_separator(char c)
{
	return c == '\n' || c == '\0';
}

size_t
uevent_next(const char *buf, size_t len, int at_eof)
{
	size_t	 off, slen;
	const char *nul;

	nul = memchr(buf, '\0', len);
	if (nul == NULL)
		return 0;
	off = (size_t)(nul - buf) + 1;
	while (off < len) {
		/* Neither a variable nor a header starts so: a separator. */
		if (is_separator(buf[off]))
			return off;
		nul = memchr(buf + off, '\0', len - off);
		slen = nul == NULL ? len - off : (size_t)(nul - (buf + off));
		if (uevent_is_header(buf + off, slen))
			return off;
		if (nul == NULL)
			return at_eof ? len : 0;
		off += slen + 1;
	}
	return at_eof ? off : 0;
}

size_t
uevent_skip_separators(const char *buf, size_t len)
{
	size_t	 n = 0;

	while (n < len && is_separator(buf[n]))
		n++;
	return n;
}
