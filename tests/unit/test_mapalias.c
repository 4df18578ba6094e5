/* Table tests for the map line parsers: every map type, the reference's worked examples, and a round trip through the matcher. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alias.h"
#include "log.h"
#include "mapalias.h"

struct map_case {
	enum mapalias_type	 type;
	int			 wordbits;
	const char		*line;
	int			 ret;		/* mapalias_line's result */
	const char		*want;		/* patterns, '\n'-separated; or the reason */
};

/*
 * Lines as modutils 2.4 and module-init-tools write them (their printf
 * formats, with ids of real 2.4 drivers), and the worked examples of
 * shared/reference/kernel-formats.md.  Expected patterns are what the
 * kernel's file2alias makes of the same table entries; the 64-bit input
 * joydev and evdev lines give patterns found verbatim in Debian 6.1's
 * modules.alias.
 */
static const struct map_case map_cases[] = {
	/* pcimap */
	{ MAPALIAS_PCI, 64, "# pci module         vendor     device     "
	    "subvendor  subdevice  class      class_mask driver_data", 0, NULL },
	{ MAPALIAS_PCI, 64, "", 0, NULL },
	{ MAPALIAS_PCI, 64, "acx100_pci 0x0000104c 0x00008400 0xffffffff "
	    "0xffffffff 0x00000000 0x00000000 0x0", 1,
	    "pci:v0000104Cd00008400sv*sd*bc*sc*i*" },
	{ MAPALIAS_PCI, 64, "usb-ohci             0xffffffff 0xffffffff "
	    "0xffffffff 0xffffffff 0x000c0310 0xffffffff 0x0", 1,
	    "pci:v*d*sv*sd*bc0Csc03i10*" },
	{ MAPALIAS_PCI, 64, "e100                 0x00008086 0x00001229 "
	    "0x00008086 0x00000001 0x00000000 0x00000000 0x0000000000000000", 1,
	    "pci:v00008086d00001229sv00008086sd00000001bc*sc*i*" },
	/* Class masks: whole bytes print, zero bytes are '*' (not i00). */
	{ MAPALIAS_PCI, 64, "ehci-hcd 0xffffffff 0xffffffff 0xffffffff "
	    "0xffffffff 0x000c0320 0x00ffff00 0x0", 1,
	    "pci:v*d*sv*sd*bc0Csc03i*" },
	{ MAPALIAS_PCI, 64, "sym53c8xx 0x00001000 0xffffffff 0xffffffff "
	    "0xffffffff 0x00010000 0x00ff0000 0x0", 1,
	    "pci:v00001000d*sv*sd*bc01sc*i*" },
	{ MAPALIAS_PCI, 64, "partial 0xffffffff 0xffffffff 0xffffffff "
	    "0xffffffff 0x00030000 0x00fe0000 0x0", 0,
	    "class mask with partial bytes: no pattern expresses it" },
	{ MAPALIAS_PCI, 64, "short 0x00008086 0x00001229", -1,
	    "too few fields" },
	{ MAPALIAS_PCI, 64, "bad 0x00008086 0x0000122g 0xffffffff 0xffffffff "
	    "0 0 0x0", -1, "bad number" },
	{ MAPALIAS_PCI, 64, "big 0x100008086 0x00001229 0xffffffff 0xffffffff "
	    "0 0 0x0", -1, "bad number" },

	/* usbmap */
	{ MAPALIAS_USB, 64, "hid 0x0080 0 0 0 0 0 0 0 0x03 0 0 0", 1,
	    "usb:v*p*d*dc*dsc*dp*ic03isc*ip*" },
	{ MAPALIAS_USB, 64, "printer 0x000f 0x03f0 0x0207 0x0001 0x0001 0x00 "
	    "0x00 0x00 0x00 0x00 0x00 0x0", 1,
	    "usb:v03F0p0207d0001dc*dsc*dp*ic*isc*ip*" },
	{ MAPALIAS_USB, 64, "usb-storage          0x0380      0x0000   0x0000"
	    "    0x0000       0x0000       0x00         0x00            0x00"
	    "            0x08            0x06               0x50"
	    "               0x0", 1, "usb:v*p*d*dc*dsc*dp*ic08isc06ip50*" },
	{ MAPALIAS_USB, 64, "usbnet 0x0003 0x0547 0x2720 0 0 0 0 0 0 0 0 0", 1,
	    "usb:v0547p2720d*dc*dsc*dp*ic*isc*ip*" },
	{ MAPALIAS_USB, 64, "hub 0x0010 0 0 0 0 0x09 0 0 0 0 0 0", 1,
	    "usb:v*p*d*dc09dsc*dp*ic*isc*ip*" },
	/* The bcdDevice range expansions of the reference. */
	{ MAPALIAS_USB, 64, "r1 0x000f 0x1234 0x5678 0x0100 0x0100 0 0 0 0 0 0 0",
	    1, "usb:v1234p5678d0100dc*dsc*dp*ic*isc*ip*" },
	{ MAPALIAS_USB, 64, "r2 0x000f 0x1234 0x5678 0x0106 0x0450 0 0 0 0 0 0 0",
	    5, "usb:v1234p5678d010[6-9]dc*dsc*dp*ic*isc*ip*\n"
	    "usb:v1234p5678d0450dc*dsc*dp*ic*isc*ip*\n"
	    "usb:v1234p5678d01[1-9]*dc*dsc*dp*ic*isc*ip*\n"
	    "usb:v1234p5678d04[0-4]*dc*dsc*dp*ic*isc*ip*\n"
	    "usb:v1234p5678d0[2-3]*dc*dsc*dp*ic*isc*ip*" },
	{ MAPALIAS_USB, 64, "r3 0x000f 0x1234 0x5678 0x0100 0x0205 0 0 0 0 0 0 0",
	    2, "usb:v1234p5678d020[0-5]dc*dsc*dp*ic*isc*ip*\n"
	    "usb:v1234p5678d01*dc*dsc*dp*ic*isc*ip*" },
	{ MAPALIAS_USB, 64, "r4 0x000f 0x1234 0x5678 0x0001 0x00ff 0 0 0 0 0 0 0",
	    2, "usb:v1234p5678d000[1-9A-F]dc*dsc*dp*ic*isc*ip*\n"
	    "usb:v1234p5678d00[1-9A-F]*dc*dsc*dp*ic*isc*ip*" },
	/* Only a low bound: up to 9999 in BCD. */
	{ MAPALIAS_USB, 64, "r5 0x0007 0x1234 0x5678 0x0200 0x0000 0 0 0 0 0 0 0",
	    2, "usb:v1234p5678d0[2-9]*dc*dsc*dp*ic*isc*ip*\n"
	    "usb:v1234p5678d[1-9]*dc*dsc*dp*ic*isc*ip*" },
	/* A range straddling 9 and A in hex mode, and one of 9..A exactly. */
	{ MAPALIAS_USB, 64, "r6 0x000f 0x1234 0x5678 0x0005 0x000c 0 0 0 0 0 0 0",
	    1, "usb:v1234p5678d000[5-9A-C]dc*dsc*dp*ic*isc*ip*" },
	{ MAPALIAS_USB, 64, "r7 0x000f 0x1234 0x5678 0x0009 0x000a 0 0 0 0 0 0 0",
	    1, "usb:v1234p5678d000[9A]dc*dsc*dp*ic*isc*ip*" },
	/* An empty range makes nothing. */
	{ MAPALIAS_USB, 64, "r8 0x000f 0x1234 0x5678 0x0200 0x0100 0 0 0 0 0 0 0",
	    0, NULL },
	{ MAPALIAS_USB, 64, "visor 0x0003 0 0 0 0 0 0 0 0 0 0 0", 0, NULL },
	{ MAPALIAS_USB, 64, "short 0x0003 0x1234 0x5678", -1, "too few fields" },
	{ MAPALIAS_USB, 64, "big 0x0003 0x12345 0x5678 0 0 0 0 0 0 0 0 0", -1,
	    "bad number" },
	{ MAPALIAS_USB, 64, "big 0x0003 0x1234 0x5678 0 0 0x100 0 0 0 0 0 0", -1,
	    "bad number" },

	/* isapnpmap */
	{ MAPALIAS_ISAPNP, 64, "serial 0xffff 0xffff 0x00000000 0xd041 0x0105",
	    1, "pnp:dPNP0501*" },
	{ MAPALIAS_ISAPNP, 64, "sb 0x8c0e 0x0024 0x00000000 0x8c0e 0x3100 "
	    "0x8c0e 0x0070", 2, "pnp:dCTL0031*\npnp:dCTL7000*" },
	{ MAPALIAS_ISAPNP, 64, "any 0xffff 0xffff 0x00000000 0xffff 0xffff", 0,
	    NULL },
	{ MAPALIAS_ISAPNP, 64, "card 0x8c0e 0x0024 0x00000000", 0, NULL },
	{ MAPALIAS_ISAPNP, 64, "odd 0xffff 0xffff 0x0 0xd041", -1,
	    "vendor without function" },

	/* ieee1394map */
	{ MAPALIAS_IEEE1394, 64, "sbp2 0xc 0 0 0x00609e 0x010483", 1,
	    "ieee1394:ven*mo*sp0000609Ever00010483*" },
	{ MAPALIAS_IEEE1394, 64, "eth1394              0x00000006  0x000000  "
	    "0x000000 0x00005e     0x000001", 1,
	    "ieee1394:ven*mo00000000sp0000005Ever*" },
	{ MAPALIAS_IEEE1394, 64, "dv1394 0xf 0xa02d 0x1 0xa02d 0x100", 1,
	    "ieee1394:ven0000A02Dmo00000001sp0000A02Dver00000100*" },

	/* inputmap, with 15 fields (before swBits) and 16 */
	{ MAPALIAS_INPUT, 64, "evdev                0x0  0x0  0x0  0x0  0x0  0"
	    "  0  0  0  0  0  0  0  0  0x1", 1,
	    "input:b*v*p*e*-e*k*r*a*m*l*s*f*w*" },
	{ MAPALIAS_INPUT, 64, "joydev               0x90  0x0  0x0  0x0  0x0  8"
	    "  0  0  1  0  0  0  0  0  0x0", 1,
	    "input:b*v*p*e*-e*3,*k*r*a*0,*m*l*s*f*w*" },
	{ MAPALIAS_INPUT, 64, "joydev 0x30 0x0 0x0 0x0 0x0 2 100000000:0:0:0:0 "
	    "0 0 0 0 0 0 0x0", 1,
	    "input:b*v*p*e*-e*1,*k*120,*r*a*m*l*s*f*w*" },
	{ MAPALIAS_INPUT, 32, "joydev 0x30 0x0 0x0 0x0 0x0 2 1:0:0:0:0:0:0:0:0:0 "
	    "0 0 0 0 0 0 0 0x0", 1,
	    "input:b*v*p*e*-e*1,*k*120,*r*a*m*l*s*f*w*" },
	{ MAPALIAS_INPUT, 32, "dev 0x1f 0x3 0x46d 0xc52b 0x111 2 "
	    "0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0 0 0 0 0 0 0 0x0", 1,
	    "input:b0003v046DpC52Be0111-e*1,*k*r*a*m*l*s*f*w*" },
	/* Keys below 0x71 are not interesting to file2alias. */
	{ MAPALIAS_INPUT, 64, "kbd 0x20 0 0 0 0 0 ffffffff 0 0 0 0 0 0 0 0x1", 1,
	    "input:b*v*p*e*-e*k*r*a*m*l*s*f*w*" },
	{ MAPALIAS_INPUT, 64, "sw 0x1000 0 0 0 0 0 0 0 0 0 0 0 0 5 0x0", 1,
	    "input:b*v*p*e*-e*k*r*a*m*l*s*f*w*0,*2,*" },
	{ MAPALIAS_INPUT, 64, "end 0x0 0x0 0x0 0x0 0x0 0 0 0 0 0 0 0 0 0 0x0", 0,
	    NULL },
	{ MAPALIAS_INPUT, 32, "wide 0x30 0 0 0 0 2 100000000:0 0 0 0 0 0 0 0 0x0",
	    -1, "bad bitmap" },
	{ MAPALIAS_INPUT, 64, "few 0x30 0 0 0 0 2 0", -1,
	    "an inputmap line has 15 or 16 fields" },

	/* seriomap: type extra id proto */
	{ MAPALIAS_SERIO, 64, "psmouse              0x01 0xff  0xff 0xff", 1,
	    "serio:ty01pr*id*ex*" },
	{ MAPALIAS_SERIO, 64, "lkkbd 0x02 0xff 0xff 0x28", 1,
	    "serio:ty02pr28id*ex*" },
	{ MAPALIAS_SERIO, 64, "x 0x06 0x01 0x02 0x03", 1,
	    "serio:ty06pr03id02ex01*" },

	/* ccwmap */
	{ MAPALIAS_CCW, 64, "dasd_eckd_mod        0x0005      0x3990  0x00"
	    "      0x3390  0x00", 1, "ccw:t3990m*dt3390dm*" },
	{ MAPALIAS_CCW, 64, "ctc 0x000f 0x3088 0x08 0x0000 0x00", 1,
	    "ccw:t3088m08dt0000dm00*" },

	/* ofmap */
	{ MAPALIAS_OF, 64, "sungem               *                    "
	    "network              gem", 2,
	    "of:N*Tnetwork*Cgem\nof:N*Tnetwork*CgemC*" },
	{ MAPALIAS_OF, 64, "i2c-keywest * * keywest-i2c", 2,
	    "of:N*T*Ckeywest-i2c\nof:N*T*Ckeywest-i2cC*" },
	{ MAPALIAS_OF, 64, "snd-aoa-i2sbus i2s * *", 2,
	    "of:Ni2sT*\nof:Ni2sT*C*" },
	{ MAPALIAS_OF, 64, "x name", -1, "too few fields" },

	/* pnpbiosmap */
	/* A name kmod would refuse as a pattern is refused here, not written. */
	{ MAPALIAS_OF, 64, "x na]me * *", -1, "unmatched bracket in a field" },
	{ MAPALIAS_OF, 64, "x name t[ype *", -1, "unmatched bracket in a field" },
	{ MAPALIAS_OF, 64, "x [n]ame * *", 2, "of:N[n]ameT*\nof:N[n]ameT*C*" },
	{ MAPALIAS_PNPBIOS, 64, "x ]-/", -1, "unmatched bracket in a field" },
	{ MAPALIAS_PNPBIOS, 64, "# module             id", 0, NULL },
	{ MAPALIAS_PNPBIOS, 64, "parport_pc           PNP0400", 1,
	    "pnp:dPNP0400*" },
};

struct out {
	char	buf[2048];
	char	module[64];
};

static void
collect(const char *pattern, const char *module, void *arg)
{
	struct out	*o = arg;

	if (o->buf[0] != '\0')
		strcat(o->buf, "\n");
	strcat(o->buf, pattern);
	snprintf(o->module, sizeof(o->module), "%s", module);
}

static void
test_map_table(void **state)
{
	const struct map_case	*c;
	const char		*why;
	struct out		 o;
	size_t			 i;
	int			 r;

	(void)state;
	for (i = 0; i < sizeof(map_cases) / sizeof(map_cases[0]); i++) {
		c = &map_cases[i];
		memset(&o, 0, sizeof(o));
		r = mapalias_line(c->type, c->line, c->wordbits, collect, &o,
		    &why);
		if (r != c->ret)
			fail_msg("%s: returned %d, want %d (%s)", c->line, r,
			    c->ret, why ? why : "");
		if (r > 0) {
			if (strcmp(o.buf, c->want) != 0)
				fail_msg("%s:\ngot\n%s\nwant\n%s", c->line, o.buf,
				    c->want);
			if (strncmp(c->line, o.module, strlen(o.module)) != 0)
				fail_msg("%s: module %s", c->line, o.module);
			assert_null(why);
		} else if (c->want == NULL)
			assert_null(why);
		else {
			assert_non_null(why);
			assert_string_equal(why, c->want);
		}
	}
}

struct trip_case {
	enum mapalias_type	 type;
	const char		*line;
	const char		*match[10];	/* device modaliases that must match */
	const char		*miss[10];	/* near misses that must not */
};

/*
 * Patterns made from a map line, fed to the matcher, must match what the
 * device would send and nothing next to it.  Device strings follow
 * kernel-formats.md: 2.4 USB events synthesize strings that end at ip,
 * later kernels add in.
 */
static const struct trip_case trip_cases[] = {
	{ MAPALIAS_PCI, "e100 0x00008086 0x00001229 0xffffffff 0xffffffff "
	    "0x00000000 0x00000000 0x0",
	    { "pci:v00008086d00001229sv00008086sd00000001bc02sc00i00" },
	    { "pci:v00008086d00001228sv00008086sd00000001bc02sc00i00",
	    "pci:v00008087d00001229sv00008086sd00000001bc02sc00i00" } },
	{ MAPALIAS_PCI, "uhci 0xffffffff 0xffffffff 0xffffffff 0xffffffff "
	    "0x000c0300 0xffffffff 0x0",
	    { "pci:v00008086d00002482sv00001028sd0000010Ebc0Csc03i00" },
	    { "pci:v00008086d00002482sv00001028sd0000010Ebc0Csc03i10",
	    "pci:v00008086d00002482sv00001028sd0000010Ebc0Csc02i00" } },
	{ MAPALIAS_PCI, "ehci 0xffffffff 0xffffffff 0xffffffff 0xffffffff "
	    "0x000c0320 0x00ffff00 0x0",
	    { "pci:v00008086d0000293Asv00001028sd0000010Ebc0Csc03i20",
	    "pci:v00008086d0000293Asv00001028sd0000010Ebc0Csc03i00" },
	    { "pci:v00008086d0000293Asv00001028sd0000010Ebc0Csc02i20" } },
	{ MAPALIAS_USB, "r2 0x000f 0x1234 0x5678 0x0106 0x0450 0 0 0 0 0 0 0",
	    { "usb:v1234p5678d0106dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0109dc00dsc00dp00ic08isc06ip50in00",
	    "usb:v1234p5678d0110dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0199dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0200dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0399dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0400dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0449dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0450dc00dsc00dp00ic08isc06ip50in01" },
	    { "usb:v1234p5678d0105dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0451dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0460dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0500dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5678d0100dc00dsc00dp00ic08isc06ip50",
	    "usb:v1234p5679d0200dc00dsc00dp00ic08isc06ip50" } },
	{ MAPALIAS_USB, "r4 0x000f 0x1234 0x5678 0x0001 0x00ff 0 0 0 0 0 0 0",
	    { "usb:v1234p5678d0001dc00dsc00dp00icFFisc00ip00",
	    "usb:v1234p5678d000Fdc00dsc00dp00icFFisc00ip00",
	    "usb:v1234p5678d0010dc00dsc00dp00icFFisc00ip00",
	    "usb:v1234p5678d00A0dc00dsc00dp00icFFisc00ip00",
	    "usb:v1234p5678d00FFdc00dsc00dp00icFFisc00ip00" },
	    { "usb:v1234p5678d0000dc00dsc00dp00icFFisc00ip00",
	    "usb:v1234p5678d0100dc00dsc00dp00icFFisc00ip00" } },
	{ MAPALIAS_USB, "usb-storage 0x0380 0 0 0 0 0 0 0 0x08 0x06 0x50 0x0",
	    { "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50",
	    "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip50in00" },
	    { "usb:v0781p5567d0100dc00dsc00dp00ic08isc06ip62",
	    "usb:v0781p5567d0100dc00dsc00dp00ic08isc05ip50" } },
	{ MAPALIAS_ISAPNP, "serial 0xffff 0xffff 0x00000000 0xd041 0x0105",
	    { "pnp:dPNP0501" },
	    { "pnp:dPNP0500", "pnp:dPNP0502" } },
	{ MAPALIAS_IEEE1394, "sbp2 0xc 0 0 0x00609e 0x010483",
	    { "ieee1394:ven0000609Emo00000000sp0000609Ever00010483" },
	    { "ieee1394:ven0000609Emo00000000sp0000609Ever00010484" } },
	{ MAPALIAS_INPUT, "joydev 0x30 0x0 0x0 0x0 0x0 2 100000000:0:0:0:0 0 0 0 "
	    "0 0 0 0x0",
	    { "input:b0003v046DpC218e0110-e0,1,3,4,k120,121,122,12B,ra0,1,m4,lsfw" },
	    { "input:b0003v046DpC31Ce0110-e0,1,4,11,14,k71,72,73,74,ram4,"
	    "l0,1,2,sfw" } },
	{ MAPALIAS_SERIO, "psmouse 0x01 0xff 0xff 0xff",
	    { "serio:ty01pr00id00ex00" },
	    { "serio:ty06pr00id00ex00" } },
	{ MAPALIAS_CCW, "dasd_eckd_mod 0x0005 0x3990 0x00 0x3390 0x00",
	    { "ccw:t3990mE9dt3390dm0A" },
	    { "ccw:t3990mE9dt3380dm0A" } },
	{ MAPALIAS_OF, "sungem * network gem",
	    { "of:NethernetTnetworkCgem", "of:NethernetTnetworkCgemCsun,gem" },
	    { "of:NethernetTnetworkCgemx", "of:NethernetTdisplayCgem" } },
	{ MAPALIAS_PNPBIOS, "parport_pc PNP0400",
	    { "pnp:dPNP0400" },
	    { "pnp:dPNP0401" } },
};

struct text {
	char	buf[4096];
};

static void
append_alias(const char *pattern, const char *module, void *arg)
{
	struct text	*t = arg;
	size_t		 n = strlen(t->buf);

	snprintf(t->buf + n, sizeof(t->buf) - n, "alias %s %s\n", pattern,
	    module);
}

static void
test_round_trip(void **state)
{
	const struct trip_case	*c;
	struct alias_index	*idx;
	struct text		 t;
	const char		*why;
	size_t			 i, k;

	(void)state;
	for (i = 0; i < sizeof(trip_cases) / sizeof(trip_cases[0]); i++) {
		c = &trip_cases[i];
		memset(&t, 0, sizeof(t));
		assert_true(mapalias_line(c->type, c->line, 64, append_alias, &t,
		    &why) > 0);
		idx = alias_parse(t.buf, strlen(t.buf), "round trip");
		assert_non_null(idx);
		for (k = 0; k < 10 && c->match[k] != NULL; k++)
			if (alias_lookup(idx, c->match[k], NULL, NULL) != 1)
				fail_msg("%s does not match\n%s", c->match[k],
				    t.buf);
		for (k = 0; k < 10 && c->miss[k] != NULL; k++)
			if (alias_lookup(idx, c->miss[k], NULL, NULL) != 0)
				fail_msg("%s matches\n%s", c->miss[k], t.buf);
		alias_free(idx);
	}
}

static void
test_file_names(void **state)
{
	(void)state;
	assert_string_equal(mapalias_file(MAPALIAS_PCI), "modules.pcimap");
	assert_string_equal(mapalias_file(MAPALIAS_PNPBIOS),
	    "modules.pnpbiosmap");
	assert_null(mapalias_file(MAPALIAS_NTYPES));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_table),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_file_names),
	};

	log_init("test_mapalias", 1, 0);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
