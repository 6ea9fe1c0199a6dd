// SPDX-License-Identifier: GPL-2.0-or-later
#include "usage.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>

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

int rg_usage_no_operands(const char *cmd, int argc, char *const argv[])
{
	if (optind < argc)
		return rg_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	return 0;
}
