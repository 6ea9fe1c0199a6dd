// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From a queued packet to its flow, on both kernel paths: with NFQA_CT
 * (production kernels) the entry comes whole with the packet; without it
 * the packet's headers give the reply tuple to look up.
 */
#include <arpa/inet.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "packet_flow.h"
#include "unit.h"

/* The note's flow after source NAT: 64.100.0.10:4401 -> 10.0.10.2:7003. */
static const uint8_t syn_after_snat[] = {
	0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	64, 100, 0, 10,  10, 0, 10, 2,
	0x11, 0x31, 0x1b, 0x5b,		/* 4401 -> 7003 */
	0, 0, 0, 1, 0, 0, 0, 0, 0xa0, 0x02, 0xff, 0xff, 0, 0, 0, 0,
};

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, const char *src,
		      const char *dst, uint16_t sport, uint16_t dport)
{
	struct nlattr *t = mnl_attr_nest_start(nlh, type);
	struct nlattr *ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	struct nlattr *pr;
	struct in_addr a;

	inet_pton(AF_INET, src, &a);
	mnl_attr_put(nlh, CTA_IP_V4_SRC, 4, &a);
	inet_pton(AF_INET, dst, &a);
	mnl_attr_put(nlh, CTA_IP_V4_DST, 4, &a);
	mnl_attr_nest_end(nlh, ip);
	pr = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	mnl_attr_put_u8(nlh, CTA_PROTO_NUM, IPPROTO_TCP);
	mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(sport));
	mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(dport));
	mnl_attr_nest_end(nlh, pr);
	mnl_attr_nest_end(nlh, t);
}

static void test_nfqa_ct_gives_the_whole_entry(void)
{
	char buf[1024] __attribute__((aligned(4)));
	struct nlmsghdr *nlh;
	struct rg_tuple reply;
	struct rg_flow f;
	uint8_t proto = 0;
	char s[RG_ENDPOINT_STRLEN];

	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	put_tuple(nlh, CTA_TUPLE_ORIG, "10.0.30.2", "64.100.0.10", 27901, 7003);
	put_tuple(nlh, CTA_TUPLE_REPLY, "10.0.10.2", "64.100.0.10", 7003, 4401);
	CU_ASSERT_EQUAL(rg_packet_flow(mnl_nlmsg_get_payload(nlh),
				       mnl_nlmsg_get_payload_len(nlh),
				       syn_after_snat, sizeof(syn_after_snat),
				       &f, &proto, &reply), RG_PF_COMPLETE);
	rg_addr_endpoint_format(&f.orig.src, f.orig.sport, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "10.0.30.2:27901");
	rg_addr_endpoint_format(&f.reply.dst, f.reply.dport, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "64.100.0.10:4401");
	CU_ASSERT_EQUAL(proto, IPPROTO_TCP);
}

static void test_headers_give_the_reply_key(void)
{
	struct rg_tuple reply;
	struct rg_flow f;
	uint8_t proto = 0;
	char s[RG_ENDPOINT_STRLEN];

	CU_ASSERT_EQUAL(rg_packet_flow(NULL, 0, syn_after_snat,
				       sizeof(syn_after_snat), &f, &proto,
				       &reply), RG_PF_LOOKUP);
	rg_addr_endpoint_format(&reply.src, reply.sport, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "10.0.10.2:7003");
	rg_addr_endpoint_format(&reply.dst, reply.dport, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "64.100.0.10:4401");
	CU_ASSERT_EQUAL(proto, IPPROTO_TCP);
}

static void test_broken_nfqa_ct_falls_back_to_headers(void)
{
	const uint8_t junk[8] = { 8, 0, 1, 0, 0xde, 0xad, 0xbe, 0xef };
	struct rg_tuple reply;
	struct rg_flow f;
	uint8_t proto;

	CU_ASSERT_EQUAL(rg_packet_flow(junk, sizeof(junk), syn_after_snat,
				       sizeof(syn_after_snat), &f, &proto,
				       &reply), RG_PF_LOOKUP);
}

static void test_unreadable_packet(void)
{
	struct rg_tuple reply;
	struct rg_flow f;
	uint8_t proto;

	CU_ASSERT_EQUAL(rg_packet_flow(NULL, 0, syn_after_snat, 10, &f, &proto,
				       &reply), RG_PF_UNPARSED);
	CU_ASSERT_EQUAL(rg_packet_flow(NULL, 0, NULL, 0, &f, &proto, &reply),
			RG_PF_UNPARSED);
}

/* Cut before its ports: the addresses still say where to look. */
static void test_cut_packet_gives_the_addresses(void)
{
	struct rg_tuple reply;
	struct rg_flow f;
	uint8_t proto = 99;
	char s[RG_ENDPOINT_STRLEN];

	CU_ASSERT_EQUAL(rg_packet_flow(NULL, 0, syn_after_snat, 22, &f, &proto,
				       &reply), RG_PF_ADDRS);
	rg_addr_endpoint_format(&reply.src, reply.sport, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "10.0.10.2:0");
	rg_addr_endpoint_format(&reply.dst, reply.dport, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "64.100.0.10:0");
	CU_ASSERT_EQUAL(proto, 0);
}

static const struct unit_test tests[] = {
	{ "NFQA_CT gives the whole entry", test_nfqa_ct_gives_the_whole_entry },
	{ "headers give the reply tuple to look up", test_headers_give_the_reply_key },
	{ "broken NFQA_CT falls back to the headers", test_broken_nfqa_ct_falls_back_to_headers },
	{ "unreadable packet", test_unreadable_packet },
	{ "a cut packet gives the addresses", test_cut_packet_gives_the_addresses },
	{ NULL, NULL }
};

int register_packet_flow_tests(void)
{
	return unit_add_suite("packet_flow", tests);
}
