/* Derive a stable DEVPATH from the bus data of an event that came without one. */
#include <stdint.h>
#include <string.h>

#include "devpath.h"
#include "uevent.h"

/*
 * 2.4 kernels name no device in their hotplug calls, only its bus data.
 * The paths built here follow the 2.6 sysfs layout where one existed
 * (/bus/BUS/devices/ID, /class/CLASS/NAME) and stay out of /devices, so a
 * derived path can never be mistaken for a real 2.6+ one:
 *
 * pci        PCI_SLOT_NAME     /bus/pci/devices/0000:00:0c.0 (2.4's "00:0c.0"
 *                              gets the domain 0000: that 2.6 prints)
 * usb        DEVICE            /bus/usb/devices/001/002 (the last two parts of
 *                              /proc/bus/usb/001/002: bus and device number)
 *            else PRODUCT      /bus/usb/product/46d/c52b/1211 (shared by
 *                              devices of one model)
 * ieee1394   GUID              /bus/ieee1394/devices/0800460102035d1f
 * net        INTERFACE         /class/net/eth0
 * bluetooth  DEVICE            /class/bluetooth/hci0
 * firmware   FIRMWARE          /class/firmware/NAME ('/' in NAME becomes '!')
 * dasd       DEVNO             /bus/dasd/devices/0190
 * otherwise                    /bus/SUBSYSTEM
 *
 * The fallback is the parent of every derived path of its bus, so the
 * daemon orders such an event after, and before, all of that bus's events.
 * Characters outside [A-Za-z0-9._:+,@-] become '_', and '/' inside a name
 * becomes '!' as sysfs does; a part that is empty, "." or ".." makes the
 * rule fall through to the next one.
 */

struct path {
	char	*buf;
	size_t	 cap;
	size_t	 len;
	int	 bad;		/* this rule does not apply */
	int	 full;		/* out is too small: no rule can apply */
};

static int
name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == ':' ||
	    c == '+' || c == ',' || c == '@' || c == '-';
}

static void
path_add(struct path *p, const char *s, size_t n)
{
	if (p->bad)
		return;
	if (p->len + n >= p->cap) {
		p->bad = p->full = 1;
		return;
	}
	memcpy(p->buf + p->len, s, n);
	p->len += n;
	p->buf[p->len] = '\0';
}

/* Append "/" and one sanitized component of n bytes (slash: its '/' replacement). */
static void
path_component(struct path *p, const char *s, size_t n, char slash)
{
	size_t	 i;
	char	 c;

	if (n == 0 || (n == 1 && s[0] == '.') ||
	    (n == 2 && s[0] == '.' && s[1] == '.')) {
		p->bad = 1;
		return;
	}
	path_add(p, "/", 1);
	for (i = 0; i < n && !p->bad; i++) {
		c = s[i];
		if (c == '/')
			c = slash;
		else if (!name_char((unsigned char)c))
			c = '_';
		path_add(p, &c, 1);
	}
}

static void
path_start(struct path *p, const char *prefix)
{
	p->len = 0;
	p->bad = 0;
	p->buf[0] = '\0';
	path_add(p, prefix, strlen(prefix));
}

/* Append each '/'-separated part of s (at most max of the last ones; 0: all). */
static void
path_parts(struct path *p, const char *s, unsigned int max)
{
	const char	*e;
	unsigned int	 n = 0;

	if (max > 0) {
		for (e = s + strlen(s); e > s; e--)
			if (e[-1] == '/' && ++n == max)
				break;
		s = e;
	}
	while (!p->bad) {
		e = strchr(s, '/');
		path_component(p, s, e != NULL ? (size_t)(e - s) : strlen(s),
		    '!');
		if (e == NULL)
			break;
		s = e + 1;
	}
}

/* 2.4 prints PCI slots as bb:dd.f, 2.6 as dddd:bb:dd.f: add the domain. */
static void
path_pci_slot(struct path *p, const char *slot)
{
	const char	*c = strchr(slot, ':');
	char		 name[64];
	size_t		 n = strlen(slot);

	if (c == NULL || strchr(c + 1, ':') != NULL || n + 5 >= sizeof(name)) {
		path_component(p, slot, n, '!');
		return;
	}
	memcpy(name, "0000:", 5);
	memcpy(name + 5, slot, n + 1);
	path_component(p, name, n + 5, '!');
}

static const char *
event_get(void *ev, const char *key)
{
	return uevent_get(ev, key);
}

size_t
devpath_derive(const struct uevent *ev, const char *subsystem, char *out,
    size_t outlen)
{
	return devpath_derive_from(event_get, (void *)(uintptr_t)ev, subsystem,
	    out, outlen);
}

size_t
devpath_derive_from(const char *(*get)(void *, const char *), void *ctx,
    const char *subsystem, char *out, size_t outlen)
{
	struct path	 p = { out, outlen, 0, 0, 0 };
	const char	*v;

	if (outlen == 0)
		return 0;
	out[0] = '\0';
	if (subsystem == NULL || *subsystem == '\0')
		return 0;

	if (strcmp(subsystem, "pci") == 0 &&
	    (v = get(ctx, "PCI_SLOT_NAME")) != NULL) {
		path_start(&p, "/bus/pci/devices");
		path_pci_slot(&p, v);
	} else if (strcmp(subsystem, "usb") == 0 &&
	    (v = get(ctx, "DEVICE")) != NULL) {
		path_start(&p, "/bus/usb/devices");
		path_parts(&p, v, 2);
	} else
		p.bad = 1;
	if (p.bad && !p.full && strcmp(subsystem, "usb") == 0 &&
	    (v = get(ctx, "PRODUCT")) != NULL) {
		path_start(&p, "/bus/usb/product");
		path_parts(&p, v, 0);
	}
	if (p.bad && !p.full) {
		static const struct {
			const char	*subsystem;
			const char	*key;
			const char	*prefix;
		} rules[] = {
			{ "bluetooth",	"DEVICE",	"/class/bluetooth" },
			{ "dasd",	"DEVNO",	"/bus/dasd/devices" },
			{ "firmware",	"FIRMWARE",	"/class/firmware" },
			{ "ieee1394",	"GUID",		"/bus/ieee1394/devices" },
			{ "net",	"INTERFACE",	"/class/net" },
		};
		unsigned int	 i;

		for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
			if (strcmp(subsystem, rules[i].subsystem) != 0 ||
			    (v = get(ctx, rules[i].key)) == NULL)
				continue;
			path_start(&p, rules[i].prefix);
			path_component(&p, v, strlen(v), '!');
			break;
		}
	}
	if (p.bad && !p.full) {
		path_start(&p, "/bus");
		path_component(&p, subsystem, strlen(subsystem), '!');
	}
	if (p.bad) {
		out[0] = '\0';
		return 0;
	}
	return p.len;
}
