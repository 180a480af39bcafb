/*
 * Resource limits, resource usage and scheduling attributes as a program sees them: getrlimit,
 * setrlimit and prlimit64 with Linux's checks, getrusage, nice values, policies and affinity.
 * Raw system calls. The limits' values differ between hosts, so the default mode prints
 * relations (what a change did), never the host's values.
 *
 *   rlimits           safe for any user under qemu: only RLIMIT_NOFILE and RLIMIT_CORE are
 *                     changed (qemu-user pretends to set AS, DATA and STACK), hard limits are
 *                     only lowered, and nothing reaches beyond this process (no PRIO_USER or
 *                     PRIO_PGRP changes, no real-time policy for root).
 *   rlimits linux     k42ts only: Linux's default limits for a fresh process on a 64 MiB
 *                     machine, ppc32's old getrlimit, and what root and the other "which"
 *                     values of setpriority do.
 *   rlimits affinity  k42ts only, on a two-processor machine: masks that move the thread.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "check.h"

struct rl64 { uint64_t cur, max; };

static long prl(int pid, int res, const struct rl64 *n, struct rl64 *o) { return syscall(SYS_prlimit64, pid, res, n, o); }
/* struct rlimit in the ABI's words (ppc32: 32 bits). */
struct rlw { unsigned long cur, max; };

static int root;

static void limits(void) {
    struct rl64 o, n;
    struct rlw w;
    int ok = 1;
    for (int r = 0; r < 16; r++) ok &= prl(0, r, NULL, &o) == 0 && o.cur <= o.max;
    SAY("prlimit64", "every resource answers, cur <= max", ok);
    CHK("prlimit64", "resource 16", prl(0, 16, NULL, &o));
    CHK("prlimit64", "bad new pointer", prl(0, RLIMIT_NOFILE, BAD, &o));
    CHK("prlimit64", "bad old pointer", prl(0, RLIMIT_NOFILE, NULL, BAD));
    CHK("prlimit64", "no such pid", prl(4194305, RLIMIT_NOFILE, NULL, &o));
    CHK("ugetrlimit", "resource 16", syscall(SYS_ugetrlimit, 16, &w));
    CHK("ugetrlimit", "bad pointer", syscall(SYS_ugetrlimit, RLIMIT_NOFILE, BAD));
    CHK("setrlimit", "resource 16", syscall(SYS_setrlimit, 16, &w));
    CHK("setrlimit", "bad pointer", syscall(SYS_setrlimit, RLIMIT_NOFILE, BAD));

    /* RLIMIT_NOFILE: soft up to hard, past hard, hard lowered, hard raised again. */
    prl(0, RLIMIT_NOFILE, NULL, &o);
    uint64_t hard = o.max;
    n.cur = hard; n.max = hard;
    CHK("prlimit64", "NOFILE soft = hard", prl(0, RLIMIT_NOFILE, &n, NULL));
    prl(0, RLIMIT_NOFILE, NULL, &o);
    SAY("prlimit64", "soft reads back", o.cur == hard && o.max == hard);
    n.cur = hard + 1;
    CHK("prlimit64", "NOFILE soft > hard", prl(0, RLIMIT_NOFILE, &n, NULL));
    n.cur = 64; n.max = hard - 1;
    CHK("prlimit64", "NOFILE hard lowered", prl(0, RLIMIT_NOFILE, &n, &o));
    SAY("prlimit64", "old value returned with the change", o.cur == hard && o.max == hard);
    CHK("ugetrlimit", "NOFILE", syscall(SYS_ugetrlimit, RLIMIT_NOFILE, &w));
    SAY("ugetrlimit", "reads the new limit", w.cur == 64 && w.max == hard - 1);
    w.cur = 32; w.max = hard - 2;
    CHK("setrlimit", "NOFILE 32, hard - 2", syscall(SYS_setrlimit, RLIMIT_NOFILE, &w));
    prl(0, RLIMIT_NOFILE, NULL, &o);
    SAY("setrlimit", "reads back", o.cur == 32 && o.max == hard - 2);
    if (!root) {
        n.cur = 32; n.max = hard - 1;
        CHK("prlimit64", "NOFILE hard raised (unprivileged)", prl(0, RLIMIT_NOFILE, &n, NULL));
    }
    /* RLIMIT_CORE: down to zero, then a soft limit above the hard one. */
    n.cur = 0; n.max = 0;
    CHK("prlimit64", "CORE 0 0", prl(0, RLIMIT_CORE, &n, NULL));
    n.cur = 1;
    CHK("prlimit64", "CORE 1 0", prl(0, RLIMIT_CORE, &n, NULL));
    n.cur = RLIM_INFINITY; n.max = 0;
    CHK("prlimit64", "CORE infinity 0", prl(0, RLIMIT_CORE, &n, NULL));

    /* getrusage. */
    struct rusage u;
    CHK("getrusage", "SELF", syscall(SYS_getrusage, RUSAGE_SELF, &u));
    SAY("getrusage", "SELF: maxrss, minflt, times in range", u.ru_maxrss > 0 && u.ru_minflt > 0 && u.ru_utime.tv_usec < 1000000 && u.ru_stime.tv_usec < 1000000);
    CHK("getrusage", "THREAD", syscall(SYS_getrusage, RUSAGE_THREAD, &u));
    CHK("getrusage", "CHILDREN", syscall(SYS_getrusage, RUSAGE_CHILDREN, &u));
    SAY("getrusage", "CHILDREN: nothing", u.ru_utime.tv_sec == 0 && u.ru_utime.tv_usec == 0 && u.ru_maxrss == 0 && u.ru_minflt == 0);
    CHK("getrusage", "who 5", syscall(SYS_getrusage, 5, &u));
    CHK("getrusage", "who -2", syscall(SYS_getrusage, -2, &u));
    CHK("getrusage", "bad pointer", syscall(SYS_getrusage, RUSAGE_SELF, BAD));
}

static void priorities(void) {
    errno = 0;
    long p0 = syscall(SYS_getpriority, PRIO_PROCESS, 0);
    SAY("getpriority", "PROCESS 0 in 1..40", p0 >= 1 && p0 <= 40);
    long nice0 = 20 - p0;
    CHK("getpriority", "which 3", syscall(SYS_getpriority, 3, 0));
    CHK("getpriority", "no such pid", syscall(SYS_getpriority, PRIO_PROCESS, 4194305));
    CHK("getpriority", "own pid", syscall(SYS_getpriority, PRIO_PROCESS, getpid()) == p0 ? 0 : -1);
    CHK("setpriority", "which 3", syscall(SYS_setpriority, 3, 0, 0));
    CHK("setpriority", "no such pid", syscall(SYS_setpriority, PRIO_PROCESS, 4194305, 0));
    if (nice0 < 18) {
        CHK("setpriority", "nice + 1", syscall(SYS_setpriority, PRIO_PROCESS, 0, nice0 + 1));
        SAY("getpriority", "reads nice + 1", syscall(SYS_getpriority, PRIO_PROCESS, 0) == 20 - (nice0 + 1));
        CHK("setpriority", "back to nice (lower)", syscall(SYS_setpriority, PRIO_PROCESS, 0, nice0));
        CHK("setpriority", "nice 100 (clamped to 19)", syscall(SYS_setpriority, PRIO_PROCESS, 0, 100));
        SAY("getpriority", "clamped to 19", syscall(SYS_getpriority, PRIO_PROCESS, 0) == 1);
    }
    /* Policies. */
    struct sched_param sp = { 0 };
    printf("%-16s %-40s -> %ld\n", "sched_getscheduler", "0", syscall(SYS_sched_getscheduler, 0));
    CHK("sched_getscheduler", "-1", syscall(SYS_sched_getscheduler, -1));
    CHK("sched_getscheduler", "no such pid", syscall(SYS_sched_getscheduler, 4194305));
    sp.sched_priority = 7;
    CHK("sched_getparam", "0", syscall(SYS_sched_getparam, 0, &sp));
    printf("%-16s %-40s -> %d\n", "sched_getparam", "priority", sp.sched_priority);
    CHK("sched_getparam", "NULL", syscall(SYS_sched_getparam, 0, NULL));
    CHK("sched_getparam", "bad pointer", syscall(SYS_sched_getparam, 0, BAD));
    /* (Policy 7 is SCHED_EXT on newer hosts: see "linux".) */
    for (int pol = 0; pol <= 6; pol++) {
        char c[32];
        snprintf(c, sizeof c, "policy %d", pol);
        CHK("sched_prio_max", c, syscall(SYS_sched_get_priority_max, pol));
        CHK("sched_prio_min", c, syscall(SYS_sched_get_priority_min, pol));
    }
    sp.sched_priority = 0;
    CHK("sched_setsched", "OTHER 0", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
    CHK("sched_setsched", "BATCH 0", syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &sp));
    printf("%-16s %-40s -> %ld\n", "sched_getscheduler", "after BATCH", syscall(SYS_sched_getscheduler, 0));
    CHK("sched_setsched", "OTHER|RESET_ON_FORK", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER | SCHED_RESET_ON_FORK, &sp));
    printf("%-16s %-40s -> %ld\n", "sched_getscheduler", "after RESET_ON_FORK", syscall(SYS_sched_getscheduler, 0));
    CHK("sched_setsched", "OTHER (clears RESET_ON_FORK)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
    CHK("sched_setsched", "policy -1", syscall(SYS_sched_setscheduler, 0, -1, &sp));
    CHK("sched_setsched", "policy 4", syscall(SYS_sched_setscheduler, 0, 4, &sp));
    CHK("sched_setsched", "policy 99", syscall(SYS_sched_setscheduler, 0, 99, &sp));
    CHK("sched_setsched", "NULL param", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, NULL));
    CHK("sched_setsched", "pid -1", syscall(SYS_sched_setscheduler, -1, SCHED_OTHER, &sp));
    CHK("sched_setsched", "bad param", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, BAD));
    CHK("sched_setsched", "no such pid", syscall(SYS_sched_setscheduler, 4194305, SCHED_OTHER, &sp));
    sp.sched_priority = 1;
    CHK("sched_setsched", "OTHER priority 1", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
    sp.sched_priority = 0;
    CHK("sched_setsched", "FIFO priority 0", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp));
    sp.sched_priority = 100;
    CHK("sched_setsched", "RR priority 100", syscall(SYS_sched_setscheduler, 0, SCHED_RR, &sp));
    sp.sched_priority = -1;
    CHK("sched_setsched", "FIFO priority -1", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp));
    CHK("sched_setsched", "DEADLINE", syscall(SYS_sched_setscheduler, 0, 6, &sp));
    sp.sched_priority = 0;
    CHK("sched_setparam", "0", syscall(SYS_sched_setparam, 0, &sp));
    sp.sched_priority = 5;
    CHK("sched_setparam", "5 for OTHER", syscall(SYS_sched_setparam, 0, &sp));
    if (!root) {
        sp.sched_priority = 1;
        CHK("sched_setsched", "FIFO 1 (unprivileged)", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp));
        sp.sched_priority = 0;
        CHK("sched_setsched", "IDLE", syscall(SYS_sched_setscheduler, 0, SCHED_IDLE, &sp));
        CHK("sched_setsched", "IDLE -> OTHER (unprivileged)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
    }
    CHK("sched_yield", "", syscall(SYS_sched_yield));

    /* Affinity: the current processor is in the mask; a mask of it alone keeps the thread there. */
    cpu_set_t set;
    long w = sizeof(long);
    CHK("sched_getaffinity", "len 0", syscall(SYS_sched_getaffinity, 0, 0, &set));
    CHK("sched_getaffinity", "len 3", syscall(SYS_sched_getaffinity, 0, 3, &set));
    CHK("sched_getaffinity", "no such pid", syscall(SYS_sched_getaffinity, 4194305, sizeof set, &set));
    CHK("sched_getaffinity", "bad pointer", syscall(SYS_sched_getaffinity, 0, w, BAD));
    CPU_ZERO(&set);
    long n = syscall(SYS_sched_getaffinity, 0, w, &set);
    printf("%-16s %-40s -> %ld\n", "sched_getaffinity", "len = a word: bytes", n);
    unsigned cpu = 0;
    syscall(SYS_getcpu, &cpu, NULL, NULL);
    SAY("sched_getaffinity", "holds the current processor", CPU_ISSET(cpu, &set));
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    CHK("sched_setaffinity", "the current processor", syscall(SYS_sched_setaffinity, 0, sizeof one, &one));
    CPU_ZERO(&set);
    syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
    SAY("sched_getaffinity", "reads it back", CPU_COUNT(&set) == 1 && CPU_ISSET(cpu, &set));
    CPU_ZERO(&one);
    CHK("sched_setaffinity", "empty", syscall(SYS_sched_setaffinity, 0, sizeof one, &one));
    CPU_SET(1000, &one);
    CHK("sched_setaffinity", "processor 1000 only", syscall(SYS_sched_setaffinity, 0, sizeof one, &one));
    CHK("sched_setaffinity", "bad pointer", syscall(SYS_sched_setaffinity, 0, sizeof one, BAD));
    CHK("sched_setaffinity", "no such pid", syscall(SYS_sched_setaffinity, 4194305, sizeof one, &one));
}

/* k42ts only. */
static void linux_values(void) {
    static const char *names[] = { "CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS", "LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME" };
    struct rl64 o, n;
    for (int r = 0; r < 16; r++) {
        prl(0, r, NULL, &o);
        printf("%-10s %llx %llx\n", names[r], (unsigned long long)o.cur, (unsigned long long)o.max);
    }
    struct rlw w;
    syscall(SYS_ugetrlimit, RLIMIT_CPU, &w);
    printf("ugetrlimit CPU %lx %lx\n", w.cur, w.max);
#if !defined(__powerpc64__)
    syscall(SYS_getrlimit, RLIMIT_CPU, &w);
    printf("getrlimit CPU %lx %lx\n", w.cur, w.max);
    syscall(SYS_getrlimit, RLIMIT_NOFILE, &w);
    printf("getrlimit NOFILE %lx %lx\n", w.cur, w.max);
    CHK("getrlimit", "resource 16", syscall(SYS_getrlimit, 16, &w));
    n.cur = 0x100000000ULL; n.max = RLIM_INFINITY;
    prl(0, RLIMIT_CPU, &n, NULL);
    prl(0, RLIMIT_CPU, NULL, &o);
    printf("prlimit64 CPU 2^32 reads %llx %llx\n", (unsigned long long)o.cur, (unsigned long long)o.max);
#else
    printf("getrlimit (ppc64: not a system call) -> %ld %s\n", syscall(76, RLIMIT_CPU, &w), ename(errno));
#endif
    /* Linux 6.1 has no policy 7 (later kernels' SCHED_EXT). */
    CHK("sched_prio_max", "policy 7", syscall(SYS_sched_get_priority_max, 7));
    CHK("sched_prio_min", "policy 7", syscall(SYS_sched_get_priority_min, 7));
    /* The nice system call answers 0 (qemu-user answers glibc's nice(), the new value). */
    CHK("nice", "+1", syscall(SYS_nice, 1));
    printf("getpriority after nice +1 -> %ld\n", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    n.cur = 1024; n.max = 1048577;
    CHK("prlimit64", "NOFILE hard 1048577", prl(0, RLIMIT_NOFILE, &n, NULL));
    if (geteuid() == 0) {
        n.max = 1048576;
        CHK("prlimit64", "NOFILE hard 1048576 (root)", prl(0, RLIMIT_NOFILE, &n, NULL));
        n.max = 100;
        CHK("prlimit64", "NOFILE 1024 100", prl(0, RLIMIT_NOFILE, &n, NULL));
        n.cur = 50;
        CHK("prlimit64", "NOFILE 50 100", prl(0, RLIMIT_NOFILE, &n, NULL));
        n.max = 4096;
        CHK("prlimit64", "NOFILE hard back to 4096 (root)", prl(0, RLIMIT_NOFILE, &n, NULL));
        struct sched_param sp = { 10 };
        CHK("sched_setsched", "FIFO 10 (root)", syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp));
        sp.sched_priority = 0;
        CHK("sched_getparam", "", syscall(SYS_sched_getparam, 0, &sp));
        printf("sched FIFO: policy %ld priority %d\n", syscall(SYS_sched_getscheduler, 0), sp.sched_priority);
        sp.sched_priority = 0;
        CHK("sched_setsched", "OTHER (root)", syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
        CHK("setpriority", "nice -5 (root)", syscall(SYS_setpriority, PRIO_PROCESS, 0, -5));
        printf("getpriority -> %ld\n", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    } else {
        /* RLIMIT_NICE is the room an unprivileged task has to lower its nice value. */
        n.cur = 0; n.max = 0;
        prl(0, RLIMIT_NICE, NULL, &o);
        printf("NICE limit %llu %llu\n", (unsigned long long)o.cur, (unsigned long long)o.max);
        CHK("setpriority", "nice 5", syscall(SYS_setpriority, PRIO_PROCESS, 0, 5));
        CHK("setpriority", "nice 4 (lower, no room)", syscall(SYS_setpriority, PRIO_PROCESS, 0, 4));
        CHK("nice", "-1 (no room)", syscall(SYS_nice, -1));
    }
    /* The other "which" values name this process: its group and its user. */
    printf("getpriority PGRP 0 -> %ld, PGRP 1 -> %ld, USER 0 -> %ld, USER own -> %ld\n",
           syscall(SYS_getpriority, PRIO_PGRP, 0), syscall(SYS_getpriority, PRIO_PGRP, 1),
           syscall(SYS_getpriority, PRIO_USER, 0), syscall(SYS_getpriority, PRIO_USER, getuid()));
    CHK("getpriority", "PGRP 2", syscall(SYS_getpriority, PRIO_PGRP, 2));
    CHK("getpriority", "USER 12345", syscall(SYS_getpriority, PRIO_USER, 12345));
    CHK("setpriority", "PGRP 0 nice 10", syscall(SYS_setpriority, PRIO_PGRP, 0, 10));
    CHK("setpriority", "USER own nice 11", syscall(SYS_setpriority, PRIO_USER, getuid(), 11));
    printf("getpriority -> %ld\n", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    cpu_set_t set;
    CPU_ZERO(&set);
    long bytes = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
    printf("sched_getaffinity full set: %ld bytes, %d processors\n", bytes, CPU_COUNT(&set));
}

/* k42ts only, on two processors: the thread runs on processor 0. */
static void affinity(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    long bytes = syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
    printf("sched_getaffinity: %ld bytes, %d processors\n", bytes, CPU_COUNT(&set));
    CPU_ZERO(&set);
    CPU_SET(1, &set);
    /* The thread moves to processor 1 (before it runs guest code again). */
    CHK("sched_setaffinity", "processor 1 only", syscall(SYS_sched_setaffinity, 0, sizeof set, &set));
    CPU_SET(0, &set);
    CHK("sched_setaffinity", "processors 0 and 1", syscall(SYS_sched_setaffinity, 0, sizeof set, &set));
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    CHK("sched_setaffinity", "processor 0 only", syscall(SYS_sched_setaffinity, 0, sizeof set, &set));
    CPU_ZERO(&set);
    syscall(SYS_sched_getaffinity, 0, sizeof set, &set);
    printf("sched_getaffinity: %d processors, 0 %d 1 %d\n", CPU_COUNT(&set), CPU_ISSET(0, &set) != 0, CPU_ISSET(1, &set) != 0);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    root = syscall(SYS_geteuid) == 0;
    if (argc > 1 && strcmp(argv[1], "linux") == 0) linux_values();
    else if (argc > 1 && strcmp(argv[1], "affinity") == 0) affinity();
    else {
        limits();
        priorities();
    }
    return 0;
}
