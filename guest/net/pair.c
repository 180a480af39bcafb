/* socketpair: stream, dgram and seqpacket basics — message boundaries, MSG_PEEK, MSG_TRUNC,
 * MSG_DONTWAIT, MSG_WAITALL across a fork, shutdown and end of file, EPIPE with and without
 * SIGPIPE, FIONREAD, fstat, getsockopt, poll readiness after each change. */
#include "common.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

static volatile int sigpipes;
static void on_pipe(int s) { (void)s; sigpipes++; }

static void showpoll(const char *what, int fd) {
  struct pollfd p = { fd, POLLIN | POLLOUT | POLLRDHUP, 0 };
  int r = poll(&p, 1, 0);
  printf("poll %s = %d:%s%s%s%s%s\n", what, r, (p.revents & POLLIN) ? " IN" : "", (p.revents & POLLOUT) ? " OUT" : "",
         (p.revents & POLLHUP) ? " HUP" : "", (p.revents & POLLRDHUP) ? " RDHUP" : "", (p.revents & POLLERR) ? " ERR" : "");
}

static void stream(void) {
  int sv[2]; char buf[64];
  printf("-- stream\n");
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  showpoll("fresh", sv[0]);
  SHOW("write abc", write(sv[0], "abc", 3));
  SHOW("write defg", write(sv[0], "defg", 4));
  int n = -1; ioctl(sv[1], FIONREAD, &n); printf("FIONREAD %d\n", n);
  showpoll("with data", sv[1]);
  SHOW("recv PEEK 5", recv(sv[1], buf, 5, MSG_PEEK)); printf("  '%.5s'\n", buf);
  SHOW("read 64 (streams glue writes)", read(sv[1], buf, 64)); printf("  '%.7s'\n", buf);
  SHOW("recv DONTWAIT empty", recv(sv[1], buf, 64, MSG_DONTWAIT));
  SHOW("recv TRUNC on stream (no special)", (send(sv[0], "xy", 2, 0), recv(sv[1], buf, 1, MSG_TRUNC)));
  SHOW("rest", recv(sv[1], buf, 64, 0));
  SHOW("shutdown SHUT_WR", shutdown(sv[0], SHUT_WR));
  showpoll("peer after SHUT_WR", sv[1]);
  showpoll("self after SHUT_WR", sv[0]);
  SHOW("read at end", read(sv[1], buf, 64));
  SHOW("send after SHUT_WR, NOSIGNAL", send(sv[0], "z", 1, MSG_NOSIGNAL));
  printf("sigpipes %d\n", sigpipes);
  SHOW("write after SHUT_WR", write(sv[0], "z", 1));
  printf("sigpipes %d\n", sigpipes);
  SHOW("shutdown bad how", shutdown(sv[0], 7));
  close(sv[0]); close(sv[1]);

  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  SHOW("write unread", write(sv[0], "lost", 4));
  close(sv[1]);
  showpoll("after the peer closed", sv[0]);
  SHOW("send to a closed peer", send(sv[0], "q", 1, 0));
  printf("sigpipes %d\n", sigpipes);
  close(sv[0]);

  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  SHOW("write to be lost", write(sv[1], "unread", 6));
  close(sv[1]);
  SHOW("read what the closed peer wrote", read(sv[0], buf, 64));
  SHOW("read again (end)", read(sv[0], buf, 64));
  close(sv[0]);

  /* unread data in the closing end: the peer gets ECONNRESET */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  SHOW("write", write(sv[0], "never read", 10));
  close(sv[1]);
  showpoll("reset", sv[0]);
  SHOW("read after reset", read(sv[0], buf, 64));
  SHOW("read again", read(sv[0], buf, 64));
  close(sv[0]);

  /* MSG_WAITALL: a child writes in three pieces */
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  pid_t c = fork();
  if (c == 0) {
    close(sv[0]);
    for (int i = 0; i < 3; i++) { usleep(20000); write(sv[1], "0123456789", 10); }
    _exit(0);
  }
  close(sv[1]);
  SHOW("recv WAITALL 30", recv(sv[0], buf, 30, MSG_WAITALL));
  printf("  '%.30s'\n", buf);
  SHOW("recv at end", recv(sv[0], buf, 30, MSG_WAITALL));
  int st; waitpid(c, &st, 0); printf("child %d\n", WEXITSTATUS(st));
  close(sv[0]);
}

static void dgram(int type, const char *name) {
  int sv[2]; char buf[64];
  printf("-- %s\n", name);
  CHECK(socketpair(AF_UNIX, type, 0, sv));
  showpoll("fresh", sv[0]);
  SHOW("send one", send(sv[0], "one", 3, 0));
  SHOW("send three", send(sv[0], "three", 5, 0));
  SHOW("send empty", send(sv[0], "", 0, 0));
  int n = -1; ioctl(sv[1], FIONREAD, &n); printf("FIONREAD %d\n", n);
  SHOW("recv 64 (one message)", recv(sv[1], buf, 64, 0)); printf("  '%.3s'\n", buf);
  SHOW("recv 2 of five, TRUNC", recv(sv[1], buf, 2, MSG_TRUNC)); printf("  '%.2s'\n", buf);
  SHOW("recv empty message", recv(sv[1], buf, 64, 0));
  SHOW("recv DONTWAIT", recv(sv[1], buf, 64, MSG_DONTWAIT));
  SHOW("send peeked", send(sv[0], "peeked", 6, 0));
  SHOW("recv PEEK", recv(sv[1], buf, 64, MSG_PEEK));
  struct msghdr mh; struct iovec iov = { buf, 3 };
  memset(&mh, 0, sizeof mh); mh.msg_iov = &iov; mh.msg_iovlen = 1;
  SHOW("recvmsg 3", recvmsg(sv[1], &mh, 0));
  printf("  flags%s\n", (mh.msg_flags & MSG_TRUNC) ? " TRUNC" : "");
  SHOW("shutdown RD", shutdown(sv[1], SHUT_RD));
  showpoll("after SHUT_RD", sv[1]);
  SHOW("recv after SHUT_RD", recv(sv[1], buf, 64, 0));
  SHOW("send to a reader shut", send(sv[0], "x", 1, MSG_NOSIGNAL));
  close(sv[1]);
  showpoll("after the peer closed", sv[0]);
  SHOW("send after the peer closed", send(sv[0], "x", 1, MSG_NOSIGNAL));
  SHOW("recv after the peer closed", recv(sv[0], buf, 64, MSG_DONTWAIT));
  close(sv[0]);
}

static void options(void) {
  int sv[2], v; socklen_t l;
  printf("-- options\n");
  CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv));
  printf("flags nonblock %d cloexec %d\n", (fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0, (fcntl(sv[0], F_GETFD) & FD_CLOEXEC) != 0);
  l = sizeof v; SHOW("SO_TYPE", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l)); printf("  %d len %d\n", v, (int)l);
  l = sizeof v; SHOW("SO_DOMAIN", getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &l)); printf("  %d\n", v);
  l = sizeof v; SHOW("SO_PROTOCOL", getsockopt(sv[0], SOL_SOCKET, SO_PROTOCOL, &v, &l)); printf("  %d\n", v);
  l = sizeof v; SHOW("SO_ACCEPTCONN", getsockopt(sv[0], SOL_SOCKET, SO_ACCEPTCONN, &v, &l)); printf("  %d\n", v);
  l = sizeof v; SHOW("SO_ERROR", getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &l)); printf("  %d\n", v);
  v = 65536; SHOW("set SO_SNDBUF 65536", setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
  l = sizeof v; SHOW("SO_SNDBUF", getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &l)); printf("  %d\n", v);
  v = 1; SHOW("set SO_REUSEADDR", setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, sizeof v));
  l = sizeof v; SHOW("SO_REUSEADDR", getsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &v, &l)); printf("  %d\n", v);
  SHOW("set short optlen", setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &v, 2));
  SHOW("IPPROTO_TCP level", setsockopt(sv[0], 6, 1, &v, sizeof v));
  struct ucred uc; l = sizeof uc;
  SHOW("SO_PEERCRED", getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &uc, &l));
  printf("  pid is mine %d uid %d gid %d len %d\n", uc.pid == getpid(), (int)uc.uid == (int)getuid(), (int)uc.gid == (int)getgid(), (int)l);
  struct timeval tv = { 0, 100000 }; /* whole jiffies at HZ 100, 250 and 1000: read back exactly */
  SHOW("set SO_RCVTIMEO", setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
  tv.tv_usec = 0; l = sizeof tv;
  SHOW("SO_RCVTIMEO", getsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, &l)); printf("  %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
  fcntl(sv[1], F_SETFL, 0);
  char b[4];
  SHOW("recv with a timeout", recv(sv[1], b, 4, 0));
  struct stat st; CHECK(fstat(sv[0], &st));
  printf("S_ISSOCK %d mode %o\n", S_ISSOCK(st.st_mode), st.st_mode & 0777);
  char link[64], path[64]; snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
  ssize_t n = readlink(path, link, sizeof link - 1); if (n > 0) link[n] = 0;
  printf("link starts socket:[ %d\n", n > 8 && strncmp(link, "socket:[", 8) == 0);
  SHOW("lseek", lseek(sv[0], 0, SEEK_SET));
  SHOW("getsockopt on a pipe", (pipe(sv), getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l)));
  SHOW("send on a pipe", send(sv[1], "x", 1, 0));
  SHOW("socketpair AF_INET6 dgram", socketpair(AF_INET6 + 1000, SOCK_DGRAM, 0, sv));
  SHOW("socketpair bad type", socketpair(AF_UNIX, 9, 0, sv));
  SHOW("socketpair bad protocol", socketpair(AF_UNIX, SOCK_STREAM, 3, sv));
}

int main(void) {
  signal(SIGPIPE, on_pipe);
  stream();
  dgram(SOCK_DGRAM, "dgram");
  dgram(SOCK_SEQPACKET, "seqpacket");
  options();
  return 0;
}
