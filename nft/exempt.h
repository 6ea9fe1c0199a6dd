/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_EXEMPT_H
#define RG_EXEMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "exemption.h"
#include "nlsock.h"

/*
 * Exemptions in the kernel: the set, NAT chain and rule of
 * exempt_rule.h, and the set's elements. Every change is one transaction.
 */

/*
 * Makes the kernel hold exactly xs: for each family with exemptions (or
 * with a set already there), the objects are (re)created and the set's
 * contents replaced, atomically.
 */
int rg_exempt_sync(struct rg_nl *nl, const struct rg_exemption *xs, size_t n);
/* Adds or deletes one element (creating the objects when adding). */
int rg_exempt_change(struct rg_nl *nl, const struct rg_exemption *x, bool add);

/*
 * Adds (creating the objects) or deletes n elements in one transaction:
 * the daemon's bulk work goes a bounded slice at a time (daemon_bulk.c).
 * Adding an element already there is no error; deleting one that is not
 * fails the whole transaction with ENOENT.
 */
int rg_exempt_change_many(struct rg_nl *nl, const struct rg_exemption *xs,
			  size_t n, bool add);

typedef void (*rg_exempt_fn)(const struct rg_exemption *x, void *data);
/* Every element of both sets; a missing table or set is no element. */
int rg_exempt_dump(struct rg_nl *nl, rg_exempt_fn fn, void *data);
/* Deletes ip and ip6 "reflguard" tables, whatever is in them. */
int rg_exempt_teardown(struct rg_nl *nl, unsigned int *tables);

/* Elements per NEWSETELEM message: well under the 64 KiB netlink limit. */
#define RG_ELEMS_PER_MSG 256

#endif
