/* modules.*map lines to modules.alias patterns, exactly as the kernel's file2alias would write them. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alias.h"
#include "mapalias.h"

/*
 * Each function below takes the fields of one map line (module name
 * first) and makes what file2alias makes from the same device table entry
 * in scripts/mod/file2alias.c: each field uppercase hex of its C type's
 * width or '*' when not matched, and a trailing '*' unless the pattern
 * already ends in one.  The USB patterns end at the ip field: 2.4 tables
 * have no bInterfaceNumber, and such patterns match device strings with
 * or without the in field.
 */

#define MAXWORDS	64
#define LINE_MAX_LEN	4096

/* Bounds of the input bitmaps file2alias prints (mod_devicetable.h). */
#define INPUT_EV_MAX		0x1f
#define INPUT_KEY_MIN		0x71
#define INPUT_KEY_MAX		0x2ff
#define INPUT_REL_MAX		0x0f
#define INPUT_ABS_MAX		0x3f
#define INPUT_MSC_MAX		0x07
#define INPUT_LED_MAX		0x0f
#define INPUT_SND_MAX		0x07
#define INPUT_FF_MAX		0x7f
#define INPUT_SW_MAX		0x10
#define INPUT_BITS		(INPUT_KEY_MAX + 1)

struct pat {
	char	s[ALIAS_MAX];
	size_t	n;
	int	overflow;
};

struct line {
	char		 buf[LINE_MAX_LEN];
	char		*w[MAXWORDS];
	int		 nw;
	void		(*cb)(const char *, const char *, void *);
	void		*arg;
	int		 count;
};

static const char *const map_files[MAPALIAS_NTYPES] = {
	"modules.pcimap", "modules.usbmap", "modules.isapnpmap",
	"modules.ieee1394map", "modules.inputmap", "modules.seriomap",
	"modules.ccwmap", "modules.ofmap", "modules.pnpbiosmap"
};

const char *
mapalias_file(enum mapalias_type type)
{
	return type < MAPALIAS_NTYPES ? map_files[type] : NULL;
}

static void
pat_reset(struct pat *p, const char *prefix)
{
	p->n = 0;
	p->overflow = 0;
	p->s[0] = '\0';
	if (prefix != NULL) {
		p->n = strlen(prefix);
		memcpy(p->s, prefix, p->n + 1);
	}
}

static void __attribute__((format(printf, 2, 3)))
pat_add(struct pat *p, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	if (p->overflow)
		return;
	va_start(ap, fmt);
	r = vsnprintf(p->s + p->n, sizeof(p->s) - p->n, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof(p->s) - p->n)
		p->overflow = 1;
	else
		p->n += (size_t)r;
}

/* file2alias's ADD(): sep, then the value in digits hex digits, or '*'. */
static void
pat_field(struct pat *p, const char *sep, int matched, int digits,
    unsigned long v)
{
	if (matched)
		pat_add(p, "%s%0*lX", sep, digits, v);
	else
		pat_add(p, "%s*", sep);
}

static void
pat_wildcard(struct pat *p)
{
	if (p->n == 0 || p->s[p->n - 1] != '*')
		pat_add(p, "*");
}

/*
 * Whether every '[' in s has a ']' after it and no ']' stands alone: kmod
 * drops any other pattern, so writing it would only hide the entry.
 */
static int
brackets_balance(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == ']')
			return 0;
		if (*s == '[') {
			while (*s != '\0' && *s != ']')
				s++;
			if (*s == '\0')
				return 0;
		}
	}
	return 1;
}

/* Hand a finished pattern to the caller: 0, or -1 when it overflowed or kmod would refuse it. */
static int
emit(struct line *l, struct pat *p, const char **why)
{
	if (p->overflow) {
		*why = "pattern too long";
		return -1;
	}
	/* Names and ids copied from the map (ofmap, pnpbiosmap) may hold brackets. */
	if (!brackets_balance(p->s)) {
		*why = "unmatched bracket in a field";
		return -1;
	}
	l->cb(p->s, l->w[0], l->arg);
	l->count++;
	return 0;
}

/* A number as the map writers print them: 0x-prefixed hex, or decimal. */
static int
num(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long	 v;
	char			*end;
	int			 base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s < '0' || (*s > '9' && base == 10) ||
	    (base == 16 && !((*s >= '0' && *s <= '9') ||
	    (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'))))
		return -1;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Fields first..first+n-1 as numbers no larger than max each. */
static int
nums(struct line *l, int first, int n, unsigned long long max,
    unsigned long long *v, const char **why)
{
	int	 i;

	for (i = 0; i < n; i++) {
		if (num(l->w[first + i], max, &v[i]) == -1) {
			*why = "bad number";
			return -1;
		}
	}
	return 0;
}

static int
need(struct line *l, int n, const char **why)
{
	if (l->nw < n) {
		*why = "too few fields";
		return -1;
	}
	return 0;
}

/* pcimap: module vendor device subvendor subdevice class class_mask [driver_data]. */
static int
do_pci(struct line *l, const char **why)
{
	unsigned long long	 v[6];
	unsigned int		 bcm, scm, im;
	struct pat		 p;

	if (need(l, 7, why) == -1 || nums(l, 1, 6, 0xffffffffULL, v, why) == -1)
		return -1;
	bcm = (unsigned int)(v[5] >> 16) & 0xff;
	scm = (unsigned int)(v[5] >> 8) & 0xff;
	im = (unsigned int)v[5] & 0xff;
	if ((bcm != 0 && bcm != 0xff) || (scm != 0 && scm != 0xff) ||
	    (im != 0 && im != 0xff)) {
		*why = "class mask with partial bytes: no pattern expresses it";
		return 0;
	}
	pat_reset(&p, "pci:");
	pat_field(&p, "v", v[0] != 0xffffffff, 8, (unsigned long)v[0]);
	pat_field(&p, "d", v[1] != 0xffffffff, 8, (unsigned long)v[1]);
	pat_field(&p, "sv", v[2] != 0xffffffff, 8, (unsigned long)v[2]);
	pat_field(&p, "sd", v[3] != 0xffffffff, 8, (unsigned long)v[3]);
	pat_field(&p, "bc", bcm == 0xff, 2, (unsigned long)(v[4] >> 16) & 0xff);
	pat_field(&p, "sc", scm == 0xff, 2, (unsigned long)(v[4] >> 8) & 0xff);
	pat_field(&p, "i", im == 0xff, 2, (unsigned long)v[4] & 0xff);
	pat_wildcard(&p);
	return emit(l, &p, why);
}

#define USB_MATCH_VENDOR	0x0001
#define USB_MATCH_PRODUCT	0x0002
#define USB_MATCH_DEV_LO	0x0004
#define USB_MATCH_DEV_HI	0x0008
#define USB_MATCH_DEV_CLASS	0x0010
#define USB_MATCH_DEV_SUBCLASS	0x0020
#define USB_MATCH_DEV_PROTOCOL	0x0040
#define USB_MATCH_INT_CLASS	0x0080
#define USB_MATCH_INT_SUBCLASS	0x0100
#define USB_MATCH_INT_PROTOCOL	0x0200

struct usb_id {
	unsigned int	flags, vendor, product;
	unsigned int	dc, dsc, dp, ic, isc, ip;
};

/* One pattern: bcdDevice as ndigits digits of initial, then the digit range lo..hi. */
static int
usb_entry(struct line *l, const struct usb_id *u, unsigned int initial,
    int ndigits, unsigned int lo, unsigned int hi, unsigned int max,
    const char **why)
{
	struct pat	 p;

	pat_reset(&p, "usb:");
	pat_field(&p, "v", u->flags & USB_MATCH_VENDOR, 4, u->vendor);
	pat_field(&p, "p", u->flags & USB_MATCH_PRODUCT, 4, u->product);
	pat_add(&p, "d");
	if (ndigits > 0)
		pat_add(&p, "%0*X", ndigits, initial);
	if (lo == hi)
		pat_add(&p, "%X", lo);
	else if (lo > 0 || hi < max) {
		if (lo > 0x9 || hi < 0xa)
			pat_add(&p, "[%X-%X]", lo, hi);
		else {
			pat_add(&p, lo < 0x9 ? "[%X-9" : "[%X", lo);
			pat_add(&p, hi > 0xa ? "A-%X]" : "%X]", hi);
		}
	}
	if (ndigits < 3)
		pat_add(&p, "*");
	pat_field(&p, "dc", u->flags & USB_MATCH_DEV_CLASS, 2, u->dc);
	pat_field(&p, "dsc", u->flags & USB_MATCH_DEV_SUBCLASS, 2, u->dsc);
	pat_field(&p, "dp", u->flags & USB_MATCH_DEV_PROTOCOL, 2, u->dp);
	pat_field(&p, "ic", u->flags & USB_MATCH_INT_CLASS, 2, u->ic);
	pat_field(&p, "isc", u->flags & USB_MATCH_INT_SUBCLASS, 2, u->isc);
	pat_field(&p, "ip", u->flags & USB_MATCH_INT_PROTOCOL, 2, u->ip);
	pat_wildcard(&p);
	return emit(l, &p, why);
}

/* Step a 4-digit BCD (max 9) or hex (max F) number by inc; returns the old value. */
static unsigned int
usb_step(unsigned int *bcd, int inc, unsigned int max)
{
	unsigned int		 init = *bcd, i, j;
	unsigned long long	 c, dec = 0;

	if (max > 0x9) {
		*bcd += (unsigned int)inc;
		return init;
	}
	for (i = 0; i < 4; i++) {
		c = (*bcd >> (i << 2)) & 0xf;
		c = c > 9 ? 9 : c;
		for (j = 0; j < i; j++)
			c *= 10;
		dec += c;
	}
	dec += (unsigned long long)(long long)inc;
	*bcd = 0;
	for (i = 0; i < 4; i++) {
		for (c = 1, j = 0; j < i; j++)
			c *= 10;
		*bcd += (unsigned int)((dec / c) % 10) << (i << 2);
	}
	return init;
}

/*
 * usbmap: module match_flags idVendor idProduct bcdDevice_lo bcdDevice_hi
 * bDeviceClass bDeviceSubClass bDeviceProtocol bInterfaceClass
 * bInterfaceSubClass bInterfaceProtocol [driver_info].  The bcdDevice
 * range becomes one pattern per run of digits, as do_usb_entry_multi()
 * splits it: decimal digits unless a digit of a bound is above 9.
 */
static int
do_usb(struct line *l, const char **why)
{
	unsigned long long	 v[11];
	struct usb_id		 u;
	unsigned int		 devlo, devhi, clo, chi, max;
	int			 ndigits;

	if (need(l, 12, why) == -1 || nums(l, 1, 5, 0xffff, v, why) == -1 ||
	    nums(l, 6, 6, 0xff, v + 5, why) == -1)
		return -1;
	u.flags = (unsigned int)v[0];
	u.vendor = (unsigned int)v[1];
	u.product = (unsigned int)v[2];
	u.dc = (unsigned int)v[5];
	u.dsc = (unsigned int)v[6];
	u.dp = (unsigned int)v[7];
	u.ic = (unsigned int)v[8];
	u.isc = (unsigned int)v[9];
	u.ip = (unsigned int)v[10];
	devlo = u.flags & USB_MATCH_DEV_LO ? (unsigned int)v[3] : 0x0U;
	devhi = u.flags & USB_MATCH_DEV_HI ? (unsigned int)v[4] : ~0x0U;

	max = 0x9;
	for (ndigits = 0; ndigits < 4; ndigits++) {
		clo = (devlo >> (ndigits << 2)) & 0xf;
		chi = ((devhi > 0x9999 ? 0x9999 : devhi) >> (ndigits << 2)) &
		    0xf;
		if (clo > max || chi > max) {
			max = 0xf;
			break;
		}
	}
	/* Placeholder slots (visor) would become catch-all patterns. */
	if (!(u.vendor | u.product | u.dc | u.ic))
		return 0;

	for (ndigits = 3; devlo <= devhi; ndigits--) {
		clo = devlo & 0xf;
		chi = devhi & 0xf;
		if (chi > max)
			chi = max;
		devlo >>= 4;
		devhi >>= 4;
		if (devlo == devhi || ndigits == 0)
			return usb_entry(l, &u, devlo, ndigits, clo, chi, max,
			    why);
		if (clo > 0x0 && usb_entry(l, &u, usb_step(&devlo, 1, max),
		    ndigits, clo, max, max, why) == -1)
			return -1;
		if (chi < max && usb_entry(l, &u, usb_step(&devhi, -1, max),
		    ndigits, 0x0, chi, max, why) == -1)
			return -1;
	}
	return 0;
}

/*
 * isapnpmap: module cardvendor carddevice driver_data, then vendor
 * function pairs: one pattern per device, its EISA id decoded.  0xffff is
 * ISAPNP_ANY_ID: no device id to match, so no pattern.
 */
static int
do_isapnp(struct line *l, const char **why)
{
	unsigned long long	 v[2];
	unsigned int		 ven, fn;
	struct pat		 p;
	int			 i;

	if (need(l, 4, why) == -1 || nums(l, 1, 2, 0xffff, v, why) == -1)
		return -1;
	if ((l->nw - 4) % 2 != 0) {
		*why = "vendor without function";
		return -1;
	}
	for (i = 4; i < l->nw; i += 2)
		if (nums(l, i, 2, 0xffff, v, why) == -1)
			return -1;
	for (i = 4; i < l->nw; i += 2) {
		nums(l, i, 2, 0xffff, v, why);
		ven = (unsigned int)v[0];
		fn = (unsigned int)v[1];
		if (ven == 0 || ven == 0xffff || fn == 0xffff)
			continue;
		pat_reset(&p, NULL);
		pat_add(&p, "pnp:d%c%c%c%x%x%x%x*",
		    'A' + ((ven >> 2) & 0x3f) - 1,
		    'A' + (((ven & 3) << 3) | ((ven >> 13) & 7)) - 1,
		    'A' + ((ven >> 8) & 0x1f) - 1,
		    (fn >> 4) & 0x0f, fn & 0x0f, (fn >> 12) & 0x0f,
		    (fn >> 8) & 0x0f);
		if (emit(l, &p, why) == -1)
			return -1;
	}
	return 0;
}

/* ieee1394map: module match_flags vendor_id model_id specifier_id version. */
static int
do_ieee1394(struct line *l, const char **why)
{
	unsigned long long	 v[5];
	struct pat		 p;

	if (need(l, 6, why) == -1 || nums(l, 1, 5, 0xffffffffULL, v, why) == -1)
		return -1;
	pat_reset(&p, "ieee1394:");
	pat_field(&p, "ven", v[0] & 0x1, 8, (unsigned long)v[1]);
	pat_field(&p, "mo", v[0] & 0x2, 8, (unsigned long)v[2]);
	pat_field(&p, "sp", v[0] & 0x4, 8, (unsigned long)v[3]);
	pat_field(&p, "ver", v[0] & 0x8, 8, (unsigned long)v[4]);
	pat_wildcard(&p);
	return emit(l, &p, why);
}

/*
 * An inputmap bitmap: hex words of wordbits bits joined by ':', the
 * highest first, into bits[] (bit i set when bit i of the bitmap is).
 */
static int
input_bitmap(const char *s, int wordbits, unsigned char *bits)
{
	const char		*w[INPUT_BITS];
	char			 word[32], *end;
	unsigned long long	 v;
	size_t			 len;
	int			 n = 0, i, b;

	memset(bits, 0, INPUT_BITS);
	for (;;) {
		if (n == INPUT_BITS)
			return -1;
		w[n++] = s;
		if ((s = strchr(s, ':')) == NULL)
			break;
		s++;
	}
	for (i = 0; i < n; i++) {
		len = strcspn(w[i], ":");
		if (len == 0 || len >= sizeof(word) || len > (size_t)wordbits / 4)
			return -1;
		memcpy(word, w[i], len);
		word[len] = '\0';
		if (strspn(word, "0123456789abcdefABCDEF") != len)
			return -1;
		v = strtoull(word, &end, 16);
		/* Word n-1 holds bits 0 to wordbits-1. */
		for (b = 0; b < wordbits; b++) {
			long	 bit = (long)(n - 1 - i) * wordbits + b;

			if ((v >> b) & 1 && bit < INPUT_BITS)
				bits[bit] = 1;
		}
	}
	return 0;
}

static void
input_bits(struct pat *p, const unsigned char *bits, int min, int max)
{
	int	 i;

	for (i = min; i < max; i++)
		if (bits[i])
			pat_add(p, "%X,*", i);
}

/*
 * inputmap: module matchBits bustype vendor product version evBits keyBits
 * relBits absBits mscBits ledBits sndBits ffBits [swBits] driver_info.
 * matchBits 0 with driver_info 0 is a table's terminator, not an entry;
 * with driver_info set it matches every device (evdev).
 */
static int
do_input(struct line *l, int wordbits, const char **why)
{
	static const struct {
		unsigned int	 flag;
		const char	*sep;
		int		 min, max;
	} maps[] = {
		{ 0x0010, "-e*", 0, INPUT_EV_MAX },
		{ 0x0020, "k*", INPUT_KEY_MIN, INPUT_KEY_MAX },
		{ 0x0040, "r*", 0, INPUT_REL_MAX },
		{ 0x0080, "a*", 0, INPUT_ABS_MAX },
		{ 0x0100, "m*", 0, INPUT_MSC_MAX },
		{ 0x0200, "l*", 0, INPUT_LED_MAX },
		{ 0x0400, "s*", 0, INPUT_SND_MAX },
		{ 0x0800, "f*", 0, INPUT_FF_MAX },
		{ 0x1000, "w*", 0, INPUT_SW_MAX },
	};
	unsigned char		 bits[INPUT_BITS];
	unsigned long long	 v[5], info;
	struct pat		 p;
	size_t			 i;
	int			 nmaps;

	if (l->nw != 15 && l->nw != 16) {
		*why = "an inputmap line has 15 or 16 fields";
		return -1;
	}
	if (wordbits != 32 && wordbits != 64) {
		*why = "word size must be 32 or 64 bits";
		return -1;
	}
	nmaps = l->nw == 16 ? 9 : 8;
	if (nums(l, 1, 1, 0xffffffffULL, v, why) == -1 ||
	    nums(l, 2, 4, 0xffff, v + 1, why) == -1 ||
	    num(l->w[l->nw - 1], ~0ULL, &info) == -1) {
		*why = "bad number";
		return -1;
	}
	for (i = 0; i < (size_t)nmaps; i++)
		if (input_bitmap(l->w[6 + i], wordbits, bits) == -1) {
			*why = "bad bitmap";
			return -1;
		}
	if (v[0] == 0 && info == 0)
		return 0;
	pat_reset(&p, "input:");
	pat_field(&p, "b", v[0] & 0x1, 4, (unsigned long)v[1]);
	pat_field(&p, "v", v[0] & 0x2, 4, (unsigned long)v[2]);
	pat_field(&p, "p", v[0] & 0x4, 4, (unsigned long)v[3]);
	pat_field(&p, "e", v[0] & 0x8, 4, (unsigned long)v[4]);
	for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		pat_add(&p, "%s", maps[i].sep);
		if (!(v[0] & maps[i].flag))
			continue;
		if ((int)i >= nmaps)
			memset(bits, 0, sizeof(bits));
		else
			input_bitmap(l->w[6 + i], wordbits, bits);
		input_bits(&p, bits, maps[i].min, maps[i].max);
	}
	return emit(l, &p, why);
}

/* seriomap: module type extra id proto; 0xff is SERIO_ANY. */
static int
do_serio(struct line *l, const char **why)
{
	unsigned long long	 v[4];
	struct pat		 p;

	if (need(l, 5, why) == -1 || nums(l, 1, 4, 0xff, v, why) == -1)
		return -1;
	pat_reset(&p, "serio:");
	pat_field(&p, "ty", v[0] != 0xff, 2, (unsigned long)v[0]);
	pat_field(&p, "pr", v[3] != 0xff, 2, (unsigned long)v[3]);
	pat_field(&p, "id", v[2] != 0xff, 2, (unsigned long)v[2]);
	pat_field(&p, "ex", v[1] != 0xff, 2, (unsigned long)v[1]);
	pat_wildcard(&p);
	return emit(l, &p, why);
}

/* ccwmap: module match_flags cu_type cu_model dev_type dev_model. */
static int
do_ccw(struct line *l, const char **why)
{
	unsigned long long	 v[5];
	struct pat		 p;

	if (need(l, 6, why) == -1 || nums(l, 1, 5, 0xffff, v, why) == -1)
		return -1;
	if (v[2] > 0xff || v[4] > 0xff) {
		*why = "bad number";
		return -1;
	}
	pat_reset(&p, "ccw:");
	pat_field(&p, "t", v[0] & 0x1, 4, (unsigned long)v[1]);
	pat_field(&p, "m", v[0] & 0x2, 2, (unsigned long)v[2]);
	pat_field(&p, "dt", v[0] & 0x4, 4, (unsigned long)v[3]);
	pat_field(&p, "dm", v[0] & 0x8, 2, (unsigned long)v[4]);
	pat_wildcard(&p);
	return emit(l, &p, why);
}

/*
 * ofmap: module name type compatible, '*' for an empty field.  As
 * file2alias does today: of:N<name>T<type>[*]C<compatible>, and the same
 * followed by C* (more compatible strings).
 */
static int
do_of(struct line *l, const char **why)
{
	const char	*name, *type, *compat;
	struct pat	 p;

	if (need(l, 4, why) == -1)
		return -1;
	name = l->w[1];
	type = strcmp(l->w[2], "*") == 0 ? "" : l->w[2];
	compat = strcmp(l->w[3], "*") == 0 ? "" : l->w[3];
	pat_reset(&p, NULL);
	pat_add(&p, "of:N%sT%s", name, type[0] != '\0' ? type : "*");
	if (compat[0] != '\0')
		pat_add(&p, "%sC%s", type[0] != '\0' ? "*" : "", compat);
	if (emit(l, &p, why) == -1)
		return -1;
	pat_add(&p, "C*");
	return emit(l, &p, why);
}

/* pnpbiosmap: module id. */
static int
do_pnpbios(struct line *l, const char **why)
{
	struct pat	 p;

	if (need(l, 2, why) == -1)
		return -1;
	pat_reset(&p, NULL);
	pat_add(&p, "pnp:d%s*", l->w[1]);
	return emit(l, &p, why);
}

int
mapalias_line(enum mapalias_type type, const char *text, int wordbits,
    void (*cb)(const char *, const char *, void *), void *arg,
    const char **why)
{
	struct line	 l;
	char		*s, *save;
	size_t		 len;
	int		 r;

	*why = NULL;
	len = strcspn(text, "\n");
	if (len >= sizeof(l.buf)) {
		*why = "line too long";
		return -1;
	}
	memcpy(l.buf, text, len);
	l.buf[len] = '\0';
	l.nw = 0;
	l.cb = cb;
	l.arg = arg;
	l.count = 0;
	for (s = strtok_r(l.buf, " \t\r\v\f", &save); s != NULL;
	    s = strtok_r(NULL, " \t\r\v\f", &save)) {
		if (l.nw == MAXWORDS) {
			*why = "too many fields";
			return -1;
		}
		l.w[l.nw++] = s;
	}
	if (l.nw == 0 || l.w[0][0] == '#')
		return 0;

	switch (type) {
	case MAPALIAS_PCI:
		r = do_pci(&l, why);
		break;
	case MAPALIAS_USB:
		r = do_usb(&l, why);
		break;
	case MAPALIAS_ISAPNP:
		r = do_isapnp(&l, why);
		break;
	case MAPALIAS_IEEE1394:
		r = do_ieee1394(&l, why);
		break;
	case MAPALIAS_INPUT:
		r = do_input(&l, wordbits, why);
		break;
	case MAPALIAS_SERIO:
		r = do_serio(&l, why);
		break;
	case MAPALIAS_CCW:
		r = do_ccw(&l, why);
		break;
	case MAPALIAS_OF:
		r = do_of(&l, why);
		break;
	case MAPALIAS_PNPBIOS:
		r = do_pnpbios(&l, why);
		break;
	default:
		*why = "unknown map type";
		return -1;
	}
	return r == -1 ? -1 : l.count;
}
