/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CT_PARSE_H
#define RG_CT_PARSE_H

#include <stddef.h>

#include <libmnl/libmnl.h>

#include "flow.h"

/*
 * Conntrack attributes (CTA_*) into a struct rg_flow. No I/O: the input is
 * whatever the kernel sent, checked attribute by attribute, and a message
 * that lacks a tuple, or whose tuples are not TCP or UDP, is refused.
 */

/* attrs/len: the CTA_* attributes, as inside NFQA_CT. */
int rg_ct_parse_attrs(const void *attrs, size_t len, struct rg_flow *f);
/* A whole IPCTNL_MSG_CT_NEW message (a dump entry or a get reply). */
int rg_ct_parse_msg(const struct nlmsghdr *nlh, struct rg_flow *f);

#endif
