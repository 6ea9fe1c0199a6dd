// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <string.h>

#include "http_request.h"
#include "unit.h"

#define CAP 4096

static enum rg_http_parse parse_n(const char *s, size_t n,
				  struct rg_http_request *req)
{
	return rg_http_request_parse(s, n, CAP, req);
}

static enum rg_http_parse parse(const char *s, struct rg_http_request *req)
{
	return parse_n(s, strlen(s), req);
}

static void test_good(void)
{
	static const char prom[] =
		"GET /metrics HTTP/1.1\r\nHost: 10.0.0.1:9153\r\n"
		"User-Agent: Prometheus/2.45.0\r\nAccept: text/plain;version=0.0.4;q=1,*/*;q=0.1\r\n"
		"Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 10\r\n\r\n";
	struct rg_http_request req;

	CU_ASSERT_EQUAL(parse(prom, &req), RG_HTTP_OK);
	CU_ASSERT_STRING_EQUAL(req.method, "GET");
	CU_ASSERT_STRING_EQUAL(req.path, "/metrics");
	CU_ASSERT_EQUAL(req.consumed, strlen(prom));
	CU_ASSERT_EQUAL(rg_http_request_route(&req, "/metrics"), 200);
	/* Bare LF line ends, HTTP/1.0, no headers, a query. */
	CU_ASSERT_EQUAL(parse("GET /metrics?x=1 HTTP/1.0\n\n", &req), RG_HTTP_OK);
	CU_ASSERT_STRING_EQUAL(req.path, "/metrics");
	CU_ASSERT_EQUAL(req.consumed, 27);
	CU_ASSERT_EQUAL(parse("GET / HTTP/1.1\r\nX-Empty:\r\nX-Tab: a\tb\xc3\xa9\r\n\r\n", &req),
			RG_HTTP_OK);
}

static void test_routes(void)
{
	struct rg_http_request req;

	CU_ASSERT_EQUAL_FATAL(parse("GET /other HTTP/1.1\r\n\r\n", &req), RG_HTTP_OK);
	CU_ASSERT_EQUAL(rg_http_request_route(&req, "/metrics"), 404);
	CU_ASSERT_EQUAL_FATAL(parse("POST /metrics HTTP/1.1\r\n\r\n", &req), RG_HTTP_OK);
	CU_ASSERT_EQUAL(rg_http_request_route(&req, "/metrics"), 405);
	CU_ASSERT_EQUAL_FATAL(parse("get /metrics HTTP/1.1\r\n\r\n", &req), RG_HTTP_OK);
	CU_ASSERT_EQUAL(rg_http_request_route(&req, "/metrics"), 405);
	CU_ASSERT_EQUAL_FATAL(parse("GET /metrics/ HTTP/1.1\r\n\r\n", &req), RG_HTTP_OK);
	CU_ASSERT_EQUAL(rg_http_request_route(&req, "/metrics"), 404);
}

/* Every prefix of a good request asks for more, never a verdict. */
static void test_incomplete(void)
{
	static const char good[] = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
	struct rg_http_request req;
	size_t n;

	for (n = 0; n < strlen(good); n++)
		CU_ASSERT_EQUAL(parse_n(good, n, &req), RG_HTTP_INCOMPLETE);
	CU_ASSERT_EQUAL(parse_n(good, strlen(good), &req), RG_HTTP_OK);
}

static void test_malformed(void)
{
	static const char *const bad[] = {
		"\r\n\r\n",
		"GET\r\n\r\n",
		"GET /metrics\r\n\r\n",			/* HTTP/0.9 */
		"GET /metrics HTTP/2.0\r\n\r\n",
		"GET /metrics HTTP/1.1 x\r\n\r\n",
		"GET  /metrics HTTP/1.1\r\n\r\n",
		"GET metrics HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/1.11\r\n\r\n",
		"GET /met\rrics HTTP/1.1\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost : x\r\n\r\n",
		"GET /metrics HTTP/1.1\r\n folded: x\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost: a\rb\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost: a\x01" "b\r\n\r\n",
		"GET /metrics HTTP/1.1\r\nHost: a\x7f\r\n\r\n",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ /metrics HTTP/1.1\r\n\r\n",
	};
	struct rg_http_request req;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(parse(bad[i], &req), RG_HTTP_BAD);
}

/* Garbage is refused from its first bytes, without waiting for more. */
static void test_garbage_early(void)
{
	static const char nul[] = "GET /metr\0cs";
	struct rg_http_request req;

	CU_ASSERT_EQUAL(parse("\x16\x03\x01\x02\x00", &req), RG_HTTP_BAD);	/* TLS */
	CU_ASSERT_EQUAL(parse("hello there", &req), RG_HTTP_BAD);
	CU_ASSERT_EQUAL(parse("GET /metrics HTTQ", &req), RG_HTTP_BAD);
	CU_ASSERT_EQUAL(parse_n(nul, sizeof(nul) - 1, &req), RG_HTTP_BAD);
	CU_ASSERT_EQUAL(parse("GET /metrics HTTP/1.1\r\nHost: \x02", &req), RG_HTTP_BAD);
}

static void test_oversized(void)
{
	static char big[CAP + 1];
	struct rg_http_request req;
	size_t n;

	/* Headers that never end within the buffer. */
	n = (size_t)snprintf(big, sizeof(big), "GET /metrics HTTP/1.1\r\nX-Big: ");
	memset(big + n, 'a', CAP - n);
	CU_ASSERT_EQUAL(parse_n(big, CAP - 1, &req), RG_HTTP_INCOMPLETE);
	CU_ASSERT_EQUAL(parse_n(big, CAP, &req), RG_HTTP_TOO_LARGE);
	/* A target longer than any path we serve is refused at once. */
	memcpy(big, "GET /", 5);
	memset(big + 5, 'a', RG_HTTP_PATH_LEN);
	CU_ASSERT_EQUAL(parse_n(big, 5 + RG_HTTP_PATH_LEN, &req), RG_HTTP_BAD);
}

/* Bytes after the blank line are not ours to judge: we answer and close. */
static void test_pipelined(void)
{
	static const char two[] = "GET /metrics HTTP/1.1\r\n\r\n\x01\x02junk GET / HTTP/1.1\r\n";
	struct rg_http_request req;

	CU_ASSERT_EQUAL(parse(two, &req), RG_HTTP_OK);
	CU_ASSERT_STRING_EQUAL(req.path, "/metrics");
	CU_ASSERT_EQUAL(req.consumed, 25);
}

static void test_response(void)
{
	struct rg_strbuf out;

	rg_strbuf_init(&out);
	rg_http_request_response(&out, 200, "text/plain; version=0.0.4", "a 1\n", 4);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out),
			       "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
			       "Content-Length: 4\r\nConnection: close\r\n\r\na 1\n");
	rg_strbuf_reset(&out);
	rg_http_request_response(&out, 405, "text/plain", "", 0);
	CU_ASSERT_STRING_EQUAL(rg_strbuf_str(&out),
			       "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET\r\n"
			       "Content-Type: text/plain\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
	rg_strbuf_reset(&out);
	rg_http_request_response(&out, 431, "text/plain", "", 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "431 Request Header Fields Too Large\r\n"));
	rg_strbuf_free(&out);
}

static const struct unit_test tests[] = {
	{ "a Prometheus request and other good ones", test_good },
	{ "200, 404 and 405", test_routes },
	{ "every prefix of a good request is incomplete", test_incomplete },
	{ "malformed request lines and headers are 400", test_malformed },
	{ "garbage is refused from its first bytes", test_garbage_early },
	{ "headers past the buffer are 431", test_oversized },
	{ "pipelined junk after the request is left alone", test_pipelined },
	{ "responses say Content-Length and Connection: close", test_response },
	{ NULL, NULL }
};

int register_http_request_tests(void)
{
	return unit_add_suite("http_request", tests);
}
