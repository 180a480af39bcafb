/* Signals between processes and threads: kill to a child with a handler (siginfo's sender),
 * SIGCHLD with its siginfo in the parent, a default action killing a child, pthread_kill to one
 * thread, and a signal interrupting a blocking wait4 (EINTR without SA_RESTART, restarted with
 * it). Prints only what is the same on every Linux. */
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

static volatile sig_atomic_t got_usr1, usr1_from_parent, chld, chld_code, chld_status, in_thread;
static pid_t parent_pid;
static volatile pid_t thread_tid;

static void on_usr1(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  got_usr1 = 1;
  usr1_from_parent = si->si_pid == parent_pid && si->si_code == SI_USER;
  if (thread_tid != 0 && syscall(SYS_gettid) == thread_tid) in_thread = 1;
}

static void on_chld(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  chld++;
  chld_code = si->si_code;
  chld_status = si->si_status;
}

static void *sleeper(void *arg) {
  (void)arg;
  thread_tid = (pid_t)syscall(SYS_gettid);
  sigset_t none;
  sigemptyset(&none);
  while (!in_thread) sigsuspend(&none);
  return NULL;
}

static void on_alarm(int sig) { (void)sig; }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  parent_pid = getpid();
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  sa.sa_sigaction = on_chld;
  sigaction(SIGCHLD, &sa, NULL);

  /* 1. kill to a child waiting in sigsuspend with SIGUSR1 blocked until then */
  sigset_t usr1, old;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, &old);
  pid_t c = fork();
  if (c == 0) {
    while (!got_usr1) sigsuspend(&old);
    printf("child: SIGUSR1 from its parent by kill: %s\n", usr1_from_parent ? "yes" : "no");
    _exit(4);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  kill(c, SIGUSR1);
  int st;
  while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
  printf("child exit %d; SIGCHLD seen %s, code %d (CLD_EXITED 1), status %d\n", WEXITSTATUS(st), chld >= 1 ? "yes" : "no", chld_code, chld_status);

  /* 2. a default action kills a child; SIGCHLD says CLD_KILLED */
  chld = 0;
  sigprocmask(SIG_BLOCK, &usr1, &old);
  c = fork();
  if (c == 0) {
    signal(SIGUSR2, SIG_DFL);
    for (;;) sigsuspend(&old);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  kill(c, SIGUSR2);
  while (waitpid(c, &st, 0) < 0 && errno == EINTR) {}
  printf("child killed by %d; SIGCHLD code %d (CLD_KILLED 2), status %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : -1, chld_code, chld_status);

  /* 3. pthread_kill reaches the one thread */
  pthread_t th;
  pthread_create(&th, NULL, sleeper, NULL);
  while (thread_tid == 0) sched_yield();
  pthread_kill(th, SIGUSR1);
  pthread_join(th, NULL);
  printf("pthread_kill ran the handler in the thread: %s\n", in_thread ? "yes" : "no");

  /* 4. a signal interrupts a blocking wait4: EINTR without SA_RESTART */
  sa.sa_handler = on_alarm;
  sa.sa_flags = 0;
  sigaction(SIGALRM, &sa, NULL);
  sa.sa_flags = 0;
  sa.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &sa, NULL);
  c = fork();
  if (c == 0) {
    sigset_t none;
    sigemptyset(&none);
    for (;;) sigsuspend(&none);
  }
  alarm(1);
  errno = 0;
  pid_t r = waitpid(c, &st, 0);
  printf("wait4 interrupted by SIGALRM: %d %s\n", (int)r, strerror(errno));
  kill(c, SIGKILL);
  waitpid(c, &st, 0);
  printf("then killed: %d\n", WTERMSIG(st));
  return 0;
}
