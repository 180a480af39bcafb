/*
 * prctl as a program sees it: the options glibc, Python and container tools use, with their
 * argument checks. Raw system calls.
 *
 *   prctl          the options qemu-user 7.2 passes to the host kernel (or refuses as Linux
 *                  would); safe for any user: every change stays within this process.
 *   prctl linux    k42ts only: the options qemu-user refuses that Linux has (PR_GET_FPEXC,
 *                  the endianness, the child subreaper, PR_GET_TID_ADDRESS, THP, seccomp's
 *                  mode, PR_SET_MM), and the capability bounding set.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include "check.h"

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_IS_SET 1
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_LOWER 3
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static long pr(long o, long a2, long a3, long a4, long a5) { return syscall(SYS_prctl, o, a2, a3, a4, a5); }

static void common(int root) {
    int v = -1;
    CHK("PR_SET_PDEATHSIG", "SIGHUP", pr(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0));
    CHK("PR_GET_PDEATHSIG", "", pr(PR_GET_PDEATHSIG, (long)&v, 0, 0, 0));
    printf("%-16s %-40s -> %d\n", "PR_GET_PDEATHSIG", "value", v);
    CHK("PR_SET_PDEATHSIG", "65", pr(PR_SET_PDEATHSIG, 65, 0, 0, 0));
    CHK("PR_SET_PDEATHSIG", "0", pr(PR_SET_PDEATHSIG, 0, 0, 0, 0));
    CHK("PR_GET_PDEATHSIG", "bad pointer", pr(PR_GET_PDEATHSIG, (long)BAD, 0, 0, 0));

    CHK("PR_GET_DUMPABLE", "", pr(PR_GET_DUMPABLE, 0, 0, 0, 0));
    CHK("PR_SET_DUMPABLE", "0", pr(PR_SET_DUMPABLE, 0, 0, 0, 0));
    CHK("PR_GET_DUMPABLE", "after 0", pr(PR_GET_DUMPABLE, 0, 0, 0, 0));
    CHK("PR_SET_DUMPABLE", "2", pr(PR_SET_DUMPABLE, 2, 0, 0, 0));
    CHK("PR_SET_DUMPABLE", "1", pr(PR_SET_DUMPABLE, 1, 0, 0, 0));

    char name[32];
    memset(name, 'x', sizeof name);
    CHK("PR_SET_NAME", "short", pr(PR_SET_NAME, (long)"short", 0, 0, 0));
    CHK("PR_GET_NAME", "", pr(PR_GET_NAME, (long)name, 0, 0, 0));
    printf("%-16s %-40s -> %s (byte 15: %d)\n", "PR_GET_NAME", "value", name, name[15]);
    CHK("PR_SET_NAME", "20 bytes", pr(PR_SET_NAME, (long)"abcdefghijklmnopqrst", 0, 0, 0));
    pr(PR_GET_NAME, (long)name, 0, 0, 0);
    printf("%-16s %-40s -> %s\n", "PR_GET_NAME", "cut to 15", name);
    CHK("PR_SET_NAME", "empty", pr(PR_SET_NAME, (long)"", 0, 0, 0));
    pr(PR_GET_NAME, (long)name, 0, 0, 0);
    printf("%-16s %-40s -> [%s]\n", "PR_GET_NAME", "empty", name);
    CHK("PR_SET_NAME", "bad pointer", pr(PR_SET_NAME, (long)BAD, 0, 0, 0));
    CHK("PR_GET_NAME", "bad pointer", pr(PR_GET_NAME, (long)BAD, 0, 0, 0));

    CHK("PR_GET_KEEPCAPS", "", pr(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    CHK("PR_SET_KEEPCAPS", "2", pr(PR_SET_KEEPCAPS, 2, 0, 0, 0));
    CHK("PR_SET_KEEPCAPS", "1", pr(PR_SET_KEEPCAPS, 1, 0, 0, 0));
    CHK("PR_GET_KEEPCAPS", "after 1", pr(PR_GET_KEEPCAPS, 0, 0, 0, 0));
    CHK("PR_SET_KEEPCAPS", "0", pr(PR_SET_KEEPCAPS, 0, 0, 0, 0));
    CHK("PR_GET_SECUREBITS", "", pr(PR_GET_SECUREBITS, 0, 0, 0, 0));
    /* (Bits 8..11 are known to later kernels than 6.1.) */
    CHK("PR_SET_SECUREBITS", "0x10000 (unknown)", pr(PR_SET_SECUREBITS, 0x10000, 0, 0, 0));
    if (root) CHK("PR_SET_SECUREBITS", "0", pr(PR_SET_SECUREBITS, 0, 0, 0, 0));

    CHK("PR_GET_TIMING", "", pr(PR_GET_TIMING, 0, 0, 0, 0));
    CHK("PR_SET_TIMING", "0", pr(PR_SET_TIMING, 0, 0, 0, 0));
    CHK("PR_SET_TIMING", "1", pr(PR_SET_TIMING, 1, 0, 0, 0));
    CHK("PR_SET_TIMERSLACK", "1000", pr(PR_SET_TIMERSLACK, 1000, 0, 0, 0));
    CHK("PR_GET_TIMERSLACK", "after 1000", pr(PR_GET_TIMERSLACK, 0, 0, 0, 0));
    CHK("PR_SET_TIMERSLACK", "0 (the default)", pr(PR_SET_TIMERSLACK, 0, 0, 0, 0));
    CHK("PR_GET_TIMERSLACK", "default", pr(PR_GET_TIMERSLACK, 0, 0, 0, 0));

    CHK("PR_GET_NO_NEW_PRIVS", "", pr(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    CHK("PR_GET_NO_NEW_PRIVS", "arg2 1", pr(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0));
    CHK("PR_SET_NO_NEW_PRIVS", "0", pr(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
    CHK("PR_SET_NO_NEW_PRIVS", "1 1", pr(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0));
    CHK("PR_SET_NO_NEW_PRIVS", "1", pr(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0));
    CHK("PR_GET_NO_NEW_PRIVS", "after 1", pr(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));

    CHK("PR_CAPBSET_READ", "CAP_CHOWN", pr(PR_CAPBSET_READ, 0, 0, 0, 0));
    CHK("PR_CAPBSET_READ", "41", pr(PR_CAPBSET_READ, 41, 0, 0, 0));
    CHK("PR_CAPBSET_READ", "-1", pr(PR_CAPBSET_READ, -1, 0, 0, 0));
    CHK("PR_CAP_AMBIENT", "IS_SET CHOWN", pr(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 0, 0, 0));
    CHK("PR_CAP_AMBIENT", "IS_SET 41", pr(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 41, 0, 0));
    CHK("PR_CAP_AMBIENT", "RAISE CHOWN (not inheritable)", pr(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 0, 0, 0));
    CHK("PR_CAP_AMBIENT", "LOWER CHOWN", pr(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, 0, 0, 0));
    CHK("PR_CAP_AMBIENT", "CLEAR_ALL", pr(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0));
    CHK("PR_CAP_AMBIENT", "CLEAR_ALL arg3 1", pr(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 1, 0, 0));
    CHK("PR_CAP_AMBIENT", "op 9", pr(PR_CAP_AMBIENT, 9, 0, 0, 0));
    if (!root) {
        CHK("PR_CAPBSET_DROP", "unprivileged", pr(PR_CAPBSET_DROP, 0, 0, 0, 0));
        CHK("PR_SET_SECUREBITS", "unprivileged 1", pr(PR_SET_SECUREBITS, 1, 0, 0, 0));
    }
    CHK("PR_SET_VMA", "", pr(PR_SET_VMA, 0, 0, 0, 0));
    CHK("PR_GET_SPECULATION_CTRL", "", pr(52, 0, 0, 0, 0));
    CHK("prctl", "option 9999", pr(9999, 0, 0, 0, 0));
    CHK("prctl", "option -1", pr(-1, 0, 0, 0, 0));
}

/* k42ts only: Linux's answers where qemu-user refuses. */
static void linux_only(int root) {
    unsigned u = 0x5555;
    CHK("PR_GET_FPEXC", "", pr(PR_GET_FPEXC, (long)&u, 0, 0, 0));
    printf("%-16s %-40s -> %u\n", "PR_GET_FPEXC", "value", u);
    CHK("PR_SET_FPEXC", "DISABLED", pr(PR_SET_FPEXC, PR_FP_EXC_DISABLED, 0, 0, 0));
    CHK("PR_SET_FPEXC", "PRECISE", pr(PR_SET_FPEXC, PR_FP_EXC_PRECISE, 0, 0, 0));
    CHK("PR_GET_FPEXC", "after PRECISE", pr(PR_GET_FPEXC, (long)&u, 0, 0, 0));
    printf("%-16s %-40s -> %u\n", "PR_GET_FPEXC", "value", u);
    CHK("PR_SET_FPEXC", "SW_ENABLE (no SPE)", pr(PR_SET_FPEXC, PR_FP_EXC_SW_ENABLE, 0, 0, 0));
    CHK("PR_SET_FPEXC", "4", pr(PR_SET_FPEXC, 4, 0, 0, 0));
    CHK("PR_SET_FPEXC", "DISABLED", pr(PR_SET_FPEXC, PR_FP_EXC_DISABLED, 0, 0, 0));
    CHK("PR_GET_ENDIAN", "", pr(PR_GET_ENDIAN, (long)&u, 0, 0, 0));
    printf("%-16s %-40s -> %u\n", "PR_GET_ENDIAN", "value", u);
    CHK("PR_SET_ENDIAN", "its own", pr(PR_SET_ENDIAN, u, 0, 0, 0));
    CHK("PR_SET_ENDIAN", "PPC_LITTLE", pr(PR_SET_ENDIAN, PR_ENDIAN_PPC_LITTLE, 0, 0, 0));
    CHK("PR_SET_ENDIAN", "3", pr(PR_SET_ENDIAN, 3, 0, 0, 0));
    int v = -1;
    CHK("PR_SET_CHILD_SUBREAPER", "5", pr(PR_SET_CHILD_SUBREAPER, 5, 0, 0, 0));
    CHK("PR_GET_CHILD_SUBREAPER", "", pr(PR_GET_CHILD_SUBREAPER, (long)&v, 0, 0, 0));
    printf("%-16s %-40s -> %d\n", "PR_GET_CHILD_SUBREAPER", "value", v);
    int tid;
    long *addr = NULL;
    syscall(SYS_set_tid_address, &tid);
    CHK("PR_GET_TID_ADDRESS", "", pr(PR_GET_TID_ADDRESS, (long)&addr, 0, 0, 0));
    SAY("PR_GET_TID_ADDRESS", "is set_tid_address's", (void *)addr == (void *)&tid);
    CHK("PR_GET_THP_DISABLE", "", pr(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    CHK("PR_SET_THP_DISABLE", "1", pr(PR_SET_THP_DISABLE, 1, 0, 0, 0));
    CHK("PR_GET_THP_DISABLE", "after 1", pr(PR_GET_THP_DISABLE, 0, 0, 0, 0));
    CHK("PR_SET_THP_DISABLE", "1 1", pr(PR_SET_THP_DISABLE, 1, 1, 0, 0));
    CHK("PR_GET_SECCOMP", "", pr(PR_GET_SECCOMP, 0, 0, 0, 0));
    CHK("PR_SET_MM", "START_CODE", pr(PR_SET_MM, PR_SET_MM_START_CODE, 0x10000, 0, 0));
    CHK("PR_SET_MM", "arg5 set", pr(PR_SET_MM, PR_SET_MM_START_CODE, 0x10000, 0, 1));
    CHK("PR_TASK_PERF_EVENTS_DISABLE", "", pr(PR_TASK_PERF_EVENTS_DISABLE, 0, 0, 0, 0));
    CHK("PR_CAPBSET_READ", "40", pr(PR_CAPBSET_READ, 40, 0, 0, 0));
    if (root) {
        CHK("PR_CAPBSET_DROP", "40", pr(PR_CAPBSET_DROP, 40, 0, 0, 0));
        CHK("PR_CAPBSET_READ", "40 after the drop", pr(PR_CAPBSET_READ, 40, 0, 0, 0));
        CHK("PR_CAPBSET_DROP", "41", pr(PR_CAPBSET_DROP, 41, 0, 0, 0));
        CHK("PR_SET_SECUREBITS", "KEEP_CAPS", pr(PR_SET_SECUREBITS, 1 << 4, 0, 0, 0));
        CHK("PR_GET_KEEPCAPS", "after it", pr(PR_GET_KEEPCAPS, 0, 0, 0, 0));
        CHK("PR_SET_SECUREBITS", "KEEP_CAPS locked", pr(PR_SET_SECUREBITS, 3 << 4, 0, 0, 0));
        CHK("PR_SET_KEEPCAPS", "0 (locked)", pr(PR_SET_KEEPCAPS, 0, 0, 0, 0));
        CHK("PR_SET_SECUREBITS", "unlock", pr(PR_SET_SECUREBITS, 0, 0, 0, 0));
        CHK("PR_SET_IO_FLUSHER", "1", pr(57, 1, 0, 0, 0));
        CHK("PR_GET_IO_FLUSHER", "", pr(58, 0, 0, 0, 0));
    } else {
        CHK("PR_SET_IO_FLUSHER", "unprivileged", pr(57, 1, 0, 0, 0));
        /* Linux 6.1 asks for CAP_SETPCAP even when nothing changes (later kernels do not). */
        CHK("PR_SET_SECUREBITS", "0 unprivileged", pr(PR_SET_SECUREBITS, 0, 0, 0, 0));
        CHK("PR_SET_SECUREBITS", "0x100 (unknown to 6.1)", pr(PR_SET_SECUREBITS, 0x100, 0, 0, 0));
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    int root = syscall(SYS_geteuid) == 0;
    if (argc > 1 && strcmp(argv[1], "linux") == 0) linux_only(root);
    else common(root);
    return 0;
}
