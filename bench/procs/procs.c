/* The processes benchmark's guest program: `procs MODE N [ARG]` does N of one operation and
 * prints the time it took on the guest's own CLOCK_MONOTONIC (under k42ts's deterministic mode
 * that is virtual time: the cost model's answer; elsewhere the host's real time).
 *   fork N          fork + _exit + waitpid
 *   exec N PATH     fork + execv(PATH, "true") + waitpid  (PATH: this program; QEMU_WRAP as in the tests)
 *   pipe N          a one-byte round trip between two processes over two pipes
 *   futex N         a ping-pong between two threads over a futex word
 *   threads T SIZE  T threads each summing a private array of SIZE longs 20 times
 *   true            exit at once (exec's target; the start-up baseline) */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void run_exec(const char *path) {
  const char *wrap = getenv("QEMU_WRAP");
  if (wrap != NULL) execl(wrap, wrap, "-0", "procs", path, "true", (char *)NULL);
  else execl(path, "procs", "true", (char *)NULL);
  _exit(127);
}

static atomic_int word;
static int rounds;

static void fwait(int v) { syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0); }
static void fwake(void) { syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0); }

static void *pong(void *arg) {
  (void)arg;
  for (int i = 0; i < rounds; i++) {
    while (atomic_load(&word) != 1) fwait(0);
    atomic_store(&word, 0);
    fwake();
  }
  return NULL;
}

struct sum { long *a; long n; long total; };

static void *summer(void *arg) {
  struct sum *s = arg;
  long t = 0;
  for (int r = 0; r < 20; r++)
    for (long i = 0; i < s->n; i++) t += s->a[i] ^ r;
  s->total = t;
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 2 || strcmp(argv[1], "true") == 0) return 0;
  const char *mode = argv[1];
  int n = argc > 2 ? atoi(argv[2]) : 100;
  long long t0 = now_ns();
  long check = 0;
  if (strcmp(mode, "fork") == 0) {
    for (int i = 0; i < n; i++) {
      pid_t c = fork();
      if (c == 0) _exit(i & 0x7f);
      int st;
      waitpid(c, &st, 0);
      check += WEXITSTATUS(st);
    }
  } else if (strcmp(mode, "exec") == 0) {
    for (int i = 0; i < n; i++) {
      pid_t c = fork();
      if (c == 0) run_exec(argv[3]);
      int st;
      waitpid(c, &st, 0);
      check += WEXITSTATUS(st);
    }
  } else if (strcmp(mode, "pipe") == 0) {
    int a[2], b[2];
    if (pipe(a) != 0 || pipe(b) != 0) { perror("pipe"); return 1; }
    pid_t c = fork();
    char x = 'x';
    if (c == 0) {
      for (int i = 0; i < n; i++) { if (read(a[0], &x, 1) != 1 || write(b[1], &x, 1) != 1) _exit(1); }
      _exit(0);
    }
    for (int i = 0; i < n; i++) { if (write(a[1], &x, 1) != 1 || read(b[0], &x, 1) != 1) return 1; check++; }
    int st;
    waitpid(c, &st, 0);
  } else if (strcmp(mode, "futex") == 0) {
    rounds = n;
    pthread_t th;
    pthread_create(&th, NULL, pong, NULL);
    for (int i = 0; i < n; i++) {
      atomic_store(&word, 1);
      fwake();
      while (atomic_load(&word) != 0) fwait(1);
      check++;
    }
    pthread_join(th, NULL);
  } else if (strcmp(mode, "threads") == 0) {
    long size = argc > 3 ? atol(argv[3]) : 100000;
    pthread_t th[64];
    struct sum s[64];
    if (n > 64) n = 64;
    for (int i = 0; i < n; i++) {
      s[i].n = size;
      s[i].a = malloc(sizeof(long) * size);
      for (long j = 0; j < size; j++) s[i].a[j] = j * (i + 1);
    }
    t0 = now_ns(); /* the summing only */
    for (int i = 0; i < n; i++) pthread_create(&th[i], NULL, summer, &s[i]);
    for (int i = 0; i < n; i++) { pthread_join(th[i], NULL); check += s[i].total & 0xffff; }
  } else {
    fprintf(stderr, "procs: unknown mode %s\n", mode);
    return 2;
  }
  long long t1 = now_ns();
  printf("%s %d %lld %ld\n", mode, n, t1 - t0, check);
  return 0;
}
