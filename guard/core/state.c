// SPDX-License-Identifier: GPL-2.0-or-later
#include "state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "errmsg.h"
#include "json.h"
#include "json_read.h"

#define HEADER "{\"version\":1,\"exemptions\":["
#define FOOTER "]}"
#define MSG_LEN 512

void rg_state_init(struct rg_state *s)
{
	memset(s, 0, sizeof(*s));
}

void rg_state_free(struct rg_state *s)
{
	free(s->v);
	free(s->idx);
	rg_state_init(s);
}

void rg_state_clear(struct rg_state *s)
{
	s->n = 0;
	s->n_static = 0;
	if (s->idx)
		memset(s->idx, 0, s->idx_cap * sizeof(*s->idx));
}

/* FNV-1a over the fields rg_exemption_equal compares, no padding. */
static uint32_t hash(const struct rg_exemption *x)
{
	size_t i, n = rg_addr_len(&x->c);
	uint32_t h = 2166136261u ^ (uint32_t)x->c.family;

	for (i = 0; i < n; i++)
		h = (h ^ x->c.u.bytes[i]) * 16777619u;
	for (i = 0; i < n; i++)
		h = (h ^ x->e_internal.u.bytes[i]) * 16777619u;
	h = (h ^ x->proto) * 16777619u;
	h = (h ^ (x->port >> 8)) * 16777619u;
	return (h ^ (x->port & 0xff)) * 16777619u;
}

/* The index slot that holds x, or the empty one where it would go. */
static uint32_t *slot_of(const struct rg_state *s, const struct rg_exemption *x)
{
	size_t mask = s->idx_cap - 1, i = hash(x) & mask;

	while (s->idx[i] && !rg_exemption_equal(&s->v[s->idx[i] - 1].x, x))
		i = (i + 1) & mask;
	return &s->idx[i];
}

static void reindex(struct rg_state *s)
{
	size_t i;

	memset(s->idx, 0, s->idx_cap * sizeof(*s->idx));
	for (i = 0; i < s->n; i++)
		*slot_of(s, &s->v[i].x) = (uint32_t)(i + 1);
}

/* s->n when x is not there. */
static size_t index_of(const struct rg_state *s, const struct rg_exemption *x)
{
	uint32_t pos;

	if (!s->idx)
		return s->n;
	pos = *slot_of(s, x);
	return pos ? pos - 1 : s->n;
}

struct rg_state_entry *rg_state_find(const struct rg_state *s,
				     const struct rg_exemption *x)
{
	size_t i = index_of(s, x);

	return i < s->n ? &s->v[i] : NULL;
}

/* Room for one more entry, in v and in the index. */
static int grow(struct rg_state *s)
{
	size_t cap = s->cap ? s->cap * 2 : 8, icap;
	struct rg_state_entry *v;
	uint32_t *idx;

	if (s->n < s->cap && (s->n + 1) * 2 <= s->idx_cap)
		return 0;
	if (cap > UINT32_MAX - 1 || cap > SIZE_MAX / 2 / sizeof(*v)) {
		errno = ENOMEM;
		return -1;
	}
	if (s->n == s->cap) {
		v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	for (icap = 16; icap < s->cap * 2; icap *= 2)
		;
	if (icap == s->idx_cap)
		return 0;
	idx = malloc(icap * sizeof(*idx));
	if (!idx)
		return -1;
	free(s->idx);
	s->idx = idx;
	s->idx_cap = icap;
	reindex(s);
	return 0;
}

int rg_state_put(struct rg_state *s, const struct rg_state_entry *e)
{
	struct rg_state_entry *slot;

	/* What could not be written back and read again is never kept. */
	if (!rg_exemption_valid(&e->x)) {
		errno = EINVAL;
		return -1;
	}
	slot = rg_state_find(s, &e->x);
	if (!slot) {
		if (grow(s))
			return -1;
		slot = &s->v[s->n++];
		*slot_of(s, &e->x) = (uint32_t)s->n;
	} else {
		s->n_static -= slot->is_static;
	}
	*slot = *e;
	s->n_static += slot->is_static;
	/* The serializer reads these as C strings: never past the struct. */
	slot->added[sizeof(slot->added) - 1] = '\0';
	slot->why[sizeof(slot->why) - 1] = '\0';
	return 0;
}

size_t rg_state_dynamic(const struct rg_state *s)
{
	return s->n - s->n_static;
}

void rg_state_keep(struct rg_state *s,
		   bool (*keep)(const struct rg_state_entry *, const void *),
		   const void *data)
{
	size_t i, k = 0;

	s->n_static = 0;
	for (i = 0; i < s->n; i++)
		if (keep(&s->v[i], data)) {
			s->n_static += s->v[i].is_static;
			s->v[k++] = s->v[i];
		}
	s->n = k;
	if (s->idx)
		reindex(s);
}

static bool is_static(const struct rg_state_entry *e, const void *unused)
{
	(void)unused;
	return e->is_static;
}

void rg_state_clear_dynamic(struct rg_state *s)
{
	rg_state_keep(s, is_static, NULL);
}

int rg_state_del(struct rg_state *s, const struct rg_exemption *x)
{
	size_t i = index_of(s, x);

	if (i == s->n) {
		errno = ENOENT;
		return -1;
	}
	s->n_static -= s->v[i].is_static;
	/* Keeps the order, so the file changes only where an entry went. */
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
	reindex(s);
	return 0;
}

/*
 * Copies src with every byte of invalid UTF-8 turned into '?': a file
 * written with one would be refused at the next start, and its
 * exemptions lost with it.
 */
static void clean_text(const char *src, char out[RG_STATE_WHY_LEN])
{
	const unsigned char *p = (const unsigned char *)src;
	size_t n = strnlen(src, RG_STATE_WHY_LEN - 1), i = 0, k;

	while (i < n) {
		k = rg_json_read_utf8_seq(p + i, n - i);
		if (!k) {
			out[i++] = '?';
			continue;
		}
		memcpy(out + i, p + i, k);
		i += k;
	}
	out[n] = '\0';
}

static void entry_json(const struct rg_state_entry *e, struct rg_strbuf *out)
{
	char c[INET6_ADDRSTRLEN], ei[INET6_ADDRSTRLEN];
	char added[RG_STATE_WHY_LEN], why[RG_STATE_WHY_LEN];
	struct rg_json j;

	rg_addr_format(&e->x.c, c, sizeof(c));
	rg_addr_format(&e->x.e_internal, ei, sizeof(ei));
	clean_text(e->added, added);
	clean_text(e->why, why);
	rg_json_init(&j, out);
	rg_json_obj_begin(&j, NULL);
	rg_json_str(&j, "c", c);
	rg_json_str(&j, "e_internal", ei);
	rg_json_str(&j, "proto", rg_addr_proto_name(e->x.proto));
	rg_json_int(&j, "port", e->x.port);
	rg_json_str(&j, "added", added);
	rg_json_str(&j, "why", why);
	rg_json_bool(&j, "verified", e->verified);
	/* Only when set: a file without static exemptions reads as before. */
	if (e->is_static)
		rg_json_bool(&j, "static", true);
	rg_json_obj_end(&j);
}

void rg_state_serialize(const struct rg_state *s, struct rg_strbuf *out)
{
	size_t i;

	rg_strbuf_add(out, HEADER "\n");
	for (i = 0; i < s->n; i++) {
		entry_json(&s->v[i], out);
		rg_strbuf_add(out, i + 1 < s->n ? ",\n" : "\n");
	}
	rg_strbuf_add(out, FOOTER "\n");
}

/* Parsing: one line at a time, so that every error has a line number. */

enum where { IN_HEADER = 0, IN_BODY, AFTER_FOOTER };

static int fail_at(const struct rg_state_reader *p, unsigned int line,
		   const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail_at(const struct rg_state_reader *p, unsigned int line,
		   const char *fmt, ...)
{
	char msg[MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rg_errmsgf(p->err, p->errlen, "%s:%u: %s", p->file, line, msg);
}

/* How much of a long bad token a message quotes. */
static int shown(size_t n)
{
	return n > 64 ? 64 : (int)n;
}

static int get_str(const struct rg_jdoc *d, const char *key, const char **out,
		   char *msg, size_t len)
{
	const struct rg_jdoc_field *f = rg_json_read_get(d, key);

	if (!f)
		return rg_errmsgf(msg, len, "missing field '%s'", key);
	if (f->type != RG_JDOC_STRING)
		return rg_errmsgf(msg, len, "field '%s' is not a string", key);
	*out = f->str;
	return 0;
}

static int get_addr(const struct rg_jdoc *d, const char *key,
		    struct rg_addr *a, char *msg, size_t len)
{
	const char *v = NULL;

	if (get_str(d, key, &v, msg, len))
		return -1;
	if (rg_addr_parse(v, a))
		return rg_errmsgf(msg, len, "invalid address '%s' for %s", v, key);
	return 0;
}

/* Refused rather than cut: a shortened value would be written back so. */
static int get_text(const struct rg_jdoc *d, const char *key, char *dst,
		    size_t size, char *msg, size_t len)
{
	const char *v = NULL;
	size_t n;

	if (get_str(d, key, &v, msg, len))
		return -1;
	n = strlen(v);
	if (n >= size)
		return rg_errmsgf(msg, len, "field '%s' is too long (at most %zu bytes)",
			    key, size - 1);
	memcpy(dst, v, n + 1);
	return 0;
}

static int get_proto(const struct rg_jdoc *d, uint8_t *proto, char *msg,
		     size_t len)
{
	const char *v = NULL;

	if (get_str(d, "proto", &v, msg, len))
		return -1;
	if (!strcmp(v, rg_addr_proto_name(IPPROTO_TCP)))
		*proto = IPPROTO_TCP;
	else if (!strcmp(v, rg_addr_proto_name(IPPROTO_UDP)))
		*proto = IPPROTO_UDP;
	else
		return rg_errmsgf(msg, len, "invalid proto '%s' (tcp or udp)", v);
	return 0;
}

/* The reader has checked the JSON number grammar; this wants 1..65535. */
static int get_port(const struct rg_jdoc *d, uint16_t *port, char *msg,
		    size_t len)
{
	const struct rg_jdoc_field *f = rg_json_read_get(d, "port");
	unsigned long v = 0;
	size_t n;

	if (!f)
		return rg_errmsgf(msg, len, "missing field 'port'");
	if (f->type != RG_JDOC_NUMBER)
		return rg_errmsgf(msg, len, "field 'port' is not a number");
	n = strlen(f->str);
	if (n && n <= 5 && strspn(f->str, "0123456789") == n)
		v = strtoul(f->str, NULL, 10);
	if (!v || v > 65535)
		return rg_errmsgf(msg, len, "invalid port '%s' (1 to 65535)", f->str);
	*port = (uint16_t)v;
	return 0;
}

static int get_verified(const struct rg_jdoc *d, bool *out, char *msg,
			size_t len)
{
	if (!rg_json_read_get(d, "verified"))
		return rg_errmsgf(msg, len, "missing field 'verified'");
	if (rg_json_read_bool(d, "verified", out))
		return rg_errmsgf(msg, len, "field 'verified' is not true or false");
	return 0;
}

static int get_static(const struct rg_jdoc *d, bool *out, char *msg,
		      size_t len)
{
	if (rg_json_read_get(d, "static") && rg_json_read_bool(d, "static", out))
		return rg_errmsgf(msg, len, "field 'static' is not true or false");
	return 0;
}

/* A field this version does not know could hold a meaning it would drop. */
static int no_unknown(const struct rg_jdoc *d, char *msg, size_t len)
{
	static const char *const known[] = { "c", "e_internal", "proto",
		"port", "added", "why", "verified", "static" };
	size_t i, k;

	for (i = 0; i < d->n; i++) {
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(d->f[i].key, known[k]))
				break;
		if (k == sizeof(known) / sizeof(known[0]))
			return rg_errmsgf(msg, len, "unknown field '%s'", d->f[i].key);
	}
	return 0;
}

static int entry_from(const struct rg_jdoc *d, struct rg_state_entry *e,
		      char *msg, size_t len)
{
	memset(e, 0, sizeof(*e));
	if (get_addr(d, "c", &e->x.c, msg, len) ||
	    get_addr(d, "e_internal", &e->x.e_internal, msg, len))
		return -1;
	if (e->x.c.family != e->x.e_internal.family)
		return rg_errmsgf(msg, len, "c and e_internal are of different families");
	if (get_proto(d, &e->x.proto, msg, len) ||
	    get_port(d, &e->x.port, msg, len) ||
	    get_text(d, "added", e->added, sizeof(e->added), msg, len) ||
	    get_text(d, "why", e->why, sizeof(e->why), msg, len) ||
	    get_verified(d, &e->verified, msg, len) ||
	    get_static(d, &e->is_static, msg, len))
		return -1;
	return no_unknown(d, msg, len);
}

static int object(struct rg_state_reader *p, const char *s, size_t n)
{
	char msg[MSG_LEN], el[RG_EXEMPT_ELEMENT_LEN];
	struct rg_state_entry e;
	struct rg_jdoc d;

	if (rg_json_read_parse(&d, s, n))
		return fail_at(p, p->line, "malformed JSON");
	if (entry_from(&d, &e, msg, sizeof(msg)))
		return fail_at(p, p->line, "%s", msg);
	if (rg_state_find(p->s, &e.x)) {
		rg_exemption_element(&e.x, el, sizeof(el));
		return fail_at(p, p->line, "duplicate exemption %s", el);
	}
	if (rg_state_put(p->s, &e))
		return fail_at(p, p->line, "out of memory");
	return 0;
}

static int header(struct rg_state_reader *p, const char *s, size_t n)
{
	static const char pre[] = "{\"version\":", post[] = ",\"exemptions\":[";
	const size_t npre = sizeof(pre) - 1, npost = sizeof(post) - 1;
	size_t d = 0;

	if (n < npre || memcmp(s, pre, npre))
		goto bad;
	s += npre;
	n -= npre;
	while (d < n && s[d] >= '0' && s[d] <= '9')
		d++;
	if (!d || n - d != npost || memcmp(s + d, post, npost))
		goto bad;
	if (d != 1 || s[0] != '1')
		return fail_at(p, p->line, "unsupported version %.*s",
			       shown(d), s);
	p->where = IN_BODY;
	return 0;
bad:
	return fail_at(p, p->line,
		       "not a reflguard state file (expected '%s')", HEADER);
}

static int footer(struct rg_state_reader *p, const char *s, size_t n)
{
	if (n > 2)
		return fail_at(p, p->line, "unexpected text '%.*s' after ']}'",
			       shown(n - 2), s + 2);
	if (p->comma)
		return fail_at(p, p->obj_line,
			       "unexpected ',' after the last exemption");
	p->where = AFTER_FOOTER;
	return 0;
}

static int body(struct rg_state_reader *p, const char *s, size_t n)
{
	if (n >= 2 && !memcmp(s, FOOTER, 2))
		return footer(p, s, n);
	if (!n)
		return fail_at(p, p->line,
			       "blank line where an exemption or ']}' was expected");
	if (p->obj_line && !p->comma)
		return fail_at(p, p->obj_line,
			       "missing ',' before the next exemption");
	p->comma = s[n - 1] == ',';
	p->obj_line = p->line;
	return object(p, s, p->comma ? n - 1 : n);
}

static int step(struct rg_state_reader *p, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\r')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	switch (p->where) {
	case IN_HEADER:
		return header(p, s, n);
	case IN_BODY:
		return body(p, s, n);
	case AFTER_FOOTER:
		break;
	}
	if (n)
		return fail_at(p, p->line, "unexpected text '%.*s' after ']}'",
			       shown(n), s);
	return 0;
}

void rg_state_reader_init(struct rg_state_reader *r, const char *filename,
			  struct rg_state *s, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->file = filename;
	r->s = s;
	r->err = err;
	r->errlen = errlen;
	r->where = IN_HEADER;
	rg_state_clear(s);
}

/*
 * Both bounds keep a wrong path (/dev/zero, a log file) from eating the
 * memory a state file of the largest allowed size never needs.
 */
int rg_state_reader_line(struct rg_state_reader *r, const char *s, size_t n)
{
	r->line++;
	if (memchr(s, '\0', n))
		return fail_at(r, r->line, "NUL byte in the file");
	if (n > RG_STATE_LINE_MAX)
		return fail_at(r, r->line, "line longer than %u bytes",
			       RG_STATE_LINE_MAX);
	if (r->where == IN_BODY && r->s->n >= RG_STATE_MAX_ENTRIES &&
	    !(n >= 2 && !memcmp(s, FOOTER, 2)))
		return fail_at(r, r->line, "more than %u exemptions",
			       RG_STATE_MAX_ENTRIES);
	return step(r, s, n);
}

int rg_state_reader_end(struct rg_state_reader *r)
{
	if (r->where == IN_HEADER)
		return fail_at(r, 1, "not a reflguard state file (expected '%s')",
			       HEADER);
	if (r->where == IN_BODY)
		return fail_at(r, r->line + 1, "missing closing ']}'");
	return 0;
}

int rg_state_parse(const char *text, const char *filename, struct rg_state *s,
		   char *err, size_t errlen)
{
	struct rg_state_reader r;
	const char *at = text, *nl;
	int ret = -1;

	rg_state_reader_init(&r, filename, s, err, errlen);
	while (*at) {
		nl = strchr(at, '\n');
		if (!nl)
			nl = at + strlen(at);
		if (rg_state_reader_line(&r, at, (size_t)(nl - at)))
			goto out;
		at = *nl ? nl + 1 : nl;
	}
	ret = rg_state_reader_end(&r);
out:
	if (ret)
		rg_state_free(s);
	return ret;
}

const char *rg_state_kind(const struct rg_state_entry *e)
{
	if (e->is_static)
		return "static";
	/* Both writers of a hand-made entry, the daemon and exempt add
	 * without one, begin its why so; a learnt one names its flow. */
	if (!strncmp(e->why, "manual (", 8))
		return "manual";
	return "learnt";
}
