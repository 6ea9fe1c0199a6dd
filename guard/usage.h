/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_USAGE_H
#define RG_USAGE_H

/*
 * The one shape of a usage error, for every command:
 *   reflguard CMD: WHAT (see 'reflguard help CMD')
 * Each returns -1, so a parser can end with "return rg_usage_...".
 */
int rg_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* For getopt_long's ':' (a value missing) and '?' (an unknown option). */
int rg_usage_bad_option(const char *cmd, int c, char *const argv[]);
/*
 * Right after getopt_long() returned an option: -1 (reported) when the
 * value it took is the next option, so that a missing value never
 * swallows it. 0 otherwise, also for an option that takes no value.
 */
int rg_usage_value(const char *cmd, char *const argv[]);
/* Commands that take no operands: -1 (reported) if argv has one left. */
int rg_usage_no_operands(const char *cmd, int argc, char *const argv[]);

#endif
