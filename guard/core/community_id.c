// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Community ID v1 flow hashing, so an event can be joined with the same
 * flow in Zeek, Suricata or Elastic: https://github.com/corelight/community-id-spec
 */
#include "event.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <openssl/evp.h>

#define SHA1_LEN 20
/* seed, two IPv6 addresses, proto, padding, two ports */
#define HASH_INPUT_MAX (2 + 16 + 16 + 1 + 1 + 2 + 2)

/* The spec's order: the smaller address first; equal addresses, the smaller port. */
static bool src_first(const struct rg_addr *src, uint16_t sport,
		      const struct rg_addr *dst, uint16_t dport)
{
	int cmp = memcmp(src->u.bytes, dst->u.bytes, rg_addr_len(src));

	return cmp < 0 || (cmp == 0 && sport < dport);
}

/* Only these carry ports in v1; ICMP's type/code mapping is not implemented. */
static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t hash_input(const struct rg_addr *a, uint16_t aport,
			 const struct rg_addr *b, uint16_t bport,
			 uint8_t proto, uint16_t seed, uint8_t *in)
{
	size_t alen = rg_addr_len(a), n = 0;

	put16(in + n, seed);
	n += 2;
	memcpy(in + n, a->u.bytes, alen);
	n += alen;
	memcpy(in + n, b->u.bytes, alen);
	n += alen;
	in[n++] = proto;
	in[n++] = 0;
	if (has_ports(proto)) {
		put16(in + n, aport);
		put16(in + n + 2, bport);
		n += 4;
	}
	return n;
}

int rg_community_id(const struct rg_addr *src, uint16_t sport,
		    const struct rg_addr *dst, uint16_t dport, uint8_t proto,
		    uint16_t seed, char *buf, size_t len)
{
	uint8_t in[HASH_INPUT_MAX], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	size_t n;

	/* "1:", 28 base64 characters, NUL */
	if (!rg_addr_len(src) || src->family != dst->family ||
	    proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 || len < 31) {
		errno = EINVAL;
		return -1;
	}
	if (src_first(src, sport, dst, dport))
		n = hash_input(src, sport, dst, dport, proto, seed, in);
	else
		n = hash_input(dst, dport, src, sport, proto, seed, in);
	if (!EVP_Digest(in, n, md, &mdlen, EVP_sha1(), NULL) ||
	    mdlen != SHA1_LEN) {
		errno = EIO;
		return -1;
	}
	memcpy(buf, "1:", 2);
	EVP_EncodeBlock((unsigned char *)buf + 2, md, SHA1_LEN);
	return 0;
}
