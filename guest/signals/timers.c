/*
 * Signals over time: the interval timers as the asynchronous source, and the calls that wait
 * for signals or are interrupted by them. Timers are short (10-20 ms) and the program prints
 * only what does not depend on how long things took.
 *
 *   timers            the checks below, in order
 *   timers alarmdeath an ITIMER_REAL expiry with SIGALRM's default action: the process dies
 *   timers read       a read of standard input that never gets data (an open, empty pipe)
 *                     interrupted by SIGALRM: EINTR; with SA_RESTART the read starts again —
 *                     the handler closed descriptor 0, so the restarted read answers EBADF
 *
 * Checks: alarm's return values; getitimer and setitimer's old value; a periodic ITIMER_REAL
 * waking pause three times; sigsuspend with SIGALRM blocked outside it, and started again after
 * a pending ignored signal woke it; rt_sigtimedwait taking
 * a pending signal, timing out, taking a timer's signal while it waits, and interrupted by
 * another signal; nanosleep interrupted (EINTR, with the time left) with and without
 * SA_RESTART (a sleep is never restarted after a handler); a futex wait interrupted: EINTR
 * without SA_RESTART, restarted with it (the handler changes the word: EAGAIN); ITIMER_VIRTUAL
 * and ITIMER_PROF firing on CPU time.
 *
 * Nothing here depends on how long the program takes between arming a timer and entering the
 * call the timer is to interrupt (the first call through a lazily bound PLT entry, a page-in,
 * the host pausing the emulator can all take longer than a timer's 10 ms): a wait that only a
 * signal ends is interrupted by a periodic timer (an expiry before the call runs the handler
 * early, the next one interrupts the call) and the output says whether the handler ran during
 * the call, not how often; a sigsuspend's timer signal is blocked until the call unblocks it.
 * A one-shot timer is kept where an early expiry gives the same outcome.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/time.h>

#define MS 1000

static const char *err(int r) {
    if (r >= 0) return "ok";
    switch (errno) {
    case EINTR: return "EINTR";
    case EAGAIN: return "EAGAIN";
    case EINVAL: return "EINVAL";
    default: return strerror(errno);
    }
}

static volatile int alrm, vt, prof;
static volatile int word;
static void on_alrm(int s) { (void)s; alrm++; }
static void on_alrm_word(int s) { (void)s; alrm++; word = 1; }
static void on_vt(int s) { (void)s; vt++; }
static void on_prof(int s) { (void)s; prof++; }

static void on_alrm_close(int s) { (void)s; alrm++; close(0); }

static void install(int sig, void (*h)(int), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = h;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/** ITIMER_REAL once, after `us` microseconds. */
static void once(long us) {
    struct itimerval it = { { 0, 0 }, { us / 1000000, us % 1000000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

/** ITIMER_REAL every `us` microseconds: whatever the call after it waits for, one expiry comes during it. */
static void every(long us) {
    struct itimerval it = { { us / 1000000, us % 1000000 }, { us / 1000000, us % 1000000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm(void) {
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &zero, NULL);
}

static const char *yes(int b) { return b ? "yes" : "no"; }

static void alarms(void) {
    printf("alarm(5) -> %u\n", alarm(5));
    printf("alarm(3) -> %u\n", alarm(3));
    printf("alarm(0) -> %u\n", alarm(0));
    printf("alarm(0) again -> %u\n", alarm(0));

    struct itimerval it = { { 0, 0 }, { 0, 200 * MS } }, cur, old;
    setitimer(ITIMER_REAL, &it, NULL);
    getitimer(ITIMER_REAL, &cur);
    long left = cur.it_value.tv_sec * 1000000 + cur.it_value.tv_usec;
    printf("getitimer: value within (0, 200 ms]: %s, interval %ld.%06ld\n", left > 0 && left <= 200 * MS ? "yes" : "no",
           (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec);
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &zero, &old);
    left = old.it_value.tv_sec * 1000000 + old.it_value.tv_usec;
    printf("setitimer(0): old value within (0, 200 ms]: %s\n", left > 0 && left <= 200 * MS ? "yes" : "no");
    getitimer(ITIMER_REAL, &cur);
    printf("disarmed: %ld.%06ld\n", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
    struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
    int r = setitimer(ITIMER_REAL, &bad, NULL);
    printf("setitimer usec 1000000 -> %d %s\n", r, err(r));
    r = setitimer(7, &zero, NULL);
    printf("setitimer which 7 -> %d %s\n", r, err(r));
}

static void periodic(void) {
    install(SIGALRM, on_alrm, 0);
    alrm = 0;
    struct itimerval it = { { 0, 10 * MS }, { 0, 10 * MS } };
    setitimer(ITIMER_REAL, &it, NULL);
    for (int i = 0; i < 3; i++) {
        int before = alrm;
        int r = pause();
        printf("pause -> %d %s, the handler ran: %s\n", r, err(r), yes(alrm > before));
    }
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &zero, NULL);
}

/* sigsuspend woken by a signal whose action is SIG_IGN (pending while blocked): delivery finds
   nothing to run, so the call starts again (ERESTARTNOHAND without a handler) with its mask,
   and the next signal, caught, ends it with EINTR. SIGALRM is blocked until sigsuspend unblocks
   it, so that an early expiry waits for the call. */
static void suspend_restarted(void) {
    sigset_t block, empty, pend;
    signal(SIGUSR1, SIG_IGN);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    raise(SIGUSR1);
    sigpending(&pend);
    printf("ignored SIGUSR1 pending while blocked: %d\n", sigismember(&pend, SIGUSR1));
    install(SIGALRM, on_alrm, 0);
    alrm = 0;
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, NULL);
    once(10 * MS);
    sigemptyset(&empty);
    int r = sigsuspend(&empty);
    sigpending(&pend);
    printf("sigsuspend, the ignored signal first -> %d %s, handler ran %d, SIGUSR1 pending %d\n", r, err(r), alrm, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
    signal(SIGUSR1, SIG_DFL);
}

static void suspend(void) {
    sigset_t block, empty, now;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    alrm = 0;
    once(10 * MS);
    int r = sigsuspend(&empty);
    sigprocmask(SIG_SETMASK, NULL, &now);
    printf("sigsuspend -> %d %s, handler ran %d, SIGALRM blocked again %d\n", r, err(r), alrm, sigismember(&now, SIGALRM));
    sigprocmask(SIG_UNBLOCK, &block, NULL);
}

static const char *code(int c) { return c == SI_TKILL ? "SI_TKILL" : c == SI_KERNEL ? "SI_KERNEL" : c == SI_USER ? "SI_USER" : "?"; }

static void timedwait(void) {
    sigset_t set;
    siginfo_t info;
    struct timespec zero = { 0, 0 }, short_ = { 0, 20 * 1000 * MS }, long_ = { 5, 0 };
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    int r = sigtimedwait(&set, &info, &zero);
    printf("sigtimedwait pending USR1 -> %d, si_signo %d %s\n", r, info.si_signo, code(info.si_code));
    r = sigtimedwait(&set, &info, &zero);
    printf("sigtimedwait nothing, no wait -> %d %s\n", r, err(r));
    r = sigtimedwait(&set, &info, &short_);
    printf("sigtimedwait 20 ms -> %d %s\n", r, err(r));

    sigset_t alrmset;
    sigemptyset(&alrmset);
    sigaddset(&alrmset, SIGALRM);
    sigprocmask(SIG_BLOCK, &alrmset, NULL);
    alrm = 0;
    once(10 * MS);
    r = sigtimedwait(&alrmset, &info, &long_);
    printf("sigtimedwait for a timer -> %d %s, handler ran %d\n", r, code(info.si_code), alrm);
    sigprocmask(SIG_UNBLOCK, &alrmset, NULL);

    alrm = 0;
    every(10 * MS);
    r = sigtimedwait(&set, &info, &long_);
    disarm();
    printf("sigtimedwait USR1, SIGALRM comes -> %d %s, the handler ran: %s\n", r, err(r), yes(alrm > 0));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void sleeps(int restart) {
    install(SIGALRM, on_alrm, restart ? SA_RESTART : 0);
    alrm = 0;
    every(10 * MS);
    struct timespec req = { 2, 0 }, rem = { 0, 0 };
    int r = nanosleep(&req, &rem);
    disarm();
    printf("nanosleep 2 s%s, SIGALRM -> %d %s, the handler ran: %s, time left in (0, 2 s): %s\n", restart ? " (SA_RESTART)" : "", r, err(r), yes(alrm > 0),
           (rem.tv_sec > 0 || rem.tv_nsec > 0) && rem.tv_sec < 2 ? "yes" : "no");
    alrm = 0;
    every(10 * MS);
    r = pause();
    disarm();
    printf("pause%s -> %d %s, the handler ran: %s\n", restart ? " (SA_RESTART)" : "", r, err(r), yes(alrm > 0));
}

static void futexes(void) {
    install(SIGALRM, on_alrm, 0);
    word = 0;
    every(10 * MS);
    long r = syscall(SYS_futex, &word, FUTEX_WAIT, 0, NULL, NULL, 0);
    disarm();
    printf("futex wait, SIGALRM -> %ld %s\n", r, err((int)r));
    /* An expiry before the call sets the word first: EAGAIN at once, the same answer. */
    install(SIGALRM, on_alrm_word, SA_RESTART);
    word = 0;
    once(10 * MS);
    r = syscall(SYS_futex, &word, FUTEX_WAIT, 0, NULL, NULL, 0);
    printf("futex wait, SIGALRM with SA_RESTART (the handler changes the word) -> %ld %s, word %d\n", r, err((int)r), word);
}

static void cputimers(void) {
    install(SIGVTALRM, on_vt, 0);
    install(SIGPROF, on_prof, 0);
    struct itimerval it = { { 0, 0 }, { 0, 10 * MS } }, cur;
    setitimer(ITIMER_VIRTUAL, &it, NULL);
    getitimer(ITIMER_VIRTUAL, &cur);
    printf("ITIMER_VIRTUAL armed: %s\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 ? "yes" : "no");
    while (!vt) {
    }
    getitimer(ITIMER_VIRTUAL, &cur);
    printf("SIGVTALRM after CPU time: %d, disarmed %s\n", vt, cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0 ? "yes" : "no");
    setitimer(ITIMER_PROF, &it, NULL);
    while (!prof) {
    }
    printf("SIGPROF after CPU time: %d\n", prof);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "alarmdeath") == 0) {
        printf("waiting for SIGALRM without a handler\n");
        once(10 * MS);
        pause();
        printf("not reached\n");
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "read") == 0) {
        char buf[16];
        install(SIGALRM, on_alrm, 0);
        every(10 * MS);
        int r = (int)read(0, buf, sizeof buf);
        disarm();
        printf("read of an empty pipe, SIGALRM -> %d %s, the handler ran: %s\n", r, err(r), yes(alrm > 0));
        /* An expiry before the call closes descriptor 0 first: EBADF at once, the same answer. */
        install(SIGALRM, on_alrm_close, SA_RESTART);
        alrm = 0;
        once(10 * MS);
        r = (int)read(0, buf, sizeof buf);
        printf("the same with SA_RESTART (the handler closes it) -> %d %s, the handler ran: %s\n", r, r < 0 && errno == EBADF ? "EBADF" : err(r), yes(alrm > 0));
        return 0;
    }
    alarms();
    periodic();
    suspend();
    suspend_restarted();
    timedwait();
    sleeps(0);
    sleeps(1);
    futexes();
    cputimers();
    return 0;
}
