// SPDX-License-Identifier: GPL-2.0-or-later
#include "plural.h"

const char *rg_plural(unsigned long long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}
