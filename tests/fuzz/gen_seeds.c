// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One-off generator of seed inputs, not part of any test (see README.md):
 *
 *   gen_seeds state DIR     state files as rg_state_serialize() writes them
 *   gen_seeds events DIR    events files as rg_event_json() writes them
 *   gen_seeds ct-dump DIR   every conntrack entry of the current network
 *                           namespace, one raw ctnetlink message per file
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#include "event.h"
#include "state.h"
#include "strbuf.h"

static int write_file(const char *dir, const char *name, const void *data,
		      size_t len)
{
	char path[4096];
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	if (fwrite(data, 1, len, f) == len)
		ret = 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

static int write_sb(const char *dir, const char *name, struct rg_strbuf *sb)
{
	int ret = rg_strbuf_failed(sb) ? -1 :
		  write_file(dir, name, sb->data, sb->len);

	rg_strbuf_reset(sb);
	return ret;
}

static void entry(struct rg_state *s, const char *c, const char *e,
		  uint8_t proto, uint16_t port, const char *added,
		  const char *why, bool verified)
{
	struct rg_state_entry en;

	memset(&en, 0, sizeof(en));
	if (rg_addr_parse(c, &en.x.c) || rg_addr_parse(e, &en.x.e_internal))
		abort();
	en.x.proto = proto;
	en.x.port = port;
	snprintf(en.added, sizeof(en.added), "%s", added);
	snprintf(en.why, sizeof(en.why), "%s", why);
	en.verified = verified;
	if (rg_state_put(s, &en))
		abort();
}

static int gen_state(const char *dir)
{
	struct rg_strbuf sb;
	struct rg_state s;
	int ret = 0;

	rg_strbuf_init(&sb);
	rg_state_init(&s);
	rg_state_serialize(&s, &sb);
	ret |= write_sb(dir, "empty.json", &sb);
	entry(&s, "10.0.30.2", "10.0.10.2", IPPROTO_TCP, 7003,
	      "2026-11-25T12:47:53.969905Z",
	      "tcp 10.0.30.2:27901 -> 64.100.0.10:7003, E saw 64.100.0.10:48122",
	      false);
	rg_state_serialize(&s, &sb);
	ret |= write_sb(dir, "one.json", &sb);
	entry(&s, "10.0.31.3", "10.0.10.2", IPPROTO_TCP, 7001,
	      "2026-11-25T12:50:00.000001Z", "manual", true);
	entry(&s, "fd00:30::2", "fd00:10::2", IPPROTO_UDP, 7003,
	      "2026-11-26T08:00:00.500000Z",
	      "udp [fd00:30::2]:27901 -> [2001:db8:64::10]:7003, E saw [2001:db8:64::10]:4401",
	      true);
	entry(&s, "192.0.2.1", "198.51.100.7", IPPROTO_TCP, 65535,
	      "2026-11-27T00:00:00.000000Z",
	      "\"quoted\" \\ back\tslash \x01 ctl, caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x92",
	      false);
	rg_state_serialize(&s, &sb);
	ret |= write_sb(dir, "several.json", &sb);
	rg_state_free(&s);
	rg_strbuf_free(&sb);
	return ret;
}

static struct rg_event flow(bool v6, bool translated)
{
	struct rg_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = "flow";
	ev.ts.tv_sec = 1795610873;
	ev.ts.tv_nsec = 969905000;
	ev.proto = IPPROTO_TCP;
	rg_addr_parse(v6 ? "fd00:30::2" : "10.0.30.2", &ev.c);
	ev.c_port = 27901;
	rg_addr_parse(v6 ? "2001:db8:64::10" : "64.100.0.10", &ev.e_public);
	ev.e_public_port = 7003;
	rg_addr_parse(v6 ? "fd00:10::2" : "10.0.10.2", &ev.e_internal);
	ev.e_internal_port = 7003;
	ev.e_sees = translated ? ev.e_public : ev.c;
	ev.e_sees_port = translated ? 48122 : 27901;
	ev.translated = translated;
	ev.action = translated ? "would-exempt" : "none";
	ev.with_fix = translated;
	return ev;
}

static int gen_events(const char *dir)
{
	struct rg_strbuf sb;
	struct rg_event ev;
	int ret = 0;

	rg_strbuf_init(&sb);
	ev = flow(false, true);
	rg_event_json(&ev, &sb);
	ret |= write_sb(dir, "flow-translated.json", &sb);
	ev = flow(true, false);
	rg_event_json(&ev, &sb);
	ret |= write_sb(dir, "flow-clean6.json", &sb);

	/* A remediating daemon's file: refused, exempted, verified, reset. */
	ev = flow(false, true);
	rg_event_json(&ev, &sb);
	ev.type = "refused";
	ev.action = "refused";
	ev.reason = "same-segment";
	ev.with_fix = false;
	rg_addr_parse("10.0.10.9", &ev.c);
	rg_event_json(&ev, &sb);
	ev = flow(false, true);
	ev.type = "exempted";
	ev.action = "exempted";
	ev.with_fix = false;
	ev.element = "10.0.30.2 . 10.0.10.2 . tcp . 7003";
	ev.statement = "add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }";
	rg_event_json(&ev, &sb);
	ev = flow(false, false);
	ev.type = "verified";
	ev.ts.tv_sec += 1;
	ev.time_to_fix_ms = 213;
	ev.has_time_to_fix = true;
	rg_event_json(&ev, &sb);
	ev = flow(true, true);
	ev.proto = IPPROTO_UDP;
	ev.type = "reset";
	ev.action = "exempted";
	ev.with_fix = false;
	rg_event_json(&ev, &sb);
	rg_strbuf_add(&sb, "\nnot an event\n");
	ret |= write_sb(dir, "remediate.json", &sb);
	rg_strbuf_free(&sb);
	return ret;
}

struct dump {
	const char *dir;
	unsigned int n;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	char name[32];

	snprintf(name, sizeof(name), "dump-%02u.nl", d->n++);
	return write_file(d->dir, name, nlh, nlh->nlmsg_len) ? MNL_CB_ERROR :
	       MNL_CB_OK;
}

static int gen_ct_dump(const char *dir)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct dump d = { dir, 0 };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct nfgenmsg *nfg;
	unsigned int seq = (unsigned int)time(NULL), portid;
	ssize_t n;
	int ret = -1;

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_GET;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int r = mnl_cb_run(buf, (size_t)n, seq, portid, dump_cb, &d);

		if (r < 0)
			goto out;
		if (r == MNL_CB_STOP)
			break;
	}
	printf("%u conntrack entries written to %s\n", d.n, dir);
	ret = n < 0 ? -1 : 0;
out:
	if (ret)
		perror("gen_seeds ct-dump");
	if (nl)
		mnl_socket_close(nl);
	return ret;
}

int main(int argc, char *argv[])
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen_seeds state|events|ct-dump DIR\n");
		return 2;
	}
	if (!strcmp(argv[1], "state"))
		return gen_state(argv[2]) ? 1 : 0;
	if (!strcmp(argv[1], "events"))
		return gen_events(argv[2]) ? 1 : 0;
	if (!strcmp(argv[1], "ct-dump"))
		return gen_ct_dump(argv[2]) ? 1 : 0;
	fprintf(stderr, "gen_seeds: unknown mode '%s'\n", argv[1]);
	return 2;
}
