// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "stats.h"
#include "unit.h"

static void addr(const char *s, struct rg_addr *a)
{
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(s, a), 0);
}

/* The i-th Expressway-C of a long list: 10.0.(i/256).(i%256). */
static void nth_c(unsigned int i, struct rg_addr *a)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "10.0.%u.%u", i / 256, i % 256);
	addr(buf, a);
}

static void remember(struct rg_status *s, const char *c, const char *json)
{
	struct rg_addr a;

	addr(c, &a);
	CU_ASSERT_EQUAL(rg_status_remember(s, &a, json), 0);
}

static void assert_finding(const struct rg_status *s, unsigned int i,
			   const char *c, const char *json)
{
	struct rg_addr a;

	CU_ASSERT_FATAL(i < s->n_findings);
	addr(c, &a);
	CU_ASSERT_TRUE(rg_addr_equal(&s->findings[i].c, &a));
	CU_ASSERT_STRING_EQUAL(s->findings[i].event_json, json);
}

/*
 * A strict JSON syntax check, enough to say the status document is one
 * well-formed value: objects, arrays, strings, numbers, literals.
 */
static const char *json_value(const char *p, int depth);

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 0; i < 4; i++)
					if (!isxdigit((unsigned char)*++p))
						return NULL;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
	}
	return p + 1;
}

static const char *json_number(const char *p)
{
	const char *start;

	if (*p == '-')
		p++;
	start = p;
	if (*p == '0')
		p++;
	else
		while (isdigit((unsigned char)*p))
			p++;
	if (p == start)
		return NULL;
	if (*p == '.') {
		start = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		if (p == start)
			return NULL;
	}
	return p;
}

static const char *json_members(const char *p, char close, int depth)
{
	p = ws(p);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (close == '}') {
			p = json_string(p);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 16)
		return NULL;
	p = ws(p);
	switch (*p) {
	case '{': return json_members(p + 1, '}', depth);
	case '[': return json_members(p + 1, ']', depth);
	case '"': return json_string(p);
	case 't': return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f': return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n': return strncmp(p, "null", 4) ? NULL : p + 4;
	default:  return json_number(p);
	}
}

static bool json_valid(const char *doc)
{
	const char *end = json_value(doc, 0);

	return end && !*ws(end);
}

static void test_validator_itself(void)
{
	CU_ASSERT_TRUE(json_valid("{\"a\":[1,-2,3.5,\"x\\n\",true,null,{}]}\n"));
	CU_ASSERT_FALSE(json_valid("{\"a\":1,}"));
	CU_ASSERT_FALSE(json_valid("{\"a\" 1}"));
	CU_ASSERT_FALSE(json_valid("[1 2]"));
	CU_ASSERT_FALSE(json_valid("{\"a\":1}}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":\"\x01\"}"));
	CU_ASSERT_FALSE(json_valid("{\"a\":[}"));
}

/* A status as the daemon fills it, with every counter distinct. */
static void sample_status(struct rg_status *s)
{
	rg_status_init(s);
	s->mode = "dry-run";
	s->queue_path = "xt-nfqueue";
	s->ct_path = "ctnetlink-lookup";
	s->queue = 7003;
	s->pid = 4242;
	s->started.tv_sec = 1000;
	s->started.tv_nsec = 999999999;
	s->counters.packets_queued = 11;
	s->counters.packets_unparsed = 12;
	s->counters.flows_classified = 13;
	s->counters.translated_found = 14;
	s->counters.refused = 15;
	s->counters.lookup_failures = 16;
	s->counters.lookup_overruns = 21;
	s->counters.queue_drops = 17;
	s->counters.queue_user_drops = 18;
	s->counters.enobufs = 19;
	s->counters.scan_flows = 20;
}

#define F1 "{\"type\":\"flow\",\"c\":\"10.0.30.2:27901\",\"action\":\"would-exempt\"}"
#define F2 "{\"type\":\"refused\",\"c\":\"[fd00:30::2]:27901\",\"reason\":\"same-segment\"}"

static void test_init(void)
{
	struct rg_status s;

	memset(&s, 0xa5, sizeof(s));
	rg_status_init(&s);
	CU_ASSERT_EQUAL(s.n_findings, 0);
	CU_ASSERT_EQUAL(s.counters.packets_queued, 0);
	CU_ASSERT_EQUAL(s.counters.scan_flows, 0);
	CU_ASSERT_PTR_NULL(s.mode);
	CU_ASSERT_EQUAL(s.pid, 0);
	rg_status_free(&s);
}

static void test_remember_per_c(void)
{
	struct rg_status s;

	rg_status_init(&s);
	remember(&s, "10.0.30.2", F1);
	remember(&s, "fd00:30::2", F2);
	CU_ASSERT_EQUAL_FATAL(s.n_findings, 2);
	assert_finding(&s, 0, "10.0.30.2", F1);
	assert_finding(&s, 1, "fd00:30::2", F2);
	rg_status_free(&s);
	CU_ASSERT_EQUAL(s.n_findings, 0);
}

/* One entry per C: a newer finding replaces the older one. */
static void test_remember_replaces(void)
{
	struct rg_status s;

	rg_status_init(&s);
	remember(&s, "10.0.30.2", "{\"n\":1}");
	remember(&s, "10.0.31.3", "{\"n\":2}");
	remember(&s, "10.0.30.2", "{\"n\":3}");
	CU_ASSERT_EQUAL_FATAL(s.n_findings, 2);
	/* Most recent last. */
	assert_finding(&s, 0, "10.0.31.3", "{\"n\":2}");
	assert_finding(&s, 1, "10.0.30.2", "{\"n\":3}");
	remember(&s, "10.0.30.2", "{\"n\":4}");
	CU_ASSERT_EQUAL(s.n_findings, 2);
	assert_finding(&s, 1, "10.0.30.2", "{\"n\":4}");
	rg_status_free(&s);
}

/* The same bytes in another family are another C. */
static void test_remember_family_matters(void)
{
	struct rg_status s;

	rg_status_init(&s);
	remember(&s, "10.0.30.2", "{\"n\":1}");
	remember(&s, "::ffff:10.0.30.2", "{\"n\":2}");
	CU_ASSERT_EQUAL(s.n_findings, 2);
	rg_status_free(&s);
}

static void test_remember_copies(void)
{
	struct rg_status s;
	char json[] = "{\"n\":1}";

	rg_status_init(&s);
	remember(&s, "10.0.30.2", json);
	json[5] = '9';
	assert_finding(&s, 0, "10.0.30.2", "{\"n\":1}");
	CU_ASSERT_PTR_NOT_EQUAL(s.findings[0].event_json, json);
	rg_status_free(&s);
}

static void fill(struct rg_status *s, unsigned int n)
{
	struct rg_addr a;
	char json[32];
	unsigned int i;

	for (i = 0; i < n; i++) {
		nth_c(i, &a);
		snprintf(json, sizeof(json), "{\"n\":%u}", i);
		CU_ASSERT_EQUAL(rg_status_remember(s, &a, json), 0);
	}
}

static void test_eviction_of_oldest(void)
{
	struct rg_status s;
	struct rg_addr a;
	char json[32];
	unsigned int i;

	rg_status_init(&s);
	fill(&s, RG_MAX_FINDINGS);
	CU_ASSERT_EQUAL_FATAL(s.n_findings, RG_MAX_FINDINGS);
	assert_finding(&s, 0, "10.0.0.0", "{\"n\":0}");

	fill(&s, RG_MAX_FINDINGS + 3);
	CU_ASSERT_EQUAL_FATAL(s.n_findings, RG_MAX_FINDINGS);
	/* 0..2 went, in that order; 3 is now the oldest. */
	assert_finding(&s, 0, "10.0.0.3", "{\"n\":3}");
	for (i = 0; i < RG_MAX_FINDINGS; i++) {
		nth_c(i + 3, &a);
		snprintf(json, sizeof(json), "{\"n\":%u}", i + 3);
		CU_ASSERT_TRUE(rg_addr_equal(&s.findings[i].c, &a));
		CU_ASSERT_STRING_EQUAL(s.findings[i].event_json, json);
	}
	rg_status_free(&s);
}

/* A C that keeps reporting is not the oldest, however early it came. */
static void test_eviction_spares_recent(void)
{
	struct rg_status s;

	rg_status_init(&s);
	fill(&s, RG_MAX_FINDINGS);
	remember(&s, "10.0.0.0", "{\"again\":true}");
	remember(&s, "10.0.1.0", "{\"new\":true}");
	CU_ASSERT_EQUAL_FATAL(s.n_findings, RG_MAX_FINDINGS);
	/* 10.0.0.1 had the oldest finding. */
	assert_finding(&s, 0, "10.0.0.2", "{\"n\":2}");
	assert_finding(&s, RG_MAX_FINDINGS - 2, "10.0.0.0", "{\"again\":true}");
	assert_finding(&s, RG_MAX_FINDINGS - 1, "10.0.1.0", "{\"new\":true}");
	rg_status_free(&s);
}

/* Replacing when full evicts nothing. */
static void test_replace_when_full(void)
{
	struct rg_status s;

	rg_status_init(&s);
	fill(&s, RG_MAX_FINDINGS);
	remember(&s, "10.0.0.63", "{\"n\":\"last\"}");
	remember(&s, "10.0.0.5", "{\"n\":\"mid\"}");
	CU_ASSERT_EQUAL(s.n_findings, RG_MAX_FINDINGS);
	assert_finding(&s, 0, "10.0.0.0", "{\"n\":0}");
	assert_finding(&s, RG_MAX_FINDINGS - 1, "10.0.0.5", "{\"n\":\"mid\"}");
	rg_status_free(&s);
}

static void test_free_then_reuse(void)
{
	struct rg_status s;

	rg_status_init(&s);
	fill(&s, 5);
	rg_status_free(&s);
	CU_ASSERT_EQUAL(s.n_findings, 0);
	remember(&s, "10.0.30.2", F1);
	CU_ASSERT_EQUAL(s.n_findings, 1);
	rg_status_free(&s);
	rg_status_free(&s);
}

static void test_json_exact(void)
{
	struct timespec now = { 1060, 0 };
	struct rg_status s;
	struct rg_strbuf sb;

	sample_status(&s);
	remember(&s, "10.0.30.2", F1);
	remember(&s, "fd00:30::2", F2);
	rg_strbuf_init(&sb);
	rg_status_json(&s, &now, &sb);
	CU_ASSERT_FALSE(rg_strbuf_failed(&sb));
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"{\"mode\":\"dry-run\",\"pid\":4242,\"uptime_s\":60,"
		"\"queue_path\":\"xt-nfqueue\",\"ct_path\":\"ctnetlink-lookup\","
		"\"queue\":7003,\"counters\":{\"packets_queued\":11,"
		"\"packets_unparsed\":12,\"flows_classified\":13,"
		"\"translated_found\":14,\"refused\":15,\"lookup_failures\":16,"
		"\"lookup_overruns\":21,\"queue_drops\":17,\"queue_user_drops\":18,\"queue_overflow\":0,"
		"\"enobufs\":19,\"scan_flows\":20,\"exempted\":0,\"verified\":0,"
		"\"resets\":0,\"reinstated\":0,\"events_dropped\":0,\"log_dropped\":0,"
		"\"state_writes\":0,\"state_write_failures\":0,\"ct_events\":0,\"adopted\":0,"
		"\"adopt_refused\":0,\"ct_events_overruns\":0},"
		"\"last_findings\":[" F1 "," F2 "]}\n");
	CU_ASSERT_TRUE(json_valid(rg_strbuf_str(&sb)));
	rg_strbuf_free(&sb);
	rg_status_free(&s);
}

static void test_json_substrings(void)
{
	static const char *const want[] = {
		"\"mode\":\"dry-run\"", "\"pid\":4242", "\"uptime_s\":0",
		"\"queue\":7003", "\"counters\":{", "\"packets_queued\":11",
		"\"enobufs\":19", "\"scan_flows\":20,", "\"reinstated\":0,", "\"log_dropped\":0,", "\"state_write_failures\":0,", "\"ct_events_overruns\":0}", "\"last_findings\":[",
		"{\"n\":63}]}",
	};
	struct timespec now = { 1000, 0 };
	struct rg_status s;
	struct rg_strbuf sb;
	const char *doc;
	size_t i;

	sample_status(&s);
	fill(&s, RG_MAX_FINDINGS);
	rg_strbuf_init(&sb);
	rg_status_json(&s, &now, &sb);
	doc = rg_strbuf_str(&sb);
	CU_ASSERT_TRUE(json_valid(doc));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(strstr(doc, want[i]));
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "\"last_findings\":[{\"n\":0},{\"n\":1},"));
	/* One line. */
	CU_ASSERT_PTR_EQUAL(strchr(doc, '\n'), doc + strlen(doc) - 1);
	rg_strbuf_free(&sb);
	rg_status_free(&s);
}

static void test_json_no_findings(void)
{
	struct timespec now = { 1001, 0 };
	struct rg_status s;
	struct rg_strbuf sb;

	sample_status(&s);
	s.mode = "remediate";
	rg_strbuf_init(&sb);
	rg_status_json(&s, &now, &sb);
	CU_ASSERT_TRUE(json_valid(rg_strbuf_str(&sb)));
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), "\"mode\":\"remediate\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), "\"uptime_s\":1,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), "\"last_findings\":[]}\n"));
	rg_strbuf_free(&sb);
	rg_status_free(&s);
}

static void test_text(void)
{
	struct timespec now = { 1060, 0 };
	struct rg_status s;
	struct rg_strbuf sb;

	sample_status(&s);
	remember(&s, "10.0.30.2", F1);
	remember(&s, "fd00:30::2", F2);
	rg_strbuf_init(&sb);
	rg_status_text(&s, &now, &sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"reflguard dry-run, pid 4242, up 60s\n"
		"kernel path: queue 7003 via xt-nfqueue, conntrack by ctnetlink-lookup\n"
		"packets queued 11 (unparsed 12), flows classified 13\n"
		"translated found 14, refused 15, lookup failures 16\n"
		"queue drops 17 (undeliverable 18), overflow let through 0, ENOBUFS 19\n"
		"last findings (2 Expressway-C):\n"
		"  " F1 "\n"
		"  " F2 "\n");
	rg_strbuf_free(&sb);
	rg_status_free(&s);
}

/* The pair line shows once the other node's marked entries came. */
static void test_text_pair(void)
{
	struct timespec now = { 1060, 0 };
	struct rg_status s;
	struct rg_strbuf sb;

	sample_status(&s);
	s.counters.ct_events = 5;
	s.counters.adopted = 2;
	s.counters.adopt_refused = 1;
	rg_strbuf_init(&sb);
	rg_status_text(&s, &now, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"ENOBUFS 19\nfirewall pair: adopted 2, refused 1, of 5 marked entries (overruns 0)\n"));
	rg_strbuf_free(&sb);
	rg_status_free(&s);
}

static void test_text_no_findings(void)
{
	struct timespec now = { 1000, 5 };
	struct rg_status s;
	struct rg_strbuf sb;
	const char *doc, *last;

	sample_status(&s);
	s.counters.packets_queued = 18446744073709551615ull;
	rg_strbuf_init(&sb);
	rg_status_text(&s, &now, &sb);
	doc = rg_strbuf_str(&sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "reflguard dry-run, pid 4242, up 0s\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(doc, "packets queued 18446744073709551615 (unparsed 12)"));
	last = strstr(doc, "last findings (0 Expressway-C):\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(last);
	CU_ASSERT_STRING_EQUAL(last, "last findings (0 Expressway-C):\n");
	rg_strbuf_free(&sb);
	rg_status_free(&s);
}

static const struct unit_test tests[] = {
	{ "JSON validator", test_validator_itself },
	{ "text: the firewall pair line", test_text_pair },
	{ "init", test_init },
	{ "remember per C", test_remember_per_c },
	{ "remember replaces", test_remember_replaces },
	{ "remember: family matters", test_remember_family_matters },
	{ "remember copies", test_remember_copies },
	{ "eviction of the oldest", test_eviction_of_oldest },
	{ "eviction spares a recent C", test_eviction_spares_recent },
	{ "replace when full", test_replace_when_full },
	{ "free, then reuse", test_free_then_reuse },
	{ "JSON exact", test_json_exact },
	{ "JSON substrings, full", test_json_substrings },
	{ "JSON without findings", test_json_no_findings },
	{ "text", test_text },
	{ "text without findings", test_text_no_findings },
	{ NULL, NULL },
};

int register_stats_tests(void)
{
	return unit_add_suite("stats", tests);
}
