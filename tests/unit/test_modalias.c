/* Table tests for MODALIAS synthesis, and a check against every kernel-made MODALIAS in the laptop fixture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event_lines.h"
#include "modalias.h"
#include "uevent.h"

/*
 * A case: the bus, the variables as they would appear in the environment
 * or a uevent file (one per line), the DEVPATH ("" for the 2.4 form), and
 * the expected MODALIAS, or NULL with a substring of the reason.
 */
struct synth_case {
	const char	*name;
	const char	*subsystem;
	const char	*vars;
	const char	*devpath;
	const char	*modalias;
	const char	*reason;
};

static const struct synth_case synth_cases[] = {
	/* PCI */
	{ "pci: host bridge of this test VM (kernel 6.18)", "pci",
	    "PCI_CLASS=60000\nPCI_ID=8086:0D57\nPCI_SUBSYS_ID=0000:0000\n"
	    "PCI_SLOT_NAME=0000:00:00.0", "/devices/pci0000:00/0000:00:00.0",
	    "pci:v00008086d00000D57sv00000000sd00000000bc06sc00i00", NULL },
	{ "pci: virtio of this test VM, 6-digit class", "pci",
	    "PCI_CLASS=FFFF00\nPCI_ID=1AF4:1045\nPCI_SUBSYS_ID=1AF4:1045",
	    "", "pci:v00001AF4d00001045sv00001AF4sd00001045bcFFscFFi00", NULL },
	{ "pci: 2.4 UHCI, 5-digit class, subsystem ids differ from ids", "pci",
	    "PCI_CLASS=C0300\nPCI_ID=8086:2934\nPCI_SUBSYS_ID=17AA:20F0\n"
	    "PCI_SLOT_NAME=00:1d.0",
	    "", "pci:v00008086d00002934sv000017AAsd000020F0bc0Csc03i00", NULL },
	{ "pci: 2.4 4-digit class (pre-2.0 VGA-compatible device)", "pci",
	    "PCI_CLASS=0100\nPCI_ID=1023:9440\nPCI_SUBSYS_ID=0000:0000",
	    "", "pci:v00001023d00009440sv00000000sd00000000bc00sc01i00", NULL },
	{ "pci: before 2.4.0-test12, unpadded ids with '/'", "pci",
	    "PCI_CLASS=68000\nPCI_ID=8086/7113\nPCI_SUBSYS_ID=0/0",
	    "", "pci:v00008086d00007113sv00000000sd00000000bc06sc80i00", NULL },
	{ "pci: lowercase hex is read too", "pci",
	    "PCI_CLASS=c0310\nPCI_ID=8086:293c\nPCI_SUBSYS_ID=17aa:20f1",
	    "", "pci:v00008086d0000293Csv000017AAsd000020F1bc0Csc03i10", NULL },
	{ "pci: no PCI_SUBSYS_ID (never borrowed from PCI_ID)", "pci",
	    "PCI_CLASS=20000\nPCI_ID=8086:1229", "", NULL, "PCI_SUBSYS_ID" },
	{ "pci: no PCI_CLASS", "pci",
	    "PCI_ID=8086:1229\nPCI_SUBSYS_ID=8086:0001", "", NULL, "PCI_CLASS" },
	{ "pci: no PCI_ID", "pci",
	    "PCI_CLASS=20000\nPCI_SUBSYS_ID=8086:0001", "", NULL, "PCI_ID" },
	{ "pci: class wider than 24 bits", "pci",
	    "PCI_CLASS=1020000\nPCI_ID=8086:1229\nPCI_SUBSYS_ID=8086:0001", "",
	    NULL, "PCI_CLASS" },
	{ "pci: id wider than 16 bits", "pci",
	    "PCI_CLASS=20000\nPCI_ID=8086:12290\nPCI_SUBSYS_ID=8086:0001", "",
	    NULL, "PCI_ID" },
	{ "pci: id without a separator", "pci",
	    "PCI_CLASS=20000\nPCI_ID=80861229\nPCI_SUBSYS_ID=8086:0001", "",
	    NULL, "PCI_ID" },
	{ "pci: id with an empty half", "pci",
	    "PCI_CLASS=20000\nPCI_ID=8086:\nPCI_SUBSYS_ID=8086:0001", "",
	    NULL, "PCI_ID" },
	{ "pci: not hex", "pci",
	    "PCI_CLASS=2000g\nPCI_ID=8086:1229\nPCI_SUBSYS_ID=8086:0001", "",
	    NULL, "PCI_CLASS" },

	/* USB */
	{ "usb: Nokia phone interface as a pre-3.x kernel sent it", "usb",
	    "DEVTYPE=usb_interface\nPRODUCT=421/7b/100\nTYPE=2/0/0\n"
	    "INTERFACE=2/2/1", "",
	    "usb:v0421p007Bd0100dc02dsc00dp00ic02isc02ip01", NULL },
	{ "usb: the same with its sysfs DEVPATH: in00 as kernels 3.x+ add",
	    "usb",
	    "DEVTYPE=usb_interface\nPRODUCT=421/7b/100\nTYPE=2/0/0\n"
	    "INTERFACE=2/2/1",
	    "/devices/pci0000:00/0000:00:1d.7/usb5/5-2/5-2:1.0",
	    "usb:v0421p007Bd0100dc02dsc00dp00ic02isc02ip01in00", NULL },
	{ "usb: interface 10 behind a hub port chain is in0A", "usb",
	    "DEVTYPE=usb_interface\nPRODUCT=421/7b/100\nTYPE=2/0/0\n"
	    "INTERFACE=10/0/0",
	    "/devices/pci0000:00/0000:00:1d.7/usb5/5-2/5-2.4.1/5-2.4.1:1.10",
	    "usb:v0421p007Bd0100dc02dsc00dp00ic0Aisc00ip00in0A", NULL },
	{ "usb: 2.4 device of class 0, INTERFACE of interface 0", "usb",
	    "DEVFS=/proc/bus/usb\nDEVICE=/proc/bus/usb/001/003\n"
	    "PRODUCT=46d/c52b/1211\nTYPE=0/0/0\nINTERFACE=3/1/2", "",
	    "usb:v046DpC52Bd1211dc00dsc00dp00ic03isc01ip02", NULL },
	{ "usb: 2.4 hub (class 9, no INTERFACE): its class stands in", "usb",
	    "DEVFS=/proc/bus/usb\nDEVICE=/proc/bus/usb/001/002\n"
	    "PRODUCT=50d/237/100\nTYPE=9/0/0", "",
	    "usb:v050Dp0237d0100dc09dsc00dp00ic09isc00ip00", NULL },
	{ "usb: 2.4 vendor-specific device (class 255, no INTERFACE)", "usb",
	    "PRODUCT=4b4/8613/a001\nTYPE=255/255/255", "",
	    "usb:v04B4p8613dA001dcFFdscFFdpFFicFFiscFFipFF", NULL },
	{ "usb: 2.4 class 0 without INTERFACE has nothing to stand in", "usb",
	    "PRODUCT=46d/c52b/1211\nTYPE=0/0/0", "", NULL, "class 0" },
	{ "usb: 2.6+ usb_device events get none, as from the kernel", "usb",
	    "DEVTYPE=usb_device\nPRODUCT=1d6b/1/206\nTYPE=9/0/0\n"
	    "BUSNUM=002\nDEVNUM=001", "/devices/pci0000:00/0000:00:1d.1/usb2",
	    NULL, "only interfaces" },
	{ "usb: interface event without INTERFACE", "usb",
	    "DEVTYPE=usb_interface\nPRODUCT=421/7b/100\nTYPE=2/0/0", "",
	    NULL, "without INTERFACE" },
	{ "usb: TYPE is decimal, not hex", "usb",
	    "PRODUCT=421/7b/100\nTYPE=ff/0/0\nINTERFACE=2/2/1", "", NULL,
	    "TYPE" },
	{ "usb: INTERFACE value over 255", "usb",
	    "PRODUCT=421/7b/100\nTYPE=2/0/0\nINTERFACE=256/2/1", "", NULL,
	    "INTERFACE" },
	{ "usb: PRODUCT with two fields", "usb",
	    "PRODUCT=421/7b\nTYPE=2/0/0\nINTERFACE=2/2/1", "", NULL,
	    "PRODUCT" },
	{ "usb: no TYPE", "usb", "PRODUCT=421/7b/100\nINTERFACE=2/2/1", "",
	    NULL, "TYPE" },
	{ "usb: a DEVPATH that is not an interface's adds no in", "usb",
	    "PRODUCT=46d/c52b/1211\nTYPE=0/0/0\nINTERFACE=3/1/2",
	    "/bus/usb/devices/001/003",
	    "usb:v046DpC52Bd1211dc00dsc00dp00ic03isc01ip02", NULL },

	/* IEEE 1394 */
	{ "ieee1394: 2.4 SBP-2 disk, no MODEL_ID: mo00000000", "ieee1394",
	    "VENDOR_ID=00d04b\nGUID=00d04b0100012d1e\nSPECIFIER_ID=00609e\n"
	    "VERSION=010483", "",
	    "ieee1394:ven0000D04Bmo00000000sp0000609Ever00010483", NULL },
	{ "ieee1394: 2.6 with MODEL_ID", "ieee1394",
	    "VENDOR_ID=00d04b\nMODEL_ID=000001\nGUID=00d04b0100012d1e\n"
	    "SPECIFIER_ID=00609e\nVERSION=010483", "",
	    "ieee1394:ven0000D04Bmo00000001sp0000609Ever00010483", NULL },
	{ "ieee1394: no VERSION", "ieee1394",
	    "VENDOR_ID=00d04b\nSPECIFIER_ID=00609e", "", NULL, "VERSION" },
	{ "ieee1394: no VENDOR_ID", "ieee1394",
	    "SPECIFIER_ID=00609e\nVERSION=010483", "", NULL, "VENDOR_ID" },
	{ "ieee1394: not hex", "ieee1394",
	    "VENDOR_ID=00d04x\nSPECIFIER_ID=00609e\nVERSION=010483", "", NULL,
	    "hex" },

	/* input (64-bit kernels; the 32-bit form is tested below) */
	{ "input: AT keyboard from the laptop fixture", "input",
	    "PRODUCT=11/1/1/ab54\nEV==120013\n"
	    "KEY==402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe\n"
	    "MSC==10\nLED==7", "",
	    "input:b0011v0001p0001eAB54-e0,1,4,11,14,k71,72,73,74,75,76,77,"
	    "79,7A,7B,7C,7D,7E,7F,80,8C,8E,8F,9B,9C,9D,9E,9F,A3,A4,A5,A6,AC,"
	    "AD,B7,B8,B9,D9,E2,ram4,l0,1,2,sfw", NULL },
	{ "input: single '=' as the kernel sends it", "input",
	    "PRODUCT=3/46d/c03e/110\nEV=17\nKEY=70000 0 0 0 0\nREL=103\n"
	    "MSC=10", "",
	    "input:b0003v046DpC03Ee0110-e0,1,2,4,k110,111,112,r0,1,8,am4,"
	    "lsfw", NULL },
	{ "input: keys below 0x71 are left out", "input",
	    "PRODUCT=19/0/1/0\nEV=3\nKEY=100000 0", "",
	    "input:b0019v0000p0001e0000-e0,1,kramlsfw", NULL },
	{ "input: SW_MAX (0x10) itself is never listed, 0xF is", "input",
	    "PRODUCT=19/0/5/0\nEV=21\nSW=18000", "",
	    "input:b0019v0000p0005e0000-e0,5,kramlsfwF,", NULL },
	{ "input: FF bits of a force-feedback wheel (hand-made)", "input",
	    "PRODUCT=3/46d/c286/101\nEV=20000b\nABS=30027\n"
	    "FF=107030000 0", "",
	    "input:b0003v046DpC286e0101-e0,1,3,15,kra0,1,2,5,10,11,mlsf50,"
	    "51,58,59,5A,60,w", NULL },
	{ "input: no PRODUCT", "input", "EV=3\nKEY=4000 0 0", "", NULL,
	    "PRODUCT" },
	{ "input: no EV", "input", "PRODUCT=19/0/3/0\nKEY=4000 0 0", "",
	    NULL, "EV" },
	{ "input: a bitmap that is not hex", "input",
	    "PRODUCT=19/0/3/0\nEV=3\nKEY=4000 0 zz", "", NULL, "bitmap" },
	{ "input: an event node of the device has no PRODUCT", "input",
	    "MAJOR=13\nMINOR=67\nDEVNAME=input/event3", "", NULL, "PRODUCT" },

	/* serio */
	{ "serio: i8042 keyboard port from the laptop fixture", "serio",
	    "DRIVER=atkbd\nSERIO_TYPE=06\nSERIO_PROTO=00\nSERIO_ID=00\n"
	    "SERIO_EXTRA=00", "", "serio:ty06pr00id00ex00", NULL },
	{ "serio: hex digits in uppercase", "serio",
	    "SERIO_TYPE=01\nSERIO_PROTO=3c\nSERIO_ID=0a\nSERIO_EXTRA=ff", "",
	    "serio:ty01pr3Cid0AexFF", NULL },
	{ "serio: SERIO_EXTRA missing", "serio",
	    "SERIO_TYPE=06\nSERIO_PROTO=00\nSERIO_ID=00", "", NULL, "missing" },
	{ "serio: a value over a byte", "serio",
	    "SERIO_TYPE=106\nSERIO_PROTO=00\nSERIO_ID=00\nSERIO_EXTRA=00", "",
	    NULL, "hex byte" },

	/* PnP */
	{ "pnp: 16550A serial port", "pnp", "PNP_ID=PNP0501", "",
	    "pnp:dPNP0501", NULL },
	{ "pnp: hex digits in lowercase, as the kernel prints ids", "pnp",
	    "PNP_ID=PNP0C0A", "", "pnp:dPNP0c0a", NULL },
	{ "isapnp: Sound Blaster AWE32, first of several ids", "isapnp",
	    "PNP_ID=CTL0031 CTL0021", "", "pnp:dCTL0031", NULL },
	{ "pnpbios: keyboard controller", "pnpbios", "PNP_ID=PNP0303", "",
	    "pnp:dPNP0303", NULL },
	{ "pnp: lowercase vendor letters are not an EISA id", "pnp",
	    "PNP_ID=pnp0501", "", NULL, "EISA" },
	{ "pnp: too long", "pnp", "PNP_ID=PNP05011", "", NULL, "EISA" },
	{ "pnp: too short", "pnp", "PNP_ID=PNP050", "", NULL, "EISA" },
	{ "pnp: no PNP_ID, as from a 2.6+ kernel", "pnp", "DRIVER=serial", "",
	    NULL, "PNP_ID" },

	/* Others */
	{ "net: no MODALIAS on this bus", "net", "INTERFACE=eth0", "", NULL,
	    "subsystem" },
	{ "firmware: no MODALIAS on this bus", "firmware",
	    "FIRMWARE=atmel_at76c504.bin", "", NULL, "subsystem" },
};

/* Build an event from newline-separated KEY=VALUE lines. */
static void
build_event(struct uevent *ev, const char *devpath, const char *subsystem,
    const char *vars)
{
	assert_int_equal(uevent_init(ev, "add", devpath), 0);
	if (subsystem != NULL)
		assert_int_equal(uevent_set(ev, "SUBSYSTEM", subsystem), 0);
	event_lines_set(ev, vars);
}

static void
test_synthesize_table(void **state)
{
	static struct uevent	 ev;
	char			 out[MODALIAS_MAX];
	const char		*reason;
	size_t			 i, n;

	(void)state;
	for (i = 0; i < sizeof(synth_cases) / sizeof(synth_cases[0]); i++) {
		const struct synth_case *c = &synth_cases[i];

		print_message("%s\n", c->name);
		/* Through the event's SUBSYSTEM, and named by the caller. */
		build_event(&ev, c->devpath, c->subsystem, c->vars);
		n = modalias_synthesize(&ev, NULL, out, sizeof(out), &reason);
		if (c->modalias != NULL) {
			assert_null(reason);
			assert_string_equal(out, c->modalias);
			assert_int_equal(n, strlen(c->modalias));
			/* A device string is data: never a wildcard. */
			assert_null(strchr(out, '*'));
		} else {
			assert_int_equal(n, 0);
			assert_string_equal(out, "");
			assert_non_null(reason);
			if (strstr(reason, c->reason) == NULL)
				fail_msg("reason \"%s\" lacks \"%s\"", reason,
				    c->reason);
		}
		build_event(&ev, c->devpath, NULL, c->vars);
		assert_int_equal(modalias_synthesize(&ev, c->subsystem, out,
		    sizeof(out), &reason), n);
	}
}

static void
test_no_subsystem(void **state)
{
	static struct uevent	 ev;
	char			 out[64];
	const char		*reason;

	(void)state;
	build_event(&ev, "", NULL, "PCI_CLASS=20000");
	assert_int_equal(modalias_synthesize(&ev, NULL, out, sizeof(out),
	    &reason), 0);
	assert_string_equal(reason, "no SUBSYSTEM");
	/* The reason pointer is optional. */
	assert_int_equal(modalias_synthesize(&ev, "nosuchbus", out,
	    sizeof(out), NULL), 0);
}

/* Every length short of the string fails cleanly, and the exact fit works. */
static void
test_small_buffer(void **state)
{
	static const char	 want[] =
	    "pci:v00008086d00000D57sv00000000sd00000000bc06sc00i00";
	static struct uevent	 ev;
	char			 out[sizeof(want)];
	const char		*reason;
	size_t			 len;

	(void)state;
	build_event(&ev, "", "pci", "PCI_CLASS=60000\nPCI_ID=8086:0D57\n"
	    "PCI_SUBSYS_ID=0000:0000");
	for (len = 0; len < sizeof(want); len++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(modalias_synthesize(&ev, NULL, out, len,
		    &reason), 0);
		assert_string_equal(reason, "output buffer too small");
		if (len > 0)
			assert_int_equal(out[0], '\0');
	}
	assert_int_equal(modalias_synthesize(&ev, NULL, out, sizeof(out),
	    &reason), sizeof(want) - 1);
	assert_string_equal(out, want);

	build_event(&ev, "", "input", "PRODUCT=19/0/3/0\nEV=3\nKEY=4000 0 0");
	assert_int_equal(modalias_synthesize(&ev, NULL, out, 20, &reason), 0);
	assert_string_equal(reason, "output buffer too small");
}

/*
 * On a 32-bit kernel the same Sleep Button reads KEY=4000 0 0 0 0: its one
 * key, 0x8E, is bit 14 of the fifth 32-bit word.  Read as 64-bit words
 * that would be key 0x10E, which is why the width matters.
 */
static void
test_input_word_width(void **state)
{
	static struct uevent	 ev;
	char			 out[MODALIAS_MAX];
	const char		*reason;

	(void)state;
	build_event(&ev, "", "input", "PRODUCT=19/0/3/0\nEV=3\n"
	    "KEY=4000 0 0 0 0");
	assert_true(modalias_input(&ev, 32, out, sizeof(out), &reason) > 0);
	assert_string_equal(out, "input:b0019v0000p0003e0000-e0,1,k8E,ramlsfw");
	assert_true(modalias_input(&ev, 64, out, sizeof(out), &reason) > 0);
	assert_string_equal(out,
	    "input:b0019v0000p0003e0000-e0,1,k10E,ramlsfw");
	/* A word of more than 8 digits cannot be 32 bits wide. */
	build_event(&ev, "", "input", "PRODUCT=19/0/3/0\nEV=3\n"
	    "KEY=4000 0 0\nMSC=100000000");
	assert_int_equal(modalias_input(&ev, 32, out, sizeof(out), &reason),
	    0);
	assert_non_null(strstr(reason, "bitmap"));
	assert_true(modalias_input(&ev, 0, out, sizeof(out), &reason) > 0);
	assert_string_equal(out, "input:b0019v0000p0003e0000-e0,1,k8E,ramlsfw");
	assert_int_equal(modalias_input(&ev, 16, out, sizeof(out), &reason),
	    0);
	assert_non_null(strstr(reason, "32 or 64"));
}

/* Every key a kernel can declare fits in MODALIAS_MAX. */
static void
test_input_all_keys(void **state)
{
	static struct uevent	 ev;
	static char		 vars[1024];
	char			 out[MODALIAS_MAX];
	const char		*reason;
	size_t			 n;
	int			 i;

	(void)state;
	n = (size_t)snprintf(vars, sizeof(vars), "PRODUCT=1/1/1/1\n"
	    "EV=ffffffff\nKEY=");
	for (i = 0; i < 12; i++)
		n += (size_t)snprintf(vars + n, sizeof(vars) - n, "%s%s",
		    i > 0 ? " " : "", "ffffffffffffffff");
	snprintf(vars + n, sizeof(vars) - n,
	    "\nREL=ffff\nABS=ffffffffffffffff\nMSC=ff\nLED=ffff\nSND=ff\n"
	    "FF=ffffffffffffffff ffffffffffffffff\nSW=1ffff");
	build_event(&ev, "", "input", vars);
	n = modalias_synthesize(&ev, NULL, out, sizeof(out), &reason);
	assert_true(n > 2500);
	assert_int_equal(strlen(out), n);
	assert_non_null(strstr(out, ",2FE,r"));
	assert_null(strstr(out, "2FF"));
	/* SW_MAX itself (0x10) is not listed. */
	assert_string_equal(out + n - 33, "w0,1,2,3,4,5,6,7,8,9,A,B,C,D,E,F,");
}

struct isapnp_case {
	unsigned int	 vendor, function;
	const char	*id;
};

static void
test_isapnp_id(void **state)
{
	/* Values as modules.isapnpmap and /proc/bus/isapnp/devices hold them. */
	static const struct isapnp_case cases[] = {
		{ 0xd041, 0x0105, "PNP0501" },
		{ 0x8c0e, 0x3100, "CTL0031" },	/* Sound Blaster AWE32 */
		{ 0x8c0e, 0x4500, "CTL0045" },
		{ 0x7316, 0x6918, "ESS1869" },	/* ESS ES1869 */
		{ 0xd041, 0x0a0c, "PNP0c0a" },
	};
	char	 id[8];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(modalias_isapnp_id(cases[i].vendor,
		    cases[i].function, id), 0);
		assert_string_equal(id, cases[i].id);
	}
	/* A letter field of 0 is '@', not a letter. */
	assert_int_equal(modalias_isapnp_id(0x0000, 0x0105, id), -1);
}

/*
 * 2.6 kernels printed the prog-if byte of a PCI MODALIAS with %02x, the
 * rest with %02X; current ones use %02X throughout, as file2alias does for
 * the patterns it must match.  We build the current form, so an old
 * kernel's last two digits are compared in uppercase.  Returns 1 when
 * that changed something.
 */
static int
pci_progif_upper(const char *subsystem, char *modalias)
{
	size_t	 n = strlen(modalias), i;
	int	 changed = 0;

	if (strcmp(subsystem, "pci") != 0 || n < 2)
		return 0;
	for (i = n - 2; i < n; i++)
		if (modalias[i] >= 'a' && modalias[i] <= 'f') {
			modalias[i] = (char)(modalias[i] - 'a' + 'A');
			changed = 1;
		}
	return changed;
}

static void
copy(char *dst, size_t size, const char *src, unsigned int lineno)
{
	if (strlen(src) >= size)
		fail_msg("fixture line %u: value too long", lineno);
	memcpy(dst, src, strlen(src) + 1);
}

/*
 * The laptop fixture: every pci, usb, input and serio device of a real
 * 2008 kernel.  Where that kernel made a MODALIAS ours must equal it byte
 * for byte; where it made none, ours must be none too.  Its kernel
 * predates the usb "in" field, which comes from the DEVPATH: usb events
 * are checked once without a DEVPATH (the old form, exactly the kernel's)
 * and once with it (the kernel's followed by in and the interface number).
 */
static void
test_laptop_fixture(void **state)
{
	static struct uevent	 ev;
	static char		 vars[8192];
	char			 line[4096], devpath[512], subsystem[32];
	char			 kernel[MODALIAS_MAX], out[MODALIAS_MAX];
	char			 want[MODALIAS_MAX];
	const char		*dir, *reason;
	FILE			*f;
	size_t			 vlen = 0;
	unsigned int		 compared = 0, none = 0, intf, lineno = 0;
	unsigned int		 lowercase_progif = 0;
	int			 in_block = 0, eof = 0;

	(void)state;
	dir = getenv("HOTPLUG2_SOURCE_DIR");
	if (dir == NULL)
		fail_msg("HOTPLUG2_SOURCE_DIR is not set");
	snprintf(line, sizeof(line), "%s/tests/fixtures/sysfs-laptop-uevents.txt",
	    dir);
	if ((f = fopen(line, "r")) == NULL)
		fail_msg("unable to open %s", line);
	devpath[0] = subsystem[0] = kernel[0] = '\0';
	while (!eof) {
		if (fgets(line, sizeof(line), f) == NULL) {
			eof = 1;
			line[0] = '\0';
		} else
			lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			continue;
		if (line[0] != '\0') {
			if (strncmp(line, "DEVPATH=", 8) == 0) {
				copy(devpath, sizeof(devpath), line + 8,
				    lineno);
				in_block = 1;
			} else if (strncmp(line, "SUBSYSTEM=", 10) == 0)
				copy(subsystem, sizeof(subsystem), line + 10,
				    lineno);
			else if (strncmp(line, "MODALIAS=", 9) == 0)
				copy(kernel, sizeof(kernel), line + 9, lineno);
			else if (!in_block)
				fail_msg("fixture line %u: outside a block",
				    lineno);
			else
				vlen += (size_t)snprintf(vars + vlen,
				    sizeof(vars) - vlen, "%s%s",
				    vlen > 0 ? "\n" : "", line);
			continue;
		}
		if (!in_block)
			continue;

		/* End of a block: check it. */
		build_event(&ev, devpath, subsystem, vars);
		modalias_synthesize(&ev, NULL, out, sizeof(out), &reason);
		if (kernel[0] == '\0') {
			if (out[0] != '\0')
				fail_msg("%s: the kernel made no MODALIAS, "
				    "we made %s", devpath, out);
			none++;
		} else if (strcmp(subsystem, "usb") != 0) {
			lowercase_progif += pci_progif_upper(subsystem,
			    kernel);
			if (strcmp(out, kernel) != 0)
				fail_msg("%s:\n kernel %s\n ours   %s (%s)",
				    devpath, kernel, out,
				    reason != NULL ? reason : "");
			compared++;
		} else {
			if (sscanf(strrchr(devpath, '/'), "/%*[^:]:%*u.%u",
			    &intf) != 1)
				fail_msg("%s: no interface number", devpath);
			if (snprintf(want, sizeof(want), "%sin%02X", kernel,
			    intf) >= (int)sizeof(want))
				fail_msg("%s: MODALIAS too long", devpath);
			if (strcmp(out, want) != 0)
				fail_msg("%s:\n want %s\n ours %s", devpath,
				    want, out);
			build_event(&ev, "", subsystem, vars);
			modalias_synthesize(&ev, NULL, out, sizeof(out),
			    &reason);
			if (strcmp(out, kernel) != 0)
				fail_msg("%s without DEVPATH:\n kernel %s\n"
				    " ours   %s", devpath, kernel, out);
			compared++;
		}
		in_block = 0;
		vlen = 0;
		vars[0] = '\0';
		devpath[0] = subsystem[0] = kernel[0] = '\0';
	}
	fclose(f);
	print_message("laptop fixture: %u kernel MODALIAS equal (%u with the "
	    "prog-if in lowercase), %u devices without one and none made\n",
	    compared, lowercase_progif, none);
	assert_int_equal(lowercase_progif, 1);
	/* 21 pci + 26 usb + 8 input + 2 serio in the fixture. */
	assert_int_equal(compared, 57);
	assert_true(none > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthesize_table),
		cmocka_unit_test(test_no_subsystem),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_input_word_width),
		cmocka_unit_test(test_input_all_keys),
		cmocka_unit_test(test_isapnp_id),
		cmocka_unit_test(test_laptop_fixture),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
