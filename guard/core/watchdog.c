// SPDX-License-Identifier: GPL-2.0-or-later
#include "watchdog.h"

#include <errno.h>
#include <stdlib.h>

/* Digits only: strtoull() would take signs and spaces. */
static int number(const char *s, unsigned long long *out)
{
	const char *p;
	char *end;

	if (!s || !*s)
		return -1;
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno ? -1 : 0;
}

uint64_t rg_watchdog_usec(const char *usec, const char *pid, long self)
{
	unsigned long long us, p;

	if (number(usec, &us) < 0 || us == 0)
		return 0;
	if (pid && (number(pid, &p) < 0 || p != (unsigned long long)self))
		return 0;
	return us;
}
