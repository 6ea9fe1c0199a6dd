// SPDX-License-Identifier: GPL-2.0-or-later
#include "json.h"

#include <inttypes.h>
#include <string.h>

void rg_json_init(struct rg_json *j, struct rg_strbuf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

void rg_json_quote(struct rg_strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

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
