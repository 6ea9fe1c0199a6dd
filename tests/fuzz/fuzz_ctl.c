// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control-socket request parser: the bytes a local client wrote, as
 * the daemon buffers them (at most 127).
 */
#include "ctl_request.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = (char *)fuzz_copy(data, size);
	enum rg_ctl_request r = rg_ctl_parse_request(buf, size);
	const char *nl = size ? memchr(buf, '\n', size) : NULL;

	FUZZ_CHECK(r == RG_CTL_UNKNOWN || r == RG_CTL_STATUS_JSON ||
		   r == RG_CTL_STATUS_TEXT || r == RG_CTL_RELOAD_STATE);
	/* What follows the first newline never changes the answer. */
	if (nl)
		FUZZ_CHECK(rg_ctl_parse_request(buf, (size_t)(nl - buf) + 1) == r);
	/* A known request is a short line of printable ASCII. */
	if (r != RG_CTL_UNKNOWN) {
		size_t n = nl ? (size_t)(nl - buf) : size, i;

		FUZZ_CHECK(n >= 6 && n <= 13);
		for (i = 0; i < n; i++)
			FUZZ_CHECK((buf[i] >= ' ' && buf[i] <= '~') ||
				   (buf[i] == '\r' && i == n - 1));
	}
	free(buf);
	return 0;
}
