/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_CONFIG_WARN_H
#define RG_CONFIG_WARN_H

#include "config.h"
#include "strbuf.h"

/*
 * Settings that are valid but likely not meant, one line each into out
 * ("FILE: warning: ..."): remediation with no expressway-c (any source counts
 * as Expressway-C, and is exempted), metrics on an address other hosts
 * reach (the endpoint has no authentication). Returns how many.
 */
size_t rg_config_warn(const struct rg_config *c, const char *file,
		      struct rg_strbuf *out);

#endif
