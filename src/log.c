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

/*
 * Make msg one line: each control character becomes \n, \r, \t or \xHH.
 * Event data (a DEVNAME, a command's output) reaches messages, and a
 * newline in it would otherwise forge a log line of its own; a
 * traceback's line breaks are shown the same way, so one message is
 * always one line.  out holds 4 * strlen(msg) + 1 bytes.
 */
static void
log_escape(char *out, const char *msg)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;

	for (p = (const unsigned char *)msg; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f) {
			*out++ = (char)*p;
			continue;
		}
		*out++ = '\\';
		switch (*p) {
		case '\n':
			*out++ = 'n';
			break;
		case '\r':
			*out++ = 'r';
			break;
		case '\t':
			*out++ = 't';
			break;
		default:
			*out++ = 'x';
			*out++ = hex[*p >> 4];
			*out++ = hex[*p & 0xf];
			break;
		}
	}
	*out = '\0';
}

void
vlog(int level, const char *fmt, va_list ap)
{
	char	 small[1024], *msg = small, *line;
	va_list	 ap2;
	int	 n, prio;

	if (level > log_verbose)
		return;
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	else if (msg == NULL)
		msg = small;
	va_end(ap2);
	if (n < 0)
		snprintf(small, sizeof(small), "(unable to format a message)");
	if ((line = malloc(4 * strlen(msg) + 1)) != NULL)
		log_escape(line, msg);
	else {
		/* Out of memory: still one line, with '?' for each control. */
		for (line = msg; *line != '\0'; line++)
			if ((unsigned char)*line < 0x20 || *line == 0x7f)
				*line = '?';
		line = NULL;
	}
	if (log_stderr) {
		fprintf(stderr, "%s: %s\n", log_progname, line ? line : msg);
		fflush(stderr);
	} else {
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
		syslog(prio, "%s", line ? line : msg);
	}
	free(line);
	if (msg != small)
		free(msg);
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
