/* AF_UNIX corners: FIONREAD on a listening socket (EINVAL: unix_inq_len), EPIPE on a seqpacket
 * socket whose peer is gone (no SIGPIPE: unix_dgram_sendmsg sends none, unlike a stream's send),
 * and MSG_WAITALL stopping after the piece that carries descriptors (unix_stream_read_generic). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static volatile int sigpipes;
static void onpipe(int s) { (void)s; sigpipes++; }

static const char *err(long r) { return r < 0 ? strerror(errno) : "OK"; }

/* The result first, then what it changed (argument evaluation order is unspecified in C). */
#define SHOW_PIPE(what, call) do { long r_ = (call); const char *e_ = err(r_); printf("%s: %s, SIGPIPEs %d\n", what, e_, sigpipes); } while (0)
#define SHOW_INQ(what, fd) do { v = 77; long r_ = ioctl(fd, FIONREAD, &v); const char *e_ = err(r_); printf("%s: %s %d\n", what, e_, v); } while (0)

static void send_fd(int s, const char *data, int fd) {
  char cbuf[CMSG_SPACE(sizeof(int))];
  memset(cbuf, 0, sizeof cbuf);
  struct iovec iov = { (void *)data, strlen(data) };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  struct cmsghdr *c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);
  if (sendmsg(s, &m, 0) < 0) perror("sendmsg");
}

/* One receive of up to `len` with `flags`: the bytes and how many descriptors came. */
static void recv_show(const char *what, int s, size_t len, int flags) {
  char buf[64], cbuf[CMSG_SPACE(4 * sizeof(int))];
  memset(buf, 0, sizeof buf);
  struct iovec iov = { buf, len };
  struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
  ssize_t n = recvmsg(s, &m, flags);
  int fds = 0, fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      fds += (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
    }
  struct stat st;
  printf("%s: %zd \"%s\" descriptors %d%s\n", what, n, n > 0 ? buf : "", fds, fds > 0 && fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) ? " (the pipe)" : "");
  if (fds > 0) close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, onpipe);

  /* FIONREAD (SIOCINQ). */
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  int v = 77;
  SHOW_INQ("FIONREAD unbound", l);
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  memcpy(a.sun_path, "\0k42-sigq-edges", 15);
  if (bind(l, (struct sockaddr *)&a, sizeof(sa_family_t) + 15) || listen(l, 4)) perror("bind/listen");
  SHOW_INQ("FIONREAD listening", l);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  if (connect(c, (struct sockaddr *)&a, sizeof(sa_family_t) + 15)) perror("connect");
  SHOW_INQ("FIONREAD listening, a connection waiting", l);
  int acc = accept(l, NULL, NULL);
  if (write(c, "hello", 5) != 5) perror("write");
  SHOW_INQ("FIONREAD connected", acc);
  close(acc);
  close(c);
  close(l);

  /* EPIPE: a seqpacket socket raises no SIGPIPE; a stream one does (unless MSG_NOSIGNAL). */
  int sv[2];
  socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
  close(sv[1]);
  SHOW_PIPE("seqpacket send, peer closed", send(sv[0], "x", 1, 0));
  SHOW_PIPE("seqpacket write, peer closed", write(sv[0], "x", 1));
  close(sv[0]);
  socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
  shutdown(sv[0], SHUT_WR);
  SHOW_PIPE("seqpacket send after SHUT_WR", send(sv[0], "x", 1, 0));
  close(sv[0]);
  close(sv[1]);
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  close(sv[1]);
  SHOW_PIPE("stream send, peer closed", send(sv[0], "x", 1, 0));
  SHOW_PIPE("stream send MSG_NOSIGNAL, peer closed", send(sv[0], "x", 1, MSG_NOSIGNAL));
  close(sv[0]);

  /* MSG_WAITALL ends after the piece that carries descriptors. */
  int p[2];
  if (pipe(p)) return 1;
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  if (write(sv[0], "abc", 3) != 3) return 1;
  send_fd(sv[0], "def", p[0]);
  if (write(sv[0], "ghi", 3) != 3) return 1;
  recv_show("MSG_WAITALL 9", sv[1], 9, MSG_WAITALL);
  recv_show("then", sv[1], 9, MSG_DONTWAIT);
  /* Descriptors in the first piece: it alone. */
  send_fd(sv[0], "jk", p[0]);
  if (write(sv[0], "lmn", 3) != 3) return 1;
  recv_show("MSG_WAITALL 5, descriptors first", sv[1], 5, MSG_WAITALL);
  recv_show("then", sv[1], 5, MSG_DONTWAIT);
  /* Without descriptors, MSG_WAITALL goes on across pieces. */
  if (write(sv[0], "op", 2) != 2 || write(sv[0], "qr", 2) != 2) return 1;
  recv_show("MSG_WAITALL 4, no descriptors", sv[1], 4, MSG_WAITALL);
  return 0;
}
