/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_REMEDY_MEMORY_H
#define RG_REMEDY_MEMORY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "exemption.h"
#include "flow.h"

#define RG_REMEDY_RECENT 256		/* flows remembered as reported */
#define RG_REMEDY_MAX_PENDING 64	/* exemptions awaiting a clean flow */
#define RG_REMEDY_MAX_INEFFECTIVE 64	/* pairs an exemption did not fix */

/*
 * What remediate mode remembers between flows, bounded, oldest forgotten
 * first. Pure: every time is passed in (CLOCK_MONOTONIC).
 */
struct rg_remedy_pending {
	struct rg_exemption x;
	struct timespec since;		/* the exemption's translated SYN */
};

struct rg_remedy_recent {
	uint32_t id;
	uint32_t seq;
	uint8_t proto;
	struct rg_tuple orig, reply;
};

struct rg_remedy_memory {
	struct rg_remedy_pending pending[RG_REMEDY_MAX_PENDING];
	unsigned int n_pending;
	struct rg_remedy_recent recent[RG_REMEDY_RECENT];
	unsigned int recent_pos;
	struct rg_exemption ineffective[RG_REMEDY_MAX_INEFFECTIVE];
	unsigned int n_ineffective;
};

/*
 * Whether a packet of f with initial sequence number seq (0: no packet,
 * an entry found by a scan) was reported already; if not, it is
 * remembered. Never for a flow without an id. by_syn: a packet with the
 * same original tuple and sequence number, translated alike, counts too
 * (dry-run only: remediate mode must still give such a packet the
 * decision's verdict, a drop while an exemption is new).
 */
bool rg_remedy_memory_seen(struct rg_remedy_memory *m, const struct rg_flow *f,
			   uint32_t seq, bool by_syn);

/* x was installed for a translated SYN at now. */
void rg_remedy_memory_pending_add(struct rg_remedy_memory *m,
				  const struct rg_exemption *x,
				  const struct timespec *now);
/* Milliseconds from x's translated SYN to now; -1 if x is not pending. */
long long rg_remedy_memory_pending_age(const struct rg_remedy_memory *m,
				       const struct rg_exemption *x,
				       const struct timespec *now);
/* The same, and x is no longer pending. */
long long rg_remedy_memory_pending_take(struct rg_remedy_memory *m,
					const struct rg_exemption *x,
					const struct timespec *now);
void rg_remedy_memory_pending_clear(struct rg_remedy_memory *m);

/* x was removed as ineffective: its pair is not exempted again. */
void rg_remedy_memory_ineffective_add(struct rg_remedy_memory *m,
				      const struct rg_exemption *x);
bool rg_remedy_memory_ineffective(const struct rg_remedy_memory *m,
				  const struct rg_exemption *x);
void rg_remedy_memory_ineffective_forget(struct rg_remedy_memory *m,
					 const struct rg_exemption *x);

#endif
