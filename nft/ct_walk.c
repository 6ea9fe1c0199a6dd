// SPDX-License-Identifier: GPL-2.0-or-later
#include "ct_walk.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>

#include "ct_parse.h"

static bool known(const struct rg_ct_walk *w, const struct rg_addr *a)
{
	size_t i;

	for (i = 0; i < w->n4; i++)
		if (rg_addr_equal(&w->v4[i], a))
			return true;
	return false;
}

static int send_stage(struct rg_ct_walk *w)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct rg_addr *dst = NULL;
	struct nlmsghdr *nlh;
	int family = AF_INET6;

	if (w->stage < w->n4) {
		family = AF_INET;
		dst = w->plain4 ? NULL : &w->v4[w->stage];
	}
	nlh = rg_ct_dump_request(buf, w->nl, family, dst);
	w->seq = nlh->nlmsg_seq;
	return mnl_socket_sendto(w->nl->sock, nlh, nlh->nlmsg_len) < 0 ? -1 : 0;
}

/* The next dump, if any: 1 when sent, 0 when none is left. */
static int next_stage(struct rg_ct_walk *w)
{
	w->stage++;
	if (w->stage > w->n4 || (w->stage == w->n4 && !w->v6))
		return 0;
	return send_stage(w) < 0 ? -1 : 1;
}

int rg_ct_walk_begin(struct rg_ct_walk *w, struct rg_nl *nl,
		     const struct rg_addr *dsts, size_t n, rg_ct_flow_fn fn,
		     void *data)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->nl = nl;
	w->fn = fn;
	w->data = data;
	for (i = 0; i < n; i++) {
		if (dsts[i].family == AF_INET6)
			w->v6 = true;
		else if (!known(w, &dsts[i]) && w->n4 < RG_CT_WALK_MAX)
			w->v4[w->n4++] = dsts[i];
	}
	if (w->n4 == 0 && !w->v6)
		return 0;
	return send_stage(w) < 0 ? -1 : 1;
}

static int entry_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rg_ct_walk *w = data;
	struct rg_flow f;

	if (rg_ct_parse_msg(nlh, &f) < 0)
		return MNL_CB_OK;	/* ICMP, SCTP, or a malformed entry */
	/* A kernel that ignored the filter: the entry is another dump's. */
	if (w->stage < w->n4 && !w->plain4 &&
	    !rg_addr_equal(&f.orig.dst, &w->v4[w->stage]))
		return MNL_CB_OK;
	w->seen++;
	if (w->fn(&f, w->data) < 0) {
		w->failed = true;
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

/* A kernel that refuses the filter gets one plain IPv4 dump instead. */
static int on_error(struct rg_ct_walk *w)
{
	if (w->stage < w->n4 && !w->plain4 &&
	    (errno == EOPNOTSUPP || errno == EINVAL)) {
		w->plain4 = true;
		w->n4 = 1;
		w->stage = 0;
		return send_stage(w) < 0 ? -1 : 1;
	}
	return -1;
}

/*
 * One datagram: its messages of the dump under way (a message of an
 * abandoned earlier walk is passed over). 1 to go on, 0 at the dump's
 * end, -1 with errno.
 */
static int read_one(struct rg_ct_walk *w, const char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len, ret;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_seq != w->seq)
			continue;
		ret = mnl_cb_run(nlh, nlh->nlmsg_len, w->seq, w->nl->portid,
				 entry_cb, w);
		if (ret < 0)
			return -1;
		if (w->failed) {
			errno = ENOMEM;
			return -1;
		}
		if (ret == MNL_CB_STOP)
			return 0;
	}
	return 1;
}

int rg_ct_walk_step(struct rg_ct_walk *w, unsigned int reads)
{
	static char buf[RG_NL_DUMP_SIZE];
	unsigned int i;
	ssize_t n;
	int ret;

	for (i = 0; i < reads; i++) {
		n = recv(mnl_socket_get_fd(w->nl->sock), buf, sizeof(buf),
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n <= 0)
			return -1;
		ret = read_one(w, buf, (size_t)n);
		if (ret < 0 && (ret = on_error(w)) < 0)
			return -1;
		if (ret == 0 && (ret = next_stage(w)) <= 0)
			return ret;
	}
	return 1;
}
