#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make check-pure: the pure modules (PURE_SRC) do no I/O, and this says so
# from their objects rather than from review. Each object's undefined symbols
# (nm -u) are held against a deny-list of the syscalls and the libc calls
# that reach a file, a socket, the clock, the environment or the process.
#
#   tests/check_pure/check_pure.sh OBJ...                 exit 1 on any hit
#   tests/check_pure/check_pure.sh --expect-fail OBJ...   exit 1 unless every OBJ hits
#
# Allowed on purpose: allocation (malloc, calloc, realloc, free, strdup)
# is not I/O, and a pure parser or formatter that builds a string or a
# tree needs it; the result stays a function of the input and ASan finds
# the leaks. snprintf and vsnprintf write to memory. gmtime_r converts
# a time it is given (localtime_r is denied: it reads /etc/localtime).
# strerror, errno and the string and ctype functions read tables only.
# libmnl's and libnftnl's message builders and parsers work on buffers
# (their socket calls, mnl_socket_*, are denied).
set -u

DENY='open|openat|creat|close|read|write|pread|pwrite|readv|writev|preadv|pwritev|lseek|'
DENY+='fsync|fdatasync|sync|syncfs|ftruncate|truncate|x?stat|fstat|lstat|fstatat|statx|access|'
DENY+='faccessat|unlink|unlinkat|rename|renameat2?|link|symlink|mkdir|mkdirat|rmdir|chmod|fchmod|chown|fchown|'
DENY+='opendir|fdopendir|readdir|closedir|scandir|dup|dup2|dup3|pipe|pipe2|fcntl|ioctl|flock|'
DENY+='mmap|munmap|mprotect|socket|socketpair|connect|bind|listen|accept|accept4|shutdown|'
DENY+='getsockopt|setsockopt|getsockname|getpeername|send|sendto|sendmsg|sendmmsg|'
DENY+='recv|recvfrom|recvmsg|recvmmsg|poll|ppoll|select|pselect|epoll_[a-z_]+|eventfd|signalfd|'
DENY+='timerfd_[a-z]+|inotify_[a-z_]+|clock_gettime|clock_getres|clock_nanosleep|time|gettimeofday|'
DENY+='times|localtime|localtime_r|mktime|tzset|sleep|usleep|nanosleep|alarm|'
DENY+='getenv|secure_getenv|setenv|unsetenv|putenv|syscall|prctl|getrandom|getentropy|'
DENY+='fork|vfork|clone|execv[pe]*|execl[pe]*|system|popen|pclose|wait|waitpid|kill|raise|'
DENY+='signal|sigaction|sigprocmask|pthread_sigmask|exit|Exit|getpid|getppid|getuid|geteuid|getgid|'
DENY+='getegid|setuid|setgid|setresuid|setresgid|setgroups|chdir|chroot|umask|'
DENY+='fopen|fdopen|freopen|fmemopen|open_memstream|fclose|fflush|fread|fwrite|fgets|fgetc|getc|getchar|'
DENY+='fputs|fputc|putc|putchar|puts|printf|vprintf|fprintf|vfprintf|dprintf|vdprintf|'
DENY+='perror|getline|getdelim|fscanf|scanf|vscanf|vfscanf|syslog|vsyslog|openlog|closelog|isatty|'
DENY+='mnl_socket_[a-z_]+|nfq_open|nfq_close|nfq_fd|nfq_create_queue|nfq_handle_packet'

expect_fail=0
if [ "${1:-}" = --expect-fail ]; then expect_fail=1; shift; fi
[ $# -gt 0 ] || { echo "usage: $0 [--expect-fail] OBJ..." >&2; exit 2; }

# impure OBJ: prints the denied symbols OBJ references, one a line. The
# fortified (__printf_chk, __open_2), large-file (open64) and C99-scanf
# (__isoc99_fscanf) spellings are brought back to the plain name first.
impure() {
	nm -u "$1" | awk '{print $NF}' | sed -E 's/@.*//' | while read -r sym; do
		base=$(sed -E 's/^_+//; s/^isoc(99|23)_//; s/_chk$//; s/_2$//; s/64$//' <<<"$sym")
		[[ $base =~ ^($DENY)$ ]] && echo "$sym"
	done
}

bad=0 objs=0
for o in "$@"; do
	[ -f "$o" ] || { echo "check-pure: $o: no such object" >&2; exit 2; }
	objs=$((objs + 1))
	hits=$(impure "$o")
	if [ $expect_fail -eq 1 ]; then
		if [ -z "$hits" ]; then
			echo "check-pure: self-test: $o references no denied symbol, yet it does I/O: the check cannot fail" >&2
			bad=$((bad + 1))
		fi
		continue
	fi
	for s in $hits; do
		echo "check-pure: $o: references $s, which does I/O; a pure module (PURE_SRC) must not" >&2
	done
	[ -z "$hits" ] || bad=$((bad + 1))
done
if [ $expect_fail -eq 1 ]; then
	[ $bad -eq 0 ] && echo "check-pure: self-test: the impure object is caught"
else
	[ $bad -eq 0 ] && echo "check-pure: $objs pure objects, no I/O"
fi
[ $bad -eq 0 ]
