// SPDX-License-Identifier: GPL-2.0-or-later
#include "ct_parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>

/* A table of attribute pointers, filled by a callback for one nest level. */
struct attr_table {
	const struct nlattr **tb;
	uint16_t max;
};

static int table_cb(const struct nlattr *attr, void *data)
{
	struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	/* Unknown attributes are newer kernel features: skip, not fail. */
	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_nest(const struct nlattr *nest, const struct nlattr **tb,
		      uint16_t max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1u));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -1;
	return mnl_attr_parse_nested(nest, table_cb, &t) < 0 ? -1 : 0;
}

static int get_addr(const struct nlattr *a, int family, struct rg_addr *out)
{
	size_t len = family == AF_INET ? 4 : 16;

	if (!a || mnl_attr_get_payload_len(a) != len)
		return -1;
	memset(out, 0, sizeof(*out));
	out->family = family;
	memcpy(out->u.bytes, mnl_attr_get_payload(a), len);
	return 0;
}

static int get_port(const struct nlattr *a, uint16_t *port)
{
	if (!a || mnl_attr_validate(a, MNL_TYPE_U16) < 0)
		return -1;
	*port = ntohs(mnl_attr_get_u16(a));
	return 0;
}

static int parse_ip(const struct nlattr *nest, struct rg_tuple *t, int *family)
{
	const struct nlattr *tb[CTA_IP_MAX + 1];

	if (parse_nest(nest, tb, CTA_IP_MAX) < 0)
		return -1;
	if (tb[CTA_IP_V4_SRC])
		*family = AF_INET;
	else if (tb[CTA_IP_V6_SRC])
		*family = AF_INET6;
	else
		return -1;
	if (*family == AF_INET)
		return get_addr(tb[CTA_IP_V4_SRC], AF_INET, &t->src) < 0 ||
		       get_addr(tb[CTA_IP_V4_DST], AF_INET, &t->dst) < 0 ? -1 : 0;
	return get_addr(tb[CTA_IP_V6_SRC], AF_INET6, &t->src) < 0 ||
	       get_addr(tb[CTA_IP_V6_DST], AF_INET6, &t->dst) < 0 ? -1 : 0;
}

static int parse_proto(const struct nlattr *nest, struct rg_tuple *t,
		       uint8_t *proto)
{
	const struct nlattr *tb[CTA_PROTO_MAX + 1];

	if (parse_nest(nest, tb, CTA_PROTO_MAX) < 0)
		return -1;
	if (!tb[CTA_PROTO_NUM] || mnl_attr_validate(tb[CTA_PROTO_NUM], MNL_TYPE_U8) < 0)
		return -1;
	*proto = mnl_attr_get_u8(tb[CTA_PROTO_NUM]);
	if (*proto != IPPROTO_TCP && *proto != IPPROTO_UDP)
		return -1;
	if (get_port(tb[CTA_PROTO_SRC_PORT], &t->sport) < 0 ||
	    get_port(tb[CTA_PROTO_DST_PORT], &t->dport) < 0)
		return -1;
	return 0;
}

static int parse_tuple(const struct nlattr *nest, struct rg_tuple *t,
		       int *family, uint8_t *proto)
{
	const struct nlattr *tb[CTA_TUPLE_MAX + 1];

	if (!nest || parse_nest(nest, tb, CTA_TUPLE_MAX) < 0)
		return -1;
	if (!tb[CTA_TUPLE_IP] || !tb[CTA_TUPLE_PROTO])
		return -1;
	if (parse_ip(tb[CTA_TUPLE_IP], t, family) < 0)
		return -1;
	return parse_proto(tb[CTA_TUPLE_PROTO], t, proto);
}

/* CTA_PROTOINFO's TCP state, when there: an unreadable one is unknown. */
static void tcp_state(const struct nlattr *info, struct rg_flow *f)
{
	const struct nlattr *tb[CTA_PROTOINFO_MAX + 1];
	const struct nlattr *tcp[CTA_PROTOINFO_TCP_MAX + 1];
	const struct nlattr *st;

	if (!info || parse_nest(info, tb, CTA_PROTOINFO_MAX) < 0 ||
	    !tb[CTA_PROTOINFO_TCP] ||
	    parse_nest(tb[CTA_PROTOINFO_TCP], tcp, CTA_PROTOINFO_TCP_MAX) < 0)
		return;
	st = tcp[CTA_PROTOINFO_TCP_STATE];
	if (!st || mnl_attr_validate(st, MNL_TYPE_U8) < 0)
		return;
	f->tcp_state = mnl_attr_get_u8(st);
	f->has_tcp_state = true;
}

static int fill_flow(const struct nlattr **tb, struct rg_flow *f)
{
	int fam_reply = 0;
	uint8_t proto_reply = 0;

	memset(f, 0, sizeof(*f));
	if (parse_tuple(tb[CTA_TUPLE_ORIG], &f->orig, &f->family, &f->proto) < 0 ||
	    parse_tuple(tb[CTA_TUPLE_REPLY], &f->reply, &fam_reply, &proto_reply) < 0)
		return -1;
	if (fam_reply != f->family || proto_reply != f->proto)
		return -1;
	if (tb[CTA_STATUS] && mnl_attr_validate(tb[CTA_STATUS], MNL_TYPE_U32) == 0)
		f->status = ntohl(mnl_attr_get_u32(tb[CTA_STATUS]));
	if (tb[CTA_ID] && mnl_attr_validate(tb[CTA_ID], MNL_TYPE_U32) == 0) {
		f->id = ntohl(mnl_attr_get_u32(tb[CTA_ID]));
		f->has_id = true;
	}
	if (tb[CTA_MARK] && mnl_attr_validate(tb[CTA_MARK], MNL_TYPE_U32) == 0) {
		f->mark = ntohl(mnl_attr_get_u32(tb[CTA_MARK]));
		f->has_mark = true;
	}
	if (f->proto == IPPROTO_TCP)
		tcp_state(tb[CTA_PROTOINFO], f);
	return 0;
}

int rg_ct_parse_attrs(const void *attrs, size_t len, struct rg_flow *f)
{
	const struct nlattr *tb[CTA_MAX + 1];
	struct attr_table t = { tb, CTA_MAX };

	memset(tb, 0, sizeof(tb));
	if (mnl_attr_parse_payload(attrs, len, table_cb, &t) < 0)
		return -1;
	return fill_flow(tb, f);
}

int rg_ct_parse_msg(const struct nlmsghdr *nlh, struct rg_flow *f)
{
	size_t hdr = mnl_nlmsg_size(sizeof(struct nfgenmsg));

	if (nlh->nlmsg_len < hdr)
		return -1;
	return rg_ct_parse_attrs((const char *)nlh + MNL_ALIGN(hdr),
				 nlh->nlmsg_len - MNL_ALIGN(hdr), f);
}
