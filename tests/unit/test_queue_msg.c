// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>

#include "queue_msg.h"
#include "unit.h"

/*
 * Messages are built as the kernel builds them, then parsed from a heap
 * copy of exactly the length given, so that ASan reports any read past it.
 */
struct msg {
	uint8_t b[1024];
	struct nlmsghdr *nlh;
};

static const uint8_t syn[60] = { 0x45, 0, 0, 60 };

static void packet_msg(struct msg *m, uint32_t id, size_t payload,
		       uint32_t cap_len, size_t ct_len)
{
	struct nfqnl_msg_packet_hdr ph = { .packet_id = htonl(id), .hook = 4 };
	uint8_t ct[64] = { 0 };

	memset(m->b, 0, sizeof(m->b));
	m->nlh = nfq_nlmsg_put((char *)m->b, NFQNL_MSG_PACKET, 7003);
	mnl_attr_put(m->nlh, NFQA_PACKET_HDR, sizeof(ph), &ph);
	if (ct_len)
		mnl_attr_put(m->nlh, NFQA_CT, ct_len, ct);
	if (cap_len)
		mnl_attr_put_u32(m->nlh, NFQA_CAP_LEN, htonl(cap_len));
	if (payload)
		mnl_attr_put(m->nlh, NFQA_PAYLOAD, payload, syn);
}

static int parse_exact(const struct msg *m, size_t len, bool cut,
		       struct rg_packet *p)
{
	uint8_t *copy = malloc(len ? len : 1);
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, m->b, len);
	ret = rg_queue_msg_parse(copy, len, cut, p);
	/* p points into the copy: keep what the tests read. */
	if (ret == 0 && p->payload)
		p->payload = m->b + (p->payload - copy);
	if (ret == 0 && p->ct)
		p->ct = m->b + ((const uint8_t *)p->ct - copy);
	free(copy);
	return ret;
}

static void test_packet(void)
{
	struct rg_packet p;
	struct msg m;

	packet_msg(&m, 42, sizeof(syn), 0, 0);
	CU_ASSERT_EQUAL_FATAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), 0);
	CU_ASSERT_EQUAL(p.id, 42);
	CU_ASSERT_EQUAL(p.len, sizeof(syn));
	CU_ASSERT_EQUAL(p.orig_len, sizeof(syn));
	CU_ASSERT_EQUAL(memcmp(p.payload, syn, sizeof(syn)), 0);
	CU_ASSERT_PTR_NULL(p.ct);
}

/* The incoming interface and mark C's packet was routed with. */
static void test_indev_and_mark(void)
{
	struct rg_packet p;
	struct msg m;

	packet_msg(&m, 7, sizeof(syn), 0, 0);
	CU_ASSERT_EQUAL_FATAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), 0);
	CU_ASSERT_EQUAL(p.indev, 0);
	CU_ASSERT_EQUAL(p.mark, 0);
	mnl_attr_put_u32(m.nlh, NFQA_IFINDEX_INDEV, htonl(5));
	mnl_attr_put_u32(m.nlh, NFQA_MARK, htonl(0x10));
	CU_ASSERT_EQUAL_FATAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), 0);
	CU_ASSERT_EQUAL(p.indev, 5);
	CU_ASSERT_EQUAL(p.mark, 0x10);
	CU_ASSERT_EQUAL(p.hook, 4);	/* NF_INET_POST_ROUTING */
}

static void test_ct_and_cap_len(void)
{
	struct rg_packet p;
	struct msg m;

	packet_msg(&m, 7, sizeof(syn), 1500, 40);
	CU_ASSERT_EQUAL_FATAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), 0);
	CU_ASSERT_EQUAL(p.id, 7);
	CU_ASSERT_EQUAL(p.len, sizeof(syn));
	CU_ASSERT_EQUAL(p.orig_len, 1500);
	CU_ASSERT_PTR_NOT_NULL(p.ct);
	CU_ASSERT_EQUAL(p.ct_len, 40);
	/* A CAP_LEN below the copy is nonsense: the copy's length stands. */
	packet_msg(&m, 7, sizeof(syn), 10, 0);
	CU_ASSERT_EQUAL_FATAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), 0);
	CU_ASSERT_EQUAL(p.orig_len, sizeof(syn));
}

static void test_no_payload(void)
{
	struct rg_packet p;
	struct msg m;

	packet_msg(&m, 9, 0, 0, 0);
	CU_ASSERT_EQUAL_FATAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), 0);
	CU_ASSERT_EQUAL(p.id, 9);
	CU_ASSERT_PTR_NULL(p.payload);
	CU_ASSERT_EQUAL(p.len, 0);
}

static void test_not_packets(void)
{
	struct rg_packet p;
	struct nlmsgerr *e;
	struct msg m;

	/* An error answering a verdict. */
	memset(m.b, 0, sizeof(m.b));
	m.nlh = mnl_nlmsg_put_header(m.b);
	m.nlh->nlmsg_type = NLMSG_ERROR;
	e = mnl_nlmsg_put_extra_header(m.nlh, sizeof(*e));
	e->error = -2;
	CU_ASSERT_EQUAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), -1);
	/* A verdict, not a packet. */
	packet_msg(&m, 1, sizeof(syn), 0, 0);
	m.nlh->nlmsg_type = NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_VERDICT;
	CU_ASSERT_EQUAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), -1);
	/* Another subsystem's. */
	packet_msg(&m, 1, sizeof(syn), 0, 0);
	m.nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | NFQNL_MSG_PACKET;
	CU_ASSERT_EQUAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), -1);
}

static void test_bad_packet_header(void)
{
	struct rg_packet p;
	uint16_t shortph = 1;
	struct msg m;

	memset(m.b, 0, sizeof(m.b));
	m.nlh = nfq_nlmsg_put((char *)m.b, NFQNL_MSG_PACKET, 7003);
	mnl_attr_put(m.nlh, NFQA_PAYLOAD, sizeof(syn), syn);
	CU_ASSERT_EQUAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), -1);
	memset(m.b, 0, sizeof(m.b));
	m.nlh = nfq_nlmsg_put((char *)m.b, NFQNL_MSG_PACKET, 7003);
	mnl_attr_put(m.nlh, NFQA_PACKET_HDR, sizeof(shortph), &shortph);
	CU_ASSERT_EQUAL(parse_exact(&m, m.nlh->nlmsg_len, false, &p), -1);
}

/* Every length short of the whole message, as read: refused, never read past. */
static void test_short_reads(void)
{
	struct rg_packet p;
	struct msg m;
	size_t len;

	packet_msg(&m, 3, sizeof(syn), 0, 40);
	for (len = 0; len < m.nlh->nlmsg_len; len++)
		CU_ASSERT_EQUAL(parse_exact(&m, len, false, &p), -1);
}

/* MSG_TRUNC: whatever came, from the packet header on, gives the id. */
static void test_cut(void)
{
	struct rg_packet p;
	size_t len, need;
	struct msg m;

	packet_msg(&m, 77, sizeof(syn), 0, 40);
	need = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)) +
	       MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(struct nfqnl_msg_packet_hdr));
	for (len = 0; len < m.nlh->nlmsg_len; len++) {
		packet_msg(&m, 77, sizeof(syn), 0, 40);
		if (len < need) {
			CU_ASSERT_EQUAL(parse_exact(&m, len, true, &p), -1);
			continue;
		}
		CU_ASSERT_EQUAL_FATAL(parse_exact(&m, len, true, &p), 0);
		CU_ASSERT_EQUAL(p.id, 77);
		CU_ASSERT_TRUE(p.len == 0 || p.len == sizeof(syn));
	}
}

static const struct unit_test tests[] = {
	{ "NFQA_IFINDEX_INDEV and NFQA_MARK", test_indev_and_mark },
	{ "a packet: id and payload", test_packet },
	{ "NFQA_CT and NFQA_CAP_LEN", test_ct_and_cap_len },
	{ "a packet without payload", test_no_payload },
	{ "errors and other messages are not packets", test_not_packets },
	{ "a missing or short packet header", test_bad_packet_header },
	{ "a short read is refused", test_short_reads },
	{ "a cut message (MSG_TRUNC) still gives its id", test_cut },
	{ NULL, NULL }
};

int register_queue_msg_tests(void)
{
	return unit_add_suite("queue_msg", tests);
}
