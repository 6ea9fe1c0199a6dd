// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control-socket request parser: the bytes a local client wrote, as
 * the daemon buffers them (at most 127).
 */
#include "ctl_request.h"
#include "fuzz.h"

/* An exempt request that parses is formatted back to one that parses the
 * same. */
static void exempt_round_trip(const char *buf, size_t size)
{
	struct rg_ctl_exempt a, b;
	char line[RG_CTL_REQ_MAX + 1], err[256];

	if (rg_ctl_request_parse_exempt(buf, size, &a, err, sizeof(err)) < 0)
		return;
	FUZZ_CHECK(rg_ctl_request_format_exempt(&a, line, sizeof(line)) == 0);
	FUZZ_CHECK(rg_ctl_request_parse_exempt(line, strlen(line), &b, err, sizeof(err)) == 0);
	FUZZ_CHECK(a.op == b.op && a.force == b.force);
	FUZZ_CHECK(a.op == RG_CTL_X_FLUSH || rg_exemption_equal(&a.x, &b.x));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = (char *)fuzz_copy(data, size);
	enum rg_ctl_request r = rg_ctl_request_parse(buf, size);
	const char *nl = size ? memchr(buf, '\n', size) : NULL;

	FUZZ_CHECK(r == RG_CTL_UNKNOWN || r == RG_CTL_STATUS_JSON ||
		   r == RG_CTL_STATUS_TEXT || r == RG_CTL_RELOAD_STATE ||
		   r == RG_CTL_EXEMPT || r == RG_CTL_RELOAD || r == RG_CTL_STOP);
	/* Only status (and nonsense) is the control group's to ask. */
	FUZZ_CHECK(rg_ctl_request_changes(r) ==
		   (r != RG_CTL_UNKNOWN && r != RG_CTL_STATUS_JSON &&
		    r != RG_CTL_STATUS_TEXT));
	exempt_round_trip(buf, size);
	/* What follows the first newline never changes the answer. */
	if (nl)
		FUZZ_CHECK(rg_ctl_request_parse(buf, (size_t)(nl - buf) + 1) == r);
	/* A known request other than exempt's is a short line of
	 * printable ASCII. */
	if (r != RG_CTL_UNKNOWN && r != RG_CTL_EXEMPT) {
		size_t n = nl ? (size_t)(nl - buf) : size, i;

		FUZZ_CHECK(n >= 4 && n <= 13);
		for (i = 0; i < n; i++)
			FUZZ_CHECK((buf[i] >= ' ' && buf[i] <= '~') ||
				   (buf[i] == '\r' && i == n - 1));
	}
	free(buf);
	return 0;
}
