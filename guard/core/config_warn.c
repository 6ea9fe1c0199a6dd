// SPDX-License-Identifier: GPL-2.0-or-later
#include "config_warn.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

static bool loopback(const struct rg_addr *a)
{
	if (a->family == AF_INET)
		return (ntohl(a->u.v4.s_addr) >> 24) == 127;
	return a->family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(&a->u.v6);
}

size_t rg_config_warn(const struct rg_config *c, const char *file,
		      struct rg_strbuf *out)
{
	char where[RG_ENDPOINT_STRLEN];
	size_t n = 0;

	if (c->mode == RG_MODE_REMEDIATE && !c->n_c) {
		rg_strbuf_addf(out, "%s: warning: mode = remediate without expressway-c: any source that dials Expressway-E's public address counts as Expressway-C and may be exempted\n",
			       file);
		n++;
	}
	if (c->metrics.port && !loopback(&c->metrics.addr)) {
		rg_addr_endpoint_format(&c->metrics.addr, c->metrics.port, where,
					sizeof(where));
		rg_strbuf_addf(out, "%s: warning: metrics on %s, not a loopback address: the endpoint has no authentication, so whoever reaches it reads the counters\n",
			       file, where);
		n++;
	}
	return n;
}
