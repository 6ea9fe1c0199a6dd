// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The state file parser: rg_state_parse() over a file's text. What parses
 * is written back with rg_state_serialize() and must parse again to the
 * same text: the daemon rewrites the file after every change, and a file
 * it cannot read back stops the next start.
 */
#include "fuzz.h"
#include "state.h"
#include "strbuf.h"

static void round_trip(const struct rg_state *s)
{
	struct rg_strbuf once, twice;
	struct rg_state again;
	char err[512];

	rg_strbuf_init(&once);
	rg_strbuf_init(&twice);
	rg_state_init(&again);
	rg_state_serialize(s, &once);
	FUZZ_CHECK(!rg_strbuf_failed(&once));
	if (rg_state_parse(rg_strbuf_str(&once), "again", &again, err,
			   sizeof(err))) {
		fprintf(stderr, "written back, refused: %s\n%s", err,
			rg_strbuf_str(&once));
		abort();
	}
	FUZZ_CHECK(again.n == s->n);
	rg_state_serialize(&again, &twice);
	FUZZ_CHECK(!strcmp(rg_strbuf_str(&once), rg_strbuf_str(&twice)));
	rg_state_free(&again);
	rg_strbuf_free(&twice);
	rg_strbuf_free(&once);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct rg_state s;
	char err[512];

	rg_state_init(&s);
	if (rg_state_parse(text, "fuzz.state", &s, err, sizeof(err)) == 0) {
		round_trip(&s);
	} else {
		FUZZ_CHECK(s.n == 0 && s.v == NULL);
		FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
		FUZZ_CHECK(!strncmp(err, "fuzz.state:", 11));
	}
	rg_state_free(&s);
	free(text);
	return 0;
}
