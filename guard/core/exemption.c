// SPDX-License-Identifier: GPL-2.0-or-later
#include "exemption.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "errmsg.h"

/* Each field of a concatenated set key fills whole 32-bit registers. */
#define REG 4

bool rg_exemption_valid(const struct rg_exemption *x)
{
	return rg_addr_len(&x->c) && x->c.family == x->e_internal.family &&
	       (x->proto == IPPROTO_TCP || x->proto == IPPROTO_UDP) &&
	       x->port;
}

bool rg_exemption_equal(const struct rg_exemption *a,
			const struct rg_exemption *b)
{
	return rg_addr_equal(&a->c, &b->c) &&
	       rg_addr_equal(&a->e_internal, &b->e_internal) &&
	       a->proto == b->proto && a->port == b->port;
}

size_t rg_exemption_key(const struct rg_exemption *x,
			uint8_t key[RG_EXEMPT_KEY_MAX])
{
	size_t alen = rg_addr_len(&x->c);
	uint16_t port = htons(x->port);

	/* 0 rather than a key the kernel would take for a different element. */
	if (!rg_exemption_valid(x))
		return 0;
	memset(key, 0, RG_EXEMPT_KEY_MAX);
	memcpy(key, x->c.u.bytes, alen);
	memcpy(key + alen, x->e_internal.u.bytes, alen);
	key[2 * alen] = x->proto;
	memcpy(key + 2 * alen + REG, &port, sizeof(port));
	return 2 * alen + 2 * REG;
}

static bool zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

int rg_exemption_from_key(int family, const uint8_t *key, size_t len,
			  struct rg_exemption *x)
{
	struct rg_exemption t;
	uint16_t port;
	size_t alen;

	memset(&t, 0, sizeof(t));
	t.c.family = family;
	t.e_internal.family = family;
	alen = rg_addr_len(&t.c);
	if (!alen || len != 2 * alen + 2 * REG)
		goto bad;
	/* Non-zero padding means the key is not of this set's type. */
	if (!zero(key + 2 * alen + 1, REG - 1) ||
	    !zero(key + 2 * alen + REG + sizeof(port), REG - sizeof(port)))
		goto bad;
	memcpy(t.c.u.bytes, key, alen);
	memcpy(t.e_internal.u.bytes, key + alen, alen);
	t.proto = key[2 * alen];
	memcpy(&port, key + 2 * alen + REG, sizeof(port));
	t.port = ntohs(port);
	if (!rg_exemption_valid(&t))
		goto bad;
	*x = t;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

void rg_exemption_element(const struct rg_exemption *x, char *buf,
			  size_t len)
{
	char c[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN];

	rg_addr_format(&x->c, c, sizeof(c));
	rg_addr_format(&x->e_internal, e, sizeof(e));
	snprintf(buf, len, "%s . %s . %s . %u", c, e, rg_addr_proto_name(x->proto),
		 x->port);
}

void rg_exemption_statement(const struct rg_exemption *x, char *buf,
			    size_t len)
{
	char el[RG_EXEMPT_ELEMENT_LEN];
	bool v6 = x->c.family == AF_INET6;

	if (!len)
		return;
	/* No statement at all beats one nft would apply to the wrong set. */
	if (!rg_exemption_valid(x)) {
		buf[0] = '\0';
		return;
	}
	rg_exemption_element(x, el, sizeof(el));
	snprintf(buf, len, "add element %s reflguard %s { %s }",
		 v6 ? "ip6" : "ip", v6 ? "exempt6" : "exempt4", el);
}

int rg_exemption_parse(const char *c, const char *e, const char *proto_port,
		       struct rg_exemption *x, char *err, size_t errlen)
{
	struct rg_port_range r;
	struct rg_exemption t;

	memset(&t, 0, sizeof(t));
	if (rg_addr_parse(c, &t.c))
		return rg_errmsgf(err, errlen, "invalid address '%s' for C_ADDR%s", c,
			    rg_addr_name_hint(c, strlen(c)));
	if (rg_addr_parse(e, &t.e_internal))
		return rg_errmsgf(err, errlen, "invalid address '%s' for E_INTERNAL%s",
			    e, rg_addr_name_hint(e, strlen(e)));
	if (t.c.family != t.e_internal.family)
		return rg_errmsgf(err, errlen,
			    "C_ADDR and E_INTERNAL are of different families");
	if (rg_addr_port_range_parse(proto_port, &r))
		return rg_errmsgf(err, errlen, "invalid PROTO/PORT '%s'", proto_port);
	/* One element per port: a range would exempt ports nobody saw fail. */
	if (r.lo != r.hi)
		return rg_errmsgf(err, errlen,
			    "a single port is needed, not the range '%s'",
			    proto_port);
	t.proto = r.proto;
	t.port = r.lo;
	*x = t;
	return 0;
}
