/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_LOG_FORMAT_H
#define RG_LOG_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The daemon's human lines, as written to stderr. Pure: the logger
 * (log.c) decides where a line goes, this only how it reads.
 */

/*
 * One line for msg (which may end in '\n'; one is always written):
 * "<PRIO>msg\n" when stderr is the journal (the sd-daemon(3) prefix,
 * e.g. <4> for LOG_WARNING, which journald turns into the entry's
 * priority), "reflguard: msg\n" otherwise. Truncated to len, always
 * ending in '\n' when len > 1. Returns the length written.
 */
size_t rg_log_format(char *buf, size_t len, int prio, bool journal,
		     const char *msg);
/*
 * Whether $JOURNAL_STREAM ("DEV:INO", systemd.exec(5)) names the file
 * stderr is: only then does stderr go to the journal, and not when
 * stderr was redirected by whoever started the daemon.
 */
bool rg_log_format_journal_match(const char *env, unsigned long long dev,
				 unsigned long long ino);

#endif
