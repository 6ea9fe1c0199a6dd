// SPDX-License-Identifier: GPL-2.0-or-later
#include "json_read.h"

#include <stdint.h>
#include <string.h>

/* Every read goes through these: p never passes end. */
struct cursor {
	const unsigned char *p, *end;
};

static bool at_end(const struct cursor *c)
{
	return c->p >= c->end;
}

static int peek(const struct cursor *c)
{
	return at_end(c) ? -1 : *c->p;
}

static bool eat(struct cursor *c, int ch)
{
	if (peek(c) != ch)
		return false;
	c->p++;
	return true;
}

static void skip_ws(struct cursor *c)
{
	while (!at_end(c) && (*c->p == ' ' || *c->p == '\t' ||
			      *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static int put(struct rg_jdoc *d, const void *s, size_t n)
{
	if (n >= sizeof(d->text) - d->used)
		return -1;
	memcpy(d->text + d->used, s, n);
	d->used += n;
	return 0;
}

static int hex4(struct cursor *c, uint32_t *out)
{
	uint32_t v = 0;
	int i, ch;

	for (i = 0; i < 4; i++) {
		ch = peek(c);
		if (ch >= '0' && ch <= '9')
			v = v * 16 + (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v * 16 + (uint32_t)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v = v * 16 + (uint32_t)(ch - 'A' + 10);
		else
			return -1;
		c->p++;
	}
	*out = v;
	return 0;
}

static int put_utf8(struct rg_jdoc *d, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return put(d, b, n);
}

/* \uXXXX, with a surrogate pair as one code point; U+0000 would cut the C string. */
static int unicode_escape(struct cursor *c, struct rg_jdoc *d)
{
	uint32_t hi, lo;

	if (hex4(c, &hi) || hi == 0 || (hi >= 0xdc00 && hi <= 0xdfff))
		return -1;
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (!eat(c, '\\') || !eat(c, 'u') || hex4(c, &lo) ||
		    lo < 0xdc00 || lo > 0xdfff)
			return -1;
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	return put_utf8(d, hi);
}

static int escape(struct cursor *c, struct rg_jdoc *d)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;
	int ch = peek(c);

	if (ch == 'u') {
		c->p++;
		return unicode_escape(c, d);
	}
	hit = ch > 0 ? strchr(from, ch) : NULL;
	if (!hit)
		return -1;
	c->p++;
	return put(d, &to[hit - from], 1);
}

size_t rg_json_read_utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* No overlong forms, no surrogates, nothing past U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static size_t utf8_seq(const struct cursor *c)
{
	return rg_json_read_utf8_seq(c->p, (size_t)(c->end - c->p));
}

/* Plain printable ASCII from c->p up to a quote, backslash or other byte. */
static size_t ascii_run(const struct cursor *c)
{
	const unsigned char *q = c->p;

	while (q < c->end && *q >= 0x20 && *q < 0x80 && *q != '"' && *q != '\\')
		q++;
	return (size_t)(q - c->p);
}

/*
 * A quoted string into d->text, NUL-terminated; *out points at it. A run
 * of plain ASCII goes in with one copy: byte by byte, the events lines'
 * long strings cost a copy call per byte.
 */
static int string(struct cursor *c, struct rg_jdoc *d, const char **out)
{
	size_t start = d->used, n;

	if (!eat(c, '"'))
		return -1;
	while (!at_end(c) && *c->p != '"') {
		if (*c->p == '\\') {
			c->p++;
			if (escape(c, d))
				return -1;
			continue;
		}
		if (*c->p < 0x20)
			return -1;
		n = ascii_run(c);
		if (!n)
			n = utf8_seq(c);
		if (!n || put(d, c->p, n))
			return -1;
		c->p += n;
	}
	if (!eat(c, '"') || put(d, "", 1))
		return -1;
	*out = d->text + start;
	return 0;
}

static size_t digits(struct cursor *c)
{
	size_t n = 0;

	while (peek(c) >= '0' && peek(c) <= '9') {
		c->p++;
		n++;
	}
	return n;
}

/* RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int number(struct cursor *c, struct rg_jdoc *d, const char **out)
{
	const unsigned char *start = c->p;
	size_t at = d->used;

	eat(c, '-');
	if (eat(c, '0')) {
		if (peek(c) >= '0' && peek(c) <= '9')
			return -1;
	} else if (!digits(c)) {
		return -1;
	}
	if (eat(c, '.') && !digits(c))
		return -1;
	if (eat(c, 'e') || eat(c, 'E')) {
		if (!eat(c, '+'))
			eat(c, '-');
		if (!digits(c))
			return -1;
	}
	if (put(d, start, (size_t)(c->p - start)) || put(d, "", 1))
		return -1;
	*out = d->text + at;
	return 0;
}

static int literal(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n))
		return -1;
	c->p += n;
	return 0;
}

/* Arrays of strings only; the strings are checked, then dropped. */
static int array(struct cursor *c, struct rg_jdoc *d, size_t *count)
{
	size_t mark = d->used;
	const char *s;

	*count = 0;
	if (!eat(c, '['))
		return -1;
	skip_ws(c);
	if (eat(c, ']'))
		return 0;
	do {
		skip_ws(c);
		if (string(c, d, &s))
			return -1;
		d->used = mark;
		(*count)++;
		skip_ws(c);
	} while (eat(c, ','));
	return eat(c, ']') ? 0 : -1;
}

static int value(struct cursor *c, struct rg_jdoc *d, struct rg_jdoc_field *f)
{
	int ch = peek(c);

	switch (ch) {
	case '"':
		f->type = RG_JDOC_STRING;
		return string(c, d, &f->str);
	case '[':
		f->type = RG_JDOC_ARRAY;
		return array(c, d, &f->n);
	case 't':
	case 'f':
		f->type = RG_JDOC_BOOL;
		f->b = ch == 't';
		return literal(c, f->b ? "true" : "false");
	case 'n':
		f->type = RG_JDOC_NULL;
		return literal(c, "null");
	}
	f->type = RG_JDOC_NUMBER;
	return number(c, d, &f->str);
}

static int member(struct cursor *c, struct rg_jdoc *d)
{
	struct rg_jdoc_field *f;
	const char *key;

	if (d->n >= RG_JDOC_MAX_KEYS)
		return -1;
	f = &d->f[d->n];
	memset(f, 0, sizeof(*f));
	skip_ws(c);
	if (string(c, d, &key) || rg_json_read_get(d, key))
		return -1;
	skip_ws(c);
	if (!eat(c, ':'))
		return -1;
	skip_ws(c);
	if (value(c, d, f))
		return -1;
	f->key = key;
	d->n++;
	skip_ws(c);
	return 0;
}

int rg_json_read_parse(struct rg_jdoc *d, const char *line, size_t len)
{
	struct cursor c = { (const unsigned char *)line,
			    (const unsigned char *)line + len };

	d->n = 0;
	d->used = 0;
	skip_ws(&c);
	if (!eat(&c, '{'))
		return -1;
	skip_ws(&c);
	if (!eat(&c, '}')) {
		do {
			if (member(&c, d))
				return -1;
		} while (eat(&c, ','));
		if (!eat(&c, '}'))
			return -1;
	}
	skip_ws(&c);
	return at_end(&c) ? 0 : -1;
}

const struct rg_jdoc_field *rg_json_read_get(const struct rg_jdoc *d,
					     const char *key)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->f[i].key, key))
			return &d->f[i];
	return NULL;
}

const char *rg_json_read_str(const struct rg_jdoc *d, const char *key)
{
	const struct rg_jdoc_field *f = rg_json_read_get(d, key);

	return f && f->type == RG_JDOC_STRING ? f->str : NULL;
}

int rg_json_read_bool(const struct rg_jdoc *d, const char *key, bool *out)
{
	const struct rg_jdoc_field *f = rg_json_read_get(d, key);

	if (!f || f->type != RG_JDOC_BOOL)
		return -1;
	*out = f->b;
	return 0;
}
