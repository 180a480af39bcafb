/* Pipes, a FIFO, an eventfd and poll/select between processes: a parent's blocking read woken
 * by a child's write, end of file when the writers exit, EPIPE (and SIGPIPE's default death)
 * when the readers are gone, a megabyte through a full pipe in both directions of waiting, a
 * FIFO's blocking opens meeting, poll and select woken by another process. Output never
 * depends on timing: every wait ends in one way only. */
#include "../fs/common.h"
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <stdint.h>

static void reap(const char *what, pid_t c) {
  int st;
  if (waitpid(c, &st, 0) != c) die("waitpid");
  if (WIFEXITED(st)) printf("%s: child exited %d\n", what, WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("%s: child killed by signal %d\n", what, WTERMSIG(st));
  fflush(stdout);
}

static pid_t child(void) {
  fflush(stdout);
  pid_t c = fork();
  if (c < 0) die("fork");
  return c;
}

int main(void) {
  static char buf[1 << 16];
  int p[2], q[2];

  /* a blocking read woken by another process's write; end of file when it exits */
  if (pipe(p) < 0) die("pipe");
  pid_t c = child();
  if (c == 0) {
    close(p[0]);
    usleep(20000);
    write(p[1], "hello", 5);
    usleep(20000);
    _exit(0);
  }
  close(p[1]);
  show("read, the writer in another process", read(p[0], buf, sizeof buf));
  printf("  got \"%.5s\"\n", buf);
  show("read until the writer exits", read(p[0], buf, sizeof buf));
  reap("writer", c);
  close(p[0]);

  /* the reader goes: EPIPE with SIGPIPE ignored, death by SIGPIPE by default */
  if (pipe(p) < 0) die("pipe");
  c = child();
  if (c == 0) _exit(0);
  reap("reader", c);
  close(p[0]);
  signal(SIGPIPE, SIG_IGN);
  show("write, the only reader closed", write(p[1], "x", 1));
  signal(SIGPIPE, SIG_DFL);
  c = child();
  if (c == 0) {
    write(p[1], "x", 1);
    _exit(0);
  }
  reap("a writer with SIGPIPE at its default", c);
  close(p[1]);

  /* a megabyte through the pipe: the writer waits for room, the reader for data */
  if (pipe(p) < 0) die("pipe");
  c = child();
  if (c == 0) {
    close(p[0]);
    for (int i = 0; i < 16; i++) {
      memset(buf, 'a' + i, sizeof buf);
      if (write(p[1], buf, sizeof buf) != sizeof buf) _exit(1);
    }
    _exit(0);
  }
  close(p[1]);
  long total = 0, sum = 0, r;
  while ((r = read(p[0], buf, 1000)) > 0) {
    for (long i = 0; i < r; i++) sum += buf[i];
    total += r;
  }
  printf("a megabyte through a pipe: %ld bytes, sum %ld\n", total, sum);
  reap("the megabyte's writer", c);
  close(p[0]);

  /* poll and select woken by another process */
  if (pipe(p) < 0 || pipe(q) < 0) die("pipe");
  c = child();
  if (c == 0) {
    usleep(20000);
    write(q[1], "q", 1);
    usleep(20000);
    write(p[1], "p", 1);
    _exit(0);
  }
  struct pollfd f[2] = { { p[0], POLLIN, 0 }, { q[0], POLLIN, 0 } };
  int n = poll(f, 2, -1);
  printf("poll: %d: %#x %#x\n", n, f[0].revents, f[1].revents);
  fd_set rd;
  FD_ZERO(&rd);
  FD_SET(p[0], &rd);
  n = select(p[0] + 1, &rd, NULL, NULL, NULL);
  printf("select: %d, the other pipe %d\n", n, FD_ISSET(p[0], &rd) != 0);
  reap("poll's writer", c);
  close(p[0]); close(p[1]); close(q[0]); close(q[1]);

  /* a FIFO: the blocking opens meet */
  char path[64];
  snprintf(path, sizeof path, "/tmp/k42-ipc-procs-%d", getpid());
  unlink(path);
  if (mkfifo(path, 0600) < 0) die("mkfifo");
  c = child();
  if (c == 0) {
    int w = open(path, O_WRONLY);
    write(w, "through", 7);
    _exit(w < 0);
  }
  int fr = open(path, O_RDONLY);
  okerr("open the FIFO for reading (waits for the writer)", fr);
  show("read the FIFO", read(fr, buf, sizeof buf));
  printf("  got \"%.7s\"\n", buf);
  show("read the FIFO at its end", read(fr, buf, sizeof buf));
  reap("the FIFO's writer", c);
  close(fr);
  unlink(path);

  /* an eventfd shared by fork */
  int e = eventfd(0, 0);
  c = child();
  if (c == 0) {
    usleep(20000);
    eventfd_write(e, 5);
    _exit(0);
  }
  eventfd_t v = 0;
  show("eventfd read, the writer in another process", eventfd_read(e, &v));
  printf("  got %llu\n", (unsigned long long)v);
  reap("the eventfd's writer", c);
  return 0;
}
