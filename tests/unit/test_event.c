// SPDX-License-Identifier: GPL-2.0-or-later
#include <netinet/in.h>
#include <string.h>
#include <syslog.h>

#include "event.h"
#include "unit.h"

#define FIX4 \
	"add table ip reflguard\n" \
	"add set ip reflguard exempt4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; }\n" \
	"add chain ip reflguard exempt { type nat hook postrouting priority srcnat - 10; policy accept; }\n" \
	"flush chain ip reflguard exempt\n" \
	"add rule ip reflguard exempt ip saddr . ip daddr . meta l4proto . th dport @exempt4 snat ip to ip saddr\n" \
	"add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }\n"

#define FIX6 \
	"add table ip6 reflguard\n" \
	"add set ip6 reflguard exempt6 { type ipv6_addr . ipv6_addr . inet_proto . inet_service; }\n" \
	"add chain ip6 reflguard exempt { type nat hook postrouting priority srcnat - 10; policy accept; }\n" \
	"flush chain ip6 reflguard exempt\n" \
	"add rule ip6 reflguard exempt ip6 saddr . ip6 daddr . meta l4proto . th dport @exempt6 snat ip6 to ip6 saddr\n" \
	"add element ip6 reflguard exempt6 { fd00:30::2 . fd00:10::2 . tcp . 7003 }\n"

/* The note's flow: 2026-11-25T12:00:00.123456Z, C 10.0.30.2:27901, E sees 64.100.0.10:4401. */
static struct rg_event note_flow(void)
{
	struct rg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = "flow";
	ev.ts.tv_sec = 1795608000;
	ev.ts.tv_nsec = 123456789;
	ev.proto = IPPROTO_TCP;
	rg_addr_parse("10.0.30.2", &ev.c);
	ev.c_port = 27901;
	rg_addr_parse("64.100.0.10", &ev.e_public);
	ev.e_public_port = 7003;
	rg_addr_parse("10.0.10.2", &ev.e_internal);
	ev.e_internal_port = 7003;
	rg_addr_parse("64.100.0.10", &ev.e_sees);
	ev.e_sees_port = 4401;
	ev.translated = true;
	ev.action = "would-exempt";
	return ev;
}

static struct rg_event note_flow6(void)
{
	struct rg_event ev = note_flow();

	rg_addr_parse("fd00:30::2", &ev.c);
	rg_addr_parse("2001:db8:64::10", &ev.e_public);
	rg_addr_parse("fd00:10::2", &ev.e_internal);
	rg_addr_parse("2001:db8:64::10", &ev.e_sees);
	return ev;
}

static void test_json_every_field(void)
{
	struct rg_event ev = note_flow();
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_event_json(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"{\"event\":\"flow\",\"ts\":\"2026-11-25T12:00:00.123456Z\","
		"\"proto\":\"tcp\",\"c\":\"10.0.30.2:27901\","
		"\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\","
		"\"e_sees\":\"64.100.0.10:4401\",\"translated\":true,"
		"\"action\":\"would-exempt\",\"reason\":null,"
		"\"community_id\":\"1:NMYLi8PGjwxwcxqB+EQ/PRG3NQI=\"}\n");
	rg_strbuf_free(&sb);
}

static void test_json_ipv6_brackets(void)
{
	struct rg_event ev = note_flow6();
	struct rg_strbuf sb;
	const char *s;

	ev.proto = IPPROTO_UDP;
	ev.translated = false;
	rg_strbuf_init(&sb);
	rg_event_json(&ev, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"proto\":\"udp\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"c\":\"[fd00:30::2]:27901\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"e_public\":\"[2001:db8:64::10]:7003\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"e_internal\":\"[fd00:10::2]:7003\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"e_sees\":\"[2001:db8:64::10]:4401\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "\"translated\":false"));
	rg_strbuf_free(&sb);
}

static void test_json_community_id_ipv6(void)
{
	struct rg_event ev = note_flow6();
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_event_json(&ev, &sb);
	/* Computed independently with Python's hashlib over the spec's layout. */
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"\"community_id\":\"1:8meyz51qoaKUWaNsWyXSjghA99Q=\"}"));
	rg_strbuf_free(&sb);
}

static void test_json_reason_and_escaping(void)
{
	struct rg_event ev = note_flow();
	struct rg_strbuf sb;

	ev.type = "refused";
	ev.action = "refused";
	ev.reason = "same \"segment\"\n\\";
	rg_strbuf_init(&sb);
	rg_event_json(&ev, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"\"event\":\"refused\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"\"reason\":\"same \\\"segment\\\"\\n\\\\\""));
	rg_strbuf_free(&sb);
}

static void test_json_fix_only_when_asked(void)
{
	struct rg_event ev = note_flow();
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_event_json(&ev, &sb);
	CU_ASSERT_PTR_NULL(strstr(rg_strbuf_str(&sb), "\"fix\""));
	rg_strbuf_reset(&sb);
	ev.with_fix = true;
	rg_event_json(&ev, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"\"community_id\":\"1:NMYLi8PGjwxwcxqB+EQ/PRG3NQI=\",\"fix\":["
		"\"add table ip reflguard\","
		"\"add set ip reflguard exempt4 { type ipv4_addr . ipv4_addr . inet_proto . inet_service; }\","
		"\"add chain ip reflguard exempt { type nat hook postrouting priority srcnat - 10; policy accept; }\","
		"\"flush chain ip reflguard exempt\","
		"\"add rule ip reflguard exempt ip saddr . ip daddr . meta l4proto . th dport @exempt4 snat ip to ip saddr\","
		"\"add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }\""
		"]}\n"));
	rg_strbuf_free(&sb);
}

static void test_json_one_line(void)
{
	struct rg_event ev = note_flow6();
	struct rg_strbuf sb;
	const char *s;

	ev.with_fix = true;
	rg_strbuf_init(&sb);
	rg_event_json(&ev, &sb);
	s = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_EQUAL(strchr(s, '\n'), s + strlen(s) - 1);
	rg_strbuf_free(&sb);
}

static void test_fix_ipv4(void)
{
	struct rg_event ev = note_flow();
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_event_fix(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), FIX4);
	rg_strbuf_free(&sb);
}

static void test_fix_ipv6_udp(void)
{
	struct rg_event ev = note_flow6();
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_event_fix(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), FIX6);
	rg_strbuf_reset(&sb);
	ev.proto = IPPROTO_UDP;
	ev.e_internal_port = 5061;
	rg_event_fix(&ev, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"add element ip6 reflguard exempt6 { fd00:30::2 . fd00:10::2 . udp . 5061 }\n"));
	rg_strbuf_free(&sb);
}

/* The longest element line fits a fix line's buffer whole. */
static void test_fix_longest_line(void)
{
	struct rg_event ev = note_flow6();
	char line[RG_FIX_LINE_LEN];

	rg_addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff1", &ev.c);
	rg_addr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff2", &ev.e_internal);
	ev.e_internal_port = 65535;
	CU_ASSERT_TRUE_FATAL(rg_event_fix_line(&ev, 5, line, sizeof(line)));
	CU_ASSERT_STRING_EQUAL(line, "add element ip6 reflguard exempt6 { "
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff1 . "
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:fff2 . tcp . 65535 }");
	CU_ASSERT_FALSE(rg_event_fix_line(&ev, 6, line, sizeof(line)));
}

static void test_fix_needs_known_addresses(void)
{
	struct rg_event ev = note_flow();
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	memset(&ev.e_internal, 0, sizeof(ev.e_internal));
	rg_event_fix(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "");
	rg_addr_parse("fd00:10::2", &ev.e_internal);
	rg_event_fix(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "");
	rg_strbuf_free(&sb);
}

static void test_human_translated(void)
{
	struct rg_event ev = note_flow();
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_event_human(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"translated hairpin: Expressway-C 10.0.30.2:27901 -> 64.100.0.10:7003 "
		"reaches Expressway-E 10.0.10.2:7003 as 64.100.0.10:4401; "
		"E will route SIP to 64.100.0.10:4401 and C answers 408 "
		"(action: would-exempt)\n");
	rg_strbuf_free(&sb);
}

static void test_human_clean_ipv6(void)
{
	struct rg_event ev = note_flow6();
	struct rg_strbuf sb;

	ev.translated = false;
	ev.action = "none";
	rg_strbuf_init(&sb);
	rg_event_human(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"clean hairpin: Expressway-C [fd00:30::2]:27901 -> [2001:db8:64::10]:7003 "
		"reaches Expressway-E [fd00:10::2]:7003; "
		"E sees C's real address [fd00:30::2]:27901 (action: none)\n");
	rg_strbuf_free(&sb);
}

static void test_human_refused(void)
{
	struct rg_event ev = note_flow();
	struct rg_strbuf sb;

	ev.type = "refused";
	ev.action = "refused";
	ev.reason = "same-segment";
	rg_addr_parse("10.0.10.3", &ev.c);
	rg_addr_parse("10.0.10.1", &ev.e_sees);
	rg_strbuf_init(&sb);
	rg_event_human(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"refused (same-segment): Expressway-C 10.0.10.3:27901 -> 64.100.0.10:7003 "
		"reaches Expressway-E 10.0.10.2:7003 as 10.0.10.1:4401; "
		"E will route SIP to 10.0.10.1:4401 and C answers 408; "
		"C shares E's segment: without the translation E would answer C directly, "
		"so it must stay (action: refused)\n");
	rg_strbuf_free(&sb);
}

/* A pair's peer's exemption, adopted: origin said, element and statement. */
static void test_adopted(void)
{
	struct rg_event ev = note_flow();
	struct rg_strbuf sb;

	ev.type = "adopted";
	ev.action = "exempted";
	ev.translated = false;
	rg_addr_parse("10.0.30.2", &ev.e_sees);
	ev.e_sees_port = 27901;
	ev.origin = "conntrack-mark";
	ev.element = "10.0.30.2 . 10.0.10.2 . tcp . 7003";
	ev.statement = "add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }";
	rg_strbuf_init(&sb);
	rg_event_json(&ev, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"\"event\":\"adopted\","));
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"\"translated\":false,\"action\":\"exempted\",\"reason\":null,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"\"origin\":\"conntrack-mark\",\"element\":\"10.0.30.2 . 10.0.10.2 . tcp . 7003\","));
	rg_strbuf_reset(&sb);
	rg_event_human(&ev, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"adopted: Expressway-C 10.0.30.2:27901 keeps its source towards Expressway-E "
		"10.0.10.2:7003, as the firewall pair's peer exempted it "
		"(add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 })\n");
	CU_ASSERT_EQUAL(rg_event_priority(&ev), LOG_NOTICE);
	/* Without origin, no key: the other events are as they were. */
	ev = note_flow();
	rg_strbuf_reset(&sb);
	rg_event_json(&ev, &sb);
	CU_ASSERT_PTR_NULL(strstr(rg_strbuf_str(&sb), "origin"));
	rg_strbuf_free(&sb);
}

static void test_ts_format(void)
{
	struct timespec ts = { 0, 0 };
	char buf[40];

	rg_format_ts(&ts, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "1970-01-01T00:00:00.000000Z");
	ts.tv_sec = 1795608000 + 43199;
	ts.tv_nsec = 999999999;
	rg_format_ts(&ts, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2026-11-25T23:59:59.999999Z");
	ts.tv_sec = 951782400;	/* a leap day */
	ts.tv_nsec = 1000;
	rg_format_ts(&ts, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2000-02-29T00:00:00.000001Z");
	rg_format_ts(&ts, buf, 11);
	CU_ASSERT_STRING_EQUAL(buf, "2000-02-29");
}

static const struct unit_test tests[] = {
	{ "JSON: every field, in order", test_json_every_field },
	{ "fix: the longest line fits whole", test_fix_longest_line },
	{ "JSON: IPv6 endpoints in brackets, udp, not translated", test_json_ipv6_brackets },
	{ "JSON: community ID of an IPv6 flow", test_json_community_id_ipv6 },
	{ "JSON: reason escaped", test_json_reason_and_escaping },
	{ "JSON: fix array only with with_fix", test_json_fix_only_when_asked },
	{ "JSON: one line, newline last", test_json_one_line },
	{ "fix: IPv4 statements", test_fix_ipv4 },
	{ "fix: IPv6 statements, udp port", test_fix_ipv6_udp },
	{ "fix: nothing without both addresses of one family", test_fix_needs_known_addresses },
	{ "human: translated", test_human_translated },
	{ "human: clean IPv6", test_human_clean_ipv6 },
	{ "human: refused same-segment", test_human_refused },
	{ "adopted: JSON with origin, human line", test_adopted },
	{ "timestamps: RFC 3339 UTC, microseconds, truncation", test_ts_format },
	{ NULL, NULL }
};

int register_event_tests(void)
{
	return unit_add_suite("event", tests);
}
