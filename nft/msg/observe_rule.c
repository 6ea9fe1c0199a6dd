// SPDX-License-Identifier: GPL-2.0-or-later
#include "observe_rule.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <linux/netfilter/nf_tables.h>

#include "expr.h"
#include "observe.h"

/*
 * ct state new [ct status dnat] ct original protocol P: conntrack's protocol,
 * not meta l4proto, which for IPv6 stops at an authentication header
 * (nft asks ipv6_find_hdr for IP6_FH_F_AUTH) and would let an IPsec AH
 * flow pass unobserved.
 */
static int match_new_dnat(struct nftnl_rule *r, uint8_t proto, bool dnat_done)
{
	uint32_t new_bit = NF_CT_STATE_BIT(IP_CT_NEW), dnat = IPS_DST_NAT;
	uint32_t zero = 0;

	if (rg_expr_ct(r, NFT_CT_STATE, NFT_REG_1) < 0 ||
	    rg_expr_mask(r, NFT_REG_1, &new_bit, sizeof(new_bit)) < 0 ||
	    rg_expr_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, sizeof(zero)) < 0)
		return -1;
	if (dnat_done &&
	    (rg_expr_ct(r, NFT_CT_STATUS, NFT_REG_1) < 0 ||
	     rg_expr_mask(r, NFT_REG_1, &dnat, sizeof(dnat)) < 0 ||
	     rg_expr_cmp(r, NFT_REG_1, NFT_CMP_NEQ, &zero, sizeof(zero)) < 0))
		return -1;
	if (rg_expr_ct_dir(r, NFT_CT_PROTOCOL, IP_CT_DIR_ORIGINAL, NFT_REG_1) < 0)
		return -1;
	return rg_expr_cmp(r, NFT_REG_1, NFT_CMP_EQ, &proto, sizeof(proto));
}

/* ct original daddr PUBLIC ct original proto-dst LO-HI */
static int match_public(struct nftnl_rule *r, const struct rg_addr *pub,
			const struct rg_port_range *ports)
{
	uint32_t key = pub->family == AF_INET ? NFT_CT_DST_IP : NFT_CT_DST_IP6;
	uint16_t lo = htons(ports->lo), hi = htons(ports->hi);

	if (rg_expr_ct_dir(r, key, IP_CT_DIR_ORIGINAL, NFT_REG_1) < 0 ||
	    rg_expr_cmp(r, NFT_REG_1, NFT_CMP_EQ, pub->u.bytes,
			(uint32_t)rg_addr_len(pub)) < 0 ||
	    rg_expr_ct_dir(r, NFT_CT_PROTO_DST, IP_CT_DIR_ORIGINAL, NFT_REG_1) < 0)
		return -1;
	return rg_expr_range(r, NFT_REG_1, &lo, &hi, sizeof(lo));
}

static struct nftnl_rule *build(int nfproto, const char *chain,
				bool dnat_done, const struct rg_addr *pub,
				const struct rg_port_range *ports,
				enum rg_queue_path path, uint16_t queue)
{
	struct nftnl_rule *r = rg_expr_rule_new(nfproto, RG_TABLE, chain);
	int ret;

	if (!r)
		return NULL;
	if (match_new_dnat(r, ports->proto, dnat_done) < 0 ||
	    match_public(r, pub, ports) < 0 || rg_expr_counter(r) < 0)
		goto fail;
	/* Bypass: with no handler bound, packets pass instead of dropping. */
	if (path == RG_QUEUE_NATIVE)
		ret = rg_expr_queue_native(r, queue, true);
	else
		ret = rg_expr_queue_compat(r, queue, true);
	if (ret == 0)
		return r;
fail:
	nftnl_rule_free(r);
	return NULL;
}

struct nftnl_rule *rg_observe_rule(int nfproto, const struct rg_addr *pub,
				   const struct rg_port_range *ports,
				   enum rg_queue_path path, uint16_t queue)
{
	return build(nfproto, RG_OBSERVE_CHAIN, true, pub, ports, path, queue);
}

struct nftnl_rule *rg_observe_rule_pre(int nfproto, const struct rg_addr *pub,
				       const struct rg_port_range *ports,
				       enum rg_queue_path path, uint16_t queue)
{
	return build(nfproto, RG_OBSERVE_PRE_CHAIN, false, pub, ports, path, queue);
}
