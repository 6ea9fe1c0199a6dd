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
#include "outq.h"

#define LINE_MAX_LEN 1024
#define QUEUE_BYTES (128 * 1024)	/* about 500 lines */

static enum { TO_STDERR, TO_JOURNAL, TO_SYSLOG } target = TO_STDERR;
/* Once the daemon's loop runs, its lines go through a writer thread. */
static struct rg_outq queue;

bool rg_log_fd_is_journal(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return false;
	return rg_log_format_journal_match(getenv("JOURNAL_STREAM"),
					   (unsigned long long)st.st_dev,
					   (unsigned long long)st.st_ino);
}

void rg_log_open(enum rg_log_target t)
{
	if (t == RG_LOG_SYSLOG) {
		openlog("reflguard", LOG_PID, LOG_DAEMON);
		target = TO_SYSLOG;
	} else if (t == RG_LOG_AUTO && rg_log_fd_is_journal(STDERR_FILENO)) {
		target = TO_JOURNAL;
	} else {
		target = TO_STDERR;
	}
}

int rg_log_queue_start(void)
{
	return rg_outq_start(&queue, target == TO_SYSLOG ? -1 : STDERR_FILENO,
			     QUEUE_BYTES);
}

void rg_log_queue_stop(int ms)
{
	rg_outq_stop(&queue, ms);
}

uint64_t rg_log_dropped(void)
{
	return rg_outq_running(&queue) ? rg_outq_dropped(&queue) : 0;
}

uint64_t rg_log_burst_end(void)
{
	return rg_outq_running(&queue) ? rg_outq_burst_end(&queue) : 0;
}

void rg_log_close(void)
{
	rg_log_queue_stop(0);
	if (target == TO_SYSLOG)
		closelog();
	target = TO_STDERR;
}

/*
 * With log = syslog an error of the start or the stop (outside the loop,
 * when the queue does not run) also goes to stderr: with no syslog daemon
 * listening, a start that fails must still say why somewhere.
 */
static void fatal_to_stderr(int prio, const char *line)
{
	char buf[LINE_MAX_LEN];

	if (target != TO_SYSLOG || (prio & 7) > LOG_ERR || rg_outq_running(&queue))
		return;
	rg_log_format(buf, sizeof(buf), prio, false, line);
	fputs(buf, stderr);
	fflush(stderr);
}

static void queue_line(int prio, const char *line)
{
	char buf[LINE_MAX_LEN];
	size_t n;

	if (target == TO_SYSLOG)
		n = (size_t)snprintf(buf, sizeof(buf), "%s", line);
	else
		n = rg_log_format(buf, sizeof(buf), prio, target == TO_JOURNAL, line);
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	rg_outq_put(&queue, prio, buf, n);
}

void rg_log_line(int prio, const char *line)
{
	char buf[LINE_MAX_LEN];

	fatal_to_stderr(prio, line);
	if (rg_outq_running(&queue)) {
		queue_line(prio, line);
		return;
	}
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

void rg_log_vprio(int prio, const char *fmt, va_list ap)
{
	char msg[LINE_MAX_LEN];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	rg_log_line(prio, msg);
	if (!rg_outq_running(&queue))
		fflush(stderr);
}

void rg_log_prio(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rg_log_vprio(prio, fmt, ap);
	va_end(ap);
}

void rg_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rg_log_vprio(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void rg_log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rg_log_vprio(LOG_ERR, fmt, ap);
	va_end(ap);
}
