/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_LOG_H
#define RG_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#include "config.h"

/*
 * The daemon's human lines, one a finding or a happening: to stderr in
 * the foreground, with journal priority prefixes when stderr is the
 * journal (log = auto), or to syslog(3) (log = syslog). Priorities are
 * syslog's: LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO.
 */
/* Whether fd is the journal's stream ($JOURNAL_STREAM names it). */
bool rg_log_fd_is_journal(int fd);
void rg_log_open(enum rg_log_target t);
void rg_log_close(void);
void rg_log_prio(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rg_log_vprio(int prio, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* A line already formatted (with or without its newline). */
void rg_log_line(int prio, const char *line);
/*
 * The daemon's loop never waits on a stalled journal, syslog or stderr:
 * from rg_log_queue_start() on, the lines go through a bounded queue
 * (guard/outq.c) written by a thread of its own; a full queue drops lines
 * and counts them. rg_log_queue_stop() writes out what is left, waiting
 * at most ms.
 */
int rg_log_queue_start(void);
void rg_log_queue_stop(int ms);
uint64_t rg_log_dropped(void);
uint64_t rg_log_burst_end(void);
void rg_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same at err priority: what stops the daemon. */
void rg_log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
