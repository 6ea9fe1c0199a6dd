/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_RESET_RULE_H
#define RG_RESET_RULE_H

#include <libnftnl/rule.h>

/*
 * How reflguard tells both ends of a TCP connection it resets, built
 * without I/O. Its conntrack entry is kept, marked with RG_RESET_MARK (one
 * bit of the ct mark, the rest left alone), and a chain of reflguard's own
 * on prerouting, after conntrack and before destination NAT, holds:
 *
 *   meta l4proto tcp ct mark & MARK == MARK ct direction original
 *     tcp flags & (syn|rst) == 0  counter reject with tcp reset
 *   meta l4proto tcp ct mark & MARK == MARK ct direction original
 *     tcp flags & (syn|ack) == syn counter drop
 *
 * C's next segment is answered with an RST computed from it (in its
 * window) and goes no further; E's segments still reach C, which answers
 * them, so C learns at once and E from C's kernel's own RST. A SYN from
 * C's old port waits (is dropped) until the entry is deleted, since on a
 * live entry it would reopen the connection translated.
 */
#define RG_RESET_CHAIN "resets"
/* After conntrack (-200), before destination NAT (-100). */
#define RG_RESET_PRIO (-150)
#define RG_RESET_MARK 0x40000000u
#define RG_RESET_RULES 2

/* Rule i (0: reject, 1: drop) for the family; NULL when out of memory. */
struct nftnl_rule *rg_reset_rule(int nfproto, int i);

#endif
