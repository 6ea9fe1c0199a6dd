// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>

#include "classify.h"
#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "ct.h"
#include "errmsg.h"
#include "event.h"
#include "finding.h"
#include "route.h"
#include "strbuf.h"

const char scan_usage[] =
	"Usage: reflguard scan [-c FILE] [--expressway-e PUBLIC[=INTERNAL]]...\n"
	"                      [--expressway-c ADDR/LEN]... [--ports LIST] [--json]\n"
	"\n"
	"Dumps the conntrack table once and lists the hairpinned traversal flows\n"
	"whose source the firewall translated. Needs no daemon; changes nothing.\n"
	"\n"
	"  -c, --config FILE       configuration file (default " RG_DEFAULT_CONFIG " if present)\n"
	"  --expressway-e P[=I]    Expressway-E public address (repeatable)\n"
	"  --expressway-c PREFIX   only sources inside count as Expressway-C (repeatable)\n"
	"  --ports LIST            watched ports (default " RG_DEFAULT_PORTS ")\n"
	"  --json                  print {\"flows\": [...]} with the event fields\n"
	"  -h, --help              show this help\n"
	"\n"
	"Exit status: 0 no translated flow, 1 some, or no privilege to look\n"
	"(root or CAP_NET_ADMIN), 2 bad input or another error.\n";

struct scan {
	const struct rg_config *cfg;
	struct rg_nl rt;
	struct rg_strbuf out;
	unsigned int found;
	bool json;
};

static void print_row(struct scan *s, const struct rg_event *ev)
{
	char c[RG_ENDPOINT_STRLEN], pub[RG_ENDPOINT_STRLEN];
	char in[RG_ENDPOINT_STRLEN], sees[RG_ENDPOINT_STRLEN];

	rg_addr_endpoint_format(&ev->c, ev->c_port, c, sizeof(c));
	rg_addr_endpoint_format(&ev->e_public, ev->e_public_port, pub, sizeof(pub));
	rg_addr_endpoint_format(&ev->e_internal, ev->e_internal_port, in, sizeof(in));
	rg_addr_endpoint_format(&ev->e_sees, ev->e_sees_port, sees, sizeof(sees));
	rg_strbuf_addf(&s->out, "%-4s %-24s %-24s %-24s %-24s %-13s %s\n",
		       rg_addr_proto_name(ev->proto), c, pub, in, sees, ev->action,
		       ev->reason ? ev->reason : "-");
}

static void add_json(struct scan *s, const struct rg_event *ev)
{
	struct rg_strbuf obj;

	rg_strbuf_init(&obj);
	rg_event_json(ev, &obj);
	if (obj.len && obj.data[obj.len - 1] == '\n')
		obj.data[--obj.len] = '\0';
	rg_strbuf_addf(&s->out, "%s%s", s->found > 1 ? "," : "",
		       rg_strbuf_str(&obj));
	rg_strbuf_free(&obj);
}

static int flow_cb(const struct rg_flow *f, void *data)
{
	struct scan *s = data;
	const struct rg_expressway_e *e;
	struct rg_segments seg = { 0 };
	struct rg_class cl;
	struct rg_event ev;
	struct timespec now;

	if (!rg_classify_watched(s->cfg, f, &e))
		return 0;
	rg_route_segments(&s->rt, &f->orig.src, &f->reply.src, &seg);
	if (!rg_classify(s->cfg, f, &seg, &cl) || !cl.translated)
		return 0;
	s->found++;
	clock_gettime(CLOCK_REALTIME, &now);
	rg_finding_event(f, &cl, &now, &ev);
	if (s->json)
		add_json(s, &ev);
	else
		print_row(s, &ev);
	return 0;
}

static int dump(struct scan *s)
{
	struct rg_addr dsts[RG_MAX_E];
	size_t n = rg_classify_dsts(s->cfg, dsts);
	struct rg_nl ct;
	int ret;

	if (rg_nlsock_open(&ct, NETLINK_NETFILTER) < 0)
		return -1;
	if (rg_nlsock_open(&s->rt, NETLINK_ROUTE) < 0) {
		rg_nlsock_close(&ct);
		return -1;
	}
	ret = rg_ct_dump_dst(&ct, dsts, n, flow_cb, s, NULL);
	rg_nlsock_close(&s->rt);
	rg_nlsock_close(&ct);
	return ret;
}

int scan_main(int argc, char *argv[])
{
	struct rg_cmdline cl;
	struct rg_config cfg;
	struct scan s;
	int ret = rg_cmdline_start("scan", scan_usage, RG_CMDLINE_JSON, argc, argv,
				   &cl, &cfg);

	if (ret >= 0)
		return ret;
	memset(&s, 0, sizeof(s));
	s.cfg = &cfg;
	s.json = cl.json;
	rg_strbuf_init(&s.out);
	if (dump(&s) < 0) {
		int err = errno;

		fprintf(stderr, "reflguard scan: conntrack dump failed: %s\n",
			rg_errmsg_errno(err));
		rg_strbuf_free(&s.out);
		/* Not the command line's fault: no privilege is a plain failure. */
		return err == EPERM ? RG_EXIT_FAIL : RG_EXIT_USAGE;
	}
	if (s.json)
		printf("{\"flows\":[%s]}\n", rg_strbuf_str(&s.out));
	else if (s.found)
		printf("%-4s %-24s %-24s %-24s %-24s %-13s %s\n%s", "PROTO",
		       "EXPRESSWAY-C", "E PUBLIC", "E INTERNAL", "E SEES", "ACTION",
		       "REASON", rg_strbuf_str(&s.out));
	else
		printf("no translated hairpinned traversal flow\n");
	rg_strbuf_free(&s.out);
	return s.found ? RG_EXIT_FAIL : RG_EXIT_OK;
}
