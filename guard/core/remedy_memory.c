// SPDX-License-Identifier: GPL-2.0-or-later
#include "remedy_memory.h"

#include <string.h>

#include "mstime.h"

static bool tuple_equal(const struct rg_tuple *a, const struct rg_tuple *b)
{
	return a->sport == b->sport && a->dport == b->dport &&
	       rg_addr_equal(&a->src, &b->src) && rg_addr_equal(&a->dst, &b->dst);
}

static bool translated(const struct rg_tuple *orig, const struct rg_tuple *reply)
{
	return reply->dport != orig->sport || !rg_addr_equal(&reply->dst, &orig->src);
}

/*
 * The same entry seen again, or, by_syn, the same SYN: with NFQA_CT a SYN
 * retransmitted while the first still waits in the queue comes with an
 * entry of its own (another id, maybe another translated port), of which
 * the kernel keeps one at confirmation; its original tuple, initial
 * sequence number and whether it is translated are the first one's.
 */
static bool same_flow(const struct rg_remedy_recent *r,
		      const struct rg_flow *f, uint32_t seq, bool by_syn)
{
	if (r->seq != seq)
		return false;
	if (r->id == f->id && tuple_equal(&r->reply, &f->reply))
		return true;
	return by_syn && r->proto == f->proto && tuple_equal(&r->orig, &f->orig) &&
	       translated(&r->orig, &r->reply) == translated(&f->orig, &f->reply);
}

/*
 * A packet of a flow already reported: a retransmitted SYN is queued again.
 * The conntrack id and tuples alone cannot tell it from a reconnection: the
 * kernel derives the id from the entry's address and original tuple, and a
 * port-keeping translation repeats the reply tuple too. The initial
 * sequence number can: a retransmission repeats it.
 */
bool rg_remedy_memory_seen(struct rg_remedy_memory *m, const struct rg_flow *f,
			   uint32_t seq, bool by_syn)
{
	struct rg_remedy_recent *r;
	unsigned int i;

	if (!f->has_id)
		return false;
	for (i = 0; i < RG_REMEDY_RECENT; i++)
		if (same_flow(&m->recent[i], f, seq, by_syn))
			return true;
	r = &m->recent[m->recent_pos++ % RG_REMEDY_RECENT];
	r->id = f->id;
	r->seq = seq;
	r->proto = f->proto;
	r->orig = f->orig;
	r->reply = f->reply;
	return false;
}

static int pending_find(const struct rg_remedy_memory *m,
			const struct rg_exemption *x)
{
	unsigned int i;

	for (i = 0; i < m->n_pending; i++)
		if (rg_exemption_equal(&m->pending[i].x, x))
			return (int)i;
	return -1;
}

void rg_remedy_memory_pending_add(struct rg_remedy_memory *m,
				  const struct rg_exemption *x,
				  const struct timespec *now)
{
	struct rg_remedy_pending *p;

	if (m->n_pending == RG_REMEDY_MAX_PENDING)
		memmove(&m->pending[0], &m->pending[1],
			--m->n_pending * sizeof(m->pending[0]));
	p = &m->pending[m->n_pending++];
	p->x = *x;
	p->since = *now;
}

long long rg_remedy_memory_pending_age(const struct rg_remedy_memory *m,
				       const struct rg_exemption *x,
				       const struct timespec *now)
{
	int i = pending_find(m, x);

	return i < 0 ? -1 : rg_mstime_diff(now, &m->pending[i].since);
}

long long rg_remedy_memory_pending_take(struct rg_remedy_memory *m,
					const struct rg_exemption *x,
					const struct timespec *now)
{
	int i = pending_find(m, x);
	long long ms;

	if (i < 0)
		return -1;
	ms = rg_mstime_diff(now, &m->pending[i].since);
	memmove(&m->pending[i], &m->pending[i + 1],
		(m->n_pending - (unsigned int)i - 1) * sizeof(m->pending[0]));
	m->n_pending--;
	return ms;
}

void rg_remedy_memory_pending_clear(struct rg_remedy_memory *m)
{
	m->n_pending = 0;
}

void rg_remedy_memory_ineffective_add(struct rg_remedy_memory *m,
				      const struct rg_exemption *x)
{
	if (m->n_ineffective == RG_REMEDY_MAX_INEFFECTIVE)
		memmove(&m->ineffective[0], &m->ineffective[1],
			--m->n_ineffective * sizeof(m->ineffective[0]));
	m->ineffective[m->n_ineffective++] = *x;
}

/* The first of x's pairs at or after position from; -1 if none. */
static int ineffective_find(const struct rg_remedy_memory *m,
			    const struct rg_exemption *x, unsigned int from)
{
	unsigned int i;

	for (i = from; i < m->n_ineffective; i++)
		if (rg_exemption_equal(&m->ineffective[i], x))
			return (int)i;
	return -1;
}

bool rg_remedy_memory_ineffective(const struct rg_remedy_memory *m,
				  const struct rg_exemption *x)
{
	return ineffective_find(m, x, 0) >= 0;
}

/* The operator's word overrides an earlier refusal of the pair. */
void rg_remedy_memory_ineffective_forget(struct rg_remedy_memory *m,
					 const struct rg_exemption *x)
{
	int i = 0;

	while ((i = ineffective_find(m, x, (unsigned int)i)) >= 0) {
		m->ineffective[i] = m->ineffective[--m->n_ineffective];
		i++;
	}
}
