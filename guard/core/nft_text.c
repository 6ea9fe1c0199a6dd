// SPDX-License-Identifier: GPL-2.0-or-later
#include "nft_text.h"

#include <stdbool.h>
#include <sys/socket.h>

struct family {
	int af;
	const char *table;	/* nft family, and the address match keyword */
	const char *set;
	const char *addr_type;
};

static const struct family families[] = {
	{ AF_INET, "ip", "exempt4", "ipv4_addr" },
	{ AF_INET6, "ip6", "exempt6", "ipv6_addr" },
};

static void elements(const struct family *f, const struct rg_exemption *xs,
		     size_t n, struct rg_strbuf *out)
{
	char el[RG_EXEMPT_ELEMENT_LEN];
	bool first = true;
	size_t i;

	rg_strbuf_add(out, "\t\telements = {");
	for (i = 0; i < n; i++) {
		if (xs[i].c.family != f->af || !rg_exemption_valid(&xs[i]))
			continue;
		rg_exemption_element(&xs[i], el, sizeof(el));
		rg_strbuf_addf(out, "%s\n\t\t\t%s", first ? "" : ",", el);
		first = false;
	}
	rg_strbuf_add(out, "\n\t\t}\n");
}

static void table(const struct family *f, const struct rg_exemption *xs,
		  size_t n, struct rg_strbuf *out)
{
	/* An empty declaration first, so that the delete always has a table. */
	rg_strbuf_addf(out, "table %s reflguard {}\ndelete table %s reflguard\n",
		       f->table, f->table);
	rg_strbuf_addf(out, "table %s reflguard {\n\tset %s {\n", f->table, f->set);
	rg_strbuf_addf(out, "\t\ttype %s . %s . inet_proto . inet_service\n",
		       f->addr_type, f->addr_type);
	elements(f, xs, n, out);
	rg_strbuf_add(out, "\t}\n\n\tchain exempt {\n");
	rg_strbuf_add(out, "\t\ttype nat hook postrouting priority srcnat - 10; policy accept;\n");
	/* Identity source NAT: the binding is claimed, the source kept. */
	rg_strbuf_addf(out, "\t\t%s saddr . %s daddr . meta l4proto . th dport @%s counter snat %s to %s saddr\n",
		       f->table, f->table, f->set, f->table, f->table);
	rg_strbuf_add(out, "\t}\n}\n");
}

void rg_nft_text_fragment(const struct rg_exemption *xs, size_t n,
			  struct rg_strbuf *out)
{
	size_t i, k, written = 0;

	rg_strbuf_add(out, "#!/usr/sbin/nft -f\n"
		      "# reflguard's exemptions, for `nft -f` on a firewall without reflguard\n");
	for (k = 0; k < sizeof(families) / sizeof(families[0]); k++) {
		for (i = 0; i < n; i++)
			if (xs[i].c.family == families[k].af && rg_exemption_valid(&xs[i]))
				break;
		if (i == n)
			continue;
		rg_strbuf_add(out, "\n");
		table(&families[k], xs, n, out);
		written++;
	}
	if (!written)
		rg_strbuf_add(out, "# (no exemption)\n");
}
