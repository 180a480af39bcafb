/* An epoll registration lives as long as its open file description does anywhere (Linux's
 * eventpoll_release at the file's last close): a description shared with a forked child keeps
 * the parent's registration when the child closes its copy, and when the parent closes its own
 * while the child still holds it — until the child's close too. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

static int sync_up[2], sync_down[2];

static void say(int fd) {
  char c = 1;
  if (write(fd, &c, 1) != 1) exit(8);
}

static void hear(int fd) {
  char c;
  if (read(fd, &c, 1) != 1) exit(9);
}

static void show(const char *what, int ep) {
  struct epoll_event ev[4];
  int n = epoll_wait(ep, ev, 4, 0);
  /* In data order: the order of a level-triggered ready list is not what this program is about. */
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && ev[j - 1].data.u64 > ev[j].data.u64; j--) {
      struct epoll_event t = ev[j];
      ev[j] = ev[j - 1];
      ev[j - 1] = t;
    }
  printf("%s: %d", what, n);
  if (n < 0) printf(" %s", strerror(errno));
  for (int i = 0; i < n; i++) printf(" [data %llu events %#x]", (unsigned long long)ev[i].data.u64, ev[i].events);
  printf("\n");
}

static int add(int ep, int fd, unsigned long long data) {
  struct epoll_event e;
  memset(&e, 0, sizeof e);
  e.events = EPOLLIN;
  e.data.u64 = data;
  return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) == 0 ? 0 : errno;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (pipe(sync_up) || pipe(sync_down)) return 1;
  int a[2], b[2];
  if (pipe(a) || pipe(b)) return 1;
  int ep = epoll_create1(0);
  printf("add a: %d, add b: %d\n", add(ep, a[0], 1), add(ep, b[0], 2));
  if (write(a[1], "x", 1) != 1 || write(b[1], "y", 1) != 1) return 1;
  show("both ready", ep);

  pid_t c = fork();
  if (c == 0) {
    /* The child closes its copy of a's read end: the parent's registration of it stays. */
    close(a[0]);
    say(sync_up[1]);
    hear(sync_down[0]);
    /* The parent closed b's read end; the child still holds it: the shared instance reports it. */
    show("child, after the parent's close of b", ep);
    close(b[0]);
    say(sync_up[1]);
    hear(sync_down[0]);
    _exit(0);
  }
  hear(sync_up[0]);
  show("after the child's close of a", ep);
  close(b[0]);
  show("after the parent's close of b (the child holds it)", ep);
  printf("write to b while the child reads it: %s\n", write(b[1], "v", 1) == 1 ? "OK" : strerror(errno));
  printf("EPOLL_CTL_DEL of the closed descriptor: %s\n", epoll_ctl(ep, EPOLL_CTL_DEL, b[0], NULL) == 0 ? "OK" : strerror(errno));
  say(sync_down[1]);
  hear(sync_up[0]);
  show("after the child's close of b too", ep);
  /* The description is closed everywhere: its write end is broken (nothing kept it open). */
  signal(SIGPIPE, SIG_IGN);
  printf("write to b: %s\n", write(b[1], "w", 1) == 1 ? "OK" : strerror(errno));
  say(sync_down[1]);
  int st;
  waitpid(c, &st, 0);
  /* A descriptor number reused for another description is a new registration. */
  int d[2];
  if (pipe(d)) return 1;
  printf("new pipe at the old number: %s, add: %d\n", d[0] == b[0] ? "yes" : "no", add(ep, d[0], 3));
  show("new pipe, empty", ep);
  if (write(d[1], "z", 1) != 1) return 1;
  show("new pipe, written", ep);
  return 0;
}
