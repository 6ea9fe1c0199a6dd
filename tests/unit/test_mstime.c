// SPDX-License-Identifier: GPL-2.0-or-later
#include "mstime.h"
#include "unit.h"

static void test_diff(void)
{
	struct timespec a = { 10, 900000000 }, b = { 12, 100000000 };
	struct timespec c = { 12, 100999999 };

	CU_ASSERT_EQUAL(rg_mstime_diff(&b, &a), 1200);
	CU_ASSERT_EQUAL(rg_mstime_diff(&a, &b), -1200);
	CU_ASSERT_EQUAL(rg_mstime_diff(&a, &a), 0);
	/* A partial millisecond does not count. */
	CU_ASSERT_EQUAL(rg_mstime_diff(&c, &b), 0);
	CU_ASSERT_EQUAL(rg_mstime_diff(&b, &c), 0);
}

static void test_of(void)
{
	struct timespec t = { 1700000000, 123999999 };

	CU_ASSERT_EQUAL(rg_mstime_of(&t), 1700000000123LL);
}

static void test_add(void)
{
	struct timespec t = { 5, 999000000 };

	rg_mstime_add(&t, 1);
	CU_ASSERT(t.tv_sec == 6 && t.tv_nsec == 0);
	rg_mstime_add(&t, 2500);
	CU_ASSERT(t.tv_sec == 8 && t.tv_nsec == 500000000);
	rg_mstime_add(&t, 600);
	CU_ASSERT(t.tv_sec == 9 && t.tv_nsec == 100000000);
	rg_mstime_add(&t, 0);
	CU_ASSERT(t.tv_sec == 9 && t.tv_nsec == 100000000);
}

static const struct unit_test tests[] = {
	{ "the milliseconds between two times", test_diff },
	{ "a time in milliseconds", test_of },
	{ "milliseconds added carry into seconds", test_add },
	{ NULL, NULL }
};

int register_mstime_tests(void)
{
	return unit_add_suite("mstime", tests);
}
