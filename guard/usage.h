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
/* Commands that take no operands: -1 (reported) if argv has one left. */
int rg_usage_no_operands(const char *cmd, int argc, char *const argv[]);

#endif
