// SPDX-License-Identifier: GPL-2.0-or-later
#include "statics.h"

#include <stdio.h>
#include <string.h>

void rg_statics_origin(const struct rg_config *c,
		       const struct rg_static_exempt *st, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u", c->static_file, st->line);
}

/* Static entries the configuration no longer names: theirs to withdraw. */
static void withdraw(struct rg_state *s, const struct rg_config *c)
{
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (!s->v[i].is_static || rg_config_static(c, &s->v[i].x))
			s->v[k++] = s->v[i];
	s->n = k;
}

int rg_statics_apply(struct rg_state *s, const struct rg_config *c,
		     const char *now)
{
	char origin[PATH_MAX + 16];
	struct rg_state_entry e, *have;
	size_t i, n;

	withdraw(s, c);
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
