// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Where the daemon's human lines go. The choice is made once, at start:
 * the journal is recognised by $JOURNAL_STREAM naming stderr
 * (systemd.exec(5)), so a daemon started by hand with 2>file writes plain
 * lines even under a systemd session.
 */
#include "log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log_format.h"

#define LINE_MAX_LEN 1024

static enum { TO_STDERR, TO_JOURNAL, TO_SYSLOG } target = TO_STDERR;

static bool stderr_is_journal(void)
{
	struct stat st;

	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return rg_log_journal_match(getenv("JOURNAL_STREAM"),
				    (unsigned long long)st.st_dev,
				    (unsigned long long)st.st_ino);
}

void rg_log_open(enum rg_log_target t)
{
	if (t == RG_LOG_SYSLOG) {
		openlog("reflguard", LOG_PID, LOG_DAEMON);
		target = TO_SYSLOG;
	} else if (t == RG_LOG_AUTO && stderr_is_journal()) {
		target = TO_JOURNAL;
	} else {
		target = TO_STDERR;
	}
}

void rg_log_close(void)
{
	if (target == TO_SYSLOG)
		closelog();
	target = TO_STDERR;
}

void rg_log_line(int prio, const char *line)
{
	char buf[LINE_MAX_LEN];

	if (target == TO_SYSLOG) {
		/* syslog(3) frames the line itself: the text, no newline. */
		snprintf(buf, sizeof(buf), "%s", line);
		buf[strcspn(buf, "\n")] = '\0';
		syslog(prio, "%s", buf);
		return;
	}
	rg_log_format(buf, sizeof(buf), prio, target == TO_JOURNAL, line);
	fputs(buf, stderr);
}

void rg_vlogp(int prio, const char *fmt, va_list ap)
{
	char msg[LINE_MAX_LEN];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	rg_log_line(prio, msg);
	/* stderr is buffered for the findings' lines (written once per
	 * wake-up); a log line is rare and goes out now, after them. */
	fflush(stderr);
}

void rg_logp(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rg_vlogp(prio, fmt, ap);
	va_end(ap);
}
