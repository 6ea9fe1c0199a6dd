// SPDX-License-Identifier: GPL-2.0-or-later
#include "cmdline_parse.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "errmsg.h"

/* getopt's value for a long option without a short one. */
#define LONG_ONLY 256

struct parser {
	const char *cmd;
	unsigned int flags;
	const struct rg_opt *opts;
	size_t n;
	char **argv;
	struct rg_strbuf *msg;
};

/* The one shape of a usage error, as rg_usage_error() prints it. */
__attribute__((format(printf, 2, 3)))
static enum rg_cmdline_result usage(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	rg_strbuf_addf(p->msg, "reflguard %s: ", p->cmd);
	va_start(ap, fmt);
	rg_strbuf_vaddf(p->msg, fmt, ap);
	va_end(ap);
	rg_strbuf_addf(p->msg, " (see 'reflguard help %s')", p->cmd);
	return RG_CMDLINE_BAD;
}

static const char *key_of(const struct rg_opt *o)
{
	return o->key ? o->key : o->name;
}

/*
 * Keys that take a value share getopt's value, as they did when every key
 * was one case: an abbreviation such as --expressway stays the first key
 * it begins, rather than ambiguous.
 */
static int getopt_val(const struct rg_opt *opts, size_t i)
{
	size_t k;

	if (opts[i].short_name)
		return opts[i].short_name;
	if (opts[i].kind == RG_OPT_KEY && !opts[i].value)
		for (k = 0; k < i; k++)
			if (opts[k].kind == RG_OPT_KEY && !opts[k].value &&
			    !opts[k].short_name)
				return LONG_ONLY + (int)k;
	return LONG_ONLY + (int)i;
}

static bool takes_value(const struct rg_opt *o)
{
	return o->kind == RG_OPT_STRING || (o->kind == RG_OPT_KEY && !o->value);
}

/* opts as getopt_long() wants them, -h/--help last. */
static void build(struct parser *p, struct option *lo, char *shorts)
{
	size_t i, s = 0;

	shorts[s++] = ':';
	for (i = 0; i < p->n; i++) {
		lo[i] = (struct option){ p->opts[i].name,
					 takes_value(&p->opts[i]) ? required_argument : no_argument,
					 NULL, getopt_val(p->opts, i) };
		if (p->opts[i].short_name) {
			shorts[s++] = p->opts[i].short_name;
			if (takes_value(&p->opts[i]))
				shorts[s++] = ':';
		}
	}
	lo[i] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[i + 1] = (struct option){ 0 };
	shorts[s++] = 'h';
	shorts[s] = '\0';
}

/* The entry getopt_long() matched: by its index, or by its short name. */
static const struct rg_opt *matched(const struct parser *p, int c, int idx)
{
	size_t i;

	if (idx >= 0 && (size_t)idx < p->n)
		return &p->opts[idx];
	for (i = 0; i < p->n; i++)
		if (p->opts[i].short_name && p->opts[i].short_name == c)
			return &p->opts[i];
	return NULL;
}

/* getopt_long()'s ':' (a value missing) and '?' (an unknown option). */
static enum rg_cmdline_result bad_option(struct parser *p, int c)
{
	char word[8];

	return usage(p, "%s '%s'", c == ':' ? "missing value for" : "unknown option",
		     rg_cli_bad_option(p->argv, optind, optopt, word, sizeof(word)));
}

static enum rg_cmdline_result take(struct parser *p, const struct rg_opt *o,
				   const char *arg)
{
	char err[RG_ERR_LEN];

	if (o->needs & ~p->flags) {
		if (o->kind == RG_OPT_KEY)
			return usage(p, "unknown option '--%s'", key_of(o));
		return bad_option(p, '?');
	}
	switch (o->kind) {
	case RG_OPT_FLAG:
		*o->to.flag = true;
		break;
	case RG_OPT_STRING:
		*o->to.str = arg;
		break;
	case RG_OPT_KEY:
		if (rg_config_set(o->to.over, key_of(o), o->value ? o->value : arg,
				  err, sizeof(err)) < 0) {
			rg_strbuf_addf(p->msg, "reflguard %s: --%s: %s", p->cmd,
				       key_of(o), err);
			return RG_CMDLINE_BAD;
		}
		break;
	}
	return RG_CMDLINE_OK;
}

static enum rg_cmdline_result one(struct parser *p, int c, int idx)
{
	const char *flag = rg_cli_swallowed(p->argv, optind, optarg);
	const struct rg_opt *o;

	if (flag)
		return usage(p, "missing value for '%s' ('%s' is the next option)",
			     flag, optarg);
	if (c == 'h')
		return RG_CMDLINE_HELP;
	o = c == ':' || c == '?' ? NULL : matched(p, c, idx);
	if (!o)
		return bad_option(p, c);
	return take(p, o, optarg);
}

enum rg_cmdline_result rg_cmdline_parse_opts(const char *cmd, unsigned int flags,
					     const struct rg_opt *opts, int argc,
					     char *argv[], struct rg_strbuf *msg)
{
	struct parser p = { cmd, flags, opts, 0, argv, msg };
	struct option lo[RG_CMDLINE_MAX_OPTS + 2];
	char shorts[2 * RG_CMDLINE_MAX_OPTS + 3];
	enum rg_cmdline_result ret;
	int c, idx = -1;

	while (opts[p.n].name)
		if (++p.n > RG_CMDLINE_MAX_OPTS)
			return usage(&p, "too many options");
	build(&p, lo, shorts);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		ret = one(&p, c, idx);
		if (ret != RG_CMDLINE_OK)
			return ret;
		idx = -1;
	}
	return RG_CMDLINE_OK;
}

const struct rg_opt *rg_cmdline_parse_find(const struct rg_opt *opts,
					   const char *word)
{
	size_t i;

	for (i = 0; opts[i].name; i++) {
		if (!strncmp(word, "--", 2) && !strcmp(word + 2, opts[i].name))
			return &opts[i];
		if (opts[i].short_name && word[0] == '-' &&
		    word[1] == opts[i].short_name && !word[2])
			return &opts[i];
	}
	return NULL;
}
