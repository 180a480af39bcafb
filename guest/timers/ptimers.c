/* POSIX timers and CPU-time clocks, printed as values that do not depend on the host's speed:
 * signals and their siginfo, overrun counts within bounds, timer_gettime within bounds, errors
 * by name, ids in creation order, no timers after fork (execve's end of them is k42-only:
 * qemu-user cannot exec a guest program). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *en(int e) {
  switch (e) {
  case 0: return "ok";
  case EINVAL: return "EINVAL";
  case EFAULT: return "EFAULT";
  case EPERM: return "EPERM";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  case EAGAIN: return "EAGAIN";
  case EINTR: return "EINTR";
  default: return strerror(e);
  }
}

/* Raw system calls: glibc's timer_t for SIGEV_THREAD timers is not the kernel's id. */
static int k_create(clockid_t c, struct sigevent *ev, int *id) { return syscall(SYS_timer_create, c, ev, id) < 0 ? errno : 0; }
static int k_settime(int id, int flags, const struct itimerspec *n, struct itimerspec *o) {
  return syscall(SYS_timer_settime, id, flags, n, o) < 0 ? errno : 0;
}
static int k_gettime(int id, struct itimerspec *v) { return syscall(SYS_timer_gettime, id, v) < 0 ? errno : 0; }
static int k_delete(int id) { return syscall(SYS_timer_delete, id) < 0 ? errno : 0; }
static int k_overrun(int id) { long r = syscall(SYS_timer_getoverrun, id); return r < 0 ? -errno : (int)r; }

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000LL + t->tv_nsec; }
static struct itimerspec its(long long value, long long interval) {
  struct itimerspec s;
  s.it_value.tv_sec = value / 1000000000LL; s.it_value.tv_nsec = value % 1000000000LL;
  s.it_interval.tv_sec = interval / 1000000000LL; s.it_interval.tv_nsec = interval % 1000000000LL;
  return s;
}
static void nap(long long n) { struct timespec t = { n / 1000000000LL, n % 1000000000LL }; while (nanosleep(&t, &t) != 0) {} }

/* qemu-user 7.2 hands out timer ids of its own (0x0caf0000 | n) and passes the host's id in
 * si_timerid and the default si_value: what depends on the id is printed only when asked
 * ("linux"), and held to Linux's answer (ids from 0 in creation order) by the test. */
static int linux_only;

static volatile sig_atomic_t got;
static siginfo_t last;
static void handler(int sig, siginfo_t *si, void *uc) { (void)uc; last = *si; last.si_signo = sig; got++; }

static void sigevent_signal(struct sigevent *ev, int sig, int value) {
  memset(ev, 0, sizeof *ev);
  ev->sigev_notify = SIGEV_SIGNAL;
  ev->sigev_signo = sig;
  ev->sigev_value.sival_int = value;
}

static void basics(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN + 2, &sa, NULL);
  struct sigevent ev;
  sigevent_signal(&ev, SIGRTMIN + 2, 4242);
  int id = -1, id2 = -1;
  printf("create monotonic: %s\n", en(k_create(CLOCK_MONOTONIC, &ev, &id)));
  printf("create realtime: %s\n", en(k_create(CLOCK_REALTIME, NULL, &id2)));
  if (linux_only) printf("ids: %d %d\n", id, id2);
  struct itimerspec v = its(20000000, 0), o;
  printf("settime one-shot 20ms: %s\n", en(k_settime(id, 0, &v, NULL)));
  k_gettime(id, &o);
  printf("gettime: interval 0 %s, value in (0, 20ms] %s\n", ns(&o.it_interval) == 0 ? "yes" : "no",
         ns(&o.it_value) > 0 && ns(&o.it_value) <= 20000000 ? "yes" : "no");
  sigset_t none;
  sigemptyset(&none);
  while (!got) sigsuspend(&none);
  printf("handler: sig %s, code SI_TIMER %s, overrun %d, value %d\n",
         last.si_signo == SIGRTMIN + 2 ? "SIGRTMIN+2" : "other", last.si_code == SI_TIMER ? "yes" : "no",
         last.si_overrun, last.si_value.sival_int);
  if (linux_only) printf("si_timerid is the id: %s\n", last.si_timerid == id ? "yes" : "no");
  k_gettime(id, &o);
  printf("after expiry: value %lld interval %lld\n", ns(&o.it_value), ns(&o.it_interval));
  /* An absolute expiry on CLOCK_REALTIME, already past: it fires at once. */
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  sa.sa_sigaction = handler;
  sigaction(SIGALRM, &sa, NULL);
  got = 0;
  v = its(ns(&now) - 1000000000LL, 0);
  printf("settime absolute in the past: %s\n", en(k_settime(id2, TIMER_ABSTIME, &v, NULL)));
  while (!got) sigsuspend(&none);
  printf("default sigevent: SIGALRM %s\n", last.si_signo == SIGALRM ? "yes" : "no");
  if (linux_only) printf("default si_value is the id: %s\n", last.si_value.sival_int == id2 ? "yes" : "no");
  printf("delete: %s %s, again: %s\n", en(k_delete(id)), en(k_delete(id2)), en(k_delete(id)));
}

static void overruns(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN + 3);
  sigprocmask(SIG_BLOCK, &set, NULL);
  struct sigevent ev;
  sigevent_signal(&ev, SIGRTMIN + 3, 7);
  int id;
  k_create(CLOCK_MONOTONIC, &ev, &id);
  struct itimerspec v = its(1000000, 1000000), o;
  k_settime(id, 0, &v, NULL);
  nap(30000000);
  k_gettime(id, &o);
  printf("periodic 1ms: interval %lld, value in (0, 1ms] %s\n", ns(&o.it_interval),
         ns(&o.it_value) > 0 && ns(&o.it_value) <= 1000000 ? "yes" : "no");
  siginfo_t si;
  int s = sigwaitinfo(&set, &si);
  int ov = k_overrun(id);
  printf("sigwaitinfo: %s, value %d, overrun >= 20 %s, getoverrun == si_overrun %s\n", s == SIGRTMIN + 3 ? "SIGRTMIN+3" : "other",
         si.si_value.sival_int, si.si_overrun >= 20 ? "yes" : "no", ov == si.si_overrun ? "yes" : "no");
  /* The next expiry comes a period later: a second wait gets few overruns. */
  s = sigwaitinfo(&set, &si);
  printf("second sigwaitinfo: overrun < 20 %s\n", si.si_overrun < 20 ? "yes" : "no");
  /* Disarmed: nothing more comes. */
  v = its(0, 0);
  k_settime(id, 0, &v, &o);
  printf("disarm: old interval %lld\n", ns(&o.it_interval));
  struct timespec zero = { 0, 0 };
  nap(5000000);
  int r = sigtimedwait(&set, &si, &zero);
  printf("after disarm: %s\n", r < 0 ? en(errno) : "a signal");
  k_delete(id);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void none_timers(void) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_NONE;
  int id;
  k_create(CLOCK_MONOTONIC, &ev, &id);
  struct itimerspec v = its(5000000, 0), o;
  k_settime(id, 0, &v, NULL);
  k_gettime(id, &o);
  printf("SIGEV_NONE armed: value in (0, 5ms] %s\n", ns(&o.it_value) > 0 && ns(&o.it_value) <= 5000000 ? "yes" : "no");
  nap(10000000);
  k_gettime(id, &o);
  printf("SIGEV_NONE expired: value %lld\n", ns(&o.it_value));
  v = its(2000000, 2000000);
  k_settime(id, 0, &v, NULL);
  nap(7000000);
  k_gettime(id, &o);
  printf("SIGEV_NONE periodic: value in (0, 2ms] %s, interval %lld\n",
         ns(&o.it_value) > 0 && ns(&o.it_value) <= 2000000 ? "yes" : "no", ns(&o.it_interval));
  k_delete(id);
}

static void errors(void) {
  struct sigevent ev;
  int id;
  printf("bad clock: %s\n", en(k_create(12345, NULL, &id)));
  printf("coarse clock: %s\n", en(k_create(CLOCK_MONOTONIC_COARSE, NULL, &id)));
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = 77;
  printf("bad notify: %s\n", en(k_create(CLOCK_MONOTONIC, &ev, &id)));
  sigevent_signal(&ev, 0, 0);
  printf("signal 0: %s\n", en(k_create(CLOCK_MONOTONIC, &ev, &id)));
  sigevent_signal(&ev, 65, 0);
  printf("signal 65: %s\n", en(k_create(CLOCK_MONOTONIC, &ev, &id)));
  sigevent_signal(&ev, SIGUSR1, 0);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev._sigev_un._tid = 999999;
  printf("thread id of nobody: %s\n", en(k_create(CLOCK_MONOTONIC, &ev, &id)));
  printf("bad sigevent pointer: %s\n", en(k_create(CLOCK_MONOTONIC, (struct sigevent *)8, &id)));
  printf("settime of no timer: %s\n", en(k_settime(4000, 0, &(struct itimerspec){0}, NULL)));
  printf("gettime of no timer: %s\n", en(k_gettime(-1, &(struct itimerspec){0})));
  printf("getoverrun of no timer: %s\n", en(-k_overrun(4000)));
  k_create(CLOCK_MONOTONIC, NULL, &id);
  struct itimerspec bad = its(1, 0);
  bad.it_value.tv_nsec = 1000000000;
  printf("settime nsec 1e9: %s\n", en(k_settime(id, 0, &bad, NULL)));
  printf("settime NULL: %s\n", en(k_settime(id, 0, NULL, NULL)));
  k_delete(id);
}

static int fork_child(void) {
  int id;
  k_create(CLOCK_MONOTONIC, NULL, &id);
  struct itimerspec v = its(10000000000LL, 0);
  k_settime(id, 0, &v, NULL);
  pid_t c = fork();
  if (c == 0) {
    struct itimerspec o;
    printf("child after fork: gettime of the parent's timer: %s\n", en(k_gettime(id, &o)));
    _exit(7);
  }
  int st;
  waitpid(c, &st, 0);
  printf("child exit %d\n", WEXITSTATUS(st));
  struct itimerspec o;
  printf("parent keeps its timer: %s\n", en(k_gettime(id, &o)));
  k_delete(id);
  return 0;
}

static volatile sig_atomic_t cpu_fired;
static void on_cpu(int sig) { (void)sig; cpu_fired++; }

static void cpu_clocks(void) {
  struct timespec a, b, r;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 3000000; i++) x += i;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
  printf("process CPU clock advances over a busy loop: %s\n", ns(&b) > ns(&a) ? "yes" : "no");
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
  for (unsigned long i = 0; i < 1000000; i++) x += i;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
  printf("thread CPU clock advances: %s\n", ns(&b) > ns(&a) ? "yes" : "no");
  clock_getres(CLOCK_PROCESS_CPUTIME_ID, &r);
  printf("getres process CPU: %lld ns\n", ns(&r));
  clockid_t cid;
  printf("clock_getcpuclockid(self): %s\n", en(clock_getcpuclockid(getpid(), &cid)));
  printf("its id: %s\n", cid == (clockid_t)((~(unsigned)getpid() << 3) | 2) ? "~pid << 3 | SCHED" : "other");
  printf("read it: %s\n", clock_gettime(cid, &a) == 0 && ns(&a) > 0 ? "nonzero" : "failed");
  pid_t c = fork();
  if (c == 0) { for (;;) pause(); }
  printf("clock_getcpuclockid(child): %s\n", en(clock_getcpuclockid(c, &cid)));
  printf("read child's clock: %s\n", clock_gettime(cid, &a) == 0 ? "ok" : en(errno));
  kill(c, SIGKILL);
  waitpid(c, NULL, 0);
  printf("clock of a reaped child: %s\n", clock_gettime(cid, &a) == 0 ? "ok" : en(errno));
  printf("nanosleep on own thread clock: %s\n", en(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &(struct timespec){0, 1000}, NULL)));
  pthread_getcpuclockid(pthread_self(), &cid);
  printf("pthread_getcpuclockid read: %s\n", clock_gettime(cid, &a) == 0 && ns(&a) > 0 ? "nonzero" : "failed");
  /* A timer on the process's CPU time: it fires during a busy loop. */
  signal(SIGPROF, on_cpu);
  struct sigevent ev;
  sigevent_signal(&ev, SIGPROF, 0);
  int id;
  printf("create on CLOCK_PROCESS_CPUTIME_ID: %s\n", en(k_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &id)));
  struct itimerspec v = its(2000000, 0), o;
  k_settime(id, 0, &v, NULL);
  k_gettime(id, &o);
  printf("CPU timer armed: value in (0, 2ms] %s\n", ns(&o.it_value) > 0 && ns(&o.it_value) <= 2000000 ? "yes" : "no");
  while (!cpu_fired) x++;
  printf("CPU timer fired: %d\n", (int)cpu_fired);
  k_gettime(id, &o);
  printf("after: value %lld\n", ns(&o.it_value));
  k_delete(id);
}

static sem_t done;
static int thread_tid;
static volatile int thread_got;
static void *waiter(void *arg) {
  (void)arg;
  thread_tid = syscall(SYS_gettid);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN + 4);
  sem_post(&done);
  siginfo_t si;
  int s = sigwaitinfo(&set, &si);
  thread_got = (s == SIGRTMIN + 4 && si.si_code == SI_TIMER) ? si.si_value.sival_int : -1;
  return NULL;
}

static volatile int cb_value;
static void callback(union sigval v) { cb_value = v.sival_int; sem_post(&done); }

static void threads(void) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGRTMIN + 4);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  sem_init(&done, 0, 0);
  pthread_t th;
  pthread_create(&th, NULL, waiter, NULL);
  sem_wait(&done);
  struct sigevent ev;
  sigevent_signal(&ev, SIGRTMIN + 4, 31);
  ev.sigev_notify = SIGEV_THREAD_ID;
  ev._sigev_un._tid = thread_tid;
  int id;
  printf("SIGEV_THREAD_ID to a thread: %s\n", en(k_create(CLOCK_MONOTONIC, &ev, &id)));
  struct itimerspec v = its(3000000, 0);
  k_settime(id, 0, &v, NULL);
  pthread_join(th, NULL);
  printf("the thread took it: value %d\n", thread_got);
  k_delete(id);
  /* glibc's SIGEV_THREAD: a helper thread runs the function. */
  memset(&ev, 0, sizeof ev);
  ev.sigev_notify = SIGEV_THREAD;
  ev.sigev_notify_function = callback;
  ev.sigev_value.sival_int = 55;
  timer_t t;
  printf("SIGEV_THREAD create: %s\n", timer_create(CLOCK_MONOTONIC, &ev, &t) == 0 ? "ok" : en(errno));
  v = its(2000000, 0);
  timer_settime(t, 0, &v, NULL);
  sem_wait(&done);
  printf("callback ran with %d\n", cb_value);
  timer_delete(t);
}

int main(int argc, char **argv) {
  linux_only = argc > 1 && strcmp(argv[1], "linux") == 0;
  setvbuf(stdout, NULL, _IOLBF, 0);
  basics();
  overruns();
  none_timers();
  errors();
  fork_child();
  cpu_clocks();
  threads();
  printf("done\n");
  return 0;
}
