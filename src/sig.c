/* Signals for the poll loop: handlers set a flag and write a byte to a self-pipe. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sig.h"

static int			 sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t	 sig_bits;
/* Never cleared: a stop is final, and Lua's count hook polls it. */
static volatile sig_atomic_t	 sig_stop;

static void
sig_handler(int signo)
{
	ssize_t	 n;
	int	 saved_errno = errno;
	char	 c = 0;

	switch (signo) {
	case SIGHUP:
		sig_bits |= SIG_RELOAD;
		break;
	case SIGTERM:
	case SIGINT:
		sig_bits |= SIG_STOP;
		sig_stop = 1;
		break;
	case SIGUSR1:
		sig_bits |= SIG_PERSIST;
		break;
	case SIGCHLD:
		sig_bits |= SIG_CHILD;
		break;
	}
	/* A full pipe already says "look": losing this byte is fine. */
	n = write(sig_pipe[1], &c, 1);
	(void)n;
	errno = saved_errno;
}

int
sig_init(void)
{
	static const int	 sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1,
	    SIGCHLD };
	struct sigaction	 sa;
	size_t			 i;

	if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_handler;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (sigaction(sigs[i], &sa, NULL) == -1)
			return -1;
	signal(SIGPIPE, SIG_IGN);
	return sig_pipe[0];
}

unsigned int
sig_take(void)
{
	char		 buf[64];
	unsigned int	 bits;
	sigset_t	 all, old;

	while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
		;
	/* Read and clear as one step, so no signal falls in between. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	bits = (unsigned int)sig_bits;
	sig_bits = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	return bits;
}

int
sig_stop_requested(void)
{
	return sig_stop != 0;
}
