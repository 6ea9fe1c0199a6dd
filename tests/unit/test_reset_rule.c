// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reset chain's two rules, expression by expression: the kernel loads
 * them on both paths (no queue in them), and what they match decides
 * which packets of a reset connection are answered with an RST.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "observe.h"
#include "reset_rule.h"
#include "unit.h"

#define MAX_EXPRS 16

struct seen {
	const struct nftnl_expr *e[MAX_EXPRS];
	int n;
};

static int collect(struct nftnl_expr *e, void *data)
{
	struct seen *s = data;

	if (s->n < MAX_EXPRS)
		s->e[s->n++] = e;
	return 0;
}

static struct nftnl_rule *build(int nfproto, int i, struct seen *s)
{
	struct nftnl_rule *r = rg_reset_rule(nfproto, i);

	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	memset(s, 0, sizeof(*s));
	nftnl_expr_foreach(r, collect, s);
	return r;
}

static const char *name(const struct seen *s, int i)
{
	return nftnl_expr_get_str(s->e[i], NFTNL_EXPR_NAME);
}

static uint32_t u32_data(const struct nftnl_expr *e, uint16_t attr)
{
	uint32_t len = 0, v = 0;
	const void *p = nftnl_expr_get(e, attr, &len);

	if (p && len <= sizeof(v))
		memcpy(&v, p, len);
	return v;
}

static void test_reject_rule(void)
{
	static const char *const want[] = {
		"meta", "cmp",			/* meta l4proto tcp */
		"ct", "bitwise", "cmp",		/* ct mark & MARK == MARK */
		"ct", "cmp",			/* ct direction original */
		"payload", "bitwise", "cmp",	/* tcp flags & (syn|rst) == 0 */
		"counter", "reject",
	};
	struct seen s;
	struct nftnl_rule *r = build(NFPROTO_IPV4, 0, &s);
	int i;

	CU_ASSERT_EQUAL_FATAL(s.n, 12);
	for (i = 0; i < 12; i++)
		CU_ASSERT_STRING_EQUAL(name(&s, i), want[i]);
	CU_ASSERT_STRING_EQUAL(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), RG_TABLE);
	CU_ASSERT_STRING_EQUAL(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), RG_RESET_CHAIN);
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(s.e[2], NFTNL_EXPR_CT_KEY), NFT_CT_MARK);
	CU_ASSERT_EQUAL(u32_data(s.e[3], NFTNL_EXPR_BITWISE_MASK), RG_RESET_MARK);
	CU_ASSERT_EQUAL(u32_data(s.e[4], NFTNL_EXPR_CMP_DATA), RG_RESET_MARK);
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(s.e[5], NFTNL_EXPR_CT_KEY), NFT_CT_DIRECTION);
	CU_ASSERT_EQUAL(u32_data(s.e[6], NFTNL_EXPR_CMP_DATA), 0);	/* original */
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(s.e[7], NFTNL_EXPR_PAYLOAD_OFFSET), 13);
	CU_ASSERT_EQUAL(u32_data(s.e[8], NFTNL_EXPR_BITWISE_MASK), 0x06);
	CU_ASSERT_EQUAL(u32_data(s.e[9], NFTNL_EXPR_CMP_DATA), 0);
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(s.e[11], NFTNL_EXPR_REJECT_TYPE),
			NFT_REJECT_TCP_RST);
	nftnl_rule_free(r);
}

/* A SYN from the old port would reopen the live entry translated. */
static void test_drop_rule(void)
{
	struct seen s;
	struct nftnl_rule *r = build(NFPROTO_IPV6, 1, &s);

	CU_ASSERT_EQUAL_FATAL(s.n, 12);
	CU_ASSERT_EQUAL(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY), NFPROTO_IPV6);
	CU_ASSERT_EQUAL(u32_data(s.e[8], NFTNL_EXPR_BITWISE_MASK), 0x12);
	CU_ASSERT_EQUAL(u32_data(s.e[9], NFTNL_EXPR_CMP_DATA), 0x02);
	CU_ASSERT_STRING_EQUAL(name(&s, 11), "immediate");
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(s.e[11], NFTNL_EXPR_IMM_DREG), NFT_REG_VERDICT);
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(s.e[11], NFTNL_EXPR_IMM_VERDICT), NF_DROP);
	nftnl_rule_free(r);
}

static const struct unit_test tests[] = {
	{ "reject: marked, original direction, neither SYN nor RST", test_reject_rule },
	{ "drop: a SYN on the marked entry", test_drop_rule },
	{ NULL, NULL }
};

int register_reset_rule_tests(void)
{
	return unit_add_suite("reset_rule", tests);
}
