// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "grow.h"
#include "unit.h"

static void test_doubles(void)
{
	size_t cap = 0, n;
	int *v = NULL, *p;

	for (n = 0; n < 100; n++) {
		p = rg_grow(v, &cap, n, sizeof(*v), 4);
		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		v = p;
		v[n] = (int)n;
	}
	CU_ASSERT_EQUAL(cap, 128);	/* 4, 8, ... 128: doubled, not +1 */
	for (n = 0; n < 100; n++)
		CU_ASSERT_EQUAL(v[n], (int)n);
	/* Room left: the same array back, cap unchanged. */
	CU_ASSERT_PTR_EQUAL(rg_grow(v, &cap, 100, sizeof(*v), 4), v);
	CU_ASSERT_EQUAL(cap, 128);
	free(v);
}

static void test_overflow(void)
{
	size_t cap = SIZE_MAX / 4;
	char c = 'x';

	errno = 0;
	CU_ASSERT_PTR_NULL(rg_grow(&c, &cap, cap, 8, 4));
	CU_ASSERT_EQUAL(errno, ENOMEM);
	CU_ASSERT_EQUAL(cap, SIZE_MAX / 4);	/* unchanged on failure */
	cap = 0;
	CU_ASSERT_PTR_NULL(rg_grow(NULL, &cap, 0, 8, 0));
	CU_ASSERT_EQUAL(cap, 0);
}

int register_grow_tests(void)
{
	static const struct unit_test tests[] = {
		{ "doubles, keeps the elements", test_doubles },
		{ "overflow and zero refused, nothing changed", test_overflow },
		{ NULL, NULL },
	};

	return unit_add_suite("grow", tests);
}
