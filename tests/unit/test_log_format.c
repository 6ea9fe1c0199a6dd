// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>
#include <syslog.h>

#include "event.h"
#include "log_format.h"
#include "unit.h"

static void test_format(void)
{
	char buf[64];

	CU_ASSERT_EQUAL(rg_log_format(buf, sizeof(buf), LOG_WARNING, true, "translated hairpin\n"),
			strlen("<4>translated hairpin\n"));
	CU_ASSERT_STRING_EQUAL(buf, "<4>translated hairpin\n");
	rg_log_format(buf, sizeof(buf), LOG_INFO, true, "started");
	CU_ASSERT_STRING_EQUAL(buf, "<6>started\n");
	rg_log_format(buf, sizeof(buf), LOG_NOTICE, false, "exempted: x\n");
	CU_ASSERT_STRING_EQUAL(buf, "reflguard: exempted: x\n");
	/* A facility in the priority is not the journal's business. */
	rg_log_format(buf, sizeof(buf), LOG_DAEMON | LOG_ERR, true, "e");
	CU_ASSERT_STRING_EQUAL(buf, "<3>e\n");
	rg_log_format(buf, sizeof(buf), LOG_ERR, true, "");
	CU_ASSERT_STRING_EQUAL(buf, "<3>\n");
}

static void test_truncated(void)
{
	char buf[8];

	/* Cut short, the line still ends: the next one starts on its own. */
	CU_ASSERT_EQUAL(rg_log_format(buf, sizeof(buf), LOG_WARNING, true, "a long message"), 7);
	CU_ASSERT_STRING_EQUAL(buf, "<4>a l\n");
	CU_ASSERT_EQUAL(rg_log_format(buf, 0, LOG_WARNING, true, "x"), 0);
}

static void test_journal_match(void)
{
	CU_ASSERT(rg_log_format_journal_match("8:12345", 8, 12345));
	CU_ASSERT_FALSE(rg_log_format_journal_match("8:12345", 8, 12346));
	CU_ASSERT_FALSE(rg_log_format_journal_match("9:12345", 8, 12345));
	CU_ASSERT_FALSE(rg_log_format_journal_match(NULL, 8, 12345));
	CU_ASSERT_FALSE(rg_log_format_journal_match("", 0, 0));
	CU_ASSERT_FALSE(rg_log_format_journal_match("8:", 8, 0));
	CU_ASSERT_FALSE(rg_log_format_journal_match(":5", 0, 5));
	CU_ASSERT_FALSE(rg_log_format_journal_match("8:5x", 8, 5));
	CU_ASSERT_FALSE(rg_log_format_journal_match("-8:5", 8, 5));
	CU_ASSERT_FALSE(rg_log_format_journal_match("8:-5", 8, 5));
	CU_ASSERT_FALSE(rg_log_format_journal_match("8 :5", 8, 5));
}

static void test_event_priority(void)
{
	struct rg_event ev;

	memset(&ev, 0, sizeof(ev));
	CU_ASSERT_EQUAL(rg_event_priority(&ev), LOG_INFO);
	ev.translated = true;
	CU_ASSERT_EQUAL(rg_event_priority(&ev), LOG_WARNING);
	ev.type = "refused";
	CU_ASSERT_EQUAL(rg_event_priority(&ev), LOG_WARNING);
	ev.type = "exempted";
	CU_ASSERT_EQUAL(rg_event_priority(&ev), LOG_NOTICE);
	ev.type = "verified";
	CU_ASSERT_EQUAL(rg_event_priority(&ev), LOG_NOTICE);
	ev.type = "flow";
	ev.translated = false;
	CU_ASSERT_EQUAL(rg_event_priority(&ev), LOG_INFO);
}

static const struct unit_test tests[] = {
	{ "journal prefix <N>, or reflguard: on plain stderr", test_format },
	{ "a truncated line still ends in a newline", test_truncated },
	{ "JOURNAL_STREAM must name stderr exactly", test_journal_match },
	{ "findings warn, fixes notify, clean flows inform", test_event_priority },
	{ NULL, NULL }
};

int register_log_format_tests(void)
{
	return unit_add_suite("log_format", tests);
}
