// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "file.h"
#include "usage.h"

enum { OPT_JSON = 256, OPT_KEY, OPT_NO_RESET, OPT_RESET_STATE, OPT_NO_SECCOMP };

/* Long options named after config keys: the name is the key. */
static const struct option key_opts[] = {
	{ "mode", required_argument, NULL, OPT_KEY },
	{ "expressway-e", required_argument, NULL, OPT_KEY },
	{ "expressway-c", required_argument, NULL, OPT_KEY },
	{ "ports", required_argument, NULL, OPT_KEY },
	{ "queue", required_argument, NULL, OPT_KEY },
	{ "events", required_argument, NULL, OPT_KEY },
	{ "state", required_argument, NULL, OPT_KEY },
	{ "control", required_argument, NULL, OPT_KEY },
	{ "max-exemptions", required_argument, NULL, OPT_KEY },
	{ "queue-maxlen", required_argument, NULL, OPT_KEY },
	{ "queue-rcvbuf", required_argument, NULL, OPT_KEY },
	{ "control-group", required_argument, NULL, OPT_KEY },
	{ "log", required_argument, NULL, OPT_KEY },
	{ "metrics", required_argument, NULL, OPT_KEY },
	{ "user", required_argument, NULL, OPT_KEY },
	{ "repeat-interval", required_argument, NULL, OPT_KEY },
	{ "same-link", required_argument, NULL, OPT_KEY },
	{ "adopt", required_argument, NULL, OPT_KEY },
	{ "no-reset", no_argument, NULL, OPT_NO_RESET },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "reset-state", no_argument, NULL, OPT_RESET_STATE },
	{ "config", required_argument, NULL, 'c' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ 0 }
};

/* Keys that only make sense for the daemon. */
static bool daemon_only(const char *name)
{
	static const char *const names[] = {
		"mode", "queue", "events", "state", "control", "max-exemptions",
		"reset", "reset-state", "queue-maxlen", "queue-rcvbuf",
		"control-group", "log", "metrics", "user", "seccomp",
		"repeat-interval", "adopt",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static int set_key(const char *cmd, unsigned int flags, const char *name,
		   const char *value, struct rg_cmdline *cl)
{
	char err[RG_ERR_LEN];

	if (daemon_only(name) && !(flags & RG_CMDLINE_DAEMON))
		return rg_usage_error(cmd, "unknown option '--%s'", name);
	if (rg_config_set(&cl->over, name, value, err, sizeof(err)) < 0) {
		fprintf(stderr, "reflguard %s: --%s: %s\n", cmd, name, err);
		return -1;
	}
	return 0;
}

int rg_cmdline_parse(const char *cmd, const char *usage, unsigned int flags,
		     int argc, char *argv[], struct rg_cmdline *cl)
{
	int c, idx;

	memset(cl, 0, sizeof(*cl));
	rg_config_defaults(&cl->over);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":c:h", key_opts, &idx)) != -1) {
		if (rg_usage_value(cmd, argv) < 0)
			return -1;
		switch (c) {
		case OPT_KEY:
			if (set_key(cmd, flags, key_opts[idx].name, optarg, cl) < 0)
				return -1;
			break;
		case 'c':
			cl->config_path = optarg;
			break;
		case OPT_NO_RESET:
			if (set_key(cmd, flags, "reset", "no", cl) < 0)
				return -1;
			break;
		case OPT_NO_SECCOMP:
			if (!(flags & RG_CMDLINE_DAEMON))
				return rg_usage_bad_option(cmd, '?', argv);
			if (set_key(cmd, flags, "seccomp", "no", cl) < 0)
				return -1;
			break;
		case OPT_RESET_STATE:
			if (!(flags & RG_CMDLINE_DAEMON))
				return rg_usage_bad_option(cmd, '?', argv);
			cl->reset_state = true;
			break;
		case OPT_JSON:
			if (!(flags & RG_CMDLINE_JSON))
				return rg_usage_bad_option(cmd, '?', argv);
			cl->json = true;
			break;
		case 'h':
			fputs(usage, stdout);
			cl->help = true;
			return 0;
		default:
			return rg_usage_bad_option(cmd, c, argv);
		}
	}
	return rg_usage_no_operands(cmd, argc, argv);
}

/* Parses path into cfg; -1 with the message (FILE:LINE, or FILE: why). */
static int load_file(const char *path, bool must_exist, struct rg_config *cfg,
		     char *err, size_t errlen)
{
	char *text = NULL;
	size_t len;
	int ret;

	if (rg_read_file(path, &text, &len) < 0) {
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

int rg_cmdline_config_msg(const struct rg_cmdline *cl, struct rg_config *out,
			  char *err, size_t errlen)
{
	const char *path = cl->config_path ? cl->config_path : RG_DEFAULT_CONFIG;

	rg_config_defaults(out);
	if (load_file(path, cl->config_path != NULL, out, err, errlen) < 0)
		return -1;
	rg_config_merge(out, &cl->over);
	return rg_config_validate(out, err, errlen);
}

int rg_cmdline_config(const char *cmd, const struct rg_cmdline *cl,
		      struct rg_config *out)
{
	char err[RG_ERR_LEN];

	if (rg_cmdline_config_msg(cl, out, err, sizeof(err)) == 0)
		return 0;
	fprintf(stderr, "reflguard %s: %s\n", cmd, err);
	return -1;
}
