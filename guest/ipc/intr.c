/* Signals ending waits for pipes, an eventfd, a FIFO open, poll and select: a handler without
 * SA_RESTART makes them fail with EINTR, with SA_RESTART a pipe read starts again; pselect and
 * ppoll wait with the mask they are given and put the old one back (the signal they held back
 * is handled after them); a pending signal their mask unblocks interrupts them at once. The
 * signals come from a child process, each while the parent waits (the child sleeps first). */
#include "../fs/common.h"
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/wait.h>

static volatile int caught;
static void on_usr1(int s) { (void)s; caught++; }

static void handler(int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = flags;
  sigaction(SIGUSR1, &sa, NULL);
}

/* A child that signals the parent after a while, then (if `fd` >= 0) writes a byte to `fd`. */
static pid_t poke(int fd) {
  fflush(stdout);
  pid_t parent = getpid(), c = fork();
  if (c < 0) die("fork");
  if (c == 0) {
    usleep(30000);
    kill(parent, SIGUSR1);
    if (fd >= 0) {
      usleep(30000);
      write(fd, "x", 1);
    }
    _exit(0);
  }
  return c;
}

static void reap(pid_t c) {
  int st;
  waitpid(c, &st, 0);
}

int main(void) {
  char buf[16];
  int p[2];
  if (pipe(p) < 0) die("pipe");

  handler(0);
  caught = 0;
  pid_t c = poke(-1);
  show("read, interrupted (no SA_RESTART)", read(p[0], buf, sizeof buf));
  printf("  handler ran %d\n", caught);
  reap(c);

  handler(SA_RESTART);
  caught = 0;
  c = poke(p[1]);
  show("read, interrupted with SA_RESTART, then data", read(p[0], buf, sizeof buf));
  printf("  handler ran %d\n", caught);
  reap(c);

  handler(SA_RESTART);
  caught = 0;
  struct pollfd f = { p[0], POLLIN, 0 };
  c = poke(-1);
  show("poll, interrupted (never restarted after a handler)", poll(&f, 1, -1));
  printf("  handler ran %d\n", caught);
  reap(c);

  caught = 0;
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  c = poke(-1);
  show("select, interrupted", select(p[0] + 1, &rd, NULL, NULL, NULL));
  printf("  handler ran %d, the set as given: %d\n", caught, FD_ISSET(p[0], &rd) != 0);
  reap(c);

  handler(0);
  caught = 0;
  int e = eventfd(0, 0);
  eventfd_t v;
  c = poke(-1);
  show("eventfd read, interrupted", eventfd_read(e, &v));
  printf("  handler ran %d\n", caught);
  reap(c);

  char path[64];
  snprintf(path, sizeof path, "/tmp/k42-ipc-intr-%d", getpid());
  unlink(path);
  mkfifo(path, 0600);
  caught = 0;
  c = poke(-1);
  show("FIFO open for reading, interrupted", open(path, O_RDONLY));
  printf("  handler ran %d\n", caught);
  reap(c);
  unlink(path);

  /* a pending signal ppoll's mask unblocks interrupts it at once; the old mask comes back */
  sigset_t block, old, now;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  caught = 0;
  raise(SIGUSR1);
  printf("raised while blocked: handler ran %d\n", caught);
  sigset_t none;
  sigemptyset(&none);
  f = (struct pollfd){ p[0], POLLIN, 0 };
  show("ppoll unblocking the pending signal", ppoll(&f, 1, NULL, &none));
  sigprocmask(SIG_SETMASK, NULL, &now);
  printf("  handler ran %d, SIGUSR1 blocked again %d\n", caught, sigismember(&now, SIGUSR1));
  sigprocmask(SIG_SETMASK, &old, NULL);

  /* qemu-user 7.2 runs a handler only at the call after the one that unblocked its signal;
   * Linux runs it on the way back from that call (here: before pselect's caller goes on). */
  printf("--- linux only ---\n");
  /* pselect's mask holds the signal back until it returns */
  caught = 0;
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  c = poke(p[1]);
  int n = pselect(p[0] + 1, &rd, NULL, NULL, NULL, &block);
  printf("pselect with SIGUSR1 blocked = %d, handler ran %d by its return\n", n, caught);
  read(p[0], buf, 1);
  reap(c);

  return 0;
}
