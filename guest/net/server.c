/* A path-bound stream server with fork()ed clients and an epoll loop; abstract names and
 * autobind; datagrams with sender addresses; the connect/bind/listen error cases. */
#include "common.h"
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#define PATH "k42-sock-test.sock"

static socklen_t mkaddr(struct sockaddr_un *a, const char *p, int abstract) {
  memset(a, 0, sizeof *a); a->sun_family = AF_UNIX;
  if (abstract) { memcpy(a->sun_path + 1, p, strlen(p)); return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(p); }
  strcpy(a->sun_path, p); return sizeof *a;
}

static void client(int i) {
  struct sockaddr_un a; socklen_t l = mkaddr(&a, PATH, 0);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr *)&a, l) < 0) { printf("client %d connect %s\n", i, ename(errno)); _exit(1); }
  char msg[32]; int n = snprintf(msg, sizeof msg, "hello from %d", i);
  write(s, msg, n);
  char buf[64]; int r = read(s, buf, sizeof buf);
  if (r != n + 4 || memcmp(buf, "ECHO", 4) != 0) _exit(2);
  shutdown(s, SHUT_WR);
  r = read(s, buf, sizeof buf);
  _exit(r == 0 ? 0 : 3);
}

static void server(void) {
  struct sockaddr_un a; socklen_t l = mkaddr(&a, PATH, 0);
  unlink(PATH);
  int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  CHECK(bind(ls, (struct sockaddr *)&a, l));
  struct stat st; CHECK(stat(PATH, &st)); printf("node is a socket %d\n", S_ISSOCK(st.st_mode));
  int ls2 = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW("bind the same path again", bind(ls2, (struct sockaddr *)&a, l));
  SHOW("connect before listen", connect(ls2, (struct sockaddr *)&a, l));
  CHECK(listen(ls, 8));
  struct sockaddr_un got; socklen_t gl = sizeof got;
  CHECK(getsockname(ls, (struct sockaddr *)&got, &gl));
  printf("getsockname len %d (offsetof + strlen + 1 = %d) '%s'\n", (int)gl, (int)(offsetof(struct sockaddr_un, sun_path) + strlen(PATH) + 1), got.sun_path);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = { EPOLLIN, { .fd = ls } };
  CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev));
  SHOW("EPOLL_CTL_ADD again", epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev));
  enum { N = 4 };
  pid_t kids[N];
  for (int i = 0; i < N; i++) if ((kids[i] = fork()) == 0) client(i);
  int accepted = 0, closed = 0, bytes = 0;
  while (closed < N) {
    struct epoll_event evs[8];
    int n = epoll_wait(ep, evs, 8, 5000);
    if (n <= 0) { printf("epoll_wait %d %s\n", n, ename(errno)); break; }
    for (int j = 0; j < n; j++) {
      int fd = evs[j].data.fd;
      if (fd == ls) {
        for (;;) {
          struct sockaddr_un ca; socklen_t cl = sizeof ca;
          int c = accept4(ls, (struct sockaddr *)&ca, &cl, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (c < 0) { if (errno != EAGAIN) printf("accept %s\n", ename(errno)); break; }
          if (cl != 2) printf("accepted address length %d\n", (int)cl);
          accepted++;
          struct epoll_event ce = { EPOLLIN | EPOLLRDHUP, { .fd = c } };
          CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce));
        }
      } else {
        char buf[64];
        int r = read(fd, buf + 4, sizeof buf - 4);
        if (r > 0) { memcpy(buf, "ECHO", 4); write(fd, buf, r + 4); bytes += r; }
        else if (r == 0) { CHECK(epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL)); close(fd); closed++; }
      }
    }
  }
  printf("accepted %d, closed %d, bytes %d\n", accepted, closed, bytes);
  for (int i = 0; i < N; i++) { int s; waitpid(kids[i], &s, 0); if (WEXITSTATUS(s) != 0) printf("client %d status %d\n", i, WEXITSTATUS(s)); }
  /* unlink does not break the listener's connections; a new connect finds no node */
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(connect(c, (struct sockaddr *)&a, l));
  CHECK(unlink(PATH));
  int sc = accept(ls, NULL, NULL);
  SHOW("send after unlink", send(c, "x", 1, 0));
  char b; SHOW("recv after unlink", recv(sc, &b, 1, 0));
  int c2 = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW("connect to the unlinked path", connect(c2, (struct sockaddr *)&a, l));
  SHOW("connect connected", connect(c, (struct sockaddr *)&a, l));
  close(c); close(c2); close(sc); close(ls); close(ep);
  /* a listener's path without a listener */
  int d = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(bind(d, (struct sockaddr *)&a, l));
  close(d);
  int e = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW("connect to a closed socket's node", connect(e, (struct sockaddr *)&a, l));
  unlink(PATH);
  close(e); close(ls2);
}

static void abstract(void) {
  struct sockaddr_un a, got; socklen_t l = mkaddr(&a, "k42-abstract", 1), gl;
  int s = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  CHECK(bind(s, (struct sockaddr *)&a, l));
  gl = sizeof got; CHECK(getsockname(s, (struct sockaddr *)&got, &gl));
  printf("abstract getsockname len %d (given %d) first byte %d\n", (int)gl, (int)l, got.sun_path[0]);
  int s2 = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  SHOW("bind the abstract name again", bind(s2, (struct sockaddr *)&a, l));
  SHOW("bind twice", bind(s, (struct sockaddr *)&a, l));
  CHECK(listen(s, 0));
  int c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
  SHOW("connect abstract", connect(c, (struct sockaddr *)&a, l));
  int c3 = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
  SHOW("connect second (backlog 0 holds one more)", connect(c3, (struct sockaddr *)&a, l));
  int c4 = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
  SHOW("connect third (full)", connect(c4, (struct sockaddr *)&a, l));
  int sc = accept(s, NULL, NULL);
  SHOW("send before", send(c, "rec1", 4, 0));
  SHOW("send before", send(c, "record2", 7, 0));
  char buf[16];
  SHOW("recv record", recv(sc, buf, sizeof buf, 0));
  SHOW("recv record", recv(sc, buf, sizeof buf, 0));
  gl = sizeof got; CHECK(getpeername(c, (struct sockaddr *)&got, &gl)); printf("peer of the client len %d\n", (int)gl);
  gl = sizeof got; CHECK(getpeername(sc, (struct sockaddr *)&got, &gl)); printf("peer of the server side len %d\n", (int)gl);
  gl = sizeof got; CHECK(getsockname(sc, (struct sockaddr *)&got, &gl)); printf("name of the server side len %d\n", (int)gl);
  /* autobind */
  int ab = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un fam = { .sun_family = AF_UNIX };
  CHECK(bind(ab, (struct sockaddr *)&fam, offsetof(struct sockaddr_un, sun_path)));
  gl = sizeof got; CHECK(getsockname(ab, (struct sockaddr *)&got, &gl));
  int hex = 1; for (int i = 1; i < 6; i++) hex &= (got.sun_path[i] >= '0' && got.sun_path[i] <= '9') || (got.sun_path[i] >= 'a' && got.sun_path[i] <= 'f');
  printf("autobind len %d first %d hex %d\n", (int)gl, got.sun_path[0], hex);
  /* datagrams with sender addresses */
  int rx = socket(AF_UNIX, SOCK_DGRAM, 0);
  struct sockaddr_un ra; socklen_t rl = mkaddr(&ra, "k42-dgram-rx", 1);
  CHECK(bind(rx, (struct sockaddr *)&ra, rl));
  SHOW("sendto from the autobound", sendto(ab, "d1", 2, 0, (struct sockaddr *)&ra, rl));
  int anon = socket(AF_UNIX, SOCK_DGRAM, 0);
  SHOW("sendto from an unbound", sendto(anon, "d22", 3, 0, (struct sockaddr *)&ra, rl));
  SHOW("send unconnected", send(anon, "x", 1, 0));
  struct sockaddr_un from; socklen_t fl = sizeof from;
  SHOW("recvfrom", recvfrom(rx, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl)); printf("  from len %d same %d\n", (int)fl, memcmp(&from, &got, fl) == 0);
  fl = sizeof from;
  SHOW("recvfrom", recvfrom(rx, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl)); printf("  from len %d\n", (int)fl);
  struct sockaddr_un none; socklen_t nl = mkaddr(&none, "k42-nobody-here", 1);
  SHOW("sendto an unbound name", sendto(anon, "x", 1, 0, (struct sockaddr *)&none, nl));
  SHOW("connect dgram to a seqpacket name", connect(anon, (struct sockaddr *)&a, l));
  CHECK(connect(anon, (struct sockaddr *)&ra, rl));
  SHOW("send connected", send(anon, "c", 1, 0));
  SHOW("listen on dgram", listen(anon, 1));
  SHOW("accept on dgram", accept(anon, NULL, NULL));
  SHOW("accept on unlistened stream", accept(socket(AF_UNIX, SOCK_STREAM, 0), NULL, NULL));
  SHOW("listen unbound", listen(socket(AF_UNIX, SOCK_STREAM, 0), 1));
  SHOW("getpeername unconnected", getpeername(rx, (struct sockaddr *)&got, &gl));
  SHOW("send on unconnected stream", send(socket(AF_UNIX, SOCK_STREAM, 0), "x", 1, 0));
  SHOW("recv on unconnected stream", recv(socket(AF_UNIX, SOCK_STREAM, 0), buf, 1, 0));
  int pp[2]; CHECK(pipe(pp)); /* (not stdout: a test harness's stdout may be a socket) */
  SHOW("bind on a pipe: ENOTSOCK", bind(pp[0], (struct sockaddr *)&a, l));
  SHOW("bind bad family", (fam.sun_family = 99, bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&fam, sizeof fam)));
  SHOW("bind short", bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&fam, 1));
  SHOW("socket bad family", socket(1000, SOCK_STREAM, 0));
  SHOW("socket unix bad type", socket(AF_UNIX, 7, 0));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  server();
  abstract();
  return 0;
}
