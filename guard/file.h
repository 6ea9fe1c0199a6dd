/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef RG_FILE_H
#define RG_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* Files reflguard reads (its configuration, its state) are small. */
#define RG_FILE_MAX (16u << 20)

/*
 * Reads a whole file into a NUL-terminated buffer the caller frees; *len
 * excludes the NUL. Returns -1 with errno set (EFBIG when longer than RG_FILE_MAX).
 */
int rg_file_read(const char *path, char **out, size_t *len);
/*
 * Opens, for reading, a file whose content is trusted (the state): a
 * symbolic link is not followed (ELOOP), anything but a regular file is
 * refused (EINVAL), and so is a file others may write (EPERM: group or
 * other write permission). The fd, or -1 with errno.
 */
int rg_file_open_private(const char *path);
/*
 * Replaces path with data[0..len): a temporary file beside it (PATH.tmp.PID,
 * created with mode less the umask) is written, fsync'd and renamed over
 * path, so readers see the old file or the whole new one. On failure path
 * is untouched and the temporary file is gone. -1 with errno. The
 * directory is not fsync'd: a caller that needs the rename itself to
 * survive a crash does that (rg_state_file_save).
 */
int rg_file_write_atomic(const char *path, const char *data, size_t len,
			 mode_t mode);
/*
 * The directory path lives in, into dir[len]: "." for a bare name, "/" for
 * "/name". -1 with ENAMETOOLONG when it does not fit.
 */
int rg_file_dir(const char *path, char *dir, size_t len);

#endif
