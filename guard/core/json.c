// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"

#include <inttypes.h>
#include <string.h>

void rg_json_init(struct rg_json *j, struct rg_strbuf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

/* What JSON needs escaped: the quote, the backslash, controls and DEL. */
static bool must_escape(unsigned char c)
{
	return c == '"' || c == '\\' || c < 0x20 || c == 0x7f;
}

static void escape(struct rg_strbuf *out, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf] };

	switch (c) {
	case '"':  rg_strbuf_addn(out, "\\\"", 2); break;
	case '\\': rg_strbuf_addn(out, "\\\\", 2); break;
	case '\n': rg_strbuf_addn(out, "\\n", 2); break;
	case '\r': rg_strbuf_addn(out, "\\r", 2); break;
	case '\t': rg_strbuf_addn(out, "\\t", 2); break;
	default:    rg_strbuf_addn(out, u, sizeof(u)); break;
	}
}

/*
 * One pass: a run of bytes that need nothing is appended at once (an
 * event is mostly such runs). Bytes from 0x80 pass through as they are.
 */
void rg_json_quote(struct rg_strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run;

	rg_strbuf_addn(out, "\"", 1);
	while (*p) {
		for (run = p; *p && !must_escape(*p); p++)
			;
		if (p > run)
			rg_strbuf_addn(out, (const char *)run, (size_t)(p - run));
		if (*p)
			escape(out, *p++);
	}
	rg_strbuf_addn(out, "\"", 1);
}

/* Writes the separator and the key that come before any value. */
static void prefix(struct rg_json *j, const char *key)
{
	if (j->need_comma[j->depth])
		rg_strbuf_add(j->out, ",");
	j->need_comma[j->depth] = true;
	if (key) {
		rg_json_quote(j->out, key);
		rg_strbuf_add(j->out, ":");
	}
}

static void open_level(struct rg_json *j, const char *key, const char *bracket)
{
	prefix(j, key);
	rg_strbuf_add(j->out, bracket);
	if (j->depth + 1 >= RG_JSON_MAX_DEPTH) {
		j->out->failed = true;
		return;
	}
	j->depth++;
	j->need_comma[j->depth] = false;
}

static void close_level(struct rg_json *j, const char *bracket)
{
	rg_strbuf_add(j->out, bracket);
	if (j->depth > 0)
		j->depth--;
}

void rg_json_obj_begin(struct rg_json *j, const char *key)
{
	open_level(j, key, "{");
}

void rg_json_obj_end(struct rg_json *j)
{
	close_level(j, "}");
}

void rg_json_arr_begin(struct rg_json *j, const char *key)
{
	open_level(j, key, "[");
}

void rg_json_arr_end(struct rg_json *j)
{
	close_level(j, "]");
}

void rg_json_str(struct rg_json *j, const char *key, const char *val)
{
	prefix(j, key);
	rg_json_quote(j->out, val);
}

void rg_json_bool(struct rg_json *j, const char *key, bool val)
{
	prefix(j, key);
	rg_strbuf_add(j->out, val ? "true" : "false");
}

void rg_json_int(struct rg_json *j, const char *key, int64_t val)
{
	prefix(j, key);
	rg_strbuf_addf(j->out, "%" PRId64, val);
}

void rg_json_null(struct rg_json *j, const char *key)
{
	prefix(j, key);
	rg_strbuf_add(j->out, "null");
}

void rg_json_raw(struct rg_json *j, const char *key, const char *json)
{
	prefix(j, key);
	rg_strbuf_add(j->out, json);
}
