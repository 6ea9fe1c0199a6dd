// SPDX-License-Identifier: GPL-2.0-or-later
#include "unit.h"
#include "watchdog.h"

static void test_usec(void)
{
	CU_ASSERT_EQUAL(rg_watchdog_usec("30000000", NULL, 42), 30000000);
	CU_ASSERT_EQUAL(rg_watchdog_usec("30000000", "42", 42), 30000000);
	/* Another process's watchdog: not ours to ping. */
	CU_ASSERT_EQUAL(rg_watchdog_usec("30000000", "43", 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec(NULL, NULL, 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec("", NULL, 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec("0", NULL, 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec("-5", NULL, 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec(" 5", NULL, 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec("5s", NULL, 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec("99999999999999999999999", NULL, 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec("5", "", 42), 0);
	CU_ASSERT_EQUAL(rg_watchdog_usec("5", "x42", 42), 0);
}

int register_watchdog_tests(void)
{
	static const struct unit_test tests[] = {
		{ "WATCHDOG_USEC and WATCHDOG_PID", test_usec },
		{ NULL, NULL },
	};

	return unit_add_suite("watchdog", tests);
}
