// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The events file reader: the whole input as one line for rg_jdoc_parse(),
 * then line by line into a report (as `reflguard report` feeds what
 * getline() returns), summarised as text, as JSON and as HTML; the page
 * never carries markup from the input.
 */
#include "fuzz.h"
#include "json_read.h"
#include "report.h"
#include "report_html.h"
#include "strbuf.h"

static void check_str(const struct rg_jdoc *d, const char *s)
{
	FUZZ_CHECK(s >= d->text && s < d->text + sizeof(d->text));
	FUZZ_CHECK(fuzz_terminated(s, (size_t)(d->text + sizeof(d->text) - s)));
}

static void parse_line(const uint8_t *data, size_t size)
{
	struct rg_jdoc *d = fuzz_alloc(sizeof(*d));
	char *line = (char *)fuzz_copy(data, size);
	size_t i;

	if (rg_jdoc_parse(d, line, size) == 0) {
		FUZZ_CHECK(d->n <= RG_JDOC_MAX_KEYS);
		FUZZ_CHECK(d->used <= sizeof(d->text));
		for (i = 0; i < d->n; i++) {
			check_str(d, d->f[i].key);
			FUZZ_CHECK(rg_jdoc_get(d, d->f[i].key) == &d->f[i]);
			if (d->f[i].type == RG_JDOC_STRING ||
			    d->f[i].type == RG_JDOC_NUMBER)
				check_str(d, d->f[i].str);
		}
	}
	free(line);
	free(d);
}

static void report(const uint8_t *data, size_t size)
{
	struct rg_strbuf text, json, html;
	struct rg_report r;
	size_t at = 0;

	rg_report_init(&r);
	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t n = nl ? (size_t)(nl - (data + at)) + 1 : size - at;
		char *line = (char *)fuzz_copy(data + at, n);

		rg_report_feed(&r, line, n);
		free(line);
		at += n;
	}
	rg_strbuf_init(&text);
	rg_strbuf_init(&json);
	rg_strbuf_init(&html);
	rg_report_text(&r, &text);
	rg_report_json(&r, &json);
	rg_report_html(&r, "events", &html);
	FUZZ_CHECK(!rg_strbuf_failed(&text) && !rg_strbuf_failed(&json) &&
		   !rg_strbuf_failed(&html));
	FUZZ_CHECK(!strstr(html.data, "<script") && !strstr(html.data, "<img"));
	FUZZ_CHECK(r.translated <= r.flows);
	rg_strbuf_free(&html);
	rg_strbuf_free(&json);
	rg_strbuf_free(&text);
	rg_report_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_line(data, size);
	report(data, size);
	return 0;
}
