// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "remedy.h"
#include "unit.h"

static struct rg_flow note_flow(void)
{
	struct rg_flow f;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = IPPROTO_TCP;
	rg_addr_parse("10.0.30.2", &f.orig.src);
	rg_addr_parse("64.100.0.10", &f.orig.dst);
	f.orig.sport = 27901;
	f.orig.dport = 7003;
	rg_addr_parse("10.0.10.2", &f.reply.src);
	rg_addr_parse("64.100.0.10", &f.reply.dst);
	f.reply.sport = 7003;
	f.reply.dport = 4401;
	return f;
}

static void test_exemption_from_flow(void)
{
	struct rg_flow f = note_flow();
	struct rg_exemption x;
	char el[RG_EXEMPT_ELEMENT_LEN];

	/* E's internal port, not the public one, if the firewall remaps. */
	f.reply.sport = 7103;
	rg_remedy_exemption(&f, &x);
	rg_exemption_element(&x, el, sizeof(el));
	CU_ASSERT_STRING_EQUAL(el, "10.0.30.2 . 10.0.10.2 . tcp . 7103");
}

static struct rg_class cls(bool translated, enum rg_action a)
{
	struct rg_class c;

	memset(&c, 0, sizeof(c));
	c.hairpinned = true;
	c.translated = translated;
	c.action = a;
	return c;
}

/* A decision's inputs: no exemption yet, none installed, none pending. */
struct facts {
	struct rg_exemption x;
	struct rg_state_entry e;
	struct rg_remedy_memory mem;
	struct timespec now;
	struct rg_remedy_facts in;
};

static void facts(struct facts *t)
{
	struct rg_flow f = note_flow();

	memset(t, 0, sizeof(*t));
	rg_remedy_exemption(&f, &t->x);
	t->e.x = t->x;
	t->now.tv_sec = 1000;
	t->in.x = &t->x;
	t->in.max = 64;
	t->in.from_queue = true;
	t->in.mem = &t->mem;
	t->in.now = &t->now;
}

/* The flow's pair exempted, its exemption's SYN ms_ago before now. */
static void exempted(struct facts *t, long long ms_ago)
{
	struct timespec since = t->now;

	since.tv_sec -= ms_ago / 1000;
	since.tv_nsec += 1000000000L - (ms_ago % 1000) * 1000000L;
	since.tv_sec--;
	if (since.tv_nsec >= 1000000000L) {
		since.tv_nsec -= 1000000000L;
		since.tv_sec++;
	}
	t->in.existing = &t->e;
	t->in.active = 1;
	rg_remedy_memory_pending_add(&t->mem, &t->x, &since);
}

static enum rg_remedy decide(const struct facts *t, bool translated,
			     enum rg_action a)
{
	struct rg_class c = cls(translated, a);

	return rg_remedy_decide(&c, &t->in);
}

/* One test a row of docs/design.md's decision table, in its order. */

static void test_row_exempt(void)
{
	struct facts t;

	facts(&t);
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_EXEMPT);
	t.in.active = 63;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_EXEMPT);
	/* From the scan too: its connection is reset rather than dropped. */
	t.in.from_queue = false;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_EXEMPT);
}

static void test_row_limit(void)
{
	struct facts t;

	facts(&t);
	t.in.active = 64;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_LIMIT);
	t.in.active = 1;
	t.in.max = 1;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_LIMIT);
	/* The limit is said first, even for a pair known ineffective. */
	rg_remedy_memory_ineffective_add(&t.mem, &t.x);
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_LIMIT);
}

static void test_row_known_ineffective(void)
{
	struct facts t;
	struct rg_exemption other;

	facts(&t);
	rg_remedy_memory_ineffective_add(&t.mem, &t.x);
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT),
			RG_REMEDY_KNOWN_INEFFECTIVE);
	/* Another port of the same pair is another exemption. */
	other = t.x;
	other.port++;
	t.in.x = &other;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_EXEMPT);
	/* Installed by hand since: forgotten. */
	t.in.x = &t.x;
	rg_remedy_memory_ineffective_forget(&t.mem, &t.x);
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_EXEMPT);
}

static void test_row_refused_by_classifier(void)
{
	struct facts t;

	facts(&t);
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_REFUSED), RG_REMEDY_NONE);
	t.in.from_queue = false;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_REFUSED), RG_REMEDY_NONE);
}

static void test_row_clean(void)
{
	struct facts t;

	facts(&t);
	CU_ASSERT_EQUAL(decide(&t, false, RG_ACTION_NONE), RG_REMEDY_NONE);
	rg_remedy_memory_ineffective_add(&t.mem, &t.x);
	CU_ASSERT_EQUAL(decide(&t, false, RG_ACTION_NONE), RG_REMEDY_NONE);
}

static void test_row_verify(void)
{
	struct facts t;

	facts(&t);
	exempted(&t, 5000);
	CU_ASSERT_EQUAL(decide(&t, false, RG_ACTION_NONE), RG_REMEDY_VERIFY);
	/* Verification does not count against the limit. */
	t.in.active = 64;
	CU_ASSERT_EQUAL(decide(&t, false, RG_ACTION_NONE), RG_REMEDY_VERIFY);
	/* Nor waits out the grace: a clean flow is proof enough. */
	exempted(&t, 0);
	CU_ASSERT_EQUAL(decide(&t, false, RG_ACTION_NONE), RG_REMEDY_VERIFY);
	t.e.is_static = true;
	CU_ASSERT_EQUAL(decide(&t, false, RG_ACTION_NONE), RG_REMEDY_VERIFY);
}

static void test_row_verified(void)
{
	struct facts t;

	facts(&t);
	exempted(&t, 5000);
	t.e.verified = true;
	CU_ASSERT_EQUAL(decide(&t, false, RG_ACTION_NONE), RG_REMEDY_NONE);
}

static void test_row_ineffective(void)
{
	struct facts t;

	facts(&t);
	exempted(&t, RG_REMEDY_GRACE_MS);
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_INEFFECTIVE);
	t.e.verified = true;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_INEFFECTIVE);
	/* Not pending (restored from the state): no grace to wait. */
	facts(&t);
	t.in.existing = &t.e;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_REFUSED), RG_REMEDY_INEFFECTIVE);
}

static void test_row_stale(void)
{
	struct facts t;

	facts(&t);
	exempted(&t, RG_REMEDY_GRACE_MS - 1);
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_STALE);
	facts(&t);
	exempted(&t, 0);
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_STALE);
	/* The scan's flows may predate the exemption, however old it is. */
	facts(&t);
	exempted(&t, 5000);
	t.in.from_queue = false;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_STALE);
	t.e.is_static = true;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT), RG_REMEDY_STALE);
}

static void test_row_static_ineffective(void)
{
	struct facts t;

	facts(&t);
	t.e.is_static = true;
	t.in.existing = &t.e;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_WOULD_EXEMPT),
			RG_REMEDY_STATIC_INEFFECTIVE);
	t.in.active = 0;
	CU_ASSERT_EQUAL(decide(&t, true, RG_ACTION_REFUSED),
			RG_REMEDY_STATIC_INEFFECTIVE);
}

static const struct unit_test tests[] = {
	{ "exemption from a flow: C . E internal . proto . internal port", test_exemption_from_flow },
	{ "row 1: a new translated flow is exempted", test_row_exempt },
	{ "row 2: past max-exemptions: limit", test_row_limit },
	{ "row 3: a pair removed as ineffective is refused", test_row_known_ineffective },
	{ "row 4: a flow the classifier refused changes nothing", test_row_refused_by_classifier },
	{ "row 5: a clean flow changes nothing", test_row_clean },
	{ "row 6: first clean flow of an exempted pair verifies it", test_row_verify },
	{ "row 7: later clean flows of a verified pair change nothing", test_row_verified },
	{ "row 8: a translated flow of an exempted pair: ineffective", test_row_ineffective },
	{ "row 9: the same from the scan or within the grace: stale", test_row_stale },
	{ "row 10: the same for an exempt line: kept", test_row_static_ineffective },
	{ NULL, NULL }
};

int register_remedy_tests(void)
{
	return unit_add_suite("remedy", tests);
}
