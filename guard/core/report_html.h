/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_REPORT_HTML_H
#define RG_REPORT_HTML_H

#include "report.h"
#include "strbuf.h"

/*
 * `reflguard report --html`: one self-contained page (inline style and
 * SVG, no script, nothing fetched) for the firewall's owner. Pure. Every
 * string that came from the events file or the command line is escaped.
 */
#define RG_REPORT_HTML_MAX_DIAGRAMS 12

/* source: the events file's name as given, shown on the page. */
void rg_report_html(const struct rg_report *r, const char *source,
		    struct rg_strbuf *out);
/* The deployment, C -> firewall -> E, before and after the fix. */
void rg_report_svg(const struct rg_report_pair *p, struct rg_strbuf *out);
/* s with & < > " ' as character references: safe in text and attributes. */
void rg_report_html_escape(struct rg_strbuf *out, const char *s);

#endif
