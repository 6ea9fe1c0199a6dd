// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "exemption.h"
#include "unit.h"

static struct rg_exemption make(const char *c, const char *e, uint8_t proto,
				uint16_t port)
{
	struct rg_exemption x;

	memset(&x, 0, sizeof(x));
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(c, &x.c), 0);
	CU_ASSERT_EQUAL_FATAL(rg_addr_parse(e, &x.e_internal), 0);
	x.proto = proto;
	x.port = port;
	return x;
}

/* from_key on a heap copy of exactly len bytes, so ASan sees overreads. */
static int from_key(int family, const uint8_t *key, size_t len,
		    struct rg_exemption *x)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	CU_ASSERT_FATAL(copy != NULL);
	memcpy(copy, key, len);
	ret = rg_exemption_from_key(family, copy, len, x);
	free(copy);
	return ret;
}

static void test_key_ipv4(void)
{
	static const uint8_t want[16] = {
		10, 0, 30, 2,		/* C */
		10, 0, 10, 2,		/* E internal */
		6, 0, 0, 0,		/* tcp, padded */
		0x1b, 0x5b, 0, 0,	/* 7003 in network order, padded */
	};
	struct rg_exemption x = make("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
				     7003), back;
	uint8_t key[RG_EXEMPT_KEY_MAX];

	memset(key, 0xa5, sizeof(key));
	CU_ASSERT_EQUAL_FATAL(rg_exemption_key(&x, key), 16);
	CU_ASSERT_EQUAL(memcmp(key, want, sizeof(want)), 0);
	memset(&back, 0xa5, sizeof(back));
	CU_ASSERT_EQUAL_FATAL(from_key(AF_INET, key, 16, &back), 0);
	CU_ASSERT_TRUE(rg_exemption_equal(&back, &x));
	CU_ASSERT_EQUAL(back.port, 7003);
	CU_ASSERT_EQUAL(back.proto, IPPROTO_TCP);
}

static void test_key_ipv6(void)
{
	static const uint8_t want[40] = {
		0xfd, 0, 0, 0x30, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		0xfd, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		17, 0, 0, 0,		/* udp, padded */
		0x13, 0xc4, 0, 0,	/* 5060 */
	};
	struct rg_exemption x = make("fd00:30::2", "fd00:10::2", IPPROTO_UDP,
				     5060), back;
	uint8_t key[RG_EXEMPT_KEY_MAX];

	CU_ASSERT_EQUAL_FATAL(rg_exemption_key(&x, key), 40);
	CU_ASSERT_EQUAL(memcmp(key, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL_FATAL(from_key(AF_INET6, key, 40, &back), 0);
	CU_ASSERT_TRUE(rg_exemption_equal(&back, &x));
	CU_ASSERT_EQUAL(back.c.family, AF_INET6);
	CU_ASSERT_EQUAL(back.e_internal.family, AF_INET6);
}

static void test_key_of_invalid(void)
{
	struct rg_exemption x = make("10.0.30.2", "fd00:10::2", IPPROTO_TCP,
				     7003);
	uint8_t key[RG_EXEMPT_KEY_MAX];

	CU_ASSERT_EQUAL(rg_exemption_key(&x, key), 0);
	x = make("10.0.30.2", "10.0.10.2", IPPROTO_ICMP, 7003);
	CU_ASSERT_EQUAL(rg_exemption_key(&x, key), 0);
	x = make("10.0.30.2", "10.0.10.2", IPPROTO_TCP, 0);
	CU_ASSERT_EQUAL(rg_exemption_key(&x, key), 0);
	memset(&x, 0, sizeof(x));
	CU_ASSERT_EQUAL(rg_exemption_key(&x, key), 0);
}

static void test_bad_keys(void)
{
	struct rg_exemption good = make("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
					 7003), x = good;
	static const size_t pad[] = { 9, 10, 11, 14, 15 };
	uint8_t key[RG_EXEMPT_KEY_MAX], bad[RG_EXEMPT_KEY_MAX];
	size_t i;

	CU_ASSERT_EQUAL_FATAL(rg_exemption_key(&good, key), 16);
	/* Wrong lengths, and a key of the other family. */
	CU_ASSERT_EQUAL(from_key(AF_INET, key, 15, &x), -1);
	CU_ASSERT_EQUAL(from_key(AF_INET, key, 17, &x), -1);
	CU_ASSERT_EQUAL(from_key(AF_INET, key, 0, &x), -1);
	CU_ASSERT_EQUAL(from_key(AF_INET6, key, 16, &x), -1);
	CU_ASSERT_EQUAL(from_key(AF_UNSPEC, key, 16, &x), -1);
	/* Every padding byte must be zero. */
	for (i = 0; i < sizeof(pad) / sizeof(pad[0]); i++) {
		memcpy(bad, key, 16);
		bad[pad[i]] = 1;
		CU_ASSERT_EQUAL(from_key(AF_INET, bad, 16, &x), -1);
	}
	/* An unknown protocol, and port 0. */
	memcpy(bad, key, 16);
	bad[8] = IPPROTO_ICMP;
	CU_ASSERT_EQUAL(from_key(AF_INET, bad, 16, &x), -1);
	memcpy(bad, key, 16);
	bad[12] = bad[13] = 0;
	CU_ASSERT_EQUAL(from_key(AF_INET, bad, 16, &x), -1);
	/* Nothing of a refused key reaches x. */
	CU_ASSERT_TRUE(rg_exemption_equal(&x, &good));
}

static void test_equal_and_valid(void)
{
	struct rg_exemption a = make("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
				     7003), b = a;

	CU_ASSERT_TRUE(rg_exemption_valid(&a));
	CU_ASSERT_TRUE(rg_exemption_equal(&a, &b));
	b.port = 7004;
	CU_ASSERT_FALSE(rg_exemption_equal(&a, &b));
	b = a;
	b.proto = IPPROTO_UDP;
	CU_ASSERT_FALSE(rg_exemption_equal(&a, &b));
	b = make("10.0.30.3", "10.0.10.2", IPPROTO_TCP, 7003);
	CU_ASSERT_FALSE(rg_exemption_equal(&a, &b));
	b = make("10.0.30.2", "10.0.10.3", IPPROTO_TCP, 7003);
	CU_ASSERT_FALSE(rg_exemption_equal(&a, &b));
	b = make("10.0.30.2", "fd00:10::2", IPPROTO_TCP, 7003);
	CU_ASSERT_FALSE(rg_exemption_valid(&b));
	b.e_internal.family = 0;
	CU_ASSERT_FALSE(rg_exemption_valid(&b));
}

static void test_strings(void)
{
	struct rg_exemption x = make("10.0.30.2", "10.0.10.2", IPPROTO_TCP,
				     7003);
	char buf[RG_EXEMPT_STATEMENT_LEN];

	rg_exemption_element(&x, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "10.0.30.2 . 10.0.10.2 . tcp . 7003");
	rg_exemption_statement(&x, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }");

	x = make("fd00:30::2", "fd00:10::2", IPPROTO_UDP, 5060);
	rg_exemption_element(&x, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "fd00:30::2 . fd00:10::2 . udp . 5060");
	rg_exemption_statement(&x, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "add element ip6 reflguard exempt6 { fd00:30::2 . fd00:10::2 . udp . 5060 }");

	/* The longest addresses fit the advertised sizes. */
	x = make("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", IPPROTO_TCP, 65535);
	rg_exemption_statement(&x, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "add element ip6 reflguard exempt6 { ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff . ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe . tcp . 65535 }");

	x = make("10.0.30.2", "fd00:10::2", IPPROTO_TCP, 7003);
	rg_exemption_statement(&x, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "");
}

static void parse_ok(const char *c, const char *e, const char *pp,
		     const char *element)
{
	char err[256] = "", buf[RG_EXEMPT_ELEMENT_LEN];
	struct rg_exemption x;

	CU_ASSERT_EQUAL_FATAL(rg_exemption_parse(c, e, pp, &x, err,
						 sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_TRUE(rg_exemption_valid(&x));
	rg_exemption_element(&x, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, element);
}

/* Fails with exactly msg and leaves x as it was. */
static void parse_fails(const char *c, const char *e, const char *pp,
			const char *msg)
{
	struct rg_exemption x, before;
	char err[256] = "";

	memset(&x, 0x5a, sizeof(x));
	before = x;
	CU_ASSERT_EQUAL(rg_exemption_parse(c, e, pp, &x, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, msg);
	CU_ASSERT_EQUAL(memcmp(&x, &before, sizeof(x)), 0);
}

static void test_parse(void)
{
	parse_ok("10.0.30.2", "10.0.10.2", "tcp/7003",
		 "10.0.30.2 . 10.0.10.2 . tcp . 7003");
	parse_ok("FD00:30::2", "fd00:10:0::2", "udp/5060",
		 "fd00:30::2 . fd00:10::2 . udp . 5060");
	parse_ok("10.0.30.2", "10.0.10.2", "tcp/1",
		 "10.0.30.2 . 10.0.10.2 . tcp . 1");
	parse_ok("10.0.30.2", "10.0.10.2", "tcp/65535",
		 "10.0.30.2 . 10.0.10.2 . tcp . 65535");
	/* A range of one port is a single port. */
	parse_ok("10.0.30.2", "10.0.10.2", "tcp/7003-7003",
		 "10.0.30.2 . 10.0.10.2 . tcp . 7003");
}

static void test_parse_errors(void)
{
	parse_fails("300.1.1.1", "10.0.10.2", "tcp/7003",
		    "invalid address '300.1.1.1' for C_ADDR");
	parse_fails("10.0.30.0/24", "10.0.10.2", "tcp/7003",
		    "invalid address '10.0.30.0/24' for C_ADDR");
	parse_fails("", "10.0.10.2", "tcp/7003",
		    "invalid address '' for C_ADDR");
	parse_fails("10.0.30.2", "x", "tcp/7003",
		    "invalid address 'x' for E_INTERNAL (host names are not resolved: give the IP address)");
	parse_fails("10.0.30.2", "[fd00:10::2]", "tcp/7003",
		    "invalid address '[fd00:10::2]' for E_INTERNAL");
	parse_fails("10.0.30.2", "fd00:10::2", "tcp/7003",
		    "C_ADDR and E_INTERNAL are of different families");
	parse_fails("fd00:30::2", "10.0.10.2", "tcp/7003",
		    "C_ADDR and E_INTERNAL are of different families");
	parse_fails("10.0.30.2", "10.0.10.2", "tcp/70000",
		    "invalid PROTO/PORT 'tcp/70000'");
	parse_fails("10.0.30.2", "10.0.10.2", "tcp/0",
		    "invalid PROTO/PORT 'tcp/0'");
	parse_fails("10.0.30.2", "10.0.10.2", "7003",
		    "invalid PROTO/PORT '7003'");
	parse_fails("10.0.30.2", "10.0.10.2", "sctp/7003",
		    "invalid PROTO/PORT 'sctp/7003'");
	parse_fails("10.0.30.2", "10.0.10.2", "tcp/",
		    "invalid PROTO/PORT 'tcp/'");
	parse_fails("10.0.30.2", "10.0.10.2", "tcp/7010-7001",
		    "invalid PROTO/PORT 'tcp/7010-7001'");
	parse_fails("10.0.30.2", "10.0.10.2", "tcp/7001-7010",
		    "a single port is needed, not the range 'tcp/7001-7010'");
}

static void test_parse_null_err(void)
{
	struct rg_exemption x;

	CU_ASSERT_EQUAL(rg_exemption_parse("x", "10.0.10.2", "tcp/7003", &x,
					   NULL, 0), -1);
}

static const struct unit_test tests[] = {
	{ "IPv4 key byte by byte, and back", test_key_ipv4 },
	{ "IPv6 key byte by byte, and back", test_key_ipv6 },
	{ "no key for an invalid exemption", test_key_of_invalid },
	{ "bad keys: length, family, padding, proto, port", test_bad_keys },
	{ "equal and valid", test_equal_and_valid },
	{ "element and statement strings", test_strings },
	{ "parse C_ADDR E_INTERNAL PROTO/PORT", test_parse },
	{ "parse errors name the word at fault", test_parse_errors },
	{ "parse without an error buffer", test_parse_null_err },
	{ NULL, NULL }
};

int register_exemption_tests(void)
{
	return unit_add_suite("exemption", tests);
}
