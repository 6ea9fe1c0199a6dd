// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "remedy_memory.h"
#include "unit.h"

static struct rg_exemption xn(uint16_t port)
{
	struct rg_exemption x;

	memset(&x, 0, sizeof(x));
	rg_addr_parse("10.0.30.2", &x.c);
	rg_addr_parse("10.0.10.2", &x.e_internal);
	x.proto = IPPROTO_TCP;
	x.port = port;
	return x;
}

static struct rg_flow flow(uint32_t id)
{
	struct rg_flow f;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = IPPROTO_TCP;
	f.has_id = true;
	f.id = id;
	rg_addr_parse("10.0.10.2", &f.reply.src);
	rg_addr_parse("64.100.0.10", &f.reply.dst);
	f.reply.sport = 7003;
	f.reply.dport = 4401;
	rg_addr_parse("10.0.30.2", &f.orig.src);
	rg_addr_parse("64.100.0.10", &f.orig.dst);
	f.orig.sport = 40000;
	f.orig.dport = 7003;
	return f;
}

static void test_seen(void)
{
	static struct rg_remedy_memory m;
	struct rg_flow f = flow(7), g;

	memset(&m, 0, sizeof(m));
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &f, 100, true));
	/* A retransmission repeats the initial sequence number. */
	CU_ASSERT_TRUE(rg_remedy_memory_seen(&m, &f, 100, true));
	/* A reconnection with the same id and tuples does not. */
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &f, 200, true));
	g = f;
	g.reply.dport++;
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &g, 300, true));
	/* A SYN retransmitted while the first waits in the queue: with
	 * NFQA_CT another entry (id, translated port), the same SYN. */
	g = f;
	g.id = 8;
	g.reply.dport = 4402;
	CU_ASSERT_TRUE(rg_remedy_memory_seen(&m, &g, 100, true));
	/* Not in remediate mode, where it needs its verdict. */
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &g, 100, false));
	/* The retransmission that finds an exemption: clean, a flow. */
	g.id = 11;
	g.reply.dst = g.orig.src;
	g.reply.dport = g.orig.sport;
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &g, 100, true));
	g = f;
	g.id = 12;
	g.reply.dport = 4403;
	/* Another source port is another connection. */
	g.orig.sport++;
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &g, 100, true));
	/* Entries found by a scan (no packet) are only the same entry. */
	g = f;
	g.id = 9;
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &g, 0, false));
	g.id = 10;
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &g, 0, false));
	CU_ASSERT_TRUE(rg_remedy_memory_seen(&m, &g, 0, false));
	/* Without an id nothing is remembered. */
	g.has_id = false;
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &g, 300, true));
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &g, 300, true));
}

static void test_seen_forgets_the_oldest(void)
{
	static struct rg_remedy_memory m;
	struct rg_flow f;
	uint32_t i;

	memset(&m, 0, sizeof(m));
	for (i = 1; i <= RG_REMEDY_RECENT; i++) {
		f = flow(i);
		CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &f, 0, false));
	}
	f = flow(RG_REMEDY_RECENT + 1);
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &f, 0, false));
	f = flow(2);
	CU_ASSERT_TRUE(rg_remedy_memory_seen(&m, &f, 0, false));
	f = flow(1);
	CU_ASSERT_FALSE(rg_remedy_memory_seen(&m, &f, 0, false));
}

static void test_pending(void)
{
	static struct rg_remedy_memory m;
	struct rg_exemption a = xn(5061), b = xn(7001);
	struct timespec t0 = { 100, 900000000 }, t1 = { 102, 150000000 };

	memset(&m, 0, sizeof(m));
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_age(&m, &a, &t1), -1);
	rg_remedy_memory_pending_add(&m, &a, &t0);
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_age(&m, &a, &t1), 1250);
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_age(&m, &a, &t0), 0);
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_age(&m, &b, &t1), -1);
	/* Age leaves it pending; take does not. */
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_take(&m, &a, &t1), 1250);
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_take(&m, &a, &t1), -1);
	rg_remedy_memory_pending_add(&m, &a, &t0);
	rg_remedy_memory_pending_add(&m, &b, &t0);
	rg_remedy_memory_pending_clear(&m);
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_age(&m, &b, &t1), -1);
}

static void test_pending_forgets_the_oldest(void)
{
	static struct rg_remedy_memory m;
	struct timespec t = { 1, 0 };
	struct rg_exemption x;
	uint16_t p;

	memset(&m, 0, sizeof(m));
	for (p = 1; p <= RG_REMEDY_MAX_PENDING + 1; p++) {
		x = xn(p);
		rg_remedy_memory_pending_add(&m, &x, &t);
	}
	CU_ASSERT_EQUAL(m.n_pending, RG_REMEDY_MAX_PENDING);
	x = xn(1);
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_age(&m, &x, &t), -1);
	x = xn(2);
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_take(&m, &x, &t), 0);
	x = xn(RG_REMEDY_MAX_PENDING + 1);
	CU_ASSERT_EQUAL(rg_remedy_memory_pending_take(&m, &x, &t), 0);
	CU_ASSERT_EQUAL(m.n_pending, RG_REMEDY_MAX_PENDING - 2);
}

static void test_ineffective(void)
{
	static struct rg_remedy_memory m;
	struct rg_exemption a = xn(5061), b = xn(7001), x;
	uint16_t p;

	memset(&m, 0, sizeof(m));
	CU_ASSERT_FALSE(rg_remedy_memory_ineffective(&m, &a));
	rg_remedy_memory_ineffective_add(&m, &a);
	rg_remedy_memory_ineffective_add(&m, &b);
	CU_ASSERT_TRUE(rg_remedy_memory_ineffective(&m, &a));
	rg_remedy_memory_ineffective_forget(&m, &a);
	CU_ASSERT_FALSE(rg_remedy_memory_ineffective(&m, &a));
	CU_ASSERT_TRUE(rg_remedy_memory_ineffective(&m, &b));
	/* Bounded: the oldest pair goes first. */
	for (p = 1; p <= RG_REMEDY_MAX_INEFFECTIVE; p++) {
		x = xn(p);
		rg_remedy_memory_ineffective_add(&m, &x);
	}
	CU_ASSERT_EQUAL(m.n_ineffective, RG_REMEDY_MAX_INEFFECTIVE);
	CU_ASSERT_FALSE(rg_remedy_memory_ineffective(&m, &b));
	x = xn(1);
	CU_ASSERT_TRUE(rg_remedy_memory_ineffective(&m, &x));
}

static const struct unit_test tests[] = {
	{ "a retransmission is seen, a reconnection is not", test_seen },
	{ "the flows seen: the oldest forgotten first", test_seen_forgets_the_oldest },
	{ "pending: age, take and clear", test_pending },
	{ "pending: the oldest forgotten first", test_pending_forgets_the_oldest },
	{ "ineffective pairs: remembered, forgotten, bounded", test_ineffective },
	{ NULL, NULL }
};

int register_remedy_memory_tests(void)
{
	return unit_add_suite("remedy_memory", tests);
}
