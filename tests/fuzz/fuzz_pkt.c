// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The queued-packet parser: the input is a packet from its network header
 * on, as nfnetlink_queue copies it (the daemon asks for 320 bytes; the
 * copy may end anywhere). rg_pkt_parse() reads it directly and through
 * rg_packet_flow(), as on kernels without NFQA_CT, and for the TCP
 * sequence number that tells a retransmitted SYN (rg_pkt_parse_tcp_seq()).
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include "fuzz.h"
#include "packet_flow.h"
#include "pkt_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *pkt = fuzz_copy(data, size);
	struct rg_tuple t, reply;
	uint8_t proto = 0, proto2 = 0;
	enum rg_packet_flow pf;
	struct rg_flow f;
	uint32_t seq;
	int ret;

	ret = rg_pkt_parse(pkt, size, &proto, &t);
	if (ret == 0) {
		int family = (pkt[0] >> 4) == 4 ? AF_INET : AF_INET6;

		FUZZ_CHECK(proto == IPPROTO_TCP || proto == IPPROTO_UDP);
		FUZZ_CHECK(t.src.family == family && t.dst.family == family);
	} else {
		FUZZ_CHECK(ret == -1);
	}
	pf = rg_packet_flow(NULL, 0, pkt, size, &f, &proto2, &reply);
	if (ret == 0)
		FUZZ_CHECK(pf == RG_PF_LOOKUP);
	else
		FUZZ_CHECK(pf == (rg_pkt_parse_addrs(pkt, size, &t) == 0 ?
				  RG_PF_ADDRS : RG_PF_UNPARSED));
	if (pf == RG_PF_ADDRS) {
		/* Addresses only, reversed; no ports, no protocol. */
		FUZZ_CHECK(proto2 == 0 && reply.sport == 0 && reply.dport == 0);
		FUZZ_CHECK(!memcmp(&reply.src, &t.dst, sizeof(t.dst)));
		FUZZ_CHECK(!memcmp(&reply.dst, &t.src, sizeof(t.src)));
	}
	if (pf == RG_PF_LOOKUP) {
		/* The reply tuple is the packet's, reversed. */
		FUZZ_CHECK(proto2 == proto);
		FUZZ_CHECK(!memcmp(&reply.src, &t.dst, sizeof(t.dst)));
		FUZZ_CHECK(!memcmp(&reply.dst, &t.src, sizeof(t.src)));
		FUZZ_CHECK(reply.sport == t.dport && reply.dport == t.sport);
	}
	/* A sequence number only where the ports were read, of TCP. */
	if (rg_pkt_parse_tcp_seq(pkt, size, &seq) == 0)
		FUZZ_CHECK(ret == 0 && proto == IPPROTO_TCP);
	free(pkt);
	return 0;
}
