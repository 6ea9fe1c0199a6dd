/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_ADDR_H
#define RG_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An IPv4 or IPv6 address, and the things made of it. Pure: no I/O. */
struct rg_addr {
	int family;			/* AF_INET or AF_INET6; 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} u;
};

/*
 * The families reflguard works in, IPv4 first: the kernel's NFPROTO_IPV4
 * and NFPROTO_IPV6 are AF_INET and AF_INET6, so one list serves nftables,
 * conntrack and addresses alike.
 */
#define RG_ADDR_NFAMILIES 2
extern const int rg_addr_families[RG_ADDR_NFAMILIES];

struct rg_prefix {
	struct rg_addr addr;		/* host bits cleared */
	unsigned int len;
};

/* "tcp/7001-7010" is { IPPROTO_TCP, 7001, 7010 }; a single port has lo == hi. */
struct rg_port_range {
	uint8_t proto;			/* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t lo, hi;
};

/* Longest "[ffff:...:ffff]:65535" plus NUL. */
#define RG_ENDPOINT_STRLEN (INET6_ADDRSTRLEN + 9)

/* Strict: "300.1.1.1", "10.1", " 10.0.0.1" and the like are refused. */
int rg_addr_parse(const char *s, struct rg_addr *out);
/* "10.0.30.0/24", "fd00::/64"; a bare address is a host prefix. */
int rg_addr_prefix_parse(const char *s, struct rg_prefix *out);
/*
 * What to add to "invalid address 'S'" when S (its first n bytes) reads
 * as a host name: reflguard never resolves one, so the address must be
 * given. "" when it does not look like a name.
 */
const char *rg_addr_name_hint(const char *s, size_t n);
bool rg_addr_prefix_contains(const struct rg_prefix *p, const struct rg_addr *a);
bool rg_addr_equal(const struct rg_addr *a, const struct rg_addr *b);
size_t rg_addr_len(const struct rg_addr *a);	/* 4, 16, or 0 */
void rg_addr_format(const struct rg_addr *a, char *buf, size_t len);
/* "10.0.30.2:27901" or "[fd00:30::2]:27901". */
void rg_addr_endpoint_format(const struct rg_addr *a, uint16_t port, char *buf,
			     size_t len);
/* "tcp/7003", "udp/5060-5070". */
int rg_addr_port_range_parse(const char *s, struct rg_port_range *out);
bool rg_addr_port_range_contains(const struct rg_port_range *r, uint8_t proto,
				 uint16_t port);
const char *rg_addr_proto_name(uint8_t proto);	/* "tcp", "udp", "?" */

#endif
