// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bench's reference nfqueue handler: the least a program can do to
 * serve a queue, shaped like libnetfilter_queue's own examples/nf-queue.c.
 * One blocking recv, libmnl walks the messages it returned, and every packet
 * gets one NF_ACCEPT verdict in a sendto() of its own. No batch verdicts, no
 * conntrack, no parsing beyond the packet header. It is what reflguard's
 * queue path is measured against (tests/bench/bench.sh, figures 1 and 2).
 *
 *   ref_handler --queue N [--maxlen N] [--copy-range N] [--count N]
 *               [--ready-file PATH]
 *
 * Binds queue N with NFQA_CFG_F_FAIL_OPEN (as reflguard does: when the
 * queue is full the kernel accepts the packet instead of dropping it).
 * Stops on SIGTERM/SIGINT, or after --count packets, and prints one JSON
 * line: {"handler":"ref","queue":N,"packets":N}.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>

static struct mnl_socket *nl;
static unsigned long long packets;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void send_verdict(uint16_t queue_num, uint32_t id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_VERDICT, queue_num);
	nfq_nlmsg_verdict_put(nlh, (int)id, NF_ACCEPT);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("ref_handler: verdict");
		exit(1);
	}
}

static int queue_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr[NFQA_MAX + 1] = { 0 };
	struct nfqnl_msg_packet_hdr *ph;
	struct nfgenmsg *nfg;

	(void)data;
	if (nfq_nlmsg_parse(nlh, attr) < 0 || !attr[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	nfg = mnl_nlmsg_get_payload(nlh);
	ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
	send_verdict(ntohs(nfg->res_id), ntohl(ph->packet_id));
	packets++;
	return MNL_CB_OK;
}

static void config(char *buf, uint16_t queue_num, uint32_t copy_range,
		   uint32_t maxlen)
{
	struct nlmsghdr *nlh;

	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue_num);
	nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("ref_handler: bind");
		exit(1);
	}
	nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue_num);
	nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, (int)copy_range);
	if (maxlen)
		nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
	mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(NFQA_CFG_F_FAIL_OPEN));
	mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(NFQA_CFG_F_FAIL_OPEN));
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		perror("ref_handler: params");
		exit(1);
	}
}

static unsigned long num(const char *flag, const char *v, unsigned long max)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v ? v : "", &end, 10);
	if (!v || !*v || *end || errno || n > max) {
		fprintf(stderr, "ref_handler: bad value for %s\n", flag);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	/* Largest payload plus netlink overhead, as in nf-queue.c. */
	size_t sizeof_buf = 0xffff + (MNL_SOCKET_BUFFER_SIZE / 2);
	unsigned long queue_num = 0, maxlen = 0, copy_range = 0xffff, count = 0;
	const char *ready = NULL;
	bool have_queue = false;
	struct sigaction sa;
	unsigned int portid;
	char *buf;
	int i, ret;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--queue"))
			queue_num = num(a, v, 65535), have_queue = true;
		else if (!strcmp(a, "--maxlen"))
			maxlen = num(a, v, 1u << 20);
		else if (!strcmp(a, "--copy-range"))
			copy_range = num(a, v, 0xffff);
		else if (!strcmp(a, "--count"))
			count = num(a, v, ~0ul);
		else if (!strcmp(a, "--ready-file"))
			ready = v;
		else {
			fprintf(stderr, "usage: ref_handler --queue N [--maxlen N] [--copy-range N] [--count N] [--ready-file PATH]\n");
			return 2;
		}
		i++;
	}
	if (!have_queue) {
		fprintf(stderr, "ref_handler: --queue is required\n");
		return 2;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: recv returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("ref_handler: netlink");
		return 1;
	}
	portid = mnl_socket_get_portid(nl);
	buf = malloc(sizeof_buf);
	if (!buf)
		return 1;
	config(buf, (uint16_t)queue_num, (uint32_t)copy_range, (uint32_t)maxlen);
	/* As nf-queue.c: lost-packet notifications are of no interest. */
	ret = 1;
	mnl_socket_setsockopt(nl, NETLINK_NO_ENOBUFS, &ret, sizeof(int));
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}

	while (!stop && (!count || packets < count)) {
		ret = (int)mnl_socket_recvfrom(nl, buf, sizeof_buf);
		if (ret < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			perror("ref_handler: recv");
			break;
		}
		if (mnl_cb_run(buf, (size_t)ret, 0, portid, queue_cb, NULL) < 0) {
			perror("ref_handler: mnl_cb_run");
			break;
		}
	}
	printf("{\"handler\":\"ref\",\"queue\":%lu,\"packets\":%llu}\n", queue_num,
	       packets);
	fflush(stdout);
	mnl_socket_close(nl);
	free(buf);
	return 0;
}
