/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CT_MARK_FILTER_H
#define RG_CT_MARK_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

/*
 * A classic BPF socket filter for a ctnetlink event socket: the kernel
 * passes a message only when its top-level CTA_MARK has every bit of
 * bits, and drops the rest before they are queued to the socket, as
 * conntrackd filters its events (libnetfilter_conntrack's bsf.c). The
 * attribute is found by the SKF_AD_NLATTR ancillary load (A: where the
 * attributes begin, X: the type; A becomes its offset, 0 if absent); its
 * value is read big-endian, as ctnetlink writes it. Pure: the program is
 * built here and attached by nft/ct_events.c.
 */

#define RG_CT_MARK_FILTER_LEN 10	/* instructions */

/* Builds it into prog (room for max); its length, or 0 if it does not fit. */
size_t rg_ct_mark_filter(uint32_t bits, struct sock_filter *prog, size_t max);

#endif
