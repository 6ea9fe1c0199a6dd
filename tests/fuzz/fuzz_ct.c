// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The conntrack message parser. The input is one netlink message as
 * ctnetlink sends it (nlmsghdr, nfgenmsg, CTA_* attributes). The daemon
 * only sees messages libmnl's mnl_cb_run() accepted (mnl_nlmsg_ok()), so
 * nlmsg_len is clamped to what the input holds, and the message is copied
 * into a block of exactly nlmsg_len bytes. The same attributes are then
 * parsed as NFQA_CT's payload, through rg_packet_flow(). And the whole
 * input is read as a datagram of answers to four batched lookups
 * (rg_ct_msg_parse_answers()).
 */
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ct_msg.h"
#include "ct_parse.h"
#include "fuzz.h"
#include "packet_flow.h"

/* The nfgenmsg header, as rg_ct_parse_msg() skips it. */
#define CT_HDR MNL_ALIGN(sizeof(struct nlmsghdr) + sizeof(struct nfgenmsg))

static void check_flow(const struct rg_flow *f)
{
	FUZZ_CHECK(f->family == AF_INET || f->family == AF_INET6);
	FUZZ_CHECK(f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP);
	FUZZ_CHECK(f->orig.src.family == f->family);
	FUZZ_CHECK(f->orig.dst.family == f->family);
	FUZZ_CHECK(f->reply.src.family == f->family);
	FUZZ_CHECK(f->reply.dst.family == f->family);
}

static void parse_msg(const uint8_t *data, size_t size)
{
	struct nlmsghdr hdr, *nlh;
	struct rg_flow f;
	size_t len;

	memcpy(&hdr, data, sizeof(hdr));
	len = hdr.nlmsg_len;
	if (len < sizeof(hdr) || len > size)
		len = size;
	nlh = (struct nlmsghdr *)fuzz_copy(data, len);
	nlh->nlmsg_len = (uint32_t)len;
	FUZZ_CHECK(mnl_nlmsg_ok(nlh, (int)len));
	if (rg_ct_parse_msg(nlh, &f) == 0)
		check_flow(&f);
	free(nlh);
}

static void parse_nfqa_ct(const uint8_t *attrs, size_t len)
{
	uint8_t *ct = fuzz_copy(attrs, len);
	struct rg_tuple reply;
	struct rg_flow f;
	uint8_t proto;

	switch (rg_packet_flow(ct, len, NULL, 0, &f, &proto, &reply)) {
	case RG_PF_COMPLETE:
		check_flow(&f);
		FUZZ_CHECK(proto == f.proto);
		FUZZ_CHECK(!memcmp(&reply, &f.reply, sizeof(reply)));
		break;
	case RG_PF_UNPARSED:
		break;
	case RG_PF_LOOKUP:
	case RG_PF_ADDRS:
		FUZZ_CHECK(!"a lookup without a packet");
		break;
	case RG_PF_SEEN:
		FUZZ_CHECK(!"RG_PF_SEEN is the daemon's, never the parser's");
	}
	free(ct);
}

#define ANSWERS 4

static void parse_answers(const uint8_t *data, size_t size)
{
	uint8_t *buf = fuzz_copy(data, size);
	struct rg_ct_answer a[ANSWERS];
	size_t i, got, answered = 0;

	for (i = 0; i < ANSWERS; i++)
		a[i].err = RG_CT_UNANSWERED;
	got = rg_ct_msg_parse_answers(buf, size, 0, 0, a, ANSWERS);
	for (i = 0; i < ANSWERS; i++) {
		if (a[i].err == RG_CT_UNANSWERED)
			continue;
		answered++;
		FUZZ_CHECK(a[i].err >= 0);
		if (a[i].err == 0)
			check_flow(&a[i].f);
	}
	FUZZ_CHECK(got == answered);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < sizeof(struct nlmsghdr))
		return 0;
	parse_msg(data, size);
	parse_answers(data, size);
	if (size >= CT_HDR)
		parse_nfqa_ct(data + CT_HDR, size - CT_HDR);
	return 0;
}
