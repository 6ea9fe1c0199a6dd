// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The report's diagram: Expressway-C, the firewall and Expressway-E side
 * by side, with two lanes, the connection before the fix (the source E
 * saw) and after it. Inline SVG, laid out on a fixed 1000 x 232 grid the
 * page scales; pure.
 */
#include "report_html.h"

#include <stdio.h>
#include <string.h>

/* Columns: lane labels, C, first hop, firewall, second hop, E. */
enum {
	W = 1000, H = 232,
	C_X = 120, BOX_W = 170, FW_X = 465, FW_W = 170, E_X = 820, E_W = 170,
	BOX_Y = 8, BOX_H = 216,
	BEFORE_Y = 118, AFTER_Y = 192,
	HOP = 175,			/* room for a label over an arrow */
	CHAR_W = 7,			/* monospace 12px, a little generous */
};

#define BAD "#b3261e"
#define GOOD "#1e7d32"
#define MUTED "#777777"

/* Text centred at x; squeezed to width when it would not fit. */
static void text(struct rg_strbuf *out, int x, int y, const char *cls,
		 int width, const char *s)
{
	rg_strbuf_addf(out, "<text x=\"%d\" y=\"%d\" class=\"%s\"", x, y, cls);
	if (width && strlen(s) * CHAR_W > (size_t)width)
		rg_strbuf_addf(out, " textLength=\"%d\" lengthAdjust=\"spacingAndGlyphs\"",
			       width);
	rg_strbuf_add(out, ">");
	rg_report_html_escape(out, s);
	rg_strbuf_add(out, "</text>\n");
}

static void box(struct rg_strbuf *out, int x, int w, const char *name,
		const char *addr, const char *note)
{
	rg_strbuf_addf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" class=\"box\"/>\n",
		       x, BOX_Y, w, BOX_H);
	text(out, x + w / 2, BOX_Y + 24, "name", 0, name);
	text(out, x + w / 2, BOX_Y + 44, "addr", w - 10, addr);
	if (note)
		text(out, x + w / 2, BOX_Y + 62, "note", w - 10, note);
}

/* A horizontal arrow from x0 to x1 at y; dashed when nothing went there. */
static void arrow(struct rg_strbuf *out, int x0, int x1, int y,
		  const char *colour, bool dashed)
{
	rg_strbuf_addf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"%s/>\n",
		       x0, y, x1 - 10, y, colour,
		       dashed ? " stroke-dasharray=\"6 5\"" : "");
	rg_strbuf_addf(out, "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"%s\"/>\n",
		       x1, y, x1 - 12, y - 6, x1 - 12, y + 6, colour);
}

/* One hop: the arrow, the endpoint over it (in class cls), a note under it. */
static void hop(struct rg_strbuf *out, int x0, int y, const char *colour,
		const char *cls, const char *over, const char *under)
{
	int mid = x0 + HOP / 2;

	arrow(out, x0 + 2, x0 + HOP - 2, y, colour, !over);
	if (over)
		text(out, mid, y - 9, cls, HOP - 8, over);
	if (under)
		text(out, mid, y + 18, "note", HOP - 8, under);
}

static void lane_label(struct rg_strbuf *out, int y, const char *title,
		       const char *ts)
{
	rg_strbuf_addf(out, "<text x=\"8\" y=\"%d\" class=\"lane\">", y - 4);
	rg_report_html_escape(out, title);
	rg_strbuf_add(out, "</text>\n");
	if (ts && ts[0])
		/* The time of day: the date is in the table. */
		text(out, 56, y + 14, "note", 104, strlen(ts) > 11 ? ts + 11 : ts);
}

static void before_lane(const struct rg_report_pair *p, struct rg_strbuf *out)
{
	const int y = BEFORE_Y, hop2 = FW_X + FW_W;

	lane_label(out, y, "before", p->before_ts);
	hop(out, C_X + BOX_W, y, "#333333", "ep", p->before_c, p->e_public);
	text(out, FW_X + FW_W / 2, y + 4, "bad", FW_W - 10, "source translated");
	hop(out, hop2, y, BAD, "ep bad", p->before, "E saw this, not C");
}

/* What the firewall did to the connection the fix is for. */
static const char *fw_after(const struct rg_report_pair *p, const char *after)
{
	if (after && p->exempted)
		return "exempted by reflguard";
	if (after)
		return "source kept";
	if (!strcmp(p->action, "refused"))
		return "not fixed: refused";
	if (!strcmp(p->action, "would-exempt"))
		return "not fixed: dry run";
	return p->exempted ? "exempted, not verified" : "not fixed";
}

static void after_lane(const struct rg_report_pair *p, struct rg_strbuf *out)
{
	const char *after = rg_report_pair_after(p);
	const int y = AFTER_Y, hop2 = FW_X + FW_W;
	const char *fw = fw_after(p, after);
	char why[RG_REPORT_REASON_LEN + 2];

	lane_label(out, y, "after", after ? p->after_ts : NULL);
	if (after) {
		hop(out, C_X + BOX_W, y, "#333333", "ep", after, p->e_public);
		text(out, FW_X + FW_W / 2, y + 4, "good", FW_W - 10, fw);
		hop(out, hop2, y, GOOD, "ep good", after, "C's real address");
		return;
	}
	snprintf(why, sizeof(why), "(%s)", p->reason);
	hop(out, C_X + BOX_W, y, MUTED, NULL, NULL, "no clean flow seen");
	text(out, FW_X + FW_W / 2, y + 4, "bad", FW_W - 10, fw);
	if (p->reason[0])
		text(out, FW_X + FW_W / 2, y + 20, "note", FW_W - 10, why);
	hop(out, hop2, y, MUTED, NULL, NULL, NULL);
}

void rg_report_svg(const struct rg_report_pair *p, struct rg_strbuf *out)
{
	char c[INET6_ADDRSTRLEN], e_pub[RG_ENDPOINT_STRLEN + 8];

	rg_addr_format(&p->c, c, sizeof(c));
	snprintf(e_pub, sizeof(e_pub), "public %s", p->e_public);
	rg_strbuf_addf(out, "<svg viewBox=\"0 0 %d %d\" role=\"img\" class=\"diagram\">\n",
		       W, H);
	rg_strbuf_add(out, "<title>Expressway-C ");
	rg_report_html_escape(out, c);
	rg_strbuf_add(out, " through the firewall to Expressway-E ");
	rg_report_html_escape(out, p->e_internal);
	rg_strbuf_add(out, ": the source E saw before and after the fix</title>\n");
	rg_strbuf_addf(out, "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"sep\"/>\n",
		       (BEFORE_Y + AFTER_Y) / 2 - 8, W, (BEFORE_Y + AFTER_Y) / 2 - 8);
	box(out, C_X, BOX_W, "Expressway-C", c, NULL);
	box(out, FW_X, FW_W, "Firewall", "NAT reflection", NULL);
	box(out, E_X, E_W, "Expressway-E", p->e_internal, e_pub);
	before_lane(p, out);
	after_lane(p, out);
	rg_strbuf_add(out, "</svg>\n");
}
