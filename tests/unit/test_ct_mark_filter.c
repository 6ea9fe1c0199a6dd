// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The event socket's filter, run on real ctnetlink messages by a small
 * classic BPF interpreter that does what the kernel does, the
 * SKF_AD_NLATTR load included (bpf_skb_get_nlattr: nla_find over the
 * top-level attributes from offset A, type X).
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "ct_mark_filter.h"
#include "exempt_rule.h"
#include "unit.h"

#define RET_NONE 0xdeadbeefU
#define BIT RG_EXEMPT_MARK

/* The kernel's nla_find: a top-level attribute of type x from offset a. */
static uint32_t nlattr(const uint8_t *pkt, uint32_t len, uint32_t a, uint32_t x)
{
	const struct nlattr *nla;
	uint32_t off = a;

	if (len < sizeof(struct nlattr) || a > len - sizeof(struct nlattr))
		return 0;
	while (off + sizeof(*nla) <= len) {
		nla = (const struct nlattr *)(pkt + off);
		if (nla->nla_len < sizeof(*nla) || off + nla->nla_len > len)
			return 0;
		if ((nla->nla_type & NLA_TYPE_MASK) == x)
			return off;
		off += MNL_ALIGN(nla->nla_len);
	}
	return 0;
}

static uint32_t load_be32(const uint8_t *pkt, uint32_t len, uint32_t k, bool *ok)
{
	uint32_t v;

	*ok = k + 4 <= len && k + 4 > k;
	if (!*ok)
		return 0;
	memcpy(&v, pkt + k, 4);
	return ntohl(v);
}

static bool step(const struct sock_filter *f, const uint8_t *pkt, uint32_t len,
		 uint32_t *a, uint32_t *x, size_t *pc)
{
	bool ok = true;

	switch (f->code) {
	case BPF_LD | BPF_IMM:  *a = f->k; break;
	case BPF_LDX | BPF_IMM: *x = f->k; break;
	case BPF_MISC | BPF_TAX: *x = *a; break;
	case BPF_ALU | BPF_AND | BPF_K: *a &= f->k; break;
	case BPF_LD | BPF_B | BPF_ABS:
		if (f->k != (uint32_t)(SKF_AD_OFF + SKF_AD_NLATTR))
			return false;
		*a = nlattr(pkt, len, *a, *x);
		break;
	case BPF_LD | BPF_W | BPF_IND:
		*a = load_be32(pkt, len, *x + f->k, &ok);
		break;
	case BPF_JMP | BPF_JEQ | BPF_K:
		*pc += *a == f->k ? f->jt : f->jf;
		break;
	default:
		return false;
	}
	return ok;
}

/* The verdict (bytes kept; 0: dropped), or RET_NONE for a bad program. */
static uint32_t run(const struct sock_filter *prog, size_t n,
		    const void *pkt, uint32_t len)
{
	uint32_t a = 0, x = 0;
	size_t pc = 0;

	while (pc < n) {
		const struct sock_filter *f = &prog[pc++];

		if (f->code == (BPF_RET | BPF_K))
			return f->k;
		/* A failed packet load ends the program with 0, as the kernel's. */
		if (!step(f, pkt, len, &a, &x, &pc))
			return f->code == (BPF_LD | BPF_W | BPF_IND) ? 0 : RET_NONE;
	}
	return RET_NONE;
}

#define MSG_BUF 512

enum { NO_MARK = 1, NESTED_MARK = 2, AFTER = 4 };

/* A conntrack event as ctnetlink writes it: tuples, status, the mark. */
static struct nlmsghdr *event(void *buf, uint32_t mark, int flags)
{
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	struct nlattr *t, *ip;

	memset(buf, 0, MSG_BUF);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_NEW;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_INET;
	t = mnl_attr_nest_start(nlh, CTA_TUPLE_ORIG);
	ip = mnl_attr_nest_start(nlh, CTA_TUPLE_IP);
	mnl_attr_put_u32(nlh, CTA_IP_V4_SRC, htonl(0x0a001e02));
	/* a nested attribute whose type number is CTA_MARK's */
	if (flags & NESTED_MARK)
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(BIT));
	mnl_attr_nest_end(nlh, ip);
	mnl_attr_nest_end(nlh, t);
	if (!(flags & AFTER) && !(flags & NO_MARK))
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(mark));
	mnl_attr_put_u32(nlh, CTA_STATUS, htonl(0x18e));
	mnl_attr_put_u32(nlh, CTA_TIMEOUT, htonl(120));
	if ((flags & AFTER) && !(flags & NO_MARK))
		mnl_attr_put_u32(nlh, CTA_MARK, htonl(mark));
	return nlh;
}

static struct sock_filter prog[RG_CT_MARK_FILTER_LEN];

static uint32_t verdict(uint32_t mark, int flags)
{
	char buf[MSG_BUF];
	struct nlmsghdr *nlh = event(buf, mark, flags);
	size_t n = rg_ct_mark_filter(BIT, prog, RG_CT_MARK_FILTER_LEN);

	CU_ASSERT_EQUAL_FATAL(n, RG_CT_MARK_FILTER_LEN);
	return run(prog, n, buf, nlh->nlmsg_len);
}

static void test_passes_marked(void)
{
	CU_ASSERT_EQUAL(verdict(BIT, 0), 0xffffffffu);
	CU_ASSERT_EQUAL(verdict(BIT | 0x40000000u | 0xff, 0), 0xffffffffu);
	CU_ASSERT_EQUAL(verdict(BIT, AFTER), 0xffffffffu);	/* any position */
}

static void test_drops_the_rest(void)
{
	CU_ASSERT_EQUAL(verdict(0x40000000u, 0), 0);	/* the reset bit */
	CU_ASSERT_EQUAL(verdict(~BIT, 0), 0);		/* every other bit */
	CU_ASSERT_EQUAL(verdict(0, NO_MARK), 0);	/* mark 0: no attribute */
	/* Only the top level counts: a nested attribute of the same number
	 * is another thing. */
	CU_ASSERT_EQUAL(verdict(0, NO_MARK | NESTED_MARK), 0);
}

/* A message cut inside the attribute: the load fails, the message goes. */
static void test_cut_message_dropped(void)
{
	char buf[MSG_BUF];
	struct nlmsghdr *nlh = event(buf, BIT, AFTER);
	size_t n = rg_ct_mark_filter(BIT, prog, RG_CT_MARK_FILTER_LEN);

	CU_ASSERT_EQUAL(run(prog, n, buf, nlh->nlmsg_len - 2), 0);
	CU_ASSERT_EQUAL(run(prog, n, buf, 10), 0);
}

static void test_build_bounds(void)
{
	CU_ASSERT_EQUAL(rg_ct_mark_filter(BIT, prog, RG_CT_MARK_FILTER_LEN - 1), 0);
	CU_ASSERT_EQUAL(rg_ct_mark_filter(0, prog, RG_CT_MARK_FILTER_LEN), 0);
}

static const struct unit_test tests[] = {
	{ "passes a message whose CTA_MARK has the bit", test_passes_marked },
	{ "drops other marks, no mark, a nested attribute", test_drops_the_rest },
	{ "drops a message cut inside the mark", test_cut_message_dropped },
	{ "refuses too little room and an empty mask", test_build_bounds },
	{ NULL, NULL }
};

int register_ct_mark_filter_tests(void)
{
	return unit_add_suite("ct_mark_filter", tests);
}
