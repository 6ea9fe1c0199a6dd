/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_LISTING_H
#define RG_LISTING_H

#include <stdbool.h>
#include <stdint.h>

#include "nlsock.h"

/* What one nftables table holds, read with chain and set dumps. */
struct rg_table_contents {
	bool exists;
	unsigned int chains;
	unsigned int sets;
	bool has_chain;		/* the chain asked about */
};

int rg_listing_table_contents(struct rg_nl *nl, int family, const char *table,
			      const char *chain, struct rg_table_contents *out);

/* The packets counted by every counter in a chain's rules. */
int rg_listing_chain_packets(struct rg_nl *nl, int family, const char *table,
			     const char *chain, uint64_t *packets);

#endif
