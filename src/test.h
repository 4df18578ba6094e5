/* hotplug2 test: run the handler scripts on one device's event and print what they would do. */
#ifndef HOTPLUG2_TEST_H
#define HOTPLUG2_TEST_H

int	test_main(int argc, char *argv[]);

#endif
