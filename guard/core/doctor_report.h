/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_DOCTOR_REPORT_H
#define RG_DOCTOR_REPORT_H

#include "caps.h"
#include "strbuf.h"

/* What `reflguard doctor` prints, formatted without doing any I/O. */
void rg_doctor_report_text(const struct rg_caps *c, struct rg_strbuf *out);
void rg_doctor_report_json(const struct rg_caps *c, struct rg_strbuf *out);

#endif
