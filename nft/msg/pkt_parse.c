// SPDX-License-Identifier: GPL-2.0-or-later
#include "pkt_parse.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int ports(const uint8_t *l4, size_t len, uint8_t proto,
		 struct rg_tuple *t)
{
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return -1;
	if (len < 4)
		return -1;
	t->sport = get16(l4);
	t->dport = get16(l4 + 2);
	return 0;
}

static void set_addr(struct rg_addr *a, int family, const uint8_t *p)
{
	memset(a, 0, sizeof(*a));
	a->family = family;
	memcpy(a->u.bytes, p, family == AF_INET ? 4 : 16);
}

static int parse_v4(const uint8_t *pkt, size_t len, uint8_t *proto,
		    struct rg_tuple *t, size_t *l4)
{
	size_t ihl;

	if (len < 20)
		return -1;
	ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return -1;
	/* A non-first fragment carries no ports. */
	if (get16(pkt + 6) & 0x1fff)
		return -1;
	*proto = pkt[9];
	set_addr(&t->src, AF_INET, pkt + 12);
	set_addr(&t->dst, AF_INET, pkt + 16);
	*l4 = ihl;
	return ports(pkt + ihl, len - ihl, *proto, t);
}

/*
 * Walks IPv6 extension headers to the transport header. Every header
 * takes at least 8 bytes, so the walk ends with the packet: no count of
 * headers is needed (a fixed one refused chains a real stack may send).
 */
static int skip_v6_ext(const uint8_t *pkt, size_t len, size_t *off,
		       uint8_t *next)
{
	for (;;) {
		switch (*next) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			if (*off + 2 > len)
				return -1;
			*next = pkt[*off];
			*off += ((size_t)pkt[*off + 1] + 1) * 8;
			break;
		case IPPROTO_AH:
			/* RFC 4302: its length is in 4-byte units, minus 2. */
			if (*off + 2 > len)
				return -1;
			*next = pkt[*off];
			*off += ((size_t)pkt[*off + 1] + 2) * 4;
			break;
		case IPPROTO_FRAGMENT:
			if (*off + 8 > len)
				return -1;
			if (get16(pkt + *off + 2) & 0xfff8)
				return -1;	/* not the first fragment */
			*next = pkt[*off];
			*off += 8;
			break;
		default:
			return *off <= len ? 0 : -1;
		}
	}
}

static int parse_v6(const uint8_t *pkt, size_t len, uint8_t *proto,
		    struct rg_tuple *t, size_t *l4)
{
	size_t off = 40;
	uint8_t next;

	if (len < 40)
		return -1;
	next = pkt[6];
	if (skip_v6_ext(pkt, len, &off, &next) < 0)
		return -1;
	*proto = next;
	set_addr(&t->src, AF_INET6, pkt + 8);
	set_addr(&t->dst, AF_INET6, pkt + 24);
	*l4 = off;
	return ports(pkt + off, len - off, *proto, t);
}

static int parse(const uint8_t *pkt, size_t len, uint8_t *proto,
		 struct rg_tuple *t, size_t *l4)
{
	memset(t, 0, sizeof(*t));
	if (len < 1)
		return -1;
	switch (pkt[0] >> 4) {
	case 4:
		return parse_v4(pkt, len, proto, t, l4);
	case 6:
		return parse_v6(pkt, len, proto, t, l4);
	default:
		return -1;
	}
}

int rg_pkt_parse(const uint8_t *pkt, size_t len, uint8_t *proto,
		 struct rg_tuple *t)
{
	size_t l4;

	return parse(pkt, len, proto, t, &l4);
}

int rg_pkt_parse_tcp_seq(const uint8_t *pkt, size_t len, uint32_t *seq)
{
	struct rg_tuple t;
	uint8_t proto;
	size_t l4;

	if (!pkt || parse(pkt, len, &proto, &t, &l4) < 0 ||
	    proto != IPPROTO_TCP || len - l4 < 8)
		return -1;
	*seq = (uint32_t)get16(pkt + l4 + 4) << 16 | get16(pkt + l4 + 6);
	return 0;
}

int rg_pkt_parse_addrs(const uint8_t *pkt, size_t len, struct rg_tuple *t)
{
	memset(t, 0, sizeof(*t));
	if (!pkt || len < 1)
		return -1;
	if (pkt[0] >> 4 == 4 && len >= 20) {
		set_addr(&t->src, AF_INET, pkt + 12);
		set_addr(&t->dst, AF_INET, pkt + 16);
		return 0;
	}
	if (pkt[0] >> 4 == 6 && len >= 40) {
		set_addr(&t->src, AF_INET6, pkt + 8);
		set_addr(&t->dst, AF_INET6, pkt + 24);
		return 0;
	}
	return -1;
}
