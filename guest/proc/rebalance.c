/* Rebalancing (k42 only, 4 processors): main starts 8 busy threads in a burst; placement
 * spreads them two to a processor. Four of them (those the placement put on processors 2
 * and 3) have little work and end early; the other four keep two processors busy with two
 * threads each while two processors idle, which placement alone cannot mend: the balancer
 * moves one thread of each busy processor to an idle one. Each thread's sum is checked, and
 * where each thread ended is printed (the same on every deterministic run). With "stay", each
 * long thread first pins itself to the processor it was placed on: the balancer must leave
 * them there (affinity). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define SHORT 2000000L
#define LONG 8000000L

static int cpu_at_end[THREADS];
static unsigned long sums[THREADS];

static int stay;

static int is_short(long i) { return i == 1 || i == 2 || i == 5 || i == 6; }

static void *busy(void *arg) {
  long i = (long)arg, n = is_short(i) ? SHORT : LONG;
  volatile unsigned long s = 0;
  if (stay && !is_short(i)) {
    cpu_set_t here;
    CPU_ZERO(&here);
    CPU_SET(sched_getcpu(), &here);
    sched_setaffinity(0, sizeof here, &here);
  }
  for (long j = 0; j < n; j++) s += (unsigned long)j;
  sums[i] = s;
  cpu_at_end[i] = sched_getcpu();
  return NULL;
}

int main(int argc, char **argv) {
  stay = argc > 1 && strcmp(argv[1], "stay") == 0;
  pthread_t th[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&th[i], NULL, busy, (void *)i);
  for (int i = 0; i < THREADS; i++) pthread_join(th[i], NULL);
  for (int i = 0; i < THREADS; i++) {
    unsigned long n = is_short(i) ? SHORT : LONG;
    printf("thread %d (%s): sum %s, ended on cpu %d\n", i, is_short(i) ? "short" : "long", sums[i] == n * (n - 1) / 2 ? "right" : "WRONG", cpu_at_end[i]);
  }
  return 0;
}
