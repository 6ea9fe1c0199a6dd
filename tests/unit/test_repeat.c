// SPDX-License-Identifier: GPL-2.0-or-later
#include <netinet/in.h>
#include <string.h>

#include "repeat.h"
#include "unit.h"

static struct rg_repeat r;

/* A translated flow from C 10.0.30.X:port to E 10.0.10.2:7003. */
static struct rg_event flow(const char *c, uint16_t port, long sec)
{
	struct rg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = "flow";
	ev.ts.tv_sec = sec;
	ev.proto = IPPROTO_TCP;
	rg_addr_parse(c, &ev.c);
	ev.c_port = port;
	rg_addr_parse("10.0.10.2", &ev.e_internal);
	ev.e_internal_port = 7003;
	rg_addr_parse("64.100.0.10", &ev.e_sees);
	ev.e_sees_port = (uint16_t)(port + 1000);
	ev.translated = true;
	ev.action = "would-exempt";
	return ev;
}

/* First at once, the repeats held, one summary when the interval ends. */
static void test_first_then_summary(void)
{
	struct rg_event ev = flow("10.0.30.2", 1000, 100), out;
	int i;

	rg_repeat_init(&r, 60);
	CU_ASSERT(rg_repeat_pass(&r, &ev, 0));
	CU_ASSERT_EQUAL(rg_repeat_wait_ms(&r, 0), -1);	/* nothing held yet */
	for (i = 1; i <= 5; i++) {
		ev = flow("10.0.30.2", (uint16_t)(1000 + i), 100 + i);
		CU_ASSERT_FALSE(rg_repeat_pass(&r, &ev, i * 1000));
	}
	CU_ASSERT_EQUAL(rg_repeat_wait_ms(&r, 10000), 50000);
	CU_ASSERT_FALSE(rg_repeat_due(&r, 59999, &out));
	CU_ASSERT(rg_repeat_due(&r, 60000, &out));
	CU_ASSERT_EQUAL(out.repeats, 5);
	CU_ASSERT_EQUAL(out.since.tv_sec, 101);		/* the first repeat */
	CU_ASSERT_EQUAL(out.ts.tv_sec, 105);		/* itself the newest */
	CU_ASSERT_EQUAL(out.c_port, 1005);
	CU_ASSERT_FALSE(rg_repeat_due(&r, 60000, &out));
	/* A new interval: the next one is written at once again. */
	ev = flow("10.0.30.2", 2000, 200);
	CU_ASSERT(rg_repeat_pass(&r, &ev, 61000));
}

/* A pair is C, E's service, the finding: another of any is another pair. */
static void test_pairs(void)
{
	struct rg_event a = flow("10.0.30.2", 1000, 1), b;

	rg_repeat_init(&r, 60);
	CU_ASSERT(rg_repeat_pass(&r, &a, 0));
	b = flow("10.0.31.3", 1000, 1);
	CU_ASSERT(rg_repeat_pass(&r, &b, 0));
	b = flow("10.0.30.2", 1000, 1);
	b.e_internal_port = 7004;
	CU_ASSERT(rg_repeat_pass(&r, &b, 0));
	b = flow("10.0.30.2", 1000, 1);
	b.type = "refused";
	b.action = "refused";
	b.reason = "same-segment";
	CU_ASSERT(rg_repeat_pass(&r, &b, 0));
	b = flow("10.0.30.2", 1000, 1);
	b.translated = false;
	b.action = "none";
	CU_ASSERT(rg_repeat_pass(&r, &b, 0));
	/* C's port and what E saw are not the pair. */
	b = flow("10.0.30.2", 4444, 1);
	b.e_sees_port = 9;
	CU_ASSERT_FALSE(rg_repeat_pass(&r, &b, 0));
}

/* What reports a change is never held back; nor anything with 0. */
static void test_not_held(void)
{
	struct rg_event ev = flow("10.0.30.2", 1000, 1);
	int i;

	rg_repeat_init(&r, 60);
	ev.type = "exempted";
	for (i = 0; i < 3; i++)
		CU_ASSERT(rg_repeat_pass(&r, &ev, i));
	ev.type = "verified";
	CU_ASSERT(rg_repeat_pass(&r, &ev, 0));
	CU_ASSERT(rg_repeat_pass(&r, &ev, 0));
	ev.type = "reset";
	CU_ASSERT(rg_repeat_pass(&r, &ev, 0));
	CU_ASSERT(rg_repeat_pass(&r, &ev, 0));
	rg_repeat_init(&r, 0);
	ev = flow("10.0.30.2", 1000, 1);
	for (i = 0; i < 3; i++)
		CU_ASSERT(rg_repeat_pass(&r, &ev, i));
}

/* A repeat after the interval, before its summary was taken, joins it. */
static void test_late_repeat_joins(void)
{
	struct rg_event ev = flow("10.0.30.2", 1000, 1), out;

	rg_repeat_init(&r, 10);
	CU_ASSERT(rg_repeat_pass(&r, &ev, 0));
	CU_ASSERT_FALSE(rg_repeat_pass(&r, &ev, 5000));
	CU_ASSERT_FALSE(rg_repeat_pass(&r, &ev, 12000));
	CU_ASSERT(rg_repeat_due(&r, 12000, &out));
	CU_ASSERT_EQUAL(out.repeats, 2);
	/* An interval without repeats lets the pair go: no summary. */
	CU_ASSERT(rg_repeat_pass(&r, &ev, 13000));
	CU_ASSERT_FALSE(rg_repeat_due(&r, 30000, &out));
	CU_ASSERT(rg_repeat_pass(&r, &ev, 30001));
}

/* More pairs than slots: the extra ones are written, not lost. */
static void test_full(void)
{
	struct rg_event ev, out;
	char c[32];
	int i, held = 0;

	rg_repeat_init(&r, 60);
	for (i = 0; i < RG_REPEAT_PAIRS + 10; i++) {
		snprintf(c, sizeof(c), "10.1.%d.%d", i / 200, i % 200 + 1);
		ev = flow(c, 1, 1);
		CU_ASSERT(rg_repeat_pass(&r, &ev, 0));
		held += !rg_repeat_pass(&r, &ev, 0);
	}
	CU_ASSERT_EQUAL(held, RG_REPEAT_PAIRS);
	/* At stop every summary is taken. */
	for (i = 0; rg_repeat_due(&r, INT64_MAX, &out); i++)
		CU_ASSERT_EQUAL(out.repeats, 1);
	CU_ASSERT_EQUAL(i, RG_REPEAT_PAIRS);
}

/* The summary's JSON and human line. */
static void test_summary_text(void)
{
	struct rg_event ev = flow("10.0.30.2", 1005, 1764100000);
	struct rg_strbuf sb;

	ev.repeats = 57;
	ev.since.tv_sec = 1764099990;
	rg_strbuf_init(&sb);
	rg_event_json(&ev, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"\"repeats\":57,\"since\":\"2025-11-25T19:46:30.000000Z\"}\n"));
	rg_strbuf_reset(&sb);
	rg_event_human(&ev, &sb);
	CU_ASSERT_PTR_NOT_NULL(strstr(rg_strbuf_str(&sb),
		"57 more since 2025-11-25T19:46:30.000000Z, the last: translated hairpin: Expressway-C 10.0.30.2:1005"));
	rg_strbuf_free(&sb);
}

int register_repeat_tests(void)
{
	static const struct unit_test tests[] = {
		{ "first at once, then one summary", test_first_then_summary },
		{ "what a pair is", test_pairs },
		{ "changes are never held", test_not_held },
		{ "a late repeat joins the summary", test_late_repeat_joins },
		{ "more pairs than slots", test_full },
		{ "the summary's text", test_summary_text },
		{ NULL, NULL },
	};

	return unit_add_suite("repeat", tests);
}
