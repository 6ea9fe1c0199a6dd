/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_OBSERVE_H
#define RG_OBSERVE_H

#include <stdint.h>

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "caps.h"
#include "nlsock.h"

/*
 * The observation chain: in reflguard's own tables ("ip reflguard" and
 * "ip6 reflguard"), a filter chain on postrouting after source NAT that
 * queues, with bypass, only the first packets of connections that were
 * destination-NATed from a watched Expressway-E public address and port.
 */
#define RG_TABLE "reflguard"
#define RG_OBSERVE_CHAIN "observe"
/* After every srcnat chain, so the NAT binding of the flow is known. */
#define RG_OBSERVE_PRIO (100 + 10)

/*
 * pre_view: also a chain on prerouting before destination NAT that queues
 * the same connections' TCP SYNs as C sent them, for a daemon that cannot
 * read a queued packet's conntrack entry before its verdict (no NFQA_CT).
 */
#define RG_OBSERVE_PRE_CHAIN "observe_pre"
#define RG_OBSERVE_PRE_PRIO (-100 - 10)

/*
 * What is watched: Expressway-E's public addresses, each with every port
 * range. The netlink layer needs these, not the whole configuration.
 */
struct rg_observe_watch {
	const struct rg_addr *pub;
	size_t n_pub;
	const struct rg_port_range *ports;
	size_t n_ports;
};

/* Installs (or replaces) the chains and their rules in one transaction. */
int rg_observe_install(struct rg_nl *nl, const struct rg_observe_watch *w,
		       enum rg_queue_path path, uint16_t queue, bool pre_view);
/*
 * Removes the chain; the table goes too when nothing else lives in it.
 * Families in which reflguard never installed anything are left alone.
 */
int rg_observe_remove(struct rg_nl *nl);

#endif
