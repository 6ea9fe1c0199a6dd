// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `reflguard report` over an events file: rg_report_feed() line by line,
 * as it is fed what getline() returns, then one rendering of the summary.
 * The input's length modulo 3 picks text, JSON or HTML: each gets a third
 * of the executions instead of every input paying for all three, and a
 * mutation that adds or drops a byte moves an input to another one. The
 * page never carries markup from the input.
 */
#include "fuzz.h"
#include "report.h"
#include "report_html.h"
#include "strbuf.h"

static void feed(struct rg_report *r, const uint8_t *data, size_t size)
{
	size_t at = 0;

	while (at < size) {
		const uint8_t *nl = memchr(data + at, '\n', size - at);
		size_t n = nl ? (size_t)(nl - (data + at)) + 1 : size - at;
		char *line = (char *)fuzz_copy(data + at, n);

		rg_report_feed(r, line, n);
		free(line);
		at += n;
	}
}

static void render(const struct rg_report *r, size_t which)
{
	struct rg_strbuf out;

	rg_strbuf_init(&out);
	if (which == 0) {
		rg_report_text(r, &out);
	} else if (which == 1) {
		rg_report_json(r, &out);
	} else {
		rg_report_html(r, "events", &out);
		FUZZ_CHECK(rg_strbuf_failed(&out) ||
			   (!strstr(out.data, "<script") && !strstr(out.data, "<img")));
	}
	FUZZ_CHECK(!rg_strbuf_failed(&out));
	rg_strbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rg_report r;

	rg_report_init(&r);
	feed(&r, data, size);
	FUZZ_CHECK(r.translated <= r.flows);
	render(&r, size % 3);
	rg_report_free(&r);
	return 0;
}
