/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_STATICS_H
#define RG_STATICS_H

#include <stddef.h>

#include "config.h"
#include "state.h"

/*
 * Static exemptions (`exempt =` lines) in the state: the configuration
 * owns them, so the state holds exactly the configuration's, marked
 * static, beside the learnt ones. Pure.
 */

/* "FILE:LINE" of an exempt line. */
void rg_statics_origin(const struct rg_config *c,
		       const struct rg_static_exempt *st, char *buf, size_t len);
/*
 * Makes s's static entries those of c: static entries c no longer has are
 * withdrawn, c's lines are added (added = now) or mark a learnt entry of
 * the same exemption static. -1 with errno ENOMEM, s unchanged in part.
 */
int rg_statics_apply(struct rg_state *s, const struct rg_config *c,
		     const char *now);

#endif
