// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>
#include <sys/socket.h>

#include "classify.h"
#include "unit.h"

/*
 * The note's connection: C sent 10.0.30.2:27901 -> 64.100.0.10:7003; the
 * firewall reflected it to 10.0.10.2:7003, and E answers to whatever it
 * saw as its peer (reply.dst).
 */
#define C_ADDR "10.0.30.2"
#define C_PORT 27901
#define E_PUB "64.100.0.10"
#define E_PORT 7003
#define E_INT "10.0.10.2"

#define C6_ADDR "fd00:30::2"
#define E6_PUB "2001:db8:64::10"
#define E6_INT "fd00:10::2"

static const struct rg_segments two_segments = { true, 2, 3, false, { { 0 }, 0 } };

static void addr(const char *s, struct rg_addr *a)
{
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(s, a), 0);
}

static void tuple(struct rg_tuple *t, const char *src, uint16_t sport,
		  const char *dst, uint16_t dport)
{
	addr(src, &t->src);
	t->sport = sport;
	addr(dst, &t->dst);
	t->dport = dport;
}

/* A flow from C to pub:dport, answered by int_addr to sees:sees_port. */
static void flow(struct rg_flow *f, uint8_t proto, const char *c,
		 uint16_t cport, const char *pub, uint16_t dport,
		 const char *int_addr, const char *sees, uint16_t sees_port)
{
	memset(f, 0, sizeof(*f));
	tuple(&f->orig, c, cport, pub, dport);
	tuple(&f->reply, int_addr, dport, sees, sees_port);
	f->family = f->orig.src.family;
	f->proto = proto;
}

/* The note's flow, with E seeing sees:sees_port. */
static void note_flow(struct rg_flow *f, const char *sees, uint16_t sees_port)
{
	flow(f, IPPROTO_TCP, C_ADDR, C_PORT, E_PUB, E_PORT, E_INT, sees,
	     sees_port);
}

static void set(struct rg_config *c, const char *key, const char *value)
{
	char err[RG_ERR_LEN] = "";

	CU_ASSERT_EQUAL_FATAL(rg_config_set(c, key, value, err, sizeof(err)), 0);
}

/* Defaults plus the one Expressway-E of the note. */
static void note_config(struct rg_config *c)
{
	rg_config_defaults(c);
	set(c, "expressway-e", E_PUB);
}

/*
 * rg_classify() said "not a traversal flow" and decided nothing (e and
 * port may tell how far it got; callers do not read them then).
 */
static void assert_ignored(const struct rg_config *cfg,
			   const struct rg_flow *f,
			   const struct rg_segments *seg)
{
	struct rg_class cl;

	memset(&cl, 0xa5, sizeof(cl));
	CU_ASSERT_FALSE(rg_classify(cfg, f, seg, &cl));
	CU_ASSERT_FALSE(cl.hairpinned);
	CU_ASSERT_FALSE(cl.translated);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_NONE);
	CU_ASSERT_PTR_NULL(cl.reason);
}

static void classify_ok(const struct rg_config *cfg, const struct rg_flow *f,
			const struct rg_segments *seg, struct rg_class *cl)
{
	memset(cl, 0xa5, sizeof(*cl));
	CU_ASSERT_TRUE_FATAL(rg_classify(cfg, f, seg, cl));
	CU_ASSERT_TRUE(cl->hairpinned);
}

/* A translated flow that remediation would fix. */
static void assert_would_exempt(const struct rg_config *cfg,
				const struct rg_flow *f)
{
	struct rg_class cl;

	classify_ok(cfg, f, &two_segments, &cl);
	CU_ASSERT_TRUE(cl.translated);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_WOULD_EXEMPT);
	CU_ASSERT_PTR_NULL(cl.reason);
}

static void assert_refused(const struct rg_config *cfg,
			   const struct rg_flow *f,
			   const struct rg_segments *seg, const char *reason)
{
	struct rg_class cl;

	classify_ok(cfg, f, seg, &cl);
	CU_ASSERT_TRUE(cl.translated);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_REFUSED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl.reason);
	CU_ASSERT_STRING_EQUAL(cl.reason, reason);
}

static void test_not_translated(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	note_config(&cfg);
	note_flow(&f, C_ADDR, C_PORT);
	CU_ASSERT_FALSE(rg_classify_translated(&f));
	classify_ok(&cfg, &f, &two_segments, &cl);
	CU_ASSERT_PTR_EQUAL(cl.e, &cfg.e[0]);
	CU_ASSERT_PTR_EQUAL(cl.port, &cfg.ports[0]);
	CU_ASSERT_FALSE(cl.translated);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_NONE);
	CU_ASSERT_PTR_NULL(cl.reason);
}

/* A clean hairpin needs no fix, so no route is needed to say so. */
static void test_not_translated_needs_no_route(void)
{
	struct rg_segments same = { true, 4, 4, false, { { 0 }, 0 } }, unknown = { false, 0, 0, false, { { 0 }, 0 } };
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	note_config(&cfg);
	note_flow(&f, C_ADDR, C_PORT);
	classify_ok(&cfg, &f, &same, &cl);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_NONE);
	classify_ok(&cfg, &f, &unknown, &cl);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_NONE);
	classify_ok(&cfg, &f, NULL, &cl);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_NONE);
	CU_ASSERT_PTR_NULL(cl.reason);
}

static void test_port_only_translation(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	note_config(&cfg);
	note_flow(&f, C_ADDR, 4401);
	CU_ASSERT_TRUE(rg_classify_translated(&f));
	assert_would_exempt(&cfg, &f);
}

static void test_address_only_translation(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	note_config(&cfg);
	note_flow(&f, "10.0.10.1", C_PORT);
	CU_ASSERT_TRUE(rg_classify_translated(&f));
	assert_would_exempt(&cfg, &f);
}

/* The note's fault: E sees its own public address and a random port. */
static void test_both_translated(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	note_config(&cfg);
	note_flow(&f, E_PUB, 4401);
	assert_would_exempt(&cfg, &f);
	classify_ok(&cfg, &f, &two_segments, &cl);
	CU_ASSERT_PTR_EQUAL(cl.e, &cfg.e[0]);
	CU_ASSERT_PTR_EQUAL(cl.port, &cfg.ports[0]);
}

static void test_unwatched_public_address(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	const struct rg_expressway_e *e = &cfg.e[0];

	note_config(&cfg);
	flow(&f, IPPROTO_TCP, C_ADDR, C_PORT, "64.100.0.11", E_PORT, E_INT,
	     E_PUB, 4401);
	assert_ignored(&cfg, &f, &two_segments);
	CU_ASSERT_FALSE(rg_classify_watched(&cfg, &f, &e));
	CU_ASSERT_PTR_NULL(e);
}

static void test_unwatched_port(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	const struct rg_expressway_e *e;

	note_config(&cfg);
	flow(&f, IPPROTO_TCP, C_ADDR, C_PORT, E_PUB, 443, E_INT, E_PUB, 4401);
	assert_ignored(&cfg, &f, &two_segments);
	CU_ASSERT_FALSE(rg_classify_watched(&cfg, &f, &e));
	/* Just outside the default tcp/7001-7010, on either side. */
	f.orig.dport = 7000;
	assert_ignored(&cfg, &f, &two_segments);
	f.orig.dport = 7011;
	assert_ignored(&cfg, &f, &two_segments);
	f.orig.dport = 7001;
	CU_ASSERT_TRUE(rg_classify(&cfg, &f, &two_segments, &(struct rg_class){ 0 }));
	f.orig.dport = 7010;
	CU_ASSERT_TRUE(rg_classify(&cfg, &f, &two_segments, &(struct rg_class){ 0 }));
}

/* Nothing was destination-NATed: the public address answers itself. */
static void test_reply_from_public_is_not_hairpin(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	const struct rg_expressway_e *e = NULL;

	note_config(&cfg);
	flow(&f, IPPROTO_TCP, C_ADDR, C_PORT, E_PUB, E_PORT, E_PUB, C_ADDR,
	     C_PORT);
	assert_ignored(&cfg, &f, &two_segments);
	/* It is still a candidate: only conntrack can tell. */
	CU_ASSERT_TRUE(rg_classify_watched(&cfg, &f, &e));
	CU_ASSERT_PTR_EQUAL(e, &cfg.e[0]);
}

static void test_configured_internal_address(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	rg_config_defaults(&cfg);
	set(&cfg, "expressway-e", E_PUB "=" E_INT);
	flow(&f, IPPROTO_TCP, C_ADDR, C_PORT, E_PUB, E_PORT, "10.0.10.9",
	     E_PUB, 4401);
	assert_ignored(&cfg, &f, &two_segments);
	note_flow(&f, E_PUB, 4401);
	classify_ok(&cfg, &f, &two_segments, &cl);
	CU_ASSERT_PTR_EQUAL(cl.e, &cfg.e[0]);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_WOULD_EXEMPT);
}

static void test_second_expressway_e(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	note_config(&cfg);
	set(&cfg, "expressway-e", "64.100.0.20=10.0.20.2");
	flow(&f, IPPROTO_TCP, C_ADDR, C_PORT, "64.100.0.20", E_PORT,
	     "10.0.20.2", "64.100.0.20", 4401);
	classify_ok(&cfg, &f, &two_segments, &cl);
	CU_ASSERT_PTR_EQUAL(cl.e, &cfg.e[1]);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_WOULD_EXEMPT);
	/* The second E's internal address is not the first E's. */
	flow(&f, IPPROTO_TCP, C_ADDR, C_PORT, "64.100.0.20", E_PORT, E_INT,
	     "64.100.0.20", 4401);
	assert_ignored(&cfg, &f, &two_segments);
}

static void test_source_outside_expressway_c(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	note_config(&cfg);
	set(&cfg, "expressway-c", "10.0.31.0/24");
	set(&cfg, "expressway-c", "10.0.32.7");
	note_flow(&f, E_PUB, 4401);
	assert_refused(&cfg, &f, &two_segments, "not-expressway-c");
}

static void test_source_inside_expressway_c(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	note_config(&cfg);
	set(&cfg, "expressway-c", "10.0.31.0/24");
	set(&cfg, "expressway-c", "10.0.30.0/24");
	note_flow(&f, E_PUB, 4401);
	assert_would_exempt(&cfg, &f);

	rg_config_defaults(&cfg);
	set(&cfg, "expressway-e", E_PUB);
	set(&cfg, "expressway-c", C_ADDR);
	assert_would_exempt(&cfg, &f);
}

/* An untranslated flow from elsewhere is reported, not refused. */
static void test_outside_c_not_translated(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	note_config(&cfg);
	set(&cfg, "expressway-c", "10.0.31.0/24");
	note_flow(&f, C_ADDR, C_PORT);
	classify_ok(&cfg, &f, &two_segments, &cl);
	CU_ASSERT_FALSE(cl.translated);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_NONE);
	CU_ASSERT_PTR_NULL(cl.reason);
}

static void ipv6_config(struct rg_config *cfg)
{
	rg_config_defaults(cfg);
	set(cfg, "expressway-e", E_PUB);
	set(cfg, "expressway-e", E6_PUB);
}

static void test_ipv6(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	ipv6_config(&cfg);
	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, E6_PUB, E_PORT, E6_INT,
	     C6_ADDR, C_PORT);
	classify_ok(&cfg, &f, &two_segments, &cl);
	CU_ASSERT_PTR_EQUAL(cl.e, &cfg.e[1]);
	CU_ASSERT_FALSE(cl.translated);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_NONE);

	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, E6_PUB, E_PORT, E6_INT,
	     E6_PUB, 4401);
	assert_would_exempt(&cfg, &f);
	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, E6_PUB, E_PORT, E6_INT,
	     C6_ADDR, 4401);
	assert_would_exempt(&cfg, &f);
	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, E6_PUB, E_PORT, E6_INT,
	     "fd00:10::1", C_PORT);
	assert_would_exempt(&cfg, &f);
}

static void test_ipv6_not_hairpinned(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	ipv6_config(&cfg);
	/* Not destination-NATed. */
	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, E6_PUB, E_PORT, E6_PUB,
	     C6_ADDR, C_PORT);
	assert_ignored(&cfg, &f, &two_segments);
	/* Another public address. */
	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, "2001:db8:64::11", E_PORT,
	     E6_INT, E6_PUB, 4401);
	assert_ignored(&cfg, &f, &two_segments);

	/* The IPv4 E alone does not watch an IPv6 address. */
	note_config(&cfg);
	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, E6_PUB, E_PORT, E6_INT,
	     E6_PUB, 4401);
	assert_ignored(&cfg, &f, &two_segments);
}

static void test_ipv6_configured_internal_and_c(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	rg_config_defaults(&cfg);
	set(&cfg, "expressway-e", E6_PUB "=" E6_INT);
	set(&cfg, "expressway-c", "10.0.30.0/24");
	set(&cfg, "expressway-c", "fd00:30::/64");
	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, E6_PUB, E_PORT, "fd00:10::9",
	     E6_PUB, 4401);
	assert_ignored(&cfg, &f, &two_segments);
	flow(&f, IPPROTO_TCP, C6_ADDR, C_PORT, E6_PUB, E_PORT, E6_INT,
	     E6_PUB, 4401);
	assert_would_exempt(&cfg, &f);
	flow(&f, IPPROTO_TCP, "fd00:31::2", C_PORT, E6_PUB, E_PORT, E6_INT,
	     E6_PUB, 4401);
	assert_refused(&cfg, &f, &two_segments, "not-expressway-c");
}

static void test_same_segment(void)
{
	struct rg_segments same = { true, 3, 3, false, { { 0 }, 0 } };
	struct rg_config cfg;
	struct rg_flow f;

	note_config(&cfg);
	note_flow(&f, E_PUB, 4401);
	assert_refused(&cfg, &f, &same, "same-segment");
}

/* seg for C and E on interfaces c_oif and e_oif, E reached in net. */
static struct rg_segments seg_of(int c_oif, int e_oif, const char *net)
{
	struct rg_segments s;

	memset(&s, 0, sizeof(s));
	s.known = true;
	s.c_oif = c_oif;
	s.e_oif = e_oif;
	if (net) {
		CU_ASSERT_EQUAL_FATAL(rg_addr_prefix_parse(net, &s.e_net), 0);
		s.has_e_net = true;
	}
	return s;
}

/*
 * The decision asks whether E would answer C without the firewall: C in
 * the prefix through which the firewall reaches E. Several subnets on one
 * bridge (OpenWrt's br-lan) are not one segment.
 */
static void test_subnets_on_one_link(void)
{
	struct rg_segments bridge = seg_of(5, 5, "10.0.10.0/24");
	struct rg_config cfg;
	struct rg_class cl;
	struct rg_flow f;

	note_config(&cfg);
	note_flow(&f, E_PUB, 4401);
	classify_ok(&cfg, &f, &bridge, &cl);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_WOULD_EXEMPT);
	CU_ASSERT_PTR_NULL(cl.reason);
	/* The firewall cannot see E's netmask: the event says so. */
	CU_ASSERT_STRING_EQUAL(cl.assumes, "e-netmask");
	set(&cfg, "same-link", "refuse");
	assert_refused(&cfg, &f, &bridge, "same-link");
}

static void test_same_subnet_is_refused(void)
{
	struct rg_segments wide = seg_of(5, 5, "10.0.0.0/16");
	struct rg_segments routed = seg_of(2, 3, "10.0.30.0/24");
	struct rg_segments apart = seg_of(2, 3, "10.0.10.0/24");
	struct rg_config cfg;
	struct rg_class cl;
	struct rg_flow f;

	note_config(&cfg);
	note_flow(&f, E_PUB, 4401);
	assert_refused(&cfg, &f, &wide, "same-segment");
	/* C inside E's prefix, whatever the interfaces (a host route to C
	 * elsewhere): E would still look for C on its own link. */
	assert_refused(&cfg, &f, &routed, "same-segment");
	set(&cfg, "same-link", "refuse");
	classify_ok(&cfg, &f, &apart, &cl);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_WOULD_EXEMPT);
	CU_ASSERT_PTR_NULL(cl.assumes);
}

static void test_segment_v6(void)
{
	struct rg_segments bridge = seg_of(5, 5, "fd00:10::/64");
	struct rg_segments same = seg_of(5, 5, "fd00::/16");
	struct rg_config cfg;
	struct rg_addr c;
	const char *assumes;

	rg_config_defaults(&cfg);
	addr(C6_ADDR, &c);
	CU_ASSERT_PTR_NULL(rg_classify_segment(&cfg, &c, &bridge, &assumes));
	CU_ASSERT_STRING_EQUAL(assumes, "e-netmask");
	CU_ASSERT_STRING_EQUAL(rg_classify_segment(&cfg, &c, &same, &assumes),
			       "same-segment");
	CU_ASSERT_STRING_EQUAL(rg_classify_segment(&cfg, &c, NULL, &assumes),
			       "route-unknown");
}

/*
 * A policy-routed firewall as rg_classify_routes sees it: the main table
 * sends E out of interface 2 in 10.0.0.0/16 (C inside), table 100 (for
 * sources in 10.0.30.0/24 or mark 0x10) out of 3 in 10.0.10.0/24; C is
 * on 2 in 10.0.30.0/23. Lookups from interface 99 fail, as
 * the kernel's do under rp_filter.
 */
struct fake_rt {
	int calls;
	struct rg_route_key last_e;
};

static int fake_route(void *ctx, const struct rg_route_key *k, struct rg_route *r)
{
	struct fake_rt *t = ctx;
	struct rg_prefix c_net, from;

	t->calls++;
	memset(r, 0, sizeof(*r));
	rg_addr_prefix_parse("10.0.30.0/23", &c_net);
	rg_addr_prefix_parse("10.0.30.0/24", &from);
	if (rg_addr_prefix_contains(&c_net, &k->dst)) {
		r->oif = 2;
		r->net = c_net;
		r->has_net = true;
		return 0;
	}
	if (k->iif == 99)
		return -1;
	t->last_e = *k;
	r->has_net = true;
	if (rg_addr_prefix_contains(&from, &k->src) || k->mark == 0x10) {
		r->oif = 3;
		rg_addr_prefix_parse("10.0.10.0/24", &r->net);
	} else {
		r->oif = 2;
		rg_addr_prefix_parse("10.0.0.0/16", &r->net);
	}
	return 0;
}

static void test_routes_as_the_flow(void)
{
	struct fake_rt t = { 0 };
	struct rg_route_flow fl;
	struct rg_segments seg;
	struct rg_config cfg;
	const char *assumes;

	rg_config_defaults(&cfg);
	memset(&fl, 0, sizeof(fl));
	addr(C_ADDR, &fl.c);
	addr(E_INT, &fl.e);
	rg_classify_routes(fake_route, &t, &fl, &seg);
	CU_ASSERT_TRUE(seg.known);
	CU_ASSERT_EQUAL(seg.e_oif, 3);
	/* Asked with C's source and the interface C is reached by. */
	CU_ASSERT_TRUE(rg_addr_equal(&t.last_e.src, &fl.c));
	CU_ASSERT_EQUAL(t.last_e.iif, 2);
	CU_ASSERT_PTR_NULL(rg_classify_segment(&cfg, &fl.c, &seg, &assumes));
	/* The packet's own incoming interface and mark when known. */
	fl.iif = 7;
	fl.mark = 0x10;
	addr("10.0.31.3", &fl.c);
	rg_classify_routes(fake_route, &t, &fl, &seg);
	CU_ASSERT_EQUAL(t.last_e.iif, 7);
	CU_ASSERT_EQUAL(t.last_e.mark, 0x10);
	CU_ASSERT_EQUAL(seg.e_oif, 3);
}

static void test_routes_fall_back(void)
{
	struct fake_rt t = { 0 };
	struct rg_route_flow fl;
	struct rg_segments seg;

	memset(&fl, 0, sizeof(fl));
	addr(C_ADDR, &fl.c);
	addr(E_INT, &fl.e);
	fl.iif = 99;		/* refused with a source: the destination alone */
	rg_classify_routes(fake_route, &t, &fl, &seg);
	CU_ASSERT_TRUE(seg.known);
	CU_ASSERT_EQUAL(seg.e_oif, 2);
	CU_ASSERT_EQUAL(t.last_e.iif, 0);
}

static void test_route_unknown(void)
{
	/* Equal interfaces mean nothing when the lookup failed. */
	struct rg_segments unknown = { false, 3, 3, false, { { 0 }, 0 } };
	struct rg_config cfg;
	struct rg_flow f;

	note_config(&cfg);
	note_flow(&f, E_PUB, 4401);
	assert_refused(&cfg, &f, &unknown, "route-unknown");
	assert_refused(&cfg, &f, NULL, "route-unknown");
}

static void test_reason_precedence(void)
{
	struct rg_segments same = { true, 3, 3, false, { { 0 }, 0 } }, unknown = { false, 0, 0, false, { { 0 }, 0 } };
	struct rg_config cfg;
	struct rg_flow f;

	note_config(&cfg);
	set(&cfg, "expressway-c", "10.0.31.0/24");
	note_flow(&f, E_PUB, 4401);
	assert_refused(&cfg, &f, &same, "not-expressway-c");
	assert_refused(&cfg, &f, &unknown, "not-expressway-c");
	assert_refused(&cfg, &f, NULL, "not-expressway-c");
	/* Once the source is a C, the route decides. */
	set(&cfg, "expressway-c", "10.0.30.0/24");
	assert_refused(&cfg, &f, &unknown, "route-unknown");
	assert_refused(&cfg, &f, &same, "same-segment");
}

static void test_udp_port_range(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	note_config(&cfg);
	set(&cfg, "ports", "tcp/7001-7010,udp/5060-5070");
	flow(&f, IPPROTO_UDP, C_ADDR, C_PORT, E_PUB, 5061, E_INT, E_PUB, 4401);
	classify_ok(&cfg, &f, &two_segments, &cl);
	CU_ASSERT_PTR_EQUAL(cl.port, &cfg.ports[1]);
	CU_ASSERT_TRUE(cl.translated);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_WOULD_EXEMPT);

	f.orig.dport = 5060;
	CU_ASSERT_TRUE(rg_classify(&cfg, &f, &two_segments, &cl));
	f.orig.dport = 5070;
	CU_ASSERT_TRUE(rg_classify(&cfg, &f, &two_segments, &cl));
	f.orig.dport = 5071;
	assert_ignored(&cfg, &f, &two_segments);
	f.orig.dport = 5059;
	assert_ignored(&cfg, &f, &two_segments);

	/* The protocol is part of the range. */
	f.orig.dport = E_PORT;
	assert_ignored(&cfg, &f, &two_segments);
	flow(&f, IPPROTO_TCP, C_ADDR, C_PORT, E_PUB, 5061, E_INT, E_PUB, 4401);
	assert_ignored(&cfg, &f, &two_segments);
}

static void test_udp_only(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	note_config(&cfg);
	set(&cfg, "ports", "udp/7003");
	flow(&f, IPPROTO_UDP, C_ADDR, C_PORT, E_PUB, E_PORT, E_INT, C_ADDR,
	     C_PORT);
	classify_ok(&cfg, &f, &two_segments, &cl);
	CU_ASSERT_PTR_EQUAL(cl.port, &cfg.ports[0]);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_NONE);
	note_flow(&f, C_ADDR, C_PORT);
	assert_ignored(&cfg, &f, &two_segments);
}

static void test_action_names(void)
{
	CU_ASSERT_STRING_EQUAL(rg_classify_action_name(RG_ACTION_NONE), "none");
	CU_ASSERT_STRING_EQUAL(rg_classify_action_name(RG_ACTION_WOULD_EXEMPT),
			       "would-exempt");
	CU_ASSERT_STRING_EQUAL(rg_classify_action_name(RG_ACTION_REFUSED), "refused");
	CU_ASSERT_STRING_EQUAL(rg_classify_action_event(RG_ACTION_NONE), "flow");
	CU_ASSERT_STRING_EQUAL(rg_classify_action_event(RG_ACTION_WOULD_EXEMPT), "flow");
	CU_ASSERT_STRING_EQUAL(rg_classify_action_event(RG_ACTION_REFUSED), "refused");
}

/* What the scan asks the kernel for: every public address, in order. */
static void test_dump_destinations(void)
{
	struct rg_addr dsts[RG_MAX_E], want;
	struct rg_config c;

	note_config(&c);
	set(&c, "expressway-e", "2001:db8:64::10=fd00:10::2");
	CU_ASSERT_EQUAL_FATAL(rg_classify_dsts(&c, dsts), 2);
	addr(E_PUB, &want);
	CU_ASSERT_TRUE(rg_addr_equal(&dsts[0], &want));
	addr("2001:db8:64::10", &want);
	CU_ASSERT_TRUE(rg_addr_equal(&dsts[1], &want));
}

static const struct unit_test tests[] = {
	{ "routes asked as the flow: source, iif, mark", test_routes_as_the_flow },
	{ "a lookup refused with a source falls back to the destination", test_routes_fall_back },
	{ "subnets on one link: exempt, assuming E's netmask", test_subnets_on_one_link },
	{ "C in the prefix through which E is reached: same-segment", test_same_subnet_is_refused },
	{ "the segment decision for IPv6", test_segment_v6 },
	{ "dump destinations: each public address", test_dump_destinations },
	{ "not translated: hairpinned, no action", test_not_translated },
	{ "not translated: no route needed", test_not_translated_needs_no_route },
	{ "port-only translation", test_port_only_translation },
	{ "address-only translation", test_address_only_translation },
	{ "address and port translated", test_both_translated },
	{ "unwatched public address", test_unwatched_public_address },
	{ "unwatched port", test_unwatched_port },
	{ "reply from the public address", test_reply_from_public_is_not_hairpin },
	{ "configured internal address", test_configured_internal_address },
	{ "second expressway-e", test_second_expressway_e },
	{ "source outside expressway-c", test_source_outside_expressway_c },
	{ "source inside expressway-c", test_source_inside_expressway_c },
	{ "outside expressway-c, not translated", test_outside_c_not_translated },
	{ "IPv6 flows", test_ipv6 },
	{ "IPv6 not hairpinned", test_ipv6_not_hairpinned },
	{ "IPv6 internal address and C prefix", test_ipv6_configured_internal_and_c },
	{ "same segment refused", test_same_segment },
	{ "route unknown refused", test_route_unknown },
	{ "reason precedence", test_reason_precedence },
	{ "UDP port range", test_udp_port_range },
	{ "UDP only", test_udp_only },
	{ "action names and events", test_action_names },
	{ NULL, NULL },
};

int register_classify_tests(void)
{
	return unit_add_suite("classify", tests);
}
