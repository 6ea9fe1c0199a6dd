// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"
#include "unit.h"

static void test_flat_object(void)
{
	struct rg_strbuf sb;
	struct rg_json j;

	rg_strbuf_init(&sb);
	rg_json_init(&j, &sb);
	rg_json_obj_begin(&j, NULL);
	rg_json_str(&j, "c", "10.0.30.2:27901");
	rg_json_bool(&j, "translated", true);
	rg_json_int(&j, "port", 7003);
	rg_json_null(&j, "reason");
	rg_json_obj_end(&j);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"{\"c\":\"10.0.30.2:27901\",\"translated\":true,\"port\":7003,\"reason\":null}");
	rg_strbuf_free(&sb);
}

static void test_nested_and_arrays(void)
{
	struct rg_strbuf sb;
	struct rg_json j;

	rg_strbuf_init(&sb);
	rg_json_init(&j, &sb);
	rg_json_obj_begin(&j, NULL);
	rg_json_arr_begin(&j, "flows");
	rg_json_obj_begin(&j, NULL);
	rg_json_int(&j, "n", 1);
	rg_json_obj_end(&j);
	rg_json_obj_begin(&j, NULL);
	rg_json_int(&j, "n", -2);
	rg_json_obj_end(&j);
	rg_json_arr_end(&j);
	rg_json_arr_begin(&j, "empty");
	rg_json_arr_end(&j);
	rg_json_obj_end(&j);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"{\"flows\":[{\"n\":1},{\"n\":-2}],\"empty\":[]}");
	rg_strbuf_free(&sb);
}

static void test_escapes(void)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_json_quote(&sb, "a\"b\\c\nd\te\x01\x7f");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb),
		"\"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\"");
	rg_strbuf_free(&sb);
}

static void test_utf8_passes_through(void)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_json_quote(&sb, "pare-feu \xc3\xa9");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "\"pare-feu \xc3\xa9\"");
	rg_strbuf_free(&sb);
}

static void test_empty_and_edges(void)
{
	struct rg_strbuf sb;

	rg_strbuf_init(&sb);
	rg_json_quote(&sb, "");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "\"\"");
	rg_strbuf_reset(&sb);
	rg_json_quote(&sb, "\"");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "\"\\\"\"");
	rg_strbuf_reset(&sb);
	rg_json_quote(&sb, "\x1f run \\");
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&sb), "\"\\u001f run \\\\\"");
	rg_strbuf_free(&sb);
}

/* The byte-at-a-time escaper the one-pass one replaced: the reference. */
static void quote_ref(struct rg_strbuf *out, const unsigned char *p)
{
	rg_strbuf_add(out, "\"");
	for (; *p; p++) {
		switch (*p) {
		case '"':  rg_strbuf_add(out, "\\\""); break;
		case '\\': rg_strbuf_add(out, "\\\\"); break;
		case '\n': rg_strbuf_add(out, "\\n"); break;
		case '\r': rg_strbuf_add(out, "\\r"); break;
		case '\t': rg_strbuf_add(out, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				rg_strbuf_addf(out, "\\u%04x", *p);
			else
				rg_strbuf_addn(out, (const char *)p, 1);
		}
	}
	rg_strbuf_add(out, "\"");
}

/* Every byte, alone and between runs, as the reference writes it. */
static void test_every_byte_as_before(void)
{
	struct rg_strbuf got, want;
	unsigned char s[8];
	unsigned int c;

	rg_strbuf_init(&got);
	rg_strbuf_init(&want);
	for (c = 1; c < 256; c++) {
		memcpy(s, "ab?cd?", 7);
		s[2] = s[5] = (unsigned char)c;
		rg_strbuf_reset(&got);
		rg_strbuf_reset(&want);
		rg_json_quote(&got, (const char *)s);
		quote_ref(&want, s);
		CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&got), rg_strbuf_str(&want));
	}
	rg_strbuf_free(&got);
	rg_strbuf_free(&want);
}

static void test_too_deep_fails(void)
{
	struct rg_strbuf sb;
	struct rg_json j;
	int i;

	rg_strbuf_init(&sb);
	rg_json_init(&j, &sb);
	for (i = 0; i < RG_JSON_MAX_DEPTH + 1; i++)
		rg_json_arr_begin(&j, NULL);
	CU_ASSERT_TRUE(rg_strbuf_failed(&sb));
	rg_strbuf_free(&sb);
}

static const struct unit_test tests[] = {
	{ "flat object", test_flat_object },
	{ "nested objects and arrays", test_nested_and_arrays },
	{ "control characters and quotes are escaped", test_escapes },
	{ "UTF-8 passes through", test_utf8_passes_through },
	{ "empty strings and escapes at the edges", test_empty_and_edges },
	{ "every byte is quoted as byte by byte", test_every_byte_as_before },
	{ "nesting past the limit fails", test_too_deep_fails },
	{ NULL, NULL }
};

int register_json_tests(void)
{
	return unit_add_suite("json", tests);
}
