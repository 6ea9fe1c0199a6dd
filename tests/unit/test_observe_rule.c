// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The observation rule for both kernel paths. The native-queue path cannot
 * be loaded on the development kernel, so its rule is checked here,
 * expression by expression.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_NFQUEUE.h>

#include "observe.h"
#include "observe_rule.h"
#include "unit.h"

struct seen {
	char names[16][16];
	int n;
	const struct nftnl_expr *last;
};

static int collect(struct nftnl_expr *e, void *data)
{
	struct seen *s = data;

	if (s->n < 16)
		strncpy(s->names[s->n++], nftnl_expr_get_str(e, NFTNL_EXPR_NAME), 15);
	s->last = e;
	return 0;
}

static struct nftnl_rule *build(const char *pub, const char *ports,
				enum rg_queue_path path, struct seen *s)
{
	struct rg_port_range pr;
	struct rg_addr a;
	struct nftnl_rule *r;
	int nfproto;

	CU_ASSERT_FATAL(rg_addr_parse(pub, &a) == 0);
	CU_ASSERT_FATAL(rg_addr_port_range_parse(ports, &pr) == 0);
	nfproto = a.family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	r = rg_observe_rule(nfproto, &a, &pr, path, 7003);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	memset(s, 0, sizeof(*s));
	nftnl_expr_foreach(r, collect, s);
	return r;
}

static void test_matches_in_order(void)
{
	static const char *const want[] = {
		"ct", "bitwise", "cmp",		/* ct state new */
		"ct", "bitwise", "cmp",		/* ct status dnat */
		"ct", "cmp",			/* ct original protocol tcp */
		"ct", "cmp",			/* ct original daddr */
		"ct", "range",			/* ct original proto-dst */
		"counter", "queue",
	};
	struct seen s;
	struct nftnl_rule *r = build("64.100.0.10", "tcp/7001-7010",
				     RG_QUEUE_NATIVE, &s);
	int i;

	CU_ASSERT_EQUAL(s.n, 14);
	for (i = 0; i < s.n && i < 14; i++)
		CU_ASSERT_STRING_EQUAL(s.names[i], want[i]);
	CU_ASSERT_STRING_EQUAL(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), RG_TABLE);
	CU_ASSERT_STRING_EQUAL(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), RG_OBSERVE_CHAIN);
	nftnl_rule_free(r);
}

/* The view before NAT: the same rule without "ct status dnat". */
static void test_pre_rule(void)
{
	static const char *const want[] = {
		"ct", "bitwise", "cmp",		/* ct state new */
		"ct", "cmp",			/* ct original protocol tcp */
		"ct", "cmp",			/* ct original daddr */
		"ct", "range",			/* ct original proto-dst */
		"counter", "target",
	};
	struct rg_port_range pr;
	struct nftnl_rule *r;
	struct rg_addr a;
	struct seen s;
	int i;

	CU_ASSERT_FATAL(rg_addr_parse("64.100.0.10", &a) == 0);
	CU_ASSERT_FATAL(rg_addr_port_range_parse("tcp/7001-7010", &pr) == 0);
	r = rg_observe_rule_pre(NFPROTO_IPV4, &a, &pr, RG_QUEUE_COMPAT, 7003);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	memset(&s, 0, sizeof(s));
	nftnl_expr_foreach(r, collect, &s);
	CU_ASSERT_EQUAL(s.n, 11);
	for (i = 0; i < s.n && i < 11; i++)
		CU_ASSERT_STRING_EQUAL(s.names[i], want[i]);
	CU_ASSERT_STRING_EQUAL(nftnl_rule_get_str(r, NFTNL_RULE_CHAIN), RG_OBSERVE_PRE_CHAIN);
	nftnl_rule_free(r);
}

static void test_native_queue_with_bypass(void)
{
	struct seen s;
	struct nftnl_rule *r = build("64.100.0.10", "tcp/7003", RG_QUEUE_NATIVE, &s);

	CU_ASSERT_STRING_EQUAL(s.names[s.n - 1], "queue");
	CU_ASSERT_EQUAL(nftnl_expr_get_u16(s.last, NFTNL_EXPR_QUEUE_NUM), 7003);
	CU_ASSERT_TRUE(nftnl_expr_get_u16(s.last, NFTNL_EXPR_QUEUE_FLAGS) &
		       NFT_QUEUE_FLAG_BYPASS);
	nftnl_rule_free(r);
}

static void test_compat_target_with_bypass(void)
{
	const struct xt_NFQ_info_v3 *info;
	uint32_t len = 0;
	struct seen s;
	struct nftnl_rule *r = build("64.100.0.10", "tcp/7003", RG_QUEUE_COMPAT, &s);

	CU_ASSERT_STRING_EQUAL(s.names[s.n - 1], "target");
	CU_ASSERT_STRING_EQUAL(nftnl_expr_get_str(s.last, NFTNL_EXPR_TG_NAME), "NFQUEUE");
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(s.last, NFTNL_EXPR_TG_REV), 3);
	info = nftnl_expr_get(s.last, NFTNL_EXPR_TG_INFO, &len);
	CU_ASSERT_EQUAL_FATAL(len, sizeof(*info));
	CU_ASSERT_EQUAL(info->queuenum, 7003);
	CU_ASSERT_EQUAL(info->queues_total, 1);
	CU_ASSERT_TRUE(info->flags & NFQ_FLAG_BYPASS);
	nftnl_rule_free(r);
}

static void test_public_and_port_range_data(void)
{
	struct seen s;
	struct nftnl_rule *r = build("64.100.0.10", "tcp/7001-7010", RG_QUEUE_COMPAT, &s);
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	uint16_t lo = htons(7001), hi = htons(7010);
	const uint8_t pub[4] = { 64, 100, 0, 10 };
	bool saw_pub = false, saw_range = false;
	uint32_t len;

	while ((e = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

		if (!strcmp(name, "cmp")) {
			const void *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
			if (len == 4 && !memcmp(d, pub, 4))
				saw_pub = true;
		} else if (!strcmp(name, "range")) {
			const void *from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &len);
			const void *to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &len);
			saw_range = !memcmp(from, &lo, 2) && !memcmp(to, &hi, 2);
		}
	}
	nftnl_expr_iter_destroy(it);
	CU_ASSERT_TRUE(saw_pub);
	CU_ASSERT_TRUE(saw_range);
	nftnl_rule_free(r);
}

static void test_ipv6_public(void)
{
	struct seen s;
	struct nftnl_rule *r = build("2001:db8:64::10", "tcp/7003", RG_QUEUE_NATIVE, &s);

	CU_ASSERT_EQUAL(nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY), NFPROTO_IPV6);
	CU_ASSERT_EQUAL(s.n, 14);
	nftnl_rule_free(r);
}

static void test_udp_range(void)
{
	struct seen s;
	struct nftnl_rule *r = build("64.100.0.10", "udp/5060", RG_QUEUE_COMPAT, &s);
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *e;
	bool saw_udp = false;
	uint32_t len;

	while ((e = nftnl_expr_iter_next(it))) {
		if (!strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "cmp")) {
			const uint8_t *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
			if (len == 1 && d[0] == IPPROTO_UDP)
				saw_udp = true;
		}
	}
	nftnl_expr_iter_destroy(it);
	CU_ASSERT_TRUE(saw_udp);
	nftnl_rule_free(r);
}

/* Conntrack's protocol: meta l4proto reads AH as the protocol of IPv6 AH. */
static void test_protocol_from_conntrack(void)
{
	struct nftnl_expr_iter *it;
	struct nftnl_expr *e;
	struct seen s;
	struct nftnl_rule *r = build("2001:db8:64::10", "tcp/7003", RG_QUEUE_COMPAT, &s);
	int i = 0;

	it = nftnl_expr_iter_create(r);
	while ((e = nftnl_expr_iter_next(it)) && i++ < 6)
		;
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "ct");
	CU_ASSERT_EQUAL(nftnl_expr_get_u32(e, NFTNL_EXPR_CT_KEY), NFT_CT_PROTOCOL);
	CU_ASSERT_EQUAL(nftnl_expr_get_u8(e, NFTNL_EXPR_CT_DIR), 0);
	nftnl_expr_iter_destroy(it);
	nftnl_rule_free(r);
}

static const struct unit_test tests[] = {
	{ "the view before NAT: no ct status dnat, chain observe_pre", test_pre_rule },
	{ "expressions in order", test_matches_in_order },
	{ "native path: queue expression with bypass", test_native_queue_with_bypass },
	{ "compat path: NFQUEUE v3 target with bypass", test_compat_target_with_bypass },
	{ "public address and port range data", test_public_and_port_range_data },
	{ "IPv6 public in an ip6 rule", test_ipv6_public },
	{ "UDP range matches l4proto udp", test_udp_range },
	{ "protocol from conntrack, not meta l4proto", test_protocol_from_conntrack },
	{ NULL, NULL }
};

int register_observe_rule_tests(void)
{
	return unit_add_suite("observe_rule", tests);
}
