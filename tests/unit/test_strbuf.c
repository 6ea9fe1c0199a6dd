// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "strbuf.h"
#include "unit.h"

static void test_empty_reads_as_empty_string(void)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "");
	CU_ASSERT_FALSE(rg_strbuf_failed(&sb));
	rg_strbuf_free(&sb);
}

static void test_appends_and_formats(void)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_strbuf_add(&sb, "10.0.30.2");
	rg_strbuf_addf(&sb, ":%d", 27901);
	rg_strbuf_addn(&sb, " -> 64.100.0.10:7003xyz", 20);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "10.0.30.2:27901 -> 64.100.0.10:7003");
	CU_ASSERT_EQUAL(sb.len, strlen(rg_strbuf_str(&sb)));
	rg_strbuf_free(&sb);
}

static void test_grows_past_first_allocation(void)
{
	struct rg_strbuf sb;
	int i;

	rg_strbuf_init(&sb);
	for (i = 0; i < 1000; i++)
		rg_strbuf_add(&sb, "0123456789");
	CU_ASSERT_EQUAL(sb.len, 10000);
	CU_ASSERT_EQUAL(rg_strbuf_str(&sb)[9999], '9');
	rg_strbuf_free(&sb);
}

static void test_reset_keeps_buffer_usable(void)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_strbuf_add(&sb, "first");
	rg_strbuf_reset(&sb);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "");
	rg_strbuf_add(&sb, "second");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "second");
	rg_strbuf_free(&sb);
}

static void test_failure_is_sticky(void)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_strbuf_add(&sb, "x");
	/* An impossible size must fail cleanly rather than wrap around. */
	rg_strbuf_addn(&sb, "y", (size_t)-1);
	CU_ASSERT_TRUE(rg_strbuf_failed(&sb));
	rg_strbuf_add(&sb, "z");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "");
	rg_strbuf_free(&sb);
}

/* A format that fits the room left, one that crosses it, one far past it:
 * the same text as snprintf gives, the length right, NUL-terminated. */
static void test_formats_across_the_room(void)
{
	static char want[64000], part[6000];
	struct rg_strbuf sb;
	size_t at = 0;
	int i, w;

	rg_strbuf_init(&sb);
	for (i = 0; i < 200; i++) {
		w = (i * 37) % 300;
		if (i == 150)
			w = 5000;
		snprintf(part, sizeof(part), "[%*d]", w, i);
		rg_strbuf_addf(&sb, "[%*d]", w, i);
		memcpy(want + at, part, strlen(part) + 1);
		at += strlen(part);
	}
	CU_ASSERT_EQUAL(sb.len, at);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), want);
	rg_strbuf_free(&sb);
}

static const struct unit_test tests[] = {
	{ "empty buffer reads as empty string", test_empty_reads_as_empty_string },
	{ "appends and formats", test_appends_and_formats },
	{ "grows past the first allocation", test_grows_past_first_allocation },
	{ "formats across the room left", test_formats_across_the_room },
	{ "reset keeps the buffer usable", test_reset_keeps_buffer_usable },
	{ "allocation failure is sticky", test_failure_is_sticky },
	{ NULL, NULL }
};

int register_strbuf_tests(void)
{
	return unit_add_suite("strbuf", tests);
}
