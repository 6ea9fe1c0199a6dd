// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * reflguard reload: SIGHUP with an answer. systemctl reload used to send
 * the signal and report success whatever the daemon then made of its file.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "ctl_client.h"
#include "json_read.h"
#include "usage.h"

const char reload_usage[] =
	"Usage: reflguard reload [-c FILE] [--control PATH]\n"
	"\n"
	"Asks the running daemon to read its configuration again, as SIGHUP does,\n"
	"and waits for its verdict. A file with an error (FILE:LINE is printed) or\n"
	"a change that needs a restart is refused: the configuration in force\n"
	"stays. The daemon reads the file it was started with; -c FILE here tells\n"
	"where its control socket is, and when it does not parse it is refused\n"
	"here already (FILE:LINE, exit 1). The unit's ExecReload.\n"
	"\n"
	"  -c, --config FILE  configuration (its control socket)\n"
	"  --control PATH     control socket (default " RG_DEFAULT_CONTROL ")\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 reloaded, 1 refused or no daemon answered, 2 bad usage.\n";

/* Long enough for a reload that rewrites many exempt lines. */
#define RELOAD_TIMEOUT_MS 30000

/* 0 to go on, else -1 with the exit status in *status. */
static int parse(int argc, char *argv[], struct rg_config *cfg, int *status)
{
	const char *config = NULL, *control = NULL;
	const struct rg_opt opts[] = {
		{ "config", 'c', RG_OPT_STRING, .to.str = &config },
		{ "control", 0, RG_OPT_STRING, .to.str = &control },
		{ 0 }
	};
	int ret = rg_cmdline_opts("reload", reload_usage, 0, opts, argc, argv);

	*status = ret == RG_CMDLINE_HELP ? RG_EXIT_OK : RG_EXIT_USAGE;
	if (ret != RG_CMDLINE_OK || rg_usage_no_operands("reload", argc, argv) < 0)
		return -1;
	/* The file the daemon would read, refused here already. */
	*status = RG_EXIT_FAIL;
	return rg_ctl_client_config("reload", config, control, cfg);
}

/* The daemon's answer: {"ok":true}, or {"ok":false,"error":"..."}. */
static int verdict(const struct rg_strbuf *reply)
{
	struct rg_jdoc d;
	const char *why;
	bool ok = false;

	if (rg_json_read_parse(&d, rg_strbuf_str(reply), reply->len) < 0) {
		fprintf(stderr, "reflguard reload: unexpected answer: %.200s\n",
			rg_strbuf_str(reply));
		return RG_EXIT_FAIL;
	}
	why = rg_json_read_str(&d, "error");
	if (rg_json_read_bool(&d, "ok", &ok) < 0 || !ok) {
		fprintf(stderr, "reflguard reload: refused: %s\n",
			why ? why : "no reason given");
		return RG_EXIT_FAIL;
	}
	printf("configuration reloaded\n");
	return RG_EXIT_OK;
}

int reload_main(int argc, char *argv[])
{
	struct rg_strbuf reply;
	struct rg_config cfg;
	int ret;

	if (parse(argc, argv, &cfg, &ret) < 0)
		return ret;
	rg_strbuf_init(&reply);
	switch (rg_ctl_client_ask("reload", cfg.control, "reload", &reply,
				  RELOAD_TIMEOUT_MS)) {
	case RG_CTL_ANSWERED:
		ret = verdict(&reply);
		break;
	case RG_CTL_NO_DAEMON:
		fprintf(stderr, "reflguard reload: no daemon answers on %s\n",
			cfg.control);
		/* fall through */
	case RG_CTL_FAILED:
		ret = RG_EXIT_FAIL;
		break;
	}
	rg_strbuf_free(&reply);
	return ret;
}
