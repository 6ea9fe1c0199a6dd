// SPDX-License-Identifier: GPL-2.0-or-later
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/netfilter.h>
#include <linux/netlink.h>

#include <libnftnl/rule.h>

#include "batch.h"
#include "expr.h"

static void table_name(char *buf, size_t len)
{
	snprintf(buf, len, "reflguard-probe-%ld", (long)getpid());
}

struct rg_cap rg_probe_cap_from_errno(int err)
{
	struct rg_cap cap = { .state = RG_CAP_YES, .err = err };

	switch (err) {
	case 0:
		break;
	case ENOENT:		/* expression, target or family not built */
	case EOPNOTSUPP:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		cap.state = RG_CAP_NO;
		break;
	default:		/* EPERM and the like say nothing of the kernel */
		cap.state = RG_CAP_UNKNOWN;
	}
	return cap;
}

struct rg_cap rg_probe_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	struct rg_cap cap = { .state = RG_CAP_NO };

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return (struct rg_cap){ .state = RG_CAP_UNKNOWN, .err = errno };
	if (data[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32)))
		cap.state = RG_CAP_YES;
	else
		cap.err = EPERM;
	return cap;
}

static void kernel_release(char *buf, size_t len)
{
	struct utsname u;

	if (uname(&u) < 0)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%s %s", u.release, u.machine);
}

/* Which queue expression the live packet probe should use. */
static enum rg_queue_path queue_expr_path(const struct rg_caps *c)
{
	if (c->native_queue.state == RG_CAP_YES)
		return RG_QUEUE_NATIVE;
	if (c->compat_queue.state == RG_CAP_YES)
		return RG_QUEUE_COMPAT;
	return RG_QUEUE_NONE;
}

static void probe_nftables_side(struct rg_caps *c)
{
	struct rg_nl nl;

	if (rg_nlsock_open(&nl, NETLINK_NETFILTER) < 0) {
		c->nftables = rg_probe_cap_from_errno(errno);
		return;
	}
	c->nftables = rg_probe_nftables(&nl);
	if (c->nftables.state == RG_CAP_YES) {
		c->native_queue = rg_probe_queue_expr(&nl, RG_QUEUE_NATIVE);
		c->compat_queue = rg_probe_queue_expr(&nl, RG_QUEUE_COMPAT);
		c->nat_ipv4 = rg_probe_nat(&nl, NFPROTO_IPV4);
		c->nat_ipv6 = rg_probe_nat(&nl, NFPROTO_IPV6);
	} else {
		c->native_queue = c->compat_queue = c->nftables;
		c->nat_ipv4 = c->nat_ipv6 = c->nftables;
	}
	rg_probe_nfqueue(&nl, queue_expr_path(c), &c->nfqueue, &c->nfqa_ct);
	rg_nlsock_close(&nl);
}

void rg_probe_all(struct rg_caps *c)
{
	memset(c, 0, sizeof(*c));
	kernel_release(c->kernel, sizeof(c->kernel));
	c->net_admin = rg_probe_net_admin();
	probe_nftables_side(c);
	c->ctnetlink = rg_probe_ctnetlink(&c->ct_entries);
	c->ct_entries_known = c->ctnetlink.state == RG_CAP_YES;
}

static int add_chain(struct rg_batch *b, int family, const char *table,
		     const struct rg_probe_chain *chain)
{
	struct nftnl_rule *r;
	int ret;

	if (rg_batch_add_base_chain(b, family, table, "probe", chain->type,
				    chain->hook, chain->prio) < 0)
		return -1;
	r = rg_expr_rule_new(family, table, "probe");
	if (!r)
		return -1;
	ret = chain->fill(r, chain->arg) < 0 || rg_batch_add_rule(b, r) < 0 ? -1 : 0;
	nftnl_rule_free(r);
	return ret;
}

int rg_probe_batch(struct rg_nl *nl, int family, unsigned int what,
		   const struct rg_probe_chain *chain)
{
	char table[64];
	struct rg_batch b;
	int ret = -1;

	table_name(table, sizeof(table));
	if (rg_batch_begin(&b, nl) < 0)
		goto out;
	if ((what & RG_PROBE_ADD) &&
	    (rg_batch_add_table(&b, family, table) < 0 ||
	     (chain && chain->type && add_chain(&b, family, table, chain) < 0)))
		goto out;
	if ((what & RG_PROBE_DEL) && rg_batch_del_table(&b, family, table) < 0)
		goto out;
	ret = rg_batch_commit(&b);
out:
	if (ret < 0 && !errno)
		errno = ENOMEM;
	rg_batch_free(&b);
	return ret;
}
