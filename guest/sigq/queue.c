/* rt_sigqueueinfo and rt_tgsigqueueinfo to other processes and their threads: Linux's rules
 * (impersonation EPERM, ESRCH, EINVAL, credentials), and the siginfo arriving intact (si_value,
 * si_pid, si_uid, si_code) at an SA_SIGINFO handler, sigwaitinfo and signalfd of the target. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *en(int e) {
  switch (e) {
  case 0: return "OK";
  case EPERM: return "EPERM";
  case ESRCH: return "ESRCH";
  case EINVAL: return "EINVAL";
  case EAGAIN: return "EAGAIN";
  case EFAULT: return "EFAULT";
  case ENOSYS: return "ENOSYS";
  default: return strerror(e);
  }
}

static long qinfo(pid_t pid, int sig, int code, int value, pid_t spid, uid_t suid) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = sig;
  si.si_code = code;
  si.si_pid = spid;
  si.si_uid = suid;
  si.si_value.sival_int = value;
  return syscall(SYS_rt_sigqueueinfo, pid, sig, &si) == 0 ? 0 : errno;
}

static long tgqinfo(pid_t tgid, pid_t tid, int sig, int code, int value) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_signo = sig;
  si.si_code = code;
  si.si_pid = getpid();
  si.si_uid = getuid();
  si.si_value.sival_int = value;
  return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si) == 0 ? 0 : errno;
}

static void readall(int fd, void *b, size_t n) {
  char *p = b;
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r <= 0) { perror("read"); exit(9); }
    p += r; n -= (size_t)r;
  }
}

static pid_t parent;
static volatile int hsig, hcode, hvalue, hfromparent, huid, hintid;
static volatile pid_t hthread;

static void handler(int sig, siginfo_t *si, void *uc) {
  (void)uc;
  hsig = sig;
  hcode = si->si_code;
  hvalue = si->si_value.sival_int;
  hfromparent = si->si_pid == parent;
  huid = (int)si->si_uid;
  hthread = (pid_t)syscall(SYS_gettid);
}

static int tochild[2], toparent[2];

static void tell(int fd, long v) { if (write(fd, &v, sizeof v) != sizeof v) exit(8); }
static long hear(int fd) { long v; readall(fd, &v, sizeof v); return v; }

static void *worker(void *arg) {
  (void)arg;
  sigset_t none;
  sigemptyset(&none);
  pthread_sigmask(SIG_SETMASK, &none, NULL);
  tell(toparent[1], syscall(SYS_gettid));
  while (hsig == 0) pause();
  return NULL;
}

/* The target process: waits with sigwaitinfo, a handler, signalfd, and in a thread. */
static void child(void) {
  /* The child's lines come out together at its end, after the parent's last send (one order). */
  static char buf[8192];
  setvbuf(stdout, buf, _IOFBF, sizeof buf);
  int wsig = SIGRTMIN + 1;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, wsig);
  sigaddset(&set, SIGUSR1);
  sigaddset(&set, SIGRTMIN + 4);
  sigprocmask(SIG_BLOCK, &set, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = handler;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGRTMIN + 2, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  tell(toparent[1], 1);

  /* 1. sigwaitinfo, once the parent has sent everything: the standard signal first (the lowest),
   * then the real-time one's instances in the order sent. */
  hear(tochild[0]);
  sigset_t w;
  sigemptyset(&w);
  sigaddset(&w, wsig);
  sigaddset(&w, SIGUSR1);
  for (int i = 0; i < 3; i++) {
    siginfo_t si;
    int s = sigwaitinfo(&w, &si);
    printf("child sigwaitinfo: %s code %d value %d from parent %s uid %u\n", s == wsig ? "SIGRTMIN+1" : s == SIGUSR1 ? "SIGUSR1" : "?",
           si.si_code, si.si_value.sival_int, si.si_pid == parent ? "yes" : "no", (unsigned)si.si_uid);
  }
  /* The forged sender: si_pid and si_uid are the caller's word, delivered as given. */
  {
    siginfo_t si;
    int s = sigwaitinfo(&w, &si);
    printf("child forged: sig %s code %d value %d pid %d uid %u\n", s == wsig ? "SIGRTMIN+1" : "?", si.si_code, si.si_value.sival_int, (int)si.si_pid, (unsigned)si.si_uid);
  }
  tell(toparent[1], 2);

  /* 2. An SA_SIGINFO handler, while the child sleeps in sigsuspend. */
  sigset_t old;
  sigprocmask(SIG_BLOCK, NULL, &old);
  while (hsig == 0) sigsuspend(&old);
  printf("child handler: %s code %d value %d from parent %s uid %d\n", hsig == SIGRTMIN + 2 ? "SIGRTMIN+2" : "?", hcode, hvalue, hfromparent ? "yes" : "no", huid);
  hsig = 0;

  /* 3. signalfd. */
  sigset_t fs;
  sigemptyset(&fs);
  sigaddset(&fs, SIGRTMIN + 4);
  int sfd = signalfd(-1, &fs, 0);
  tell(toparent[1], 3);
  struct signalfd_siginfo ssi;
  readall(sfd, &ssi, sizeof ssi);
  printf("child signalfd: %s code %d ptr %#llx from parent %s uid %u\n", (int)ssi.ssi_signo == SIGRTMIN + 4 ? "SIGRTMIN+4" : "?", ssi.ssi_code,
         (unsigned long long)ssi.ssi_ptr, ssi.ssi_pid == (uint32_t)parent ? "yes" : "no", ssi.ssi_uid);
  close(sfd);

  /* 4. A thread of this process, by rt_tgsigqueueinfo. */
  pthread_t th;
  pthread_create(&th, NULL, worker, NULL);
  pthread_join(th, NULL);
  printf("child thread handler: %s code %d value %d in the thread %s\n", hsig == SIGUSR2 ? "SIGUSR2" : "?", hcode, hvalue,
         hthread != getpid() ? "yes" : "no");
  fflush(stdout);
  _exit(0);
}

int main(int argc, char **argv) {
  int perm = argc > 1 && strcmp(argv[1], "perm") == 0;
  setvbuf(stdout, NULL, _IONBF, 0);
  parent = getpid();
  if (pipe(tochild) || pipe(toparent)) return 1;
  pid_t c = fork();
  if (c == 0) child();
  hear(toparent[0]);
  int wsig = SIGRTMIN + 1;
  printf("queue 41: %s\n", en(qinfo(c, wsig, SI_QUEUE, 41, getpid(), getuid())));
  printf("queue 42: %s\n", en(qinfo(c, wsig, SI_QUEUE, 42, getpid(), getuid())));
  printf("queue SIGUSR1 43: %s\n", en(qinfo(c, SIGUSR1, SI_QUEUE, 43, getpid(), getuid())));
  /* The kernel's and kill's codes are not the caller's to give to another process. */
  printf("si_code SI_USER: %s\n", en(qinfo(c, wsig, SI_USER, 1, getpid(), getuid())));
  printf("si_code SI_KERNEL: %s\n", en(qinfo(c, wsig, SI_KERNEL, 1, getpid(), getuid())));
  printf("si_code SI_TKILL: %s\n", en(qinfo(c, wsig, SI_TKILL, 1, getpid(), getuid())));
  printf("si_code 3: %s\n", en(qinfo(c, wsig, 3, 1, getpid(), getuid())));
  printf("si_code SI_MESGQ: %s\n", en(qinfo(c, 0, SI_MESGQ, 1, getpid(), getuid())));
  printf("bad signal: %s\n", en(qinfo(c, 99, SI_QUEUE, 1, getpid(), getuid())));
  printf("negative signal: %s\n", en(qinfo(c, -1, SI_QUEUE, 1, getpid(), getuid())));
  printf("signal 0: %s\n", en(qinfo(c, 0, SI_QUEUE, 1, getpid(), getuid())));
  printf("pid 0: %s\n", en(qinfo(0, wsig, SI_QUEUE, 1, getpid(), getuid())));
  printf("pid -1: %s\n", en(qinfo(-1, wsig, SI_QUEUE, 1, getpid(), getuid())));
  printf("pid -pgrp: %s\n", en(qinfo(-getpgrp(), wsig, SI_QUEUE, 1, getpid(), getuid())));
  printf("bad siginfo pointer: %s\n", en(syscall(SYS_rt_sigqueueinfo, c, wsig, (void *)8) == 0 ? 0 : errno));
  /* si_pid and si_uid are the caller's to say (Linux checks only si_code). */
  printf("forged: %s\n", en(qinfo(c, wsig, SI_QUEUE, 44, 4242, 777)));
  tell(tochild[1], 1);
  hear(toparent[0]);
  printf("queue to handler: %s\n", en(qinfo(c, SIGRTMIN + 2, SI_QUEUE, 45, getpid(), getuid())));
  hear(toparent[0]);
  printf("queue to signalfd: %s\n", en(qinfo(c, SIGRTMIN + 4, SI_QUEUE, 46, getpid(), getuid())));
  pid_t tid = (pid_t)hear(toparent[0]);
  printf("tg: wrong group: %s\n", en(tgqinfo(getpid(), tid, SIGUSR2, SI_QUEUE, 47)));
  printf("tg: tid 0: %s\n", en(tgqinfo(c, 0, SIGUSR2, SI_QUEUE, 47)));
  printf("tg: tgid 0: %s\n", en(tgqinfo(0, tid, SIGUSR2, SI_QUEUE, 47)));
  printf("tg: SI_TKILL: %s\n", en(tgqinfo(c, tid, SIGUSR2, SI_TKILL, 47)));
  printf("tg: bad signal: %s\n", en(tgqinfo(c, tid, 77, SI_QUEUE, 47)));
  printf("tg: signal 0: %s\n", en(tgqinfo(c, tid, 0, SI_QUEUE, 47)));
  printf("tg: to the thread: %s\n", en(tgqinfo(c, tid, SIGUSR2, SI_QUEUE, 48)));
  int st;
  waitpid(c, &st, 0);
  printf("child exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  printf("reaped child: %s\n", en(qinfo(c, wsig, SI_QUEUE, 1, getpid(), getuid())));
  printf("reaped thread: %s\n", en(tgqinfo(c, tid, SIGUSR2, SI_QUEUE, 1)));

  /* Oneself may use any si_code (the thread id is the caller's own). */
  sigset_t w;
  sigemptyset(&w);
  sigaddset(&w, SIGUSR1);
  sigprocmask(SIG_BLOCK, &w, NULL);
  printf("self SI_USER: %s\n", en(qinfo(getpid(), SIGUSR1, SI_USER, 5, getpid(), getuid())));
  siginfo_t si;
  int s = sigwaitinfo(&w, &si);
  printf("self got %s code %d\n", s == SIGUSR1 ? "SIGUSR1" : "?", si.si_code);
  printf("self tg SI_KERNEL: %s\n", en(tgqinfo(getpid(), getpid(), SIGUSR1, SI_KERNEL, 6)));
  s = sigwaitinfo(&w, &si);
  printf("self got %s code %d\n", s == SIGUSR1 ? "SIGUSR1" : "?", si.si_code);

  if (perm) {
    /* kill's credential rules: an unprivileged sender may not reach root's processes, but may
     * reach its own user's. */
    pid_t u = fork();
    if (u == 0) {
      if (setresuid(1000, 1000, 1000) != 0) { printf("setresuid failed\n"); _exit(1); }
      printf("uid 1000 to root: %s\n", en(qinfo(parent, SIGUSR1, SI_QUEUE, 1, getpid(), getuid())));
      printf("uid 1000 to root, signal 0: %s\n", en(qinfo(parent, 0, SI_QUEUE, 1, getpid(), getuid())));
      printf("uid 1000 tg to root: %s\n", en(tgqinfo(parent, parent, SIGUSR1, SI_QUEUE, 1)));
      printf("uid 1000 to itself: %s\n", en(qinfo(getpid(), SIGUSR1, SI_QUEUE, 1, getpid(), getuid())));
      _exit(0);
    }
    waitpid(u, &st, 0);
    printf("pending after the unprivileged child: %s\n", sigpending(&w) == 0 && sigismember(&w, SIGUSR1) ? "SIGUSR1" : "none");
  }
  return 0;
}
