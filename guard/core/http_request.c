// SPDX-License-Identifier: GPL-2.0-or-later
#include "http_request.h"

#include <string.h>

/* RFC 9110's tchar: what a method and a header name are made of. */
static bool tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static bool vchar(unsigned char c)
{
	return c > 0x20 && c != 0x7f;
}

/*
 * The request line, whole or a prefix of it: METHOD SP TARGET SP
 * HTTP/1.D. A prefix that cannot become one is BAD at once, so binary or
 * garbage is answered without waiting for a full buffer.
 */
static enum rg_http_parse request_line(const char *s, size_t n, bool whole,
				       struct rg_http_request *req)
{
	static const char version[] = "HTTP/1.";
	size_t i = 0, m, t, v;

	for (m = 0; i < n && tchar((unsigned char)s[i]); i++)
		m++;
	if (m >= RG_HTTP_METHOD_LEN || (i < n && (m == 0 || s[i] != ' ')))
		return RG_HTTP_BAD;
	if (m + 1 < n && s[m + 1] != '/')
		return RG_HTTP_BAD;
	for (t = 0, i++; i < n && vchar((unsigned char)s[i]); i++)
		t++;
	if (t >= RG_HTTP_PATH_LEN || (i < n && (t == 0 || s[i] != ' ')))
		return RG_HTTP_BAD;
	for (v = 0, i++; i < n && v < sizeof(version) - 1; i++, v++)
		if (s[i] != version[v])
			return RG_HTTP_BAD;
	if (i < n && (s[i] < '0' || s[i] > '9' || i + 1 != n))
		return RG_HTTP_BAD;
	if (!whole)
		return RG_HTTP_INCOMPLETE;
	if (i + 1 != n)
		return RG_HTTP_BAD;
	memcpy(req->method, s, m);
	req->method[m] = '\0';
	memcpy(req->path, s + m + 1, t);
	req->path[t] = '\0';
	req->path[strcspn(req->path, "?#")] = '\0';
	return RG_HTTP_OK;
}

/* NAME ":" VALUE, no folding; a prefix only has its bytes checked. */
static bool header_line(const char *s, size_t n, bool whole)
{
	size_t i;

	for (i = 0; i < n && tchar((unsigned char)s[i]); i++)
		;
	if (i < n && (i == 0 || s[i] != ':'))
		return false;
	if (whole && i == n)
		return false;
	for (; i < n; i++)
		if ((unsigned char)s[i] < 0x20 ? s[i] != '\t' : s[i] == 0x7f)
			return false;
	return true;
}

/* One line from s; its length without CR LF (or a bare LF). */
static bool next_line(const char *s, size_t avail, size_t *n, size_t *eol)
{
	const char *lf = memchr(s, '\n', avail);

	if (!lf) {
		/* A CR at the end may be the start of a CR LF. */
		*n = avail && s[avail - 1] == '\r' ? avail - 1 : avail;
		return false;
	}
	*n = (size_t)(lf - s);
	*eol = *n + 1;
	if (*n && s[*n - 1] == '\r')
		(*n)--;
	return true;
}

enum rg_http_parse rg_http_request_parse(const char *buf, size_t len, size_t cap,
					 struct rg_http_request *req)
{
	enum rg_http_parse ret = RG_HTTP_INCOMPLETE;
	size_t pos = 0, n = 0, eol = 0;
	bool whole, first = true;

	memset(req, 0, sizeof(*req));
	for (;;) {
		whole = next_line(buf + pos, len - pos, &n, &eol);
		/* A CR may only end a line. */
		if (memchr(buf + pos, '\r', n))
			return RG_HTTP_BAD;
		if (first)
			ret = request_line(buf + pos, n, whole, req);
		else if (whole && n == 0)
			ret = RG_HTTP_OK;
		else
			ret = header_line(buf + pos, n, whole) ?
			      RG_HTTP_INCOMPLETE : RG_HTTP_BAD;
		if (ret == RG_HTTP_BAD || !whole)
			break;
		if (!first && n == 0) {
			req->consumed = pos + eol;
			return RG_HTTP_OK;
		}
		first = false;
		pos += eol;
	}
	if (ret == RG_HTTP_INCOMPLETE && len >= cap)
		ret = RG_HTTP_TOO_LARGE;
	return ret;
}

int rg_http_request_route(const struct rg_http_request *req, const char *path)
{
	if (strcmp(req->method, "GET"))
		return 405;
	return strcmp(req->path, path) ? 404 : 200;
}

static const char *reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	default: return "Internal Server Error";
	}
}

void rg_http_request_response(struct rg_strbuf *out, int status, const char *ctype,
			      const char *body, size_t len)
{
	rg_strbuf_addf(out, "HTTP/1.1 %d %s\r\n", status, reason(status));
	if (status == 405)
		rg_strbuf_add(out, "Allow: GET\r\n");
	rg_strbuf_addf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n"
		       "Connection: close\r\n\r\n", ctype, len);
	rg_strbuf_addn(out, body, len);
}
