/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_EXEMPTION_H
#define RG_EXEMPTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/*
 * One exemption: Expressway-C's traffic to Expressway-E's internal address
 * and port keeps its source. It is the element
 *   C . E_INTERNAL . PROTO . PORT
 * of reflguard's set (exempt4 in "ip reflguard", exempt6 in "ip6
 * reflguard"), matched on postrouting after destination NAT. Pure.
 */
struct rg_exemption {
	struct rg_addr c;		/* Expressway-C */
	struct rg_addr e_internal;	/* Expressway-E's own address */
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t port;			/* E's internal port, host order */
};

/*
 * The element key as the kernel compares it: every field of a
 * concatenation in whole 32-bit registers, so the protocol byte and the
 * port (network order) are zero-padded to 4 bytes each. 16 bytes for
 * IPv4, 40 for IPv6.
 */
#define RG_EXEMPT_KEY_MAX 40
size_t rg_exemption_key(const struct rg_exemption *x,
			uint8_t key[RG_EXEMPT_KEY_MAX]);
/* The inverse, for a key read back from the kernel; -1 if malformed. */
int rg_exemption_from_key(int family, const uint8_t *key, size_t len,
			  struct rg_exemption *x);
bool rg_exemption_equal(const struct rg_exemption *a,
			const struct rg_exemption *b);
/* Both addresses set and of one family, a known protocol, a port. */
bool rg_exemption_valid(const struct rg_exemption *x);
/* "10.0.30.2 . 10.0.10.2 . tcp . 7003" */
void rg_exemption_element(const struct rg_exemption *x, char *buf,
			  size_t len);
/* "add element ip reflguard exempt4 { 10.0.30.2 . 10.0.10.2 . tcp . 7003 }" */
void rg_exemption_statement(const struct rg_exemption *x, char *buf,
			    size_t len);
/*
 * From the words of `reflguard exempt add C_ADDR E_INTERNAL PROTO/PORT`.
 * On error -1 and err names the word at fault.
 */
int rg_exemption_parse(const char *c, const char *e, const char *proto_port,
		       struct rg_exemption *x, char *err, size_t errlen);

#define RG_EXEMPT_ELEMENT_LEN (2 * INET6_ADDRSTRLEN + 32)
#define RG_EXEMPT_STATEMENT_LEN (RG_EXEMPT_ELEMENT_LEN + 64)

#endif
