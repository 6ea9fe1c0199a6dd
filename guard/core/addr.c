// SPDX-License-Identifier: GPL-2.0-or-later
#include "addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/netfilter.h>
#include <sys/socket.h>

_Static_assert(NFPROTO_IPV4 == AF_INET && NFPROTO_IPV6 == AF_INET6,
	       "one list of families for nftables and addresses");
const int rg_addr_families[RG_ADDR_NFAMILIES] = { AF_INET, AF_INET6 };

int rg_addr_parse(const char *s, struct rg_addr *out)
{
	struct rg_addr a;

	memset(&a, 0, sizeof(a));
	/* inet_pton() alone is strict: no "10.1", no spaces, no octet > 255. */
	if (inet_pton(AF_INET, s, &a.u.v4) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, &a.u.v6) == 1)
		a.family = AF_INET6;
	else {
		errno = EINVAL;
		return -1;
	}
	*out = a;
	return 0;
}

size_t rg_addr_len(const struct rg_addr *a)
{
	switch (a->family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	}
	return 0;
}

bool rg_addr_equal(const struct rg_addr *a, const struct rg_addr *b)
{
	return a->family == b->family &&
	       !memcmp(a->u.bytes, b->u.bytes, rg_addr_len(a));
}

/* Digits only, at most 'max': sscanf would take signs and spaces. */
static int parse_uint(const char *s, size_t n, unsigned long max,
		      unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

static void clear_host_bits(struct rg_addr *a, unsigned int len)
{
	size_t i, n = rg_addr_len(a);

	for (i = 0; i < n; i++) {
		if (len >= 8) {
			len -= 8;
			continue;
		}
		a->u.bytes[i] &= (uint8_t)(0xff << (8 - len));
		len = 0;
	}
}

int rg_addr_prefix_parse(const char *s, struct rg_prefix *out)
{
	char buf[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	struct rg_prefix p;
	unsigned long len;
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf))
		goto bad;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (rg_addr_parse(buf, &p.addr))
		goto bad;
	len = rg_addr_len(&p.addr) * 8;
	if (slash && parse_uint(slash + 1, strlen(slash + 1), len, &len))
		goto bad;
	p.len = (unsigned int)len;
	clear_host_bits(&p.addr, p.len);
	*out = p;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

bool rg_addr_prefix_contains(const struct rg_prefix *p, const struct rg_addr *a)
{
	struct rg_addr masked = *a;

	if (a->family != p->addr.family)
		return false;
	clear_host_bits(&masked, p->len);
	return rg_addr_equal(&masked, &p->addr);
}

void rg_addr_format(const struct rg_addr *a, char *buf, size_t len)
{
	if (!len)
		return;
	if (!rg_addr_len(a) ||
	    !inet_ntop(a->family, a->u.bytes, buf, (socklen_t)len))
		snprintf(buf, len, "?");
}

/* Writes v's decimal digits at p; returns the end. */
static char *put_uint(char *p, unsigned int v)
{
	char digits[10];
	int n = 0;

	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = digits[--n];
	return p;
}

/* Each queued flow formats four of these: no printf machinery. The
 * result is cut to len like snprintf's. */
void rg_addr_endpoint_format(const struct rg_addr *a, uint16_t port, char *buf,
			     size_t len)
{
	char out[RG_ENDPOINT_STRLEN], *p = out;
	size_t n;

	if (a->family == AF_INET6)
		*p++ = '[';
	rg_addr_format(a, p, INET6_ADDRSTRLEN);
	p += strlen(p);
	if (a->family == AF_INET6)
		*p++ = ']';
	*p++ = ':';
	p = put_uint(p, port);
	n = (size_t)(p - out);
	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(buf, out, n);
	buf[n] = '\0';
}

static int parse_proto(const char *s, size_t n, uint8_t *out)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP };
	size_t i;

	for (i = 0; i < sizeof(protos); i++) {
		const char *name = rg_addr_proto_name(protos[i]);

		if (strlen(name) == n && !strncmp(s, name, n)) {
			*out = protos[i];
			return 0;
		}
	}
	return -1;
}

int rg_addr_port_range_parse(const char *s, struct rg_port_range *out)
{
	const char *slash = strchr(s, '/'), *ports, *dash;
	unsigned long lo, hi;
	struct rg_port_range r;

	if (!slash || parse_proto(s, (size_t)(slash - s), &r.proto))
		goto bad;
	ports = slash + 1;
	dash = strchr(ports, '-');
	if (parse_uint(ports, dash ? (size_t)(dash - ports) : strlen(ports),
		       65535, &lo))
		goto bad;
	hi = lo;
	if (dash && parse_uint(dash + 1, strlen(dash + 1), 65535, &hi))
		goto bad;
	/* Port 0 is no port a connection can be made to. */
	if (!lo || lo > hi)
		goto bad;
	r.lo = (uint16_t)lo;
	r.hi = (uint16_t)hi;
	*out = r;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

bool rg_addr_port_range_contains(const struct rg_port_range *r, uint8_t proto,
				 uint16_t port)
{
	return r->proto == proto && port >= r->lo && port <= r->hi;
}

const char *rg_addr_proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	}
	return "?";
}

const char *rg_addr_name_hint(const char *s, size_t n)
{
	bool letter = false;
	size_t i;

	for (i = 0; i < n; i++) {
		if (isalpha((unsigned char)s[i]))
			letter = true;
		else if (!isdigit((unsigned char)s[i]) && s[i] != '.' && s[i] != '-')
			return "";
	}
	/* Hex digits alone may be a mistyped IPv6 address, which has colons. */
	return letter ? " (host names are not resolved: give the IP address)" : "";
}
