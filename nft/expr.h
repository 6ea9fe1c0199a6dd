/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_EXPR_H
#define RG_EXPR_H

#include <stdbool.h>
#include <stdint.h>

#include <libnftnl/rule.h>

/* A rule object for table/chain, ready for rg_expr_* to fill. */
struct nftnl_rule *rg_rule_new(int family, const char *table,
			       const char *chain);

/* Each appends one expression to r; -1 when it cannot be allocated. */
int rg_expr_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg);
int rg_expr_ct(struct nftnl_rule *r, uint32_t key, uint32_t dreg);
/* "ct original|reply KEY": dir is IP_CT_DIR_ORIGINAL or IP_CT_DIR_REPLY. */
int rg_expr_ct_dir(struct nftnl_rule *r, uint32_t key, uint8_t dir,
		   uint32_t dreg);
/* from <= reg <= to, compared as big-endian bytes (as nft does). */
int rg_expr_range(struct nftnl_rule *r, uint32_t sreg, const void *from,
		  const void *to, uint32_t len);
int rg_expr_counter(struct nftnl_rule *r);
/* Loads len bytes at offset of a header (NFT_PAYLOAD_*_HEADER). */
int rg_expr_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset,
		    uint32_t len, uint32_t dreg);
/* Matches when the key starting at sreg is in the named set. */
int rg_expr_lookup(struct nftnl_rule *r, uint32_t sreg, const char *set,
		   uint32_t set_id);
int rg_expr_cmp(struct nftnl_rule *r, uint32_t sreg, uint32_t op,
		const void *data, uint32_t len);
/* dreg = sreg & mask, the way nft compiles "ct state new". */
int rg_expr_mask(struct nftnl_rule *r, uint32_t reg, const void *mask,
		 uint32_t len);
/* reg = (reg & mask) ^ xor on a 32-bit register: a bit set or cleared
 * with the others kept ("ct mark set ct mark & ~B | B"). */
int rg_expr_bitwise(struct nftnl_rule *r, uint32_t reg, uint32_t mask,
		    uint32_t xor);
/* ct KEY set sreg */
int rg_expr_ct_set(struct nftnl_rule *r, uint32_t key, uint32_t sreg);
int rg_expr_immediate(struct nftnl_rule *r, uint32_t dreg, const void *data,
		      uint32_t len);
int rg_expr_nat(struct nftnl_rule *r, uint32_t type, uint32_t family,
		uint32_t reg_addr);
/* nft's native "queue num N [bypass]": needs CONFIG_NFT_QUEUE. */
int rg_expr_queue_native(struct nftnl_rule *r, uint16_t num, bool bypass);
/* The xtables NFQUEUE target (revision 3) through nft_compat. */
int rg_expr_queue_compat(struct nftnl_rule *r, uint16_t num, bool bypass);
/* A final verdict (NF_DROP, NF_ACCEPT) for the packet. */
int rg_expr_verdict(struct nftnl_rule *r, int verdict);
/* "reject with tcp reset": an RST to the sender, in its window. */
int rg_expr_reject_tcp(struct nftnl_rule *r);

#endif
