/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_EXEMPT_OP_H
#define RG_EXEMPT_OP_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "event.h"
#include "exemption.h"
#include "nlsock.h"
#include "state.h"

/*
 * One exemption changed in the kernel (nft/exempt.c) and in the state in
 * memory, always in that order, so the state never claims an element the
 * kernel refused: the one way both the CLI (reflguard exempt, without a
 * daemon) and the daemon (remediate mode, its control socket) do it.
 * Writing the state file is the caller's: the daemon hands it to its
 * writer thread, the CLI writes it under the daemon lock.
 */

/* Now, as the state file dates an entry (RFC 3339 UTC). */
void rg_exempt_op_stamp(char *buf, size_t len);

/* The state's "why" of an exemption made by hand, and of one learnt. */
void rg_exempt_op_why_manual(bool force, char *buf, size_t len);
/* A firewall pair's peer's exemption, learnt from its marked entries. */
#define RG_EXEMPT_OP_WHY_ADOPTED "adopted from the firewall pair's peer (conntrack mark)"
void rg_exempt_op_why_seen(const struct rg_event *ev, char *buf, size_t len);

/*
 * x added to the kernel, then to st dated now; if st cannot take it the
 * kernel's element goes again. -1 with errno.
 */
int rg_exempt_op_add(struct rg_nl *nl, struct rg_state *st,
		     const struct rg_exemption *x, const char *why);

/*
 * x removed from the kernel and st. 1 when st held it (the state is to be
 * written), 0 when only the kernel did; -1 with errno: EPERM for an exempt
 * line (the configuration's), ENOENT when neither held it, else the
 * kernel's refusal (st unchanged).
 */
int rg_exempt_op_del(struct rg_nl *nl, struct rg_state *st,
		     const struct rg_exemption *x);

/*
 * x removed from st whatever the kernel says (an exemption that does not
 * work). *had: st held it. -1 with errno when the kernel could not remove
 * an element it holds.
 */
int rg_exempt_op_withdraw(struct rg_nl *nl, struct rg_state *st,
			  const struct rg_exemption *x, bool *had);

/* The exemptions made by hand or learnt leave st; returns how many. */
size_t rg_exempt_op_flush_state(struct rg_state *st);

/*
 * In one transaction the kernel is left holding exactly cfg's exempt
 * lines, then st loses the rest. *removed: how many. -1 with errno, st
 * unchanged. The daemon does the same a slice at a time (daemon_bulk.c).
 */
int rg_exempt_op_flush(struct rg_nl *nl, struct rg_state *st,
		       const struct rg_config *cfg, size_t *removed);

#endif
