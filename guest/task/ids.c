/*
 * User and group ids as a program sees them: the get and set calls with Linux's rules for
 * privileged and unprivileged callers (saved ids, fsuid following euid, capabilities dropped
 * when root leaves uid 0 and restored with euid 0), setfsuid/setfsgid answers, getgroups and
 * setgroups. Raw system calls throughout (glibc's wrappers add nothing here, but they would
 * hide the kernel's answers to -1).
 *
 *   ids           the sequence for whoever runs it: its output depends on the user, so the test
 *                 runs it under qemu-user and k42ts as the same user (root, and "nobody" through
 *                 setpriv when the tests run as root).
 *   ids pids      k42ts only: the process ids of init's child, the program (under qemu they are
 *                 the host's), and capget's sets (the host's root may lack some capabilities).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "check.h"

static void show(const char *when) {
    unsigned r, e, s, gr, ge, gs;
    syscall(SYS_getresuid, &r, &e, &s);
    syscall(SYS_getresgid, &gr, &ge, &gs);
    long fsu = syscall(SYS_setfsuid, -1), fsg = syscall(SYS_setfsgid, -1); /* -1 only asks */
    printf("%-28s uid %u %u %u fsuid %ld  gid %u %u %u fsgid %ld\n", when, r, e, s, fsu, gr, ge, gs, fsg);
}

static void groups(const char *when) {
    unsigned g[64];
    long n = syscall(SYS_getgroups, 64, g);
    printf("%-28s groups", when);
    if (n < 0) printf(" error %s", ename(errno));
    for (long i = 0; i < n; i++) printf(" %u", g[i]);
    printf("\n");
}

static void common(void) {
    unsigned r, e, s;
    printf("getuid %ld geteuid %ld getgid %ld getegid %ld\n", syscall(SYS_getuid), syscall(SYS_geteuid), syscall(SYS_getgid), syscall(SYS_getegid));
    show("start");
    groups("start");
    long n = syscall(SYS_getgroups, 0, NULL);
    printf("getgroups(0) counts %ld\n", n);
    unsigned g1[1];
    if (n > 1) CHK("getgroups", "size too small", syscall(SYS_getgroups, 1, g1));
    else printf("%-16s %-40s -> %ld %s\n", "getgroups", "size too small", -1L, "EINVAL");
    CHK("getgroups", "negative size", syscall(SYS_getgroups, -1, g1));
    if (n > 0) CHK("getgroups", "bad pointer", syscall(SYS_getgroups, 64, BAD));
    else printf("%-16s %-40s -> %ld %s\n", "getgroups", "bad pointer", 0L, "0");
    CHK("getresuid", "bad pointer 1", syscall(SYS_getresuid, BAD, &e, &s));
    CHK("getresuid", "bad pointer 3", syscall(SYS_getresuid, &r, &e, BAD));
    CHK("getresgid", "bad pointer 2", syscall(SYS_getresgid, &r, BAD, &s));
    CHK("setuid", "-1", syscall(SYS_setuid, -1));
    CHK("setgid", "-1", syscall(SYS_setgid, -1));
    CHK("setresuid", "all -1 (no change)", syscall(SYS_setresuid, -1, -1, -1));
    CHK("setreuid", "all -1", syscall(SYS_setreuid, -1, -1));
}

/* An unprivileged caller: only its own real, effective and saved ids. */
static void unprivileged(void) {
    unsigned me = syscall(SYS_getuid), gme = syscall(SYS_getgid);
    CHK("setuid", "0", syscall(SYS_setuid, 0));
    CHK("setuid", "own uid", syscall(SYS_setuid, me));
    CHK("setgid", "0", syscall(SYS_setgid, 0));
    CHK("setgid", "own gid", syscall(SYS_setgid, gme));
    CHK("setreuid", "own, 0", syscall(SYS_setreuid, me, 0));
    CHK("setreuid", "0, own", syscall(SYS_setreuid, 0, me));
    CHK("setresuid", "own own own", syscall(SYS_setresuid, me, me, me));
    CHK("setresuid", "-1 -1 12345", syscall(SYS_setresuid, -1, -1, 12345));
    CHK("setresgid", "-1 7 -1", syscall(SYS_setresgid, -1, 7, -1));
    printf("setfsuid(0) answers %ld\n", syscall(SYS_setfsuid, 0));
    printf("setfsuid(own) answers %ld\n", syscall(SYS_setfsuid, me));
    printf("setfsgid(0) answers %ld\n", syscall(SYS_setfsgid, 0));
    show("after refusals");
    unsigned g[2] = { 1, 2 };
    CHK("setgroups", "unprivileged", syscall(SYS_setgroups, 2, g));
    CHK("setgroups", "unprivileged, 0 groups", syscall(SYS_setgroups, 0, NULL));
}

/* Root: every transition, including leaving root and coming back through the saved uid. */
static void privileged(void) {
    unsigned g[4] = { 5, 3, 3, 1 };
    CHK("setgroups", "5 3 3 1", syscall(SYS_setgroups, 4, g));
    groups("after setgroups");
    CHK("setgroups", "-1 in the list", syscall(SYS_setgroups, 1, (unsigned[]){ -1 }));
    CHK("setgroups", "too many", syscall(SYS_setgroups, 65537, g));
    CHK("setgroups", "bad pointer", syscall(SYS_setgroups, 2, BAD));
    CHK("setgroups", "none", syscall(SYS_setgroups, 0, NULL));
    groups("after setgroups none");
    printf("setfsuid(4321) answers %ld\n", syscall(SYS_setfsuid, 4321));
    printf("setfsgid(4322) answers %ld\n", syscall(SYS_setfsgid, 4322));
    show("fs ids moved");
    CHK("setresgid", "100 200 300", syscall(SYS_setresgid, 100, 200, 300));
    show("setresgid");
    CHK("setregid", "-1 300", syscall(SYS_setregid, -1, 300));
    show("setregid -1 300");
    CHK("setregid", "400 -1", syscall(SYS_setregid, 400, -1));
    show("setregid 400 -1");
    CHK("setgid", "0", syscall(SYS_setgid, 0));
    show("setgid 0");
    CHK("setresuid", "1000 1001 0", syscall(SYS_setresuid, 1000, 1001, 0));
    show("setresuid 1000 1001 0");
    /* euid 1001: no effective capabilities now, though root is still the saved uid. */
    CHK("setuid", "5 (euid not 0)", syscall(SYS_setuid, 5));
    CHK("setgroups", "euid not 0", syscall(SYS_setgroups, 0, NULL));
    printf("setfsuid(0) answers %ld\n", syscall(SYS_setfsuid, 0));
    show("after setfsuid 0");
    CHK("setreuid", "-1 0 (saved uid)", syscall(SYS_setreuid, -1, 0));
    show("setreuid -1 0");
    CHK("setreuid", "2000 -1", syscall(SYS_setreuid, 2000, -1));
    show("setreuid 2000 -1");
    CHK("setreuid", "-1 3000", syscall(SYS_setreuid, -1, 3000));
    show("setreuid -1 3000");
    CHK("setresuid", "-1 0 -1 (gone)", syscall(SYS_setresuid, -1, 0, -1));
    CHK("setuid", "3000 (as 2000/3000/3000)", syscall(SYS_setuid, 3000));
    CHK("setuid", "2000 (the real uid)", syscall(SYS_setuid, 2000));
    show("setuid 2000");
    CHK("setuid", "0 (no way back)", syscall(SYS_setuid, 0));
    CHK("setgid", "5 (no CAP_SETGID)", syscall(SYS_setgid, 5));
}

/* k42ts only: a machine's first process, and the capability sets. */
static void pids(void) {
    printf("getpid %ld gettid %ld getppid %ld getpgrp %ld getpgid(0) %ld getsid(0) %ld\n",
           syscall(SYS_getpid), syscall(SYS_gettid), syscall(SYS_getppid), syscall(SYS_getpgrp),
           syscall(SYS_getpgid, 0), syscall(SYS_getsid, 0));
    CHK("getpgid", "1", syscall(SYS_getpgid, 1));
    CHK("getpgid", "2", syscall(SYS_getpgid, 2));
    CHK("getsid", "-5", syscall(SYS_getsid, -5));
    CHK("setpgid", "0 0 (own group)", syscall(SYS_setpgid, 0, 0));
    CHK("setpgid", "0 -1", syscall(SYS_setpgid, 0, -1));
    CHK("setpgid", "7 0", syscall(SYS_setpgid, 7, 0));
    CHK("setsid", "(group leader)", syscall(SYS_setsid));
    int tid;
    CHK("set_tid_address", "", syscall(SYS_set_tid_address, &tid));
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];
    CHK("capget", "v3", syscall(SYS_capget, &h, d));
    printf("capget eff %08x%08x prm %08x%08x inh %08x%08x\n", d[1].effective, d[0].effective, d[1].permitted, d[0].permitted, d[1].inheritable, d[0].inheritable);
    h.version = 0x12345678;
    CHK("capget", "unknown version", syscall(SYS_capget, &h, d));
    printf("capget version written back %08x\n", h.version);
    h.version = 0x12345678;
    CHK("capget", "unknown version, NULL data", syscall(SYS_capget, &h, NULL));
    h.version = _LINUX_CAPABILITY_VERSION_3;
    h.pid = 99;
    CHK("capget", "other pid", syscall(SYS_capget, &h, d));
    h.pid = 0;
    if (syscall(SYS_geteuid) == 0) {
        /* Drop CAP_SYS_TIME (25) from effective, keep it permitted. */
        d[0].effective &= ~(1u << 25);
        CHK("capset", "drop SYS_TIME effective", syscall(SYS_capset, &h, d));
        struct timespec ts = { 1, 0 };
        CHK("clock_settime", "without SYS_TIME", syscall(SYS_clock_settime, 0, &ts));
        d[0].effective |= 1u << 25;
        CHK("capset", "raise it again", syscall(SYS_capset, &h, d));
        d[0].permitted &= ~(1u << 25);
        d[0].effective &= ~(1u << 25);
        CHK("capset", "drop it from permitted", syscall(SYS_capset, &h, d));
        d[0].effective |= 1u << 25;
        CHK("capset", "effective beyond permitted", syscall(SYS_capset, &h, d));
        d[0].permitted |= 1u << 25;
        CHK("capset", "permitted back", syscall(SYS_capset, &h, d));
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (argc > 1 && strcmp(argv[1], "pids") == 0) {
        pids();
        return 0;
    }
    common();
    if (syscall(SYS_geteuid) == 0) privileged();
    else unprivileged();
    return 0;
}
