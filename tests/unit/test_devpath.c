/* Table tests for the DEVPATHs derived for events that come without one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "devpath.h"
#include "event_lines.h"
#include "uevent.h"

struct devpath_case {
	const char	*name;
	const char	*subsystem;
	const char	*vars;		/* KEY=VALUE lines */
	const char	*devpath;
};

static const struct devpath_case cases[] = {
	{ "pci: 2.4 slot name gets the domain", "pci",
	    "PCI_CLASS=20000\nPCI_ID=8086:1229\nPCI_SUBSYS_ID=8086:0001\n"
	    "PCI_SLOT_NAME=00:0c.0", "/bus/pci/devices/0000:00:0c.0" },
	{ "pci: 2.6 slot name kept", "pci",
	    "PCI_SLOT_NAME=0000:00:1d.7", "/bus/pci/devices/0000:00:1d.7" },
	{ "pci: no slot name falls back to the bus", "pci",
	    "PCI_ID=8086:1229", "/bus/pci" },
	{ "usb: 2.4 usbdevfs DEVICE", "usb",
	    "DEVFS=/proc/bus/usb\nDEVICE=/proc/bus/usb/001/003\n"
	    "PRODUCT=46d/c52b/1211\nTYPE=0/0/0\nINTERFACE=3/1/2",
	    "/bus/usb/devices/001/003" },
	{ "usb: DEVICE elsewhere than /proc/bus/usb", "usb",
	    "DEVICE=/dev/bus/usb/002/011\nPRODUCT=46d/c52b/1211",
	    "/bus/usb/devices/002/011" },
	{ "usb: no usbdevfs: by PRODUCT", "usb",
	    "PRODUCT=46d/c52b/1211\nTYPE=0/0/0\nINTERFACE=3/1/2",
	    "/bus/usb/product/46d/c52b/1211" },
	{ "usb: DEVICE with '..' falls back to PRODUCT", "usb",
	    "DEVICE=/proc/bus/usb/../..\nPRODUCT=46d/c52b/1211",
	    "/bus/usb/product/46d/c52b/1211" },
	{ "usb: nothing to go by", "usb", "TYPE=9/0/0", "/bus/usb" },
	{ "ieee1394: by GUID", "ieee1394",
	    "VENDOR_ID=00d04b\nGUID=00d04b0100012d1e\nSPECIFIER_ID=00609e\n"
	    "VERSION=010483", "/bus/ieee1394/devices/00d04b0100012d1e" },
	{ "net: by interface name", "net", "INTERFACE=eth0",
	    "/class/net/eth0" },
	{ "net: an odd interface name is made safe", "net",
	    "INTERFACE=we ird/..", "/class/net/we_ird!.." },
	{ "net: '..' is not a name", "net", "INTERFACE=..", "/bus/net" },
	{ "bluetooth: by DEVICE", "bluetooth", "DEVICE=hci0",
	    "/class/bluetooth/hci0" },
	{ "firmware: a path in the name becomes one component", "firmware",
	    "FIRMWARE=radeon/R100_cp.bin", "/class/firmware/radeon!R100_cp.bin" },
	{ "dasd: by device number", "dasd",
	    "DEVNO=0190\nMAJOR=94\nMINOR=0\nDASDNAME=dasda",
	    "/bus/dasd/devices/0190" },
	{ "input without DEVPATH: the bus", "input", "PRODUCT=11/1/1/ab54",
	    "/bus/input" },
	{ "an unknown subsystem: the bus", "scsi_host", "", "/bus/scsi_host" },
};

static void
build_event(struct uevent *ev, const char *vars)
{
	assert_int_equal(uevent_init(ev, "add", ""), 0);
	event_lines_set(ev, vars);
}

static void
test_table(void **state)
{
	static struct uevent	 ev;
	char			 out[256];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].name);
		build_event(&ev, cases[i].vars);
		assert_int_equal(devpath_derive(&ev, cases[i].subsystem, out,
		    sizeof(out)), strlen(cases[i].devpath));
		assert_string_equal(out, cases[i].devpath);
		/* Every derived path is a valid header DEVPATH. */
		assert_int_equal(uevent_init(&ev, "add", out), 0);
	}
}

static void
test_limits(void **state)
{
	static struct uevent	 ev;
	char			 out[64];
	size_t			 len;

	(void)state;
	build_event(&ev, "INTERFACE=eth0");
	assert_int_equal(devpath_derive(&ev, "", out, sizeof(out)), 0);
	assert_int_equal(devpath_derive(&ev, NULL, out, sizeof(out)), 0);
	assert_int_equal(devpath_derive(&ev, "net", out, 0), 0);
	/* "/class/net/eth0" is 15 bytes: every shorter buffer fails cleanly. */
	for (len = 1; len <= 15; len++) {
		memset(out, 'x', sizeof(out));
		assert_int_equal(devpath_derive(&ev, "net", out, len), 0);
		assert_int_equal(out[0], '\0');
	}
	assert_int_equal(devpath_derive(&ev, "net", out, 16), 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
