/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_PROBE_H
#define RG_PROBE_H

#include <stdint.h>

#include "caps.h"
#include "nlsock.h"

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

/* The temporary table name, unique per process. */
void rg_probe_table_name(char *buf, size_t len);
/* Maps a kernel errno to YES (0), NO (feature absent) or UNKNOWN. */
struct rg_cap rg_probe_cap_from_errno(int err);

#endif
