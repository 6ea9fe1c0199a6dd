/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_GROW_H
#define RG_GROW_H

#include <stddef.h>

/*
 * Room for one more element in array v of *cap elements of size elem
 * holding n: doubles it (first when empty) and returns the array to use,
 * or NULL with errno (ENOMEM also when the size would overflow), v and
 * *cap then unchanged. Returned rather than written through a void **,
 * which would alias the caller's typed pointer.
 */
void *rg_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first);

#endif
