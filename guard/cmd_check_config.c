// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "config.h"
#include "config_warn.h"
#include "file.h"
#include "privs.h"
#include "plural.h"
#include "strbuf.h"
#include "usage.h"

const char check_config_usage[] =
	"Usage: reflguard check-config FILE\n"
	"\n"
	"Reads a configuration file (`key = value` lines, the keys named after\n"
	"the long options of `reflguard run`), checks every setting and the whole,\n"
	"and prints 'FILE: ok' and what it configures. Nothing is changed.\n"
	"\n"
	"  -h, --help  show this help\n"
	"\n"
	"Exit status: 0 the file is valid, 2 it is not (the line at fault is\n"
	"printed as FILE:LINE: message), it cannot be read, or bad usage.\n";

static int parse_args(int argc, char *argv[], const char **file)
{
	static const struct rg_opt opts[] = { { 0 } };
	int ret = rg_cmdline_opts("check-config", check_config_usage, 0, opts,
				  argc, argv);

	if (ret != RG_CMDLINE_OK)
		return ret;
	if (optind == argc) {
		fprintf(stderr, "reflguard check-config: missing FILE (usage: reflguard check-config FILE)\n");
		return -1;
	}
	if (optind + 1 < argc)
		return rg_usage_error("check-config", "unexpected argument '%s'",
				      argv[optind + 1]);
	*file = argv[optind];
	return 0;
}

static void summarize(const struct rg_config *c, struct rg_strbuf *out)
{
	char buf[INET6_ADDRSTRLEN];
	const struct rg_port_range *r;
	size_t i;

	rg_strbuf_addf(out, "mode %s; expressway-e", rg_config_mode_name(c->mode));
	for (i = 0; i < c->n_e; i++) {
		rg_addr_format(&c->e[i].pub, buf, sizeof(buf));
		rg_strbuf_addf(out, "%s %s", i ? "," : "", buf);
		if (c->e[i].has_internal) {
			rg_addr_format(&c->e[i].internal, buf, sizeof(buf));
			rg_strbuf_addf(out, "=%s", buf);
		}
	}
	rg_strbuf_add(out, "; expressway-c");
	if (!c->n_c)
		rg_strbuf_add(out, " any");
	for (i = 0; i < c->n_c; i++) {
		rg_addr_format(&c->c[i].addr, buf, sizeof(buf));
		rg_strbuf_addf(out, "%s %s/%u", i ? "," : "", buf, c->c[i].len);
	}
	rg_strbuf_add(out, "; ports");
	for (i = 0; i < c->n_ports; i++) {
		r = &c->ports[i];
		rg_strbuf_addf(out, "%s %s/%u", i ? "," : "",
			       rg_addr_proto_name(r->proto), r->lo);
		if (r->hi != r->lo)
			rg_strbuf_addf(out, "-%u", r->hi);
	}
	if (c->n_static)
		rg_strbuf_addf(out, "; %zu static %s", c->n_static,
			       rg_plural(c->n_static, "exemption", "exemptions"));
	if (*c->user)
		rg_strbuf_addf(out, "; user %s", c->user);
	if (!c->seccomp)
		rg_strbuf_add(out, "; no system call filter");
	if (c->metrics.port) {
		char where[RG_ENDPOINT_STRLEN];

		rg_addr_endpoint_format(&c->metrics.addr, c->metrics.port, where, sizeof(where));
		rg_strbuf_addf(out, "; metrics %s", where);
	}
	rg_strbuf_add(out, "\n");
}

/* The daemon becomes this user: it must exist here. */
static int check_user(const char *file, const struct rg_config *c)
{
	struct rg_privs_user u;

	if (!*c->user || rg_privs_find_user(c->user, &u) == 0)
		return 0;
	fprintf(stderr, "%s:%u: %s '%s' for user\n", file, c->user_line,
		errno == ENOENT ? "no such user" : strerror(errno), c->user);
	return -1;
}

/* Valid but likely not meant: said on stderr, the file still passes. */
static void print_warnings(const char *file, const struct rg_config *c)
{
	struct rg_strbuf w;

	rg_strbuf_init(&w);
	if (rg_config_warn(c, file, &w))
		fputs(rg_strbuf_str(&w), stderr);
	rg_strbuf_free(&w);
}

/* Parses and validates; on error prints the message and returns -1. */
static int check(const char *file, const char *text, size_t len,
		 struct rg_config *c)
{
	char err[RG_ERR_LEN];

	/* The parser sees a C string: a NUL would hide the rest of the file. */
	if (strlen(text) != len) {
		fprintf(stderr, "%s: contains a NUL byte (not a text file?)\n", file);
		return -1;
	}
	rg_config_defaults(c);
	if (rg_config_parse_text(c, text, file, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (rg_config_validate(c, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", file, err);
		return -1;
	}
	return check_user(file, c);
}

int check_config_main(int argc, char *argv[])
{
	struct rg_strbuf out;
	struct rg_config c;
	const char *file = NULL;
	char *text = NULL;
	size_t len;
	int ret;

	rg_strbuf_init(&out);
	ret = parse_args(argc, argv, &file);
	if (ret) {
		ret = ret > 0 ? RG_EXIT_OK : RG_EXIT_USAGE;
		goto out;
	}
	ret = RG_EXIT_USAGE;
	if (rg_file_read(file, &text, &len)) {
		fprintf(stderr, "reflguard check-config: cannot read '%s': %s\n",
			file, strerror(errno));
		goto out;
	}
	if (check(file, text, len, &c))
		goto out;
	print_warnings(file, &c);
	rg_strbuf_addf(&out, "%s: ok\n", file);
	summarize(&c, &out);
	if (rg_strbuf_failed(&out)) {
		fprintf(stderr, "reflguard check-config: out of memory\n");
		ret = RG_EXIT_FAIL;
		goto out;
	}
	fputs(rg_strbuf_str(&out), stdout);
	ret = RG_EXIT_OK;
out:
	rg_strbuf_free(&out);
	free(text);
	return ret;
}
