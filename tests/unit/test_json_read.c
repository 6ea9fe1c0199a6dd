// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>

#include "json_read.h"
#include "unit.h"

static struct rg_jdoc doc;

static int parse(const char *s)
{
	return rg_json_read_parse(&doc, s, strlen(s));
}

/*
 * Parses a heap copy of exactly len bytes, so ASan catches any read past
 * the end, which a string literal's NUL would hide.
 */
static int parse_exact(const char *s, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int ret;

	CU_ASSERT_FATAL(copy != NULL);
	memcpy(copy, s, len);
	ret = rg_json_read_parse(&doc, copy, len);
	free(copy);
	return ret;
}

static void test_event_line(void)
{
	const char *line =
		"{\"event\":\"flow\",\"ts\":\"2026-11-25T12:00:00.123456Z\","
		"\"translated\":true,\"reason\":null,\"n\":-12.5e+3,"
		"\"fix\":[\"add table ip reflguard\",\"x\"],\"ok\":false}\n";
	bool b = false;

	CU_ASSERT_EQUAL_FATAL(parse(line), 0);
	CU_ASSERT_EQUAL(doc.n, 7);
	CU_ASSERT_STRING_EQUAL(rg_json_read_str(&doc, "event"), "flow");
	CU_ASSERT_STRING_EQUAL(rg_json_read_str(&doc, "ts"),
			       "2026-11-25T12:00:00.123456Z");
	CU_ASSERT_EQUAL(rg_json_read_bool(&doc, "translated", &b), 0);
	CU_ASSERT_TRUE(b);
	CU_ASSERT_EQUAL(rg_json_read_bool(&doc, "ok", &b), 0);
	CU_ASSERT_FALSE(b);
	CU_ASSERT_EQUAL(rg_json_read_get(&doc, "reason")->type, RG_JDOC_NULL);
	CU_ASSERT_PTR_NULL(rg_json_read_str(&doc, "reason"));
	CU_ASSERT_EQUAL(rg_json_read_get(&doc, "n")->type, RG_JDOC_NUMBER);
	CU_ASSERT_STRING_EQUAL(rg_json_read_get(&doc, "n")->str, "-12.5e+3");
	CU_ASSERT_EQUAL(rg_json_read_get(&doc, "fix")->type, RG_JDOC_ARRAY);
	CU_ASSERT_EQUAL(rg_json_read_get(&doc, "fix")->n, 2);
	CU_ASSERT_PTR_NULL(rg_json_read_get(&doc, "missing"));
	CU_ASSERT_EQUAL(rg_json_read_bool(&doc, "event", &b), -1);
}

static void test_whitespace_and_empty(void)
{
	CU_ASSERT_EQUAL(parse(" \t{ } \r\n"), 0);
	CU_ASSERT_EQUAL(doc.n, 0);
	CU_ASSERT_EQUAL(parse("{ \"a\" : \"b\" , \"c\" : [ ] }"), 0);
	CU_ASSERT_STRING_EQUAL(rg_json_read_str(&doc, "a"), "b");
	CU_ASSERT_EQUAL(rg_json_read_get(&doc, "c")->n, 0);
	CU_ASSERT_EQUAL(parse("{\"\":\"\"}"), 0);
	CU_ASSERT_STRING_EQUAL(rg_json_read_str(&doc, ""), "");
}

static void test_escapes(void)
{
	CU_ASSERT_EQUAL_FATAL(parse("{\"k\\n\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}"), 0);
	CU_ASSERT_STRING_EQUAL(rg_json_read_str(&doc, "k\n"), "\"\\/\b\f\n\r\t");
	/* é, €, and U+1F600 as a surrogate pair, each to UTF-8 */
	CU_ASSERT_EQUAL_FATAL(parse("{\"u\":\"\\u00e9\\u20AC\\ud83d\\ude00\\u0041\"}"), 0);
	CU_ASSERT_STRING_EQUAL(rg_json_read_str(&doc, "u"),
			       "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80" "A");
	CU_ASSERT_EQUAL_FATAL(parse("{\"raw\":\"pare-feu \xc3\xa9 \xf0\x9f\x98\x80\"}"), 0);
	CU_ASSERT_STRING_EQUAL(rg_json_read_str(&doc, "raw"),
			       "pare-feu \xc3\xa9 \xf0\x9f\x98\x80");
}

static void test_numbers(void)
{
	static const char *const good[] = {
		"{\"n\":0}", "{\"n\":-0}", "{\"n\":7003}", "{\"n\":1.5}",
		"{\"n\":1e9}", "{\"n\":1E-9}", "{\"n\":-0.0e+0}",
	};
	static const char *const bad[] = {
		"{\"n\":01}", "{\"n\":-}", "{\"n\":1.}", "{\"n\":.5}",
		"{\"n\":1e}", "{\"n\":1e+}", "{\"n\":+1}", "{\"n\":0x10}",
		"{\"n\":1 2}", "{\"n\":NaN}", "{\"n\":-Infinity}",
	};
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT_EQUAL(parse(good[i]), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse(bad[i]), -1);
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		"", " ", "\n", "[]", "\"a\"", "null", "{", "}", "{\"a\"}",
		"{\"a\":}", "{\"a\" \"b\"}", "{\"a\":\"b\",}", "{,}",
		"{\"a\":\"b\" \"c\":\"d\"}", "{a:\"b\"}", "{'a':'b'}",
		"{\"a\":\"b\"}x", "{\"a\":\"b\"}{}", "{\"a\":\"b\"},",
		"{\"a\":tru}", "{\"a\":True}", "{\"a\":nul}", "{\"a\":truex}",
		"{\"a\":\"b\",\"a\":\"c\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse(bad[i]), -1);
}

static void test_nesting_refused(void)
{
	static const char *const bad[] = {
		"{\"a\":{}}", "{\"a\":{\"b\":1}}", "{\"a\":[[]]}",
		"{\"a\":[{}]}", "{\"a\":[1]}", "{\"a\":[true]}",
		"{\"a\":[null]}", "{\"a\":[\"x\",]}", "{\"a\":[,\"x\"]}",
		"{\"a\":[\"x\" \"y\"]}", "{\"a\":[\"x\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse(bad[i]), -1);
}

static void test_bad_strings(void)
{
	static const char *const bad[] = {
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12G4\"}",
		"{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud83d\"}",
		"{\"a\":\"\\ud83d\\u0041\"}", "{\"a\":\"\\ude00\"}",
		"{\"a\":\"\\ud83dx\"}", "{\"a\":\"tab\there\"}",
		"{\"a\":\"nl\nhere\"}", "{\"a\":\"\\\"}",
		"{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xc0\xaf\"}",
		"{\"a\":\"\xe0\x80\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
		"{\"a\":\"\xf4\x90\x80\x80\"}", "{\"a\":\"\x80\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse(bad[i]), -1);
}

/* Every prefix of a good line is malformed, and none is read past its end. */
static void test_truncated(void)
{
	const char *line =
		"{\"ev\":\"fl\\u00e9w\",\"t\":true,\"f\":false,\"z\":null,"
		"\"n\":-1.5e3,\"a\":[\"x\",\"\\ud83d\\ude00\"],\"s\":\"\xc3\xa9\"}";
	size_t len = strlen(line), i;

	CU_ASSERT_EQUAL(parse_exact(line, len), 0);
	for (i = 0; i < len; i++)
		CU_ASSERT_EQUAL(parse_exact(line, i), -1);
}

static void test_embedded_nul(void)
{
	static const char line[] = "{\"a\":\"b\0c\"}";
	static const char after[] = "{\"a\":\"b\"}\0";

	CU_ASSERT_EQUAL(rg_json_read_parse(&doc, line, sizeof(line) - 1), -1);
	CU_ASSERT_EQUAL(rg_json_read_parse(&doc, after, sizeof(after) - 1), -1);
}

static void test_limits(void)
{
	char line[RG_JDOC_TEXT * 2];
	size_t i, n = 0;

	n += (size_t)sprintf(line, "{");
	for (i = 0; i < RG_JDOC_MAX_KEYS; i++)
		n += (size_t)sprintf(line + n, "%s\"k%zu\":%zu", i ? "," : "", i, i);
	strcpy(line + n, "}");
	CU_ASSERT_EQUAL(parse(line), 0);
	CU_ASSERT_EQUAL(doc.n, RG_JDOC_MAX_KEYS);
	strcpy(line + n, ",\"one-too-many\":1}");
	CU_ASSERT_EQUAL(parse(line), -1);

	/* A value bigger than the text store is refused, not cut. */
	n = (size_t)sprintf(line, "{\"big\":\"");
	memset(line + n, 'x', RG_JDOC_TEXT);
	strcpy(line + n + RG_JDOC_TEXT, "\"}");
	CU_ASSERT_EQUAL(parse(line), -1);
	/* To the byte: "big", both NULs and the store's unused last byte leave 6. */
	for (i = RG_JDOC_TEXT - 7; i <= RG_JDOC_TEXT - 5; i++) {
		n = (size_t)sprintf(line, "{\"big\":\"");
		memset(line + n, 'x', i);
		strcpy(line + n + i, "\"}");
		CU_ASSERT_EQUAL(parse(line), i <= RG_JDOC_TEXT - 6 ? 0 : -1);
		if (i <= RG_JDOC_TEXT - 6)
			CU_ASSERT_EQUAL(strlen(rg_json_read_str(&doc, "big")), i);
	}
	/* Plain runs, escapes and UTF-8 in one string keep their order. */
	CU_ASSERT_EQUAL(parse("{\"s\":\"ab\\ncd\xc3\xa9" "ef\\u0041gh\"}"), 0);
	CU_ASSERT_STRING_EQUAL(rg_json_read_str(&doc, "s"), "ab\ncd\xc3\xa9" "efAgh");
	/* Arrays are checked but not kept: a long one still fits. */
	n = (size_t)sprintf(line, "{\"a\":[");
	for (i = 0; i < 200; i++)
		n += (size_t)sprintf(line + n, "%s\"0123456789012345678901234\"",
				     i ? "," : "");
	strcpy(line + n, "]}");
	CU_ASSERT_EQUAL(parse(line), 0);
	CU_ASSERT_EQUAL(rg_json_read_get(&doc, "a")->n, 200);
}

static const struct unit_test tests[] = {
	{ "an event line: every kind of value", test_event_line },
	{ "whitespace, empty object, empty key", test_whitespace_and_empty },
	{ "escapes and UTF-8 unescaped", test_escapes },
	{ "numbers: RFC 8259 grammar only", test_numbers },
	{ "malformed objects, duplicate keys, trailing garbage", test_malformed },
	{ "nesting and non-string array items refused", test_nesting_refused },
	{ "bad escapes, control characters, invalid UTF-8", test_bad_strings },
	{ "every truncation refused, never read past the end", test_truncated },
	{ "embedded NUL refused", test_embedded_nul },
	{ "key count and text size limits", test_limits },
	{ NULL, NULL }
};

int register_json_read_tests(void)
{
	return unit_add_suite("json_read", tests);
}
