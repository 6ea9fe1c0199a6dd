// SPDX-License-Identifier: GPL-2.0-or-later
#include "exempt_rule.h"

#include <netinet/in.h>
#include <stdbool.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "expr.h"
#include "observe.h"

/* nft's datatype numbers, for a set nft itself can list and read. */
enum { TYPE_IPADDR = 7, TYPE_IP6ADDR = 8, TYPE_INET_PROTOCOL = 12,
       TYPE_INET_SERVICE = 13, TYPE_BITS = 6 };

const char *rg_exempt_set_name(int nfproto)
{
	return nfproto == NFPROTO_IPV6 ? "exempt6" : "exempt4";
}

static uint32_t key_type(bool v6)
{
	uint32_t addr = v6 ? TYPE_IP6ADDR : TYPE_IPADDR;

	return ((addr << TYPE_BITS | addr) << TYPE_BITS | TYPE_INET_PROTOCOL)
	       << TYPE_BITS | TYPE_INET_SERVICE;
}

struct nftnl_set *rg_exempt_set_ref(int nfproto)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return NULL;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, RG_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, rg_exempt_set_name(nfproto));
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, (uint32_t)nfproto);
	return s;
}

struct nftnl_set *rg_exempt_set(int nfproto)
{
	bool v6 = nfproto == NFPROTO_IPV6;
	struct nftnl_set *s = rg_exempt_set_ref(nfproto);

	if (!s)
		return NULL;
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key_type(v6));
	/* Each field takes whole 32-bit registers: 4+4+4+4 or 16+16+4+4. */
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, v6 ? 40 : 16);
	nftnl_set_set_u32(s, NFTNL_SET_ID, RG_EXEMPT_SET_ID);
	return s;
}

/* Registers of the concatenation: saddr, daddr, l4proto, dport. */
static int load_key(struct nftnl_rule *r, bool v6)
{
	uint32_t alen = v6 ? 16 : 4, words = alen / 4;
	uint32_t saddr = v6 ? 8 : 12, daddr = v6 ? 24 : 16;
	uint32_t reg = NFT_REG32_00;

	if (rg_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, saddr, alen, reg) < 0 ||
	    rg_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, daddr, alen,
			    reg + words) < 0 ||
	    rg_expr_meta(r, NFT_META_L4PROTO, reg + 2 * words) < 0)
		return -1;
	return rg_expr_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2,
			       reg + 2 * words + 1);
}

struct nftnl_rule *rg_exempt_rule(int nfproto)
{
	bool v6 = nfproto == NFPROTO_IPV6;
	struct nftnl_rule *r = rg_rule_new(nfproto, RG_TABLE, RG_EXEMPT_CHAIN);

	if (!r)
		return NULL;
	if (load_key(r, v6) < 0 ||
	    rg_expr_lookup(r, NFT_REG32_00, rg_exempt_set_name(nfproto),
			   RG_EXEMPT_SET_ID) < 0 ||
	    rg_expr_counter(r) < 0 ||
	    /* marked for a pair's other node: ct mark | RG_EXEMPT_MARK */
	    rg_expr_ct(r, NFT_CT_MARK, NFT_REG_1) < 0 ||
	    rg_expr_bitwise(r, NFT_REG_1, ~RG_EXEMPT_MARK, RG_EXEMPT_MARK) < 0 ||
	    rg_expr_ct_set(r, NFT_CT_MARK, NFT_REG_1) < 0 ||
	    /* snat to the address the packet already has: identity */
	    rg_expr_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 8 : 12,
			    v6 ? 16 : 4, NFT_REG_1) < 0 ||
	    rg_expr_nat(r, NFT_NAT_SNAT, (uint32_t)nfproto, NFT_REG_1) < 0) {
		nftnl_rule_free(r);
		return NULL;
	}
	return r;
}
