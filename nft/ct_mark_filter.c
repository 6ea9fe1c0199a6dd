// SPDX-License-Identifier: GPL-2.0-or-later
#include "ct_mark_filter.h"

#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

#define ACCEPT 0xffffffffu	/* the whole message */
#define REJECT 0u

size_t rg_ct_mark_filter(uint32_t bits, struct sock_filter *prog, size_t max)
{
	const struct sock_filter code[RG_CT_MARK_FILTER_LEN] = {
		/* the attributes follow the nlmsghdr and the nfgenmsg */
		BPF_STMT(BPF_LD | BPF_IMM,
			 MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg))),
		BPF_STMT(BPF_LDX | BPF_IMM, CTA_MARK),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_NLATTR),
		/* no CTA_MARK: the mark is 0 (ctnetlink omits it then) */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_W | BPF_IND, MNL_ATTR_HDRLEN),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, bits),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, bits, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, ACCEPT),
		BPF_STMT(BPF_RET | BPF_K, REJECT),
	};

	if (max < RG_CT_MARK_FILTER_LEN || bits == 0)
		return 0;
	memcpy(prog, code, sizeof(code));
	return RG_CT_MARK_FILTER_LEN;
}
