/*
 * The guest's view of time and randomness, for k42ts's deterministic mode: not compared with
 * qemu-user. Prints every clock of clock_gettime, gettimeofday, time(2), the AT_RANDOM bytes,
 * 32 getrandom() bytes and the CLOCK_MONOTONIC time across nanosleep(10 ms). Two k42ts runs
 * with the same seed and epoch must print the same bytes; the epoch shows in the real-time
 * clocks; the nanosleep delta is at least 10 ms.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static void hex(const char *what, const unsigned char *b, int n) {
    printf("%s ", what);
    for (int i = 0; i < n; i++) printf("%02x", b[i]);
    printf("\n");
}

int main(void) {
    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "CLOCK_REALTIME" },
        { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
        { CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID" },
        { CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID" },
        { CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" },
        { CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE" },
        { CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE" },
        { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
    };
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        struct timespec ts;
        if (clock_gettime(clocks[i].id, &ts) != 0) printf("%s error %s\n", clocks[i].name, strerror(errno));
        else printf("%s %lld.%09ld\n", clocks[i].name, (long long)ts.tv_sec, ts.tv_nsec);
    }
    struct timeval tv;
    if (gettimeofday(&tv, NULL) != 0) printf("gettimeofday error %s\n", strerror(errno));
    else printf("gettimeofday %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);
#ifdef SYS_time
    errno = 0;
    long t = syscall(SYS_time, NULL);
    if (t == -1) printf("time error %s\n", strerror(errno));
    else printf("time %ld\n", t);
#else
    printf("time %lld\n", (long long)time(NULL));
#endif
    const unsigned char *at = (const unsigned char *)getauxval(AT_RANDOM);
    if (at == NULL) printf("AT_RANDOM missing\n");
    else hex("AT_RANDOM", at, 16);
    unsigned char rnd[32];
    long n = getrandom(rnd, sizeof rnd, 0);
    if (n != (long)sizeof rnd) printf("getrandom error %ld %s\n", n, strerror(errno));
    else hex("getrandom", rnd, 32);
    struct timespec a, b, ten = { 0, 10 * 1000 * 1000 };
    clock_gettime(CLOCK_MONOTONIC, &a);
    int s = nanosleep(&ten, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long delta = (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    if (s != 0) printf("nanosleep error %s\n", strerror(errno));
    else printf("nanosleep 10ms monotonic delta %lld ns\n", delta);
    return 0;
}
