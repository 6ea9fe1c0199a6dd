// SPDX-License-Identifier: GPL-2.0-or-later
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>

#include "ct_msg.h"
#include "unit.h"

/*
 * Many lookups in one round trip: the requests as the kernel will read
 * them, and the kernel's answers, as it sends them, matched back.
 */

#define PORTID 4242u
#define BUF 16384
#define CT_TYPE(t) ((uint16_t)((NFNL_SUBSYS_CTNETLINK << 8) | (t)))

static struct rg_addr addr(const char *s)
{
	struct rg_addr a;

	memset(&a, 0, sizeof(a));
	a.family = strchr(s, ':') ? AF_INET6 : AF_INET;
	CU_ASSERT_FATAL(inet_pton(a.family, s, a.u.bytes) == 1);
	return a;
}

/* A lookup by reply tuple: E internal -> translated source. */
static struct rg_ct_query query(const char *src, const char *dst,
				uint8_t proto, uint16_t sport, uint16_t dport)
{
	struct rg_ct_query q;

	memset(&q, 0, sizeof(q));
	q.reply.src = addr(src);
	q.reply.dst = addr(dst);
	q.family = q.reply.src.family;
	q.proto = proto;
	q.reply.sport = sport;
	q.reply.dport = dport;
	return q;
}

static const struct rg_ct_query *three(void)
{
	static struct rg_ct_query q[3];

	q[0] = query("10.0.10.2", "64.100.0.10", IPPROTO_TCP, 7003, 4401);
	q[1] = query("fd00:10::2", "2001:db8::10", IPPROTO_UDP, 3478, 50000);
	q[2] = query("10.0.10.2", "64.100.0.10", IPPROTO_UDP, 7003, 4402);
	return q;
}

/* Fills tb[0..max] from a nest, failing the test when it is malformed. */
struct table {
	const struct nlattr **tb;
	uint16_t max;
};

static int table_cb(const struct nlattr *a, void *data)
{
	struct table *t = data;

	if (mnl_attr_get_type(a) <= t->max)
		t->tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static void nest(const struct nlattr *n, const struct nlattr **tb, uint16_t max)
{
	struct table t = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1u));
	CU_ASSERT_FATAL(mnl_attr_parse_nested(n, table_cb, &t) == MNL_CB_OK);
}

/* The request's CTA_TUPLE_REPLY, read back attribute by attribute. */
static void assert_request(const struct nlmsghdr *nlh, const struct rg_ct_query *q)
{
	const struct nlattr *top[CTA_MAX + 1], *tu[CTA_TUPLE_MAX + 1];
	const struct nlattr *ip[CTA_IP_MAX + 1], *pr[CTA_PROTO_MAX + 1];
	const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
	struct table t = { top, CTA_MAX };
	bool v4 = q->family == AF_INET;
	size_t alen = v4 ? 4 : 16;

	CU_ASSERT_EQUAL(nlh->nlmsg_type, CT_TYPE(IPCTNL_MSG_CT_GET));
	CU_ASSERT_EQUAL(nlh->nlmsg_flags, NLM_F_REQUEST);
	CU_ASSERT_TRUE(nlh->nlmsg_len <= RG_CT_GET_MSG_MAX);
	CU_ASSERT_EQUAL(nfg->nfgen_family, q->family);
	memset(top, 0, sizeof(top));
	CU_ASSERT_FATAL(mnl_attr_parse(nlh, sizeof(*nfg), table_cb, &t) == MNL_CB_OK);
	CU_ASSERT_PTR_NULL(top[CTA_TUPLE_ORIG]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(top[CTA_TUPLE_REPLY]);
	nest(top[CTA_TUPLE_REPLY], tu, CTA_TUPLE_MAX);
	nest(tu[CTA_TUPLE_IP], ip, CTA_IP_MAX);
	nest(tu[CTA_TUPLE_PROTO], pr, CTA_PROTO_MAX);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ip[v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ip[v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST]);
	CU_ASSERT_EQUAL(memcmp(mnl_attr_get_payload(ip[v4 ? CTA_IP_V4_SRC : CTA_IP_V6_SRC]),
			       q->reply.src.u.bytes, alen), 0);
	CU_ASSERT_EQUAL(memcmp(mnl_attr_get_payload(ip[v4 ? CTA_IP_V4_DST : CTA_IP_V6_DST]),
			       q->reply.dst.u.bytes, alen), 0);
	CU_ASSERT_EQUAL(mnl_attr_get_u8(pr[CTA_PROTO_NUM]), q->proto);
	CU_ASSERT_EQUAL(ntohs(mnl_attr_get_u16(pr[CTA_PROTO_SRC_PORT])), q->reply.sport);
	CU_ASSERT_EQUAL(ntohs(mnl_attr_get_u16(pr[CTA_PROTO_DST_PORT])), q->reply.dport);
}

/* Builds n requests into a buffer of exactly their length and checks each. */
static void assert_built(const struct rg_ct_query *q, size_t n, uint32_t seq)
{
	char buf[BUF];
	const struct nlmsghdr *nlh;
	size_t len = rg_ct_msg_build_gets(buf, sizeof(buf), seq, q, n), i = 0;
	int left = (int)len;
	char *exact = malloc(len ? len : 1);

	CU_ASSERT_FATAL(len > 0 && exact != NULL);
	memcpy(exact, buf, len);
	for (nlh = (void *)exact; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left), i++) {
		CU_ASSERT_EQUAL_FATAL(i < n, true);
		CU_ASSERT_EQUAL(nlh->nlmsg_seq, seq + (uint32_t)i);
		assert_request(nlh, &q[i]);
	}
	CU_ASSERT_EQUAL(i, n);
	CU_ASSERT_EQUAL(left, 0);
	free(exact);
}

static void test_build_three(void)
{
	assert_built(three(), 3, 1000);
}

/* The sequence numbers go on past 2^32 the way rg_nlsock_next_seqs hands them. */
static void test_build_sequence_wraps(void)
{
	assert_built(three(), 3, 0xfffffffeu);
}

/* A whole queue batch of the longest requests fits the daemon's buffer. */
static void test_build_full_batch_of_ipv6(void)
{
	struct rg_ct_query q[RG_CT_MANY_MAX];
	char *buf = malloc(RG_CT_MANY_REQ_SIZE);
	size_t i;

	CU_ASSERT_FATAL(buf != NULL);
	for (i = 0; i < RG_CT_MANY_MAX; i++)
		q[i] = query("fd00:10::2", "2001:db8::10", IPPROTO_TCP, 7003,
			     (uint16_t)(40000 + i));
	CU_ASSERT_TRUE(rg_ct_msg_build_gets(buf, RG_CT_MANY_REQ_SIZE, 1, q,
					    RG_CT_MANY_MAX) > 0);
	free(buf);
	assert_built(q, 8, 7);
}

static void test_build_refuses_what_does_not_fit(void)
{
	struct rg_ct_query q[3];
	char buf[BUF];

	memcpy(q, three(), sizeof(q));
	CU_ASSERT_EQUAL(rg_ct_msg_build_gets(buf, 3 * RG_CT_GET_MSG_MAX - 1, 1, q, 3), 0);
	CU_ASSERT_TRUE(rg_ct_msg_build_gets(buf, 3 * RG_CT_GET_MSG_MAX, 1, q, 3) > 0);
	CU_ASSERT_EQUAL(rg_ct_msg_build_gets(buf, sizeof(buf), 1, q, 0), 0);
	q[1].family = AF_UNSPEC;
	CU_ASSERT_EQUAL(rg_ct_msg_build_gets(buf, sizeof(buf), 1, q, 3), 0);
}

/* ---- answers ---- */

/* Where the next message goes: the end of what was written so far. */
struct out {
	char buf[BUF];
	size_t len;
};

static struct nlmsghdr *next(struct out *o)
{
	return (struct nlmsghdr *)(o->buf + o->len);
}

static void done(struct out *o, struct nlmsghdr *nlh)
{
	o->len += MNL_ALIGN(nlh->nlmsg_len);
}

/* The entry the kernel sends for query q: C -> E public, translated back. */
static void put_entry(struct out *o, const struct rg_ct_query *q,
		      uint32_t seq, uint32_t pid)
{
	struct nlmsghdr *nlh = rg_ct_msg_put_header(next(o), IPCTNL_MSG_CT_NEW,
						    q->family, 0, seq);
	struct rg_tuple orig = {
		.src = q->reply.dst, .dst = q->reply.src,
		.sport = 27901, .dport = q->reply.sport,
	};

	nlh->nlmsg_pid = pid;
	rg_ct_msg_put_tuple(nlh, CTA_TUPLE_ORIG, q->family, q->proto, &orig);
	rg_ct_msg_put_tuple(nlh, CTA_TUPLE_REPLY, q->family, q->proto, &q->reply);
	mnl_attr_put_u32(nlh, CTA_ID, htonl(0x1000u + seq));
	done(o, nlh);
}

/* An entry with no tuples at all: refused by the parser. */
static void put_bad_entry(struct out *o, uint32_t seq)
{
	struct nlmsghdr *nlh = rg_ct_msg_put_header(next(o), IPCTNL_MSG_CT_NEW,
						    AF_INET, 0, seq);

	nlh->nlmsg_pid = PORTID;
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(1));
	done(o, nlh);
}

/* An NLMSG_ERROR, echoing the request's header as the kernel does. */
static void put_error(struct out *o, int error, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(next(o));
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	e->error = error;
	e->msg.nlmsg_len = 64;
	e->msg.nlmsg_type = CT_TYPE(IPCTNL_MSG_CT_GET);
	e->msg.nlmsg_flags = NLM_F_REQUEST;
	e->msg.nlmsg_seq = seq;
	done(o, nlh);
}

static void unanswered(struct rg_ct_answer *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i].err = RG_CT_UNANSWERED;
}

/* Parses o from a buffer of exactly its length, so ASan sees any overread. */
static size_t parse(const struct out *o, size_t len, uint32_t seq,
		    struct rg_ct_answer *a, size_t n)
{
	char *exact = malloc(len ? len : 1);
	size_t got;

	CU_ASSERT_FATAL(exact != NULL);
	memcpy(exact, o->buf, len);
	got = rg_ct_msg_parse_answers(exact, len, seq, PORTID, a, n);
	free(exact);
	return got;
}

static void assert_found(const struct rg_ct_answer *a, const struct rg_ct_query *q)
{
	CU_ASSERT_EQUAL_FATAL(a->err, 0);
	CU_ASSERT_EQUAL(a->f.family, q->family);
	CU_ASSERT_EQUAL(a->f.proto, q->proto);
	CU_ASSERT_TRUE(rg_addr_equal(&a->f.reply.src, &q->reply.src));
	CU_ASSERT_TRUE(rg_addr_equal(&a->f.reply.dst, &q->reply.dst));
	CU_ASSERT_EQUAL(a->f.reply.sport, q->reply.sport);
	CU_ASSERT_EQUAL(a->f.reply.dport, q->reply.dport);
	CU_ASSERT_TRUE(a->f.has_id);
}

/*
 * Found, missing and found again, answered out of order in separate
 * datagrams: each answer lands on its own request, whatever the order.
 */
static void test_answers_out_of_order(void)
{
	const struct rg_ct_query *q = three();
	struct rg_ct_answer a[3];
	struct out o1 = { .len = 0 }, o2 = { .len = 0 };

	unanswered(a, 3);
	put_entry(&o1, &q[2], 502, PORTID);
	put_error(&o2, -ENOENT, 500);
	CU_ASSERT_EQUAL(parse(&o1, o1.len, 500, a, 3), 1);
	CU_ASSERT_EQUAL(a[0].err, RG_CT_UNANSWERED);
	CU_ASSERT_EQUAL(a[1].err, RG_CT_UNANSWERED);
	assert_found(&a[2], &q[2]);
	CU_ASSERT_EQUAL(a[2].f.id, 0x1000u + 502);
	CU_ASSERT_EQUAL(parse(&o2, o2.len, 500, a, 3), 1);
	CU_ASSERT_EQUAL(a[0].err, ENOENT);
	o1.len = 0;
	put_entry(&o1, &q[1], 501, PORTID);
	CU_ASSERT_EQUAL(parse(&o1, o1.len, 500, a, 3), 1);
	assert_found(&a[1], &q[1]);
	assert_found(&a[2], &q[2]);
}

/*
 * One buffer of many messages, with everything that answers nothing mixed
 * in: another socket's, a sequence number outside the batch's, an ack, a
 * repeated answer, a message type of no interest.
 */
static void test_answers_mixed_in_one_buffer(void)
{
	struct rg_ct_query q[6];
	struct rg_ct_answer a[6];
	struct out o = { .len = 0 };
	struct nlmsghdr *done_msg;
	size_t i;

	for (i = 0; i < 6; i++)
		q[i] = query("10.0.10.2", "64.100.0.10", IPPROTO_TCP, 7003,
			     (uint16_t)(4400 + i));
	unanswered(a, 6);
	put_entry(&o, &q[5], 13, PORTID + 1);	/* another socket's */
	put_entry(&o, &q[0], 9, PORTID);	/* before the batch */
	put_entry(&o, &q[0], 16, PORTID);	/* after it */
	put_error(&o, 0, 11);			/* an ack: no answer */
	put_entry(&o, &q[3], 13, PORTID);
	put_error(&o, -ENOENT, 10);
	put_error(&o, -ENOENT, 13);		/* a second answer: ignored */
	put_entry(&o, &q[1], 10, PORTID);	/* ditto */
	put_bad_entry(&o, 14);
	put_error(&o, -EPERM, 15);
	done_msg = mnl_nlmsg_put_header(next(&o));
	done_msg->nlmsg_type = NLMSG_DONE;
	done_msg->nlmsg_seq = 12;
	done(&o, done_msg);
	CU_ASSERT_EQUAL(parse(&o, o.len, 10, a, 6), 4);
	CU_ASSERT_EQUAL(a[0].err, ENOENT);
	CU_ASSERT_EQUAL(a[1].err, RG_CT_UNANSWERED);
	CU_ASSERT_EQUAL(a[2].err, RG_CT_UNANSWERED);
	assert_found(&a[3], &q[3]);
	CU_ASSERT_EQUAL(a[4].err, EPROTO);
	CU_ASSERT_EQUAL(a[5].err, EPERM);
}

/* Sequence numbers that wrapped past 2^32 inside the batch still match. */
static void test_answers_sequence_wraps(void)
{
	const struct rg_ct_query *q = three();
	struct rg_ct_answer a[3];
	struct out o = { .len = 0 };

	unanswered(a, 3);
	put_entry(&o, &q[2], 1, PORTID);
	put_error(&o, -ENOENT, 0xffffffffu);
	put_entry(&o, &q[1], 0, PORTID);
	CU_ASSERT_EQUAL(parse(&o, o.len, 0xffffffffu, a, 3), 3);
	CU_ASSERT_EQUAL(a[0].err, ENOENT);
	assert_found(&a[1], &q[1]);
	assert_found(&a[2], &q[2]);
}

/*
 * A datagram cut short (a reply longer than its slot): the messages
 * before the cut count, the cut one answers nothing, and nothing past
 * the buffer is read.
 */
static void test_answers_cut_short(void)
{
	const struct rg_ct_query *q = three();
	struct rg_ct_answer a[3];
	struct out o = { .len = 0 };
	size_t first;

	unanswered(a, 3);
	put_error(&o, -ENOENT, 20);
	first = o.len;
	put_entry(&o, &q[1], 21, PORTID);
	CU_ASSERT_EQUAL(parse(&o, o.len - 4, 20, a, 3), 1);
	CU_ASSERT_EQUAL(a[0].err, ENOENT);
	CU_ASSERT_EQUAL(a[1].err, RG_CT_UNANSWERED);
	unanswered(a, 3);
	CU_ASSERT_EQUAL(parse(&o, first + 8, 20, a, 3), 1);
	CU_ASSERT_EQUAL(a[1].err, RG_CT_UNANSWERED);
	CU_ASSERT_EQUAL(parse(&o, 3, 20, a, 3), 0);
	/* A length past INT_MAX, which mnl_nlmsg_ok takes for negative. */
	((struct nlmsghdr *)o.buf)->nlmsg_len = 0xd40000d4u;
	unanswered(a, 3);
	CU_ASSERT_EQUAL(parse(&o, o.len, 20, a, 3), 0);
	CU_ASSERT_EQUAL(parse(&o, 0, 20, a, 3), 0);
}

/*
 * An error shorter than struct nlmsgerr, or one that holds no errno,
 * still answers, with EPROTO.
 */
static void test_answers_bad_errors(void)
{
	struct rg_ct_answer a[3];
	struct out o = { .len = 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(next(&o));

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 5;
	mnl_nlmsg_put_extra_header(nlh, 4);
	done(&o, nlh);
	put_error(&o, INT_MIN, 6);
	put_error(&o, ENOENT, 7);		/* positive: no errno */
	unanswered(a, 3);
	CU_ASSERT_EQUAL(parse(&o, o.len, 5, a, 3), 3);
	CU_ASSERT_EQUAL(a[0].err, EPROTO);
	CU_ASSERT_EQUAL(a[1].err, EPROTO);
	CU_ASSERT_EQUAL(a[2].err, EPROTO);
}

int register_ct_msg_tests(void)
{
	static const struct unit_test tests[] = {
		{ "requests: three, read back", test_build_three },
		{ "requests: sequence wraps", test_build_sequence_wraps },
		{ "requests: a full batch of IPv6 fits", test_build_full_batch_of_ipv6 },
		{ "requests: refused when they do not fit", test_build_refuses_what_does_not_fit },
		{ "answers: out of order, by sequence", test_answers_out_of_order },
		{ "answers: mixed in one buffer", test_answers_mixed_in_one_buffer },
		{ "answers: sequence wraps", test_answers_sequence_wraps },
		{ "answers: a datagram cut short", test_answers_cut_short },
		{ "answers: errors that hold no errno", test_answers_bad_errors },
		{ NULL, NULL },
	};

	return unit_add_suite("ct_many", tests);
}
