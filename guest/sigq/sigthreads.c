/* Which thread takes a process-directed signal (Linux's complete_signal): the main thread when it
 * does not block it, else another thread that does not (which is woken for it). The main thread
 * blocks the signal and waits in pthread_join; the worker, with the signal unblocked, waits in
 * pause, in sigwaitinfo, or computes; each signal comes from the process itself (kill) or from
 * another process (sigqueue). A signal every thread blocks stays pending for the process; a
 * thread-directed one stays with its thread; a fatal one nobody blocks but the main thread
 * ends the whole process. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pthread_t ran_in;
static volatile int got, gotvalue;
static pthread_t main_id;
static int ready[2];

static void handler(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  ran_in = pthread_self();
  gotvalue = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
  got = sig;
}

static void unblock(int sig) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

static void block(int sig) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  pthread_sigmask(SIG_BLOCK, &s, NULL);
}

static void say_ready(void) {
  char c = 1;
  if (write(ready[1], &c, 1) != 1) exit(8);
}

static void wait_ready(void) {
  char c;
  if (read(ready[0], &c, 1) != 1) exit(9);
}

static const char *who(pthread_t me) {
  if (pthread_equal(ran_in, me)) return "worker";
  if (pthread_equal(ran_in, main_id)) return "main";
  return "?";
}

/* The worker: SIGUSR1 unblocked, asleep in pause until the handler has run. */
static void *pauser(void *arg) {
  (void)arg;
  unblock(SIGUSR1);
  say_ready();
  while (got == 0) pause();
  printf("  handler ran in: %s (value %d)\n", who(pthread_self()), gotvalue);
  return NULL;
}

/* The worker: computing (never in the kernel) until the handler has run. */
static void *spinner(void *arg) {
  (void)arg;
  unblock(SIGUSR1);
  say_ready();
  while (got == 0) {
  }
  printf("  handler ran in: %s (value %d)\n", who(pthread_self()), gotvalue);
  return NULL;
}

/* The worker: sigwaitinfo for SIGUSR2, which every thread blocks. */
static void *waiter(void *arg) {
  (void)arg;
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  say_ready();
  siginfo_t si;
  int sig = sigwaitinfo(&s, &si);
  printf("  worker's sigwaitinfo: %s code %d value %d\n", sig == SIGUSR2 ? "SIGUSR2" : "?", si.si_code, si.si_code == SI_QUEUE ? si.si_value.sival_int : -1);
  return NULL;
}

/* The worker: only sleeps a little (nothing unblocked). */
static void *sleeper(void *arg) {
  (void)arg;
  say_ready();
  usleep(1000);
  return NULL;
}

/* The worker: SIGTERM unblocked (no handler), asleep for ever. */
static void *termer(void *arg) {
  (void)arg;
  unblock(SIGTERM);
  say_ready();
  for (;;) pause();
  return NULL;
}

/* Send sig to this process from a child process, by sigqueue with `value`. */
static void from_child(int sig, int value) {
  pid_t me = getpid();
  pid_t c = fork();
  if (c == 0) {
    union sigval v = { .sival_int = value };
    _exit(sigqueue(me, sig, v) == 0 ? 0 : 1);
  }
  int st;
  waitpid(c, &st, 0);
}

static void run(const char *what, void *(*fn)(void *), int sig, int from_other, int value) {
  printf("%s\n", what);
  got = 0;
  ran_in = 0;
  pthread_t th;
  pthread_create(&th, NULL, fn, NULL);
  wait_ready();
  if (from_other) from_child(sig, value);
  else kill(getpid(), sig);
  pthread_join(th, NULL);
  sigset_t p;
  sigpending(&p);
  printf("  main: still pending %s\n", sigismember(&p, sig) ? "yes" : "no");
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  main_id = pthread_self();
  if (pipe(ready)) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  /* The main thread blocks SIGUSR1 and SIGUSR2 for the whole run; threads inherit the mask. */
  block(SIGUSR1);
  block(SIGUSR2);

  run("kill to the process, the worker in pause:", pauser, SIGUSR1, 0, 0);
  run("sigqueue from another process, the worker in pause:", pauser, SIGUSR1, 1, 7);
  run("kill to the process, the worker computing:", spinner, SIGUSR1, 0, 0);
  run("sigqueue from another process, the worker in sigwaitinfo:", waiter, SIGUSR2, 1, 9);

  /* Every thread blocks it: it stays pending for the process, and the main thread takes it later. */
  printf("kill while every thread blocks it:\n");
  got = 0;
  ran_in = 0;
  pthread_t th;
  pthread_create(&th, NULL, sleeper, NULL);
  wait_ready();
  kill(getpid(), SIGUSR1);
  pthread_join(th, NULL);
  sigset_t p;
  sigpending(&p);
  printf("  pending %s, handled %s\n", sigismember(&p, SIGUSR1) ? "yes" : "no", got ? "yes" : "no");
  unblock(SIGUSR1);
  printf("  after unblocking: handled in %s\n", got ? who(0) : "none");
  block(SIGUSR1);

  /* A thread-directed signal to the blocking main thread stays its own. */
  printf("tgkill to the main thread while a worker has it unblocked:\n");
  got = 0;
  ran_in = 0;
  pthread_create(&th, NULL, pauser, NULL);
  wait_ready();
  syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
  sigpending(&p);
  printf("  main: pending %s, handled %s\n", sigismember(&p, SIGUSR1) ? "yes" : "no", got ? "yes" : "no");
  pthread_kill(th, SIGUSR1);
  pthread_join(th, NULL);
  sigpending(&p);
  printf("  main: still pending %s\n", sigismember(&p, SIGUSR1) ? "yes" : "no");
  sigset_t w;
  sigemptyset(&w);
  sigaddset(&w, SIGUSR1);
  siginfo_t si;
  printf("  main takes it: %s code %d\n", sigwaitinfo(&w, &si) == SIGUSR1 ? "SIGUSR1" : "?", si.si_code);

  /* A fatal signal the main thread blocks and a worker does not: the whole process ends. */
  printf("SIGTERM blocked by the main thread only:\n");
  pid_t c = fork();
  if (c == 0) {
    block(SIGTERM);
    pthread_create(&th, NULL, termer, NULL);
    wait_ready();
    (void)!write(1, "  child: sending\n", 17);
    kill(getpid(), SIGTERM);
    pthread_join(th, NULL);
    (void)!write(1, "  child: survived\n", 18);
    _exit(0);
  }
  int st;
  waitpid(c, &st, 0);
  printf("  child %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM ? "killed by SIGTERM" : "not killed by SIGTERM");
  return 0;
}
