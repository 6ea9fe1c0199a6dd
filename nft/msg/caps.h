/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CAPS_H
#define RG_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * What the running kernel offers reflguard, as found by the probes in
 * probe*.c. This header and caps.c hold no I/O: the daemon and doctor
 * decide from a filled struct, and the tests fill it by hand.
 */
enum rg_cap_state {
	RG_CAP_UNKNOWN = 0,	/* the probe could not tell; see err */
	RG_CAP_YES,
	RG_CAP_NO,
};

struct rg_cap {
	enum rg_cap_state state;
	int err;		/* errno behind NO or UNKNOWN, 0 if none */
};

struct rg_caps {
	struct rg_cap net_admin;	/* CAP_NET_ADMIN in the effective set */
	struct rg_cap nftables;		/* nf_tables answers a transaction */
	struct rg_cap native_queue;	/* nft "queue" expression */
	struct rg_cap compat_queue;	/* xt NFQUEUE target via nft_compat */
	struct rg_cap nfqueue;		/* nfnetlink_queue accepts a binding */
	struct rg_cap nfqa_ct;		/* queued packets carry NFQA_CT */
	struct rg_cap ctnetlink;	/* conntrack over netlink */
	struct rg_cap nat_ipv4;
	struct rg_cap nat_ipv6;
	bool ct_entries_known;
	uint32_t ct_entries;
	char kernel[160];
};

enum rg_queue_path {
	RG_QUEUE_NONE = 0,
	RG_QUEUE_NATIVE,
	RG_QUEUE_COMPAT,
};

enum rg_ct_path {
	RG_CT_NONE = 0,
	RG_CT_ATTACHED,		/* NFQA_CT with each queued packet */
	RG_CT_LOOKUP,		/* ctnetlink lookup after the verdict */
};

enum rg_queue_path rg_caps_queue_path(const struct rg_caps *c);
enum rg_ct_path rg_caps_ct_path(const struct rg_caps *c);
const char *rg_caps_queue_path_name(enum rg_queue_path p);
const char *rg_caps_ct_path_name(enum rg_ct_path p);
const char *rg_caps_state_name(enum rg_cap_state s);

/*
 * Whether the daemon can run with these capabilities. When it cannot and
 * why is not NULL, *why names the first missing piece (static string).
 */
bool rg_caps_can_run(const struct rg_caps *c, const char **why);

#endif
