/* Guest clocks and randomness (issue: deterministic mode must be deterministic for guests).
 * Prints every clock, time(), gettimeofday, the AT_RANDOM bytes and getrandom bytes; checks
 * that nanosleep(10 ms) advances CLOCK_MONOTONIC by at least 10 ms. */
#include <stdio.h>
#include <time.h>
#include <sys/time.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

static void hex(const char *name, const unsigned char *b, int n) {
  printf("%s ", name);
  for (int i = 0; i < n; i++) printf("%02x", b[i]);
  printf("\n");
}

int main(void) {
  static const struct { int id; const char *name; } clocks[] = {
    {CLOCK_REALTIME, "REALTIME"}, {CLOCK_MONOTONIC, "MONOTONIC"},
    {CLOCK_PROCESS_CPUTIME_ID, "PROCESS_CPUTIME_ID"}, {CLOCK_THREAD_CPUTIME_ID, "THREAD_CPUTIME_ID"},
    {CLOCK_MONOTONIC_RAW, "MONOTONIC_RAW"}, {CLOCK_REALTIME_COARSE, "REALTIME_COARSE"},
    {CLOCK_MONOTONIC_COARSE, "MONOTONIC_COARSE"}, {CLOCK_BOOTTIME, "BOOTTIME"},
  };
  for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
    struct timespec ts;
    int r = clock_gettime(clocks[i].id, &ts);
    printf("%s %d %lld.%09ld\n", clocks[i].name, r, (long long)ts.tv_sec, (long)ts.tv_nsec);
  }
  struct timeval tv;
  gettimeofday(&tv, 0);
  printf("gettimeofday %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);
  printf("time %lld\n", (long long)time(0));
  hex("AT_RANDOM", (const unsigned char *)getauxval(AT_RANDOM), 16);
  unsigned char buf[32];
  printf("getrandom %ld\n", (long)getrandom(buf, sizeof buf, 0));
  hex("bytes", buf, 32);
  struct timespec a, b, d = {0, 10 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &a);
  nanosleep(&d, 0);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ns = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("slept at least 10 ms: %s\n", ns >= 10000000LL ? "yes" : "no");
  return 0;
}
