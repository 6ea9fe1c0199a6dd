// SPDX-License-Identifier: GPL-2.0-or-later
#include "expr.h"

#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_NFQUEUE.h>

static struct nftnl_expr *expr_new(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (e)
		nftnl_rule_add_expr(r, e);
	return e;
}

int rg_expr_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = expr_new(r, "meta");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	return 0;
}

int rg_expr_ct(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = expr_new(r, "ct");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, dreg);
	return 0;
}

int rg_expr_cmp(struct nftnl_rule *r, uint32_t sreg, uint32_t op,
		const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr_new(r, "cmp");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, sreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	return 0;
}

int rg_expr_mask(struct nftnl_rule *r, uint32_t reg, const void *mask,
		 uint32_t len)
{
	struct nftnl_expr *e = expr_new(r, "bitwise");
	uint8_t zero[16] = { 0 };

	if (!e || len > sizeof(zero))
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, reg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, reg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	return 0;
}

int rg_expr_bitwise(struct nftnl_rule *r, uint32_t reg, uint32_t mask,
		    uint32_t xor)
{
	struct nftnl_expr *e = expr_new(r, "bitwise");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, reg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, reg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &xor, sizeof(xor));
	return 0;
}

int rg_expr_ct_set(struct nftnl_rule *r, uint32_t key, uint32_t sreg)
{
	struct nftnl_expr *e = expr_new(r, "ct");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_SREG, sreg);
	return 0;
}

int rg_expr_immediate(struct nftnl_rule *r, uint32_t dreg, const void *data,
		      uint32_t len)
{
	struct nftnl_expr *e = expr_new(r, "immediate");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, dreg);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	return 0;
}

int rg_expr_nat(struct nftnl_rule *r, uint32_t type, uint32_t family,
		uint32_t reg_addr)
{
	struct nftnl_expr *e = expr_new(r, "nat");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, type);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, family);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, reg_addr);
	return 0;
}

int rg_expr_queue_native(struct nftnl_rule *r, uint16_t num, bool bypass)
{
	struct nftnl_expr *e = expr_new(r, "queue");

	if (!e)
		return -1;
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_NUM, num);
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_TOTAL, 1);
	nftnl_expr_set_u16(e, NFTNL_EXPR_QUEUE_FLAGS,
			   bypass ? NFT_QUEUE_FLAG_BYPASS : 0);
	return 0;
}

int rg_expr_queue_compat(struct nftnl_rule *r, uint16_t num, bool bypass)
{
	struct xt_NFQ_info_v3 *info = calloc(1, sizeof(*info));
	struct nftnl_expr *e;

	if (!info)
		return -1;
	e = expr_new(r, "target");
	if (!e) {
		free(info);
		return -1;
	}
	info->queuenum = num;
	info->queues_total = 1;
	info->flags = bypass ? NFQ_FLAG_BYPASS : 0;
	nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, "NFQUEUE");
	nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, 3);
	/* libnftnl takes ownership of the info blob and frees it with the
	 * expression (iptables-nft relies on the same). */
	nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, info, sizeof(*info));
	return 0;
}

int rg_expr_ct_dir(struct nftnl_rule *r, uint32_t key, uint8_t dir,
		   uint32_t dreg)
{
	struct nftnl_expr *e = expr_new(r, "ct");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u8(e, NFTNL_EXPR_CT_DIR, dir);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, dreg);
	return 0;
}

int rg_expr_range(struct nftnl_rule *r, uint32_t sreg, const void *from,
		  const void *to, uint32_t len)
{
	struct nftnl_expr *e = expr_new(r, "range");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, sreg);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, from, len);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, to, len);
	return 0;
}

int rg_expr_counter(struct nftnl_rule *r)
{
	return expr_new(r, "counter") ? 0 : -1;
}

struct nftnl_rule *rg_rule_new(int family, const char *table,
			       const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (!r)
		return NULL;
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, (uint32_t)family);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	return r;
}

int rg_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset,
		    uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = expr_new(r, "payload");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	return 0;
}

int rg_expr_lookup(struct nftnl_rule *r, uint32_t sreg, const char *set,
		   uint32_t set_id)
{
	struct nftnl_expr *e = expr_new(r, "lookup");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, sreg);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
	return 0;
}

int rg_expr_verdict(struct nftnl_rule *r, int verdict)
{
	struct nftnl_expr *e = expr_new(r, "immediate");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	return 0;
}

int rg_expr_reject_tcp(struct nftnl_rule *r)
{
	struct nftnl_expr *e = expr_new(r, "reject");

	if (!e)
		return -1;
	nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_TCP_RST);
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, 0);
	return 0;
}
