// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The exemption set as the element messages name it (rg_exempt_set_ref)
 * and as it is created (rg_exempt_set): the same table, name and family.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

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

#define MAX_EXPRS 16

struct seen {
	struct nftnl_expr *e[MAX_EXPRS];
	int n;
};

static int collect(struct nftnl_expr *e, void *data)
{
	struct seen *s = data;

	if (s->n < MAX_EXPRS)
		s->e[s->n++] = e;
	return 0;
}

static uint32_t u32_data(const struct nftnl_expr *e, uint16_t attr)
{
	uint32_t len = 0, v = 0;
	const void *p = nftnl_expr_get(e, attr, &len);

	if (p && len == sizeof(v))
		memcpy(&v, p, len);
	return v;
}

/* The matched flow's ct mark gets RG_EXEMPT_MARK, the other bits kept,
 * before the identity snat: a pair's other node reads it (guard/adopt.h). */
static void check_marks(int nfproto, int first)
{
	struct nftnl_rule *r = rg_exempt_rule(nfproto);
	struct seen s = { .n = 0 };
	struct nftnl_expr **e = s.e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	nftnl_expr_foreach(r, collect, &s);
	CU_ASSERT_EQUAL_FATAL(s.n, first + 5);
	CU_ASSERT_STRING_EQUAL(nftnl_expr_get_str(e[first - 1], NFTNL_EXPR_NAME), "counter");
	CU_ASSERT_STRING_EQUAL(nftnl_expr_get_str(e[first], NFTNL_EXPR_NAME), "ct");
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(e[first], NFTNL_EXPR_CT_KEY), NFT_CT_MARK);
	CU_ASSERT_TRUE(nftnl_expr_is_set(e[first], NFTNL_EXPR_CT_DREG));
	CU_ASSERT_STRING_EQUAL(nftnl_expr_get_str(e[first + 1], NFTNL_EXPR_NAME), "bitwise");
	CU_ASSERT_EQUAL(u32_data(e[first + 1], NFTNL_EXPR_BITWISE_MASK), ~RG_EXEMPT_MARK);
	CU_ASSERT_EQUAL(u32_data(e[first + 1], NFTNL_EXPR_BITWISE_XOR), RG_EXEMPT_MARK);
	CU_ASSERT_STRING_EQUAL(nftnl_expr_get_str(e[first + 2], NFTNL_EXPR_NAME), "ct");
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(e[first + 2], NFTNL_EXPR_CT_KEY), NFT_CT_MARK);
	CU_ASSERT_TRUE(nftnl_expr_is_set(e[first + 2], NFTNL_EXPR_CT_SREG));
	CU_ASSERT_FALSE(nftnl_expr_is_set(e[first + 2], NFTNL_EXPR_CT_DREG));
	CU_ASSERT_STRING_EQUAL(nftnl_expr_get_str(e[s.n - 1], NFTNL_EXPR_NAME), "nat");
	nftnl_rule_free(r);
}

static void test_rule_marks_the_flow(void)
{
	/* payload payload meta payload lookup counter: the key, matched */
	check_marks(NFPROTO_IPV4, 6);
	check_marks(NFPROTO_IPV6, 6);
	CU_ASSERT_EQUAL(RG_EXEMPT_MARK & 0x40000000u, 0);	/* not the reset bit */
}

static const struct unit_test tests[] = {
	{ "rule: sets the exempt bit of the ct mark, keeps the others", test_rule_marks_the_flow },
	{ "set reference: table, name, family, no key", test_ref_names_the_set_only },
	{ "set: the reference plus the key", test_set_adds_the_key },
	{ NULL, NULL }
};

int register_exempt_rule_tests(void)
{
	return unit_add_suite("exempt_rule", tests);
}
