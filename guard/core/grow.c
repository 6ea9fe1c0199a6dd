// SPDX-License-Identifier: GPL-2.0-or-later
#include "grow.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

void *rg_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first)
{
	size_t want = *cap ? *cap * 2 : first;
	void *p;

	if (n < *cap)
		return v;
	if (!elem || !want || want > SIZE_MAX / 2 / elem) {
		errno = ENOMEM;
		return NULL;
	}
	p = realloc(v, want * elem);
	if (p)
		*cap = want;
	return p;
}
