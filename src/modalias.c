/* MODALIAS synthesis: the string the kernel would send, built from an event's bus variables. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "modalias.h"
#include "uevent.h"

/*
 * What each bus reads, and what the kernel would have printed (Linux 2.4
 * hotplug variables, 2.6+ uevent variables, file2alias device strings):
 *
 * pci       PCI_ID=V:D, PCI_SUBSYS_ID=SV:SD (hex, ':' or '/', any width),
 *           PCI_CLASS (hex, 24 bits: 4 to 6 digits from the kernel)
 *           -> pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X
 * usb       PRODUCT=v/p/d (hex), TYPE=c/s/p and INTERFACE=c/s/p (decimal)
 *           -> usb:v%04Xp%04Xd%04Xdc%02Xdsc%02Xdp%02Xic%02Xisc%02Xip%02X
 *           followed by in%02X when the interface number is known, from a
 *           sysfs DEVPATH ending in "-PORT:CONFIG.INTERFACE".  See usb().
 * ieee1394  VENDOR_ID, MODEL_ID (absent on 2.4: 0), SPECIFIER_ID, VERSION
 *           -> ieee1394:ven%08Xmo%08Xsp%08Xver%08X
 * input     PRODUCT=b/v/p/e (hex), bitmaps EV KEY REL ABS MSC LED SND FF SW
 *           -> input:b%04Xv%04Xp%04Xe%04X-e..k..r..a..m..l..s..f..w..
 * serio     SERIO_TYPE, SERIO_PROTO, SERIO_ID, SERIO_EXTRA (hex)
 *           -> serio:ty%02Xpr%02Xid%02Xex%02X
 * pnp, isapnp, pnpbios
 *           PNP_ID=ABC1234 (an EISA id; the first word when several)
 *           -> pnp:dABC1234, hex digits lowercase as the kernel prints ids
 */

struct out {
	char	*buf;
	size_t	 cap;
	size_t	 len;
	int	 full;
};

static void	out_printf(struct out *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
out_printf(struct out *o, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len) {
		o->full = 1;
		return;
	}
	o->len += (size_t)n;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Parse n bytes of s as an unsigned number in base 16 or 10, at most max.
 * Leading zeros are fine: kernels printed these fields at several widths.
 */
static int
parse_num(const char *s, size_t n, int base, uint32_t max, uint32_t *out)
{
	uint64_t	 v = 0;
	size_t		 i;
	int		 d;

	if (n == 0)
		return -1;
	for (i = 0; i < n; i++) {
		d = base == 16 ? hexval((unsigned char)s[i]) :
		    (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		if (d < 0)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
		if (v > max)
			return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/*
 * Split s into exactly n numbers separated by any of seps, each at most
 * max.  Returns 0, or -1 when the shape or a number is wrong.
 */
static int
parse_fields(const char *s, const char *seps, int base, uint32_t max,
    uint32_t *v, unsigned int n)
{
	unsigned int	 i;
	size_t		 len;

	for (i = 0; i < n; i++) {
		len = strcspn(s, seps);
		if (parse_num(s, len, base, max, &v[i]) == -1)
			return -1;
		s += len;
		if (i + 1 < n) {
			if (*s == '\0')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}

static int
parse_one(const char *s, int base, uint32_t max, uint32_t *v)
{
	return parse_num(s, strlen(s), base, max, v);
}

/*
 * PCI.  2.4.0-test12 and later print PCI_ID and PCI_SUBSYS_ID as
 * %04X:%04X; earlier kernels as %X/%X.  PCI_CLASS is the 24-bit
 * class<<8|prog-if printed %04X: 4 to 6 digits.  The subsystem ids come
 * only from PCI_SUBSYS_ID: the original dnode took them from PCI_ID.
 */
static int
pci(const struct uevent *ev, struct out *o, const char **reason)
{
	const char	*id, *sub, *cls;
	uint32_t	 vd[2], sv[2], c;

	if ((id = uevent_get(ev, "PCI_ID")) == NULL) {
		*reason = "pci: no PCI_ID";
		return -1;
	}
	if ((sub = uevent_get(ev, "PCI_SUBSYS_ID")) == NULL) {
		*reason = "pci: no PCI_SUBSYS_ID";
		return -1;
	}
	if ((cls = uevent_get(ev, "PCI_CLASS")) == NULL) {
		*reason = "pci: no PCI_CLASS";
		return -1;
	}
	if (parse_fields(id, ":/", 16, 0xffff, vd, 2) == -1) {
		*reason = "pci: PCI_ID is not VENDOR:DEVICE in hex";
		return -1;
	}
	if (parse_fields(sub, ":/", 16, 0xffff, sv, 2) == -1) {
		*reason = "pci: PCI_SUBSYS_ID is not VENDOR:DEVICE in hex";
		return -1;
	}
	if (parse_one(cls, 16, 0xffffff, &c) == -1) {
		*reason = "pci: PCI_CLASS is not a 24-bit hex number";
		return -1;
	}
	out_printf(o, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
	    vd[0], vd[1], sv[0], sv[1], c >> 16, (c >> 8) & 0xff, c & 0xff);
	return 0;
}

/*
 * The interface number of a USB interface from its sysfs DEVPATH, whose
 * last component is "BUS-PORT[.PORT...]:CONFIG.INTERFACE" in decimal.
 * Returns -1 when the path has no such component (2.4 events, and the
 * DEVPATHs hotplug2-dnode derives for them).
 */
static int
usb_interface_number(const char *devpath)
{
	const char	*last, *colon, *dot;
	uint32_t	 v;

	if ((last = strrchr(devpath, '/')) == NULL)
		return -1;
	last++;
	if ((colon = strchr(last, ':')) == NULL || colon == last ||
	    strchr(last, '-') == NULL || strchr(last, '-') > colon)
		return -1;
	if ((dot = strchr(colon, '.')) == NULL ||
	    parse_num(colon + 1, (size_t)(dot - colon - 1), 10, 0xff, &v) == -1 ||
	    parse_one(dot + 1, 10, 0xff, &v) == -1)
		return -1;
	return (int)v;
}

/*
 * USB.  Modern kernels give MODALIAS only to interfaces, and end it with
 * in%02X (bInterfaceNumber), which no variable carries: it is taken from
 * the DEVPATH when that is a sysfs path, and left out otherwise, as kernels
 * before 3.x left it out.  Aliases made from 2.4 maps end at "ip..*" and
 * match either form.
 *
 * 2.4 sends INTERFACE only when bDeviceClass is 0.  For a device with a
 * class of its own, the USB specification makes that class apply to the
 * device's interfaces as a whole, and its interfaces carry it in practice
 * (hubs 09/00/00, vendor-specific ff/ff/ff), so the device's class triple
 * stands in for the interface's: class-based aliases such as the hub's
 * "usb:v*p*d*dc*dsc*dp*ic09isc*ip*" still match.  The original dnode wrote
 * a literal "ic*isc*ip*" here, which is a pattern, not data.  A device of
 * class 0 without INTERFACE has nothing to stand in, so gets no MODALIAS;
 * nor does a 2.6+ usb_device event, for which the kernel makes none either.
 */
static int
usb(const struct uevent *ev, struct out *o, const char **reason)
{
	const char	*product, *type, *intf, *devtype;
	uint32_t	 p[3], t[3], in[3];
	int		 num;

	if ((devtype = uevent_get(ev, "DEVTYPE")) != NULL &&
	    strcmp(devtype, "usb_interface") != 0) {
		*reason = "usb: only interfaces have a MODALIAS on this kernel";
		return -1;
	}
	if ((product = uevent_get(ev, "PRODUCT")) == NULL) {
		*reason = "usb: no PRODUCT";
		return -1;
	}
	if ((type = uevent_get(ev, "TYPE")) == NULL) {
		*reason = "usb: no TYPE";
		return -1;
	}
	if (parse_fields(product, "/", 16, 0xffff, p, 3) == -1) {
		*reason = "usb: PRODUCT is not VENDOR/PRODUCT/BCDDEVICE in hex";
		return -1;
	}
	if (parse_fields(type, "/", 10, 0xff, t, 3) == -1) {
		*reason = "usb: TYPE is not CLASS/SUBCLASS/PROTOCOL in decimal";
		return -1;
	}
	if ((intf = uevent_get(ev, "INTERFACE")) != NULL) {
		if (parse_fields(intf, "/", 10, 0xff, in, 3) == -1) {
			*reason = "usb: INTERFACE is not "
			    "CLASS/SUBCLASS/PROTOCOL in decimal";
			return -1;
		}
	} else if (devtype != NULL) {
		*reason = "usb: interface event without INTERFACE";
		return -1;
	} else if (t[0] == 0) {
		*reason = "usb: no INTERFACE and device class 0 "
		    "(the class is per interface)";
		return -1;
	} else
		memcpy(in, t, sizeof(in));

	out_printf(o, "usb:v%04Xp%04Xd%04Xdc%02Xdsc%02Xdp%02X"
	    "ic%02Xisc%02Xip%02X", p[0], p[1], p[2], t[0], t[1], t[2],
	    in[0], in[1], in[2]);
	if (intf != NULL && (num = usb_interface_number(uevent_devpath(ev))) >= 0)
		out_printf(o, "in%02X", (unsigned int)num);
	return 0;
}

/*
 * IEEE 1394.  2.4's nodemgr sends no MODEL_ID; the model is then 0, so
 * aliases that match on a model cannot fire, and the rest still do.
 */
static int
ieee1394(const struct uevent *ev, struct out *o, const char **reason)
{
	static const char *const keys[4] = {
		"VENDOR_ID", "MODEL_ID", "SPECIFIER_ID", "VERSION"
	};
	const char	*s;
	uint32_t	 v[4];
	unsigned int	 i;

	for (i = 0; i < 4; i++) {
		if ((s = uevent_get(ev, keys[i])) == NULL) {
			if (i == 1) {
				v[i] = 0;
				continue;
			}
			*reason = i == 0 ? "ieee1394: no VENDOR_ID" :
			    i == 2 ? "ieee1394: no SPECIFIER_ID" :
			    "ieee1394: no VERSION";
			return -1;
		}
		if (parse_one(s, 16, 0xffffffff, &v[i]) == -1) {
			*reason = "ieee1394: an id is not a 32-bit hex number";
			return -1;
		}
	}
	out_printf(o, "ieee1394:ven%08Xmo%08Xsp%08Xver%08X",
	    v[0], v[1], v[2], v[3]);
	return 0;
}

static int
serio(const struct uevent *ev, struct out *o, const char **reason)
{
	static const char *const keys[4] = {
		"SERIO_TYPE", "SERIO_PROTO", "SERIO_ID", "SERIO_EXTRA"
	};
	const char	*s;
	uint32_t	 v[4];
	unsigned int	 i;

	for (i = 0; i < 4; i++) {
		if ((s = uevent_get(ev, keys[i])) == NULL) {
			*reason = "serio: SERIO_TYPE, SERIO_PROTO, SERIO_ID "
			    "or SERIO_EXTRA missing";
			return -1;
		}
		if (parse_one(s, 16, 0xff, &v[i]) == -1) {
			*reason = "serio: a SERIO_ variable is not a hex byte";
			return -1;
		}
	}
	out_printf(o, "serio:ty%02Xpr%02Xid%02Xex%02X", v[0], v[1], v[2], v[3]);
	return 0;
}

/*
 * PnP.  The kernel makes no MODALIAS for the pnp bus; udev and coldplug
 * tools load "pnp:d" followed by each id in the device's id file.  Ids are
 * EISA ids: three letters and four hex digits, which the kernel prints in
 * lowercase and drivers list the same way.
 */
static int
pnp(const struct uevent *ev, struct out *o, const char **reason)
{
	const char	*s;
	char		 id[8];
	unsigned int	 i;

	if ((s = uevent_get(ev, "PNP_ID")) == NULL) {
		*reason = "pnp: no PNP_ID";
		return -1;
	}
	for (i = 0; i < 7; i++) {
		if (i < 3 && (s[i] < 'A' || s[i] > 'Z'))
			break;
		if (i >= 3 && hexval((unsigned char)s[i]) < 0)
			break;
		id[i] = (char)(i < 3 ? s[i] :
		    (s[i] >= 'A' && s[i] <= 'F' ? s[i] - 'A' + 'a' : s[i]));
	}
	if (i < 7 || (s[7] != '\0' && s[7] != ' ')) {
		*reason = "pnp: PNP_ID is not an EISA id like PNP0501";
		return -1;
	}
	id[7] = '\0';
	out_printf(o, "pnp:d%s", id);
	return 0;
}

int
modalias_isapnp_id(unsigned int vendor, unsigned int function, char out[8])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned int		 c[3], i;

	/* The 16-bit compressed EISA id, stored byte-swapped. */
	c[0] = (vendor >> 2) & 0x3f;
	c[1] = ((vendor & 3) << 3) | ((vendor >> 13) & 7);
	c[2] = (vendor >> 8) & 0x1f;
	for (i = 0; i < 3; i++) {
		if (c[i] < 1 || c[i] > 26)
			return -1;
		out[i] = (char)('A' + c[i] - 1);
	}
	out[3] = hex[(function >> 4) & 0xf];
	out[4] = hex[function & 0xf];
	out[5] = hex[(function >> 12) & 0xf];
	out[6] = hex[(function >> 8) & 0xf];
	out[7] = '\0';
	return 0;
}

/*
 * Input.  The bitmaps are the kernel's longs printed "%lx" from the
 * highest non-zero word down, separated by spaces.  The modalias lists
 * each set bit as "%X," after the bitmap's letter, from the bitmap's first
 * interesting bit up to but not including its *_MAX, as the kernel's loop
 * does.  The limits are those of current kernels (KEY_MAX 0x2ff, SW_MAX
 * 0x10); older kernels had lower ones, and set no bits above them.
 */
#define INPUT_BITS_MAX	0x300		/* KEY_CNT, the largest bitmap */
#define INPUT_WORDS	(INPUT_BITS_MAX / 32)

struct input_bitmap {
	const char	*key;
	char		 letter;
	unsigned int	 min;
	unsigned int	 max;
};

static const struct input_bitmap input_bitmaps[] = {
	{ "EV",  'e', 0,    0x1f },
	{ "KEY", 'k', 0x71, 0x2ff },
	{ "REL", 'r', 0,    0x0f },
	{ "ABS", 'a', 0,    0x3f },
	{ "MSC", 'm', 0,    0x07 },
	{ "LED", 'l', 0,    0x0f },
	{ "SND", 's', 0,    0x07 },
	{ "FF",  'f', 0,    0x7f },
	{ "SW",  'w', 0,    0x10 },
};

/*
 * Captured uevent files (systemd's sysfs test data, our fixtures) hold some
 * bitmaps as "EV==120013": one stray '=' before the value is skipped.
 */
static const char *
bitmap_value(const char *s)
{
	return s != NULL && *s == '=' ? s + 1 : s;
}

/* Largest number of hex digits in any word of a bitmap value. */
static size_t
bitmap_widest_word(const char *s)
{
	size_t	 n, max = 0;

	while (*s != '\0') {
		n = strcspn(s, " ");
		if (n > max)
			max = n;
		s += n;
		s += strspn(s, " ");
	}
	return max;
}

/* Parse a bitmap value into 32-bit words, bit b in w[b / 32]. */
static int
bitmap_parse(const char *s, unsigned int word_bits, uint32_t w[INPUT_WORDS])
{
	const char	*p;
	unsigned int	 nwords = 0, i, digits = word_bits / 4;
	size_t		 n;
	uint64_t	 v;
	int		 d;

	memset(w, 0, sizeof(uint32_t) * INPUT_WORDS);
	for (p = s + strspn(s, " "); *p != '\0'; p += strspn(p, " ")) {
		p += strcspn(p, " ");
		nwords++;
	}
	if (nwords == 0)
		return -1;
	/* Words come highest first: the first has index nwords - 1. */
	for (p = s + strspn(s, " "); *p != '\0'; p += strspn(p, " ")) {
		n = strcspn(p, " ");
		if (n > digits)
			return -1;
		for (v = 0, i = 0; i < n; i++) {
			if ((d = hexval((unsigned char)p[i])) < 0)
				return -1;
			v = (v << 4) | (uint64_t)d;
		}
		nwords--;
		/* Bits beyond the largest bitmap are never printed. */
		if (word_bits == 64) {
			if (nwords * 2 < INPUT_WORDS)
				w[nwords * 2] = (uint32_t)v;
			if (nwords * 2 + 1 < INPUT_WORDS)
				w[nwords * 2 + 1] = (uint32_t)(v >> 32);
		} else if (nwords < INPUT_WORDS)
			w[nwords] = (uint32_t)v;
		p += n;
	}
	return 0;
}

size_t
modalias_input(const struct uevent *ev, unsigned int word_bits, char *out,
    size_t outlen, const char **reason)
{
	struct out	 o = { out, outlen, 0, 0 };
	const char	*product, *s;
	const char	*why = NULL;
	uint32_t	 id[4], w[INPUT_WORDS];
	unsigned int	 i, b;

	if (reason == NULL)
		reason = &why;
	*reason = NULL;
	if (outlen > 0)
		out[0] = '\0';
	if ((product = uevent_get(ev, "PRODUCT")) == NULL) {
		*reason = "input: no PRODUCT";
		return 0;
	}
	if (parse_fields(product, "/", 16, 0xffff, id, 4) == -1) {
		*reason = "input: PRODUCT is not BUS/VENDOR/PRODUCT/VERSION "
		    "in hex";
		return 0;
	}
	if (uevent_get(ev, "EV") == NULL) {
		*reason = "input: no EV bitmap";
		return 0;
	}
	if (word_bits == 0) {
		word_bits = (unsigned int)(sizeof(long) * CHAR_BIT);
		for (i = 0; i < sizeof(input_bitmaps) / sizeof(input_bitmaps[0]);
		    i++) {
			s = bitmap_value(uevent_get(ev, input_bitmaps[i].key));
			if (s != NULL && bitmap_widest_word(s) > 8)
				word_bits = 64;
		}
	}
	if (word_bits != 32 && word_bits != 64) {
		*reason = "input: bitmap words must be 32 or 64 bits";
		return 0;
	}
	if (outlen == 0) {
		*reason = MODALIAS_TOO_SMALL;
		return 0;
	}

	out_printf(&o, "input:b%04Xv%04Xp%04Xe%04X-", id[0], id[1], id[2],
	    id[3]);
	for (i = 0; i < sizeof(input_bitmaps) / sizeof(input_bitmaps[0]); i++) {
		const struct input_bitmap *bm = &input_bitmaps[i];

		out_printf(&o, "%c", bm->letter);
		s = bitmap_value(uevent_get(ev, bm->key));
		if (s == NULL)
			continue;
		if (bitmap_parse(s, word_bits, w) == -1) {
			out[0] = '\0';
			*reason = "input: a bitmap is not words of hex digits";
			return 0;
		}
		for (b = bm->min; b < bm->max; b++)
			if (w[b / 32] & (UINT32_C(1) << (b % 32)))
				out_printf(&o, "%X,", b);
	}
	if (o.full) {
		out[0] = '\0';
		*reason = MODALIAS_TOO_SMALL;
		return 0;
	}
	return o.len;
}

struct bus {
	const char	*name;
	int		(*build)(const struct uevent *, struct out *,
			    const char **);
};

/* Sorted by name. */
static const struct bus buses[] = {
	{ "ieee1394",	ieee1394 },
	{ "isapnp",	pnp },
	{ "pci",	pci },
	{ "pnp",	pnp },
	{ "pnpbios",	pnp },
	{ "serio",	serio },
	{ "usb",	usb },
};

size_t
modalias_synthesize(const struct uevent *ev, const char *subsystem,
    char *out, size_t outlen, const char **reason)
{
	struct out	 o = { out, outlen, 0, 0 };
	const char	*why = NULL;
	unsigned int	 i;

	if (reason == NULL)
		reason = &why;
	*reason = NULL;
	if (outlen > 0)
		out[0] = '\0';
	if (subsystem == NULL &&
	    (subsystem = uevent_get(ev, "SUBSYSTEM")) == NULL) {
		*reason = "no SUBSYSTEM";
		return 0;
	}
	if (strcmp(subsystem, "input") == 0)
		return modalias_input(ev, 0, out, outlen, reason);
	for (i = 0; i < sizeof(buses) / sizeof(buses[0]); i++)
		if (strcmp(subsystem, buses[i].name) == 0)
			break;
	if (i == sizeof(buses) / sizeof(buses[0])) {
		*reason = "no MODALIAS synthesis for this subsystem";
		return 0;
	}
	if (outlen == 0) {
		*reason = MODALIAS_TOO_SMALL;
		return 0;
	}
	if (buses[i].build(ev, &o, reason) == -1) {
		out[0] = '\0';
		return 0;
	}
	if (o.full) {
		out[0] = '\0';
		*reason = MODALIAS_TOO_SMALL;
		return 0;
	}
	return o.len;
}
