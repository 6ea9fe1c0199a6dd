// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A firewall pair's other node and the peer's marked entries: adopted only
 * when this node would exempt the pair itself, one test per reason to
 * refuse.
 */
#include <string.h>
#include <sys/socket.h>

#include "adopt.h"
#include "exempt_rule.h"
#include "unit.h"

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

/*
 * What conntrackd commits on this node for the peer's exempted flow: C
 * 10.0.30.2:27901 -> 64.100.0.10:7003, answered by E 10.0.10.2:7003 to C
 * itself, with the exemption bit among the firewall's own mark bits.
 */
static void marked(struct rg_flow *f)
{
	memset(f, 0, sizeof(*f));
	tuple(&f->orig, "10.0.30.2", 27901, "64.100.0.10", 7003);
	tuple(&f->reply, "10.0.10.2", 7003, "10.0.30.2", 27901);
	f->family = AF_INET;
	f->proto = IPPROTO_TCP;
	f->has_mark = true;
	f->mark = RG_EXEMPT_MARK | 0x5;
}

static void config(struct rg_config *c, const char *key, const char *value)
{
	char err[RG_ERR_LEN] = "";

	rg_config_defaults(c);
	if (!key || strcmp(key, "expressway-e"))
		CU_ASSERT_EQUAL_FATAL(rg_config_set(c, "expressway-e", "64.100.0.10",
						    err, sizeof(err)), 0);
	if (key)
		CU_ASSERT_EQUAL_FATAL(rg_config_set(c, key, value, err, sizeof(err)), 0);
}

static enum rg_adopt decide(const struct rg_config *cfg, const struct rg_flow *f,
			    const struct rg_adopt_in *base, struct rg_class *cl)
{
	struct rg_adopt_in in = *base;

	in.f = f;
	memset(cl, 0xa5, sizeof(*cl));
	return rg_adopt_decide(cfg, &in, cl);
}

static const struct rg_adopt_in plain = { NULL, &two_segments, false, false, false, 0 };

static void assert_refused(const struct rg_config *cfg, const struct rg_flow *f,
			   const struct rg_adopt_in *in, const char *reason)
{
	struct rg_class cl;

	CU_ASSERT_EQUAL(decide(cfg, f, in, &cl), RG_ADOPT_REFUSE);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_REFUSED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl.reason);
	CU_ASSERT_STRING_EQUAL(cl.reason, reason);
}

static void test_adopts_the_peers_exemption(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	config(&cfg, NULL, NULL);
	marked(&f);
	CU_ASSERT_TRUE(rg_adopt_marked(&f));
	CU_ASSERT_EQUAL(decide(&cfg, &f, &plain, &cl), RG_ADOPT_EXEMPT);
	CU_ASSERT_EQUAL(cl.action, RG_ACTION_WOULD_EXEMPT);
	CU_ASSERT_PTR_NULL(cl.reason);
	CU_ASSERT_TRUE(cl.hairpinned);
	CU_ASSERT_FALSE(cl.translated);	/* as this node sees it */
	CU_ASSERT_PTR_NOT_NULL(cl.e);
	/* The same for IPv6. */
	config(&cfg, "expressway-e", "2001:db8:64::10");
	memset(&f, 0, sizeof(f));
	tuple(&f.orig, "fd00:30::2", 40000, "2001:db8:64::10", 7001);
	tuple(&f.reply, "fd00:10::2", 7001, "fd00:30::2", 40000);
	f.family = AF_INET6;
	f.proto = IPPROTO_TCP;
	f.has_mark = true;
	f.mark = RG_EXEMPT_MARK;
	CU_ASSERT_EQUAL(decide(&cfg, &f, &plain, &cl), RG_ADOPT_EXEMPT);
}

static void test_unmarked_ignored(void)
{
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	config(&cfg, NULL, NULL);
	marked(&f);
	f.mark = 0x40000005;	/* the reset bit and the firewall's own */
	CU_ASSERT_FALSE(rg_adopt_marked(&f));
	CU_ASSERT_EQUAL(decide(&cfg, &f, &plain, &cl), RG_ADOPT_IGNORE);
	f.mark = RG_EXEMPT_MARK;
	f.has_mark = false;	/* an entry with no mark attribute */
	CU_ASSERT_EQUAL(decide(&cfg, &f, &plain, &cl), RG_ADOPT_IGNORE);
}

/* Our own exemptions' flows carry the mark too: nothing to adopt. */
static void test_own_exemption_ignored(void)
{
	struct rg_adopt_in in = plain;
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	config(&cfg, NULL, NULL);
	marked(&f);
	in.exempted = true;
	CU_ASSERT_EQUAL(decide(&cfg, &f, &in, &cl), RG_ADOPT_IGNORE);
	/* ... even when this node's limit is reached */
	in.active = cfg.max_exemptions;
	CU_ASSERT_EQUAL(decide(&cfg, &f, &in, &cl), RG_ADOPT_IGNORE);
}

/* A closed connection's entry lingers after the exemption that marked it
 * may have gone here: only open ones (and UDP) count. */
static void test_closing_ignored(void)
{
	static const uint8_t closing[] = { 4, 5, 6, 7, 8 };	/* FIN_WAIT..CLOSE */
	static const uint8_t open[] = { 1, 2, 3, 9 };	/* SYN_SENT..ESTABLISHED, SYN_SENT2 */
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;
	size_t i;

	config(&cfg, NULL, NULL);
	marked(&f);
	f.has_tcp_state = true;
	for (i = 0; i < sizeof(closing); i++) {
		f.tcp_state = closing[i];
		CU_ASSERT_EQUAL(decide(&cfg, &f, &plain, &cl), RG_ADOPT_IGNORE);
	}
	for (i = 0; i < sizeof(open); i++) {
		f.tcp_state = open[i];
		CU_ASSERT_EQUAL(decide(&cfg, &f, &plain, &cl), RG_ADOPT_EXEMPT);
	}
}

static void test_refused_not_watched(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	config(&cfg, NULL, NULL);
	marked(&f);
	tuple(&f.orig, "10.0.30.2", 27901, "64.100.0.11", 7003);
	assert_refused(&cfg, &f, &plain, "not-watched");
	marked(&f);
	f.orig.dport = 5061;	/* not a traversal port of this config */
	f.reply.sport = 5061;
	assert_refused(&cfg, &f, &plain, "not-watched");
}

static void test_refused_not_hairpinned(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	config(&cfg, "expressway-e", "64.100.0.10=10.0.10.2");
	marked(&f);
	addr("10.0.10.9", &f.reply.src);	/* not E's internal address here */
	assert_refused(&cfg, &f, &plain, "not-hairpinned");
	marked(&f);
	addr("64.100.0.10", &f.reply.src);	/* never destination-NATed */
	config(&cfg, NULL, NULL);
	assert_refused(&cfg, &f, &plain, "not-hairpinned");
}

/* E sees another source or port: no exemption made this entry. */
static void test_refused_translated(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	config(&cfg, NULL, NULL);
	marked(&f);
	addr("64.100.0.10", &f.reply.dst);
	assert_refused(&cfg, &f, &plain, "translated");
	marked(&f);
	f.reply.dport = 4401;
	assert_refused(&cfg, &f, &plain, "translated");
}

static void test_refused_ineffective(void)
{
	struct rg_adopt_in in = plain;
	struct rg_config cfg;
	struct rg_flow f;

	config(&cfg, NULL, NULL);
	marked(&f);
	in.ineffective = true;
	assert_refused(&cfg, &f, &in, "exemption-ineffective");
}

/* Removed here (exempt del, flush, an exempt line withdrawn): this node's
 * own live connections of the pair are still marked. */
static void test_refused_withdrawn(void)
{
	struct rg_adopt_in in = plain;
	struct rg_config cfg;
	struct rg_flow f;

	config(&cfg, NULL, NULL);
	marked(&f);
	in.withdrawn = true;
	assert_refused(&cfg, &f, &in, "withdrawn");
}

static void test_refused_not_expressway_c(void)
{
	struct rg_config cfg;
	struct rg_flow f;

	config(&cfg, "expressway-c", "10.0.31.0/24");
	marked(&f);
	assert_refused(&cfg, &f, &plain, "not-expressway-c");
}

static void test_refused_route_unknown(void)
{
	static const struct rg_segments unknown = { false, 0, 0, false, { { 0 }, 0 } };
	struct rg_adopt_in in = plain;
	struct rg_config cfg;
	struct rg_flow f;

	config(&cfg, NULL, NULL);
	marked(&f);
	in.seg = &unknown;
	assert_refused(&cfg, &f, &in, "route-unknown");
}

static void test_refused_same_segment(void)
{
	struct rg_segments one = { true, 3, 3, true, { { 0 }, 0 } };
	struct rg_adopt_in in = plain;
	struct rg_config cfg;
	struct rg_flow f;

	config(&cfg, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(rg_prefix_parse("10.0.0.0/16", &one.e_net), 0);
	marked(&f);
	in.seg = &one;
	assert_refused(&cfg, &f, &in, "same-segment");
}

static void test_refused_same_link(void)
{
	struct rg_segments link = { true, 3, 3, true, { { 0 }, 0 } };
	struct rg_adopt_in in = plain;
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	CU_ASSERT_EQUAL_FATAL(rg_prefix_parse("10.0.10.0/24", &link.e_net), 0);
	marked(&f);
	in.seg = &link;
	config(&cfg, "same-link", "refuse");
	assert_refused(&cfg, &f, &in, "same-link");
	/* The default exempts, saying what it assumes. */
	config(&cfg, NULL, NULL);
	CU_ASSERT_EQUAL(decide(&cfg, &f, &in, &cl), RG_ADOPT_EXEMPT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cl.assumes);
	CU_ASSERT_STRING_EQUAL(cl.assumes, "e-netmask");
}

static void test_refused_limit(void)
{
	struct rg_adopt_in in = plain;
	struct rg_config cfg;
	struct rg_flow f;
	struct rg_class cl;

	config(&cfg, "max-exemptions", "2");
	marked(&f);
	in.active = 1;
	CU_ASSERT_EQUAL(decide(&cfg, &f, &in, &cl), RG_ADOPT_EXEMPT);
	in.active = 2;
	assert_refused(&cfg, &f, &in, "limit");
}

static const struct unit_test tests[] = {
	{ "adopts a marked untranslated traversal flow (IPv4, IPv6)", test_adopts_the_peers_exemption },
	{ "ignores an entry without the exemption bit", test_unmarked_ignored },
	{ "ignores the marks of its own exemptions", test_own_exemption_ignored },
	{ "ignores a closing or closed TCP connection", test_closing_ignored },
	{ "refuses: not-watched (address or port)", test_refused_not_watched },
	{ "refuses: not-hairpinned (reply not from E here)", test_refused_not_hairpinned },
	{ "refuses: translated (E does not see C's own end)", test_refused_translated },
	{ "refuses: exemption-ineffective here", test_refused_ineffective },
	{ "refuses: withdrawn here", test_refused_withdrawn },
	{ "refuses: not-expressway-c", test_refused_not_expressway_c },
	{ "refuses: route-unknown", test_refused_route_unknown },
	{ "refuses: same-segment", test_refused_same_segment },
	{ "refuses: same-link = refuse; exempts with assumes by default", test_refused_same_link },
	{ "refuses: limit (max-exemptions)", test_refused_limit },
	{ NULL, NULL }
};

int register_adopt_tests(void)
{
	return unit_add_suite("adopt", tests);
}
