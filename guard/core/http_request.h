/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_HTTP_REQUEST_H
#define RG_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/*
 * Just enough HTTP/1.x for a metrics scraper: one request's line and
 * headers read strictly, one response written, connection closed. Pure.
 */
enum rg_http_parse {
	RG_HTTP_INCOMPLETE = 0,		/* a valid start; read more */
	RG_HTTP_OK,			/* line and headers complete and valid */
	RG_HTTP_BAD,			/* 400: not a request */
	RG_HTTP_TOO_LARGE,		/* 431: no end of headers within cap */
};

#define RG_HTTP_METHOD_LEN 16
#define RG_HTTP_PATH_LEN 256

struct rg_http_request {
	char method[RG_HTTP_METHOD_LEN];
	char path[RG_HTTP_PATH_LEN];	/* the target without its query */
	size_t consumed;		/* bytes through the blank line */
};

/*
 * Parses buf[0..len); cap is what the caller's buffer holds, so a request
 * still incomplete at cap bytes is TOO_LARGE. Bytes after the blank line
 * (a pipelined request, junk) are left alone: the answer closes anyway.
 */
enum rg_http_parse rg_http_request_parse(const char *buf, size_t len, size_t cap,
					 struct rg_http_request *req);

/* 200 for GET /metrics, 404 for another path, 405 for another method. */
int rg_http_request_route(const struct rg_http_request *req, const char *path);

/* A whole response with Content-Length and Connection: close. */
void rg_http_request_response(struct rg_strbuf *out, int status, const char *ctype,
			      const char *body, size_t len);

#endif
