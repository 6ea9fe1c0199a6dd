/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_FINDING_H
#define RG_FINDING_H

#include <time.h>

#include "classify.h"
#include "event.h"
#include "flow.h"

/* The event that reports a classified flow. Pure. */
void rg_finding_event(const struct rg_flow *f, const struct rg_class *cl,
		      const struct timespec *now, struct rg_event *ev);

#endif
