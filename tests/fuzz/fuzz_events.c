// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The events file's line parser: the whole input as one line for
 * rg_json_read_parse(). What `reflguard report` makes of the lines is
 * fuzz_report's: parsing alone runs many times faster than parsing and
 * rendering, and reaches the parser's corners sooner.
 */
#include "fuzz.h"
#include "json_read.h"

static void check_str(const struct rg_jdoc *d, const char *s)
{
	FUZZ_CHECK(s >= d->text && s < d->text + sizeof(d->text));
	FUZZ_CHECK(fuzz_terminated(s, (size_t)(d->text + sizeof(d->text) - s)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* rg_json_read_parse() resets what it uses: no 4.6 KB block per input. */
	static struct rg_jdoc d;
	char *line = (char *)fuzz_copy(data, size);
	size_t i;

	if (rg_json_read_parse(&d, line, size) == 0) {
		FUZZ_CHECK(d.n <= RG_JDOC_MAX_KEYS);
		FUZZ_CHECK(d.used <= sizeof(d.text));
		for (i = 0; i < d.n; i++) {
			check_str(&d, d.f[i].key);
			FUZZ_CHECK(rg_json_read_get(&d, d.f[i].key) == &d.f[i]);
			if (d.f[i].type == RG_JDOC_STRING ||
			    d.f[i].type == RG_JDOC_NUMBER)
				check_str(&d, d.f[i].str);
		}
	}
	free(line);
	return 0;
}
