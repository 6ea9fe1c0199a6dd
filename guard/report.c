// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "event.h"
#include "json.h"
#include "json_read.h"
#include "plural.h"

static const char same_segment_advice[] =
	"Expressway-C shares Expressway-E's segment: the source translation is "
	"what brings E's replies back through the firewall, so it must stay. "
	"The real fix is a dual-NIC Expressway-E, or moving Expressway-C off "
	"E's segment.";

void rg_report_init(struct rg_report *r)
{
	memset(r, 0, sizeof(*r));
}

void rg_report_free(struct rg_report *r)
{
	free(r->c);
	free(r->pair);
	rg_report_init(r);
}

static int parse_port(const char *s, uint16_t *out)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (i == 5 || s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (!i || v > 65535)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

/* "10.0.30.2:27901" or "[fd00:30::2]:27901", as rg_endpoint_format() writes them. */
static int parse_endpoint(const char *s, struct rg_addr *a, uint16_t *port)
{
	char host[INET6_ADDRSTRLEN];
	const char *h = s, *colon;
	int family = AF_INET;

	if (!s)
		return -1;
	if (*s == '[') {
		h = s + 1;
		colon = strstr(h, "]:");
		family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
	}
	if (!colon || (size_t)(colon - h) >= sizeof(host))
		return -1;
	memcpy(host, h, (size_t)(colon - h));
	host[colon - h] = '\0';
	if (family == AF_INET6)
		colon++;
	if (rg_addr_parse(host, a) || a->family != family)
		return -1;
	return parse_port(colon + 1, port);
}

/* Exactly rg_format_ts()'s shape, so that timestamps order as strings. */
static bool valid_ts(const char *ts)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	size_t i;

	if (!ts || strlen(ts) != sizeof(shape) - 1)
		return false;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? ts[i] < '0' || ts[i] > '9' :
				      ts[i] != shape[i])
			return false;
	}
	return true;
}

static int parse_proto(const char *s, uint8_t *out)
{
	if (s && !strcmp(s, "tcp"))
		*out = IPPROTO_TCP;
	else if (s && !strcmp(s, "udp"))
		*out = IPPROTO_UDP;
	else
		return -1;
	return 0;
}

/* A string, or null or absent (NULL); anything else is malformed. */
static int opt_str(const struct rg_jdoc *d, const char *key, const char **out)
{
	const struct rg_jdoc_field *f = rg_jdoc_get(d, key);

	*out = NULL;
	if (f && f->type == RG_JDOC_STRING)
		*out = f->str;
	else if (f && f->type != RG_JDOC_NULL)
		return -1;
	return 0;
}

/* "verified" events carry time_to_fix_ms when the daemon timed the fix. */
static int read_ttf(const struct rg_jdoc *d, struct rg_report_ev *f)
{
	const struct rg_jdoc_field *t = rg_jdoc_get(d, "time_to_fix_ms");
	char *end;

	if (!t)
		return 0;
	if (t->type != RG_JDOC_NUMBER)
		return -1;
	errno = 0;
	f->ttf_ms = strtoll(t->str, &end, 10);
	if (errno || *end || f->ttf_ms < 0)
		return -1;
	f->has_ttf = true;
	return 0;
}

/*
 * A summary line of the daemon (guard/repeat.h) stands for "repeats"
 * connections of its pair, held back within the interval: all counted.
 */
static int read_repeats(const struct rg_jdoc *d, struct rg_report_ev *f)
{
	const struct rg_jdoc_field *t = rg_jdoc_get(d, "repeats");
	unsigned long long n;
	char *end;

	f->n = 1;
	if (!t)
		return 0;
	if (t->type != RG_JDOC_NUMBER || !f->flow || t->str[0] == '-')
		return -1;
	errno = 0;
	n = strtoull(t->str, &end, 10);
	if (errno || *end || n < 1 || n > 1000000000ULL)
		return -1;
	f->n = (unsigned long)n;
	return 0;
}

/* Connections are "flow" or "refused"; the others tell what was done
 * ("adopted": a firewall pair's peer's exemption taken over). */
static int read_type(struct rg_report_ev *f)
{
	const char *t = f->type;

	if (!t)
		return -1;
	f->flow = !strcmp(t, "flow") || !strcmp(t, "refused");
	return f->flow || !strcmp(t, "exempted") || !strcmp(t, "verified") ||
	       !strcmp(t, "reset") || !strcmp(t, "adopted") ? 0 : -1;
}

static int read_finding(const struct rg_jdoc *d, struct rg_report_ev *f)
{
	struct rg_addr a;
	uint16_t port;

	memset(f, 0, sizeof(*f));
	f->type = rg_jdoc_str(d, "event");
	f->ts = rg_jdoc_str(d, "ts");
	f->c_ep = rg_jdoc_str(d, "c");
	f->e_public = rg_jdoc_str(d, "e_public");
	f->e_internal = rg_jdoc_str(d, "e_internal");
	f->e_sees = rg_jdoc_str(d, "e_sees");
	if (read_type(f) || read_repeats(d, f) || opt_str(d, "reason", &f->reason) ||
	    opt_str(d, "action", &f->action) || read_ttf(d, f) ||
	    !valid_ts(f->ts) ||
	    parse_proto(rg_jdoc_str(d, "proto"), &f->proto) ||
	    rg_jdoc_bool(d, "translated", &f->translated) ||
	    parse_endpoint(f->c_ep, &f->c, &f->c_port) ||
	    parse_endpoint(f->e_internal, &f->e_internal_addr,
			   &f->e_internal_port) ||
	    parse_endpoint(f->e_public, &a, &port) ||
	    parse_endpoint(f->e_sees, &a, &port))
		return -1;
	return f->c.family == f->e_internal_addr.family ? 0 : -1;
}

static struct rg_report_c *find_c(struct rg_report *r,
				  const struct rg_addr *addr)
{
	struct rg_report_c *c;
	size_t i, cap;

	for (i = 0; i < r->n_c; i++)
		if (rg_addr_equal(&r->c[i].addr, addr))
			return &r->c[i];
	if (r->n_c == r->cap_c) {
		cap = r->cap_c ? r->cap_c * 2 : 8;
		c = realloc(r->c, cap * sizeof(*c));
		if (!c)
			return NULL;
		r->c = c;
		r->cap_c = cap;
	}
	c = &r->c[r->n_c++];
	memset(c, 0, sizeof(*c));
	c->addr = *addr;
	return c;
}

static void add_e(struct rg_report_c *c, const struct rg_report_ev *f)
{
	size_t i;

	for (i = 0; i < c->n_e; i++)
		if (!strcmp(c->e[i].pub, f->e_public) &&
		    !strcmp(c->e[i].internal, f->e_internal) &&
		    c->e[i].proto == f->proto)
			return;
	if (c->n_e == RG_REPORT_MAX_KEPT) {
		c->more_e = true;
		return;
	}
	snprintf(c->e[i].pub, sizeof(c->e[i].pub), "%s", f->e_public);
	snprintf(c->e[i].internal, sizeof(c->e[i].internal), "%s",
		 f->e_internal);
	c->e[i].proto = f->proto;
	c->n_e++;
}

static void add_sees(struct rg_report_c *c, const char *sees)
{
	size_t i;

	for (i = 0; i < c->n_sees; i++)
		if (!strcmp(c->sees[i], sees))
			return;
	if (c->n_sees == RG_REPORT_MAX_KEPT) {
		c->more_sees = true;
		return;
	}
	snprintf(c->sees[i], sizeof(c->sees[i]), "%s", sees);
	c->n_sees++;
}

static void add_refused(struct rg_report_c *c, const char *reason,
			unsigned long n)
{
	char text[RG_REPORT_REASON_LEN];
	size_t i;

	snprintf(text, sizeof(text), "%s", reason ? reason : "no reason given");
	for (i = 0; i < c->n_refused; i++) {
		if (!strcmp(c->refused[i].text, text)) {
			c->refused[i].flows += n;
			return;
		}
	}
	if (c->n_refused == RG_REPORT_MAX_KEPT)
		return;
	memcpy(c->refused[i].text, text, sizeof(text));
	c->refused[i].flows = n;
	c->n_refused++;
}

/* Ties go to the later line: it was written last. */
static void note_latest(struct rg_report_c *c, const struct rg_report_ev *f)
{
	struct rg_report_latest *l = &c->latest;

	if (c->has_latest && strcmp(f->ts, l->ts) < 0)
		return;
	c->has_latest = true;
	snprintf(l->ts, sizeof(l->ts), "%s", f->ts);
	l->c = f->c;
	l->e_internal = f->e_internal_addr;
	l->e_internal_port = f->e_internal_port;
	l->proto = f->proto;
	l->refused = !strcmp(f->type, "refused");
	l->exempted = f->action && !strcmp(f->action, "exempted");
	snprintf(l->reason, sizeof(l->reason), "%s", f->reason ? f->reason : "");
}

static void add_finding(struct rg_report_c *c, const struct rg_report_ev *f)
{
	if (!c->flows || strcmp(f->ts, c->first) < 0)
		snprintf(c->first, sizeof(c->first), "%s", f->ts);
	if (!c->flows || strcmp(f->ts, c->last) > 0)
		snprintf(c->last, sizeof(c->last), "%s", f->ts);
	c->flows += f->n;
	add_e(c, f);
	if (f->translated) {
		c->translated += f->n;
		add_sees(c, f->e_sees);
		note_latest(c, f);
	} else {
		c->real_seen = true;
	}
	if (!strcmp(f->type, "refused"))
		add_refused(c, f->reason, f->n);
}

static bool blank(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!strchr(" \t\r\n", line[i]) || !line[i])
			return false;
	return true;
}

/* The totals over the whole file; C's block counts connections only. */
static void count(struct rg_report *r, const struct rg_report_ev *f)
{
	r->events++;
	if (!r->first[0] || strcmp(f->ts, r->first) < 0)
		snprintf(r->first, sizeof(r->first), "%s", f->ts);
	if (strcmp(f->ts, r->last) > 0)
		snprintf(r->last, sizeof(r->last), "%s", f->ts);
	if (f->flow) {
		r->flows += f->n;
		r->translated += f->translated ? f->n : 0;
	}
	r->refused += !strcmp(f->type, "refused") ? f->n : 0;
	r->exempted += !strcmp(f->type, "exempted") ||
		       (!strcmp(f->type, "adopted") && f->action &&
			!strcmp(f->action, "exempted"));
	r->verified += !strcmp(f->type, "verified");
	r->resets += !strcmp(f->type, "reset");
}

int rg_report_feed(struct rg_report *r, const char *line, size_t len)
{
	struct rg_report_c *c;
	struct rg_report_ev f;
	struct rg_jdoc d;

	if (blank(line, len))
		return 0;
	if (rg_jdoc_parse(&d, line, len) || read_finding(&d, &f)) {
		r->skipped++;
		return -1;
	}
	c = f.flow ? find_c(r, &f.c) : NULL;
	if ((f.flow && !c) || rg_report_pair_add(r, &f)) {
		r->failed = true;
		return -1;
	}
	if (c)
		add_finding(c, &f);
	count(r, &f);
	return 0;
}

/* The finding rg_event_fix() needs: only addresses, protocol and port. */
static void latest_fix(const struct rg_report_latest *l, struct rg_strbuf *out)
{
	struct rg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.proto = l->proto;
	ev.c = l->c;
	ev.e_internal = l->e_internal;
	ev.e_internal_port = l->e_internal_port;
	rg_event_fix(&ev, out);
}

/* NULL when the fix is the nft statements; else why there are none. */
static const char *advice(const struct rg_report_c *c, char *buf, size_t len)
{
	if (!c->has_latest)
		return "none needed: Expressway-E sees Expressway-C's real address";
	if (c->latest.exempted)
		return "none needed: reflguard exempted it ('reflguard exempt list')";
	if (!c->latest.refused)
		return NULL;
	if (!strcmp(c->latest.reason, "same-segment"))
		return same_segment_advice;
	snprintf(buf, len, "none: reflguard refused to exempt it (%s)",
		 c->latest.reason[0] ? c->latest.reason : "no reason given");
	return buf;
}

static void text_summary(const struct rg_report *r, struct rg_strbuf *out)
{
	if (!r->flows)
		rg_strbuf_add(out, "No flows in the events file.\n");
	else
		rg_strbuf_addf(out, "%lu %s from %zu Expressway-C, %lu translated.\n",
			       r->flows, rg_plural(r->flows, "flow", "flows"),
			       r->n_c, r->translated);
	if (r->skipped)
		rg_strbuf_addf(out, "%lu %s skipped (not a reflguard event).\n",
			       r->skipped, rg_plural(r->skipped, "line", "lines"));
	if (r->failed)
		rg_strbuf_add(out, "Out of memory: this summary is incomplete.\n");
}

static void text_e(const struct rg_report_c *c, struct rg_strbuf *out)
{
	size_t i;

	for (i = 0; i < c->n_e; i++)
		rg_strbuf_addf(out, "  %-12s Expressway-E %s -> %s (%s)\n",
			       i ? "" : "reaches", c->e[i].pub,
			       c->e[i].internal, rg_proto_name(c->e[i].proto));
	if (c->more_e)
		rg_strbuf_addf(out, "  %-12s and more\n", "");
}

static void text_sees(const struct rg_report_c *c, struct rg_strbuf *out)
{
	const char *sep = "";
	size_t i;

	rg_strbuf_addf(out, "  %-12s ", "E saw");
	for (i = 0; i < c->n_sees; i++, sep = ", ")
		rg_strbuf_addf(out, "%s%s", sep, c->sees[i]);
	if (c->more_sees)
		rg_strbuf_addf(out, "%sand more", sep);
	if (c->real_seen)
		rg_strbuf_addf(out, "%sits real address", c->n_sees ? ", " : "");
	rg_strbuf_add(out, "\n");
}

/* One labelled row, its text folded under itself before column 78. */
static void text_wrapped(struct rg_strbuf *out, const char *label,
			 const char *text)
{
	const size_t indent = 15, width = 78;
	size_t col = indent, n;

	rg_strbuf_addf(out, "  %-12s ", label);
	while (*text) {
		n = strcspn(text, " ");
		if (col > indent && col + 1 + n > width) {
			rg_strbuf_addf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			rg_strbuf_add(out, " ");
			col++;
		}
		rg_strbuf_addn(out, text, n);
		col += n;
		text += n;
		text += strspn(text, " ");
	}
	rg_strbuf_add(out, "\n");
}

static void text_fix(const struct rg_report_c *c, struct rg_strbuf *out)
{
	struct rg_strbuf fix;
	const char *why, *line, *nl;
	char buf[128];

	why = advice(c, buf, sizeof(buf));
	if (why) {
		text_wrapped(out, "fix", why);
		return;
	}
	rg_strbuf_addf(out, "  %-12s give these to 'nft -f -' (from the flow of %s):\n",
		       "fix", c->latest.ts);
	rg_strbuf_init(&fix);
	latest_fix(&c->latest, &fix);
	if (rg_strbuf_failed(&fix))
		out->failed = true;
	for (line = rg_strbuf_str(&fix); (nl = strchr(line, '\n')); line = nl + 1)
		rg_strbuf_addf(out, "    %.*s\n", (int)(nl - line), line);
	rg_strbuf_free(&fix);
}

static void text_c(const struct rg_report_c *c, struct rg_strbuf *out)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	rg_addr_format(&c->addr, addr, sizeof(addr));
	rg_strbuf_addf(out, "\nExpressway-C %s\n", addr);
	text_e(c, out);
	text_sees(c, out);
	rg_strbuf_addf(out, "  %-12s %s\n", "first seen", c->first);
	rg_strbuf_addf(out, "  %-12s %s\n", "last seen", c->last);
	rg_strbuf_addf(out, "  %-12s %lu, %lu translated\n", "flows",
		       c->flows, c->translated);
	for (i = 0; i < c->n_refused; i++)
		rg_strbuf_addf(out, "  %-12s %s (%lu %s)\n", i ? "" : "refused",
			       c->refused[i].text, c->refused[i].flows,
			       rg_plural(c->refused[i].flows, "flow", "flows"));
	text_fix(c, out);
}

void rg_report_text(const struct rg_report *r, struct rg_strbuf *out)
{
	size_t i;

	text_summary(r, out);
	for (i = 0; i < r->n_c; i++)
		text_c(&r->c[i], out);
}

static void json_e(const struct rg_report_c *c, struct rg_json *j)
{
	size_t i;

	rg_json_arr_begin(j, "reaches");
	for (i = 0; i < c->n_e; i++) {
		rg_json_obj_begin(j, NULL);
		rg_json_str(j, "e_public", c->e[i].pub);
		rg_json_str(j, "e_internal", c->e[i].internal);
		rg_json_str(j, "proto", rg_proto_name(c->e[i].proto));
		rg_json_obj_end(j);
	}
	rg_json_arr_end(j);
	rg_json_arr_begin(j, "e_saw");
	for (i = 0; i < c->n_sees; i++)
		rg_json_str(j, NULL, c->sees[i]);
	rg_json_arr_end(j);
	rg_json_bool(j, "e_saw_real_address", c->real_seen);
	rg_json_bool(j, "truncated", c->more_e || c->more_sees);
}

static void json_fix(const struct rg_report_c *c, struct rg_json *j)
{
	struct rg_strbuf fix;
	const char *why;
	char buf[128];
	char *line, *nl;

	why = advice(c, buf, sizeof(buf));
	rg_strbuf_init(&fix);
	if (!why)
		latest_fix(&c->latest, &fix);
	if (rg_strbuf_failed(&fix))
		j->out->failed = true;
	rg_json_arr_begin(j, "fix");
	for (line = fix.data; line && (nl = strchr(line, '\n')); line = nl + 1) {
		*nl = '\0';
		rg_json_str(j, NULL, line);
	}
	rg_json_arr_end(j);
	if (why)
		rg_json_str(j, "advice", why);
	else
		rg_json_null(j, "advice");
	rg_strbuf_free(&fix);
}

static void json_c(const struct rg_report_c *c, struct rg_json *j)
{
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	rg_addr_format(&c->addr, addr, sizeof(addr));
	rg_json_obj_begin(j, NULL);
	rg_json_str(j, "c", addr);
	json_e(c, j);
	rg_json_str(j, "first_seen", c->first);
	rg_json_str(j, "last_seen", c->last);
	rg_json_int(j, "flows", (int64_t)c->flows);
	rg_json_int(j, "translated", (int64_t)c->translated);
	rg_json_arr_begin(j, "refused");
	for (i = 0; i < c->n_refused; i++) {
		rg_json_obj_begin(j, NULL);
		rg_json_str(j, "reason", c->refused[i].text);
		rg_json_int(j, "flows", (int64_t)c->refused[i].flows);
		rg_json_obj_end(j);
	}
	rg_json_arr_end(j);
	json_fix(c, j);
	rg_json_obj_end(j);
}

void rg_report_json(const struct rg_report *r, struct rg_strbuf *out)
{
	struct rg_json j;
	size_t i;

	rg_json_init(&j, out);
	rg_json_obj_begin(&j, NULL);
	rg_json_int(&j, "flows", (int64_t)r->flows);
	rg_json_int(&j, "translated", (int64_t)r->translated);
	rg_json_int(&j, "skipped", (int64_t)r->skipped);
	rg_json_bool(&j, "complete", !r->failed);
	rg_json_arr_begin(&j, "expressway_c");
	for (i = 0; i < r->n_c; i++)
		json_c(&r->c[i], &j);
	rg_json_arr_end(&j);
	rg_json_obj_end(&j);
	rg_strbuf_add(out, "\n");
}
