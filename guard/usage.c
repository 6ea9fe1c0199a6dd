// SPDX-License-Identifier: GPL-2.0-or-later
#include "usage.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"

int rg_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "reflguard %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'reflguard help %s')\n", cmd);
	return -1;
}

int rg_usage_bad_option(const char *cmd, int c, char *const argv[])
{
	char word[8];

	return rg_usage_error(cmd, "%s '%s'",
			      c == ':' ? "missing value for" : "unknown option",
			      rg_cli_bad_option(argv, optind, optopt, word,
						sizeof(word)));
}

int rg_usage_value(const char *cmd, char *const argv[])
{
	const char *flag = rg_cli_swallowed(argv, optind, optarg);

	if (!flag)
		return 0;
	return rg_usage_error(cmd, "missing value for '%s' ('%s' is the next option)",
			      flag, optarg);
}

int rg_usage_no_operands(const char *cmd, int argc, char *const argv[])
{
	if (optind < argc)
		return rg_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}
