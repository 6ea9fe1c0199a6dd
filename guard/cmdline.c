// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "usage.h"

/* The configuration keys as options: run's all, scan's the non-daemon ones. */
#define KEY(n, needs_) { n, 0, RG_OPT_KEY, NULL, NULL, needs_, { .over = &cl->over } }

static int parse(const char *cmd, const char *usage, unsigned int flags,
		 int argc, char *argv[], struct rg_cmdline *cl)
{
	bool no_seccomp = false;
	const struct rg_opt opts[] = {
		KEY("mode", RG_CMDLINE_DAEMON),
		KEY("expressway-e", 0),
		KEY("expressway-c", 0),
		KEY("ports", 0),
		KEY("queue", RG_CMDLINE_DAEMON),
		KEY("events", RG_CMDLINE_DAEMON),
		KEY("state", RG_CMDLINE_DAEMON),
		KEY("control", RG_CMDLINE_DAEMON),
		KEY("max-exemptions", RG_CMDLINE_DAEMON),
		KEY("queue-maxlen", RG_CMDLINE_DAEMON),
		KEY("queue-rcvbuf", RG_CMDLINE_DAEMON),
		KEY("control-group", RG_CMDLINE_DAEMON),
		KEY("log", RG_CMDLINE_DAEMON),
		KEY("metrics", RG_CMDLINE_DAEMON),
		KEY("user", RG_CMDLINE_DAEMON),
		KEY("repeat-interval", RG_CMDLINE_DAEMON),
		KEY("same-link", 0),
		KEY("adopt", RG_CMDLINE_DAEMON),
		{ "no-reset", 0, RG_OPT_KEY, "reset", "no", RG_CMDLINE_DAEMON,
		  { .over = &cl->over } },
		{ "no-seccomp", 0, RG_OPT_FLAG, NULL, NULL, RG_CMDLINE_DAEMON,
		  { .flag = &no_seccomp } },
		{ "reset-state", 0, RG_OPT_FLAG, NULL, NULL, RG_CMDLINE_DAEMON,
		  { .flag = &cl->reset_state } },
		{ "config", 'c', RG_OPT_STRING, .to.str = &cl->config_path },
		{ "json", 0, RG_OPT_FLAG, NULL, NULL, RG_CMDLINE_JSON, { .flag = &cl->json } },
		{ 0 }
	};
	char err[RG_ERR_LEN];
	int ret;

	memset(cl, 0, sizeof(*cl));
	rg_config_defaults(&cl->over);
	ret = rg_cmdline_opts(cmd, usage, flags, opts, argc, argv);
	if (ret == RG_CMDLINE_HELP)
		cl->help = true;
	if (ret != RG_CMDLINE_OK)
		return ret == RG_CMDLINE_HELP ? 0 : -1;
	/*
	 * --no-seccomp is a flag, not a key, so that scan names it as typed;
	 * set here, since "no" cannot fail and no other option sets seccomp.
	 */
	if (no_seccomp)
		rg_config_set(&cl->over, "seccomp", "no", err, sizeof(err));
	return rg_usage_no_operands(cmd, argc, argv);
}
#undef KEY

int rg_cmdline_opts(const char *cmd, const char *usage, unsigned int flags,
		    const struct rg_opt *opts, int argc, char *argv[])
{
	enum rg_cmdline_result ret;
	struct rg_strbuf msg;

	rg_strbuf_init(&msg);
	ret = rg_cmdline_parse_opts(cmd, flags, opts, argc, argv, &msg);
	if (ret == RG_CMDLINE_HELP)
		fputs(usage, stdout);
	else if (ret == RG_CMDLINE_BAD)
		fprintf(stderr, "%s\n", rg_strbuf_failed(&msg) ?
			"reflguard: out of memory" : rg_strbuf_str(&msg));
	rg_strbuf_free(&msg);
	return ret;
}

/* Parses path into cfg; -1 with the message (FILE:LINE, or FILE: why). */
static int load_file(const char *path, bool must_exist, struct rg_config *cfg,
		     char *err, size_t errlen)
{
	char *text = NULL;
	size_t len;
	int ret;

	if (rg_file_read(path, &text, &len) < 0) {
		if (!must_exist && errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	ret = rg_config_parse_text(cfg, text, path, err, errlen);
	free(text);
	return ret;
}

int rg_cmdline_load_file(const char *cmd, const char *path, bool must_exist,
			 struct rg_config *cfg)
{
	char err[RG_ERR_LEN];

	if (load_file(path, must_exist, cfg, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "reflguard %s: %s\n", cmd, err);
	return -1;
}

/* Defaults, the file (-c, or the default one when it exists), the flags. */
static int file_and_flags(const char *config, const struct rg_config *over,
			  struct rg_config *out, char *err, size_t errlen)
{
	rg_config_defaults(out);
	if (load_file(config ? config : RG_DEFAULT_CONFIG, config != NULL, out,
		      err, errlen) < 0)
		return -1;
	rg_config_merge(out, over);
	return 0;
}

int rg_cmdline_file_and_flags(const char *cmd, const char *config,
			      const struct rg_config *over, struct rg_config *out)
{
	char err[RG_ERR_LEN];

	if (file_and_flags(config, over, out, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "reflguard %s: %s\n", cmd, err);
	return -1;
}

int rg_cmdline_config_msg(const struct rg_cmdline *cl, struct rg_config *out,
			  char *err, size_t errlen)
{
	if (file_and_flags(cl->config_path, &cl->over, out, err, errlen) < 0)
		return -1;
	return rg_config_validate(out, err, errlen);
}

/* -1 after printing. */
static int config(const char *cmd, const struct rg_cmdline *cl,
		  struct rg_config *out)
{
	char err[RG_ERR_LEN];

	if (rg_cmdline_config_msg(cl, out, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "reflguard %s: %s\n", cmd, err);
	return -1;
}

int rg_cmdline_start(const char *cmd, const char *usage, unsigned int flags,
		     int argc, char *argv[], struct rg_cmdline *cl,
		     struct rg_config *out)
{
	if (parse(cmd, usage, flags, argc, argv, cl) < 0)
		return RG_EXIT_USAGE;
	if (cl->help)
		return RG_EXIT_OK;
	if (config(cmd, cl, out) < 0)
		return RG_EXIT_USAGE;
	return -1;
}
