/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_RESET_H
#define RG_RESET_H

#include "flow.h"
#include "nlsock.h"

/*
 * Resetting a translated TCP connection so that both ends learn it (see
 * reset_rule.h): the reset chain is (re)built in reflguard's table of the
 * flow's family, in one transaction, then the flow's conntrack entry is
 * marked. -1 with errno; ENOENT from the mark when the entry is gone.
 */
int rg_reset_arm(struct rg_nl *nft, struct rg_nl *ct, const struct rg_flow *f);

#endif
