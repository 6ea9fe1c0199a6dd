// SPDX-License-Identifier: GPL-2.0-or-later
#include "exempt.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>

#include "addr.h"
#include "batch.h"
#include "exempt_rule.h"
#include "listing.h"
#include "observe.h"


static int af_of(int nfproto)
{
	return nfproto == NFPROTO_IPV4 ? AF_INET : AF_INET6;
}

/*
 * A NEWSETELEM message over 64 KiB is cut short by the kernel without an
 * error (its element list's length is 16 bits), and one over the batch's
 * 32 KiB of overrun room would not fit: an IPv6 element takes at most 64
 * bytes of attributes.
 */
_Static_assert(RG_ELEMS_PER_MSG * 64 + 256 < 32 * 1024,
	       "a NEWSETELEM message must stay under the batch's overrun room");

static int add_set_msg(struct rg_batch *b, struct nftnl_set *s, uint16_t type,
		       uint16_t flags)
{
	struct nlmsghdr *nlh;

	nlh = nftnl_set_nlmsg_build_hdr(rg_batch_buf(b), type,
					(uint16_t)nftnl_set_get_u32(s, NFTNL_SET_FAMILY),
					flags, rg_batch_seq(b));
	if (type == NFT_MSG_NEWSET)
		nftnl_set_nlmsg_build_payload(nlh, s);
	else
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	return rg_batch_next(b);
}

/* Table, set, chain and rule; the chain is flushed first so re-adding
 * never duplicates the rule. */
static int add_base(struct rg_batch *b, int nfproto)
{
	struct nftnl_set *s = rg_exempt_rule_set(nfproto);
	struct nftnl_rule *r = rg_exempt_rule(nfproto);
	int ret = -1;

	if (!s || !r)
		goto out;
	if (rg_batch_add_table(b, nfproto, RG_TABLE) < 0 ||
	    add_set_msg(b, s, NFT_MSG_NEWSET, NLM_F_CREATE | NLM_F_ACK) < 0 ||
	    rg_batch_add_base_chain(b, nfproto, RG_TABLE, RG_EXEMPT_CHAIN, "nat",
				    NF_INET_POST_ROUTING, RG_EXEMPT_PRIO) < 0 ||
	    rg_batch_flush_chain(b, nfproto, RG_TABLE, RG_EXEMPT_CHAIN) < 0 ||
	    rg_batch_add_rule(b, r) < 0)
		goto out;
	ret = 0;
out:
	if (s)
		nftnl_set_free(s);
	if (r)
		nftnl_rule_free(r);
	return ret;
}

/* A DELSETELEM naming no element empties the set. */
static int flush_set(struct rg_batch *b, int nfproto)
{
	struct nftnl_set *s = rg_exempt_rule_set_ref(nfproto);
	int ret;

	if (!s)
		return -1;
	ret = add_set_msg(b, s, NFT_MSG_DELSETELEM, NLM_F_ACK);
	nftnl_set_free(s);
	return ret;
}

static int add_elem(struct nftnl_set *s, const struct rg_exemption *x)
{
	uint8_t key[RG_EXEMPT_KEY_MAX];
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	size_t len = rg_exemption_key(x, key);

	if (!e)
		return -1;
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, (uint32_t)len);
	nftnl_set_elem_add(s, e);
	return 0;
}

/* Elements of one family, RG_ELEMS_PER_MSG to a message. */
static int elems(struct rg_batch *b, int nfproto, const struct rg_exemption *xs,
		 size_t n, uint16_t type)
{
	struct nftnl_set *s = NULL;
	size_t i, in_msg = 0;
	uint16_t flags = NLM_F_ACK | (type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0);

	for (i = 0; i <= n; i++) {
		bool last = i == n;

		if (!last && xs[i].c.family != af_of(nfproto))
			continue;
		if (s && (last || in_msg == RG_ELEMS_PER_MSG)) {
			if (add_set_msg(b, s, type, flags) < 0)
				goto fail;
			nftnl_set_free(s);
			s = NULL;
			in_msg = 0;
		}
		if (last)
			break;
		if (!s && !(s = rg_exempt_rule_set_ref(nfproto)))
			return -1;
		if (add_elem(s, &xs[i]) < 0)
			goto fail;
		in_msg++;
	}
	return 0;
fail:
	if (s)
		nftnl_set_free(s);
	return -1;
}

static size_t count_family(const struct rg_exemption *xs, size_t n, int nfproto)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += xs[i].c.family == af_of(nfproto);
	return k;
}

/* What rg_exempt_sync() hands each family. */
struct sync_arg {
	const struct rg_exemption *xs;
	size_t n;
};

static int sync_family(struct rg_nl *nl, struct rg_batch *b, int nfproto,
		       void *arg)
{
	const struct sync_arg *a = arg;
	const struct rg_exemption *xs = a->xs;
	size_t n = a->n, k = count_family(xs, n, nfproto);
	struct rg_table_contents tc;

	if (rg_listing_table_contents(nl, nfproto, RG_TABLE, RG_EXEMPT_CHAIN, &tc) < 0)
		return -1;
	if (k == 0 && tc.sets == 0)
		return 0;
	if (add_base(b, nfproto) < 0 || flush_set(b, nfproto) < 0)
		return -1;
	return elems(b, nfproto, xs, n, NFT_MSG_NEWSETELEM);
}

int rg_exempt_sync(struct rg_nl *nl, const struct rg_exemption *xs, size_t n)
{
	struct sync_arg a = { xs, n };

	return rg_batch_families(nl, sync_family, &a);
}

int rg_exempt_change(struct rg_nl *nl, const struct rg_exemption *x, bool add)
{
	int nfproto = x->c.family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;
	struct rg_batch b;
	int ret = -1;

	if (rg_batch_begin(&b, nl) < 0)
		goto out;
	if (add && add_base(&b, nfproto) < 0)
		goto out;
	if (elems(&b, nfproto, x, 1, add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM) < 0)
		goto out;
	ret = rg_batch_commit(&b);
out:
	rg_batch_free(&b);
	return ret;
}

/* What rg_exempt_change_many() hands each family. */
struct many_arg {
	const struct rg_exemption *xs;
	size_t n;
	bool add;
};

static int many_family(struct rg_nl *nl, struct rg_batch *b, int nfproto,
		       void *arg)
{
	const struct many_arg *a = arg;
	struct rg_table_contents tc;

	if (count_family(a->xs, a->n, nfproto) == 0)
		return 0;
	/* The objects only when missing: each slice of a large change
	 * replacing the NAT rule would cost every packet's path a rule
	 * swap for nothing. */
	if (a->add && rg_listing_table_contents(nl, nfproto, RG_TABLE, RG_EXEMPT_CHAIN, &tc) < 0)
		return -1;
	if (a->add && (!tc.sets || !tc.has_chain) && add_base(b, nfproto) < 0)
		return -1;
	return elems(b, nfproto, a->xs, a->n,
		     a->add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM);
}

int rg_exempt_change_many(struct rg_nl *nl, const struct rg_exemption *xs,
			  size_t n, bool add)
{
	struct many_arg a = { xs, n, add };

	return rg_batch_families(nl, many_family, &a);
}

struct dump_ctx {
	int nfproto;
	rg_exempt_fn fn;
	void *data;
};

static int elem_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *ctx = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;

	if (!s)
		return MNL_CB_ERROR;
	if (nftnl_set_elems_nlmsg_parse(nlh, s) < 0)
		goto out;
	it = nftnl_set_elems_iter_create(s);
	while (it && (e = nftnl_set_elems_iter_next(it))) {
		struct rg_exemption x;
		uint32_t len = 0;
		const void *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY, &len);

		if (key && rg_exemption_from_key(af_of(ctx->nfproto), key, len, &x) == 0)
			ctx->fn(&x, ctx->data);
	}
	if (it)
		nftnl_set_elems_iter_destroy(it);
out:
	nftnl_set_free(s);
	return MNL_CB_OK;
}

static int dump_family(struct rg_nl *nl, int nfproto, rg_exempt_fn fn,
		       void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump_ctx ctx = { nfproto, fn, data };
	struct nftnl_set *s = rg_exempt_rule_set_ref(nfproto);
	struct nlmsghdr *nlh;
	int ret;

	if (!s)
		return -1;
	memset(buf, 0, sizeof(buf));
	nlh = nftnl_set_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, (uint16_t)nfproto,
					NLM_F_DUMP | NLM_F_ACK, rg_nlsock_next_seq(nl));
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	ret = rg_nlsock_talk(nl, nlh, elem_cb, &ctx);
	/* No table, or no set in it: no exemption of this family. */
	if (ret < 0 && errno == ENOENT)
		return 0;
	return ret;
}

int rg_exempt_dump(struct rg_nl *nl, rg_exempt_fn fn, void *data)
{
	size_t i;

	for (i = 0; i < RG_ADDR_NFAMILIES; i++)
		if (dump_family(nl, rg_addr_families[i], fn, data) < 0)
			return -1;
	return 0;
}

/* One family's part of the teardown: its table, if it has one. */
static int teardown_family(struct rg_nl *nl, struct rg_batch *b, int nfproto,
			   void *arg)
{
	unsigned int *tables = arg;
	struct rg_table_contents tc;

	if (rg_listing_table_contents(nl, nfproto, RG_TABLE, NULL, &tc) < 0)
		return -1;
	if (!tc.exists)
		return 0;
	if (rg_batch_del_table(b, nfproto, RG_TABLE) < 0)
		return -1;
	(*tables)++;
	return 0;
}

int rg_exempt_teardown(struct rg_nl *nl, unsigned int *tables)
{
	*tables = 0;
	return rg_batch_families(nl, teardown_family, tables);
}
