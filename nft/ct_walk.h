/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CT_WALK_H
#define RG_CT_WALK_H

#include <stdbool.h>
#include <stddef.h>

#include "ct.h"

/*
 * rg_ct_dump_dst() read a slice at a time: the same dumps (IPv4 filtered
 * by destination, one per address, then IPv6 by family) on a socket of
 * their own, read without blocking, a bounded number of datagrams a call,
 * so that a loop can serve its other sockets between two calls.
 */

#define RG_CT_WALK_MAX 16		/* destinations: the configuration's RG_MAX_E */

struct rg_ct_walk {
	struct rg_nl *nl;
	rg_ct_flow_fn fn;
	void *data;
	struct rg_addr v4[RG_CT_WALK_MAX];
	size_t n4;			/* distinct IPv4 destinations */
	bool v6;			/* an IPv6 dump after them */
	bool plain4;			/* the kernel refused the filter */
	size_t stage;			/* 0..n4-1: IPv4 dumps, n4: IPv6 */
	uint32_t seq;			/* of the dump under way */
	bool failed;			/* fn refused an entry */
	unsigned long seen;		/* entries handed to fn */
};

/*
 * Sends the first dump. 1 while there is something to read, 0 when there
 * is nothing to dump, -1 with errno.
 */
int rg_ct_walk_begin(struct rg_ct_walk *w, struct rg_nl *nl,
		     const struct rg_addr *dsts, size_t n, rg_ct_flow_fn fn,
		     void *data);
/*
 * Reads at most reads datagrams of what the kernel has ready, handing
 * their entries to fn, and sends the next dump when one ends. 1 while
 * more is to come, 0 when the last dump ended, -1 with errno.
 */
int rg_ct_walk_step(struct rg_ct_walk *w, unsigned int reads);

#endif
