// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <string.h>

#include "caps.h"
#include "unit.h"

#define YES ((struct rg_cap){ .state = RG_CAP_YES })
#define NO(e) ((struct rg_cap){ .state = RG_CAP_NO, .err = (e) })

/* The kernel on the development machines: compat queue, no NFQA_CT. */
static struct rg_caps lab_kernel(void)
{
	struct rg_caps c;

	memset(&c, 0, sizeof(c));
	c.net_admin = c.nftables = c.compat_queue = c.nfqueue = YES;
	c.ctnetlink = c.nat_ipv4 = c.nat_ipv6 = YES;
	c.native_queue = NO(ENOENT);
	c.nfqa_ct = NO(EOPNOTSUPP);
	return c;
}

static void test_lab_kernel_paths(void)
{
	struct rg_caps c = lab_kernel();
	const char *why = "unset";

	CU_ASSERT_EQUAL(rg_caps_queue_path(&c), RG_QUEUE_COMPAT);
	CU_ASSERT_EQUAL(rg_caps_ct_path(&c), RG_CT_LOOKUP);
	CU_ASSERT_TRUE(rg_caps_can_run(&c, &why));
	CU_ASSERT_PTR_NULL(why);
}

static void test_stock_kernel_prefers_native(void)
{
	struct rg_caps c = lab_kernel();

	c.native_queue = YES;
	c.nfqa_ct = YES;
	CU_ASSERT_EQUAL(rg_caps_queue_path(&c), RG_QUEUE_NATIVE);
	CU_ASSERT_EQUAL(rg_caps_ct_path(&c), RG_CT_ATTACHED);
	CU_ASSERT_STRING_EQUAL(rg_caps_queue_path_name(rg_caps_queue_path(&c)), "native");
	CU_ASSERT_STRING_EQUAL(rg_caps_ct_path_name(rg_caps_ct_path(&c)), "nfqa-ct");
}

static void test_no_queue_expression_cannot_run(void)
{
	struct rg_caps c = lab_kernel();
	const char *why = NULL;

	c.compat_queue = NO(ENOENT);
	CU_ASSERT_EQUAL(rg_caps_queue_path(&c), RG_QUEUE_NONE);
	CU_ASSERT_FALSE(rg_caps_can_run(&c, &why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "NFQUEUE"));
}

static void test_unbindable_queue_means_no_path(void)
{
	struct rg_caps c = lab_kernel();

	c.nfqueue = NO(EOPNOTSUPP);
	CU_ASSERT_EQUAL(rg_caps_queue_path(&c), RG_QUEUE_NONE);
	CU_ASSERT_FALSE(rg_caps_can_run(&c, NULL));
}

static void test_missing_privilege_is_named_first(void)
{
	struct rg_caps c;
	const char *why = NULL;

	memset(&c, 0, sizeof(c));
	c.net_admin = NO(EPERM);
	CU_ASSERT_FALSE(rg_caps_can_run(&c, &why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "CAP_NET_ADMIN"));
}

static void test_no_ctnetlink_cannot_run(void)
{
	struct rg_caps c = lab_kernel();
	const char *why = NULL;

	c.ctnetlink = NO(EINVAL);
	CU_ASSERT_EQUAL(rg_caps_ct_path(&c), RG_CT_NONE);
	CU_ASSERT_FALSE(rg_caps_can_run(&c, &why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "ctnetlink"));
}

static void test_ipv6_nat_is_optional(void)
{
	struct rg_caps c = lab_kernel();

	c.nat_ipv6 = NO(ENOENT);
	CU_ASSERT_TRUE(rg_caps_can_run(&c, NULL));
}

static const struct unit_test tests[] = {
	{ "lab kernel: compat queue and conntrack lookup", test_lab_kernel_paths },
	{ "stock kernel: native queue and NFQA_CT preferred", test_stock_kernel_prefers_native },
	{ "no queue expression: cannot run", test_no_queue_expression_cannot_run },
	{ "queue that cannot be bound: no path", test_unbindable_queue_means_no_path },
	{ "missing CAP_NET_ADMIN is the reason given", test_missing_privilege_is_named_first },
	{ "no ctnetlink: cannot run", test_no_ctnetlink_cannot_run },
	{ "IPv6 NAT is optional", test_ipv6_nat_is_optional },
	{ NULL, NULL }
};

int register_caps_tests(void)
{
	return unit_add_suite("caps", tests);
}
