/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CT_H
#define RG_CT_H

#include <sys/socket.h>
#include <sys/uio.h>

#include "ct_msg.h"
#include "flow.h"
#include "nlsock.h"

/* Conntrack over ctnetlink: a filtered dump, a lookup, a delete. */

/* Called for each TCP or UDP entry; returning -1 stops the dump. */
typedef int (*rg_ct_flow_fn)(const struct rg_flow *f, void *data);

/*
 * The entries whose original destination may be one of dsts[n]: IPv4
 * ones filtered by the kernel, one dump per address (all IPv4 entries on
 * a kernel without the filter), IPv6 ones by family. fn must still check
 * the destination itself; it sees each entry once.
 */
int rg_ct_dump_dst(struct rg_nl *nl, const struct rg_addr *dsts, size_t n,
		   rg_ct_flow_fn fn, void *data, unsigned long *skipped);
/*
 * A dump request for family's entries, those to dst only when dst is
 * given (an IPv4 address: CTA_FILTER, Linux 5.8), built in buf
 * (MNL_SOCKET_BUFFER_SIZE bytes).
 */
struct nlmsghdr *rg_ct_dump_request(char *buf, struct rg_nl *nl, int family,
				    const struct rg_addr *dst);
/*
 * Every TCP and UDP entry of one family (AF_INET or AF_INET6), for a
 * caller that must filter by what the kernel cannot (see ct.c on the IPv6
 * address filter).
 */
int rg_ct_dump_family(struct rg_nl *nl, int family, rg_ct_flow_fn fn,
		      void *data);
/*
 * Looks an entry up by its reply tuple, which is what a packet seen after
 * source NAT gives: (E internal -> translated source). -1 with errno ENOENT
 * when no such entry exists.
 */
int rg_ct_get_by_reply(struct rg_nl *nl, int family, uint8_t proto,
		       const struct rg_tuple *reply, struct rg_flow *out);

/*
 * An answer's room: a GET reply is 300 to 400 bytes. A longer one is cut,
 * goes unanswered, and is asked again alone, with room for anything.
 */
#define RG_CT_REPLY_SLOT 1024

/*
 * What rg_ct_get_many works in, allocated once by rg_ct_many_open: no
 * allocation per lookup.
 */
struct rg_ct_many {
	char *req;			/* RG_CT_MANY_REQ_SIZE bytes */
	char *resp;			/* RG_CT_MANY_MAX answers' slots */
	struct mmsghdr msgs[RG_CT_MANY_MAX];
	struct iovec iov[RG_CT_MANY_MAX];
	uint64_t overruns;		/* ENOBUFS while reading answers */
};

/*
 * Allocates m's buffers and grows nl's receive buffer to hold
 * RG_CT_MANY_MAX answers. -1 with errno ENOMEM.
 */
int rg_ct_many_open(struct rg_ct_many *m, struct rg_nl *nl);
void rg_ct_many_close(struct rg_ct_many *m);
/*
 * The n (at most RG_CT_MANY_MAX) lookups by reply tuple in one round
 * trip: one sendto() of every request, the answers read by recvmmsg()
 * and matched to their requests by sequence number, so a[i] answers q[i]
 * (see struct rg_ct_answer; ENOENT as for rg_ct_get_by_reply). A lookup
 * whose answer was lost (ENOBUFS, counted in m->overruns) or never came
 * is asked again alone, so none is left unanswered. Returns 0, or -1 with
 * errno EINVAL when n is too many.
 */
int rg_ct_get_many(struct rg_nl *nl, struct rg_ct_many *m,
		   const struct rg_ct_query *q, size_t n,
		   struct rg_ct_answer *a);

/*
 * Deletes an entry by its original tuple, so the endpoints' next packet
 * starts a new connection that meets the current ruleset. -1 with errno
 * ENOENT when it is already gone.
 */
int rg_ct_delete(struct rg_nl *nl, const struct rg_flow *f);
/*
 * Sets the bits of mask in an entry's ct mark to those of mark, leaving
 * the others (the firewall's own marks) alone. -1 with errno ENOENT when
 * the entry is gone.
 */
int rg_ct_set_mark(struct rg_nl *nl, const struct rg_flow *f, uint32_t mark,
		   uint32_t mask);

#endif
