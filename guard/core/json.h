/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_JSON_H
#define RG_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

/*
 * A minimal JSON writer for flat and shallow documents (events, doctor,
 * status). It tracks only whether a comma is due, per nesting level, so
 * callers cannot produce "{,}" or a missing separator.
 */
#define RG_JSON_MAX_DEPTH 8

struct rg_json {
	struct rg_strbuf *out;
	int depth;
	bool need_comma[RG_JSON_MAX_DEPTH];
};

void rg_json_init(struct rg_json *j, struct rg_strbuf *out);
void rg_json_obj_begin(struct rg_json *j, const char *key);
void rg_json_obj_end(struct rg_json *j);
void rg_json_arr_begin(struct rg_json *j, const char *key);
void rg_json_arr_end(struct rg_json *j);
/* key is NULL inside arrays and at the top level. */
void rg_json_str(struct rg_json *j, const char *key, const char *val);
void rg_json_bool(struct rg_json *j, const char *key, bool val);
void rg_json_int(struct rg_json *j, const char *key, int64_t val);
void rg_json_null(struct rg_json *j, const char *key);
/* Inserts an already-encoded JSON value as is. */
void rg_json_raw(struct rg_json *j, const char *key, const char *json);
/* Appends s as a quoted JSON string with every needed escape. */
void rg_json_quote(struct rg_strbuf *out, const char *s);

#endif
