/* Signals for the poll loop: a self-pipe turns them into readable bytes. */
#ifndef HOTPLUG2_SIG_H
#define HOTPLUG2_SIG_H

#define SIG_RELOAD	0x01	/* SIGHUP */
#define SIG_STOP	0x02	/* SIGTERM, SIGINT */
#define SIG_PERSIST	0x04	/* SIGUSR1 */
#define SIG_CHILD	0x08	/* SIGCHLD */

/*
 * Install the handlers and return the read end of the self-pipe (poll it
 * for POLLIN), or -1.  A self-pipe rather than signalfd: it also works on
 * 2.4 kernels, where hotplug2-dnode feeds this daemon.
 */
int		 sig_init(void);

/* Empty the pipe and return the SIG_* bits of what arrived since the last call. */
unsigned int	 sig_take(void);

/*
 * Whether SIGTERM or SIGINT has arrived, ever.  Safe to call at any time
 * (the script layer's budget check polls it, so a handler that is stuck
 * is stopped too).
 */
int		 sig_stop_requested(void);

#endif
