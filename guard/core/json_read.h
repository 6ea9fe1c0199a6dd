/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_JSON_READ_H
#define RG_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A reader for reflguard's own flat JSON lines (the events file): one
 * object whose values are strings, numbers, true, false, null, or arrays of
 * strings. Anything else (nesting, duplicate keys, bad escapes, invalid
 * UTF-8, trailing garbage) is refused. Pure, allocation-free, and never
 * reads past the length it is given: the input is untrusted.
 */
#define RG_JDOC_MAX_KEYS 32
#define RG_JDOC_TEXT 4096	/* room for the unescaped keys and values */

enum rg_jdoc_type {
	RG_JDOC_STRING,
	RG_JDOC_NUMBER,
	RG_JDOC_BOOL,
	RG_JDOC_NULL,
	RG_JDOC_ARRAY,
};

struct rg_jdoc_field {
	const char *key;
	enum rg_jdoc_type type;
	const char *str;	/* STRING: unescaped UTF-8; NUMBER: its text */
	bool b;			/* BOOL */
	size_t n;		/* ARRAY: how many strings; they are not kept */
};

struct rg_jdoc {
	struct rg_jdoc_field f[RG_JDOC_MAX_KEYS];
	size_t n;
	char text[RG_JDOC_TEXT];
	size_t used;
};

/*
 * Parses line[0..len) (a trailing newline is fine). Returns 0, or -1 when
 * the line is not such an object; d is then left in no useful state.
 */
int rg_json_read_parse(struct rg_jdoc *d, const char *line, size_t len);
const struct rg_jdoc_field *rg_json_read_get(const struct rg_jdoc *d,
					     const char *key);
/* The value of key when it is a string, else NULL. */
const char *rg_json_read_str(const struct rg_jdoc *d, const char *key);
/* 0 and *out when key holds true or false, else -1. */
int rg_json_read_bool(const struct rg_jdoc *d, const char *key, bool *out);

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0. The reader accepts
 * exactly these; writers that must be read back use it too.
 */
size_t rg_json_read_utf8_seq(const unsigned char *p, size_t avail);

#endif
