// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>
#include <sys/socket.h>

#include "finding.h"
#include "json_read.h"
#include "unit.h"

static const struct timespec now = { 1764072000, 123456000 };

static void addr(const char *s, struct rg_addr *a)
{
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(s, a), 0);
}

static void flow(struct rg_flow *f, uint8_t proto, const char *c,
		 uint16_t cport, const char *pub, uint16_t dport,
		 const char *int_addr, uint16_t int_port, const char *sees,
		 uint16_t sees_port)
{
	memset(f, 0, sizeof(*f));
	addr(c, &f->orig.src);
	f->orig.sport = cport;
	addr(pub, &f->orig.dst);
	f->orig.dport = dport;
	addr(int_addr, &f->reply.src);
	f->reply.sport = int_port;
	addr(sees, &f->reply.dst);
	f->reply.dport = sees_port;
	f->family = f->orig.src.family;
	f->proto = proto;
	f->id = 77;
	f->has_id = true;
}

/* The note's flow: E sees 64.100.0.10:4401. */
static void note_flow(struct rg_flow *f)
{
	flow(f, IPPROTO_TCP, "10.0.30.2", 27901, "64.100.0.10", 7003,
	     "10.0.10.2", 7003, "64.100.0.10", 4401);
}

static void assert_endpoint(const struct rg_addr *a, uint16_t port,
			    const char *want)
{
	char buf[RG_ENDPOINT_STRLEN];

	rg_addr_endpoint_format(a, port, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void event(const struct rg_flow *f, const struct rg_class *cl,
		  struct rg_event *ev)
{
	memset(ev, 0xa5, sizeof(*ev));
	rg_finding_event(f, cl, &now, ev);
}

static void test_maps_tuples(void)
{
	struct rg_class cl = { .hairpinned = true, .translated = true,
			       .action = RG_ACTION_WOULD_EXEMPT };
	struct rg_flow f;
	struct rg_event ev;

	note_flow(&f);
	event(&f, &cl, &ev);
	assert_endpoint(&ev.c, ev.c_port, "10.0.30.2:27901");
	assert_endpoint(&ev.e_public, ev.e_public_port, "64.100.0.10:7003");
	assert_endpoint(&ev.e_internal, ev.e_internal_port, "10.0.10.2:7003");
	assert_endpoint(&ev.e_sees, ev.e_sees_port, "64.100.0.10:4401");
	CU_ASSERT_EQUAL(ev.proto, IPPROTO_TCP);
	CU_ASSERT_EQUAL(ev.ts.tv_sec, now.tv_sec);
	CU_ASSERT_EQUAL(ev.ts.tv_nsec, now.tv_nsec);
}

/* Every port comes from its own side: none is taken for another. */
static void test_ports_kept_apart(void)
{
	struct rg_class cl = { .hairpinned = true, .translated = true,
			       .action = RG_ACTION_WOULD_EXEMPT };
	struct rg_flow f;
	struct rg_event ev;

	flow(&f, IPPROTO_UDP, "10.0.30.2", 1111, "64.100.0.10", 2222,
	     "10.0.10.2", 3333, "10.0.10.1", 4444);
	event(&f, &cl, &ev);
	CU_ASSERT_EQUAL(ev.c_port, 1111);
	CU_ASSERT_EQUAL(ev.e_public_port, 2222);
	CU_ASSERT_EQUAL(ev.e_internal_port, 3333);
	CU_ASSERT_EQUAL(ev.e_sees_port, 4444);
	CU_ASSERT_EQUAL(ev.proto, IPPROTO_UDP);
	assert_endpoint(&ev.e_sees, ev.e_sees_port, "10.0.10.1:4444");
}

static void test_ipv6(void)
{
	struct rg_class cl = { .hairpinned = true, .translated = true,
			       .action = RG_ACTION_WOULD_EXEMPT };
	struct rg_flow f;
	struct rg_event ev;

	flow(&f, IPPROTO_TCP, "fd00:30::2", 27901, "2001:db8:64::10", 7003,
	     "fd00:10::2", 7003, "2001:db8:64::10", 4401);
	event(&f, &cl, &ev);
	assert_endpoint(&ev.c, ev.c_port, "[fd00:30::2]:27901");
	assert_endpoint(&ev.e_public, ev.e_public_port, "[2001:db8:64::10]:7003");
	assert_endpoint(&ev.e_internal, ev.e_internal_port, "[fd00:10::2]:7003");
	assert_endpoint(&ev.e_sees, ev.e_sees_port, "[2001:db8:64::10]:4401");
}

static void test_would_exempt(void)
{
	struct rg_class cl = { .hairpinned = true, .translated = true,
			       .action = RG_ACTION_WOULD_EXEMPT };
	struct rg_flow f;
	struct rg_event ev;

	note_flow(&f);
	event(&f, &cl, &ev);
	CU_ASSERT_STRING_EQUAL(ev.type, "flow");
	CU_ASSERT_STRING_EQUAL(ev.action, "would-exempt");
	CU_ASSERT_TRUE(ev.translated);
	CU_ASSERT_PTR_NULL(ev.reason);
	CU_ASSERT_TRUE(ev.with_fix);
}

static void test_refused(void)
{
	static const char *const reasons[] = {
		"not-expressway-c", "route-unknown", "same-segment",
	};
	struct rg_class cl = { .hairpinned = true, .translated = true,
			       .action = RG_ACTION_REFUSED };
	struct rg_flow f;
	struct rg_event ev;
	size_t i;

	note_flow(&f);
	for (i = 0; i < 3; i++) {
		cl.reason = reasons[i];
		event(&f, &cl, &ev);
		CU_ASSERT_STRING_EQUAL(ev.type, "refused");
		CU_ASSERT_STRING_EQUAL(ev.action, "refused");
		CU_ASSERT_TRUE(ev.translated);
		CU_ASSERT_PTR_NOT_NULL_FATAL(ev.reason);
		CU_ASSERT_STRING_EQUAL(ev.reason, reasons[i]);
		CU_ASSERT_FALSE(ev.with_fix);
	}
}

static void test_not_translated(void)
{
	struct rg_class cl = { .hairpinned = true, .translated = false,
			       .action = RG_ACTION_NONE };
	struct rg_flow f;
	struct rg_event ev;

	flow(&f, IPPROTO_TCP, "10.0.30.2", 27901, "64.100.0.10", 7003,
	     "10.0.10.2", 7003, "10.0.30.2", 27901);
	event(&f, &cl, &ev);
	CU_ASSERT_STRING_EQUAL(ev.type, "flow");
	CU_ASSERT_STRING_EQUAL(ev.action, "none");
	CU_ASSERT_FALSE(ev.translated);
	CU_ASSERT_PTR_NULL(ev.reason);
	CU_ASSERT_FALSE(ev.with_fix);
	assert_endpoint(&ev.e_sees, ev.e_sees_port, "10.0.30.2:27901");
}

/* From rg_classify() to the events file's line, end to end. */
static void classified_event(const char *c_prefix, struct rg_segments seg,
			     struct rg_event *ev)
{
	struct rg_config cfg;
	struct rg_class cl;
	struct rg_flow f;
	char err[RG_ERR_LEN];

	rg_config_defaults(&cfg);
	CU_ASSERT_EQUAL_FATAL(rg_config_set(&cfg, "expressway-e",
					    "64.100.0.10=10.0.10.2", err,
					    sizeof(err)), 0);
	if (c_prefix)
		CU_ASSERT_EQUAL_FATAL(rg_config_set(&cfg, "expressway-c",
						    c_prefix, err,
						    sizeof(err)), 0);
	note_flow(&f);
	CU_ASSERT_TRUE_FATAL(rg_classify(&cfg, &f, &seg, &cl));
	event(&f, &cl, ev);
}

static void parse_line(const struct rg_event *ev, struct rg_jdoc *d)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_event_json(ev, &sb);
	CU_ASSERT_FALSE(rg_strbuf_failed(&sb));
	CU_ASSERT_EQUAL(rg_json_read_parse(d, rg_strbuf_str(&sb), sb.len), 0);
	rg_strbuf_free(&sb);
}

static void assert_str(const struct rg_jdoc *d, const char *key,
		       const char *want)
{
	const char *got = rg_json_read_str(d, key);

	CU_ASSERT_PTR_NOT_NULL_FATAL(got);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void test_event_line_would_exempt(void)
{
	static struct rg_jdoc d;
	struct rg_segments seg = { true, 2, 3, false, { { 0 }, 0 } };
	struct rg_event ev;
	bool b = false;

	classified_event("10.0.30.0/24", seg, &ev);
	CU_ASSERT_TRUE(ev.with_fix);
	parse_line(&ev, &d);
	assert_str(&d, "event", "flow");
	assert_str(&d, "action", "would-exempt");
	assert_str(&d, "e_sees", "64.100.0.10:4401");
	CU_ASSERT_EQUAL(rg_json_read_bool(&d, "translated", &b), 0);
	CU_ASSERT_TRUE(b);
	CU_ASSERT_PTR_NOT_NULL(rg_json_read_get(&d, "fix"));
}

static void test_event_line_refused(void)
{
	static struct rg_jdoc d;
	struct rg_segments seg = { true, 3, 3, false, { { 0 }, 0 } };
	struct rg_event ev;

	classified_event("10.0.31.0/24", seg, &ev);
	CU_ASSERT_FALSE(ev.with_fix);
	parse_line(&ev, &d);
	assert_str(&d, "event", "refused");
	assert_str(&d, "reason", "not-expressway-c");
	CU_ASSERT_PTR_NULL(rg_json_read_get(&d, "fix"));

	classified_event(NULL, seg, &ev);
	parse_line(&ev, &d);
	assert_str(&d, "reason", "same-segment");
}

static const struct unit_test tests[] = {
	{ "maps orig and reply", test_maps_tuples },
	{ "ports kept apart", test_ports_kept_apart },
	{ "IPv6", test_ipv6 },
	{ "would-exempt: flow with fix", test_would_exempt },
	{ "refused: no fix", test_refused },
	{ "not translated", test_not_translated },
	{ "event line: would-exempt", test_event_line_would_exempt },
	{ "event line: refused", test_event_line_refused },
	{ NULL, NULL },
};

int register_finding_tests(void)
{
	return unit_add_suite("finding", tests);
}
