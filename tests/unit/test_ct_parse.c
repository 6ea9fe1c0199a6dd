// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nfnetlink_queue.h>

#include "ct_parse.h"
#include "unit.h"

/*
 * Real ctnetlink messages, built with libmnl the way the kernel lays them
 * out, then copied into a buffer of exactly their length so that ASan
 * catches any read past what the kernel would have sent.
 */

/* Room for any message built here (MNL_SOCKET_BUFFER_SIZE is not constant). */
#define MSG_BUF 8192

/* What to leave out of, or get wrong in, one tuple. */
enum {
	T_NO_IP = 1u << 0,
	T_NO_PROTO = 1u << 1,
	T_NO_NUM = 1u << 2,
	T_NO_SPORT = 1u << 3,
	T_NO_DPORT = 1u << 4,
	T_NO_DST = 1u << 5,
	T_SHORT_SRC = 1u << 6,		/* source address one byte short */
	T_LONG_SRC = 1u << 7,		/* one byte too many */
	T_WIDE_NUM = 1u << 8,		/* CTA_PROTO_NUM as a u16 */
	T_WIDE_PORT = 1u << 9,		/* CTA_PROTO_SRC_PORT as a u32 */
	T_EXTRA = 1u << 10,		/* unknown attributes at every level */
	T_OVERLONG_DPORT = 1u << 11,	/* its nla_len runs past the nest */
	T_V4_IN_V6 = 1u << 12,		/* IPv4 bytes as CTA_IP_V6_SRC */
};

struct tspec {
	const char *src, *dst;
	uint8_t proto;
	uint16_t sport, dport;
	unsigned int flags;
};

/* The same for the whole message. */
enum {
	M_NO_ORIG = 1u << 0,
	M_NO_REPLY = 1u << 1,
	M_STATUS = 1u << 2,
	M_ID = 1u << 3,
	M_EXTRA = 1u << 4,		/* attributes reflguard does not use */
	M_REPLY_FIRST = 1u << 5,
	M_BAD_META = 1u << 6,		/* status and id of the wrong size */
	M_ORIG_NOT_NESTED = 1u << 7,
	M_ORIG_EMPTY = 1u << 8,
};

struct mspec {
	struct tspec orig, reply;
	unsigned int flags;
	uint32_t status, id;
};

#define NOTE_STATUS (IPS_SEEN_REPLY | IPS_ASSURED | IPS_CONFIRMED | \
		     IPS_SRC_NAT | IPS_DST_NAT | IPS_SRC_NAT_DONE | \
		     IPS_DST_NAT_DONE)
#define NOTE_ID 0x12345678u

/* The note's conntrack entry. */
static const struct mspec note = {
	.orig = { "10.0.30.2", "64.100.0.10", IPPROTO_TCP, 27901, 7003, 0 },
	.reply = { "10.0.10.2", "64.100.0.10", IPPROTO_TCP, 7003, 4401, 0 },
	.flags = M_STATUS | M_ID,
	.status = NOTE_STATUS,
	.id = NOTE_ID,
};

static const struct mspec note6 = {
	.orig = { "fd00:30::2", "2001:db8:64::10", IPPROTO_UDP, 27901, 7003, 0 },
	.reply = { "fd00:10::2", "2001:db8:64::10", IPPROTO_UDP, 7003, 4401, 0 },
	.flags = M_STATUS | M_ID,
	.status = IPS_CONFIRMED | IPS_DST_NAT,
	.id = 0xfedcba98u,
};

static bool is_v6(const char *s)
{
	return strchr(s, ':') != NULL;
}

static void put_addr(struct nlmsghdr *nlh, bool src, const char *s,
		     unsigned int flags)
{
	uint8_t b[17] = { 0 };
	bool v6 = is_v6(s);
	size_t len = v6 ? 16 : 4;
	uint16_t type;

	CU_ASSERT_EQUAL_FATAL(inet_pton(v6 ? AF_INET6 : AF_INET, s, b), 1);
	if (src)
		type = v6 || flags & T_V4_IN_V6 ? CTA_IP_V6_SRC : CTA_IP_V4_SRC;
	else
		type = v6 ? CTA_IP_V6_DST : CTA_IP_V4_DST;
	if (src && flags & T_SHORT_SRC)
		len--;
	if (src && flags & T_LONG_SRC)
		len++;
	mnl_attr_put(nlh, type, len, b);
}

static void put_ip(struct nlmsghdr *nlh, const struct tspec *t)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);

	put_addr(nlh, true, t->src, t->flags);
	if (!(t->flags & T_NO_DST))
		put_addr(nlh, false, t->dst, t->flags);
	if (t->flags & T_EXTRA)
		mnl_attr_put_u32(nlh, CTA_IP_MAX + 1, 7);
	mnl_attr_nest_end(nlh, nest);
}

static void put_proto(struct nlmsghdr *nlh, const struct tspec *t)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, CTA_TUPLE_PROTO);
	struct nlattr *dport;

	if (t->flags & T_WIDE_NUM)
		mnl_attr_put_u16(nlh, CTA_PROTO_NUM, t->proto);
	else if (!(t->flags & T_NO_NUM))
		mnl_attr_put_u8(nlh, CTA_PROTO_NUM, t->proto);
	if (t->flags & T_WIDE_PORT)
		mnl_attr_put_u32(nlh, CTA_PROTO_SRC_PORT, htonl(t->sport));
	else if (!(t->flags & T_NO_SPORT))
		mnl_attr_put_u16(nlh, CTA_PROTO_SRC_PORT, htons(t->sport));
	if (t->flags & T_EXTRA) {
		mnl_attr_put_u16(nlh, CTA_PROTO_ICMP_ID, htons(1));
		mnl_attr_put_u32(nlh, CTA_PROTO_MAX + 1, 9);
	}
	dport = mnl_nlmsg_get_payload_tail(nlh);
	if (!(t->flags & T_NO_DPORT))
		mnl_attr_put_u16(nlh, CTA_PROTO_DST_PORT, htons(t->dport));
	mnl_attr_nest_end(nlh, nest);
	/* Claims more than the nest holds: a cut-off attribute. */
	if (t->flags & T_OVERLONG_DPORT)
		dport->nla_len += 8;
}

static void put_tuple(struct nlmsghdr *nlh, uint16_t type,
		      const struct tspec *t)
{
	struct nlattr *tuple = mnl_attr_nest_start(nlh, type);

	if (!(t->flags & T_NO_IP))
		put_ip(nlh, t);
	if (!(t->flags & T_NO_PROTO))
		put_proto(nlh, t);
	if (t->flags & T_EXTRA) {
		mnl_attr_put_u16(nlh, CTA_TUPLE_ZONE, htons(1));
		mnl_attr_put_u32(nlh, CTA_TUPLE_MAX + 3, 0);
	}
	mnl_attr_nest_end(nlh, tuple);
}

static void put_extra(struct nlmsghdr *nlh)
{
	struct nlattr *info, *tcp;

	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(431999));
	mnl_attr_put_u32(nlh, CTA_MARK, htonl(0x2a));
	info = mnl_attr_nest_start(nlh, CTA_PROTOINFO);
	tcp = mnl_attr_nest_start(nlh, CTA_PROTOINFO_TCP);
	mnl_attr_put_u8(nlh, CTA_PROTOINFO_TCP_STATE, 3);
	mnl_attr_nest_end(nlh, tcp);
	mnl_attr_nest_end(nlh, info);
	mnl_attr_put_u32(nlh, CTA_USE, htonl(1));
	mnl_attr_put_u32(nlh, CTA_MAX + 1, 0xffffffffu);
	mnl_attr_put(nlh, CTA_MAX + 20, 3, "abc");
}

static void put_orig(struct nlmsghdr *nlh, const struct mspec *m)
{
	if (m->flags & M_ORIG_NOT_NESTED)
		mnl_attr_put_u8(nlh, CTA_TUPLE_ORIG, 1);
	else if (m->flags & M_ORIG_EMPTY)
		mnl_attr_nest_end(nlh, mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG));
	else if (!(m->flags & M_NO_ORIG))
		put_tuple(nlh, CTA_TUPLE_ORIG, &m->orig);
}

/* The CTA_* attributes, as they follow the nfgenmsg or fill NFQA_CT. */
static void put_ct_attrs(struct nlmsghdr *nlh, const struct mspec *m)
{
	if (m->flags & M_EXTRA)
		put_extra(nlh);
	if (!(m->flags & M_REPLY_FIRST))
		put_orig(nlh, m);
	if (!(m->flags & M_NO_REPLY))
		put_tuple(nlh, CTA_TUPLE_REPLY, &m->reply);
	if (m->flags & M_REPLY_FIRST)
		put_orig(nlh, m);
	if (m->flags & M_BAD_META) {
		mnl_attr_put_u16(nlh, CTA_STATUS, htons(1));
		mnl_attr_put_u64(nlh, CTA_ID, 1);
	}
	if (m->flags & M_STATUS)
		mnl_attr_put_u32(nlh, CTA_STATUS, htonl(m->status));
	if (m->flags & M_ID)
		mnl_attr_put_u32(nlh, CTA_ID, htonl(m->id));
}

static struct nlmsghdr *put_header(void *buf, uint16_t type, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = 1;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = family;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = 0;
	return nlh;
}

/* An IPCTNL_MSG_CT_NEW message, as a dump or a get answers. */
static struct nlmsghdr *ct_msg(void *buf, const struct mspec *m)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, MSG_BUF);
	nlh = put_header(buf, NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW,
			 is_v6(m->orig.src) ? AF_INET6 : AF_INET);
	put_ct_attrs(nlh, m);
	return nlh;
}

/* Whatever the parser reads, it reads from exactly len bytes. */
static int parse_msg_exact(const struct nlmsghdr *nlh, struct rg_flow *f)
{
	void *copy = malloc(nlh->nlmsg_len);
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, nlh, nlh->nlmsg_len);
	memset(f, 0xa5, sizeof(*f));
	ret = rg_ct_parse_msg(copy, f);
	free(copy);
	return ret;
}

static int parse_attrs_exact(const void *attrs, size_t len, struct rg_flow *f)
{
	void *copy = malloc(len ? len : 1);
	int ret;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, attrs, len);
	memset(f, 0xa5, sizeof(*f));
	ret = rg_ct_parse_attrs(copy, len, f);
	free(copy);
	return ret;
}

static int parse_spec(const struct mspec *m, struct rg_flow *f)
{
	static char buf[MSG_BUF];

	return parse_msg_exact(ct_msg(buf, m), f);
}

static void assert_addr(const struct rg_addr *a, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	CU_ASSERT_EQUAL(a->family, is_v6(want) ? AF_INET6 : AF_INET);
	rg_addr_format(a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void assert_tuple(const struct rg_tuple *t, const struct tspec *want)
{
	assert_addr(&t->src, want->src);
	assert_addr(&t->dst, want->dst);
	CU_ASSERT_EQUAL(t->sport, want->sport);
	CU_ASSERT_EQUAL(t->dport, want->dport);
}

/* f holds m exactly, status and id included. */
static void assert_flow(const struct rg_flow *f, const struct mspec *m)
{
	CU_ASSERT_EQUAL(f->family, is_v6(m->orig.src) ? AF_INET6 : AF_INET);
	CU_ASSERT_EQUAL(f->proto, m->orig.proto);
	assert_tuple(&f->orig, &m->orig);
	assert_tuple(&f->reply, &m->reply);
	CU_ASSERT_EQUAL(f->status, m->flags & M_STATUS ? m->status : 0);
	CU_ASSERT_EQUAL(f->has_id, !!(m->flags & M_ID));
	CU_ASSERT_EQUAL(f->id, m->flags & M_ID ? m->id : 0);
}

static void assert_parses(const struct mspec *m)
{
	struct rg_flow f;

	CU_ASSERT_EQUAL_FATAL(parse_spec(m, &f), 0);
	assert_flow(&f, m);
}

static void assert_refused(const struct mspec *m)
{
	struct rg_flow f;

	CU_ASSERT_EQUAL(parse_spec(m, &f), -1);
}

static void test_msg_note_flow(void)
{
	struct rg_flow f;

	CU_ASSERT_EQUAL_FATAL(parse_spec(&note, &f), 0);
	assert_flow(&f, &note);
	/* Spelled out once: host byte order everywhere. */
	CU_ASSERT_EQUAL(f.orig.sport, 27901);
	CU_ASSERT_EQUAL(f.reply.dport, 4401);
	CU_ASSERT_EQUAL(f.id, 0x12345678u);
	CU_ASSERT_EQUAL(f.status, NOTE_STATUS);
	CU_ASSERT_EQUAL(f.orig.src.u.bytes[0], 10);
	CU_ASSERT_EQUAL(f.orig.src.u.bytes[3], 2);
	CU_ASSERT_EQUAL(f.reply.dst.u.bytes[0], 64);
}

static void test_msg_ipv6_udp(void)
{
	assert_parses(&note6);
}

static void test_msg_without_status_and_id(void)
{
	struct mspec m = note;

	m.flags = 0;
	assert_parses(&m);
}

/* A malformed optional attribute is ignored, never half-read. */
static void test_msg_bad_status_and_id_ignored(void)
{
	struct mspec m = note;

	m.flags = M_BAD_META;
	assert_parses(&m);
}

static void test_msg_any_order(void)
{
	struct mspec m = note;

	m.flags |= M_REPLY_FIRST;
	assert_parses(&m);
}

static void test_msg_unknown_attributes_ignored(void)
{
	struct mspec m = note;

	m.flags |= M_EXTRA;
	m.orig.flags |= T_EXTRA;
	m.reply.flags |= T_EXTRA;
	assert_parses(&m);
	m = note6;
	m.flags |= M_EXTRA | M_REPLY_FIRST;
	m.orig.flags |= T_EXTRA;
	m.reply.flags |= T_EXTRA;
	assert_parses(&m);
}

/* A reset needs to know whether the connection still has live ends. */
static void test_tcp_state(void)
{
	struct mspec m = note;
	struct rg_flow f;

	m.flags |= M_EXTRA;
	CU_ASSERT_EQUAL_FATAL(parse_spec(&m, &f), 0);
	CU_ASSERT_TRUE(f.has_tcp_state);
	CU_ASSERT_EQUAL(f.tcp_state, 3);	/* ESTABLISHED, as put_extra sends */
	CU_ASSERT_EQUAL_FATAL(parse_spec(&note, &f), 0);
	CU_ASSERT_FALSE(f.has_tcp_state);
	/* TCP protocol information on a UDP entry is not believed. */
	m = note6;
	m.flags |= M_EXTRA;
	CU_ASSERT_EQUAL_FATAL(parse_spec(&m, &f), 0);
	CU_ASSERT_FALSE(f.has_tcp_state);
}

/* The payload of the message alone, as rg_ct_parse_attrs() sees it. */
/* A pair's other node knows its exempted flows by the ct mark. */
static void test_mark(void)
{
	struct mspec m = note;
	struct rg_flow f;

	m.flags |= M_EXTRA;
	CU_ASSERT_EQUAL_FATAL(parse_spec(&m, &f), 0);
	CU_ASSERT_TRUE(f.has_mark);
	CU_ASSERT_EQUAL(f.mark, 0x2a);	/* as put_extra sends, host order */
	CU_ASSERT_EQUAL_FATAL(parse_spec(&note, &f), 0);
	CU_ASSERT_FALSE(f.has_mark);
	CU_ASSERT_EQUAL(f.mark, 0);
}

static void test_attrs_without_header(void)
{
	static char buf[MSG_BUF];
	const struct nlmsghdr *nlh = ct_msg(buf, &note);
	const void *attrs = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct nfgenmsg));
	size_t len = (const char *)mnl_nlmsg_get_payload_tail(nlh) -
		     (const char *)attrs;
	struct rg_flow f;

	CU_ASSERT_EQUAL_FATAL(parse_attrs_exact(attrs, len, &f), 0);
	assert_flow(&f, &note);
}

/* The attributes nested in NFQA_CT of a queued packet's message. */
static void test_attrs_inside_nfqa_ct(void)
{
	static char buf[MSG_BUF];
	const struct mspec *specs[] = { &note, &note6 };
	struct nfqnl_msg_packet_hdr ph = { htonl(42), htons(0x0800), 4 };
	struct nlmsghdr *nlh;
	struct nlattr *ct;
	struct rg_flow f;
	size_t i;

	for (i = 0; i < 2; i++) {
		memset(buf, 0, sizeof(buf));
		nlh = put_header(buf, NFNL_SUBSYS_QUEUE << 8 | NFQNL_MSG_PACKET,
				 AF_UNSPEC);
		mnl_attr_put(nlh, NFQA_PACKET_HDR, sizeof(ph), &ph);
		ct = mnl_attr_nest_start(nlh, NFQA_CT);
		put_ct_attrs(nlh, specs[i]);
		mnl_attr_nest_end(nlh, ct);
		mnl_attr_put_u32(nlh, NFQA_CT_INFO, htonl(2));
		CU_ASSERT_EQUAL_FATAL(parse_attrs_exact(mnl_attr_get_payload(ct),
							mnl_attr_get_payload_len(ct),
							&f), 0);
		assert_flow(&f, specs[i]);
	}
}

static void test_missing_tuples(void)
{
	struct mspec m = note;

	m.flags |= M_NO_REPLY;
	assert_refused(&m);
	m = note;
	m.flags |= M_NO_ORIG;
	assert_refused(&m);
	m = note;
	m.flags |= M_ORIG_EMPTY;
	assert_refused(&m);
	m = note;
	m.flags |= M_ORIG_NOT_NESTED;
	assert_refused(&m);
}

/* Each piece of a tuple is required, in either tuple. */
static void test_missing_parts(void)
{
	static const unsigned int parts[] = {
		T_NO_IP, T_NO_PROTO, T_NO_NUM, T_NO_SPORT, T_NO_DPORT, T_NO_DST,
	};
	struct mspec m;
	size_t i;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		m = note;
		m.orig.flags = parts[i];
		assert_refused(&m);
		m = note;
		m.reply.flags = parts[i];
		assert_refused(&m);
		m = note6;
		m.reply.flags = parts[i];
		assert_refused(&m);
	}
}

static void test_protocols_other_than_tcp_udp(void)
{
	static const uint8_t protos[] = {
		IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_SCTP, IPPROTO_DCCP,
		IPPROTO_UDPLITE, IPPROTO_GRE, 0,
	};
	struct mspec m;
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		m = note;
		m.orig.proto = m.reply.proto = protos[i];
		assert_refused(&m);
	}
	/* ICMP as the kernel sends it: no ports at all. */
	m = note;
	m.orig.proto = m.reply.proto = IPPROTO_ICMP;
	m.orig.flags = m.reply.flags = T_NO_SPORT | T_NO_DPORT | T_EXTRA;
	assert_refused(&m);
}

static void test_wrong_sizes(void)
{
	static const unsigned int bad[] = {
		T_SHORT_SRC, T_LONG_SRC, T_WIDE_NUM, T_WIDE_PORT, T_V4_IN_V6,
	};
	struct mspec m;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = note;
		m.orig.flags = bad[i];
		assert_refused(&m);
		m = note;
		m.reply.flags = bad[i];
		assert_refused(&m);
	}
	m = note6;
	m.orig.flags = T_SHORT_SRC;
	assert_refused(&m);
	m = note6;
	m.reply.flags = T_LONG_SRC;
	assert_refused(&m);
}

static void test_family_mismatch(void)
{
	struct mspec m = note;

	/* Between the tuples. */
	m.reply = note6.reply;
	m.reply.proto = IPPROTO_TCP;
	assert_refused(&m);
	m = note6;
	m.reply = note.reply;
	m.reply.proto = IPPROTO_UDP;
	assert_refused(&m);
	/* Within one tuple. */
	m = note;
	m.orig.dst = "2001:db8:64::10";
	assert_refused(&m);
}

static void test_proto_mismatch(void)
{
	struct mspec m = note;

	m.reply.proto = IPPROTO_UDP;
	assert_refused(&m);
}

/* Every cut before the reply tuple ends loses a tuple: refused. */
static void test_truncated_everywhere(void)
{
	static char buf[MSG_BUF];
	const struct mspec *specs[] = { &note, &note6 };
	const struct nlmsghdr *nlh;
	const char *attrs;
	struct rg_flow f;
	size_t i, len, full;

	for (i = 0; i < 2; i++) {
		struct mspec m = *specs[i];

		m.flags = 0;		/* the reply tuple is the last attribute */
		nlh = ct_msg(buf, &m);
		attrs = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct nfgenmsg));
		full = (size_t)((const char *)mnl_nlmsg_get_payload_tail(nlh) - attrs);
		for (len = 0; len < full; len++)
			CU_ASSERT_EQUAL(parse_attrs_exact(attrs, len, &f), -1);
		CU_ASSERT_EQUAL(parse_attrs_exact(attrs, full, &f), 0);
	}
}

/* The same through the message: nlmsg_len shorter than the attributes. */
static void test_truncated_message(void)
{
	static char buf[MSG_BUF];
	struct mspec m = note;
	struct nlmsghdr *nlh;
	struct rg_flow f;

	m.flags = 0;
	nlh = ct_msg(buf, &m);
	nlh->nlmsg_len -= 4;
	CU_ASSERT_EQUAL(parse_msg_exact(nlh, &f), -1);
	nlh->nlmsg_len -= 1;
	CU_ASSERT_EQUAL(parse_msg_exact(nlh, &f), -1);
}

/* An attribute inside a nest that claims more than the nest holds. */
static void test_truncated_inside_nest(void)
{
	struct mspec m = note;

	m.orig.flags = T_OVERLONG_DPORT;
	assert_refused(&m);
	m = note;
	m.reply.flags = T_OVERLONG_DPORT;
	assert_refused(&m);
}

static void test_shorter_than_nfgenmsg(void)
{
	static char buf[MSG_BUF];
	struct nlmsghdr *nlh = ct_msg(buf, &note);
	struct rg_flow f;
	uint32_t len;

	for (len = 0; len < NLMSG_HDRLEN + sizeof(struct nfgenmsg); len++) {
		nlh->nlmsg_len = len;
		CU_ASSERT_EQUAL(rg_ct_parse_msg(nlh, &f), -1);
	}
	/* The header alone: no tuples. */
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(struct nfgenmsg);
	CU_ASSERT_EQUAL(parse_msg_exact(nlh, &f), -1);
}

static const struct unit_test tests[] = {
	{ "message: the note's flow", test_msg_note_flow },
	{ "message: IPv6 UDP", test_msg_ipv6_udp },
	{ "message: no status, no id", test_msg_without_status_and_id },
	{ "message: bad status and id ignored", test_msg_bad_status_and_id_ignored },
	{ "message: attribute order", test_msg_any_order },
	{ "message: unknown attributes ignored", test_msg_unknown_attributes_ignored },
	{ "attributes without header", test_attrs_without_header },
	{ "attributes inside NFQA_CT", test_attrs_inside_nfqa_ct },
	{ "missing tuples", test_missing_tuples },
	{ "missing tuple parts", test_missing_parts },
	{ "not TCP or UDP", test_protocols_other_than_tcp_udp },
	{ "TCP state from CTA_PROTOINFO", test_tcp_state },
	{ "ct mark from CTA_MARK, host order", test_mark },
	{ "attributes of the wrong size", test_wrong_sizes },
	{ "family mismatch", test_family_mismatch },
	{ "protocol mismatch", test_proto_mismatch },
	{ "truncated at every length", test_truncated_everywhere },
	{ "truncated message", test_truncated_message },
	{ "truncated inside a nest", test_truncated_inside_nest },
	{ "shorter than nfgenmsg", test_shorter_than_nfgenmsg },
	{ NULL, NULL },
};

int register_ct_parse_tests(void)
{
	return unit_add_suite("ct_parse", tests);
}
