/* Synthesize a MODALIAS for every pci, usb, input and serio device of this machine and compare with the kernel's. */
#include <sys/types.h>

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "modalias.h"
#include "uevent.h"

/*
 * The kernel still sends the bus variables that 2.4 sent (PCI_*, PRODUCT,
 * TYPE, INTERFACE, ...) next to its own MODALIAS, so any machine with /sys
 * is an oracle.  Devices for which the kernel makes no MODALIAS must get
 * none from us either.  HOTPLUG2_SYSFS points at another sysfs root.
 */
static const char *const buses[] = { "pci", "usb", "input", "serio" };

struct tally {
	unsigned int	 compared[4];
	unsigned int	 none;
	unsigned int	 trimmed;
};

/* Read a uevent file into ev, pulling out the kernel's MODALIAS. */
static int
read_uevent(const char *path, const char *devpath, const char *subsystem,
    struct uevent *ev, char *kernel, size_t klen)
{
	char	 line[4096];
	char	*eq;
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	kernel[0] = '\0';
	assert_int_equal(uevent_init(ev, "add", devpath), 0);
	assert_int_equal(uevent_set(ev, "SUBSYSTEM", subsystem), 0);
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((eq = strchr(line, '=')) == NULL)
			continue;
		*eq = '\0';
		if (strcmp(line, "MODALIAS") == 0)
			snprintf(kernel, klen, "%s", eq + 1);
		else if (strcmp(line, "DEVPATH") != 0 &&
		    strcmp(line, "SUBSYSTEM") != 0)
			assert_int_equal(uevent_set(ev, line, eq + 1), 0);
	}
	fclose(f);
	return 0;
}

static void
check_bus(const char *sysfs, unsigned int b, struct tally *t)
{
	static struct uevent	 ev;
	char			 dir[PATH_MAX], real[PATH_MAX], path[PATH_MAX];
	char			 kernel[MODALIAS_MAX], out[MODALIAS_MAX];
	const char		*reason;
	struct dirent		*de;
	DIR			*d;
	size_t			 rootlen;

	snprintf(dir, sizeof(dir), "%s/bus/%s/devices", sysfs, buses[b]);
	if ((d = opendir(dir)) == NULL)
		return;
	if (realpath(sysfs, real) == NULL)
		fail_msg("unable to resolve %s", sysfs);
	rootlen = strlen(real);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(path) || realpath(path, real) == NULL)
			continue;
		if (snprintf(path, sizeof(path), "%s/uevent", real) >=
		    (int)sizeof(path) || read_uevent(path, real + rootlen, buses[b], &ev, kernel,
		    sizeof(kernel)) == -1)
			continue;
		modalias_synthesize(&ev, NULL, out, sizeof(out), &reason);
		if (kernel[0] == '\0') {
			if (out[0] != '\0')
				fail_msg("%s: the kernel made no MODALIAS, we "
				    "made %s", real + rootlen, out);
			t->none++;
			continue;
		}
		/*
		 * Since 6.10 (and in stable kernels) the kernel trims the key
		 * list of an input MODALIAS that would overflow its uevent
		 * buffer, marking the cut with "+,"; where it cuts depends on
		 * the variables before it, so it cannot be rebuilt here.
		 */
		if (strstr(kernel, "+,") != NULL) {
			t->trimmed++;
			continue;
		}
		/*
		 * 2.6 kernels printed a PCI prog-if with %02x; we build the
		 * current %02X form (see test_modalias.c).
		 */
		if (b == 0 && strlen(kernel) > 2) {
			char	*c;

			for (c = kernel + strlen(kernel) - 2; *c != '\0'; c++)
				if (*c >= 'a' && *c <= 'f')
					*c = (char)(*c - 'a' + 'A');
		}
		if (strcmp(out, kernel) != 0)
			fail_msg("%s:\n kernel %s\n ours   %s%s%s",
			    real + rootlen, kernel, out,
			    reason != NULL ? " " : "",
			    reason != NULL ? reason : "");
		t->compared[b]++;
	}
	closedir(d);
}

static void
test_this_machine(void **state)
{
	struct tally	 t;
	const char	*sysfs, *ci;
	unsigned int	 b, total = 0;

	(void)state;
	if ((sysfs = getenv("HOTPLUG2_SYSFS")) == NULL)
		sysfs = "/sys";
	memset(&t, 0, sizeof(t));
	for (b = 0; b < 4; b++) {
		check_bus(sysfs, b, &t);
		total += t.compared[b];
	}
	print_message("%s: compared %u kernel MODALIAS (pci %u, usb %u, "
	    "input %u, serio %u), all equal; %u devices without one and none "
	    "made; %u trimmed by the kernel, not compared\n", sysfs, total,
	    t.compared[0], t.compared[1], t.compared[2], t.compared[3],
	    t.none, t.trimmed);
	if (total == 0) {
		ci = getenv("CI");
		if (ci != NULL && strcmp(ci, "true") == 0)
			fail_msg("compared no device: CI must have some");
		skip();
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_this_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
