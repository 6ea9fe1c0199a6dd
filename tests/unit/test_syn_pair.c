// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "syn_pair.h"
#include "unit.h"

static void tuple(struct rg_tuple *t, const char *src, uint16_t sport,
		  const char *dst, uint16_t dport)
{
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(src, &t->src), 0);
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(dst, &t->dst), 0);
	t->sport = sport;
	t->dport = dport;
}

static struct rg_syn_pair *fresh(void)
{
	struct rg_syn_pair *p = malloc(sizeof(*p));

	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	rg_syn_pair_init(p);
	return p;
}

/* The note's SYN: C 10.0.30.2:27901 -> 64.100.0.10:7003, then after
 * both translations 64.100.0.10:4401 -> 10.0.10.2:7003. */
static void test_pairs_on_seq(void)
{
	struct rg_syn_pair *p = fresh();
	struct rg_tuple orig, reply;
	struct rg_flow f;

	tuple(&orig, "10.0.30.2", 27901, "64.100.0.10", 7003);
	tuple(&reply, "10.0.10.2", 7003, "64.100.0.10", 4401);
	CU_ASSERT_FALSE(rg_syn_pair_after(p, &reply, IPPROTO_TCP, 1234, &f));
	rg_syn_pair_before(p, &orig, IPPROTO_TCP, 1234);
	CU_ASSERT_FALSE(rg_syn_pair_after(p, &reply, IPPROTO_TCP, 1235, &f));
	CU_ASSERT_FALSE(rg_syn_pair_after(p, &reply, IPPROTO_UDP, 1234, &f));
	CU_ASSERT_TRUE_FATAL(rg_syn_pair_after(p, &reply, IPPROTO_TCP, 1234, &f));
	CU_ASSERT_EQUAL(f.family, AF_INET);
	CU_ASSERT_EQUAL(f.proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(f.orig.sport, 27901);
	CU_ASSERT_EQUAL(f.reply.dport, 4401);
	CU_ASSERT_TRUE(rg_addr_equal(&f.orig.dst, &orig.dst));
	CU_ASSERT_TRUE(rg_addr_equal(&f.reply.src, &reply.src));
	CU_ASSERT_FALSE(f.has_id);
	/* A retransmission pairs again. */
	CU_ASSERT_TRUE(rg_syn_pair_after(p, &reply, IPPROTO_TCP, 1234, &f));
	free(p);
}

static void test_family_must_agree(void)
{
	struct rg_syn_pair *p = fresh();
	struct rg_tuple orig, reply;
	struct rg_flow f;

	tuple(&orig, "fd00:30::2", 27901, "2001:db8:64::10", 7003);
	tuple(&reply, "10.0.10.2", 7003, "64.100.0.10", 4401);
	rg_syn_pair_before(p, &orig, IPPROTO_TCP, 77);
	CU_ASSERT_FALSE(rg_syn_pair_after(p, &reply, IPPROTO_TCP, 77, &f));
	free(p);
}

/* The oldest views give way; a retransmitted one takes no new slot. */
static void test_bounded(void)
{
	struct rg_syn_pair *p = fresh();
	struct rg_tuple orig, reply;
	struct rg_flow f;
	unsigned int i;

	tuple(&orig, "10.0.30.2", 1, "64.100.0.10", 7003);
	tuple(&reply, "10.0.10.2", 7003, "64.100.0.10", 4401);
	rg_syn_pair_before(p, &orig, IPPROTO_TCP, 5);
	rg_syn_pair_before(p, &orig, IPPROTO_TCP, 5);
	CU_ASSERT_EQUAL(p->pos, 1);
	for (i = 0; i < RG_SYN_PAIR_SLOTS; i++) {
		orig.sport = (uint16_t)(i + 2);
		rg_syn_pair_before(p, &orig, IPPROTO_TCP, 1000 + i);
	}
	CU_ASSERT_FALSE(rg_syn_pair_after(p, &reply, IPPROTO_TCP, 5, &f));
	CU_ASSERT_TRUE(rg_syn_pair_after(p, &reply, IPPROTO_TCP, 1000, &f));
	free(p);
}

static const struct unit_test tests[] = {
	{ "the two views of a SYN pair on its sequence number", test_pairs_on_seq },
	{ "views of another family never pair", test_family_must_agree },
	{ "bounded: the oldest view gives way", test_bounded },
	{ NULL, NULL }
};

int register_syn_pair_tests(void)
{
	return unit_add_suite("syn_pair", tests);
}
