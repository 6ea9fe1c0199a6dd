// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the daemon calls once it is set up, from strace of its whole
 * lifetime in the integration tests (remediate, dry-run, the start-up
 * scan, SIGHUP, control clients, metrics scrapes, exempt add/del/flush,
 * SIGTERM), and what a glibc thread that writes files (the output and
 * state writers) needs. Everything set-up alone needs (probes, bind,
 * chown, getpwnam) happens before the filter and is not here: no exec, no
 * ptrace, no mount, no module, no key, no bpf, no chown, no setuid.
 */
#include "seccomp_filter.h"

#include <stddef.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif

/*
 * What a call off the list gets. To bring the list up to date, build with
 * -DRG_SECCOMP_DEFAULT=SECCOMP_RET_LOG, run the integration tests and read
 * the kernel's audit lines (type=1326, syscall=N) in dmesg.
 */
#ifndef RG_SECCOMP_DEFAULT
#define RG_SECCOMP_DEFAULT SECCOMP_RET_KILL_PROCESS
#endif

/* x86-64's x32 ABI numbers its calls with this bit: none allowed. */
#define X32_SYSCALL_BIT 0x40000000U

static const int allowed[] = {
	/* files: the state file (atomic rename), the events and its writer */
	SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_pread64, SYS_pwrite64,
	SYS_close, SYS_lseek, SYS_fstat, SYS_newfstatat, SYS_openat,
	SYS_fcntl, SYS_fsync, SYS_fdatasync, SYS_renameat, SYS_unlinkat,
	SYS_mkdirat, SYS_getdents64, SYS_faccessat,
#ifdef SYS_statx
	SYS_statx,
#endif
#ifdef SYS_renameat2
	SYS_renameat2,
#endif
#ifdef SYS_faccessat2
	SYS_faccessat2,
#endif
#ifdef SYS_open
	SYS_open, SYS_stat, SYS_lstat, SYS_rename, SYS_unlink, SYS_mkdir,
	SYS_access,
#endif
	/* memory */
	SYS_brk, SYS_mmap, SYS_munmap, SYS_mprotect, SYS_madvise, SYS_mremap,
	/* netlink, the control and metrics sockets, syslog, sd_notify */
	SYS_socket, SYS_bind, SYS_connect, SYS_listen, SYS_accept4,
	SYS_getsockopt, SYS_setsockopt, SYS_getsockname, SYS_getpeername,
	SYS_sendto, SYS_sendmsg, SYS_sendmmsg, SYS_recvfrom, SYS_recvmsg,
	SYS_recvmmsg, SYS_shutdown,
#ifdef SYS_accept
	SYS_accept,
#endif
	/* the loop */
	SYS_epoll_ctl, SYS_epoll_pwait, SYS_ppoll, SYS_timerfd_settime,
	SYS_timerfd_gettime, SYS_timerfd_create,
	/* the state writer tells the loop a write is done */
	SYS_eventfd2,
#ifdef SYS_epoll_wait
	SYS_epoll_wait, SYS_poll,
#endif
#ifdef SYS_epoll_pwait2
	SYS_epoll_pwait2,
#endif
	/* signals, time, identity */
	SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_rt_sigaction, SYS_tgkill,
	SYS_getpid, SYS_gettid, SYS_getuid, SYS_geteuid, SYS_getgid,
	SYS_getegid, SYS_clock_gettime, SYS_clock_nanosleep, SYS_nanosleep,
	SYS_gettimeofday, SYS_getrandom, SYS_restart_syscall,
	/* threads: what glibc's pthread_create and a writer thread use */
	SYS_clone, SYS_futex, SYS_set_robust_list, SYS_get_robust_list,
	SYS_sched_yield, SYS_exit, SYS_exit_group, SYS_set_tid_address,
#ifdef SYS_clone3
	SYS_clone3,
#endif
#ifdef SYS_rseq
	SYS_rseq,
#endif
#ifdef SYS_futex_waitv
	SYS_futex_waitv,
#endif
#ifdef __SANITIZE_ADDRESS__
	/*
	 * The ASan/UBSan build's runtime: its reports (the process's maps,
	 * its own path) and LeakSanitizer at exit, which stops the threads
	 * from a helper that ptraces them. Never in a production build.
	 */
	SYS_ptrace, SYS_wait4, SYS_prctl, SYS_getppid, SYS_sigaltstack,
	SYS_readlinkat, SYS_sched_getaffinity, SYS_prlimit64, SYS_kill,
	SYS_uname, SYS_getrlimit, SYS_setrlimit, SYS_ioctl, SYS_dup3,
#ifdef SYS_readlink
	SYS_readlink, SYS_dup2, SYS_pipe, SYS_getdents,
#endif
	SYS_pipe2,
#endif
};

const int *rg_seccomp_filter_allowed(size_t *n)
{
	*n = sizeof(allowed) / sizeof(allowed[0]);
	return allowed;
}

uint32_t rg_seccomp_filter_arch(void)
{
#if defined(__x86_64__) && !defined(__ILP32__)
	return AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
	return AUDIT_ARCH_AARCH64;
#else
	return 0;
#endif
}

const char *rg_seccomp_filter_arch_name(void)
{
	switch (rg_seccomp_filter_arch()) {
	case AUDIT_ARCH_X86_64:
		return "x86_64";
	case AUDIT_ARCH_AARCH64:
		return "aarch64";
	}
	return NULL;
}

static struct sock_filter stmt(uint16_t code, uint32_t k)
{
	return (struct sock_filter){ .code = code, .k = k };
}

static struct sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
	return (struct sock_filter){ .code = code, .jt = jt, .jf = jf, .k = k };
}

/*
 * arch check, number load, (x32 check,) one JEQ per allowed call jumping
 * to the ALLOW at the end, the KILL that the list falls through to.
 */
size_t rg_seccomp_filter_build(uint32_t arch, const int *nrs, size_t n,
			       struct sock_filter *prog, size_t max)
{
	size_t i = 0, k;

	/* A JEQ jumps at most 255 ahead: the list must stay under it. */
	if (n > 250 || n + 7 > max)
		return 0;
	prog[i++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	prog[i++] = jump(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0);
	prog[i++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
	prog[i++] = stmt(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	if (arch == AUDIT_ARCH_X86_64)
		prog[i++] = jump(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT,
				 (uint8_t)(n + 0), 0);
	for (k = 0; k < n; k++)
		prog[i++] = jump(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nrs[k],
				 (uint8_t)(n - k), 0);
	prog[i++] = stmt(BPF_RET | BPF_K, RG_SECCOMP_DEFAULT);
	prog[i++] = stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	return i;
}
