// SPDX-License-Identifier: GPL-2.0-or-later
#include "doctor_report.h"

#include <stddef.h>
#include <string.h>

#include "json.h"
#include "plural.h"

struct probe_row {
	const char *key;	/* JSON name */
	const char *label;	/* human name */
	size_t offset;		/* of the struct rg_cap in struct rg_caps */
	const char *if_no;	/* what a "no" means for reflguard */
};

static const struct probe_row rows[] = {
	{ "net_admin", "privileges (CAP_NET_ADMIN)",
	  offsetof(struct rg_caps, net_admin), "run as root or grant CAP_NET_ADMIN" },
	{ "nftables", "nftables",
	  offsetof(struct rg_caps, nftables), "kernel without nf_tables" },
	{ "native_queue", "nft queue expression",
	  offsetof(struct rg_caps, native_queue), "not built in this kernel (CONFIG_NFT_QUEUE)" },
	{ "compat_queue", "xt NFQUEUE compat target",
	  offsetof(struct rg_caps, compat_queue), "nft_compat or xt_NFQUEUE not built" },
	{ "nfqueue", "nfnetlink_queue",
	  offsetof(struct rg_caps, nfqueue), "no queue can be bound" },
	{ "nfqa_ct", "conntrack in queued packets (NFQA_CT)",
	  offsetof(struct rg_caps, nfqa_ct), "not built in this kernel (CONFIG_NETFILTER_NETLINK_GLUE_CT)" },
	{ "ctnetlink", "ctnetlink",
	  offsetof(struct rg_caps, ctnetlink), "nf_conntrack_netlink not available" },
	{ "nat_ipv4", "IPv4 NAT",
	  offsetof(struct rg_caps, nat_ipv4), "IPv4 exemptions cannot be installed" },
	{ "nat_ipv6", "IPv6 NAT",
	  offsetof(struct rg_caps, nat_ipv6), "IPv6 exemptions cannot be installed" },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const struct rg_cap *row_cap(const struct rg_caps *c, size_t i)
{
	return (const struct rg_cap *)((const char *)c + rows[i].offset);
}

static const char *queue_path_text(enum rg_queue_path p)
{
	switch (p) {
	case RG_QUEUE_NATIVE: return "native nft queue";
	case RG_QUEUE_COMPAT: return "xt NFQUEUE target through nft_compat";
	default:              return "none";
	}
}

static const char *ct_path_text(enum rg_ct_path p)
{
	switch (p) {
	case RG_CT_ATTACHED: return "NFQA_CT attached to each queued packet";
	case RG_CT_LOOKUP:   return "ctnetlink lookup after the verdict";
	default:             return "none";
	}
}

static void text_row(const struct rg_caps *c, size_t i, struct rg_strbuf *out)
{
	const struct rg_cap *cap = row_cap(c, i);
	const char *state = rg_caps_state_name(cap->state);

	rg_strbuf_addf(out, "  %-40s ", rows[i].label);
	if (cap->state == RG_CAP_NO)
		rg_strbuf_addf(out, "%-8s%s", state, rows[i].if_no);
	else if (cap->state == RG_CAP_UNKNOWN && cap->err)
		rg_strbuf_addf(out, "%-8sprobe failed: %s", state,
			       strerror(cap->err));
	else if (cap->state == RG_CAP_UNKNOWN)
		rg_strbuf_addf(out, "%-8snot probed", state);
	else if (rows[i].offset == offsetof(struct rg_caps, ctnetlink) &&
		 c->ct_entries_known)
		rg_strbuf_addf(out, "%-8s%u tracked %s", state, c->ct_entries,
			       rg_plural(c->ct_entries, "connection", "connections"));
	else
		rg_strbuf_add(out, state);
	rg_strbuf_add(out, "\n");
}

void rg_doctor_report_text(const struct rg_caps *c, struct rg_strbuf *out)
{
	const char *why = NULL;
	size_t i;

	rg_strbuf_addf(out, "kernel %s\n", c->kernel);
	for (i = 0; i < NROWS; i++)
		text_row(c, i, out);
	rg_strbuf_addf(out, "queue path:     %s\n",
		       queue_path_text(rg_caps_queue_path(c)));
	rg_strbuf_addf(out, "conntrack path: %s\n",
		       ct_path_text(rg_caps_ct_path(c)));
	if (rg_caps_can_run(c, &why))
		rg_strbuf_add(out, "reflguard can run here.\n");
	else
		rg_strbuf_addf(out, "reflguard cannot run here: %s.\n", why);
}

void rg_doctor_report_json(const struct rg_caps *c, struct rg_strbuf *out)
{
	const char *why = NULL;
	bool ok = rg_caps_can_run(c, &why);
	struct rg_json j;
	size_t i;

	rg_json_init(&j, out);
	rg_json_obj_begin(&j, NULL);
	rg_json_str(&j, "kernel", c->kernel);
	rg_json_bool(&j, "can_run", ok);
	if (ok)
		rg_json_null(&j, "reason");
	else
		rg_json_str(&j, "reason", why);
	rg_json_str(&j, "queue_path", rg_caps_queue_path_name(rg_caps_queue_path(c)));
	rg_json_str(&j, "ct_path", rg_caps_ct_path_name(rg_caps_ct_path(c)));
	if (c->ct_entries_known)
		rg_json_int(&j, "ct_entries", c->ct_entries);
	rg_json_obj_begin(&j, "probes");
	for (i = 0; i < NROWS; i++) {
		const struct rg_cap *cap = row_cap(c, i);

		rg_json_obj_begin(&j, rows[i].key);
		rg_json_str(&j, "state", rg_caps_state_name(cap->state));
		if (cap->err)
			rg_json_str(&j, "error", strerror(cap->err));
		rg_json_obj_end(&j);
	}
	rg_json_obj_end(&j);
	rg_json_obj_end(&j);
	rg_strbuf_add(out, "\n");
}
