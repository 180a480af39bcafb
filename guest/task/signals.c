/*
 * Signal state as a program sees it without handlers running: actions (rt_sigaction and, on
 * ppc32, the old sigaction), the blocked mask, the pending set, the alternate stack, and
 * kill/tkill/tgkill aimed at itself: ignored signals vanish, blocked ones wait, and a signal
 * whose default action terminates ends the process. Raw system calls. The last step of each
 * mode ends the process with a signal; the test compares how (stdout flushed before).
 *
 *   signals          the checks, then SIGPIPE (default action) sent to itself: the end.
 *   signals term     SIGTERM sent while blocked; the end comes when it is unblocked.
 *   signals abort    abort(): SIGABRT, a core-dump signal.
 *   signals linux    k42ts only: where qemu-user 7.2 is not Linux (what a stored action reads
 *                    back as, SS_AUTODISARM, ppc64's MINSIGSTKSZ, kill(-1)).
 *   signals caught   a signal sent to itself while a handler is installed runs the handler
 *                    before kill returns; nothing stays pending; SIG_DFL then changes nothing.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
#include "check.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

/* The kernel's struct sigaction: handler, flags, restorer, then a 64-bit mask (two words on ppc32). */
struct ksa { unsigned long handler, flags, restorer; uint32_t mask[2]; };
#define KSET 8

static long sa(int sig, const struct ksa *act, struct ksa *old) { return syscall(SYS_rt_sigaction, sig, act, old, KSET); }
static long pm(int how, const uint32_t *set, uint32_t *old) { return syscall(SYS_rt_sigprocmask, how, set, old, KSET); }

/* A 64-bit set as the kernel lays it out in memory: one long on ppc64, two words on ppc32. */
static void setbit(uint32_t *m, int sig) {
#ifdef __powerpc64__
    *(uint64_t *)m |= 1ULL << (sig - 1);
#else
    m[(sig - 1) / 32] |= 1u << ((sig - 1) % 32);
#endif
}
static int isset(const uint32_t *m, int sig) {
#ifdef __powerpc64__
    return (*(const uint64_t *)m >> (sig - 1)) & 1;
#else
    return (m[(sig - 1) / 32] >> ((sig - 1) % 32)) & 1;
#endif
}

static volatile int ran;
static void handler(int s) { (void)s; ran = 1; }

static void pending(const char *when) {
    uint32_t p[2] = { 0, 0 };
    syscall(SYS_rt_sigpending, p, KSET);
    printf("%-30s pending:", when);
    for (int s = 1; s <= 64; s++) if (isset(p, s)) printf(" %d", s);
    printf("\n");
}

static void actions(void) {
    struct ksa a, o;
    memset(&a, 0, sizeof a);
    a.handler = (unsigned long)handler;
    a.flags = SA_RESTART | SA_SIGINFO;
    setbit(a.mask, SIGUSR2);
    CHK("rt_sigaction", "USR1 handler", sa(SIGUSR1, &a, NULL));
    memset(&o, 0xff, sizeof o);
    CHK("rt_sigaction", "USR1 read", sa(SIGUSR1, NULL, &o));
    SAY("rt_sigaction", "handler, flags, mask read back", o.handler == a.handler && o.flags == a.flags && isset(o.mask, SIGUSR2) && !isset(o.mask, SIGUSR1));
    a.handler = (unsigned long)SIG_IGN;
    CHK("rt_sigaction", "USR1 ignore, old returned", sa(SIGUSR1, &a, &o));
    SAY("rt_sigaction", "old was the handler", o.handler == (unsigned long)handler);
    CHK("rt_sigaction", "KILL set", sa(SIGKILL, &a, NULL));
    CHK("rt_sigaction", "STOP set", sa(SIGSTOP, &a, NULL));
    CHK("rt_sigaction", "KILL read", sa(SIGKILL, NULL, &o));
    SAY("rt_sigaction", "KILL is SIG_DFL", o.handler == (unsigned long)SIG_DFL);
    CHK("rt_sigaction", "signal 0", sa(0, NULL, &o));
    CHK("rt_sigaction", "signal 65", sa(65, NULL, &o));
    CHK("rt_sigaction", "signal 64 read", sa(64, NULL, &o));
    CHK("rt_sigaction", "sigsetsize 4", syscall(SYS_rt_sigaction, SIGUSR1, NULL, &o, 4));
    CHK("rt_sigaction", "bad act", sa(SIGUSR1, BAD, NULL));
    CHK("rt_sigaction", "bad oact", sa(SIGUSR1, NULL, BAD));
    a.handler = (unsigned long)SIG_DFL;
    sa(SIGUSR1, &a, NULL);
#ifndef __powerpc64__
    /* ppc32's old sigaction: {handler, 32-bit mask, flags, restorer}. */
    struct { unsigned long handler, mask, flags, restorer; } oa = { (unsigned long)handler, 1u << (SIGUSR2 - 1), SA_RESTART, 0 }, oo;
    CHK("sigaction", "USR1 handler (old)", syscall(SYS_sigaction, SIGUSR1, &oa, NULL));
    memset(&o, 0, sizeof o);
    sa(SIGUSR1, NULL, &o);
    SAY("sigaction", "rt_sigaction sees it", o.handler == (unsigned long)handler && o.flags == SA_RESTART && isset(o.mask, SIGUSR2));
    CHK("sigaction", "read (old)", syscall(SYS_sigaction, SIGUSR1, NULL, &oo));
    SAY("sigaction", "old layout reads back", oo.handler == (unsigned long)handler && oo.mask == oa.mask && oo.flags == SA_RESTART);
    CHK("sigaction", "KILL (old)", syscall(SYS_sigaction, SIGKILL, &oa, NULL));
    oa.handler = (unsigned long)SIG_DFL;
    syscall(SYS_sigaction, SIGUSR1, &oa, NULL);
#endif
}

static void masks(void) {
    uint32_t s[2] = { 0, 0 }, o[2];
    setbit(s, SIGUSR1);
    setbit(s, SIGKILL);
    setbit(s, SIGSTOP);
    setbit(s, 40);
    CHK("rt_sigprocmask", "block USR1 KILL STOP 40", pm(SIG_BLOCK, s, NULL));
    memset(o, 0, sizeof o);
    CHK("rt_sigprocmask", "read", pm(SIG_BLOCK, NULL, o));
    SAY("rt_sigprocmask", "USR1 and 40 blocked, KILL STOP not", isset(o, SIGUSR1) && isset(o, 40) && !isset(o, SIGKILL) && !isset(o, SIGSTOP));
    CHK("rt_sigprocmask", "how 3", pm(3, s, NULL));
    CHK("rt_sigprocmask", "how 3, no set", pm(3, NULL, o));
    CHK("rt_sigprocmask", "sigsetsize 4", syscall(SYS_rt_sigprocmask, SIG_BLOCK, s, NULL, 4));
    CHK("rt_sigprocmask", "bad set", pm(SIG_BLOCK, BAD, NULL));
    CHK("rt_sigprocmask", "bad old", pm(SIG_BLOCK, NULL, BAD));
    uint32_t u[2] = { 0, 0 };
    setbit(u, 40);
    CHK("rt_sigprocmask", "unblock 40", pm(SIG_UNBLOCK, u, NULL));
    pm(SIG_BLOCK, NULL, o);
    SAY("rt_sigprocmask", "40 unblocked, USR1 still blocked", !isset(o, 40) && isset(o, SIGUSR1));
#ifndef __powerpc64__
    unsigned long old32 = 0, n32 = 1u << (SIGUSR2 - 1);
    CHK("sigprocmask", "block USR2 (old)", syscall(SYS_sigprocmask, SIG_BLOCK, &n32, &old32));
    SAY("sigprocmask", "old mask has USR1", (old32 >> (SIGUSR1 - 1)) & 1);
    pm(SIG_BLOCK, NULL, o);
    SAY("sigprocmask", "USR2 blocked", isset(o, SIGUSR2));
    CHK("sigprocmask", "unblock USR2 (old)", syscall(SYS_sigprocmask, SIG_UNBLOCK, &n32, NULL));
    CHK("sigprocmask", "how 7 (old)", syscall(SYS_sigprocmask, 7, &n32, NULL));
#endif
}

static void sending(void) {
    pid_t me = getpid();
    long tid = syscall(SYS_gettid);
    CHK("kill", "self 0", kill(me, 0));
    CHK("kill", "self 65", kill(me, 65));
    CHK("kill", "self -1", kill(me, -1));
    CHK("kill", "no such pid", kill(4194305, 0));
    CHK("kill", "no such group", kill(-4194305, 0));
    CHK("kill", "INT_MIN", kill(INT_MIN, 0));
    CHK("kill", "own group 0", kill(0, 0));
    CHK("tkill", "self 0", syscall(SYS_tkill, tid, 0));
    CHK("tkill", "tid 0", syscall(SYS_tkill, 0, 0));
    CHK("tkill", "tid -1", syscall(SYS_tkill, -1, 0));
    CHK("tkill", "no such tid", syscall(SYS_tkill, 4194305, 0));
    CHK("tkill", "self 65", syscall(SYS_tkill, tid, 65));
    CHK("tgkill", "self 0", syscall(SYS_tgkill, me, tid, 0));
    CHK("tgkill", "tgid 0", syscall(SYS_tgkill, 0, tid, 0));
    CHK("tgkill", "tid 0", syscall(SYS_tgkill, me, 0, 0));
    CHK("tgkill", "no such tid", syscall(SYS_tgkill, me, 4194305, 0));
    CHK("tgkill", "wrong tgid", syscall(SYS_tgkill, 4194305, tid, 0));
    CHK("tgkill", "self 65", syscall(SYS_tgkill, me, tid, 65));

    /* Ignored by default: nothing happens. */
    CHK("kill", "self SIGCHLD (default ignore)", kill(me, SIGCHLD));
    CHK("kill", "self SIGWINCH (default ignore)", kill(me, SIGWINCH));
    CHK("kill", "self SIGURG (default ignore)", kill(me, SIGURG));
    CHK("kill", "self SIGCONT (not stopped)", kill(me, SIGCONT));
    /* Ignored by action. */
    struct ksa ign = { (unsigned long)SIG_IGN, 0, 0, { 0, 0 } }, dfl = { (unsigned long)SIG_DFL, 0, 0, { 0, 0 } };
    sa(SIGPIPE, &ign, NULL);
    CHK("kill", "self SIGPIPE (ignored)", kill(me, SIGPIPE));
    CHK("tgkill", "self SIGPIPE (ignored)", syscall(SYS_tgkill, me, tid, SIGPIPE));
    /* Blocked: pending, even when ignored. */
    pending("before");
    CHK("kill", "self USR1 (blocked)", kill(me, SIGUSR1));
    uint32_t s[2] = { 0, 0 };
    setbit(s, 40);
    setbit(s, SIGPIPE);
    setbit(s, SIGCHLD);
    pm(SIG_BLOCK, s, NULL);
    CHK("tkill", "self 40 (blocked)", syscall(SYS_tkill, tid, 40));
    CHK("kill", "self 40 (blocked, again)", kill(me, 40));
    CHK("kill", "self SIGPIPE (ignored, blocked)", kill(me, SIGPIPE));
    CHK("kill", "self SIGCHLD (ignored, blocked)", kill(me, SIGCHLD));
    pending("blocked USR1 40 PIPE CHLD");
#ifndef __powerpc64__
    unsigned long p32 = 0;
    CHK("sigpending", "(old)", syscall(SYS_sigpending, &p32));
    printf("%-30s old pending word: %lx\n", "", p32);
#endif
    CHK("rt_sigpending", "sigsetsize 16", syscall(SYS_rt_sigpending, s, 16));
    CHK("rt_sigpending", "bad pointer", syscall(SYS_rt_sigpending, BAD, KSET));
    /* Setting SIG_IGN drops the pending signal; SIG_DFL for a default-ignore one too. */
    struct ksa u1ign = ign;
    sa(SIGUSR1, &u1ign, NULL);
    sa(SIGCHLD, &dfl, NULL);
    pending("USR1 ignored, CHLD default");
    /* Unblocked while ignored: dropped. */
    uint32_t p[2] = { 0, 0 };
    setbit(p, SIGPIPE);
    setbit(p, SIGCHLD);
    setbit(p, SIGUSR1);
    pm(SIG_UNBLOCK, p, NULL);
    pending("PIPE CHLD USR1 unblocked");
    sa(SIGUSR1, &dfl, NULL);
    sa(SIGPIPE, &dfl, NULL);
}

static void altstack(void) {
    static char mem[65536];
    stack_t ss, os;
    memset(&os, 0x55, sizeof os);
    CHK("sigaltstack", "query", syscall(SYS_sigaltstack, NULL, &os));
    printf("%-30s flags %d size %ld sp %s\n", "initial", os.ss_flags, (long)os.ss_size, os.ss_sp == NULL ? "NULL" : "set");
    ss.ss_sp = mem; ss.ss_size = sizeof mem; ss.ss_flags = 0;
    CHK("sigaltstack", "set 64 KiB", syscall(SYS_sigaltstack, &ss, &os));
    printf("%-30s flags %d size %ld\n", "old", os.ss_flags, (long)os.ss_size);
    syscall(SYS_sigaltstack, NULL, &os);
    printf("%-30s flags %d size %ld sp %s\n", "now", os.ss_flags, (long)os.ss_size, os.ss_sp == mem ? "mem" : "other");
    ss.ss_size = 1000;
    CHK("sigaltstack", "size 1000", syscall(SYS_sigaltstack, &ss, NULL));
    ss.ss_size = sizeof mem; ss.ss_flags = 5;
    CHK("sigaltstack", "flags 5", syscall(SYS_sigaltstack, &ss, NULL));
    ss.ss_flags = SS_ONSTACK;
    CHK("sigaltstack", "flags SS_ONSTACK", syscall(SYS_sigaltstack, &ss, NULL));
    CHK("sigaltstack", "bad ss", syscall(SYS_sigaltstack, BAD, NULL));
    CHK("sigaltstack", "bad old", syscall(SYS_sigaltstack, NULL, BAD));
    ss.ss_flags = SS_DISABLE; ss.ss_size = 0;
    CHK("sigaltstack", "disable", syscall(SYS_sigaltstack, &ss, NULL));
    syscall(SYS_sigaltstack, NULL, &os);
    printf("%-30s flags %d size %ld\n", "disabled", os.ss_flags, (long)os.ss_size);
}

static void die(void) {
    printf("sending SIGPIPE with its default action\n");
    fflush(stdout);
    kill(getpid(), SIGPIPE);
    printf("still alive after SIGPIPE\n");
}

static void term(void) {
    uint32_t s[2] = { 0, 0 };
    setbit(s, SIGTERM);
    pm(SIG_BLOCK, s, NULL);
    CHK("kill", "self TERM (blocked)", kill(getpid(), SIGTERM));
    pending("TERM blocked");
    printf("unblocking SIGTERM\n");
    fflush(stdout);
    pm(SIG_UNBLOCK, s, NULL);
    printf("still alive after unblocking SIGTERM\n");
}

static void linux_only(void) {
    /* A stored action drops SIGKILL and SIGSTOP from its mask and flags Linux does not know
     * (qemu-user returns what it was given). */
    struct ksa a, o;
    memset(&a, 0, sizeof a);
    a.handler = (unsigned long)handler;
    a.flags = SA_RESTART | 0x00000400 /* SA_UNSUPPORTED */ | 0x00200000;
    setbit(a.mask, SIGKILL);
    setbit(a.mask, SIGSTOP);
    setbit(a.mask, SIGUSR2);
    sa(SIGUSR1, &a, NULL);
    sa(SIGUSR1, NULL, &o);
    printf("read back: flags %lx KILL %d STOP %d USR2 %d\n", o.flags, isset(o.mask, SIGKILL), isset(o.mask, SIGSTOP), isset(o.mask, SIGUSR2));
    stack_t ss = { 0 }, os;
    static char mem[65536];
    ss.ss_sp = mem; ss.ss_size = sizeof mem; ss.ss_flags = SS_AUTODISARM;
    CHK("sigaltstack", "SS_AUTODISARM", syscall(SYS_sigaltstack, &ss, NULL));
    syscall(SYS_sigaltstack, NULL, &os);
    printf("%-30s flags %x size %ld\n", "autodisarm", (unsigned)os.ss_flags, (long)os.ss_size);
    ss.ss_size = 4096; ss.ss_flags = 0;
    CHK("sigaltstack", "size 4096 (ppc64 needs 8192)", syscall(SYS_sigaltstack, &ss, NULL));
    /* kill(-1): every process but init and oneself; this process is both. */
    CHK("kill", "-1 0", kill(-1, 0));
}

static void caught(void) {
    struct ksa a = { (unsigned long)handler, 0, 0, { 0, 0 } }, d = { (unsigned long)SIG_DFL, 0, 0, { 0, 0 } };
    sa(SIGUSR1, &a, NULL);
    CHK("kill", "self USR1 (handler installed)", kill(getpid(), SIGUSR1));
    printf("handler ran: %s\n", ran ? "yes" : "no");
    pending("USR1 caught");
    printf("restoring SIG_DFL for SIGUSR1\n");
    fflush(stdout);
    sa(SIGUSR1, &d, NULL);
    printf("still alive after SIG_DFL\n");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    const char *m = argc > 1 ? argv[1] : "";
    if (strcmp(m, "term") == 0) term();
    else if (strcmp(m, "abort") == 0) { printf("abort\n"); fflush(stdout); abort(); }
    else if (strcmp(m, "linux") == 0) linux_only();
    else if (strcmp(m, "caught") == 0) caught();
    else {
        actions();
        masks();
        sending();
        altstack();
        die();
    }
    return 0;
}
