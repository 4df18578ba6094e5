/* Readiness for systemd: the NOTIFY_SOCKET datagram protocol, without libsystemd. */
#ifndef HOTPLUG2_NOTIFY_H
#define HOTPLUG2_NOTIFY_H

/*
 * Take the socket named by $NOTIFY_SOCKET (an absolute path, or "@name"
 * for the abstract namespace) and remove the variable from the
 * environment, so that the programs the handlers run cannot speak for
 * the daemon.  Returns 0, or -1 (logged) when the name is unusable;
 * the daemon then runs on without notifying.
 */
int	notify_init(void);

/*
 * Send "READY=1" once to the socket notify_init took; later calls, and
 * calls without a socket, do nothing.  A failure is logged, not fatal:
 * the service manager's timeout is the one to act on it.
 */
void	notify_ready(void);

#endif
