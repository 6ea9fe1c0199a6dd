// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cmdline.h"
#include "commands.h"
#include "file.h"
#include "plural.h"
#include "report.h"
#include "report_html.h"
#include "strbuf.h"
#include "usage.h"

const char report_usage[] =
	"Usage: reflguard report [--json | --html FILE] EVENTS_FILE\n"
	"\n"
	"Summarises an events file written by 'reflguard run' for the firewall's\n"
	"owner, per Expressway-C: which Expressway-E it reaches, the address E\n"
	"saw, first and last seen, how many flows were translated, what was\n"
	"refused and why, and the recommended fix. EVENTS_FILE '-' reads the\n"
	"standard input. Lines that are not reflguard events are counted and\n"
	"skipped.\n"
	"\n"
	"  --json       print one JSON object instead of the text\n"
	"  --html FILE  write one self-contained HTML page to FILE instead (a\n"
	"               summary, the findings per Expressway-C, and a diagram of\n"
	"               what Expressway-E saw before and after the fix); FILE is\n"
	"               replaced atomically and one line says what was written\n"
	"  -h, --help   show this help\n"
	"\n"
	"Exit status: 0 no translated flow in the file, 1 some flows were\n"
	"translated, 2 bad usage, an unreadable file, one with no reflguard\n"
	"event line (the wrong file), or FILE cannot be written (it is then\n"
	"left as it was).\n";

struct report_cmd {
	bool json;
	const char *html;	/* --html FILE, or NULL */
	const char *events;
};

/* Returns 0 to go on, 1 when help was shown, -1 on bad usage. */
static int parse_args(int argc, char *argv[], struct report_cmd *cmd)
{
	const struct rg_opt opts[] = {
		{ "json", 0, RG_OPT_FLAG, .to.flag = &cmd->json },
		{ "html", 0, RG_OPT_STRING, .to.str = &cmd->html },
		{ 0 }
	};
	int ret = rg_cmdline_opts("report", report_usage, 0, opts, argc, argv);

	if (ret != RG_CMDLINE_OK)
		return ret;
	if (cmd->html && !cmd->html[0])
		return rg_usage_error("report", "missing value for '--html'");
	if (cmd->html && cmd->json)
		return rg_usage_error("report", "'--html' and '--json' exclude each other");
	if (optind >= argc)
		return rg_usage_error("report", "missing EVENTS_FILE");
	if (optind + 1 < argc)
		return rg_usage_error("report", "unexpected argument '%s'", argv[optind + 1]);
	cmd->events = argv[optind];
	return 0;
}

static int feed_file(FILE *f, const char *name, struct rg_report *r)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = -1;

	for (;;) {
		/* getline() leaves errno alone at the end of the file. */
		errno = 0;
		n = getline(&line, &cap, f);
		if (n < 0)
			break;
		rg_report_feed(r, line, (size_t)n);
	}
	if (ferror(f) || errno) {
		fprintf(stderr, "reflguard report: cannot read '%s': %s\n",
			name, strerror(errno ? errno : EIO));
		goto out;
	}
	ret = 0;
out:
	free(line);
	return ret;
}

static int read_events(const char *name, struct rg_report *r)
{
	bool std = !strcmp(name, "-");
	FILE *f = std ? stdin : fopen(name, "r");
	int ret;

	if (!f) {
		fprintf(stderr, "reflguard report: cannot open '%s': %s\n",
			name, strerror(errno));
		return -1;
	}
	ret = feed_file(f, name, r);
	if (!std)
		fclose(f);
	return ret;
}

/* Writing the page over the events it is made from would lose them. */
static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return strcmp(b, "-") && !stat(a, &sa) && !stat(b, &sb) &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int write_html(const struct report_cmd *cmd, const struct rg_report *r,
		      struct rg_strbuf *out)
{
	rg_report_html(r, cmd->events, out);
	if (rg_strbuf_failed(out)) {
		fprintf(stderr, "reflguard report: out of memory\n");
		return -1;
	}
	if (same_file(cmd->html, cmd->events)) {
		fprintf(stderr, "reflguard report: --html '%s' is the events file\n",
			cmd->html);
		return -1;
	}
	if (rg_file_write_atomic(cmd->html, out->data, out->len, 0644)) {
		fprintf(stderr, "reflguard report: cannot write '%s': %s\n",
			cmd->html, strerror(errno));
		return -1;
	}
	printf("wrote %s: %lu %s from %zu Expressway-C, %lu translated\n",
	       cmd->html, r->flows, r->flows == 1 ? "flow" : "flows", r->n_c,
	       r->translated);
	return 0;
}

static int print_text(const struct report_cmd *cmd, const struct rg_report *r,
		      struct rg_strbuf *out)
{
	if (cmd->json)
		rg_report_json(r, out);
	else
		rg_report_text(r, out);
	if (rg_strbuf_failed(out)) {
		fprintf(stderr, "reflguard report: out of memory\n");
		return -1;
	}
	fputs(rg_strbuf_str(out), stdout);
	return 0;
}

/*
 * Lines, and not one of them an event: the wrong file (the configuration,
 * a log) rather than a firewall without findings. An empty file is fine:
 * the daemon writes nothing until it finds something.
 */
static int not_events(const char *name, const struct rg_report *r)
{
	if (r->events || !r->skipped)
		return 0;
	fprintf(stderr, "reflguard report: no reflguard event in '%s' (%lu %s skipped): is it the events file?\n",
		name, r->skipped, rg_plural(r->skipped, "line", "lines"));
	return -1;
}

int report_main(int argc, char *argv[])
{
	struct report_cmd cmd = { 0 };
	struct rg_report r;
	struct rg_strbuf out;
	int ret;

	ret = parse_args(argc, argv, &cmd);
	if (ret)
		return ret > 0 ? RG_EXIT_OK : RG_EXIT_USAGE;
	rg_report_init(&r);
	rg_strbuf_init(&out);
	ret = RG_EXIT_USAGE;
	if (read_events(cmd.events, &r) || not_events(cmd.events, &r))
		goto out;
	if (cmd.html ? write_html(&cmd, &r, &out) : print_text(&cmd, &r, &out))
		goto out;
	ret = r.translated ? RG_EXIT_FAIL : RG_EXIT_OK;
out:
	rg_strbuf_free(&out);
	rg_report_free(&r);
	return ret;
}
