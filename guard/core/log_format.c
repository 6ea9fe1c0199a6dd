// SPDX-License-Identifier: GPL-2.0-or-later
#include "log_format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t rg_log_format(char *buf, size_t len, int prio, bool journal,
		     const char *msg)
{
	size_t mlen = strlen(msg);
	int n;

	if (!len)
		return 0;
	/* The line's own newline is ours to add: exactly one. */
	if (mlen && msg[mlen - 1] == '\n')
		mlen--;
	if (journal)
		n = snprintf(buf, len, "<%d>%.*s\n", prio & 7, (int)mlen, msg);
	else
		n = snprintf(buf, len, "reflguard: %.*s\n", (int)mlen, msg);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	if ((size_t)n >= len) {
		if (len > 1)
			buf[len - 2] = '\n';
		return len - 1;
	}
	return (size_t)n;
}

/* A decimal number up to the stop character; false if not one. */
static bool number(const char *s, char stop, const char **end,
		   unsigned long long *out)
{
	char *e;

	if (*s < '0' || *s > '9')
		return false;
	*out = strtoull(s, &e, 10);
	*end = e;
	return *e == stop;
}

bool rg_log_format_journal_match(const char *env, unsigned long long dev,
				 unsigned long long ino)
{
	unsigned long long d, i;
	const char *p;

	if (!env || !number(env, ':', &p, &d) || !number(p + 1, '\0', &p, &i))
		return false;
	return d == dev && i == ino;
}
