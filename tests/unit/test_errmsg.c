// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "errmsg.h"
#include "plural.h"
#include "unit.h"

static void test_formats_and_fails(void)
{
	char err[64];

	CU_ASSERT_EQUAL(rg_errmsgf(err, sizeof(err), "%s:%u: bad '%s'", "f.conf", 7u, "x"), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.conf:7: bad 'x'");
}

static void test_cuts_a_long_message(void)
{
	char err[6];

	CU_ASSERT_EQUAL(rg_errmsgf(err, sizeof(err), "%s", "0123456789"), -1);
	CU_ASSERT_STRING_EQUAL(err, "01234");
}

/* Callers that only want yes or no pass no buffer. */
static void test_no_buffer(void)
{
	char err[4] = "abc";

	CU_ASSERT_EQUAL(rg_errmsgf(NULL, 16, "%s", "x"), -1);
	CU_ASSERT_EQUAL(rg_errmsgf(err, 0, "%s", "x"), -1);
	CU_ASSERT_STRING_EQUAL(err, "abc");
}

static void test_errno_names_the_privilege(void)
{
	CU_ASSERT_STRING_EQUAL(rg_errmsg_errno(EPERM), "needs root or CAP_NET_ADMIN");
	CU_ASSERT_STRING_EQUAL(rg_errmsg_errno(ENOENT), strerror(ENOENT));
}

static void test_plural(void)
{
	CU_ASSERT_STRING_EQUAL(rg_plural(0, "flow", "flows"), "flows");
	CU_ASSERT_STRING_EQUAL(rg_plural(1, "flow", "flows"), "flow");
	CU_ASSERT_STRING_EQUAL(rg_plural(2, "entry", "entries"), "entries");
	CU_ASSERT_STRING_EQUAL(rg_plural(4294967297ULL, "flow", "flows"), "flows");
}

static const struct unit_test tests[] = {
	{ "formats the message and returns -1", test_formats_and_fails },
	{ "cuts a long message to the buffer", test_cuts_a_long_message },
	{ "writes nothing without a buffer", test_no_buffer },
	{ "EPERM says which privilege is missing", test_errno_names_the_privilege },
	{ "one flow, two flows: rg_plural", test_plural },
	{ NULL, NULL }
};

int register_errmsg_tests(void)
{
	return unit_add_suite("errmsg", tests);
}
