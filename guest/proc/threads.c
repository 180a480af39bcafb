/* Threads: pthread_create/join, mutexes, condition variables, barriers, thread-local storage,
 * thread ids, exit of a thread vs the process, a detached thread. Prints only what is the same
 * on every Linux whatever the interleaving. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define THREADS 4
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long counter;
static int turn;
static __thread int tls = 5;
static pid_t tids[THREADS];

static void *worker(void *arg) {
  long id = (long)arg;
  tids[id] = (pid_t)syscall(SYS_gettid);
  tls = 100 + (int)id;
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
  }
  pthread_barrier_wait(&barrier);
  /* Take turns in order with a condition variable. */
  pthread_mutex_lock(&lock);
  while (turn != id) pthread_cond_wait(&cond, &lock);
  printf("thread %ld: its turn, tls %d, tid is not the pid: %s\n", id, tls, tids[id] != getpid() ? "yes" : "no");
  turn++;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  return (void *)(id * 10);
}

static void *exiter(void *arg) {
  (void)arg;
  pthread_exit((void *)77);
}

static void *detached(void *arg) {
  pthread_mutex_lock(&lock);
  *(int *)arg = 1;
  pthread_cond_broadcast(&cond);
  pthread_mutex_unlock(&lock);
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pthread_t th[THREADS];
  pthread_barrier_init(&barrier, NULL, THREADS);
  for (long i = 0; i < THREADS; i++) {
    int e = pthread_create(&th[i], NULL, worker, (void *)i);
    if (e != 0) printf("pthread_create: %s\n", strerror(e));
  }
  long sum = 0;
  for (int i = 0; i < THREADS; i++) {
    void *r;
    pthread_join(th[i], &r);
    sum += (long)r;
  }
  printf("counter %ld (want %d), joined values sum %ld, main tls %d\n", counter, THREADS * ROUNDS, sum, tls);
  int distinct = 1;
  for (int i = 0; i < THREADS; i++)
    for (int j = i + 1; j < THREADS; j++)
      if (tids[i] == tids[j]) distinct = 0;
  printf("thread ids distinct: %s\n", distinct ? "yes" : "no");

  pthread_t x;
  void *r;
  pthread_create(&x, NULL, exiter, NULL);
  pthread_join(x, &r);
  printf("pthread_exit value %ld\n", (long)r);

  int flag = 0;
  pthread_attr_t a;
  pthread_attr_init(&a);
  pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
  pthread_create(&x, &a, detached, &flag);
  pthread_mutex_lock(&lock);
  while (!flag) pthread_cond_wait(&cond, &lock);
  pthread_mutex_unlock(&lock);
  printf("detached thread ran: %d\n", flag);

  /* fork from a threaded process: the child has one thread. */
  pid_t c = fork();
  if (c == 0) {
    pthread_create(&x, NULL, exiter, NULL);
    pthread_join(x, &r);
    printf("child: a thread in the forked child returns %ld\n", (long)r);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  return 3;
}
