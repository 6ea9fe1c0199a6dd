// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pkt_parse.h"
#include "queue.h"
#include "unit.h"

/*
 * Packets are built byte by byte, then parsed from a heap copy of exactly
 * the length given, so that ASan reports any read past it.
 */
struct pkt {
	uint8_t b[2048];
	size_t len;
};

static void put(struct pkt *p, const void *data, size_t n)
{
	CU_ASSERT_FATAL(p->len + n <= sizeof(p->b));
	memcpy(p->b + p->len, data, n);
	p->len += n;
}

static void put16(uint8_t *at, uint16_t v)
{
	at[0] = (uint8_t)(v >> 8);
	at[1] = (uint8_t)v;
}

static void put_addr(uint8_t *at, int family, const char *s)
{
	CU_ASSERT_EQUAL_FATAL(inet_pton(family, s, at), 1);
}

/* An IPv4 header of ihl 32-bit words; options are filled with 0xff. */
static void ipv4(struct pkt *p, unsigned int ihl, uint8_t proto,
		 uint16_t frag, const char *src, const char *dst)
{
	uint8_t h[60];

	memset(h, 0xff, sizeof(h));
	memset(h, 0, 20);
	h[0] = (uint8_t)(0x40 | ihl);
	put16(h + 2, 0);		/* total length: not trusted anyway */
	put16(h + 6, frag);
	h[8] = 64;
	h[9] = proto;
	put_addr(h + 12, AF_INET, src);
	put_addr(h + 16, AF_INET, dst);
	put(p, h, ihl < 5 ? 20 : ihl * 4);
}

static void ipv6(struct pkt *p, uint8_t next, const char *src,
		 const char *dst)
{
	uint8_t h[40] = { 0x60 };

	h[6] = next;
	h[7] = 64;
	put_addr(h + 8, AF_INET6, src);
	put_addr(h + 24, AF_INET6, dst);
	put(p, h, sizeof(h));
}

/* A hop-by-hop, routing or destination options header of 8*(n+1) bytes. */
static void ext(struct pkt *p, uint8_t next, uint8_t n)
{
	uint8_t h[8 * 256];

	/* Padding of 0xff: a parser off by a few bytes reads nonsense. */
	memset(h, 0xff, sizeof(h));
	h[0] = next;
	h[1] = n;
	put(p, h, 8u * (n + 1u));
}

/* offset in 8-byte units; more: the M flag. */
static void frag6(struct pkt *p, uint8_t next, uint16_t offset, bool more)
{
	uint8_t h[8] = { next, 0 };

	put16(h + 2, (uint16_t)(offset << 3 | (more ? 1 : 0)));
	h[4] = 0xde;
	h[5] = 0xad;
	h[6] = 0xbe;
	h[7] = 0xef;
	put(p, h, sizeof(h));
}

static void tcp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	uint8_t h[20] = { 0 };

	put16(h, sport);
	put16(h + 2, dport);
	h[12] = 5 << 4;
	h[13] = 0x02;			/* SYN */
	put(p, h, sizeof(h));
}

static void udp(struct pkt *p, uint16_t sport, uint16_t dport)
{
	uint8_t h[8] = { 0 };

	put16(h, sport);
	put16(h + 2, dport);
	put16(h + 4, 8);
	put(p, h, sizeof(h));
}

static int parse_exact(const uint8_t *b, size_t len, uint8_t *proto,
		       struct rg_tuple *t)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, b, len);
	memset(t, 0xa5, sizeof(*t));
	ret = rg_pkt_parse(copy, len, proto, t);
	free(copy);
	return ret;
}

static void assert_addr(const struct rg_addr *a, int family, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	CU_ASSERT_EQUAL(a->family, family);
	rg_addr_format(a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void assert_parses(const struct pkt *p, uint8_t want_proto, int family,
			  const char *src, uint16_t sport, const char *dst,
			  uint16_t dport)
{
	struct rg_tuple t;
	uint8_t proto = 0;

	CU_ASSERT_EQUAL_FATAL(parse_exact(p->b, p->len, &proto, &t), 0);
	CU_ASSERT_EQUAL(proto, want_proto);
	assert_addr(&t.src, family, src);
	assert_addr(&t.dst, family, dst);
	CU_ASSERT_EQUAL(t.sport, sport);
	CU_ASSERT_EQUAL(t.dport, dport);
}

static void assert_refused(const struct pkt *p)
{
	struct rg_tuple t;
	uint8_t proto;

	CU_ASSERT_EQUAL(parse_exact(p->b, p->len, &proto, &t), -1);
}

/*
 * Every cut before the ports end (at need) is refused; every cut from
 * there to the whole packet parses.
 */
static void assert_cuts(const struct pkt *p, size_t need)
{
	struct rg_tuple t;
	uint8_t proto;
	size_t len;

	for (len = 0; len < need; len++)
		CU_ASSERT_EQUAL(parse_exact(p->b, len, &proto, &t), -1);
	for (; len <= p->len; len++)
		CU_ASSERT_EQUAL(parse_exact(p->b, len, &proto, &t), 0);
}

static void test_v4_tcp(void)
{
	struct pkt p = { .len = 0 };

	ipv4(&p, 5, IPPROTO_TCP, 0x4000, "10.0.30.2", "64.100.0.10");
	tcp(&p, 27901, 7003);
	assert_parses(&p, IPPROTO_TCP, AF_INET, "10.0.30.2", 27901,
		      "64.100.0.10", 7003);
}

static void test_v4_udp(void)
{
	struct pkt p = { .len = 0 };

	ipv4(&p, 5, IPPROTO_UDP, 0, "10.0.30.2", "64.100.0.10");
	udp(&p, 65535, 1);
	assert_parses(&p, IPPROTO_UDP, AF_INET, "10.0.30.2", 65535,
		      "64.100.0.10", 1);
}

/* The ports are found after the options, wherever IHL puts them. */
static void test_v4_options(void)
{
	unsigned int ihl;

	for (ihl = 6; ihl <= 15; ihl++) {
		struct pkt p = { .len = 0 };

		ipv4(&p, ihl, IPPROTO_TCP, 0, "10.0.30.2", "64.100.0.10");
		tcp(&p, 27901, 7003);
		assert_parses(&p, IPPROTO_TCP, AF_INET, "10.0.30.2", 27901,
			      "64.100.0.10", 7003);
	}
}

static void test_v4_truncated(void)
{
	unsigned int ihl;

	for (ihl = 5; ihl <= 15; ihl++) {
		struct pkt p = { .len = 0 };

		ipv4(&p, ihl, IPPROTO_TCP, 0, "10.0.30.2", "64.100.0.10");
		tcp(&p, 27901, 7003);
		assert_cuts(&p, ihl * 4 + 4);
	}
	{
		struct pkt p = { .len = 0 };

		ipv4(&p, 5, IPPROTO_UDP, 0, "10.0.30.2", "64.100.0.10");
		udp(&p, 5060, 5061);
		assert_cuts(&p, 24);
	}
}

static void test_v4_bad_ihl(void)
{
	unsigned int ihl;

	for (ihl = 0; ihl < 5; ihl++) {
		struct pkt p = { .len = 0 };

		ipv4(&p, ihl, IPPROTO_TCP, 0, "10.0.30.2", "64.100.0.10");
		tcp(&p, 27901, 7003);
		assert_refused(&p);
	}
}

static void test_v4_fragments(void)
{
	static const uint16_t later[] = { 1, 0x2001, 0x1fff, 0x3fff, 0x0100 };
	static const uint16_t first[] = { 0, 0x2000, 0x4000, 0x8000 };
	size_t i;

	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++) {
		struct pkt p = { .len = 0 };

		ipv4(&p, 5, IPPROTO_TCP, later[i], "10.0.30.2", "64.100.0.10");
		tcp(&p, 27901, 7003);
		assert_refused(&p);
	}
	/* A first fragment (MF set or not, DF, reserved bit) has the ports. */
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		struct pkt p = { .len = 0 };

		ipv4(&p, 5, IPPROTO_UDP, first[i], "10.0.30.2", "64.100.0.10");
		udp(&p, 27901, 7003);
		assert_parses(&p, IPPROTO_UDP, AF_INET, "10.0.30.2", 27901,
			      "64.100.0.10", 7003);
	}
}

static void test_v4_not_tcp_udp(void)
{
	static const uint8_t protos[] = {
		IPPROTO_ICMP, IPPROTO_GRE, IPPROTO_ESP, IPPROTO_SCTP, 0, 255,
	};
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		struct pkt p = { .len = 0 };

		ipv4(&p, 5, protos[i], 0, "10.0.30.2", "64.100.0.10");
		udp(&p, 27901, 7003);	/* as if it had ports */
		assert_refused(&p);
	}
}

static void test_bad_versions(void)
{
	static const uint8_t versions[] = { 0, 1, 5, 7, 15 };
	size_t i;

	for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		struct pkt p = { .len = 0 };

		ipv4(&p, 5, IPPROTO_TCP, 0, "10.0.30.2", "64.100.0.10");
		tcp(&p, 27901, 7003);
		p.b[0] = (uint8_t)(versions[i] << 4 | 5);
		assert_refused(&p);
	}
	{
		/* An IPv6 header that calls itself version 5. */
		struct pkt p = { .len = 0 };

		ipv6(&p, IPPROTO_TCP, "fd00:30::2", "2001:db8:64::10");
		tcp(&p, 27901, 7003);
		p.b[0] = 0x50;
		assert_refused(&p);
	}
}

static void test_v6_tcp(void)
{
	struct pkt p = { .len = 0 };

	ipv6(&p, IPPROTO_TCP, "fd00:30::2", "2001:db8:64::10");
	tcp(&p, 27901, 7003);
	assert_parses(&p, IPPROTO_TCP, AF_INET6, "fd00:30::2", 27901,
		      "2001:db8:64::10", 7003);
	assert_cuts(&p, 44);
}

static void test_v6_udp(void)
{
	struct pkt p = { .len = 0 };

	ipv6(&p, IPPROTO_UDP, "fd00:30::2", "2001:db8:64::10");
	udp(&p, 5060, 5061);
	assert_parses(&p, IPPROTO_UDP, AF_INET6, "fd00:30::2", 5060,
		      "2001:db8:64::10", 5061);
}

/* hop-by-hop (8) + destination options (24) + first fragment (8) + TCP. */
static void v6_chain(struct pkt *p, uint16_t frag_offset)
{
	ipv6(p, IPPROTO_HOPOPTS, "fd00:30::2", "2001:db8:64::10");
	ext(p, IPPROTO_DSTOPTS, 0);
	ext(p, IPPROTO_FRAGMENT, 2);
	frag6(p, IPPROTO_TCP, frag_offset, true);
	tcp(p, 27901, 7003);
}

static void test_v6_extension_headers(void)
{
	struct pkt p = { .len = 0 };

	v6_chain(&p, 0);
	assert_parses(&p, IPPROTO_TCP, AF_INET6, "fd00:30::2", 27901,
		      "2001:db8:64::10", 7003);
}

static void test_v6_extension_headers_truncated(void)
{
	struct pkt p = { .len = 0 };

	v6_chain(&p, 0);
	assert_cuts(&p, 40 + 8 + 24 + 8 + 4);
}

static void test_v6_routing_header(void)
{
	struct pkt p = { .len = 0 };

	ipv6(&p, IPPROTO_ROUTING, "fd00:30::2", "2001:db8:64::10");
	ext(&p, IPPROTO_UDP, 3);
	udp(&p, 27901, 7003);
	assert_parses(&p, IPPROTO_UDP, AF_INET6, "fd00:30::2", 27901,
		      "2001:db8:64::10", 7003);
	assert_cuts(&p, 40 + 32 + 4);
}

/*
 * The queue's copy range is sized for 272 bytes of extension headers: the
 * ports and the sequence number of such a SYN are within the copy, one
 * more 8-byte unit and they are not.
 */
static void test_v6_copy_range_bound(void)
{
	struct pkt p = { .len = 0 };
	struct rg_tuple t;
	uint32_t seq = 0;
	uint8_t proto;

	ipv6(&p, IPPROTO_DSTOPTS, "fd00:30::2", "2001:db8:64::10");
	ext(&p, IPPROTO_TCP, 272 / 8 - 1);
	tcp(&p, 27901, 7003);
	CU_ASSERT_EQUAL_FATAL(40 + 272 + 8, RG_QUEUE_COPY_RANGE);
	CU_ASSERT_EQUAL(parse_exact(p.b, RG_QUEUE_COPY_RANGE, &proto, &t), 0);
	CU_ASSERT_EQUAL(t.dport, 7003);
	CU_ASSERT_EQUAL(rg_pkt_parse_tcp_seq(p.b, RG_QUEUE_COPY_RANGE, &seq), 0);
	p.len = 0;
	ipv6(&p, IPPROTO_DSTOPTS, "fd00:30::2", "2001:db8:64::10");
	ext(&p, IPPROTO_TCP, 280 / 8 - 1);
	tcp(&p, 27901, 7003);
	CU_ASSERT_EQUAL(parse_exact(p.b, RG_QUEUE_COPY_RANGE, &proto, &t), -1);
}

static void test_v6_later_fragment(void)
{
	static const uint16_t offsets[] = { 1, 2, 185, 0x1fff };
	size_t i;

	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		struct pkt p = { .len = 0 };

		v6_chain(&p, offsets[i]);
		assert_refused(&p);
	}
	{
		/* The fragment header straight after the fixed header. */
		struct pkt p = { .len = 0 };

		ipv6(&p, IPPROTO_FRAGMENT, "fd00:30::2", "2001:db8:64::10");
		frag6(&p, IPPROTO_UDP, 1, false);
		udp(&p, 27901, 7003);
		assert_refused(&p);
	}
}

/* An extension header that claims more than the packet holds. */
static void test_v6_extension_past_end(void)
{
	struct pkt p = { .len = 0 };

	ipv6(&p, IPPROTO_DSTOPTS, "fd00:30::2", "2001:db8:64::10");
	ext(&p, IPPROTO_TCP, 0);
	tcp(&p, 27901, 7003);
	p.b[41] = 255;		/* 2048 bytes, of a 68-byte packet */
	assert_refused(&p);
}

/* Sixteen headers are no reason to give up: the packet's end bounds them. */
static void test_v6_many_extension_headers(void)
{
	struct pkt p = { .len = 0 };
	int i;

	ipv6(&p, IPPROTO_DSTOPTS, "fd00:30::2", "2001:db8:64::10");
	for (i = 0; i < 16; i++)
		ext(&p, IPPROTO_DSTOPTS, 0);
	p.b[p.len - 8] = IPPROTO_TCP;
	tcp(&p, 27901, 7003);
	assert_parses(&p, IPPROTO_TCP, AF_INET6, "fd00:30::2", 27901,
		      "2001:db8:64::10", 7003);
	assert_cuts(&p, 40 + 16 * 8 + 4);
}

/* An authentication header: 4-byte units, minus 2 (RFC 4302). */
static void ah(struct pkt *p, uint8_t next, uint8_t plen)
{
	uint8_t h[4 * 257];

	memset(h, 0xff, sizeof(h));
	h[0] = next;
	h[1] = plen;
	put(p, h, 4u * (plen + 2u));
}

static void test_v6_ah(void)
{
	struct pkt p = { .len = 0 };

	/* 24 bytes: AH with a 96-bit ICV, as HMAC-SHA1-96 gives. */
	ipv6(&p, IPPROTO_AH, "fd00:30::2", "2001:db8:64::10");
	ah(&p, IPPROTO_TCP, 4);
	tcp(&p, 27901, 7003);
	assert_parses(&p, IPPROTO_TCP, AF_INET6, "fd00:30::2", 27901,
		      "2001:db8:64::10", 7003);
	assert_cuts(&p, 40 + 24 + 4);
	/* Between other extension headers, and one claiming past the end. */
	p.len = 0;
	ipv6(&p, IPPROTO_HOPOPTS, "fd00:30::2", "2001:db8:64::10");
	ext(&p, IPPROTO_AH, 0);
	ah(&p, IPPROTO_DSTOPTS, 1);
	ext(&p, IPPROTO_UDP, 0);
	udp(&p, 27901, 7003);
	assert_parses(&p, IPPROTO_UDP, AF_INET6, "fd00:30::2", 27901,
		      "2001:db8:64::10", 7003);
	p.b[40 + 8 + 1] = 255;
	assert_refused(&p);
}

/* What is known of a packet cut before its ports: the addresses. */
static void test_addrs_of_cut_packet(void)
{
	struct pkt p = { .len = 0 };
	struct rg_tuple t;
	char buf[64];

	ipv6(&p, IPPROTO_DSTOPTS, "fd00:30::2", "2001:db8:64::10");
	ext(&p, IPPROTO_TCP, 280 / 8 - 1);
	tcp(&p, 27901, 7003);
	CU_ASSERT_EQUAL(rg_pkt_parse_addrs(p.b, RG_QUEUE_COPY_RANGE, &t), 0);
	CU_ASSERT_EQUAL(t.src.family, AF_INET6);
	inet_ntop(AF_INET6, t.dst.u.bytes, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "2001:db8:64::10");
	CU_ASSERT_EQUAL(t.sport, 0);
	CU_ASSERT_EQUAL(rg_pkt_parse_addrs(p.b, 39, &t), -1);
	p.len = 0;
	ipv4(&p, 5, IPPROTO_TCP, 0, "10.0.30.2", "64.100.0.10");
	CU_ASSERT_EQUAL(rg_pkt_parse_addrs(p.b, 20, &t), 0);
	CU_ASSERT_EQUAL(t.dst.u.bytes[0], 64);
	CU_ASSERT_EQUAL(rg_pkt_parse_addrs(p.b, 19, &t), -1);
	p.b[0] = 0x50;
	CU_ASSERT_EQUAL(rg_pkt_parse_addrs(p.b, 20, &t), -1);
	CU_ASSERT_EQUAL(rg_pkt_parse_addrs(NULL, 0, &t), -1);
}

/* A chain a real stack would send is not "too many". */
static void test_v6_several_extension_headers(void)
{
	struct pkt p = { .len = 0 };

	ipv6(&p, IPPROTO_HOPOPTS, "fd00:30::2", "2001:db8:64::10");
	ext(&p, IPPROTO_DSTOPTS, 0);
	ext(&p, IPPROTO_ROUTING, 1);
	ext(&p, IPPROTO_FRAGMENT, 0);
	frag6(&p, IPPROTO_DSTOPTS, 0, true);
	ext(&p, IPPROTO_UDP, 0);
	udp(&p, 27901, 7003);
	assert_parses(&p, IPPROTO_UDP, AF_INET6, "fd00:30::2", 27901,
		      "2001:db8:64::10", 7003);
}

static void test_v6_not_tcp_udp(void)
{
	static const uint8_t next[] = {
		IPPROTO_ICMPV6, IPPROTO_NONE, IPPROTO_ESP,
		IPPROTO_SCTP, IPPROTO_ICMP,
	};
	size_t i;

	for (i = 0; i < sizeof(next) / sizeof(next[0]); i++) {
		struct pkt p = { .len = 0 };

		ipv6(&p, next[i], "fd00:30::2", "2001:db8:64::10");
		udp(&p, 27901, 7003);
		assert_refused(&p);
	}
	{
		struct pkt p = { .len = 0 };

		ipv6(&p, IPPROTO_HOPOPTS, "fd00:30::2", "2001:db8:64::10");
		ext(&p, IPPROTO_ICMPV6, 0);
		udp(&p, 27901, 7003);
		assert_refused(&p);
	}
}

static const struct unit_test tests[] = {
	{ "IPv4 TCP", test_v4_tcp },
	{ "IPv4 UDP", test_v4_udp },
	{ "IPv4 options (IHL 6..15)", test_v4_options },
	{ "IPv4 truncated at every length", test_v4_truncated },
	{ "IPv4 IHL below 5", test_v4_bad_ihl },
	{ "IPv4 fragments", test_v4_fragments },
	{ "IPv4 not TCP or UDP", test_v4_not_tcp_udp },
	{ "unknown IP versions", test_bad_versions },
	{ "IPv6 TCP", test_v6_tcp },
	{ "IPv6 UDP", test_v6_udp },
	{ "IPv6 extension headers", test_v6_extension_headers },
	{ "IPv6 extension headers truncated", test_v6_extension_headers_truncated },
	{ "IPv6 routing header", test_v6_routing_header },
	{ "IPv6: 272 bytes of extension headers fit the copy", test_v6_copy_range_bound },
	{ "IPv6 later fragment", test_v6_later_fragment },
	{ "IPv6 extension header past the end", test_v6_extension_past_end },
	{ "IPv6 sixteen extension headers", test_v6_many_extension_headers },
	{ "IPv6 authentication header", test_v6_ah },
	{ "addresses of a packet cut before its ports", test_addrs_of_cut_packet },
	{ "IPv6 several extension headers", test_v6_several_extension_headers },
	{ "IPv6 not TCP or UDP", test_v6_not_tcp_udp },
	{ NULL, NULL },
};

int register_pkt_parse_tests(void)
{
	return unit_add_suite("pkt_parse", tests);
}
