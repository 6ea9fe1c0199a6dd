// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cli.h"
#include "errmsg.h"

/*
 * rg_port_range_parse() only says yes or no; this finds which part of a
 * refused item is wrong. It asks rg_port_range_parse() about each half
 * rather than repeating its rules, so what is refused and what the
 * message blames cannot drift apart.
 */
static int explain_port_range(const char *item, char *err, size_t errlen)
{
	const char *slash = strchr(item, '/'), *ports, *dash;
	struct rg_port_range r;
	char probe[80];
	int n;

	if (!slash)
		return rg_errf(err, errlen, "missing protocol in '%s' for ports (tcp/PORT or udp/PORT)",
			    item);
	n = (int)(slash - item);
	snprintf(probe, sizeof(probe), "%.*s/1", n, item);
	if (rg_port_range_parse(probe, &r))
		return rg_errf(err, errlen, "unknown protocol '%.*s' in '%s' for ports (tcp or udp)",
			    n, item, item);
	ports = slash + 1;
	dash = strchr(ports, '-');
	n = dash ? (int)(dash - ports) : (int)strlen(ports);
	snprintf(probe, sizeof(probe), "tcp/%.*s", n, ports);
	if (rg_port_range_parse(probe, &r))
		return rg_errf(err, errlen, "invalid port '%.*s' in '%s' for ports",
			    n, ports, item);
	if (dash) {
		snprintf(probe, sizeof(probe), "tcp/%s", dash + 1);
		if (strchr(dash + 1, '-') || rg_port_range_parse(probe, &r))
			return rg_errf(err, errlen, "invalid port '%s' in '%s' for ports",
				    dash + 1, item);
	}
	return rg_errf(err, errlen, "invalid port range '%s' in '%s' for ports (low port above high)",
		    ports, item);
}

static int set_mode(struct rg_config *c, const char *v, char *err, size_t errlen)
{
	if (!strcmp(v, "dry-run"))
		c->mode = RG_MODE_DRY_RUN;
	else if (!strcmp(v, "remediate"))
		c->mode = RG_MODE_REMEDIATE;
	else
		return rg_errf(err, errlen, "unknown mode '%s' (dry-run or remediate)", v);
	return 0;
}

/* "for KEY" after a whole value, "in 'VALUE' for KEY" after a part of it. */
static int bad_addr(const char *part, size_t n, const char *value,
		    const char *key, char *err, size_t errlen)
{
	const char *hint = rg_addr_name_hint(part, n);

	if (n == strlen(value))
		return rg_errf(err, errlen, "invalid address '%s' for %s%s", value,
			    key, hint);
	return rg_errf(err, errlen, "invalid address '%.*s' in '%s' for %s%s",
		    (int)n, part, value, key, hint);
}

/* Copies the first n bytes of s and parses them; too long is invalid. */
static int parse_addr_n(const char *s, size_t n, struct rg_addr *out)
{
	char buf[INET6_ADDRSTRLEN];

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return rg_addr_parse(buf, out);
}

static int parse_e(const char *v, struct rg_expressway_e *e, char *err,
		   size_t errlen)
{
	const char *eq = strchr(v, '=');
	size_t n = eq ? (size_t)(eq - v) : strlen(v);

	memset(e, 0, sizeof(*e));
	if (parse_addr_n(v, n, &e->pub))
		return bad_addr(v, n, v, "expressway-e", err, errlen);
	if (!eq)
		return 0;
	if (rg_addr_parse(eq + 1, &e->internal))
		return bad_addr(eq + 1, strlen(eq + 1), v, "expressway-e", err,
				errlen);
	if (e->internal.family != e->pub.family)
		return rg_errf(err, errlen, "mixed address families in '%s' for expressway-e (PUBLIC=INTERNAL, both IPv4 or both IPv6)",
			    v);
	e->has_internal = true;
	return 0;
}

static int set_e(struct rg_config *c, const char *v, char *err, size_t errlen)
{
	struct rg_expressway_e e;
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	if (parse_e(v, &e, err, errlen))
		return -1;
	for (i = 0; i < c->n_e; i++) {
		if (rg_addr_equal(&c->e[i].pub, &e.pub)) {
			rg_addr_format(&e.pub, buf, sizeof(buf));
			return rg_errf(err, errlen, "duplicate expressway-e '%s'", buf);
		}
	}
	if (c->n_e == RG_MAX_E)
		return rg_errf(err, errlen, "too many expressway-e (at most %d)", RG_MAX_E);
	c->e[c->n_e++] = e;
	return 0;
}

static int set_c(struct rg_config *c, const char *v, char *err, size_t errlen)
{
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	struct rg_addr a;

	if (parse_addr_n(v, n, &a))
		return bad_addr(v, n, v, "expressway-c", err, errlen);
	if (c->n_c == RG_MAX_C)
		return rg_errf(err, errlen, "too many expressway-c (at most %d)", RG_MAX_C);
	/* The address is good, so only the length can be at fault. */
	if (rg_prefix_parse(v, &c->c[c->n_c]))
		return rg_errf(err, errlen, "invalid prefix length '%s' in '%s' for expressway-c",
			    slash ? slash : "", v);
	c->n_c++;
	return 0;
}

static int parse_ports(char *list, const char *value,
		       struct rg_port_range *out, size_t *n, char *err,
		       size_t errlen)
{
	char *item, *next;

	*n = 0;
	for (item = list; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		item += strspn(item, " \t");
		if (!*item)
			return rg_errf(err, errlen, "empty entry in '%s' for ports", value);
		if (*n == RG_MAX_PORTS)
			return rg_errf(err, errlen, "too many port ranges in '%s' for ports (at most %d)",
				    value, RG_MAX_PORTS);
		if (rg_port_range_parse(item, &out[*n]))
			return explain_port_range(item, err, errlen);
		(*n)++;
	}
	return 0;
}

static int set_ports(struct rg_config *c, const char *v, char *err,
		     size_t errlen)
{
	struct rg_port_range ports[RG_MAX_PORTS];
	char *list = strdup(v);
	size_t n;
	int ret = -1;

	/* Padding too: a configuration compares byte for byte (memcmp in tests). */
	memset(ports, 0, sizeof(ports));
	if (!list) {
		rg_errf(err, errlen, "out of memory");
		goto out;
	}
	if (parse_ports(list, v, ports, &n, err, errlen))
		goto out;
	memcpy(c->ports, ports, n * sizeof(ports[0]));
	c->n_ports = n;
	ret = 0;
out:
	free(list);
	return ret;
}

static int set_queue(struct rg_config *c, const char *v, char *err,
		     size_t errlen)
{
	unsigned long q = 0;
	const char *p;

	/* strtoul() would take signs, spaces and wrap-around. */
	for (p = v; *p >= '0' && *p <= '9' && q <= 65535; p++)
		q = q * 10 + (unsigned long)(*p - '0');
	if (*p || q > 65535)
		return rg_errf(err, errlen, "invalid queue number '%s' for queue (0 to 65535)", v);
	c->queue = (uint16_t)q;
	return 0;
}

static int set_max_exemptions(struct rg_config *c, const char *v, char *err,
			      size_t errlen)
{
	unsigned long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9' && n <= RG_MAX_EXEMPTIONS_LIMIT; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (*p || n < 1 || n > RG_MAX_EXEMPTIONS_LIMIT)
		return rg_errf(err, errlen, "invalid number '%s' for max-exemptions (1 to %d)",
			    v, RG_MAX_EXEMPTIONS_LIMIT);
	c->max_exemptions = (unsigned int)n;
	return 0;
}

static int set_repeat_interval(struct rg_config *c, const char *v, char *err,
			       size_t errlen)
{
	unsigned long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9' && n <= RG_MAX_REPEAT_INTERVAL; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (*p || p == v || n > RG_MAX_REPEAT_INTERVAL)
		return rg_errf(err, errlen, "invalid number of seconds '%s' for repeat-interval (0 to %d)",
			       v, RG_MAX_REPEAT_INTERVAL);
	c->repeat_interval = (unsigned int)n;
	return 0;
}

static int set_queue_maxlen(struct rg_config *c, const char *v, char *err,
			    size_t errlen)
{
	unsigned long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9' && n <= 65536; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (*p || n < 1 || n > 65536)
		return rg_errf(err, errlen, "invalid length '%s' for queue-maxlen (1 to 65536)", v);
	c->queue_maxlen = (unsigned int)n;
	return 0;
}

static int set_queue_rcvbuf(struct rg_config *c, const char *v, char *err,
			    size_t errlen)
{
	unsigned long n = 0;
	const char *p;

	for (p = v; *p >= '0' && *p <= '9' && n <= RG_QUEUE_RCVBUF_MAX; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (*p || p == v || n < RG_QUEUE_RCVBUF_MIN || n > RG_QUEUE_RCVBUF_MAX)
		return rg_errf(err, errlen, "invalid size '%s' for queue-rcvbuf (%d to %u bytes)",
			    v, RG_QUEUE_RCVBUF_MIN, RG_QUEUE_RCVBUF_MAX);
	c->queue_rcvbuf = (unsigned int)n;
	return 0;
}

static bool name_char(char ch)
{
	return ch == '_' || ch == '-' || ch == '.' || (ch >= '0' && ch <= '9') ||
	       (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* A group name; whether it exists is checked by the daemon at start. */
static int set_control_group(struct rg_config *c, const char *v, char *err,
			     size_t errlen)
{
	const char *p;

	if (strlen(v) >= sizeof(c->control_group))
		return rg_errf(err, errlen, "group name too long for control-group '%s'", v);
	for (p = v; *p; p++)
		if (!name_char(*p))
			return rg_errf(err, errlen, "invalid group name '%s' for control-group", v);
	strcpy(c->control_group, v);
	return 0;
}

/* A user name; whether it exists is checked at the edge (run, check-config). */
static int set_user(struct rg_config *c, const char *v, char *err, size_t errlen)
{
	const char *p;

	if (strlen(v) >= sizeof(c->user))
		return rg_errf(err, errlen, "user name too long for user '%s'", v);
	for (p = v; *p; p++)
		if (!name_char(*p))
			return rg_errf(err, errlen, "invalid user name '%s' for user", v);
	strcpy(c->user, v);
	c->user_line = c->lineno;
	return 0;
}

/* Digits only, 1 to 65535: strtoul() would take signs and spaces. */
static int parse_port(const char *s, uint16_t *port)
{
	unsigned long n = 0;
	const char *p;

	for (p = s; *p >= '0' && *p <= '9' && n <= 65535; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	if (p == s || *p || n < 1 || n > 65535)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

/* "PORT" (loopback), "ADDR:PORT" or "[ADDR6]:PORT". */
static int set_metrics(struct rg_config *c, const char *v, char *err,
		       size_t errlen)
{
	const char *colon = strrchr(v, ':'), *a = v, *port = v;
	struct rg_listen l = { .addr.family = AF_INET };
	size_t n = 0;

	l.addr.u.v4.s_addr = htonl(INADDR_LOOPBACK);
	if (colon) {
		port = colon + 1;
		n = (size_t)(colon - v);
		/* An IPv6 address has colons of its own: it comes in brackets. */
		if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
			a = v + 1;
			n -= 2;
		}
		if (parse_addr_n(a, n, &l.addr) ||
		    (a != v) != (l.addr.family == AF_INET6))
			return rg_errf(err, errlen, "invalid address '%.*s' in '%s' for metrics (ADDR:PORT, [ADDR6]:PORT or PORT)%s",
				    (int)(colon - v), v, v, rg_addr_name_hint(a, n));
	}
	if (parse_port(port, &l.port))
		return rg_errf(err, errlen, "invalid port '%s' in '%s' for metrics (1 to 65535)",
			    port, v);
	c->metrics = l;
	return 0;
}

static int set_reset(struct rg_config *c, const char *v, char *err,
		     size_t errlen)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true"))
		c->reset = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false"))
		c->reset = false;
	else
		return rg_errf(err, errlen, "invalid value '%s' for reset (yes or no)", v);
	return 0;
}

static int set_same_link(struct rg_config *c, const char *v, char *err,
			 size_t errlen)
{
	if (!strcmp(v, "exempt"))
		c->same_link = RG_SAME_LINK_EXEMPT;
	else if (!strcmp(v, "refuse"))
		c->same_link = RG_SAME_LINK_REFUSE;
	else
		return rg_errf(err, errlen, "invalid value '%s' for same-link (exempt or refuse)", v);
	return 0;
}

static int set_adopt(struct rg_config *c, const char *v, char *err,
		     size_t errlen)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on"))
		c->adopt = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off"))
		c->adopt = false;
	else
		return rg_errf(err, errlen, "invalid value '%s' for adopt (yes or no)", v);
	return 0;
}

/* Splits "C E PROTO/PORT" into its three words; false if not three. */
static bool three_words(char *v, char *w[3])
{
	char *save = NULL, *tok;
	int n = 0;

	for (tok = strtok_r(v, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (n == 3)
			return false;
		w[n++] = tok;
	}
	return n == 3;
}

/*
 * exempt = C_ADDR E_INTERNAL PROTO/PORT. One port a line, like `exempt
 * add`: each element is one port, and a config that names every port
 * it exempts reads the same as `exempt list` prints.
 */
static int set_exempt(struct rg_config *c, const char *v, char *err,
		      size_t errlen)
{
	char msg[RG_ERR_LEN], *copy = strdup(v), *w[3];
	struct rg_exemption x;
	const struct rg_static_exempt *dup;
	int ret = -1;

	if (!copy) {
		rg_errf(err, errlen, "out of memory");
		goto out;
	}
	if (!three_words(copy, w)) {
		rg_errf(err, errlen, "expected 'C_ADDR E_INTERNAL PROTO/PORT' for exempt, got '%s'", v);
		goto out;
	}
	if (rg_exemption_parse(w[0], w[1], w[2], &x, msg, sizeof(msg))) {
		rg_errf(err, errlen, "%s for exempt%s", msg,
		     strchr(w[2], '-') ? " (one exempt line per port)" : "");
		goto out;
	}
	dup = rg_config_static(c, &x);
	if (dup) {
		rg_errf(err, errlen, "duplicate exempt '%s' (also on line %u)", v, dup->line);
		goto out;
	}
	if (c->n_static == RG_MAX_STATIC) {
		rg_errf(err, errlen, "too many exempt lines (at most %d)", RG_MAX_STATIC);
		goto out;
	}
	c->statics[c->n_static].x = x;
	c->statics[c->n_static++].line = c->lineno;
	ret = 0;
out:
	free(copy);
	return ret;
}

static int set_seccomp(struct rg_config *c, const char *v, char *err,
		       size_t errlen)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true"))
		c->seccomp = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false"))
		c->seccomp = false;
	else
		return rg_errf(err, errlen, "invalid value '%s' for seccomp (yes or no)", v);
	return 0;
}

static int set_log(struct rg_config *c, const char *v, char *err,
		   size_t errlen)
{
	if (!strcmp(v, "auto"))
		c->log = RG_LOG_AUTO;
	else if (!strcmp(v, "stderr"))
		c->log = RG_LOG_STDERR;
	else if (!strcmp(v, "syslog"))
		c->log = RG_LOG_SYSLOG;
	else
		return rg_errf(err, errlen, "unknown log target '%s' (auto, stderr or syslog)", v);
	return 0;
}

static int set_path(char *dst, const char *key, const char *v, char *err,
		    size_t errlen)
{
	if (strlen(v) >= PATH_MAX)
		return rg_errf(err, errlen, "path too long for %s (at most %d bytes)",
			    key, PATH_MAX - 1);
	strcpy(dst, v);
	return 0;
}

static int set_events(struct rg_config *c, const char *v, char *err,
		      size_t errlen)
{
	return set_path(c->events, "events", v, err, errlen);
}

static int set_state(struct rg_config *c, const char *v, char *err,
		     size_t errlen)
{
	return set_path(c->state, "state", v, err, errlen);
}

static int set_control(struct rg_config *c, const char *v, char *err,
		       size_t errlen)
{
	return set_path(c->control, "control", v, err, errlen);
}

static const struct {
	const char *name;
	enum rg_config_key bit;
	int (*set)(struct rg_config *c, const char *v, char *err, size_t errlen);
} keys[] = {
	{ "mode", RG_KEY_MODE, set_mode },
	{ "expressway-e", RG_KEY_E, set_e },
	{ "expressway-c", RG_KEY_C, set_c },
	{ "ports", RG_KEY_PORTS, set_ports },
	{ "queue", RG_KEY_QUEUE, set_queue },
	{ "events", RG_KEY_EVENTS, set_events },
	{ "state", RG_KEY_STATE, set_state },
	{ "control", RG_KEY_CONTROL, set_control },
	{ "max-exemptions", RG_KEY_MAX_EXEMPT, set_max_exemptions },
	{ "reset", RG_KEY_RESET, set_reset },
	{ "queue-maxlen", RG_KEY_QUEUE_MAXLEN, set_queue_maxlen },
	{ "control-group", RG_KEY_CONTROL_GROUP, set_control_group },
	{ "exempt", RG_KEY_EXEMPT, set_exempt },
	{ "log", RG_KEY_LOG, set_log },
	{ "queue-rcvbuf", RG_KEY_QUEUE_RCVBUF, set_queue_rcvbuf },
	{ "metrics", RG_KEY_METRICS, set_metrics },
	{ "user", RG_KEY_USER, set_user },
	{ "seccomp", RG_KEY_SECCOMP, set_seccomp },
	{ "repeat-interval", RG_KEY_REPEAT_INTERVAL, set_repeat_interval },
	{ "same-link", RG_KEY_SAME_LINK, set_same_link },
	{ "adopt", RG_KEY_ADOPT, set_adopt },
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

void rg_config_defaults(struct rg_config *c)
{
	char err[RG_ERR_LEN];

	memset(c, 0, sizeof(*c));
	c->mode = RG_MODE_DRY_RUN;
	c->queue = RG_DEFAULT_QUEUE;
	strcpy(c->events, RG_DEFAULT_EVENTS);
	strcpy(c->state, RG_DEFAULT_STATE);
	strcpy(c->control, RG_DEFAULT_CONTROL);
	c->max_exemptions = RG_DEFAULT_MAX_EXEMPTIONS;
	c->repeat_interval = RG_DEFAULT_REPEAT_INTERVAL;
	c->queue_maxlen = RG_DEFAULT_QUEUE_MAXLEN;
	c->reset = true;
	c->adopt = true;
	c->seccomp = true;
	/* A compile-time constant: it parses, or the unit tests say so. */
	set_ports(c, RG_DEFAULT_PORTS, err, sizeof(err));
}

/* An unknown key gets the did-you-mean an unknown command gets. */
static int unknown_key(const char *key, char *err, size_t errlen)
{
	const char *names[NKEYS], *near;
	size_t i;

	/* The one long option of run that is not a key's name. */
	if (!strcmp(key, "no-reset"))
		return rg_errf(err, errlen, "unknown key 'no-reset' (in a file, --no-reset is 'reset = no')");
	for (i = 0; i < NKEYS; i++)
		names[i] = keys[i].name;
	near = rg_cli_suggest_word(names, NKEYS, key);
	if (near)
		return rg_errf(err, errlen, "unknown key '%s' (did you mean '%s'?)",
			    key, near);
	return rg_errf(err, errlen, "unknown key '%s'", key);
}

int rg_config_set(struct rg_config *c, const char *key, const char *value,
		  char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		if (strcmp(key, keys[i].name))
			continue;
		if (!*value)
			return rg_errf(err, errlen, "empty value for %s", key);
		/* Each setter writes only once the whole value is good. */
		if (keys[i].set(c, value, err, errlen))
			return -1;
		c->given |= keys[i].bit;
		return 0;
	}
	return unknown_key(key, err, errlen);
}

static char *trim(char *s)
{
	char *end;

	s += strspn(s, " \t");
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	return s;
}

/* '#' starts a comment at the line's start or after blanks, so a value may hold one. */
static void strip_comment(char *line)
{
	char *p;

	for (p = line; *p; p++) {
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

static int parse_line(struct rg_config *c, char *line, char *err,
		      size_t errlen)
{
	size_t n = strlen(line);
	char *eq, *key;

	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	strip_comment(line);
	line = trim(line);
	if (!*line)
		return 0;
	eq = strchr(line, '=');
	if (!eq || eq == line)
		return rg_errf(err, errlen, "expected 'key = value', got '%s'", line);
	*eq = '\0';
	key = trim(line);
	return rg_config_set(c, key, trim(eq + 1), err, errlen);
}

int rg_config_parse_text(struct rg_config *c, const char *text,
			 const char *filename, char *err, size_t errlen)
{
	char msg[RG_ERR_LEN], *copy, *line, *next;
	struct rg_config *tmp;
	unsigned int lineno = 0;
	int ret = -1;

	copy = strdup(text);
	tmp = malloc(sizeof(*tmp));
	if (!copy || !tmp) {
		rg_errf(err, errlen, "%s: out of memory", filename);
		goto out;
	}
	/* Work on a copy, so a file with an error changes nothing. */
	*tmp = *c;
	snprintf(tmp->static_file, sizeof(tmp->static_file), "%s", filename);
	for (line = copy; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		tmp->lineno = ++lineno;
		if (parse_line(tmp, line, msg, sizeof(msg))) {
			rg_errf(err, errlen, "%s:%u: %s", filename, lineno, msg);
			goto out;
		}
	}
	tmp->lineno = 0;
	*c = *tmp;
	ret = 0;
out:
	free(tmp);
	free(copy);
	return ret;
}

void rg_config_merge(struct rg_config *base, const struct rg_config *over)
{
	unsigned int g = over->given;

	if (g & RG_KEY_MODE)
		base->mode = over->mode;
	if (g & RG_KEY_E) {
		memcpy(base->e, over->e, sizeof(base->e));
		base->n_e = over->n_e;
	}
	if (g & RG_KEY_C) {
		memcpy(base->c, over->c, sizeof(base->c));
		base->n_c = over->n_c;
	}
	if (g & RG_KEY_PORTS) {
		memcpy(base->ports, over->ports, sizeof(base->ports));
		base->n_ports = over->n_ports;
	}
	if (g & RG_KEY_QUEUE)
		base->queue = over->queue;
	if (g & RG_KEY_EVENTS)
		memcpy(base->events, over->events, sizeof(base->events));
	if (g & RG_KEY_STATE)
		memcpy(base->state, over->state, sizeof(base->state));
	if (g & RG_KEY_CONTROL)
		memcpy(base->control, over->control, sizeof(base->control));
	if (g & RG_KEY_MAX_EXEMPT)
		base->max_exemptions = over->max_exemptions;
	if (g & RG_KEY_REPEAT_INTERVAL)
		base->repeat_interval = over->repeat_interval;
	if (g & RG_KEY_RESET)
		base->reset = over->reset;
	if (g & RG_KEY_SAME_LINK)
		base->same_link = over->same_link;
	if (g & RG_KEY_ADOPT)
		base->adopt = over->adopt;
	if (g & RG_KEY_QUEUE_MAXLEN)
		base->queue_maxlen = over->queue_maxlen;
	if (g & RG_KEY_QUEUE_RCVBUF)
		base->queue_rcvbuf = over->queue_rcvbuf;
	if (g & RG_KEY_CONTROL_GROUP)
		memcpy(base->control_group, over->control_group,
		       sizeof(base->control_group));
	if (g & RG_KEY_EXEMPT) {
		memcpy(base->statics, over->statics, sizeof(base->statics));
		base->n_static = over->n_static;
		memcpy(base->static_file, over->static_file, sizeof(base->static_file));
	}
	if (g & RG_KEY_LOG)
		base->log = over->log;
	if (g & RG_KEY_METRICS)
		base->metrics = over->metrics;
	if (g & RG_KEY_USER) {
		memcpy(base->user, over->user, sizeof(base->user));
		base->user_line = over->user_line;
	}
	if (g & RG_KEY_SECCOMP)
		base->seccomp = over->seccomp;
	base->given |= g;
}

int rg_config_validate(const struct rg_config *c, char *err, size_t errlen)
{
	if (!c->n_e)
		return rg_errf(err, errlen, "no expressway-e given (use --expressway-e or 'expressway-e =' in the config file)");
	return 0;
}

const char *rg_mode_name(enum rg_mode m)
{
	switch (m) {
	case RG_MODE_DRY_RUN:
		return "dry-run";
	case RG_MODE_REMEDIATE:
		return "remediate";
	}
	return "?";
}

const char *rg_log_target_name(enum rg_log_target t)
{
	switch (t) {
	case RG_LOG_AUTO:
		return "auto";
	case RG_LOG_STDERR:
		return "stderr";
	case RG_LOG_SYSLOG:
		return "syslog";
	}
	return "?";
}

const struct rg_static_exempt *rg_config_static(const struct rg_config *c,
						const struct rg_exemption *x)
{
	size_t i;

	for (i = 0; i < c->n_static; i++)
		if (rg_exemption_equal(&c->statics[i].x, x))
			return &c->statics[i];
	return NULL;
}
