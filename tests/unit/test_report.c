// SPDX-License-Identifier: GPL-2.0-or-later
#include <netinet/in.h>
#include <string.h>

#include "event.h"
#include "report.h"
#include "unit.h"

static struct rg_event flow(const char *c, uint16_t c_port, const char *sees,
			    uint16_t sees_port, time_t sec)
{
	struct rg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = "flow";
	ev.ts.tv_sec = sec;
	ev.proto = IPPROTO_TCP;
	rg_addr_parse(c, &ev.c);
	ev.c_port = c_port;
	rg_addr_parse(strchr(c, ':') ? "2001:db8:64::10" : "64.100.0.10",
		      &ev.e_public);
	ev.e_public_port = 7003;
	rg_addr_parse(strchr(c, ':') ? "fd00:10::2" : "10.0.10.2",
		      &ev.e_internal);
	ev.e_internal_port = 7003;
	rg_addr_parse(sees, &ev.e_sees);
	ev.e_sees_port = sees_port;
	ev.translated = !(rg_addr_equal(&ev.c, &ev.e_sees) &&
			  c_port == sees_port);
	ev.action = ev.translated ? "would-exempt" : "none";
	return ev;
}

/* Feeds the line rg_event_json() writes for ev, as the daemon would. */
static int feed(struct rg_report *r, const struct rg_event *ev)
{
	struct rg_strbuf sb;
	int ret;

	rg_strbuf_init(&sb);
	rg_event_json(ev, &sb);
	ret = rg_report_feed(r, sb.data, sb.len);
	rg_strbuf_free(&sb);
	return ret;
}

static int feed_str(struct rg_report *r, const char *line)
{
	return rg_report_feed(r, line, strlen(line));
}

static void text(const struct rg_report *r, struct rg_strbuf *sb)
{
	rg_strbuf_init(sb);
	rg_report_text(r, sb);
}

/* 2026-11-25T12:00:00Z */
#define T0 1795608000

static void test_translated_flows(void)
{
	struct rg_event a = flow("10.0.30.2", 27901, "64.100.0.10", 4401, T0);
	struct rg_event b = flow("10.0.30.2", 27905, "64.100.0.10", 4409, T0 + 60);
	struct rg_event c = flow("10.0.30.2", 27907, "10.0.30.2", 27907, T0 + 30);
	struct rg_report r;
	struct rg_strbuf sb;

	rg_report_init(&r);
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	CU_ASSERT_EQUAL(feed(&r, &b), 0);
	CU_ASSERT_EQUAL(feed(&r, &c), 0);
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	CU_ASSERT_EQUAL(r.flows, 4);
	CU_ASSERT_EQUAL(r.events, 4);
	CU_ASSERT_EQUAL(r.translated, 3);
	CU_ASSERT_EQUAL(r.skipped, 0);
	CU_ASSERT_EQUAL(r.n_c, 1);
	text(&r, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"4 flows from 1 Expressway-C, 3 translated.\n"
		"\n"
		"Expressway-C 10.0.30.2\n"
		"  reaches      Expressway-E 64.100.0.10:7003 -> 10.0.10.2:7003 (tcp)\n"
		"  E saw        64.100.0.10:4401, 64.100.0.10:4409, its real address\n"
		"  first seen   2026-11-25T12:00:00.000000Z\n"
		"  last seen    2026-11-25T12:01:00.000000Z\n"
		"  flows        4, 3 translated\n"
		"  fix          give these to 'nft -f -' (from the flow of 2026-11-25T12:01:00.000000Z):\n"
		"    add table ip reflguard\n"
		"    add set ip reflguard exempt4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; }\n"
		"    add chain ip reflguard exempt { type nat hook postrouting priority srcnat - 10; policy accept; }\n"
		"    flush chain ip reflguard exempt\n"
		"    add rule ip reflguard exempt ip saddr . ip daddr . meta l4proto . th dport @exempt4 snat ip to ip saddr\n"
		"    add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }\n");
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_same_segment_refused(void)
{
	struct rg_event a = flow("10.0.10.3", 40000, "10.0.10.1", 40000, T0);
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	a.type = "refused";
	a.action = "refused";
	a.reason = "same-segment";
	rg_report_init(&r);
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	a.ts.tv_sec += 5;
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	text(&r, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Expressway-C 10.0.10.3\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  E saw        10.0.10.1:40000\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  refused      same-segment (2 flows)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"  fix          Expressway-C shares Expressway-E's segment: the source\n"
		"               translation is what brings E's replies back through the\n"
		"               firewall, so it must stay. The real fix is a dual-NIC\n"
		"               Expressway-E, or moving Expressway-C off E's segment.\n"));
	CU_ASSERT_PTR_NULL(strstr(s, "add table"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

/* The fix comes from the newest finding by time, whatever the line order. */
static void test_latest_by_time(void)
{
	struct rg_event old = flow("10.0.30.2", 1, "64.100.0.10", 2, T0);
	struct rg_event new = flow("10.0.30.2", 3, "64.100.0.10", 4, T0 + 10);
	struct rg_report r;
	struct rg_strbuf sb;

	new.type = "refused";
	new.reason = "same-segment";
	rg_report_init(&r);
	feed(&r, &new);
	feed(&r, &old);
	CU_ASSERT_TRUE(r.c[0].latest.refused);
	CU_ASSERT_STRING_EQUAL(r.c[0].first, "2026-11-25T12:00:00.000000Z");
	CU_ASSERT_STRING_EQUAL(r.c[0].last, "2026-11-25T12:00:10.000000Z");
	text(&r, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), "dual-NIC"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_clean_only(void)
{
	struct rg_event a = flow("fd00:30::2", 27901, "fd00:30::2", 27901, T0);
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	CU_ASSERT_EQUAL(r.translated, 0);
	text(&r, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "1 flow from 1 Expressway-C, 0 translated.\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Expressway-C fd00:30::2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Expressway-E [2001:db8:64::10]:7003 -> [fd00:10::2]:7003 (tcp)\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  E saw        its real address\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "  fix          none needed"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_ipv6_fix(void)
{
	struct rg_event a = flow("fd00:30::2", 27901, "2001:db8:64::10", 4401, T0);
	struct rg_report r;
	struct rg_strbuf sb;

	rg_report_init(&r);
	feed(&r, &a);
	text(&r, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"    add element ip6 reflguard exempt6 { fd00:30::2 . fd00:10::2 . tcp . 7003 }\n"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_skipped_lines(void)
{
	static const char *const bad[] = {
		"garbage\n",
		"{\"event\":\"flow\"}\n",
		/* translated as a string */
		"{\"event\":\"flow\",\"ts\":\"2026-11-25T12:00:00.000000Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:1\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:2\",\"translated\":\"yes\"}",
		/* a timestamp of another shape */
		"{\"event\":\"flow\",\"ts\":\"2026-11-25 12:00:00\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:1\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:2\",\"translated\":true}",
		/* port out of range */
		"{\"event\":\"flow\",\"ts\":\"2026-11-25T12:00:00.000000Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:65536\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:2\",\"translated\":true}",
		/* IPv6 without brackets */
		"{\"event\":\"flow\",\"ts\":\"2026-11-25T12:00:00.000000Z\",\"proto\":\"tcp\",\"c\":\"fd00::1:1\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:2\",\"translated\":true}",
		/* mixed families */
		"{\"event\":\"flow\",\"ts\":\"2026-11-25T12:00:00.000000Z\",\"proto\":\"tcp\",\"c\":\"[fd00::1]:1\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:2\",\"translated\":true}",
		/* unknown protocol, reason not a string */
		"{\"event\":\"flow\",\"ts\":\"2026-11-25T12:00:00.000000Z\",\"proto\":\"sctp\",\"c\":\"10.0.30.2:1\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:2\",\"translated\":true}",
		"{\"event\":\"flow\",\"ts\":\"2026-11-25T12:00:00.000000Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:1\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:2\",\"translated\":true,\"reason\":3}",
	};
	struct rg_report r;
	struct rg_strbuf sb;
	size_t i;

	rg_report_init(&r);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(feed_str(&r, bad[i]), -1);
	CU_ASSERT_EQUAL(feed_str(&r, "\n"), 0);
	CU_ASSERT_EQUAL(feed_str(&r, " \t\r\n"), 0);
	CU_ASSERT_EQUAL(r.skipped, sizeof(bad) / sizeof(bad[0]));
	CU_ASSERT_EQUAL(r.flows, 0);
	/* Blank lines are neither events nor skipped. */
	CU_ASSERT_EQUAL(r.events, 0);
	text(&r, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"No flows in the events file.\n"
		"9 lines skipped (not a reflguard event).\n");
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_several_c_in_order(void)
{
	struct rg_event a = flow("10.0.31.3", 1, "10.0.10.1", 2, T0);
	struct rg_event b = flow("10.0.30.2", 1, "10.0.30.2", 1, T0);
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	feed(&r, &a);
	feed(&r, &b);
	feed_str(&r, "{}");
	CU_ASSERT_EQUAL(r.n_c, 2);
	text(&r, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "2 flows from 2 Expressway-C, 1 translated.\n1 line skipped"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Expressway-C 10.0.31.3"));
	CU_ASSERT_TRUE(strstr(s, "Expressway-C 10.0.31.3") < strstr(s, "Expressway-C 10.0.30.2"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_json(void)
{
	struct rg_event a = flow("10.0.30.2", 27901, "64.100.0.10", 4401, T0);
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	feed(&r, &a);
	feed_str(&r, "nope");
	rg_strbuf_init(&sb);
	rg_report_json(&r, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"{\"flows\":1,\"translated\":1,\"skipped\":1,\"complete\":true,"
		"\"expressway_c\":[{\"c\":\"10.0.30.2\",\"reaches\":[{"
		"\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\","
		"\"proto\":\"tcp\"}],\"e_saw\":[\"64.100.0.10:4401\"],"
		"\"e_saw_real_address\":false,\"truncated\":false,"
		"\"first_seen\":\"2026-11-25T12:00:00.000000Z\","
		"\"last_seen\":\"2026-11-25T12:00:00.000000Z\",\"flows\":1,"
		"\"translated\":1,\"refused\":[],\"fix\":[\"add table ip reflguard\","));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"\"add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }\"],"
		"\"advice\":null}]}\n"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

/* A remediating daemon's finding: the fix is in, no statements to give. */
static void test_exempted_by_reflguard(void)
{
	struct rg_event a = flow("10.0.30.2", 27901, "64.100.0.10", 4401, T0);
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	a.action = "exempted";
	rg_report_init(&r);
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	a.type = "exempted";
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	text(&r, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "1 flow from 1 Expressway-C, 1 translated.\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"  fix          none needed: reflguard exempted it ('reflguard exempt list')\n"));
	CU_ASSERT_PTR_NULL(strstr(s, "add element"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

/* A pair's peer's exemption taken over: read, counted as an exemption. */
static void test_adopted(void)
{
	struct rg_event a = flow("10.0.30.2", 27901, "10.0.30.2", 27901, T0);
	struct rg_report r;

	rg_report_init(&r);
	a.type = "adopted";
	a.action = "exempted";
	a.origin = "conntrack-mark";
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	a.action = "would-exempt";	/* dry-run: not an exemption */
	CU_ASSERT_EQUAL(feed(&r, &a), 0);
	CU_ASSERT_EQUAL(r.skipped, 0);
	CU_ASSERT_EQUAL(r.exempted, 1);
	CU_ASSERT_EQUAL(r.flows, 0);	/* no connection of C's */
	rg_report_free(&r);
}

static void test_kept_values_capped(void)
{
	struct rg_event a = flow("10.0.30.2", 1, "64.100.0.10", 1, T0);
	struct rg_report r;
	struct rg_strbuf sb;
	uint16_t i;

	rg_report_init(&r);
	for (i = 0; i < RG_REPORT_MAX_KEPT + 3; i++) {
		a.e_sees_port = (uint16_t)(1000 + i);
		feed(&r, &a);
	}
	CU_ASSERT_EQUAL(r.c[0].n_sees, RG_REPORT_MAX_KEPT);
	CU_ASSERT_TRUE(r.c[0].more_sees);
	text(&r, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), ", and more\n"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

/* A summary line of the daemon counts every flow it stands for. */
static void test_repeats(void)
{
	struct rg_report r;
	struct rg_event ev;

	rg_report_init(&r);
	ev = flow("10.0.30.2", 1000, "64.100.0.10", 4000, 1000);
	CU_ASSERT_EQUAL(feed(&r, &ev), 0);
	ev = flow("10.0.30.2", 1057, "64.100.0.10", 4057, 1060);
	ev.repeats = 57;
	ev.since.tv_sec = 1001;
	CU_ASSERT_EQUAL(feed(&r, &ev), 0);
	ev = flow("10.0.30.2", 1100, "64.100.0.10", 4100, 1061);
	ev.type = "refused";
	ev.action = "refused";
	ev.reason = "limit";
	ev.repeats = 3;
	CU_ASSERT_EQUAL(feed(&r, &ev), 0);
	CU_ASSERT_EQUAL(r.flows, 61);
	CU_ASSERT_EQUAL(r.translated, 61);
	CU_ASSERT_EQUAL(r.refused, 3);
	CU_ASSERT_EQUAL_FATAL(r.n_c, 1);
	CU_ASSERT_EQUAL(r.c[0].flows, 61);
	CU_ASSERT_EQUAL(r.c[0].refused[0].flows, 3);
	CU_ASSERT_EQUAL_FATAL(r.n_pair, 1);
	CU_ASSERT_EQUAL(r.pair[0].flows, 61);
	/* Not a count: skipped, as is a repeated remediation event. */
	CU_ASSERT_EQUAL(feed_str(&r, "{\"event\":\"flow\",\"repeats\":0}"), -1);
	ev = flow("10.0.30.2", 1100, "64.100.0.10", 4100, 1061);
	ev.type = "exempted";
	ev.repeats = 2;
	CU_ASSERT_EQUAL(feed(&r, &ev), -1);
	rg_report_free(&r);
}

static const struct unit_test tests[] = {
	{ "summary lines count every flow", test_repeats },
	{ "translated flows: counts, E saw, times, nft fix", test_translated_flows },
	{ "same-segment refused: no nft fix, the explanation", test_same_segment_refused },
	{ "the newest finding by time decides the fix", test_latest_by_time },
	{ "clean flows only: nothing to fix", test_clean_only },
	{ "IPv6 flow: ip6 fix", test_ipv6_fix },
	{ "malformed lines skipped and counted, blank lines ignored", test_skipped_lines },
	{ "several Expressway-C, in the order first seen", test_several_c_in_order },
	{ "JSON summary", test_json },
	{ "distinct values capped", test_kept_values_capped },
	{ "exempted by reflguard: no statements to give", test_exempted_by_reflguard },
	{ "adopted: read and counted as an exemption", test_adopted },
	{ NULL, NULL }
};

int register_report_tests(void)
{
	return unit_add_suite("report", tests);
}
