// SPDX-License-Identifier: GPL-2.0-or-later
#include "reset_rule.h"

#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/netfilter/nf_tables.h>

#include "expr.h"
#include "observe.h"

enum { TCP_SYN = 0x02, TCP_RST = 0x04, TCP_ACK = 0x10, TCP_FLAGS_OFF = 13 };

/* meta l4proto tcp ct mark & MARK == MARK ct direction original */
static int match_marked(struct nftnl_rule *r)
{
	uint32_t mark = RG_RESET_MARK;
	uint8_t tcp = IPPROTO_TCP, dir = IP_CT_DIR_ORIGINAL;

	if (rg_expr_meta(r, NFT_META_L4PROTO, NFT_REG_1) < 0 ||
	    rg_expr_cmp(r, NFT_REG_1, NFT_CMP_EQ, &tcp, sizeof(tcp)) < 0 ||
	    rg_expr_ct(r, NFT_CT_MARK, NFT_REG_1) < 0 ||
	    rg_expr_mask(r, NFT_REG_1, &mark, sizeof(mark)) < 0 ||
	    rg_expr_cmp(r, NFT_REG_1, NFT_CMP_EQ, &mark, sizeof(mark)) < 0 ||
	    rg_expr_ct(r, NFT_CT_DIRECTION, NFT_REG_1) < 0)
		return -1;
	return rg_expr_cmp(r, NFT_REG_1, NFT_CMP_EQ, &dir, sizeof(dir));
}

/* tcp flags & mask == want */
static int match_flags(struct nftnl_rule *r, uint8_t mask, uint8_t want)
{
	if (rg_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, TCP_FLAGS_OFF, 1,
			    NFT_REG_1) < 0 ||
	    rg_expr_mask(r, NFT_REG_1, &mask, sizeof(mask)) < 0)
		return -1;
	return rg_expr_cmp(r, NFT_REG_1, NFT_CMP_EQ, &want, sizeof(want));
}

struct nftnl_rule *rg_reset_rule(int nfproto, int i)
{
	struct nftnl_rule *r = rg_expr_rule_new(nfproto, RG_TABLE, RG_RESET_CHAIN);
	int ret;

	if (!r)
		return NULL;
	if (match_marked(r) < 0)
		goto fail;
	if (i == 0)
		ret = match_flags(r, TCP_SYN | TCP_RST, 0) < 0 ||
		      rg_expr_counter(r) < 0 || rg_expr_reject_tcp(r) < 0;
	else
		ret = match_flags(r, TCP_SYN | TCP_ACK, TCP_SYN) < 0 ||
		      rg_expr_counter(r) < 0 || rg_expr_verdict(r, NF_DROP) < 0;
	if (ret == 0)
		return r;
fail:
	nftnl_rule_free(r);
	return NULL;
}
