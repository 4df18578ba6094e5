/* Logging in the manner of OpenBSD's log.c: stderr in the foreground, syslog otherwise. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char	*log_progname = "hotplug2";
static int		 log_stderr = 1;
static int		 log_verbose;
static int		 log_syslog_open;

static void	logit(int, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

void
log_init(const char *progname, int to_stderr, int verbose)
{
	if (progname != NULL)
		log_progname = progname;
	log_verbose = verbose;
	log_to_syslog(!to_stderr);
}

void
log_to_syslog(int enable)
{
	log_stderr = !enable;
	if (enable && !log_syslog_open) {
		openlog(log_progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		log_syslog_open = 1;
	}
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

void
vlog(int level, const char *fmt, va_list ap)
{
	int	 prio;

	if (level > log_verbose)
		return;
	if (log_stderr) {
		fprintf(stderr, "%s: ", log_progname);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		fflush(stderr);
		return;
	}
	switch (level) {
	case LOG_LEVEL_WARN:
		prio = LOG_WARNING;
		break;
	case LOG_LEVEL_INFO:
		prio = LOG_INFO;
		break;
	default:
		prio = LOG_DEBUG;
		break;
	}
	vsyslog(prio, fmt, ap);
}

/* Log "message: strerror(errno)" at level, as OpenBSD's log_warn does. */
static void
vlog_errno(int level, const char *fmt, va_list ap)
{
	char	 buf[1024];
	int	 saved_errno = errno;
	size_t	 n = 0;

	if (fmt != NULL) {
		vsnprintf(buf, sizeof(buf), fmt, ap);
		n = strlen(buf);
		snprintf(buf + n, sizeof(buf) - n, ": %s",
		    strerror(saved_errno));
	} else
		snprintf(buf, sizeof(buf), "%s", strerror(saved_errno));
	logit(level, "%s", buf);
	errno = saved_errno;
}

/* A printf-style front to vlog, for the helpers below. */
static void
logit(int level, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_errno(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog_errno(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
	exit(EXIT_SYSCALL);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
	exit(EXIT_FAIL);
}
