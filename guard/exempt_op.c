// SPDX-License-Identifier: GPL-2.0-or-later
#include "exempt_op.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "exempt.h"

void rg_exempt_op_stamp(char *buf, size_t len)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	rg_event_format_ts(&ts, buf, len);
}

void rg_exempt_op_why_manual(bool force, char *buf, size_t len)
{
	snprintf(buf, len, "manual (reflguard exempt add%s)", force ? " --force" : "");
}

void rg_exempt_op_why_seen(const struct rg_event *ev, char *buf, size_t len)
{
	char c[RG_ENDPOINT_STRLEN], sees[RG_ENDPOINT_STRLEN];

	rg_addr_endpoint_format(&ev->c, ev->c_port, c, sizeof(c));
	rg_addr_endpoint_format(&ev->e_sees, ev->e_sees_port, sees, sizeof(sees));
	snprintf(buf, len, "%s seen by Expressway-E as %s", c, sees);
}

int rg_exempt_op_add(struct rg_nl *nl, struct rg_state *st,
		     const struct rg_exemption *x, const char *why)
{
	struct rg_state_entry e;
	int err;

	if (rg_exempt_change(nl, x, true) < 0)
		return -1;
	memset(&e, 0, sizeof(e));
	e.x = *x;
	rg_exempt_op_stamp(e.added, sizeof(e.added));
	snprintf(e.why, sizeof(e.why), "%s", why);
	if (rg_state_put(st, &e) == 0)
		return 0;
	err = errno;
	rg_exempt_change(nl, x, false);
	errno = err;
	return -1;
}

int rg_exempt_op_del(struct rg_nl *nl, struct rg_state *st,
		     const struct rg_exemption *x)
{
	const struct rg_state_entry *e = rg_state_find(st, x);
	bool in_kernel;

	/* The configuration owns an exempt line; the caller names it. */
	if (e && e->is_static) {
		errno = EPERM;
		return -1;
	}
	in_kernel = rg_exempt_change(nl, x, false) == 0;
	if (!in_kernel && errno != ENOENT)
		return -1;
	if (!e && !in_kernel) {
		errno = ENOENT;
		return -1;
	}
	if (!e)
		return 0;
	rg_state_del(st, x);
	return 1;
}

int rg_exempt_op_withdraw(struct rg_nl *nl, struct rg_state *st,
			  const struct rg_exemption *x, bool *had)
{
	int ret = 0, err = 0;

	if (rg_exempt_change(nl, x, false) < 0 && errno != ENOENT) {
		err = errno;
		ret = -1;
	}
	*had = rg_state_del(st, x) == 0;
	errno = err;
	return ret;
}

size_t rg_exempt_op_flush_state(struct rg_state *st)
{
	size_t removed = rg_state_dynamic(st);

	rg_state_clear_dynamic(st);
	return removed;
}

int rg_exempt_op_flush(struct rg_nl *nl, struct rg_state *st,
		       const struct rg_config *cfg, size_t *removed)
{
	struct rg_exemption xs[RG_MAX_STATIC];
	size_t i;

	for (i = 0; i < cfg->n_static; i++)
		xs[i] = cfg->statics[i].x;
	if (rg_exempt_sync(nl, xs, cfg->n_static) < 0)
		return -1;
	*removed = rg_exempt_op_flush_state(st);
	return 0;
}
