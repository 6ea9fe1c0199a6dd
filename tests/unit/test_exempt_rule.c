// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The exemption set as the element messages name it (rg_exempt_set_ref)
 * and as it is created (rg_exempt_set): the same table, name and family.
 */
#include <arpa/inet.h>
#include <string.h>

#include <linux/netfilter.h>

#include "exempt_rule.h"
#include "observe.h"
#include "unit.h"

static void check_ref(const struct nftnl_set *s, int nfproto, const char *name)
{
	CU_ASSERT_STRING_EQUAL(nftnl_set_get_str(s, NFTNL_SET_TABLE), RG_TABLE);
	CU_ASSERT_STRING_EQUAL(nftnl_set_get_str(s, NFTNL_SET_NAME), name);
	CU_ASSERT_EQUAL(nftnl_set_get_u32(s, NFTNL_SET_FAMILY), (uint32_t)nfproto);
}

static void test_ref_names_the_set_only(void)
{
	struct nftnl_set *s = rg_exempt_set_ref(NFPROTO_IPV6);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	check_ref(s, NFPROTO_IPV6, "exempt6");
	CU_ASSERT_FALSE(nftnl_set_is_set(s, NFTNL_SET_KEY_TYPE));
	CU_ASSERT_FALSE(nftnl_set_is_set(s, NFTNL_SET_KEY_LEN));
	nftnl_set_free(s);
}

static void test_set_adds_the_key(void)
{
	struct nftnl_set *s4 = rg_exempt_set(NFPROTO_IPV4);
	struct nftnl_set *s6 = rg_exempt_set(NFPROTO_IPV6);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s6);
	check_ref(s4, NFPROTO_IPV4, "exempt4");
	check_ref(s6, NFPROTO_IPV6, "exempt6");
	CU_ASSERT_EQUAL(nftnl_set_get_u32(s4, NFTNL_SET_KEY_LEN), 16);
	CU_ASSERT_EQUAL(nftnl_set_get_u32(s6, NFTNL_SET_KEY_LEN), 40);
	nftnl_set_free(s4);
	nftnl_set_free(s6);
}

static const struct unit_test tests[] = {
	{ "set reference: table, name, family, no key", test_ref_names_the_set_only },
	{ "set: the reference plus the key", test_set_adds_the_key },
	{ NULL, NULL }
};

int register_exempt_rule_tests(void)
{
	return unit_add_suite("exempt_rule", tests);
}
