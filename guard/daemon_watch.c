// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Watching reflguard's own objects: a `nft flush ruleset` or a `nft delete
 * table ip reflguard` while the daemon runs would silently end both the
 * observation and the fix. The nftables multicast group announces every
 * deletion; a short while after the last one (a flush comes as a burst),
 * the daemon compares what the kernel holds with what it should, and
 * reinstates what is missing.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

/* netinet/in.h (through addr.h) before the kernel's own headers. */
#include "daemon_int.h"
#include "exempt.h"
#include "exempt_rule.h"
#include "listing.h"
#include "observe.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#define SETTLE_MS 300

static void arm(struct daemon *d)
{
	struct itimerspec t = {
		.it_value = { .tv_sec = 0, .tv_nsec = SETTLE_MS * 1000000L },
	};

	timerfd_settime(d->timerfd, 0, &t, NULL);
}

static bool is_deletion(uint16_t type)
{
	if (type >> 8 != NFNL_SUBSYS_NFTABLES)
		return false;
	switch (type & 0xff) {
	case NFT_MSG_DELTABLE:
	case NFT_MSG_DELCHAIN:
	case NFT_MSG_DELRULE:
	case NFT_MSG_DELSET:
	case NFT_MSG_DELSETELEM:
		return true;
	default:
		return false;
	}
}

/* The monitor socket is readable (the loop's handler, evloop.h). */
static void on_event(void *arg)
{
	struct daemon *d = arg;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned int own = mnl_socket_get_portid(d->nft.sock);
	bool deleted = false;
	ssize_t n;

	while ((n = recv(mnl_socket_get_fd(d->mon.sock), buf, sizeof(buf),
			 MSG_DONTWAIT)) != 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			/* Missed events: look anyway, at the objects (an
			 * element dump of a large set is a long stall, and a
			 * bulk job of ours fills this socket on its own). */
			deleted |= errno == ENOBUFS;
			break;
		}
		/* The daemon's own deletions (a flush, a reinstatement's
		 * first slice) carry its socket's port: no cause to look, and
		 * looking dumps every element, in the loop. */
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			if (is_deletion(nlh->nlmsg_type) && nlh->nlmsg_pid != own) {
				deleted = true;
				d->watch_elems = true;
			}
	}
	if (deleted)
		arm(d);
}

static void collect(const struct rg_exemption *x, void *data)
{
	struct rg_state *kernel = data;
	struct rg_state_entry e;

	memset(&e, 0, sizeof(e));
	e.x = *x;
	rg_state_put(kernel, &e);
}

/* A family of the state whose set or NAT chain is gone: all missing. */
static bool objects_missing(struct daemon *d)
{
	struct rg_table_contents tc;
	size_t i, j;

	for (i = 0; i < RG_ADDR_NFAMILIES; i++) {
		for (j = 0; j < d->state.n; j++)
			if (d->state.v[j].x.c.family == rg_addr_families[i])
				break;
		if (j == d->state.n)
			continue;
		if (rg_listing_table_contents(&d->nft, rg_addr_families[i], RG_TABLE,
					      RG_EXEMPT_CHAIN, &tc) == 0 &&
		    (!tc.sets || !tc.has_chain))
			return true;
	}
	return false;
}

/*
 * How many of the state's exemptions the kernel lacks; -1 on error. The
 * elements are compared only after someone else deleted some.
 */
static long missing_exemptions(struct daemon *d)
{
	struct rg_state kernel;
	long missing = 0;
	size_t i;

	bool elems = d->watch_elems;

	d->watch_elems = false;
	if (objects_missing(d))
		return (long)d->state.n;
	if (!elems)
		return 0;

	rg_state_init(&kernel);
	if (rg_exempt_dump(&d->nft, collect, &kernel) < 0) {
		rg_state_free(&kernel);
		return -1;
	}
	for (i = 0; i < d->state.n; i++)
		missing += !rg_state_find(&kernel, &d->state.v[i].x);
	rg_state_free(&kernel);
	return missing;
}

int rg_daemon_watch_observe(struct daemon *d, const struct rg_config *cfg)
{
	struct rg_addr pub[RG_MAX_E];
	struct rg_observe_watch w = {
		.pub = pub, .n_pub = cfg->n_e,
		.ports = cfg->ports, .n_ports = cfg->n_ports,
	};
	size_t i;

	for (i = 0; i < cfg->n_e; i++)
		pub[i] = cfg->e[i].pub;
	return rg_observe_install(&d->nft, &w, d->qpath, cfg->queue,
				  d->ctpath == RG_CT_LOOKUP);
}

static bool observe_missing(struct daemon *d)
{
	struct rg_table_contents tc;
	size_t i, j;

	for (i = 0; i < RG_ADDR_NFAMILIES; i++) {
		for (j = 0; j < d->cfg->n_e; j++)
			if (d->cfg->e[j].pub.family == rg_addr_families[i])
				break;
		if (j == d->cfg->n_e)
			continue;
		if (rg_listing_table_contents(&d->nft, rg_addr_families[i], RG_TABLE,
					      RG_OBSERVE_CHAIN, &tc) == 0 && !tc.has_chain)
			return true;
	}
	return false;
}

/* The settle timer fired. */
static void on_check(void *arg)
{
	struct daemon *d = arg;
	uint64_t expirations;
	long missing = 0;

	if (read(d->timerfd, &expirations, sizeof(expirations)) < 0)
		return;
	/* Bulk work under way deletes and adds itself: look once it is done. */
	if (rg_daemon_bulk_busy(d)) {
		arm(d);
		return;
	}
	if (d->cfg->mode == RG_MODE_REMEDIATE) {
		missing = missing_exemptions(d);
		if (missing > 0) {
			rg_log("%ld %s removed from the kernel by someone else; reinstating from the state",
			       missing, missing == 1 ? "exemption was" : "exemptions were");
			/* A slice a loop turn; counted once complete. */
			rg_daemon_bulk_restore(d);
		}
	}
	if (observe_missing(d)) {
		rg_log("the observation chain was removed by someone else; reinstating it");
		if (rg_daemon_watch_observe(d, d->cfg) == 0)
			d->status.counters.reinstated++;
		else
			rg_log("cannot reinstate the observation chain: %s", strerror(errno));
	}
}

int rg_daemon_watch_open(struct daemon *d)
{
	int group = NFNLGRP_NFTABLES;

	if (rg_nlsock_open(&d->mon, NETLINK_NETFILTER) < 0)
		return -1;
	if (mnl_socket_setsockopt(d->mon.sock, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -1;
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->timerfd < 0 ||
	    !rg_evloop_add(&d->loop, mnl_socket_get_fd(d->mon.sock), EPOLLIN, on_event, d) ||
	    !rg_evloop_add(&d->loop, d->timerfd, EPOLLIN, on_check, d))
		return -1;
	return 0;
}
