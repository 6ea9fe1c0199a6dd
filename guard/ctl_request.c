// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl_request.h"

#include <string.h>

static const struct {
	const char *line;
	enum rg_ctl_request req;
} requests[] = {
	{ "status json", RG_CTL_STATUS_JSON },
	{ "status text", RG_CTL_STATUS_TEXT },
	{ "status", RG_CTL_STATUS_TEXT },
	{ "reload-state", RG_CTL_RELOAD_STATE },
};

enum rg_ctl_request rg_ctl_parse_request(const char *buf, size_t len)
{
	const char *nl = len ? memchr(buf, '\n', len) : NULL;
	size_t i, n = nl ? (size_t)(nl - buf) : len;

	if (n && buf[n - 1] == '\r')
		n--;
	/* Whole-line matches: "status jsonx" is not "status json". */
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++)
		if (strlen(requests[i].line) == n &&
		    !memcmp(buf, requests[i].line, n))
			return requests[i].req;
	return RG_CTL_UNKNOWN;
}
