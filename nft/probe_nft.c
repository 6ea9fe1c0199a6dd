// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nftables probes. Each is one transaction that creates a temporary table,
 * adds what is being tested, and deletes the table again: the kernel checks
 * every expression when the rule is added, and the final delete means a
 * successful probe leaves nothing behind. A failing one is aborted whole.
 */
#include "probe.h"

#include <errno.h>
#include <string.h>

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter/nf_tables.h>

#include "expr.h"

typedef int (*rule_fill_fn)(struct nftnl_rule *r, const void *arg);

static int run_probe(struct rg_nl *nl, int family, const char *type,
		     int hook, int prio, rule_fill_fn fill, const void *arg)
{
	const struct rg_probe_chain chain = { type, hook, prio, fill, arg };

	return rg_probe_batch(nl, family, RG_PROBE_ADD | RG_PROBE_DEL, &chain);
}

static struct rg_cap cap_of(int ret)
{
	return rg_probe_cap_from_errno(ret < 0 ? errno : 0);
}

struct rg_cap rg_probe_nftables(struct rg_nl *nl)
{
	errno = 0;
	return cap_of(run_probe(nl, NFPROTO_IPV4, NULL, 0, 0, NULL, NULL));
}

static int fill_queue(struct nftnl_rule *r, const void *arg)
{
	enum rg_queue_path path = *(const enum rg_queue_path *)arg;

	if (path == RG_QUEUE_NATIVE)
		return rg_expr_queue_native(r, 0, true);
	return rg_expr_queue_compat(r, 0, true);
}

struct rg_cap rg_probe_queue_expr(struct rg_nl *nl, enum rg_queue_path path)
{
	errno = 0;
	return cap_of(run_probe(nl, NFPROTO_IPV4, "filter", NF_INET_POST_ROUTING,
				NF_IP_PRI_NAT_SRC + 10, fill_queue, &path));
}

static int fill_snat(struct nftnl_rule *r, const void *arg)
{
	int family = *(const int *)arg;
	/* Loopback as the target address: valid, and never applied since
	 * the table goes away in the same transaction. */
	static const uint8_t v4[4] = { 127, 0, 0, 1 };
	static const uint8_t v6[16] = { [15] = 1 };
	const void *addr = family == NFPROTO_IPV6 ? (const void *)v6 : v4;
	uint32_t len = family == NFPROTO_IPV6 ? sizeof(v6) : sizeof(v4);

	if (rg_expr_immediate(r, NFT_REG_1, addr, len) < 0)
		return -1;
	return rg_expr_nat(r, NFT_NAT_SNAT, (uint32_t)family, NFT_REG_1);
}

struct rg_cap rg_probe_nat(struct rg_nl *nl, int family)
{
	errno = 0;
	return cap_of(run_probe(nl, family, "nat", NF_INET_POST_ROUTING,
				NF_IP_PRI_NAT_SRC, fill_snat, &family));
}
