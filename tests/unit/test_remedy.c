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

static void test_new_translated_flow_is_exempted(void)
{
	struct rg_class c = cls(true, RG_ACTION_WOULD_EXEMPT);

	CU_ASSERT_EQUAL(rg_remedy_decide(&c, NULL, 0, 64), RG_REMEDY_EXEMPT);
	CU_ASSERT_EQUAL(rg_remedy_decide(&c, NULL, 63, 64), RG_REMEDY_EXEMPT);
}

static void test_limit(void)
{
	struct rg_class c = cls(true, RG_ACTION_WOULD_EXEMPT);

	CU_ASSERT_EQUAL(rg_remedy_decide(&c, NULL, 64, 64), RG_REMEDY_LIMIT);
	CU_ASSERT_EQUAL(rg_remedy_decide(&c, NULL, 1, 1), RG_REMEDY_LIMIT);
}

static void test_refused_and_clean_flows_change_nothing(void)
{
	struct rg_class refused = cls(true, RG_ACTION_REFUSED);
	struct rg_class clean = cls(false, RG_ACTION_NONE);

	CU_ASSERT_EQUAL(rg_remedy_decide(&refused, NULL, 0, 64), RG_REMEDY_NONE);
	CU_ASSERT_EQUAL(rg_remedy_decide(&clean, NULL, 0, 64), RG_REMEDY_NONE);
}

static void test_verification(void)
{
	struct rg_class clean = cls(false, RG_ACTION_NONE);
	struct rg_state_entry e;

	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(rg_remedy_decide(&clean, &e, 1, 64), RG_REMEDY_VERIFY);
	e.verified = true;
	CU_ASSERT_EQUAL(rg_remedy_decide(&clean, &e, 1, 64), RG_REMEDY_NONE);
	/* Verification does not count against the limit. */
	e.verified = false;
	CU_ASSERT_EQUAL(rg_remedy_decide(&clean, &e, 64, 64), RG_REMEDY_VERIFY);
}

static void test_still_translated_is_ineffective(void)
{
	struct rg_class c = cls(true, RG_ACTION_WOULD_EXEMPT);
	struct rg_state_entry e;

	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(rg_remedy_decide(&c, &e, 1, 64), RG_REMEDY_INEFFECTIVE);
	e.verified = true;
	CU_ASSERT_EQUAL(rg_remedy_decide(&c, &e, 1, 64), RG_REMEDY_INEFFECTIVE);
}

static const struct unit_test tests[] = {
	{ "exemption from a flow: C . E internal . proto . internal port", test_exemption_from_flow },
	{ "a new translated flow is exempted", test_new_translated_flow_is_exempted },
	{ "past max-exemptions: limit", test_limit },
	{ "refused and clean flows change nothing", test_refused_and_clean_flows_change_nothing },
	{ "first clean flow of an exempted pair verifies it", test_verification },
	{ "a translated flow of an exempted pair: ineffective", test_still_translated_is_ineffective },
	{ NULL, NULL }
};

int register_remedy_tests(void)
{
	return unit_add_suite("remedy", tests);
}
