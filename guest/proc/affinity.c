/* CPU affinity: sched_setaffinity / sched_getaffinity, pthread_setaffinity_np /
 * pthread_getaffinity_np, sched_getcpu. With no argument it prints only what every Linux
 * machine with a processor 0 agrees on (errors, masks naming cpu 0 alone, inheritance by
 * threads and fork), so that qemu-user on the host is its oracle. With "pin" it expects a
 * machine of 4 processors and prints where pinned threads run (k42 only). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *err(int e) {
  switch (e) {
    case 0: return "ok";
    case EINVAL: return "EINVAL";
    case ESRCH: return "ESRCH";
    case EPERM: return "EPERM";
    case EFAULT: return "EFAULT";
    default: return strerror(e);
  }
}

/* A raw call's outcome: "ok" or the errno's name. */
static const char *outcome(long r) { return r < 0 ? err(errno) : "ok"; }

static cpu_set_t only(int c) {
  cpu_set_t s;
  CPU_ZERO(&s);
  CPU_SET(c, &s);
  return s;
}

static cpu_set_t original;
static pthread_barrier_t go;

/* A thread of the common part: created while main is pinned to cpu 0. */
static void *inherit(void *arg) {
  (void)arg;
  cpu_set_t s;
  sched_getaffinity(0, sizeof s, &s);
  printf("new thread: inherits its creator's mask {0}: %s\n", CPU_COUNT(&s) == 1 && CPU_ISSET(0, &s) ? "yes" : "no");
  /* Its own mask back to the original: main's stays {0} (affinity is per thread). */
  printf("new thread: setaffinity(original): %s\n", outcome(sched_setaffinity(0, sizeof original, &original)));
  sched_getaffinity(0, sizeof s, &s);
  printf("new thread: mask is the original again: %s\n", CPU_EQUAL(&s, &original) ? "yes" : "no");
  pthread_barrier_wait(&go); /* main pins it from outside after this */
  pthread_barrier_wait(&go);
  printf("new thread: pinned by main to cpu 0, runs on cpu %d\n", sched_getcpu());
  return NULL;
}

static void common(void) {
  cpu_set_t s, z;
  printf("getaffinity(0): %s, cpu 0 in it: %s\n", outcome(sched_getaffinity(0, sizeof original, &original)), CPU_ISSET(0, &original) ? "yes" : "no");
  CPU_ZERO(&z);
  printf("setaffinity(empty mask): %s\n", outcome(sched_setaffinity(0, sizeof z, &z)));
  cpu_set_t far = only(CPU_SETSIZE - 1);
  printf("setaffinity(only cpu %d, which is not there): %s\n", CPU_SETSIZE - 1, outcome(sched_setaffinity(0, sizeof far, &far)));
  printf("setaffinity(no such pid): %s\n", outcome(sched_setaffinity(999999, sizeof original, &original)));
  printf("getaffinity(no such pid): %s\n", outcome(sched_getaffinity(999999, sizeof s, &s)));
  printf("setaffinity(pid -1): %s\n", outcome(sched_setaffinity(-1, sizeof original, &original)));
  printf("raw getaffinity(len 0): %s\n", outcome(syscall(SYS_sched_getaffinity, 0, 0, &s)));
  printf("raw getaffinity(len 3): %s\n", outcome(syscall(SYS_sched_getaffinity, 0, 3, &s)));
  printf("raw setaffinity(bad pointer): %s\n", outcome(syscall(SYS_sched_setaffinity, 0, sizeof s, (void *)8)));
  long n = syscall(SYS_sched_getaffinity, 0, sizeof s, &s);
  printf("raw getaffinity returns a whole number of words: %s\n", n > 0 && n % sizeof(long) == 0 ? "yes" : "no");

  s = only(0);
  printf("setaffinity({0}): %s\n", outcome(sched_setaffinity(0, sizeof s, &s)));
  sched_getaffinity(0, sizeof s, &s);
  printf("getaffinity: %d cpu(s), cpu 0: %s; sched_getcpu %d\n", CPU_COUNT(&s), CPU_ISSET(0, &s) ? "yes" : "no", sched_getcpu());
  printf("setaffinity(own pid, {0}): %s\n", outcome(sched_setaffinity(getpid(), sizeof s, &s)));

  pthread_t th;
  pthread_barrier_init(&go, NULL, 2);
  pthread_create(&th, NULL, inherit, NULL);
  pthread_barrier_wait(&go);
  sched_getaffinity(0, sizeof s, &s);
  printf("main: still {0} after the thread changed its own: %s\n", CPU_COUNT(&s) == 1 && CPU_ISSET(0, &s) ? "yes" : "no");
  cpu_set_t t0 = only(0);
  printf("main: pthread_setaffinity_np(thread, {0}): %s\n", err(pthread_setaffinity_np(th, sizeof t0, &t0)));
  int e = pthread_getaffinity_np(th, sizeof s, &s);
  printf("main: pthread_getaffinity_np(thread): %s, %d cpu(s), cpu 0: %s\n", err(e), CPU_COUNT(&s), CPU_ISSET(0, &s) ? "yes" : "no");
  pthread_barrier_wait(&go);
  pthread_join(th, NULL);

  pid_t c = fork();
  if (c == 0) {
    sched_getaffinity(0, sizeof s, &s);
    printf("fork child: inherits {0}: %s, runs on cpu %d\n", CPU_COUNT(&s) == 1 && CPU_ISSET(0, &s) ? "yes" : "no", sched_getcpu());
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("setaffinity(original): %s\n", outcome(sched_setaffinity(0, sizeof original, &original)));
  sched_getaffinity(0, sizeof s, &s);
  printf("mask is the original again: %s\n", CPU_EQUAL(&s, &original) ? "yes" : "no");
}

/* ---- k42 only: 4 processors ---- */

#define WORKERS 4
static volatile int release;
static int ran[WORKERS], before[WORKERS];
static pid_t tids[WORKERS];

/* Pins itself to cpu 3 - i, then records where it runs. */
static void *self_pin(void *arg) {
  long i = (long)arg;
  cpu_set_t s = only(3 - (int)i);
  pthread_setaffinity_np(pthread_self(), sizeof s, &s);
  ran[i] = sched_getcpu();
  return NULL;
}

/* Spins without system calls until released: main pins it meanwhile; it moves at a slice end. */
static void *spinner(void *arg) {
  long i = (long)arg;
  tids[i] = (pid_t)syscall(SYS_gettid);
  before[i] = sched_getcpu();
  while (!release) {
  }
  ran[i] = sched_getcpu();
  return NULL;
}

static void pin(void) {
  for (int c = 3; c >= 0; c--) {
    cpu_set_t s = only(c);
    long r = sched_setaffinity(0, sizeof s, &s);
    printf("main pinned to cpu %d (%s): runs on cpu %d\n", c, outcome(r), sched_getcpu());
  }
  cpu_set_t all;
  CPU_ZERO(&all);
  for (int c = 0; c < 4; c++) CPU_SET(c, &all);
  sched_setaffinity(0, sizeof all, &all);

  pthread_t th[WORKERS];
  for (long i = 0; i < WORKERS; i++) pthread_create(&th[i], NULL, self_pin, (void *)i);
  for (int i = 0; i < WORKERS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < WORKERS; i++) printf("thread %d pinned itself to cpu %d: runs on cpu %d\n", i, 3 - i, ran[i]);

  /* Busy threads pinned from outside, all to cpu 2, then 1 and 2 alternately. */
  memset(tids, 0, sizeof tids);
  for (long i = 0; i < WORKERS; i++) pthread_create(&th[i], NULL, spinner, (void *)i);
  for (int i = 0; i < WORKERS; i++)
    while (__atomic_load_n(&tids[i], __ATOMIC_SEQ_CST) == 0) sched_yield();
  for (int i = 0; i < WORKERS; i++) {
    cpu_set_t s = only(1 + (i & 1));
    int e = pthread_setaffinity_np(th[i], sizeof s, &s);
    cpu_set_t back;
    pthread_getaffinity_np(th[i], sizeof back, &back);
    printf("spinner %d pinned to cpu %d: %s, its mask read back: %d cpu(s), cpu %d: %s\n", i, 1 + (i & 1), err(e), CPU_COUNT(&back), 1 + (i & 1), CPU_ISSET(1 + (i & 1), &back) ? "yes" : "no");
  }
  release = 1;
  for (int i = 0; i < WORKERS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < WORKERS; i++) printf("spinner %d: runs on cpu %d at its end\n", i, ran[i]);

  /* fork: the child starts inside its inherited mask, off the parent's processor. */
  cpu_set_t two = only(2);
  sched_setaffinity(0, sizeof two, &two);
  pid_t c = fork();
  if (c == 0) {
    printf("fork child of a thread pinned to cpu 2: runs on cpu %d\n", sched_getcpu());
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  sched_setaffinity(0, sizeof all, &all);

  /* Another user's thread: EPERM without CAP_SYS_NICE. */
  pid_t parent = getpid();
  c = fork();
  if (c == 0) {
    if (setresuid(65534, 65534, 65534) != 0) printf("setresuid: %s\n", err(errno));
    cpu_set_t s = only(1);
    printf("another user's process: setaffinity %s, getaffinity %s\n", outcome(sched_setaffinity(parent, sizeof s, &s)), outcome(sched_getaffinity(parent, sizeof s, &s)));
    s = only(1);
    const char *o = outcome(sched_setaffinity(0, sizeof s, &s));
    printf("its own: setaffinity {1} %s, runs on cpu %d\n", o, sched_getcpu());
    _exit(0);
  }
  waitpid(c, &st, 0);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "pin") == 0) pin();
  else common();
  return 0;
}
