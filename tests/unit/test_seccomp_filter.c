// SPDX-License-Identifier: GPL-2.0-or-later
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#include "seccomp_filter.h"
#include "unit.h"

#define RET_NONE 0xdeadbeefU

/*
 * The subset of classic BPF the builder emits, run as the kernel would on
 * one seccomp_data; RET_NONE for anything else (a bad jump, an unknown
 * instruction), so a broken program fails every test.
 */
static uint32_t run(const struct sock_filter *prog, size_t len, int nr,
		    uint32_t arch)
{
	struct seccomp_data sd;
	uint32_t a = 0, word;
	size_t pc = 0;

	memset(&sd, 0, sizeof(sd));
	sd.nr = nr;
	sd.arch = arch;
	while (pc < len) {
		const struct sock_filter *f = &prog[pc++];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k + 4 > sizeof(sd))
				return RET_NONE;
			memcpy(&word, (const char *)&sd + f->k, 4);
			a = word;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= f->k ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			return RET_NONE;
		}
	}
	return RET_NONE;
}

static struct sock_filter prog[RG_SECCOMP_MAX_INSNS];

static size_t build(uint32_t arch)
{
	const int *nrs;
	size_t n;

	nrs = rg_seccomp_filter_allowed(&n);
	return rg_seccomp_filter_build(arch, nrs, n, prog, RG_SECCOMP_MAX_INSNS);
}

static void test_every_listed_call_allowed(void)
{
	size_t n, i, len = build(AUDIT_ARCH_X86_64);
	const int *nrs = rg_seccomp_filter_allowed(&n);

	CU_ASSERT_FATAL(len > n);
	for (i = 0; i < n; i++)
		CU_ASSERT_EQUAL(run(prog, len, nrs[i], AUDIT_ARCH_X86_64), SECCOMP_RET_ALLOW);
	CU_ASSERT_EQUAL(run(prog, len, SYS_read, AUDIT_ARCH_X86_64), SECCOMP_RET_ALLOW);
	CU_ASSERT_EQUAL(run(prog, len, SYS_recvmmsg, AUDIT_ARCH_X86_64), SECCOMP_RET_ALLOW);
	CU_ASSERT_EQUAL(run(prog, len, SYS_renameat, AUDIT_ARCH_X86_64), SECCOMP_RET_ALLOW);
}

/* What a flaw would reach for: none of it is on the list. */
static void test_others_killed(void)
{
	static const int forbidden[] = {
		SYS_execve, SYS_execveat, SYS_setuid, SYS_setresuid, SYS_capset,
		SYS_mount, SYS_init_module, SYS_bpf, SYS_fchown, SYS_fchmodat,
		SYS_unshare, SYS_setns, SYS_seccomp, SYS_kexec_load,
		SYS_process_vm_writev, SYS_symlinkat, SYS_linkat,
#ifdef SYS_fork
		SYS_fork, SYS_vfork, SYS_chmod,
#endif
	};
	size_t i, len = build(AUDIT_ARCH_X86_64);

	for (i = 0; i < sizeof(forbidden) / sizeof(forbidden[0]); i++)
		CU_ASSERT_EQUAL(run(prog, len, forbidden[i], AUDIT_ARCH_X86_64),
				SECCOMP_RET_KILL_PROCESS);
	CU_ASSERT_EQUAL(run(prog, len, 100000, AUDIT_ARCH_X86_64), SECCOMP_RET_KILL_PROCESS);
}

/* Another ABI's numbers mean other calls: killed whatever the number. */
static void test_other_arch_and_x32_killed(void)
{
	size_t len = build(AUDIT_ARCH_X86_64);

	CU_ASSERT_EQUAL(run(prog, len, SYS_read, AUDIT_ARCH_I386), SECCOMP_RET_KILL_PROCESS);
	CU_ASSERT_EQUAL(run(prog, len, SYS_read, AUDIT_ARCH_AARCH64), SECCOMP_RET_KILL_PROCESS);
	CU_ASSERT_EQUAL(run(prog, len, 0x40000000 | SYS_read, AUDIT_ARCH_X86_64),
			SECCOMP_RET_KILL_PROCESS);
	len = build(AUDIT_ARCH_AARCH64);
	CU_ASSERT_EQUAL(run(prog, len, SYS_read, AUDIT_ARCH_AARCH64), SECCOMP_RET_ALLOW);
	CU_ASSERT_EQUAL(run(prog, len, SYS_read, AUDIT_ARCH_X86_64), SECCOMP_RET_KILL_PROCESS);
}

static void test_too_long_refused(void)
{
	static int many[300];
	size_t n;

	rg_seccomp_filter_allowed(&n);
	CU_ASSERT_EQUAL(rg_seccomp_filter_build(AUDIT_ARCH_X86_64, many, 251, prog,
						RG_SECCOMP_MAX_INSNS), 0);
	CU_ASSERT_EQUAL(rg_seccomp_filter_build(AUDIT_ARCH_X86_64, many, n, prog, n + 6), 0);
	CU_ASSERT_NOT_EQUAL(rg_seccomp_filter_build(AUDIT_ARCH_X86_64, many, n, prog, n + 7), 0);
}

static void test_arch(void)
{
#if defined(__x86_64__)
	CU_ASSERT_EQUAL(rg_seccomp_filter_arch(), AUDIT_ARCH_X86_64);
	CU_ASSERT_STRING_EQUAL(rg_seccomp_filter_arch_name(), "x86_64");
#elif defined(__aarch64__)
	CU_ASSERT_EQUAL(rg_seccomp_filter_arch(), AUDIT_ARCH_AARCH64);
	CU_ASSERT_STRING_EQUAL(rg_seccomp_filter_arch_name(), "aarch64");
#endif
}

static const struct unit_test tests[] = {
	{ "every listed call is allowed", test_every_listed_call_allowed },
	{ "exec, setuid, mount, bpf and the like kill", test_others_killed },
	{ "another architecture or x32 kills", test_other_arch_and_x32_killed },
	{ "a list too long for one program is refused", test_too_long_refused },
	{ "the architecture this was built for", test_arch },
	{ NULL, NULL }
};

int register_seccomp_filter_tests(void)
{
	return unit_add_suite("seccomp_filter", tests);
}
