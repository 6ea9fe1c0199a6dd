/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_NFT_TEXT_H
#define RG_NFT_TEXT_H

#include <stddef.h>

#include "exemption.h"
#include "strbuf.h"

/*
 * The exemptions as an nftables file (`reflguard exempt list --nft`):
 * loaded with `nft -f` on a firewall without reflguard, it builds the
 * same tables, sets, chain and identity snat rule the daemon builds
 * (nft/msg/exempt_rule.h), with these elements. Each family's table is
 * deleted first, so loading it twice gives the same ruleset. Pure.
 */
void rg_nft_text_fragment(const struct rg_exemption *xs, size_t n,
			  struct rg_strbuf *out);

#endif
