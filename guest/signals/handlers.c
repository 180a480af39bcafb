/*
 * Signal handlers as a program sees them: what runs when, with which siginfo and mask.
 *
 *   handlers            the checks below, in order
 *   handlers resethand  SA_RESETHAND: the handler runs once, the second signal kills (SIGUSR1)
 *   handlers abort      abort() from inside a handler: SIGABRT, status 134
 *
 * Checks: signal() and sigaction() handlers; SA_SIGINFO fields for kill (SI_USER, the sender's
 * pid and uid), tgkill (SI_TKILL), sigqueue (SI_QUEUE, si_value); the raw sigqueue calls and
 * their refusals; the mask inside a handler
 * (the signal itself and sa_mask blocked) and back after it; SA_NODEFER (the handler nests in
 * itself); a handler interrupted by another signal (nested frames); SA_RESETHAND; standard
 * signals coalescing while blocked and real-time signals queueing in order; sigpending.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static const char *code_name(int c) {
    switch (c) {
    case SI_USER: return "SI_USER";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TKILL: return "SI_TKILL";
    default: return "?";
    }
}

static volatile int depth, order_len;
static char order[64];
static void note(char c) { if (order_len < 63) order[order_len++] = c; }

static void on_plain(int sig) { printf("plain handler: sig %d\n", sig); }

static void on_info(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    printf("siginfo: signo %d (arg %d) code %s errno %d pid %s uid %s",
           si->si_signo, sig, code_name(si->si_code), si->si_errno,
           si->si_pid == getpid() ? "self" : "other", si->si_uid == getuid() ? "self" : "other");
    if (si->si_code == SI_QUEUE) printf(" value %d", si->si_value.sival_int);
    printf("\n");
}

static void print_mask(const char *what) {
    sigset_t m;
    sigprocmask(SIG_SETMASK, NULL, &m);
    printf("%-24s USR1 %d USR2 %d TERM %d HUP %d\n", what, sigismember(&m, SIGUSR1), sigismember(&m, SIGUSR2),
           sigismember(&m, SIGTERM), sigismember(&m, SIGHUP));
}

static void on_masked(int sig) {
    (void)sig;
    print_mask("mask in handler");
}

static volatile int calls;
static void on_nodefer(int sig) {
    int d = ++depth;
    note('0' + d);
    /* With SA_NODEFER the raise runs the handler again at once, nested; without, after this returns. */
    if (++calls < 3) raise(sig);
    note('a' + d - 1);
    depth--;
}

static void on_outer(int sig) {
    (void)sig;
    note('O');
    raise(SIGUSR2); /* not blocked in here: its handler runs inside this one */
    note('o');
}
static void on_inner(int sig) {
    (void)sig;
    note('I');
}

static volatile int count;
static void on_count(int sig) { (void)sig; count++; }

static int rt_vals[8], rt_n;
static void on_rt(int sig, siginfo_t *si, void *uc) {
    (void)sig; (void)uc;
    if (rt_n < 8) rt_vals[rt_n++] = si->si_value.sival_int;
}

static void install(int sig, void (*h)(int), int flags, int masked) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    if (masked) sigaddset(&sa.sa_mask, masked);
    if (sigaction(sig, &sa, NULL) != 0) perror("sigaction");
}

static void install_info(int sig, void (*h)(int, siginfo_t *, void *)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static void checks(void) {
    signal(SIGUSR1, on_plain);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);

    install_info(SIGUSR2, on_info);
    kill(getpid(), SIGUSR2);
    syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR2);
    union sigval v = { .sival_int = 42 };
    sigqueue(getpid(), SIGUSR2, v);

    /* The raw sigqueue calls: to its own thread; impersonating kill (si_code SI_USER) towards
       another pid is refused before the pid is looked up; a thread id of 0 is invalid. */
    siginfo_t qi;
    memset(&qi, 0, sizeof qi);
    qi.si_signo = SIGUSR2;
    qi.si_code = SI_QUEUE;
    qi.si_pid = getpid();
    qi.si_uid = getuid();
    qi.si_value.sival_int = 7;
    long r = syscall(SYS_rt_tgsigqueueinfo, getpid(), syscall(SYS_gettid), SIGUSR2, &qi);
    printf("rt_tgsigqueueinfo to itself -> %ld\n", r);
    qi.si_code = SI_USER;
    r = syscall(SYS_rt_sigqueueinfo, getpid() + 1000, SIGUSR2, &qi);
    printf("rt_sigqueueinfo SI_USER to another pid -> %ld %s\n", r, r < 0 && errno == EPERM ? "EPERM" : "?");
    qi.si_code = SI_QUEUE;
    r = syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR2, &qi);
    printf("rt_tgsigqueueinfo tid 0 -> %ld %s\n", r, r < 0 && errno == EINVAL ? "EINVAL" : "?");
    r = kill(getpid(), 65);
    printf("kill signal 65 -> %ld %s\n", r, r < 0 && errno == EINVAL ? "EINVAL" : "?");
    printf("kill signal 0 -> %d\n", kill(getpid(), 0));

    install(SIGUSR1, on_masked, 0, SIGTERM);
    print_mask("mask before");
    raise(SIGUSR1);
    print_mask("mask after");

    install(SIGUSR1, on_nodefer, SA_NODEFER, 0);
    order_len = 0;
    calls = 0;
    raise(SIGUSR1);
    order[order_len] = 0;
    printf("SA_NODEFER nesting: %s\n", order);

    install(SIGUSR1, on_nodefer, 0, 0);
    order_len = 0;
    calls = 0;
    raise(SIGUSR1);
    order[order_len] = 0;
    printf("deferred (no SA_NODEFER): %s\n", order);

    install(SIGUSR1, on_outer, 0, 0);
    install(SIGUSR2, on_inner, 0, 0);
    order_len = 0;
    raise(SIGUSR1);
    order[order_len] = 0;
    printf("handler interrupted by another: %s\n", order);

    install(SIGUSR2, on_inner, 0, 0);
    install(SIGUSR1, on_outer, 0, SIGUSR2);
    order_len = 0;
    raise(SIGUSR1);
    order[order_len] = 0;
    printf("other signal in sa_mask: %s\n", order);

    install(SIGHUP, on_count, SA_RESETHAND, 0);
    raise(SIGHUP);
    struct sigaction old;
    sigaction(SIGHUP, NULL, &old);
    printf("SA_RESETHAND: ran %d, handler now %s, flags %s\n", count, old.sa_handler == SIG_DFL ? "SIG_DFL" : "set",
           (old.sa_flags & SA_RESETHAND) ? "keep RESETHAND" : "no RESETHAND");

    sigset_t block, pend;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigaddset(&block, SIGRTMIN + 1);
    install(SIGUSR1, on_count, 0, 0);
    install_info(SIGRTMIN + 1, on_rt);
    count = 0;
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    raise(SIGUSR1);
    raise(SIGUSR1);
    for (int i = 1; i <= 4; i++) {
        union sigval q = { .sival_int = i * 11 };
        sigqueue(getpid(), SIGRTMIN + 1, q);
    }
    sigpending(&pend);
    printf("pending while blocked: USR1 %d RTMIN+1 %d USR2 %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGRTMIN + 1),
           sigismember(&pend, SIGUSR2));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    printf("standard signal sent 3 times while blocked: handled %d times\n", count);
    printf("real-time signal queued 4 times: handled %d times, values", rt_n);
    for (int i = 0; i < rt_n; i++) printf(" %d", rt_vals[i]);
    printf("\n");
    sigpending(&pend);
    printf("pending after: USR1 %d RTMIN+1 %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGRTMIN + 1));
}

static void on_abort(int sig) {
    printf("in handler for %d: abort()\n", sig);
    fflush(stdout);
    abort();
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *m = argc > 1 ? argv[1] : "";
    if (strcmp(m, "resethand") == 0) {
        install(SIGUSR1, on_count, SA_RESETHAND, 0);
        raise(SIGUSR1);
        printf("first SIGUSR1 handled %d\n", count);
        raise(SIGUSR1);
        printf("not reached\n");
        return 0;
    }
    if (strcmp(m, "abort") == 0) {
        install(SIGUSR1, on_abort, 0, 0);
        raise(SIGUSR1);
        return 0;
    }
    checks();
    return 0;
}
