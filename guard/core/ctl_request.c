// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl_request.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *line;
	enum rg_ctl_request req;
} requests[] = {
	{ "status json", RG_CTL_STATUS_JSON },
	{ "status text", RG_CTL_STATUS_TEXT },
	{ "status", RG_CTL_STATUS_TEXT },
	{ "reload-state", RG_CTL_RELOAD_STATE },
	{ "reload", RG_CTL_RELOAD },
	{ "stop", RG_CTL_STOP },
};

enum rg_ctl_request rg_ctl_request_parse(const char *buf, size_t len)
{
	const char *nl = len ? memchr(buf, '\n', len) : NULL;
	size_t i, n = nl ? (size_t)(nl - buf) : len;

	if (n && buf[n - 1] == '\r')
		n--;
	if (n > 7 && !memcmp(buf, "exempt-", 7) && !memchr(buf, '\0', n))
		return RG_CTL_EXEMPT;
	/* Whole-line matches: "status jsonx" is not "status json". */
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (strlen(requests[i].line) == n &&
		    !memcmp(buf, requests[i].line, n))
			return requests[i].req;
	return RG_CTL_UNKNOWN;
}

bool rg_ctl_request_changes(enum rg_ctl_request req)
{
	switch (req) {
	case RG_CTL_STATUS_JSON:
	case RG_CTL_STATUS_TEXT:
	case RG_CTL_UNKNOWN:
		return false;
	case RG_CTL_RELOAD_STATE:
	case RG_CTL_EXEMPT:
	case RG_CTL_RELOAD:
	case RG_CTL_STOP:
		break;
	}
	return true;
}

#define MAX_WORDS 6

/* The request's line split at spaces, in line (NUL-terminated words). */
static int split(const char *buf, size_t len, char line[RG_CTL_REQ_MAX + 1],
		 char *w[MAX_WORDS])
{
	const char *nl = len ? memchr(buf, '\n', len) : NULL;
	size_t n = nl ? (size_t)(nl - buf) : len;
	int k = 0;
	char *p, *save = NULL;

	if (n && buf[n - 1] == '\r')
		n--;
	if (n > RG_CTL_REQ_MAX || memchr(buf, '\0', n))
		return -1;
	memcpy(line, buf, n);
	line[n] = '\0';
	for (p = strtok_r(line, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		if (k == MAX_WORDS)
			return -1;
		w[k++] = p;
	}
	return k;
}

static int bad(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -1;
}

int rg_ctl_request_parse_exempt(const char *buf, size_t len, struct rg_ctl_exempt *out,
				char *err, size_t errlen)
{
	char line[RG_CTL_REQ_MAX + 1], *w[MAX_WORDS];
	int n = split(buf, len, line, w);

	memset(out, 0, sizeof(*out));
	if (n < 1)
		return bad(err, errlen, "malformed request");
	if (!strcmp(w[0], "exempt-flush"))
		out->op = RG_CTL_X_FLUSH;
	else if (!strcmp(w[0], "exempt-add"))
		out->op = RG_CTL_X_ADD;
	else if (!strcmp(w[0], "exempt-del"))
		out->op = RG_CTL_X_DEL;
	else
		return bad(err, errlen, "unknown request");
	if (out->op == RG_CTL_X_FLUSH)
		return n == 1 ? 0 : bad(err, errlen, "exempt-flush takes no argument");
	if (out->op == RG_CTL_X_ADD && n == 5 && !strcmp(w[4], "force"))
		out->force = true;
	else if (n != 4)
		return bad(err, errlen, "expected C_ADDR E_INTERNAL PROTO/PORT");
	return rg_exemption_parse(w[1], w[2], w[3], &out->x, err, errlen);
}

int rg_ctl_request_format_exempt(const struct rg_ctl_exempt *req, char *buf, size_t len)
{
	char c[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN];
	int n;

	if (req->op == RG_CTL_X_FLUSH) {
		n = snprintf(buf, len, "exempt-flush");
	} else {
		rg_addr_format(&req->x.c, c, sizeof(c));
		rg_addr_format(&req->x.e_internal, e, sizeof(e));
		n = snprintf(buf, len, "exempt-%s %s %s %s/%u%s",
			     req->op == RG_CTL_X_ADD ? "add" : "del", c, e,
			     rg_addr_proto_name(req->x.proto), req->x.port,
			     req->force ? " force" : "");
	}
	return n < 0 || (size_t)n >= len || n >= RG_CTL_REQ_MAX ? -1 : 0;
}
