/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_STATE_FILE_H
#define RG_STATE_FILE_H

#include <stddef.h>

#include "state.h"

/*
 * Loads path into *s. A missing file is an empty state (0). -1 with err
 * "FILE:LINE: message" (or "FILE: strerror") when it cannot be read or
 * parsed; *s is then left empty.
 */
int rg_state_file_load(const char *path, struct rg_state *s, char *err,
		       size_t errlen);
/*
 * Writes *s atomically: a temporary file beside path, written, fsync'd,
 * renamed over path, and the directory fsync'd, so a crash at any point
 * leaves either the old or the new file. Creates the directory (0700) if
 * missing. -1 with errno on failure (the old file is then untouched).
 */
int rg_state_file_save(const char *path, const struct rg_state *s);
/*
 * Renames a bad state file aside (PATH.bad-YYYYmmddTHHMMSSZ) and writes
 * the new name into aside. -1 with errno on failure.
 */
int rg_state_file_set_aside(const char *path, char *aside, size_t len);

#endif
