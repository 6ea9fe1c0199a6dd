/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_PLURAL_H
#define RG_PLURAL_H

/*
 * The word for a count in a message: one for 1, many otherwise, so that
 * no message says "1 flows". Both forms are given: English has irregular
 * ones ("entry", "entries").
 */
const char *rg_plural(unsigned long long n, const char *one, const char *many);

#endif
