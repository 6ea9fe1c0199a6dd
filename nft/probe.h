/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_PROBE_H
#define RG_PROBE_H

#include <stdint.h>

#include "caps.h"
#include "nlsock.h"

struct nftnl_rule;

/*
 * Probes of the running kernel, in the caller's network namespace. Each one
 * installs only a temporary table of its own and removes it before
 * returning, so nothing outlives a probe.
 */
void rg_probe_all(struct rg_caps *c);

/* Building blocks, exposed for the daemon's start-up checks. */
struct rg_cap rg_probe_net_admin(void);
struct rg_cap rg_probe_nftables(struct rg_nl *nl);
struct rg_cap rg_probe_queue_expr(struct rg_nl *nl, enum rg_queue_path path);
struct rg_cap rg_probe_nat(struct rg_nl *nl, int family);
struct rg_cap rg_probe_ctnetlink(uint32_t *entries);
/* Binds a queue and sends one marked packet through it on loopback. */
void rg_probe_nfqueue(struct rg_nl *nl, enum rg_queue_path path,
		      struct rg_cap *nfqueue, struct rg_cap *nfqa_ct);

/*
 * One transaction on a temporary table of family, unique per process:
 * RG_PROBE_ADD creates it, with a base chain "probe" of type chain_type
 * (NULL: none) on hook at prio holding one rule that fill writes;
 * RG_PROBE_DEL deletes it. Both at once: the kernel checks all of it and
 * keeps nothing. 0, or -1 with errno.
 */
enum { RG_PROBE_ADD = 1, RG_PROBE_DEL = 2 };
struct rg_probe_chain {
	const char *type;
	int hook, prio;
	int (*fill)(struct nftnl_rule *r, const void *arg);
	const void *arg;
};
int rg_probe_batch(struct rg_nl *nl, int family, unsigned int what,
		   const struct rg_probe_chain *chain);
/* Maps a kernel errno to YES (0), NO (feature absent) or UNKNOWN. */
struct rg_cap rg_probe_cap_from_errno(int err);

#endif
