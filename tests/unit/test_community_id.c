// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Vectors from the spec's own baseline, corelight/community-id-spec
 * baseline/baseline_deflt.json (seed 0) and baseline_seed1.json (seed 1).
 */
#include <netinet/in.h>
#include <string.h>

#include "addr.h"
#include "event.h"
#include "unit.h"

/* Both directions of a flow must give the spec's ID. */
static void check(const char *saddr, uint16_t sport, const char *daddr,
		  uint16_t dport, uint8_t proto, uint16_t seed,
		  const char *want)
{
	char buf[RG_COMMUNITY_ID_LEN];
	struct rg_addr s, d;

	CU_ASSERT_FATAL(rg_addr_parse(saddr, &s) == 0);
	CU_ASSERT_FATAL(rg_addr_parse(daddr, &d) == 0);
	memset(buf, 'x', sizeof(buf));
	CU_ASSERT_EQUAL(rg_community_id(&s, sport, &d, dport, proto, seed,
					buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, want);
	memset(buf, 'x', sizeof(buf));
	CU_ASSERT_EQUAL(rg_community_id(&d, dport, &s, sport, proto, seed,
					buf, sizeof(buf)), 0);
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void test_ipv4_tcp(void)
{
	check("128.232.110.120", 34855, "66.35.250.204", 80, IPPROTO_TCP, 0,
	      "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
}

static void test_ipv4_udp(void)
{
	check("192.168.1.52", 54585, "8.8.8.8", 53, IPPROTO_UDP, 0,
	      "1:d/FP5EW3wiY1vCndhwleRRKHowQ=");
}

static void test_ipv6_tcp(void)
{
	check("2001:470:e5bf:dead:4957:2174:e82c:4887", 63943,
	      "2607:f8b0:400c:c03::1a", 25, IPPROTO_TCP, 0,
	      "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=");
}

/* The source here is the larger address: the endpoints are swapped before hashing. */
static void test_order_flips(void)
{
	char a[RG_COMMUNITY_ID_LEN], b[RG_COMMUNITY_ID_LEN];
	struct rg_addr hi, lo;

	rg_addr_parse("66.35.250.204", &hi);
	rg_addr_parse("128.232.110.120", &lo);
	/* 66.x < 128.x, so this call is the one whose order flips. */
	CU_ASSERT_EQUAL(rg_community_id(&lo, 34855, &hi, 80, IPPROTO_TCP, 0,
					a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(rg_community_id(&hi, 80, &lo, 34855, IPPROTO_TCP, 0,
					b, sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_EQUAL(a, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
}

/* SCTP 192.168.170.8:7 <-> 192.168.170.56:7: equal ports, the addresses decide. */
static void test_sctp_equal_ports(void)
{
	check("192.168.170.8", 7, "192.168.170.56", 7, IPPROTO_SCTP, 0,
	      "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=");
}

/* RSVP carries no ports: the hash covers addresses and protocol only. */
static void test_portless_protocol(void)
{
	check("10.1.12.1", 0, "10.1.12.2", 0, 46, 0,
	      "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=");
}

static void test_seed_1(void)
{
	check("128.232.110.120", 34855, "66.35.250.204", 80, IPPROTO_TCP, 1,
	      "1:3V71V58M3Ksw/yuFALMcW0LAHvc=");
	check("192.168.1.52", 54585, "8.8.8.8", 53, IPPROTO_UDP, 1,
	      "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=");
	check("2001:470:e5bf:dead:4957:2174:e82c:4887", 63943,
	      "2607:f8b0:400c:c03::1a", 25, IPPROTO_TCP, 1,
	      "1:eJYTW6AOzFLlSUoESovMjnu7rMw=");
}

/* Same address both ends: the ports decide the order. */
static void test_same_address_ports_decide(void)
{
	char a[RG_COMMUNITY_ID_LEN], b[RG_COMMUNITY_ID_LEN];
	struct rg_addr x;

	rg_addr_parse("10.0.0.1", &x);
	CU_ASSERT_EQUAL(rg_community_id(&x, 1234, &x, 80, IPPROTO_TCP, 0, a,
					sizeof(a)), 0);
	CU_ASSERT_EQUAL(rg_community_id(&x, 80, &x, 1234, IPPROTO_TCP, 0, b,
					sizeof(b)), 0);
	CU_ASSERT_STRING_EQUAL(a, b);
}

static void test_refuses_bad_input(void)
{
	char buf[RG_COMMUNITY_ID_LEN];
	struct rg_addr v4, v6, unset;

	memset(&unset, 0, sizeof(unset));
	rg_addr_parse("10.0.30.2", &v4);
	rg_addr_parse("fd00:30::2", &v6);
	CU_ASSERT_EQUAL(rg_community_id(&v4, 1, &v6, 2, IPPROTO_TCP, 0, buf,
					sizeof(buf)), -1);
	CU_ASSERT_EQUAL(rg_community_id(&unset, 1, &unset, 2, IPPROTO_TCP, 0,
					buf, sizeof(buf)), -1);
	CU_ASSERT_EQUAL(rg_community_id(&v4, 1, &v4, 2, IPPROTO_TCP, 0, buf,
					30), -1);
	CU_ASSERT_EQUAL(rg_community_id(&v4, 8, &v4, 0, IPPROTO_ICMP, 0, buf,
					sizeof(buf)), -1);
	CU_ASSERT_EQUAL(rg_community_id(&v4, 1, &v4, 2, IPPROTO_TCP, 0, buf,
					31), 0);
}

static const struct unit_test tests[] = {
	{ "spec vector: IPv4 TCP", test_ipv4_tcp },
	{ "spec vector: IPv4 UDP", test_ipv4_udp },
	{ "spec vector: IPv6 TCP", test_ipv6_tcp },
	{ "spec vector: endpoints swapped into order", test_order_flips },
	{ "spec vector: SCTP with equal ports", test_sctp_equal_ports },
	{ "spec vector: protocol without ports", test_portless_protocol },
	{ "spec vectors: seed 1", test_seed_1 },
	{ "equal addresses: the ports decide", test_same_address_ports_decide },
	{ "mixed families, unset, short buffer, ICMP refused", test_refuses_bad_input },
	{ NULL, NULL }
};

int register_community_id_tests(void)
{
	return unit_add_suite("community_id", tests);
}
