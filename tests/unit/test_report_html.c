// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_html.h"
#include "unit.h"

/* What a remediating daemon wrote in the lab: the fault, its fix, the proof. */
static const char *const remedied[] = {
	"{\"event\":\"flow\",\"ts\":\"2026-11-25T15:20:10.886738Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:27901\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:4401\",\"translated\":true,\"action\":\"exempted\",\"reason\":null,\"community_id\":\"1:NMYLi8PGjwxwcxqB+EQ/PRG3NQI=\"}\n",
	"{\"event\":\"exempted\",\"ts\":\"2026-11-25T15:20:10.886738Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:27901\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:4401\",\"translated\":true,\"action\":\"exempted\",\"reason\":null,\"community_id\":\"1:NMYLi8PGjwxwcxqB+EQ/PRG3NQI=\",\"element\":\"10.0.30.2 . 10.0.10.2 . tcp . 7003\",\"statement\":\"add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }\"}\n",
	"{\"event\":\"flow\",\"ts\":\"2026-11-25T15:20:11.669880Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:27903\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"10.0.30.2:27903\",\"translated\":false,\"action\":\"none\",\"reason\":null,\"community_id\":\"1:9yj/C5Am8mWnJXvuaaIMDFTDiYo=\"}\n",
	"{\"event\":\"verified\",\"ts\":\"2026-11-25T15:20:11.669880Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:27903\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"10.0.30.2:27903\",\"translated\":false,\"action\":\"exempted\",\"reason\":null,\"community_id\":\"1:9yj/C5Am8mWnJXvuaaIMDFTDiYo=\",\"time_to_fix_ms\":778}\n",
	NULL
};

static void feed_all(struct rg_report *r, const char *const *lines)
{
	for (; *lines; lines++)
		CU_ASSERT_EQUAL(rg_report_feed(r, *lines, strlen(*lines)), 0);
}

/* Feeds one event line; e_public is 64.100.0.10:7003 or its IPv6 twin. */
static int feed_ev(struct rg_report *r, const char *type, const char *ts,
		   const char *c, const char *sees, bool translated,
		   const char *action, const char *reason)
{
	bool v6 = c[0] == '[';
	char line[1024];

	snprintf(line, sizeof(line),
		 "{\"event\":\"%s\",\"ts\":\"2026-11-25T%sZ\",\"proto\":\"tcp\",\"c\":\"%s\",\"e_public\":\"%s\",\"e_internal\":\"%s\",\"e_sees\":\"%s\",\"translated\":%s,\"action\":\"%s\",\"reason\":\"%s\"}\n",
		 type, ts, c, v6 ? "[2001:db8:64::10]:7003" : "64.100.0.10:7003",
		 v6 ? "[fd00:10::2]:7003" : "10.0.10.2:7003", sees,
		 translated ? "true" : "false", action, reason);
	return rg_report_feed(r, line, strlen(line));
}

/* A refused, translated flow with the given strings in it. */
static void feed_refused(struct rg_report *r, const char *c, const char *sees,
			 const char *action, const char *reason)
{
	CU_ASSERT_EQUAL(feed_ev(r, "refused", "12:00:00.000000", c, sees, true,
				action, reason), 0);
}

static const char *html(const struct rg_report *r, struct rg_strbuf *sb)
{
	rg_strbuf_init(sb);
	rg_report_html(r, "events.jsonl", sb);
	CU_ASSERT_FALSE(rg_strbuf_failed(sb));
	return rg_strbuf_str(sb);
}

static bool void_elem(const char *name, size_t n)
{
	return (n == 4 && !strncmp(name, "meta", 4)) ||
	       (n == 2 && !strncmp(name, "br", 2));
}

/* An entity the page may use: what rg_report_html_escape() writes. */
static bool known_entity(const char *s)
{
	static const char *const ok[] = { "&amp;", "&lt;", "&gt;", "&quot;",
					  "&#39;", "&#xFFFD;", NULL };
	size_t i;

	for (i = 0; ok[i]; i++)
		if (!strncmp(s, ok[i], strlen(ok[i])))
			return true;
	return false;
}

/* Skips <style>'s raw text; returns the tag's end, or NULL. */
static const char *skip_raw(const char *p, const char *name, size_t n)
{
	if (n == 5 && !strncmp(name, "style", 5)) {
		p = strstr(p, "</style>");
		return p ? p - 1 : NULL;
	}
	return p;
}

/*
 * Every tag closed in order, every attribute quoted without '<' or '>'
 * inside, every '&' a known entity, one <html> root: what a browser and
 * python's html.parser read the same way.
 */
static bool well_formed(const char *s)
{
	const char *stack[64], *p = s, *name, *end;
	size_t depth = 0, lens[64], n;

	if (strncmp(p, "<!DOCTYPE html>\n", 16))
		return false;
	for (p += 16; *p; p++) {
		if (*p == '&' && !known_entity(p))
			return false;
		if (*p == '>')
			return false;
		if (*p != '<')
			continue;
		name = p + 1 + (p[1] == '/');
		n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789");
		end = name + n;
		for (; *end && *end != '>' && *end != '<'; end++) {
			if (*end != '"')
				continue;
			end = strpbrk(end + 1, "\"<>");
			if (!end || *end != '"')
				return false;
		}
		if (!n || *end != '>')
			return false;
		if (p[1] == '/') {
			if (!depth || lens[depth - 1] != n ||
			    strncmp(stack[depth - 1], name, n))
				return false;
			depth--;
		} else if (end[-1] != '/' && !void_elem(name, n)) {
			if (depth == 64 || (!depth && p != strstr(s, "<html")))
				return false;
			stack[depth] = name;
			lens[depth++] = n;
			end = skip_raw(end, name, n);
			if (!end)
				return false;
		}
		p = end;
	}
	return depth == 0;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

static void test_escape(void)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_report_html_escape(&sb, "<script>alert(\"x\" & 'y')</script>\x01ok");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;&#xFFFD;ok");
	rg_strbuf_reset(&sb);
	rg_report_html_escape(&sb, "10.0.30.2:27901 \xc3\xa9");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "10.0.30.2:27901 \xc3\xa9");
	rg_strbuf_free(&sb);
}

static void test_event_strings_escaped(void)
{
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	feed_refused(&r, "10.0.30.2:27901", "64.100.0.10:4401",
		     "refused\\\"><img src=x>", "<script>alert(1)</script>");
	s = html(&r, &sb);
	CU_ASSERT_PTR_NULL(strstr(s, "<script"));
	CU_ASSERT_PTR_NULL(strstr(s, "<img"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"<td>refused&quot;&gt;&lt;img src=x&gt; (&lt;script&gt;alert(1)&lt;/script&gt;)</td>"));
	/* In the diagram too: the reason under the firewall. */
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "(&lt;script&gt;alert(1)&lt;/script&gt;)</text>"));
	CU_ASSERT_TRUE(well_formed(s));
	rg_strbuf_reset(&sb);
	rg_report_html(&r, "<b>evil</b>.jsonl", &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb), "<code>&lt;b&gt;evil&lt;/b&gt;.jsonl</code>"));
	CU_ASSERT_TRUE(well_formed(rg_strbuf_str(&sb)));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_remedied_findings(void)
{
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	feed_all(&r, remedied);
	s = html(&r, &sb);
	CU_ASSERT_TRUE(well_formed(s));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"Period covered: 2026-11-25T15:20:10.886738Z to 2026-11-25T15:20:11.669880Z (UTC)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>2</b><span>flows seen</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>1</b><span>translated found</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>1</b><span>exemptions installed</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>1</b><span>exemptions verified</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>0</b><span>refused</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>0</b><span>resets</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>0</b><span>errors (unreadable lines)</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "1 now sees C's real address"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"<tr class=\"fixed\"><td class=\"ep\">10.0.30.2</td><td class=\"ep\">64.100.0.10:7003</td>"
		"<td class=\"ep\">10.0.10.2:7003</td><td>tcp/7003</td><td>2 (1 translated)</td>"
		"<td class=\"ep bad\">64.100.0.10:4401</td><td class=\"ep good\">10.0.30.2:27903</td>"
		"<td>exempted</td><td class=\"good\">yes, 2026-11-25T15:20:11.669880Z</td><td>778 ms</td></tr>"));
	/* One diagram, before and after, and no fix left to give. */
	CU_ASSERT_EQUAL(count(s, "<svg"), 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "class=\"ep bad\">64.100.0.10:4401</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "class=\"ep\">10.0.30.2:27901</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "class=\"ep good\">10.0.30.2:27903</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ">exempted by reflguard</text>"));
	CU_ASSERT_PTR_NULL(strstr(s, "Recommended fix"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

/* Nothing the browser would fetch: the page must open offline. */
static void test_self_contained(void)
{
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	feed_all(&r, remedied);
	s = html(&r, &sb);
	CU_ASSERT_PTR_NULL(strstr(s, "http:"));
	CU_ASSERT_PTR_NULL(strstr(s, "https:"));
	CU_ASSERT_PTR_NULL(strstr(s, "src="));
	CU_ASSERT_PTR_NULL(strstr(s, "href="));
	CU_ASSERT_PTR_NULL(strstr(s, "@import"));
	CU_ASSERT_PTR_NULL(strstr(s, "url("));
	CU_ASSERT_PTR_NULL(strstr(s, "<script"));
	CU_ASSERT_PTR_NULL(strstr(s, "<link"));
	CU_ASSERT_EQUAL(count(s, "<style>"), 1);
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

/* Only "flow" and "refused" are connections; the rest tell what was done. */
static void test_counts(void)
{
	static const char reset[] =
		"{\"event\":\"reset\",\"ts\":\"2026-11-25T15:20:12.000000Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:27901\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:4401\",\"translated\":true,\"action\":\"reset\",\"reason\":null}\n";
	static const char future[] =
		"{\"event\":\"teleported\",\"ts\":\"2026-11-25T15:20:12.000000Z\",\"proto\":\"tcp\",\"c\":\"10.0.30.2:27901\",\"e_public\":\"64.100.0.10:7003\",\"e_internal\":\"10.0.10.2:7003\",\"e_sees\":\"64.100.0.10:4401\",\"translated\":true,\"action\":\"none\",\"reason\":null}\n";
	struct rg_report r;

	rg_report_init(&r);
	feed_all(&r, remedied);
	CU_ASSERT_EQUAL(rg_report_feed(&r, reset, strlen(reset)), 0);
	CU_ASSERT_EQUAL(rg_report_feed(&r, future, strlen(future)), -1);
	CU_ASSERT_EQUAL(r.flows, 2);
	CU_ASSERT_EQUAL(r.translated, 1);
	CU_ASSERT_EQUAL(r.exempted, 1);
	CU_ASSERT_EQUAL(r.verified, 1);
	CU_ASSERT_EQUAL(r.resets, 1);
	CU_ASSERT_EQUAL(r.skipped, 1);
	CU_ASSERT_EQUAL(r.c[0].flows, 2);
	CU_ASSERT_EQUAL(r.n_pair, 1);
	CU_ASSERT_EQUAL(r.pair[0].resets, 1);
	CU_ASSERT_STRING_EQUAL(r.last, "2026-11-25T15:20:12.000000Z");
	rg_report_free(&r);
}

/* A clean flow older than the translated one is no proof of a fix. */
static void test_after_needs_later_clean_flow(void)
{
	struct rg_report r;

	rg_report_init(&r);
	CU_ASSERT_EQUAL(feed_ev(&r, "flow", "15:20:09.000000", "10.0.30.2:27800",
				"10.0.30.2:27800", false, "none", ""), 0);
	CU_ASSERT_STRING_EQUAL(rg_report_pair_after(&r.pair[0]), "10.0.30.2:27800");
	CU_ASSERT_STRING_EQUAL(r.pair[0].before, "");
	CU_ASSERT_STRING_EQUAL(r.pair[0].action, "");
	feed_all(&r, (const char *const[]){ remedied[0], NULL });
	CU_ASSERT_PTR_NULL(rg_report_pair_after(&r.pair[0]));
	CU_ASSERT_STRING_EQUAL(r.pair[0].before, "64.100.0.10:4401");
	CU_ASSERT_STRING_EQUAL(r.pair[0].before_c, "10.0.30.2:27901");
	CU_ASSERT_STRING_EQUAL(r.pair[0].action, "exempted");
	/* The verification proves it, and wins over any clean flow. */
	feed_all(&r, (const char *const[]){ remedied[3], NULL });
	CU_ASSERT_EQUAL(feed_ev(&r, "flow", "15:30:00.000000", "10.0.30.2:27999",
				"10.0.30.2:27999", false, "none", ""), 0);
	CU_ASSERT_STRING_EQUAL(rg_report_pair_after(&r.pair[0]), "10.0.30.2:27903");
	CU_ASSERT_TRUE(r.pair[0].has_ttf);
	CU_ASSERT_EQUAL(r.pair[0].ttf_ms, 778);
	CU_ASSERT_EQUAL(r.pair[0].flows, 3);
	CU_ASSERT_STRING_EQUAL(r.pair[0].action, "exempted");
	rg_report_free(&r);
}

static void test_dry_run_fix(void)
{
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	CU_ASSERT_EQUAL(feed_ev(&r, "flow", "12:00:00.000000", "10.0.30.2:27901",
				"64.100.0.10:4401", true, "would-exempt", ""), 0);
	s = html(&r, &sb);
	CU_ASSERT_TRUE(well_formed(s));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<tr class=\"broken\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<td>would-exempt</td><td>no</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ">not fixed: dry run</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "0 now see C's real address"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<h2>Recommended fix</h2>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }\n"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_same_segment_refused(void)
{
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	feed_refused(&r, "10.0.10.3:40001", "10.0.10.1:40001", "refused",
		     "same-segment");
	s = html(&r, &sb);
	CU_ASSERT_TRUE(well_formed(s));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>1</b><span>refused</span>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<td>refused (same-segment)</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ">not fixed: refused</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, ">no clean flow seen</text>"));
	CU_ASSERT_PTR_NULL(strstr(s, "Recommended fix"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

/* Long IPv6 endpoints are squeezed into their column, not spilled over. */
static void test_ipv6(void)
{
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	feed_refused(&r, "[fd00:30::2]:27901", "[2001:db8:64:ffff:ffff:ffff:ffff:10]:4401",
		     "refused", "route-unknown");
	s = html(&r, &sb);
	CU_ASSERT_TRUE(well_formed(s));
	CU_ASSERT_PTR_NOT_NULL(strstr(s,
		"lengthAdjust=\"spacingAndGlyphs\">[2001:db8:64:ffff:ffff:ffff:ffff:10]:4401</text>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<td class=\"ep\">fd00:30::2</td>"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_diagrams_capped(void)
{
	struct rg_report r;
	struct rg_strbuf sb;
	char c[32];
	const char *s;
	int i;

	rg_report_init(&r);
	for (i = 0; i < RG_REPORT_HTML_MAX_DIAGRAMS + 2; i++) {
		snprintf(c, sizeof(c), "10.0.30.%d:27901", i + 2);
		feed_refused(&r, c, "64.100.0.10:4401", "refused", "limit");
	}
	s = html(&r, &sb);
	CU_ASSERT_TRUE(well_formed(s));
	CU_ASSERT_EQUAL(count(s, "<svg"), RG_REPORT_HTML_MAX_DIAGRAMS);
	CU_ASSERT_EQUAL(count(s, "<tr class=\"broken\">"), RG_REPORT_HTML_MAX_DIAGRAMS + 2);
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "2 more translated pairs: see the table."));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

static void test_empty(void)
{
	struct rg_report r;
	struct rg_strbuf sb;
	const char *s;

	rg_report_init(&r);
	rg_report_feed(&r, "junk\n", 5);
	s = html(&r, &sb);
	CU_ASSERT_TRUE(well_formed(s));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "Period covered: no events"));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "No flows in the events file."));
	CU_ASSERT_PTR_NOT_NULL(strstr(s, "<b>1</b><span>errors (unreadable lines)</span>"));
	CU_ASSERT_PTR_NULL(strstr(s, "<svg"));
	CU_ASSERT_PTR_NULL(strstr(s, "<table"));
	rg_strbuf_free(&sb);
	rg_report_free(&r);
}

/* The checker itself must catch what it is there for. */
static void test_checker(void)
{
	CU_ASSERT_TRUE(well_formed("<!DOCTYPE html>\n<html><p a=\"1\">x &amp; y<br></p></html>"));
	CU_ASSERT_FALSE(well_formed("<!DOCTYPE html>\n<html><p>x</html>"));
	CU_ASSERT_FALSE(well_formed("<!DOCTYPE html>\n<html><p>a > b</p></html>"));
	CU_ASSERT_FALSE(well_formed("<!DOCTYPE html>\n<html><p>a & b</p></html>"));
	CU_ASSERT_FALSE(well_formed("<!DOCTYPE html>\n<html><p a=\"<\">x</p></html>"));
	CU_ASSERT_FALSE(well_formed("<!DOCTYPE html>\n<html></html><p></p>"));
}

static const struct unit_test tests[] = {
	{ "escape: & < > \" ' and control characters", test_escape },
	{ "event strings and the file name are escaped", test_event_strings_escaped },
	{ "remedied pair: summary, table row, diagram", test_remedied_findings },
	{ "self-contained: nothing to fetch", test_self_contained },
	{ "flows counted apart from remediation events", test_counts },
	{ "after: verified, or a clean flow newer than the fault", test_after_needs_later_clean_flow },
	{ "dry run: not fixed, the nft statements", test_dry_run_fix },
	{ "same-segment refused: not fixed, why", test_same_segment_refused },
	{ "IPv6 endpoints fit the diagram", test_ipv6 },
	{ "diagrams capped, every pair in the table", test_diagrams_capped },
	{ "no events: well-formed, nothing drawn", test_empty },
	{ "the well-formedness checker", test_checker },
	{ NULL, NULL }
};

int register_report_html_tests(void)
{
	return unit_add_suite("report --html", tests);
}
