// SPDX-License-Identifier: GPL-2.0-or-later
#include "finding.h"

#include <string.h>

void rg_finding_event(const struct rg_flow *f, const struct rg_class *cl,
		      const struct timespec *now, struct rg_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = rg_classify_action_event(cl->action);
	ev->ts = *now;
	ev->proto = f->proto;
	ev->c = f->orig.src;
	ev->c_port = f->orig.sport;
	ev->e_public = f->orig.dst;
	ev->e_public_port = f->orig.dport;
	/* The reply tuple is E's view: it answers from its internal address
	 * to the peer it believes it talks to. */
	ev->e_internal = f->reply.src;
	ev->e_internal_port = f->reply.sport;
	ev->e_sees = f->reply.dst;
	ev->e_sees_port = f->reply.dport;
	ev->translated = cl->translated;
	ev->action = rg_classify_action_name(cl->action);
	ev->reason = cl->reason;
	ev->assumes = cl->assumes;
	ev->with_fix = cl->action == RG_ACTION_WOULD_EXEMPT;
}
