// SPDX-License-Identifier: GPL-2.0-or-later
#include "event.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <sys/socket.h>

#include "json.h"

struct endpoints {
	char c[RG_ENDPOINT_STRLEN];
	char e_public[RG_ENDPOINT_STRLEN];
	char e_internal[RG_ENDPOINT_STRLEN];
	char e_sees[RG_ENDPOINT_STRLEN];
};

static void format_endpoints(const struct rg_event *ev, struct endpoints *ep)
{
	rg_endpoint_format(&ev->c, ev->c_port, ep->c, sizeof(ep->c));
	rg_endpoint_format(&ev->e_public, ev->e_public_port, ep->e_public,
			   sizeof(ep->e_public));
	rg_endpoint_format(&ev->e_internal, ev->e_internal_port,
			   ep->e_internal, sizeof(ep->e_internal));
	rg_endpoint_format(&ev->e_sees, ev->e_sees_port, ep->e_sees,
			   sizeof(ep->e_sees));
}

/* v's last n decimal digits, zero-padded, at p; returns the end. */
static char *put_digits(char *p, long v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/* "2026-11-25T12:00:00.000000Z", on every event: digits by hand, not
 * strftime and snprintf. The result is cut to len like snprintf's. */
void rg_format_ts(const struct timespec *ts, char *buf, size_t len)
{
	char out[32], *p = out;
	struct tm tm;
	size_t n;

	if (!len)
		return;
	if (!gmtime_r(&ts->tv_sec, &tm) || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0) {
		buf[0] = '\0';
		return;
	}
	p = put_digits(p, tm.tm_year + 1900, 4);
	*p++ = '-';
	p = put_digits(p, tm.tm_mon + 1, 2);
	*p++ = '-';
	p = put_digits(p, tm.tm_mday, 2);
	*p++ = 'T';
	p = put_digits(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_digits(p, tm.tm_sec, 2);
	*p++ = '.';
	p = put_digits(p, ts->tv_nsec / 1000, 6);
	*p++ = 'Z';
	n = (size_t)(p - out);
	if (n >= len)
		n = len - 1;
	memcpy(buf, out, n);
	buf[n] = '\0';
}

static void json_str_or_null(struct rg_json *j, const char *key,
			     const char *val)
{
	if (val)
		rg_json_str(j, key, val);
	else
		rg_json_null(j, key);
}

/* The JSON "fix" array holds exactly the lines rg_event_fix() writes,
 * made one at a time on the stack: no allocation per event. */
static void json_fix(const struct rg_event *ev, struct rg_json *j)
{
	char line[RG_FIX_LINE_LEN];
	unsigned int i;

	rg_json_arr_begin(j, "fix");
	for (i = 0; rg_event_fix_line(ev, i, line, sizeof(line)); i++)
		rg_json_str(j, NULL, line);
	rg_json_arr_end(j);
}

void rg_event_json(const struct rg_event *ev, struct rg_strbuf *out)
{
	char ts[40], cid[RG_COMMUNITY_ID_LEN];
	struct endpoints ep;
	struct rg_json j;
	bool has_cid;

	format_endpoints(ev, &ep);
	rg_format_ts(&ev->ts, ts, sizeof(ts));
	has_cid = !rg_community_id(&ev->c, ev->c_port, &ev->e_public,
				   ev->e_public_port, ev->proto, 0, cid,
				   sizeof(cid));
	rg_json_init(&j, out);
	rg_json_obj_begin(&j, NULL);
	json_str_or_null(&j, "event", ev->type);
	rg_json_str(&j, "ts", ts);
	rg_json_str(&j, "proto", rg_proto_name(ev->proto));
	rg_json_str(&j, "c", ep.c);
	rg_json_str(&j, "e_public", ep.e_public);
	rg_json_str(&j, "e_internal", ep.e_internal);
	rg_json_str(&j, "e_sees", ep.e_sees);
	rg_json_bool(&j, "translated", ev->translated);
	json_str_or_null(&j, "action", ev->action);
	json_str_or_null(&j, "reason", ev->reason);
	json_str_or_null(&j, "community_id", has_cid ? cid : NULL);
	if (ev->assumes)
		rg_json_str(&j, "assumes", ev->assumes);
	if (ev->with_fix)
		json_fix(ev, &j);
	if (ev->origin)
		rg_json_str(&j, "origin", ev->origin);
	if (ev->element)
		rg_json_str(&j, "element", ev->element);
	if (ev->statement)
		rg_json_str(&j, "statement", ev->statement);
	if (ev->has_time_to_fix)
		rg_json_int(&j, "time_to_fix_ms", ev->time_to_fix_ms);
	if (ev->repeats) {
		rg_format_ts(&ev->since, ts, sizeof(ts));
		rg_json_int(&j, "repeats", (int64_t)ev->repeats);
		rg_json_str(&j, "since", ts);
	}
	rg_json_obj_end(&j);
	rg_strbuf_add(out, "\n");
}

/* "translated hairpin", "clean hairpin", or "refused (same-segment)". */
static void human_label(const struct rg_event *ev, struct rg_strbuf *out)
{
	if (!ev->type || !strcmp(ev->type, "flow")) {
		rg_strbuf_add(out, ev->translated ? "translated hairpin" :
						    "clean hairpin");
		return;
	}
	rg_strbuf_add(out, ev->type);
	if (ev->reason)
		rg_strbuf_addf(out, " (%s)", ev->reason);
}

/* The remediation events read differently from a finding. */
static bool human_remedy(const struct rg_event *ev, const struct endpoints *ep,
			 struct rg_strbuf *out)
{
	if (!ev->type)
		return false;
	if (!strcmp(ev->type, "exempted"))
		rg_strbuf_addf(out, "exempted: Expressway-C %s keeps its source towards Expressway-E %s (%s)\n",
			       ep->c, ep->e_internal,
			       ev->statement ? ev->statement : "");
	else if (!strcmp(ev->type, "verified") && ev->has_time_to_fix)
		rg_strbuf_addf(out, "verified: Expressway-E %s now sees Expressway-C as %s, its real address (fixed %lld ms after the first translated SYN)\n",
			       ep->e_internal, ep->c, ev->time_to_fix_ms);
	else if (!strcmp(ev->type, "verified"))
		rg_strbuf_addf(out, "verified: Expressway-E %s now sees Expressway-C as %s, its real address\n",
			       ep->e_internal, ep->c);
	else if (!strcmp(ev->type, "adopted"))
		rg_strbuf_addf(out, "adopted: Expressway-C %s keeps its source towards Expressway-E %s, as the firewall pair's peer exempted it (%s)\n",
			       ep->c, ep->e_internal,
			       ev->statement ? ev->statement : "action: would-exempt");
	else if (!strcmp(ev->type, "reset"))
		rg_strbuf_addf(out, "reset: deleted the translated connection %s -> %s (E saw %s) so it reconnects untranslated\n",
			       ep->c, ep->e_public, ep->e_sees);
	else
		return false;
	return true;
}

/* C and E in different subnets on one link of the firewall. */
static void human_link(const struct rg_event *ev, struct rg_strbuf *out)
{
	if (ev->reason && !strcmp(ev->reason, "same-link"))
		rg_strbuf_add(out, "; C and E are in different subnets on one interface of the firewall: E answers C through it only if E's netmask is no wider than the firewall's prefix, and same-link = refuse says not to rely on that");
	else if (ev->assumes && !strcmp(ev->assumes, "e-netmask"))
		rg_strbuf_add(out, "; C and E share an interface of the firewall in different subnets: the fix assumes E's netmask is no wider than the firewall's prefix (same-link = refuse if it is)");
}

int rg_event_priority(const struct rg_event *ev)
{
	if (!ev->type || !strcmp(ev->type, "flow"))
		return ev->translated ? LOG_WARNING : LOG_INFO;
	if (!strcmp(ev->type, "refused"))
		return LOG_WARNING;
	return LOG_NOTICE;
}

void rg_event_human(const struct rg_event *ev, struct rg_strbuf *out)
{
	const char *action = ev->action ? ev->action : "none";
	bool same_segment = ev->reason && !strcmp(ev->reason, "same-segment");
	struct endpoints ep;

	format_endpoints(ev, &ep);
	if (human_remedy(ev, &ep, out))
		return;
	if (ev->repeats) {
		char since[40];

		rg_format_ts(&ev->since, since, sizeof(since));
		rg_strbuf_addf(out, "%lu more since %s, the last: ", ev->repeats, since);
	}
	human_label(ev, out);
	rg_strbuf_addf(out, ": Expressway-C %s -> %s reaches Expressway-E %s",
		       ep.c, ep.e_public, ep.e_internal);
	if (ev->translated)
		rg_strbuf_addf(out, " as %s; E will route SIP to %s and C answers 408",
			       ep.e_sees, ep.e_sees);
	else
		rg_strbuf_addf(out, "; E sees C's real address %s", ep.c);
	if (same_segment)
		rg_strbuf_add(out, "; C shares E's segment: without the translation E would answer C directly, so it must stay");
	human_link(ev, out);
	if (ev->reason && (!ev->type || !strcmp(ev->type, "flow")))
		rg_strbuf_addf(out, " (action: %s: %s)\n", action, ev->reason);
	else
		rg_strbuf_addf(out, " (action: %s)\n", action);
}

struct nft_family {
	const char *table;	/* nft family, and the address match keyword */
	const char *set;
	const char *addr_type;
};

static const struct nft_family nft_ip = { "ip", "exempt4", "ipv4_addr" };
static const struct nft_family nft_ip6 = { "ip6", "exempt6", "ipv6_addr" };

/*
 * An identity snat before srcnat claims the connection's NAT binding
 * first, and the kernel then skips every later NAT chain for it: the
 * user's own rules stay untouched (docs/design.md, Remediation).
 */
bool rg_event_fix_line(const struct rg_event *ev, unsigned int i, char *buf,
		       size_t len)
{
	char c[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN];
	const struct nft_family *f;

	if (ev->c.family != ev->e_internal.family)
		return false;
	if (ev->c.family == AF_INET)
		f = &nft_ip;
	else if (ev->c.family == AF_INET6)
		f = &nft_ip6;
	else
		return false;
	switch (i) {
	case 0:
		snprintf(buf, len, "add table %s reflguard", f->table);
		return true;
	case 1:
		snprintf(buf, len, "add set %s reflguard %s { type %s . %s . inet_proto . inet_service; }",
			 f->table, f->set, f->addr_type, f->addr_type);
		return true;
	case 2:
		snprintf(buf, len, "add chain %s reflguard exempt { type nat hook postrouting priority srcnat - 10; policy accept; }",
			 f->table);
		return true;
	case 3:
		/* The chain holds this one rule: any number of fixes, applied
		 * in any order, leave one rule; a flush keeps set elements. */
		snprintf(buf, len, "flush chain %s reflguard exempt", f->table);
		return true;
	case 4:
		snprintf(buf, len, "add rule %s reflguard exempt %s saddr . %s daddr . meta l4proto . th dport @%s snat %s to %s saddr",
			 f->table, f->table, f->table, f->set, f->table, f->table);
		return true;
	case 5:
		rg_addr_format(&ev->c, c, sizeof(c));
		rg_addr_format(&ev->e_internal, e, sizeof(e));
		snprintf(buf, len, "add element %s reflguard %s { %s . %s . %s . %u }",
			 f->table, f->set, c, e, rg_proto_name(ev->proto),
			 ev->e_internal_port);
		return true;
	default:
		return false;
	}
}

void rg_event_fix(const struct rg_event *ev, struct rg_strbuf *out)
{
	char line[RG_FIX_LINE_LEN];
	unsigned int i;

	for (i = 0; rg_event_fix_line(ev, i, line, sizeof(line)); i++) {
		rg_strbuf_add(out, line);
		rg_strbuf_add(out, "\n");
	}
}
