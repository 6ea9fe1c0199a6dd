// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The page `reflguard report --html` writes. It must open anywhere,
 * offline, from a mail attachment: one file, the style inline, the
 * diagrams inline SVG, no script and no reference to anything outside.
 */
#include "report_html.h"

#include <stdio.h>
#include <string.h>

#include "event.h"

#ifndef RG_VERSION
#define RG_VERSION "unknown"
#endif

static const char style[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1d1d1f;"
	"margin:0 auto;max-width:1200px;padding:16px 24px}\n"
	"h1{font-size:24px;margin:8px 0 2px}h2{font-size:18px;margin:22px 0 8px;"
	"border-bottom:1px solid #ddd;padding-bottom:4px}\n"
	".sub{color:#555;margin:0 0 12px}.verdict{font-size:16px;padding:8px 12px;"
	"border-radius:6px;background:#f4f4f6}\n"
	".verdict.bad{background:#fdecea}.verdict.good{background:#e8f5e9}\n"
	".cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;"
	"border-radius:6px;padding:8px 14px;min-width:110px}\n"
	".card b{display:block;font-size:24px}.card span{color:#555;font-size:13px}\n"
	"table{border-collapse:collapse;width:100%;font-size:13.5px}"
	"th,td{border:1px solid #ddd;padding:5px 7px;text-align:left;vertical-align:top}\n"
	"th{background:#f4f4f6}td.ep,code,pre{font-family:ui-monospace,'DejaVu Sans Mono',monospace}\n"
	"tr.broken td:first-child{border-left:4px solid #b3261e}"
	"tr.fixed td:first-child{border-left:4px solid #1e7d32}\n"
	".bad{color:#b3261e}.good{color:#1e7d32}.muted{color:#777}\n"
	"figure{margin:10px 0 18px}figcaption{font-weight:600;margin-bottom:4px}\n"
	"svg.diagram{width:100%;max-width:1000px;height:auto;font-family:system-ui,sans-serif}\n"
	"svg .box{fill:#fafafa;stroke:#555;stroke-width:1.5}svg .sep{stroke:#ccc;stroke-dasharray:4 4}\n"
	"svg text{text-anchor:middle;font-size:12px;fill:#333}svg .name{font-weight:700;font-size:15px}\n"
	"svg .addr,svg .ep{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:12.5px}\n"
	"svg .ep{font-weight:700}svg .note{fill:#666;font-size:11px}\n"
	"svg .lane{text-anchor:start;font-weight:700;font-size:13px}\n"
	"svg .bad{fill:#b3261e;font-weight:700}svg .good{fill:#1e7d32;font-weight:700}\n"
	"pre{background:#f4f4f6;padding:8px;overflow-x:auto;font-size:12.5px}\n"
	"footer{color:#777;font-size:12px;margin-top:24px}\n";

void rg_report_html_escape(struct rg_strbuf *out, const char *s)
{
	size_t n;

	for (; *s; s += n) {
		n = strcspn(s, "&<>\"'\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
			       "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"
			       "\x1a\x1b\x1c\x1d\x1e\x1f\x7f");
		rg_strbuf_addn(out, s, n);
		if (!s[n])
			break;
		switch (s[n]) {
		case '&': rg_strbuf_add(out, "&amp;"); break;
		case '<': rg_strbuf_add(out, "&lt;"); break;
		case '>': rg_strbuf_add(out, "&gt;"); break;
		case '"': rg_strbuf_add(out, "&quot;"); break;
		case '\'': rg_strbuf_add(out, "&#39;"); break;
		/* Control characters are not allowed in HTML text. */
		default: rg_strbuf_add(out, "&#xFFFD;"); break;
		}
		n++;
	}
}

/* <TAG class="CLS">escaped text</TAG>; no class when cls is NULL. */
static void elem(struct rg_strbuf *out, const char *tag, const char *cls,
		 const char *s)
{
	if (cls)
		rg_strbuf_addf(out, "<%s class=\"%s\">", tag, cls);
	else
		rg_strbuf_addf(out, "<%s>", tag);
	rg_report_html_escape(out, s);
	rg_strbuf_addf(out, "</%s>", tag);
}

static void card(struct rg_strbuf *out, unsigned long n, const char *what)
{
	rg_strbuf_addf(out, "<div class=\"card\"><b>%lu</b><span>%s</span></div>\n",
		       n, what);
}

/* How many pairs were translated, and how many of those now run clean. */
static void verdict(const struct rg_report *r, struct rg_strbuf *out)
{
	size_t i, bad = 0, fixed = 0;

	for (i = 0; i < r->n_pair; i++) {
		bad += r->pair[i].translated > 0;
		fixed += r->pair[i].translated && rg_report_pair_after(&r->pair[i]);
	}
	if (!r->flows)
		rg_strbuf_add(out, "<p class=\"verdict\">No flows in the events file.</p>\n");
	else if (!bad)
		rg_strbuf_add(out, "<p class=\"verdict good\">Every Expressway-E saw its Expressway-C's real address: nothing to fix.</p>\n");
	else
		rg_strbuf_addf(out, "<p class=\"verdict %s\">Expressway-E saw a translated source for %zu Expressway-C/E %s; %zu now %s C's real address.</p>\n",
			       fixed == bad ? "good" : "bad", bad,
			       bad == 1 ? "pair" : "pairs", fixed,
			       fixed == 1 ? "sees" : "see");
}

static void summary(const struct rg_report *r, struct rg_strbuf *out)
{
	rg_strbuf_add(out, "<h2>Summary</h2>\n<p class=\"sub\">Period covered: ");
	if (r->first[0]) {
		rg_report_html_escape(out, r->first);
		rg_strbuf_add(out, " to ");
		rg_report_html_escape(out, r->last);
		rg_strbuf_add(out, " (UTC)");
	} else {
		rg_strbuf_add(out, "no events");
	}
	rg_strbuf_add(out, "</p>\n");
	verdict(r, out);
	rg_strbuf_add(out, "<div class=\"cards\">\n");
	card(out, r->flows, "flows seen");
	card(out, r->translated, "translated found");
	card(out, r->exempted, "exemptions installed");
	card(out, r->verified, "exemptions verified");
	card(out, r->refused, "refused");
	card(out, r->resets, "resets");
	card(out, r->skipped, "errors (unreadable lines)");
	rg_strbuf_add(out, "</div>\n");
	if (r->failed)
		rg_strbuf_add(out, "<p class=\"bad\">Out of memory: this report is incomplete.</p>\n");
}

static void td(struct rg_strbuf *out, const char *cls, const char *s)
{
	elem(out, "td", cls, s[0] ? s : "\xe2\x80\x94");	/* an em dash */
}

static void action_cell(const struct rg_report_pair *p, struct rg_strbuf *out)
{
	rg_strbuf_add(out, "<td>");
	rg_report_html_escape(out, p->action[0] ? p->action : "none");
	if (p->reason[0]) {
		rg_strbuf_add(out, " (");
		rg_report_html_escape(out, p->reason);
		rg_strbuf_add(out, ")");
	}
	if (p->resets)
		rg_strbuf_addf(out, "; %lu %s", p->resets,
			       p->resets == 1 ? "reset" : "resets");
	rg_strbuf_add(out, "</td>");
}

static void verified_cells(const struct rg_report_pair *p,
			   struct rg_strbuf *out)
{
	if (p->verified) {
		rg_strbuf_add(out, "<td class=\"good\">yes, ");
		rg_report_html_escape(out, p->after_ts);
		rg_strbuf_add(out, "</td>");
	} else {
		rg_strbuf_add(out, "<td>no</td>");
	}
	if (!p->has_ttf)
		td(out, NULL, "");
	else if (p->ttf_ms < 10000)
		rg_strbuf_addf(out, "<td>%lld ms</td>", p->ttf_ms);
	else
		rg_strbuf_addf(out, "<td>%lld.%lld s</td>", p->ttf_ms / 1000,
			       p->ttf_ms % 1000 / 100);
}

static void row(const struct rg_report_pair *p, struct rg_strbuf *out)
{
	const char *after = rg_report_pair_after(p);
	char c[INET6_ADDRSTRLEN], flows[48], svc[16];

	rg_addr_format(&p->c, c, sizeof(c));
	snprintf(flows, sizeof(flows), "%lu (%lu translated)", p->flows,
		 p->translated);
	snprintf(svc, sizeof(svc), "%s/%u", rg_addr_proto_name(p->proto),
		 p->e_internal_port);
	rg_strbuf_addf(out, "<tr class=\"%s\">",
		       !p->translated ? "clean" : after ? "fixed" : "broken");
	td(out, "ep", c);
	td(out, "ep", p->e_public);
	td(out, "ep", p->e_internal);
	td(out, NULL, svc);
	td(out, NULL, flows);
	td(out, "ep bad", p->before);
	td(out, "ep good", after ? after : "");
	action_cell(p, out);
	verified_cells(p, out);
	rg_strbuf_add(out, "</tr>\n");
}

static void findings(const struct rg_report *r, struct rg_strbuf *out)
{
	size_t i;

	rg_strbuf_add(out, "<h2>Findings per Expressway-C</h2>\n");
	if (!r->n_pair) {
		rg_strbuf_add(out, "<p class=\"muted\">None.</p>\n");
		return;
	}
	rg_strbuf_add(out, "<table>\n<thead><tr><th>Expressway-C</th><th>Expressway-E public</th>"
		      "<th>Expressway-E internal</th><th>service</th><th>flows</th>"
		      "<th>E saw before the fix</th><th>E sees after</th><th>action</th>"
		      "<th>verified</th><th>time to fix</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->n_pair; i++)
		row(&r->pair[i], out);
	rg_strbuf_add(out, "</tbody>\n</table>\n");
}

static void figure(const struct rg_report_pair *p, struct rg_strbuf *out)
{
	char c[INET6_ADDRSTRLEN];

	rg_addr_format(&p->c, c, sizeof(c));
	rg_strbuf_add(out, "<figure>\n<figcaption>Expressway-C ");
	rg_report_html_escape(out, c);
	rg_strbuf_add(out, " to Expressway-E ");
	rg_report_html_escape(out, p->e_public);
	rg_strbuf_add(out, " (");
	rg_report_html_escape(out, p->e_internal);
	rg_strbuf_addf(out, ", %s)</figcaption>\n", rg_addr_proto_name(p->proto));
	rg_report_svg(p, out);
	rg_strbuf_add(out, "</figure>\n");
}

/* A diagram for each pair E saw translated: the clean ones are in the table. */
static void diagrams(const struct rg_report *r, struct rg_strbuf *out)
{
	size_t i, shown = 0, left = 0;

	rg_strbuf_add(out, "<h2>Deployment: what Expressway-E saw</h2>\n");
	for (i = 0; i < r->n_pair; i++) {
		if (!r->pair[i].translated)
			continue;
		if (shown == RG_REPORT_HTML_MAX_DIAGRAMS) {
			left++;
			continue;
		}
		figure(&r->pair[i], out);
		shown++;
	}
	if (!shown)
		rg_strbuf_add(out, "<p class=\"muted\">No translated flow: nothing to draw.</p>\n");
	if (left)
		rg_strbuf_addf(out, "<p class=\"muted\">%zu more translated %s: see the table.</p>\n",
			       left, left == 1 ? "pair" : "pairs");
}

/* The nft statements for pairs found translated and not fixed yet. */
static void fixes(const struct rg_report *r, struct rg_strbuf *out)
{
	const struct rg_report_pair *p;
	struct rg_event ev;
	struct rg_strbuf fix;
	size_t i;

	rg_strbuf_init(&fix);
	for (i = 0; i < r->n_pair; i++) {
		p = &r->pair[i];
		if (strcmp(p->action, "would-exempt") || rg_report_pair_after(p))
			continue;
		memset(&ev, 0, sizeof(ev));
		ev.proto = p->proto;
		ev.c = p->c;
		ev.e_internal = p->e_internal_addr;
		ev.e_internal_port = p->e_internal_port;
		rg_event_fix(&ev, &fix);
	}
	if (rg_strbuf_failed(&fix))
		out->failed = true;
	if (fix.len) {
		rg_strbuf_add(out, "<h2>Recommended fix</h2>\n<p>Give these to <code>nft -f -</code> on the firewall, or run reflguard with <code>--mode remediate</code>:</p>\n");
		elem(out, "pre", NULL, rg_strbuf_str(&fix));
		rg_strbuf_add(out, "\n");
	}
	rg_strbuf_free(&fix);
}

void rg_report_html(const struct rg_report *r, const char *source,
		    struct rg_strbuf *out)
{
	rg_strbuf_add(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<title>reflguard report</title>\n<style>\n");
	rg_strbuf_add(out, style);
	rg_strbuf_add(out, "</style>\n</head>\n<body>\n<h1>reflguard report</h1>\n<p class=\"sub\">NAT reflection between Expressway-C and Expressway-E, from the events file <code>");
	rg_report_html_escape(out, source);
	rg_strbuf_add(out, "</code>.</p>\n");
	summary(r, out);
	findings(r, out);
	diagrams(r, out);
	fixes(r, out);
	rg_strbuf_add(out, "<footer>Written by reflguard " RG_VERSION ". Times are UTC, as in the events file.</footer>\n</body>\n</html>\n");
}
