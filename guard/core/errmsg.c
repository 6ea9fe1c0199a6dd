// SPDX-License-Identifier: GPL-2.0-or-later
#include "errmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rg_errmsgf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

const char *rg_errmsg_errno(int err)
{
	return err == EPERM ? RG_ERRMSG_PRIVILEGE : strerror(err);
}
