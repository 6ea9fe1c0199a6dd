// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <linux/netfilter.h>

#include "addr.h"
#include "unit.h"

static struct rg_addr addr(const char *s)
{
	struct rg_addr a;

	memset(&a, 0, sizeof(a));
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(s, &a), 0);
	return a;
}

static void assert_addr(const struct rg_addr *a, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	rg_addr_format(a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_addr_parse(void)
{
	struct rg_addr a = addr("10.0.30.2");

	CU_ASSERT_EQUAL(a.family, AF_INET);
	CU_ASSERT_EQUAL(rg_addr_len(&a), 4);
	CU_ASSERT_EQUAL(memcmp(a.u.bytes, "\x0a\x00\x1e\x02", 4), 0);
	a = addr("fd00:30::2");
	CU_ASSERT_EQUAL(a.family, AF_INET6);
	CU_ASSERT_EQUAL(rg_addr_len(&a), 16);
	assert_addr(&a, "fd00:30::2");
	a = addr("::ffff:10.0.0.1");
	CU_ASSERT_EQUAL(a.family, AF_INET6);
}

static void test_addr_parse_rejects(void)
{
	static const char *const bad[] = {
		"300.1.1.1", "10.1", "10.0.0", "1.2.3.4.5", " 10.0.0.1",
		"10.0.0.1 ", "", "10.0.0.1/24", "abc", "fd00::1::2",
		"fd00::1%eth0", "[fd00::1]", "10.0.0.-1", NULL
	};
	const char *const *s;
	struct rg_addr a, before;

	memset(&a, 0xa5, sizeof(a));
	before = a;
	for (s = bad; *s; s++) {
		CU_ASSERT_EQUAL(rg_addr_parse(*s, &a), -1);
		CU_ASSERT_EQUAL(memcmp(&a, &before, sizeof(a)), 0);
	}
}

static void test_addr_equal_and_len(void)
{
	struct rg_addr a = addr("10.0.30.2"), b = addr("10.0.30.2");
	struct rg_addr c = addr("10.0.30.3"), d = addr("::ffff:10.0.30.2");
	struct rg_addr unset;

	memset(&unset, 0, sizeof(unset));
	CU_ASSERT_TRUE(rg_addr_equal(&a, &b));
	CU_ASSERT_FALSE(rg_addr_equal(&a, &c));
	CU_ASSERT_FALSE(rg_addr_equal(&a, &d));
	CU_ASSERT_TRUE(rg_addr_equal(&d, &d));
	CU_ASSERT_EQUAL(rg_addr_len(&unset), 0);
}

static void test_addr_format(void)
{
	struct rg_addr a = addr("64.100.0.10"), unset;
	char small[4];

	memset(&unset, 0, sizeof(unset));
	assert_addr(&a, "64.100.0.10");
	a = addr("2001:DB8:64:0:0:0:0:10");
	assert_addr(&a, "2001:db8:64::10");
	assert_addr(&unset, "?");
	rg_addr_format(&a, small, sizeof(small));
	CU_ASSERT_EQUAL(strlen(small) < sizeof(small), 1);
}

static void test_endpoint_format(void)
{
	struct rg_addr a = addr("10.0.30.2");
	char buf[RG_ENDPOINT_STRLEN];

	rg_addr_endpoint_format(&a, 27901, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "10.0.30.2:27901");
	a = addr("fd00:30::2");
	rg_addr_endpoint_format(&a, 27901, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "[fd00:30::2]:27901");
	a = addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	rg_addr_endpoint_format(&a, 65535, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}

/* Written by hand since it is on every event: as snprintf wrote it, cut
 * the same way, for every port's digit count. */
static void test_endpoint_format_as_snprintf(void)
{
	static const unsigned int ports[] = { 0, 7, 10, 99, 100, 5060, 10000, 65535 };
	struct rg_addr a = addr("10.0.30.2");
	char buf[RG_ENDPOINT_STRLEN], want[RG_ENDPOINT_STRLEN];
	size_t i, len;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		rg_addr_endpoint_format(&a, (uint16_t)ports[i], buf, sizeof(buf));
		snprintf(want, sizeof(want), "10.0.30.2:%u", ports[i]);
		CU_ASSERT_STRING_EQUAL(buf, want);
	}
	for (len = 1; len < 20; len++) {
		memset(buf, 'x', sizeof(buf));
		rg_addr_endpoint_format(&a, 27901, buf, len);
		snprintf(want, len, "10.0.30.2:%u", 27901u);
		CU_ASSERT_STRING_EQUAL(buf, want);
	}
	memset(buf, 'x', sizeof(buf));
	rg_addr_endpoint_format(&a, 27901, buf, 0);
	CU_ASSERT_EQUAL(buf[0], 'x');
}

static void assert_prefix(const char *s, const char *want_addr,
			  unsigned int want_len)
{
	struct rg_prefix p;

	CU_ASSERT_EQUAL_FATAL(rg_addr_prefix_parse(s, &p), 0);
	assert_addr(&p.addr, want_addr);
	CU_ASSERT_EQUAL(p.len, want_len);
}

static void test_prefix_parse(void)
{
	assert_prefix("10.0.30.0/24", "10.0.30.0", 24);
	assert_prefix("10.0.30.7/24", "10.0.30.0", 24);
	assert_prefix("10.0.31.255/20", "10.0.16.0", 20);
	assert_prefix("10.0.30.2", "10.0.30.2", 32);
	assert_prefix("10.0.30.2/32", "10.0.30.2", 32);
	assert_prefix("10.0.30.2/0", "0.0.0.0", 0);
	assert_prefix("fd00:30::1/64", "fd00:30::", 64);
	assert_prefix("fd00:30::ffff/127", "fd00:30::fffe", 127);
	assert_prefix("fd00:30::2", "fd00:30::2", 128);
	assert_prefix("fd00:30::2/128", "fd00:30::2", 128);
}

static void test_prefix_parse_rejects(void)
{
	static const char *const bad[] = {
		"10.0.0.0/33", "fd00::/129", "10.0.0.0/-1", "10.0.0.0/",
		"10.0.0.0/24x", "10.0.0.0/ 24", "10.0.0.0/+24", "/24",
		"300.0.0.0/8", "10.1/16", "10.0.0.0/24/8", "10.0.0.0/4294967320",
		" 10.0.0.0/8", "", "/", NULL
	};
	const char *const *s;
	struct rg_prefix p, before;

	memset(&p, 0xa5, sizeof(p));
	before = p;
	for (s = bad; *s; s++) {
		CU_ASSERT_EQUAL(rg_addr_prefix_parse(*s, &p), -1);
		CU_ASSERT_EQUAL(memcmp(&p, &before, sizeof(p)), 0);
	}
}

static void test_prefix_contains(void)
{
	struct rg_prefix p, all, v6;
	struct rg_addr in = addr("10.0.30.2"), out = addr("10.0.31.2");
	struct rg_addr in6 = addr("fd00:30::2"), mapped = addr("::ffff:10.0.30.2");

	CU_ASSERT_EQUAL_FATAL(rg_addr_prefix_parse("10.0.30.0/24", &p), 0);
	CU_ASSERT_EQUAL_FATAL(rg_addr_prefix_parse("0.0.0.0/0", &all), 0);
	CU_ASSERT_EQUAL_FATAL(rg_addr_prefix_parse("fd00:30::/64", &v6), 0);
	CU_ASSERT_TRUE(rg_addr_prefix_contains(&p, &in));
	CU_ASSERT_FALSE(rg_addr_prefix_contains(&p, &out));
	CU_ASSERT_FALSE(rg_addr_prefix_contains(&p, &mapped));
	CU_ASSERT_TRUE(rg_addr_prefix_contains(&all, &out));
	CU_ASSERT_FALSE(rg_addr_prefix_contains(&all, &in6));
	CU_ASSERT_TRUE(rg_addr_prefix_contains(&v6, &in6));
	CU_ASSERT_FALSE(rg_addr_prefix_contains(&v6, &in));
}

static void assert_ports(const char *s, uint8_t proto, uint16_t lo,
			 uint16_t hi)
{
	struct rg_port_range r;

	CU_ASSERT_EQUAL_FATAL(rg_addr_port_range_parse(s, &r), 0);
	CU_ASSERT_EQUAL(r.proto, proto);
	CU_ASSERT_EQUAL(r.lo, lo);
	CU_ASSERT_EQUAL(r.hi, hi);
}

static void test_port_range_parse(void)
{
	assert_ports("tcp/7003", IPPROTO_TCP, 7003, 7003);
	assert_ports("tcp/7001-7010", IPPROTO_TCP, 7001, 7010);
	assert_ports("udp/5060-5070", IPPROTO_UDP, 5060, 5070);
	assert_ports("tcp/1", IPPROTO_TCP, 1, 1);
	assert_ports("tcp/65535", IPPROTO_TCP, 65535, 65535);
	assert_ports("udp/1-65535", IPPROTO_UDP, 1, 65535);
	assert_ports("tcp/5-5", IPPROTO_TCP, 5, 5);
}

static void test_port_range_parse_rejects(void)
{
	static const char *const bad[] = {
		"tcp/70000", "tcp/65536", "tcp/0", "tcp/0-5", "sctp/1",
		"tcp/10-5", "tcp/", "7003", "", "/7003", "TCP/7003",
		"tcp/7003 ", " tcp/7003", "tcp/ 7003", "tcp/+7003", "tcp/-5",
		"tcp/5-", "tcp/7003-7004-7005", "tcp/99999999999999999999",
		"tcp/7003,udp/5060", "tcp:7003", NULL
	};
	const char *const *s;
	struct rg_port_range r, before;

	memset(&r, 0xa5, sizeof(r));
	before = r;
	for (s = bad; *s; s++) {
		CU_ASSERT_EQUAL(rg_addr_port_range_parse(*s, &r), -1);
		CU_ASSERT_EQUAL(memcmp(&r, &before, sizeof(r)), 0);
	}
}

static void test_port_range_contains(void)
{
	struct rg_port_range r = { IPPROTO_TCP, 7001, 7010 };

	CU_ASSERT_TRUE(rg_addr_port_range_contains(&r, IPPROTO_TCP, 7001));
	CU_ASSERT_TRUE(rg_addr_port_range_contains(&r, IPPROTO_TCP, 7010));
	CU_ASSERT_FALSE(rg_addr_port_range_contains(&r, IPPROTO_TCP, 7000));
	CU_ASSERT_FALSE(rg_addr_port_range_contains(&r, IPPROTO_TCP, 7011));
	CU_ASSERT_FALSE(rg_addr_port_range_contains(&r, IPPROTO_UDP, 7003));
}

static void test_proto_name(void)
{
	CU_ASSERT_STRING_EQUAL(rg_addr_proto_name(IPPROTO_TCP), "tcp");
	CU_ASSERT_STRING_EQUAL(rg_addr_proto_name(IPPROTO_UDP), "udp");
	CU_ASSERT_STRING_EQUAL(rg_addr_proto_name(IPPROTO_SCTP), "?");
}

/* One list for nftables (NFPROTO_*) and addresses (AF_*), IPv4 first. */
static void test_families(void)
{
	CU_ASSERT_EQUAL(RG_ADDR_NFAMILIES, 2);
	CU_ASSERT_EQUAL(rg_addr_families[0], AF_INET);
	CU_ASSERT_EQUAL(rg_addr_families[0], NFPROTO_IPV4);
	CU_ASSERT_EQUAL(rg_addr_families[1], AF_INET6);
	CU_ASSERT_EQUAL(rg_addr_families[1], NFPROTO_IPV6);
}

static const struct unit_test tests[] = {
	{ "the families, for nftables and addresses alike", test_families },
	{ "parse IPv4 and IPv6 addresses", test_addr_parse },
	{ "refuse malformed addresses, leaving the output alone", test_addr_parse_rejects },
	{ "compare addresses and tell their length", test_addr_equal_and_len },
	{ "format addresses", test_addr_format },
	{ "format endpoints, IPv6 in brackets", test_endpoint_format },
	{ "endpoint format as snprintf wrote it, and cut", test_endpoint_format_as_snprintf },
	{ "parse prefixes and clear host bits", test_prefix_parse },
	{ "refuse malformed prefixes", test_prefix_parse_rejects },
	{ "prefix membership", test_prefix_contains },
	{ "parse port ranges", test_port_range_parse },
	{ "refuse malformed port ranges", test_port_range_parse_rejects },
	{ "port range membership", test_port_range_contains },
	{ "protocol names", test_proto_name },
	{ NULL, NULL }
};

int register_addr_tests(void)
{
	return unit_add_suite("addr", tests);
}
