/*
 * Copyright (c) 2026 The sipproxd developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * Logging for all three processes: syslog in the background, stderr in the
 * foreground, each line tagged with the process role.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int		 log_debug_mode;
static int		 log_verbose;	/* the debug classes on */
static int		 log_cmdline;	/* ... that -v turned on */
static const char	*log_procname = "parent";

void
log_init(int n_debug, int facility)
{
	log_debug_mode = n_debug;
	log_procname = "parent";
	if (!log_debug_mode)
		openlog("sipproxd", LOG_PID | LOG_NDELAY, facility);
	tzset();
}

void
log_procinit(const char *procname)
{
	if (procname != NULL)
		log_procname = procname;
}

/* The classes on from now, as sipctl log sets them. */
void
log_setverbose(int classes)
{
	log_verbose = classes;
}

/* -v: these classes are on, and stay on across reloads. */
void
log_setcmdline(int classes)
{
	log_cmdline = classes;
	log_verbose = classes;
}

/* A configuration (re)loaded: its `log verbose` classes, and -v's. */
void
log_reconf(int classes)
{
	log_verbose = log_cmdline | classes;
}

int
log_getverbose(void)
{
	return (log_verbose);
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char	 msg[1024];

	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		strlcpy(msg, "(log formatting failed)", sizeof(msg));
	if (log_debug_mode) {
		fprintf(stderr, "sipproxd[%s]: %s\n", log_procname, msg);
		fflush(stderr);
	} else
		syslog(pri, "%s: %s", log_procname, msg);
}

void
logit(int pri, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

static void
vlog_errno(int pri, int saved_errno, const char *emsg, va_list ap)
{
	char	 msg[1024];

	if (emsg == NULL) {
		logit(pri, "%s", strerror(saved_errno));
		return;
	}
	if (vsnprintf(msg, sizeof(msg), emsg, ap) < 0)
		strlcpy(msg, "(log formatting failed)", sizeof(msg));
	logit(pri, "%s: %s", msg, strerror(saved_errno));
}

void
log_warn(const char *emsg, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, emsg);
	vlog_errno(LOG_ERR, saved_errno, emsg, ap);
	va_end(ap);
	errno = saved_errno;
}

void
log_warnx(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vlog(LOG_ERR, emsg, ap);
	va_end(ap);
}

void
log_info(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vlog(LOG_INFO, emsg, ap);
	va_end(ap);
}

void
log_debugc(int class, const char *emsg, ...)
{
	va_list	 ap;

	if ((log_verbose & class) == 0)
		return;
	va_start(ap, emsg);
	vlog(LOG_DEBUG, emsg, ap);
	va_end(ap);
}

void
fatal(const char *emsg, ...)
{
	va_list	 ap;
	int	 saved_errno = errno;

	va_start(ap, emsg);
	vlog_errno(LOG_CRIT, saved_errno, emsg, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *emsg, ...)
{
	va_list	 ap;

	va_start(ap, emsg);
	vlog(LOG_CRIT, emsg, ap);
	va_end(ap);
	exit(1);
}
