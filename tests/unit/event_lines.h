/* Test helper: fill a uevent's variables from "KEY=VALUE" lines. */
#ifndef HOTPLUG2_TEST_EVENT_LINES_H
#define HOTPLUG2_TEST_EVENT_LINES_H

struct uevent;

/*
 * Set one variable per newline-separated KEY=VALUE line of vars on ev,
 * which uevent_init has begun; any malformed line fails the test.
 */
void	event_lines_set(struct uevent *ev, const char *vars);

#endif
