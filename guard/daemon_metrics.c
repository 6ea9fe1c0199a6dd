// SPDX-License-Identifier: GPL-2.0-or-later
/* --metrics: the daemon's side of the Prometheus endpoint. */
#include <errno.h>
#include <string.h>

#include "daemon_int.h"

static void render(void *data, struct rg_strbuf *body)
{
	struct daemon *d = data;
	struct rg_metrics_info info = {
		.version = RG_VERSION,
		.start_time_s = (int64_t)d->started_real,
	};

	rg_daemon_refresh_counters(d);
	rg_metrics_format(&d->status, &d->handling, &info, body);
}

/*
 * Bound before capabilities are dropped; a port below 1024 would need
 * CAP_NET_BIND_SERVICE only here, at start, so any port works, but a
 * high one (9153 is the convention) is what the documentation expects.
 */
int rg_daemon_metrics_open(struct daemon *d)
{
	const struct rg_listen *l = &d->cfg->metrics;
	char where[RG_ENDPOINT_STRLEN];
	int err;

	if (!l->port)
		return 0;
	rg_addr_endpoint_format(&l->addr, l->port, where, sizeof(where));
	if (rg_metrics_server_listen(&d->metrics, l) < 0) {
		err = errno;
		if (err == EADDRINUSE)
			rg_log_err("metrics: %s is in use by another program; not starting (choose another with --metrics)",
			       where);
		else
			rg_log_err("metrics: cannot listen on %s: %s; not starting", where,
			       strerror(err));
		return err == EADDRINUSE || err == EADDRNOTAVAIL ?
		       RG_DAEMON_BAD_INPUT : RG_DAEMON_CANNOT_START;
	}
	d->metrics.render = render;
	d->metrics.data = d;
	if (rg_metrics_server_watch(&d->metrics, &d->loop) < 0)
		return -1;
	rg_log("metrics: serving http://%s/metrics", where);
	return 0;
}
