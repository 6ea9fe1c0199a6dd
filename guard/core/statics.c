// SPDX-License-Identifier: GPL-2.0-or-later
#include "statics.h"

#include <stdio.h>
#include <string.h>

/* A state file the daemon can fill must load again. */
_Static_assert(RG_STATE_MAX_ENTRIES >=
	       (unsigned long long)RG_MAX_EXEMPTIONS_LIMIT + RG_MAX_STATIC,
	       "the state reader takes fewer exemptions than the config allows");

void rg_statics_origin(const struct rg_config *c,
		       const struct rg_static_exempt *st, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u", c->static_file, st->line);
}

/* Static entries the configuration no longer names: theirs to withdraw. */
static bool still_named(const struct rg_state_entry *e, const void *config)
{
	return !e->is_static || rg_config_static(config, &e->x);
}

int rg_statics_apply(struct rg_state *s, const struct rg_config *c,
		     const char *now)
{
	char origin[PATH_MAX + 16];
	struct rg_state_entry e, *have;
	size_t i, n;

	rg_state_keep(s, still_named, c);
	for (i = 0; i < c->n_static; i++) {
		rg_statics_origin(c, &c->statics[i], origin, sizeof(origin));
		have = rg_state_find(s, &c->statics[i].x);
		memset(&e, 0, sizeof(e));
		if (have)
			e = *have;
		else
			snprintf(e.added, sizeof(e.added), "%s", now);
		e.x = c->statics[i].x;
		e.is_static = true;
		/* A long path loses its start, never the line number. */
		n = strlen(origin);
		snprintf(e.why, sizeof(e.why), "static (exempt line %.130s)",
			 n > 130 ? origin + n - 130 : origin);
		if (rg_state_put(s, &e) < 0)
			return -1;
	}
	return 0;
}
