// SPDX-License-Identifier: GPL-2.0-or-later
#include "caps.h"

#include <stddef.h>

static bool yes(const struct rg_cap *cap)
{
	return cap->state == RG_CAP_YES;
}

enum rg_queue_path rg_caps_queue_path(const struct rg_caps *c)
{
	if (!yes(&c->nfqueue))
		return RG_QUEUE_NONE;
	/* The native expression is preferred: no xtables blob in the ruleset
	 * and it is what production kernels ship. */
	if (yes(&c->native_queue))
		return RG_QUEUE_NATIVE;
	if (yes(&c->compat_queue))
		return RG_QUEUE_COMPAT;
	return RG_QUEUE_NONE;
}

enum rg_ct_path rg_caps_ct_path(const struct rg_caps *c)
{
	if (yes(&c->nfqa_ct))
		return RG_CT_ATTACHED;
	if (yes(&c->ctnetlink))
		return RG_CT_LOOKUP;
	return RG_CT_NONE;
}

const char *rg_caps_queue_path_name(enum rg_queue_path p)
{
	switch (p) {
	case RG_QUEUE_NATIVE: return "native";
	case RG_QUEUE_COMPAT: return "compat";
	default:              return "none";
	}
}

const char *rg_caps_ct_path_name(enum rg_ct_path p)
{
	switch (p) {
	case RG_CT_ATTACHED: return "nfqa-ct";
	case RG_CT_LOOKUP:   return "lookup";
	default:             return "none";
	}
}

const char *rg_caps_state_name(enum rg_cap_state s)
{
	switch (s) {
	case RG_CAP_YES: return "yes";
	case RG_CAP_NO:  return "no";
	default:         return "unknown";
	}
}

bool rg_caps_can_run(const struct rg_caps *c, const char **why)
{
	const char *reason = NULL;

	if (!yes(&c->net_admin))
		reason = "it needs root or CAP_NET_ADMIN";
	else if (!yes(&c->nftables))
		reason = "nftables does not answer";
	else if (!yes(&c->nfqueue))
		reason = "nfnetlink_queue is not available";
	else if (rg_caps_queue_path(c) == RG_QUEUE_NONE)
		reason = "neither the nft queue expression nor the NFQUEUE compat target loads";
	else if (!yes(&c->ctnetlink))
		reason = "ctnetlink (nf_conntrack_netlink) is not available";
	else if (!yes(&c->nat_ipv4))
		reason = "IPv4 NAT chains cannot be created";
	if (why)
		*why = reason;
	return reason == NULL;
}
