// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The metrics endpoint's request parser: whatever a network client sent,
 * as the daemon buffers it (at most RG_MSRV_BUF, 4096 bytes).
 */
#include "fuzz.h"
#include "http_request.h"

#define CAP 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = (char *)fuzz_copy(data, size);
	struct rg_http_request req, again;
	enum rg_http_parse r = rg_http_request_parse(buf, size, CAP, &req);

	FUZZ_CHECK(r == RG_HTTP_INCOMPLETE || r == RG_HTTP_OK ||
		   r == RG_HTTP_BAD || r == RG_HTTP_TOO_LARGE);
	FUZZ_CHECK(r != RG_HTTP_INCOMPLETE || size < CAP);
	FUZZ_CHECK(r != RG_HTTP_TOO_LARGE || size >= CAP);
	if (r == RG_HTTP_OK) {
		/* A method, a path from the target, the blank line inside. */
		FUZZ_CHECK(req.consumed >= 4 && req.consumed <= size);
		FUZZ_CHECK(req.method[0] && req.path[0] == '/');
		FUZZ_CHECK(strlen(req.method) < RG_HTTP_METHOD_LEN &&
			   strlen(req.path) < RG_HTTP_PATH_LEN);
		/* What follows the blank line never changes the answer. */
		FUZZ_CHECK(rg_http_request_parse(buf, req.consumed, CAP, &again) == RG_HTTP_OK);
		FUZZ_CHECK(!strcmp(again.method, req.method) &&
			   !strcmp(again.path, req.path));
		/* One byte short of the blank line is still incomplete. */
		FUZZ_CHECK(rg_http_request_parse(buf, req.consumed - 1, CAP, &again) ==
			   RG_HTTP_INCOMPLETE);
	}
	free(buf);
	return 0;
}
