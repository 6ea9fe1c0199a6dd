/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CT_EVENTS_H
#define RG_CT_EVENTS_H

#include <stdint.h>

#include "ct.h"
#include "nlsock.h"

/*
 * conntrack's new and updated entries whose ct mark has every bit of
 * bits, as the kernel announces them (NFNLGRP_CONNTRACK_NEW and _UPDATE):
 * the rest is dropped in the kernel by a socket filter
 * (nft/ct_mark_filter.h), so the socket carries only what reflguard
 * wants, however busy the firewall.
 */

#define RG_CT_EVENTS_RCVBUF (1 << 20)	/* bytes; a burst of commits */

/* Opens, subscribes, filters; 0, or -1 with errno. */
int rg_ct_events_open(struct rg_nl *nl, uint32_t bits);
/*
 * Reads at most reads datagrams without blocking, handing each entry to
 * fn. 0 when the socket is empty or reads are done, -1 with errno
 * (ENOBUFS: the kernel dropped events, the caller resyncs; reading goes
 * on at the next call).
 */
int rg_ct_events_read(struct rg_nl *nl, unsigned int reads, rg_ct_flow_fn fn,
		      void *data);

#endif
