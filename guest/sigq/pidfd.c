/* Process descriptors: pidfd_open's checks and flags, polling (readable once the process has
 * exited, with poll and epoll), pidfd_send_signal's rules (flags, a descriptor that is not a
 * pidfd, si_signo, impersonation, a zombie, a reaped process), the siginfo it carries, and
 * waitid(P_PIDFD) with blocking and O_NONBLOCK descriptors. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static const char *en(long r) {
  if (r >= 0) return "OK";
  switch (errno) {
  case EPERM: return "EPERM";
  case ESRCH: return "ESRCH";
  case EINVAL: return "EINVAL";
  case EBADF: return "EBADF";
  case EAGAIN: return "EAGAIN";
  case ECHILD: return "ECHILD";
  case ENOENT: return "ENOENT";
  default: return strerror(errno);
  }
}

static long popen_(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }
static long psend(int fd, int sig, siginfo_t *si, unsigned flags) { return syscall(SYS_pidfd_send_signal, fd, sig, si, flags); }

static int polled(int fd) {
  struct pollfd p = { fd, POLLIN, 0 };
  int n = poll(&p, 1, 0);
  return n == 1 ? p.revents : n;
}

static int ready[2], acks[2];
static void *idle(void *arg) {
  (void)arg;
  pid_t t = (pid_t)syscall(SYS_gettid);
  if (write(ready[1], &t, sizeof t) != sizeof t) exit(8);
  pause();
  return NULL;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (pipe(ready) || pipe(acks)) return 1;
  /* Blocked in every thread (the idle thread inherits the mask): only sigwaitinfo takes them. */
  sigset_t us, u1;
  sigemptyset(&us);
  sigaddset(&us, SIGUSR2);
  sigemptyset(&u1);
  sigaddset(&u1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &us, NULL);
  sigprocmask(SIG_BLOCK, &u1, NULL);
  /* pidfd_open's checks. */
  long r;
  r = popen_(getpid(), 0x1); printf("bad flags: %s\n", en(r));
  r = popen_(0, 0); printf("pid 0: %s\n", en(r));
  r = popen_(-1, 0); printf("pid -1: %s\n", en(r));
  r = popen_(99999, 0); printf("no such pid: %s\n", en(r));
  pthread_t th;
  pthread_create(&th, NULL, idle, NULL);
  pid_t tid;
  if (read(ready[0], &tid, sizeof tid) != sizeof tid) return 1;
  /* Linux 6.18 says ENOENT, earlier kernels EINVAL: either is the refusal (qemu answers the host's). */
  r = popen_(tid, 0); printf("a thread that does not lead: %s\n", r < 0 && (errno == ENOENT || errno == EINVAL) ? "refused" : en(r));
  int self = (int)popen_(getpid(), 0);
  printf("self: %s, FD_CLOEXEC %d, access %s, nonblock %d\n", en(self), fcntl(self, F_GETFD) & FD_CLOEXEC,
         (fcntl(self, F_GETFL) & O_ACCMODE) == O_RDWR ? "O_RDWR" : "?", (fcntl(self, F_GETFL) & O_NONBLOCK) != 0);
  char b[8];
  r = read(self, b, sizeof b); printf("read: %s\n", en(r));
  printf("poll self: %#x\n", polled(self));
  close(self);

  /* A child: signals through the descriptor. */
  siginfo_t si, got;
  pid_t c = fork();
  if (c == 0) {
    siginfo_t ci;
    for (int i = 0; i < 2; i++) {
      int s = sigwaitinfo(&u1, &ci);
      printf("  child: %s code %d value %d from parent %s\n", s == SIGUSR1 ? "SIGUSR1" : "?", ci.si_code,
             ci.si_code == SI_QUEUE ? ci.si_value.sival_int : -1, ci.si_pid == getppid() ? "yes" : "no");
      char a = 1;
      if (write(acks[1], &a, 1) != 1) _exit(7);
    }
    pause();
    _exit(1);
  }
  int fd = (int)popen_(c, 0);
  int nb = (int)popen_(c, O_NONBLOCK);
  printf("child: %s, nonblocking one: %s %d\n", en(fd), en(nb), (fcntl(nb, F_GETFL) & O_NONBLOCK) != 0);
  printf("poll while it runs: %#x\n", polled(fd));
  r = waitid(P_PIDFD, nb, &got, WEXITED); printf("waitid, nonblocking descriptor, running: %s\n", en(r));
  r = psend(fd, SIGUSR1, NULL, 8); printf("send, bad flags: %s\n", en(r));
  r = psend(ready[0], SIGUSR1, NULL, 0); printf("send through a pipe: %s\n", en(r));
  r = psend(fd, 99, NULL, 0); printf("send, bad signal: %s\n", en(r));
  r = psend(fd, 0, NULL, 0); printf("send, signal 0: %s\n", en(r));
  memset(&si, 0, sizeof si);
  si.si_signo = SIGUSR2;
  si.si_code = SI_QUEUE;
  r = psend(fd, SIGUSR1, &si, 0); printf("send, si_signo differs: %s\n", en(r));
  si.si_signo = SIGUSR1;
  si.si_code = SI_USER;
  r = psend(fd, SIGUSR1, &si, 0); printf("send, SI_USER to another: %s\n", en(r));
  si.si_code = SI_TKILL;
  r = psend(fd, SIGUSR1, &si, 0); printf("send, SI_TKILL to another: %s\n", en(r));
  /* The child takes each before the next comes (a standard signal is pending once); the
   * parent's line comes after the child's. */
  char a;
  r = psend(fd, SIGUSR1, NULL, 0);
  const char *e = en(r);
  if (read(acks[0], &a, 1) != 1) return 1;
  printf("send SIGUSR1: %s\n", e);
  si.si_code = SI_QUEUE;
  si.si_pid = getpid();
  si.si_uid = getuid();
  si.si_value.sival_int = 31;
  r = psend(fd, SIGUSR1, &si, 0);
  e = en(r);
  if (read(acks[0], &a, 1) != 1) return 1;
  printf("send SIGUSR1 with a siginfo: %s\n", e);
  int ep = epoll_create1(0);
  struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 9 };
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  r = psend(fd, SIGTERM, NULL, 0); printf("send SIGTERM: %s\n", en(r));
  struct epoll_event out;
  int n = epoll_wait(ep, &out, 1, -1);
  printf("epoll after the end: %d data %llu events %#x\n", n, (unsigned long long)out.data.u64, out.events);
  printf("poll after the end: %#x\n", polled(fd));
  r = psend(fd, SIGUSR1, NULL, 0); printf("send to the zombie: %s\n", en(r));
  memset(&got, 0, sizeof got);
  r = waitid(P_PIDFD, fd, &got, WEXITED); printf("waitid: %s pid %s code %s status %s\n", en(r), got.si_pid == c ? "the child" : "?",
         got.si_code == CLD_KILLED ? "CLD_KILLED" : "?", got.si_status == SIGTERM ? "SIGTERM" : "?");
  r = psend(fd, SIGUSR1, NULL, 0); printf("send once reaped: %s\n", en(r));
  r = waitid(P_PIDFD, fd, &got, WEXITED | WNOHANG); printf("waitid once reaped: %s\n", en(r));
  r = waitid(P_PIDFD, ready[0], &got, WEXITED); printf("waitid on a pipe: %s\n", en(r));

  /* A zombie's descriptor: readable at once. */
  c = fork();
  if (c == 0) _exit(4);
  waitid(P_PID, c, &got, WEXITED | WNOWAIT);
  fd = (int)popen_(c, 0);
  printf("zombie: %s, poll %#x\n", en(fd), polled(fd));
  memset(&got, 0, sizeof got);
  r = waitid(P_PIDFD, fd, &got, WEXITED); printf("waitid: %s code %s status %d\n", en(r), got.si_code == CLD_EXITED ? "CLD_EXITED" : "?", got.si_status);
  return 0;
}
