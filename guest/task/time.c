/*
 * The time family as a program sees it: clock_gettime/getres/nanosleep/settime for every clock
 * id, nanosleep, gettimeofday, settimeofday, stime, time, times and adjtimex, with their errno
 * cases and the relations between clocks. No time value is printed in the default mode, only
 * relations, so the output is the same under qemu-user (the host's clocks) and k42ts (the
 * virtual clock).
 *
 *   time          the checks that are safe for any user under qemu: nothing that could set the
 *                 host's clock is called as root (every root call here fails its validity
 *                 checks before the capability check); an unprivileged caller also tries the
 *                 setters (EPERM).
 *   time root     k42ts only, run as root: the guest steps its own clock and reads it back;
 *                 adjtimex's state. The test holds the output to Linux's values.
 *   time values   k42ts only: values that depend on the kernel's configuration (the coarse
 *                 clocks' tick, the profiling clocks' resolution, the time zone).
 *   time linux    k42ts only: the cases where qemu-user 7.2 is not Linux.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/timex.h>
#include "check.h"

/* Raw system calls: the kernel's answers, not glibc's fallbacks. ppc32's plain calls take the
 * 32-bit struct timespec, which is what <time.h> declares without _TIME_BITS=64. */
static long cgt(long id, struct timespec *t) { return syscall(SYS_clock_gettime, id, t); }
static long cgr(long id, struct timespec *t) { return syscall(SYS_clock_getres, id, t); }
static long cns(long id, long flags, const struct timespec *t) { return syscall(SYS_clock_nanosleep, id, flags, t, NULL); }
static long cst(long id, const struct timespec *t) { return syscall(SYS_clock_settime, id, t); }

static long long ns(const struct timespec *t) { return (long long)t->tv_sec * 1000000000LL + t->tv_nsec; }

static const long IDS[] = { 0, 1, 2, 3, 4, 5, 6, 7, 11, 10, 12, 16, 1000, -1 };

static void safe(void) {
    char c[64];
    struct timespec t, r;
    for (unsigned i = 0; i < sizeof IDS / sizeof IDS[0]; i++) {
        snprintf(c, sizeof c, "clock %ld", IDS[i]);
        CHK("clock_gettime", c, cgt(IDS[i], &t));
    }
    /* The fine clocks resolve to the nanosecond (the coarse ones: see "values"). */
    for (long id = 0; id <= 11; id++) {
        if (id == 5 || id == 6 || id == 8 || id == 9 || id == 10) continue;
        r.tv_sec = r.tv_nsec = -1;
        long x = cgr(id, &r);
        printf("%-16s clock %-34ld -> %ld %s %lld\n", "clock_getres", id, x, x ? ename(errno) : "0", ns(&r));
    }
    CHK("clock_getres", "NULL result", cgr(CLOCK_MONOTONIC, NULL));
    CHK("clock_getres", "bad clock", cgr(77, &r));
    CHK("clock_gettime", "bad pointer", cgt(CLOCK_REALTIME, BAD));

    /* clock_nanosleep: which clocks can sleep, and the argument checks. */
    struct timespec zero = { 0, 0 }, ms = { 0, 1000000 }, big = { 0, 1000000000 }, neg = { -1, 0 }, negn = { 0, -1 };
    CHK("clock_nanosleep", "REALTIME 0", cns(CLOCK_REALTIME, 0, &zero));
    CHK("clock_nanosleep", "MONOTONIC 1ms", cns(CLOCK_MONOTONIC, 0, &ms));
    CHK("clock_nanosleep", "BOOTTIME 0", cns(CLOCK_BOOTTIME, 0, &zero));
    CHK("clock_nanosleep", "TAI 0", cns(CLOCK_TAI, 0, &zero));
    CHK("clock_nanosleep", "MONOTONIC_RAW", cns(CLOCK_MONOTONIC_RAW, 0, &zero));
    CHK("clock_nanosleep", "REALTIME_COARSE", cns(CLOCK_REALTIME_COARSE, 0, &zero));
    CHK("clock_nanosleep", "MONOTONIC_COARSE", cns(CLOCK_MONOTONIC_COARSE, 0, &zero));
    CHK("clock_nanosleep", "THREAD_CPUTIME_ID", cns(CLOCK_THREAD_CPUTIME_ID, 0, &zero));
    CHK("clock_nanosleep", "PROCESS_CPUTIME_ID 0", cns(CLOCK_PROCESS_CPUTIME_ID, 0, &zero));
    struct timespec ns1 = { 0, 1 };
    CHK("clock_nanosleep", "PROCESS_CPUTIME_ID abs past", cns(CLOCK_PROCESS_CPUTIME_ID, TIMER_ABSTIME, &ns1));
    CHK("clock_nanosleep", "bad clock", cns(99, 0, &zero));
    CHK("clock_nanosleep", "nsec 1e9", cns(CLOCK_MONOTONIC, 0, &big));
    CHK("clock_nanosleep", "sec -1", cns(CLOCK_MONOTONIC, 0, &neg));
    CHK("clock_nanosleep", "nsec -1", cns(CLOCK_MONOTONIC, 0, &negn));
    CHK("clock_nanosleep", "bad pointer", cns(CLOCK_MONOTONIC, 0, BAD));
    CHK("clock_nanosleep", "unknown flag bit", cns(CLOCK_MONOTONIC, 2, &zero));
    CHK("clock_nanosleep", "abs in the past", cns(CLOCK_MONOTONIC, TIMER_ABSTIME, &ms));
    CHK("clock_nanosleep", "abs REALTIME past", cns(CLOCK_REALTIME, TIMER_ABSTIME, &ms));

    CHK("nanosleep", "0", syscall(SYS_nanosleep, &zero, NULL));
    CHK("nanosleep", "nsec 1e9", syscall(SYS_nanosleep, &big, NULL));
    CHK("nanosleep", "sec -1", syscall(SYS_nanosleep, &neg, NULL));

    /* Relations between the clocks. */
    struct timespec a, b;
    cgt(CLOCK_MONOTONIC, &a);
    syscall(SYS_nanosleep, &ms, NULL);
    cgt(CLOCK_MONOTONIC, &b);
    SAY("nanosleep", "1ms advances CLOCK_MONOTONIC by >= 1ms", ns(&b) - ns(&a) >= 1000000);
    struct timeval tv;
    cgt(CLOCK_REALTIME, &a);
    CHK("gettimeofday", "tv", syscall(SYS_gettimeofday, &tv, NULL));
    SAY("gettimeofday", "agrees with CLOCK_REALTIME", tv.tv_sec - a.tv_sec <= 1 && tv.tv_sec >= a.tv_sec && tv.tv_usec < 1000000);
    CHK("gettimeofday", "NULL NULL", syscall(SYS_gettimeofday, NULL, NULL));
    CHK("gettimeofday", "bad tv", syscall(SYS_gettimeofday, BAD, NULL));
    CHK("gettimeofday", "bad tz", syscall(SYS_gettimeofday, NULL, BAD));
#ifdef SYS_time
    long tt = 0;
    long t1 = syscall(SYS_time, &tt);
    /* Linux's time() reads the coarse clock (the last tick's seconds), which may trail a
       CLOCK_REALTIME read made just before it across a second boundary by a tick: one second
       either way agrees. */
    SAY("time", "agrees with CLOCK_REALTIME", t1 == tt && t1 - a.tv_sec <= 1 && t1 >= a.tv_sec - 1);
    CHK("time", "bad pointer", syscall(SYS_time, BAD));
#endif
    struct tms tm;
    errno = 0;
    long tk = syscall(SYS_times, &tm);
    SAY("times", "answers", tk != -1 || errno == 0);
    SAY("times", "utime and stime are counts", (long)tm.tms_utime >= 0 && (long)tm.tms_stime >= 0 && tm.tms_cutime == 0 && tm.tms_cstime == 0);
    errno = 0;
    tk = syscall(SYS_times, NULL);
    SAY("times", "NULL answers", tk != -1 || errno == 0);
    CHK("times", "bad pointer", syscall(SYS_times, BAD));

    /* CPU-clock ids (clock_getcpuclockid): this process, this thread, and a pid that does not exist. */
    clockid_t self;
    CHK("getcpuclockid", "0", clock_getcpuclockid(0, &self) == 0 ? 0 : -1);
    printf("%-16s %-40s -> %ld\n", "getcpuclockid", "id of pid 0", (long)self);
    CHK("clock_gettime", "process CPU clock", cgt(self, &t));
    r.tv_sec = r.tv_nsec = -1;
    CHK("clock_getres", "process CPU clock", cgr(self, &r));
    printf("%-16s %-40s -> %lld\n", "clock_getres", "process CPU clock value", ns(&r));
    long none = ((~4194305L) << 3) | 2; /* pid 4194305: past pid_max, never a process */
    CHK("clock_gettime", "CPU clock of no process", cgt(none, &t));
    CHK("clock_nanosleep", "own thread's CPU clock", cns(self | 4, 0, &zero));
    CHK("clock_settime", "process CPU clock", cst(self, &zero));
    CHK("clock_settime", "thread CPUTIME_ID", cst(CLOCK_THREAD_CPUTIME_ID, &zero));
    CHK("clock_settime", "fd clock (bits 3)", cst(-5, &zero));

    /* Setters whose arguments fail Linux's checks before the capability check: safe as root. */
    struct timeval badu = { 1, 2000000 }, negu = { 1, -1 };
    struct timezone badtz = { 10000, 0 };
    struct timespec badn = { 1, 2000000000 };
    CHK("settimeofday", "usec 2e6", syscall(SYS_settimeofday, &badu, NULL));
    CHK("settimeofday", "usec -1", syscall(SYS_settimeofday, &negu, NULL));
    CHK("settimeofday", "bad tv pointer", syscall(SYS_settimeofday, BAD, NULL));
    CHK("clock_settime", "MONOTONIC", cst(CLOCK_MONOTONIC, &zero));
    CHK("clock_settime", "BOOTTIME", cst(CLOCK_BOOTTIME, &zero));
    CHK("clock_settime", "bad clock", cst(99, &zero));
    CHK("clock_settime", "REALTIME nsec 2e9", cst(CLOCK_REALTIME, &badn));
    CHK("clock_settime", "REALTIME bad pointer", cst(CLOCK_REALTIME, BAD));
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    tx.modes = 0x8000; /* ADJ_ADJTIME alone: not a single shot */
    CHK("adjtimex", "ADJ_ADJTIME alone", syscall(SYS_adjtimex, &tx));
    CHK("adjtimex", "bad pointer", syscall(SYS_adjtimex, BAD));
    memset(&tx, 0, sizeof tx);
    errno = 0;
    long st = syscall(SYS_adjtimex, &tx);
    SAY("adjtimex", "read answers a clock state", st >= 0 && st <= 5);
    SAY("adjtimex", "read: precision, tolerance, tick", tx.precision == 1 && tx.tolerance == 32768000 && tx.tick > 0);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_OFFSET_SS_READ;
    SAY("adjtimex", "ADJ_OFFSET_SS_READ answers", syscall(SYS_adjtimex, &tx) >= 0);
#ifdef SYS_clock_adjtime
    memset(&tx, 0, sizeof tx);
    CHK("clock_adjtime", "MONOTONIC", syscall(SYS_clock_adjtime, CLOCK_MONOTONIC, &tx));
    CHK("clock_adjtime", "bad clock", syscall(SYS_clock_adjtime, 99, &tx));
    SAY("clock_adjtime", "REALTIME read answers", syscall(SYS_clock_adjtime, CLOCK_REALTIME, &tx) >= 0);
#endif

    if (geteuid() != 0) {
        /* Only an unprivileged caller: every setter is refused. */
        struct timeval now;
        gettimeofday(&now, NULL);
        struct timezone tz0 = { 0, 0 };
        CHK("settimeofday", "unprivileged now", syscall(SYS_settimeofday, &now, NULL));
        CHK("settimeofday", "unprivileged tz", syscall(SYS_settimeofday, NULL, &tz0));
        CHK("settimeofday", "unprivileged tz out of range", syscall(SYS_settimeofday, NULL, &badtz));
        struct timespec n;
        cgt(CLOCK_REALTIME, &n);
        CHK("clock_settime", "unprivileged REALTIME", cst(CLOCK_REALTIME, &n));
#ifdef SYS_stime
        long secs = now.tv_sec;
        CHK("stime", "unprivileged", syscall(SYS_stime, &secs));
#endif
        memset(&tx, 0, sizeof tx);
        tx.modes = ADJ_MAXERROR;
        CHK("adjtimex", "unprivileged ADJ_MAXERROR", syscall(SYS_adjtimex, &tx));
        memset(&tx, 0, sizeof tx);
        tx.modes = ADJ_SETOFFSET;
        CHK("adjtimex", "unprivileged ADJ_SETOFFSET", syscall(SYS_adjtimex, &tx));
        memset(&tx, 0, sizeof tx);
        tx.modes = ADJ_OFFSET_SINGLESHOT;
        CHK("adjtimex", "unprivileged single shot", syscall(SYS_adjtimex, &tx));
    } else {
        CHK("settimeofday", "root tz out of range", syscall(SYS_settimeofday, NULL, &badtz));
    }
}

/* k42ts only, as root: the guest's own clock. */
static void root(void) {
    struct timeval tv = { 1234567890, 500000 };
    struct timespec t, m0, m1;
    /* (Not in the safe mode: glibc's settimeofday, which qemu calls for the guest, reads *tv.) */
    CHK("settimeofday", "NULL NULL", syscall(SYS_settimeofday, NULL, NULL));
    cgt(CLOCK_MONOTONIC, &m0);
    CHK("settimeofday", "1234567890.5", syscall(SYS_settimeofday, &tv, NULL));
    cgt(CLOCK_REALTIME, &t);
    cgt(CLOCK_MONOTONIC, &m1);
    printf("%-16s %-40s -> %ld %d\n", "clock_gettime", "REALTIME after settimeofday", (long)t.tv_sec, t.tv_nsec >= 500000000);
    SAY("clock_gettime", "MONOTONIC did not jump", ns(&m1) - ns(&m0) < 1000000000LL);
    printf("%-16s %-40s -> %ld\n", "time", "after settimeofday", (long)syscall(SYS_time, NULL));
    struct timezone tz = { -60, 0 }, got;
    CHK("settimeofday", "tz -60", syscall(SYS_settimeofday, NULL, &tz));
    syscall(SYS_gettimeofday, &tv, &got);
    printf("%-16s %-40s -> %d %d\n", "gettimeofday", "tz", got.tz_minuteswest, got.tz_dsttime);
    struct timespec two = { 2000000000, 0 };
    CHK("clock_settime", "REALTIME 2e9", cst(CLOCK_REALTIME, &two));
    printf("%-16s %-40s -> %ld\n", "time", "after clock_settime", (long)syscall(SYS_time, NULL));
#ifdef SYS_stime
    long s = 1500000000;
    CHK("stime", "1.5e9", syscall(SYS_stime, &s));
    printf("%-16s %-40s -> %ld\n", "time", "after stime", (long)syscall(SYS_time, NULL));
#endif
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    long st = syscall(SYS_adjtimex, &tx);
    printf("%-16s %-40s -> %ld status 0x%x maxerror %ld esterror %ld constant %ld precision %ld tolerance %ld tick %ld tai %d offset %ld freq %ld\n",
           "adjtimex", "read", st, tx.status, (long)tx.maxerror, (long)tx.esterror, (long)tx.constant, (long)tx.precision,
           (long)tx.tolerance, (long)tx.tick, tx.tai, (long)tx.offset, (long)tx.freq);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_SETOFFSET;
    tx.time.tv_sec = 10;
    long before = syscall(SYS_time, NULL);
    st = syscall(SYS_adjtimex, &tx);
    printf("%-16s %-40s -> %ld advanced %ld\n", "adjtimex", "ADJ_SETOFFSET +10 s", st, (long)syscall(SYS_time, NULL) - before);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_STATUS;
    tx.status = 0;
    st = syscall(SYS_adjtimex, &tx);
    printf("%-16s %-40s -> %ld status 0x%x\n", "adjtimex", "ADJ_STATUS 0", st, tx.status);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_MAXERROR | ADJ_ESTERROR | ADJ_TIMECONST;
    tx.maxerror = 100;
    tx.esterror = 50;
    tx.constant = 3;
    st = syscall(SYS_adjtimex, &tx);
    printf("%-16s %-40s -> %ld maxerror %ld esterror %ld constant %ld\n", "adjtimex", "MAXERROR ESTERROR TIMECONST", st, (long)tx.maxerror, (long)tx.esterror, (long)tx.constant);
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_TAI;
    tx.constant = 37;
    st = syscall(SYS_adjtimex, &tx);
    struct timespec tai, real;
    cgt(CLOCK_TAI, &tai);
    cgt(CLOCK_REALTIME, &real);
    printf("%-16s %-40s -> %ld tai %d TAI-REALTIME %ld\n", "adjtimex", "ADJ_TAI 37", st, tx.tai, (long)(tai.tv_sec - real.tv_sec));
    memset(&tx, 0, sizeof tx);
    tx.modes = ADJ_TICK;
    tx.tick = 1;
    CHK("adjtimex", "ADJ_TICK 1", syscall(SYS_adjtimex, &tx));
    struct timespec zero = { 0, 0 };
    CHK("clock_nanosleep", "REALTIME_ALARM as root", cns(CLOCK_REALTIME_ALARM, 0, &zero));
    CHK("clock_nanosleep", "BOOTTIME_ALARM bad flag", cns(CLOCK_BOOTTIME_ALARM, 2, &zero));
}

/* k42ts only: where qemu-user 7.2 is not Linux (it ignores a failed copy in these two). */
static void linux_only(void) {
    CHK("clock_getres", "bad pointer", cgr(CLOCK_REALTIME, BAD));
    CHK("nanosleep", "bad pointer", syscall(SYS_nanosleep, BAD, NULL));
}

/* k42ts only: what depends on the kernel's configuration. */
static void values(void) {
    struct timespec r, a, b;
    /* (Not compared with qemu: on a host whose scheduler clock ticks, a short loop may not show.) */
    cgt(CLOCK_PROCESS_CPUTIME_ID, &a);
    volatile unsigned long spin = 0;
    for (int i = 0; i < 100000; i++) spin += i;
    cgt(CLOCK_PROCESS_CPUTIME_ID, &b);
    SAY("cputime", "a busy loop advances PROCESS_CPUTIME_ID", ns(&b) > ns(&a));
    for (long id = 5; id <= 6; id++) {
        cgr(id, &r);
        printf("%-16s coarse clock %-27ld -> %lld\n", "clock_getres", id, ns(&r));
    }
    cgr(((~0L) << 3) | 0, &r);
    printf("%-16s %-40s -> %lld\n", "clock_getres", "process PROF clock", ns(&r));
    CHK("clock_gettime", "REALTIME_ALARM", cgt(CLOCK_REALTIME_ALARM, &r));
    CHK("clock_gettime", "BOOTTIME_ALARM", cgt(CLOCK_BOOTTIME_ALARM, &r));
    struct timezone tz;
    syscall(SYS_gettimeofday, NULL, &tz);
    printf("%-16s %-40s -> %d %d\n", "gettimeofday", "tz", tz.tz_minuteswest, tz.tz_dsttime);
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    long st = syscall(SYS_adjtimex, &tx);
    printf("%-16s %-40s -> %ld status 0x%x tick %ld\n", "adjtimex", "read", st, tx.status, (long)tx.tick);
    struct timespec zero = { 0, 0 };
    CHK("clock_nanosleep", "REALTIME_ALARM", cns(CLOCK_REALTIME_ALARM, 0, &zero));
    /* times(): ticks since boot, and CLOCK_MONOTONIC in the same ticks. */
    struct tms tm;
    struct timespec m;
    long t = syscall(SYS_times, &tm);
    cgt(CLOCK_MONOTONIC, &m);
    SAY("times", "ticks since boot (100 Hz)", t >= 0 && t <= ns(&m) / 10000000 && ns(&m) / 10000000 - t <= 1);
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (argc > 1 && strcmp(argv[1], "root") == 0) root();
    else if (argc > 1 && strcmp(argv[1], "values") == 0) values();
    else if (argc > 1 && strcmp(argv[1], "linux") == 0) linux_only();
    else safe();
    return 0;
}
