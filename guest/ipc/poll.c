/* poll, ppoll, select and pselect over pipes, an eventfd, a regular file and bad descriptors,
 * with zero and small timeouts: what is ready, the revents and fd_set bits, the counts, and
 * the time written back (as relations, never as values: both sides run on different clocks).
 * Also the raw system calls glibc does not use for these (_newselect, pselect6 and ppoll with
 * their own timeouts), so that the kernel's write-back of the time left is seen. */
#include "../fs/common.h"
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/time.h>

static void show_poll(const char *what, struct pollfd *p, int n, int timeout) {
  int r = poll(p, n, timeout);
  if (r < 0) {
    printf("%s = -1 %s\n", what, ename(errno));
    return;
  }
  printf("%s = %d:", what, r);
  for (int i = 0; i < n; i++) printf(" %#x", p[i].revents);
  printf("\n");
}

/* The set bits of the first 64 descriptors of an fd_set. */
static void show_set(const char *name, fd_set *s) {
  printf(" %s{", name);
  for (int fd = 0; fd < 64; fd++) if (FD_ISSET(fd, s)) printf(" %d", fd == 40 ? 40 : fd > 2 ? -1 : fd);
  printf(" }");
}

int main(void) {
  int p[2], q[2];
  if (pipe(p) < 0 || pipe(q) < 0) die("pipe");
  /* Fixed descriptor numbers for the fd_set bit order (whatever qemu itself holds open). */
  if (dup2(p[0], 40) < 0) die("dup2");
  /* A descriptor number nothing uses (below 64: inside the descriptor table). */
  int closed = 50;
  dup2(p[0], closed);
  close(closed);

  struct pollfd f[4];
  f[0] = (struct pollfd){ p[0], POLLIN, 0x7777 };
  f[1] = (struct pollfd){ p[1], POLLOUT, 0x7777 };
  show_poll("poll: empty pipe, read and write end, timeout 0", f, 2, 0);
  f[0].events = POLLIN | POLLPRI | POLLOUT | POLLRDNORM;
  show_poll("poll: read end, asking for everything", f, 1, 0);
  show_poll("poll: empty pipe, 10 ms", f, 1, 10);
  write(p[1], "x", 1);
  f[0].events = POLLIN;
  show_poll("poll: a byte in", f, 2, -1);
  f[0].events = POLLRDNORM;
  show_poll("poll: a byte in, POLLRDNORM only", f, 1, 0);
  f[0].events = 0;
  show_poll("poll: a byte in, no events asked", f, 1, 0);
  f[2] = (struct pollfd){ -5, POLLIN, 0x7777 };
  f[3] = (struct pollfd){ closed, POLLIN, 0x7777 };
  f[0].events = POLLIN;
  show_poll("poll: with a negative and a closed descriptor", f, 4, 0);
  show_poll("poll: nothing, 5 ms", NULL, 0, 5);
  show_poll("poll: a bad array", (struct pollfd *)8, 1, 0);

  /* the other end goes */
  close(q[1]);
  f[0] = (struct pollfd){ q[0], POLLIN, 0 };
  show_poll("poll: no writer left, empty", f, 1, -1);
  write(p[1], "y", 1);
  int r2[2];
  pipe(r2);
  write(r2[1], "z", 1);
  close(r2[1]);
  f[0] = (struct pollfd){ r2[0], POLLIN, 0 };
  show_poll("poll: no writer left, a byte in", f, 1, 0);
  close(r2[0]);
  pipe(r2);
  close(r2[0]);
  f[0] = (struct pollfd){ r2[1], POLLOUT, 0 };
  show_poll("poll: no reader left", f, 1, 0);
  f[0].events = 0;
  show_poll("poll: no reader left, no events asked", f, 1, 0);
  close(r2[1]);

  /* a full pipe is not writable */
  pipe(r2);
  fcntl(r2[1], F_SETFL, O_NONBLOCK);
  static char big[65536];
  while (write(r2[1], big, sizeof big) > 0) {}
  f[0] = (struct pollfd){ r2[1], POLLOUT, 0 };
  show_poll("poll: a full pipe's write end", f, 1, 0);
  read(r2[0], big, 4096);
  show_poll("poll: after reading a page", f, 1, 0);
  close(r2[0]);
  close(r2[1]);

  /* an eventfd and a regular file */
  int e = eventfd(0, EFD_NONBLOCK);
  f[0] = (struct pollfd){ e, POLLIN | POLLOUT, 0 };
  show_poll("poll: eventfd at 0", f, 1, 0);
  eventfd_write(e, 3);
  show_poll("poll: eventfd at 3", f, 1, 0);
  eventfd_write(e, 0xfffffffffffffffeULL - 3);
  show_poll("poll: eventfd at its maximum", f, 1, 0);
  char tmp[64];
  snprintf(tmp, sizeof tmp, "/tmp/k42-ipc-poll-%d", getpid());
  int file = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
  unlink(tmp);
  f[1] = (struct pollfd){ file, POLLIN | POLLOUT | POLLPRI, 0 };
  show_poll("poll: eventfd and a regular file", f, 2, 0);
  int path = open("/", O_PATH);
  f[0] = (struct pollfd){ path, POLLIN, 0 };
  show_poll("poll: an O_PATH descriptor", f, 1, 0);

  /* select */
  fd_set rd, wr, ex;
  struct timeval tv;
  FD_ZERO(&rd); FD_ZERO(&wr); FD_ZERO(&ex);
  FD_SET(40, &rd); FD_SET(q[0], &rd); FD_SET(p[1], &wr); FD_SET(p[0], &ex); FD_SET(1, &wr);
  tv = (struct timeval){ 5, 0 };
  int n = select(41, &rd, &wr, &ex, &tv);
  printf("select: data on 40, EOF on one, two writable = %d:", n);
  show_set("rd", &rd); show_set("wr", &wr); show_set("ex", &ex);
  printf(" time left in (4 s, 5 s]: %d\n", (tv.tv_sec == 4 && tv.tv_usec > 0) || (tv.tv_sec == 5 && tv.tv_usec == 0));
  read(p[0], big, 100);
  FD_ZERO(&rd); FD_ZERO(&wr);
  FD_SET(40, &rd);
  tv = (struct timeval){ 0, 20000 };
  n = select(41, &rd, NULL, NULL, &tv);
  printf("select: empty pipe, 20 ms = %d:", n);
  show_set("rd", &rd);
  printf(" time left %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
  tv = (struct timeval){ 0, 0 };
  FD_SET(40, &rd);
  n = select(41, &rd, NULL, NULL, &tv);
  printf("select: timeout 0 = %d, time left %ld.%06ld\n", n, (long)tv.tv_sec, (long)tv.tv_usec);
  FD_ZERO(&rd);
  FD_SET(closed, &rd);
  tv = (struct timeval){ 0, 0 };
  show("select: a closed descriptor", select(closed + 1, &rd, NULL, NULL, &tv));
  FD_ZERO(&rd);
  FD_SET(path, &rd);
  tv = (struct timeval){ 0, 0 };
  show("select: an O_PATH descriptor", select(path + 1, &rd, NULL, NULL, &tv));
  tv = (struct timeval){ 0, -1 };
  show("select: negative microseconds", select(1, NULL, NULL, NULL, &tv));
  tv = (struct timeval){ -1, 0 };
  show("select: negative seconds", select(1, NULL, NULL, NULL, &tv));
  show("select: negative n", select(-1, NULL, NULL, NULL, NULL));
  tv = (struct timeval){ 0, 3000 };
  show("select: nothing, 3 ms", select(0, NULL, NULL, NULL, &tv));
  FD_ZERO(&wr);
  FD_SET(e, &wr);
  FD_SET(file, &wr);
  tv = (struct timeval){ 0, 0 };
  n = select(64, NULL, &wr, NULL, &tv);
  printf("select: eventfd at its maximum, a regular file = %d, file %d, eventfd %d\n", n, FD_ISSET(file, &wr) != 0, FD_ISSET(e, &wr) != 0);

  /* the raw calls: the kernel writes the time left back */
  struct timespec ts = { 0, 10000000 };
  FD_ZERO(&rd);
  FD_SET(40, &rd);
  long r = syscall(SYS_pselect6, 41, &rd, NULL, NULL, &ts, NULL);
  printf("pselect6: empty, 10 ms = %ld, time left %ld.%09ld\n", r, (long)ts.tv_sec, (long)ts.tv_nsec);
  ts = (struct timespec){ 0, 1000000000 };
  show("pselect6: 1e9 ns", syscall(SYS_pselect6, 41, &rd, NULL, NULL, &ts, NULL));
  struct pollfd one = { 40, POLLIN, 0 };
  ts = (struct timespec){ 0, 10000000 };
  r = syscall(SYS_ppoll, &one, 1, &ts, NULL, 8);
  printf("ppoll: empty, 10 ms = %ld, time left %ld.%09ld\n", r, (long)ts.tv_sec, (long)ts.tv_nsec);

  /* signal masks: given for the call, put back after */
  sigset_t m, before, after;
  sigemptyset(&m);
  sigaddset(&m, SIGUSR1);
  sigprocmask(SIG_SETMASK, NULL, &before);
  write(p[1], "v", 1);
  ts = (struct timespec){ 1, 0 };
  show("ppoll with a mask", ppoll(&one, 1, &ts, &m));
  sigprocmask(SIG_SETMASK, NULL, &after);
  printf("  mask unchanged after: %d\n", memcmp(&before, &after, sizeof before) == 0);
  FD_ZERO(&rd);
  FD_SET(40, &rd);
  show("pselect with a mask", pselect(41, &rd, NULL, NULL, &ts, &m));
  sigprocmask(SIG_SETMASK, NULL, &after);
  printf("  mask unchanged after: %d\n", memcmp(&before, &after, sizeof before) == 0);
  show("ppoll: a bad sigset size", syscall(SYS_ppoll, &one, 1, NULL, &m, 4));
  long args[2] = { (long)&m, 4 };
  show("pselect6: a bad sigset size", syscall(SYS_pselect6, 41, &rd, NULL, NULL, NULL, args));

  /* qemu-user 7.2 passes a timeval's microseconds on as nanoseconds without normalising them
   * (EINVAL past 1e6 us); Linux's kern_select normalises them. */
  printf("--- linux only ---\n");
  FD_ZERO(&rd);
  FD_SET(40, &rd);
  tv = (struct timeval){ 0, 1500000 };
  write(p[1], "w", 1);
  r = syscall(SYS__newselect, 41, &rd, NULL, NULL, &tv);
  printf("_newselect: 1500000 us normalised, data ready = %ld (%s), time left in (1.4 s, 1.5 s]: %d\n", r, r < 0 ? ename(errno) : "ok",
         tv.tv_sec == 1 && tv.tv_usec > 400000 && tv.tv_usec <= 500000);
  return 0;
}
