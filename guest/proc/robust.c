/* Robust mutexes whose owner ends: a thread holding a private robust mutex exits, a forked
   process holding a process-shared robust mutex in shared memory exits, and in each case the
   next locker gets EOWNERDEAD, makes the mutex consistent and goes on. Under Linux the kernel's
   robust-list walk at the owner's death does this; qemu-user 7.2 answers set_robust_list with
   ENOSYS, so there the next locker waits for ever: this program runs only under k42ts, and its
   expected output is Linux's (pthread_mutex_lock(3), set_robust_list(2)). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t m;

static void *hold_and_exit(void *arg) {
  (void)arg;
  pthread_mutex_lock(&m);
  return NULL; /* ends holding it */
}

static volatile int held;

static void *hold_a_while(void *arg) {
  (void)arg;
  pthread_mutex_lock(&m);
  held = 1;
  usleep(50000); /* the other thread blocks on the lock meanwhile */
  return NULL;   /* ends holding it */
}

static void *wait_for_it(void *arg) {
  (void)arg;
  int r = pthread_mutex_lock(&m);
  printf("waiting thread: lock %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
  if (r == EOWNERDEAD) pthread_mutex_consistent(&m);
  pthread_mutex_unlock(&m);
  return NULL;
}

static void init_robust(pthread_mutex_t *mu, int pshared) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  if (pshared) pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(mu, &a);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* 1. a thread ends holding the mutex; the next lock sees it */
  init_robust(&m, 0);
  pthread_t t;
  pthread_create(&t, NULL, hold_and_exit, NULL);
  pthread_join(t, NULL);
  int r = pthread_mutex_lock(&m);
  printf("after the owner thread ended: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
  printf("consistent: %d\n", pthread_mutex_consistent(&m));
  pthread_mutex_unlock(&m);
  printf("lock again: %d\n", pthread_mutex_lock(&m));
  pthread_mutex_unlock(&m);

  /* 2. the owner dies while another thread sleeps on the lock (FUTEX_WAITERS set) */
  pthread_t h, w;
  pthread_create(&h, NULL, hold_a_while, NULL);
  while (!held) usleep(1000);
  pthread_create(&w, NULL, wait_for_it, NULL);
  pthread_join(h, NULL);
  pthread_join(w, NULL);

  /* 3. process-shared, in shared memory: a child takes it and exits */
  pthread_mutex_t *sm = mmap(NULL, sizeof *sm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  init_robust(sm, 1);
  pid_t c = fork();
  if (c == 0) {
    pthread_mutex_lock(sm);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  r = pthread_mutex_lock(sm);
  printf("after the owner process ended: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
  pthread_mutex_consistent(sm);
  pthread_mutex_unlock(sm);

  /* 4. an inconsistent mutex unlocked without pthread_mutex_consistent becomes unusable */
  c = fork();
  if (c == 0) {
    pthread_mutex_lock(sm);
    _exit(0);
  }
  waitpid(c, &st, 0);
  r = pthread_mutex_lock(sm);
  printf("owner gone again: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
  pthread_mutex_unlock(sm);
  r = pthread_mutex_lock(sm);
  printf("after unlock without consistent: %s\n", r == ENOTRECOVERABLE ? "ENOTRECOVERABLE" : strerror(r));
  return 0;
}
