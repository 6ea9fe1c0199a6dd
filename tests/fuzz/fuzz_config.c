// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The configuration file parser: rg_config_parse_text() over a file's
 * text, then rg_config_validate() and rg_config_merge() as `run` uses them.
 */
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "config.h"
#include "fuzz.h"

static void check_config(const struct rg_config *c)
{
	size_t i;

	FUZZ_CHECK(c->n_e <= RG_MAX_E);
	FUZZ_CHECK(c->n_c <= RG_MAX_C);
	FUZZ_CHECK(c->n_ports >= 1 && c->n_ports <= RG_MAX_PORTS);
	for (i = 0; i < c->n_e; i++) {
		FUZZ_CHECK(c->e[i].pub.family == AF_INET ||
			   c->e[i].pub.family == AF_INET6);
		FUZZ_CHECK(!c->e[i].has_internal ||
			   c->e[i].internal.family == c->e[i].pub.family);
	}
	for (i = 0; i < c->n_c; i++)
		FUZZ_CHECK(c->c[i].len <= (c->c[i].addr.family == AF_INET ? 32u : 128u));
	for (i = 0; i < c->n_ports; i++) {
		FUZZ_CHECK(c->ports[i].proto == IPPROTO_TCP ||
			   c->ports[i].proto == IPPROTO_UDP);
		FUZZ_CHECK(c->ports[i].lo <= c->ports[i].hi);
	}
	FUZZ_CHECK(c->max_exemptions >= 1 &&
		   c->max_exemptions <= RG_MAX_EXEMPTIONS_LIMIT);
	FUZZ_CHECK(fuzz_terminated(c->events, sizeof(c->events)));
	FUZZ_CHECK(fuzz_terminated(c->state, sizeof(c->state)));
	FUZZ_CHECK(fuzz_terminated(c->control, sizeof(c->control)));
}

/*
 * The settings live in static blocks, and the defaults are worked out once:
 * a struct rg_config is 25 KB, and allocating, clearing and defaulting two
 * of them for every input took most of the time of a run, not the parser.
 */
static struct rg_config defaults, c, before;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	char err[RG_ERR_LEN];

	if (!defaults.max_exemptions)
		rg_config_defaults(&defaults);
	memcpy(&c, &defaults, sizeof(c));
	if (rg_config_parse_text(&c, text, "fuzz.conf", err, sizeof(err)) == 0) {
		check_config(&c);
		if (rg_config_validate(&c, err, sizeof(err)))
			FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
		/* The file under the command line's options, as in `run`. */
		before = defaults;
		rg_config_merge(&before, &c);
		check_config(&before);
	} else {
		/* A file with an error changes nothing. */
		FUZZ_CHECK(!memcmp(&c, &defaults, sizeof(c)));
		FUZZ_CHECK(fuzz_terminated(err, sizeof(err)));
		FUZZ_CHECK(!strncmp(err, "fuzz.conf:", 10));
	}
	free(text);
	return 0;
}
