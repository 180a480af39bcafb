/* SCM_RIGHTS (a pipe end and a file passed to a forked child, within a process, MSG_CTRUNC)
 * and SCM_CREDENTIALS with SO_PASSCRED; epoll LT, ET, ONESHOT over a pipe and a socket, nested. */
#include "common.h"
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>

static int sendfds(int s, const int *fds, int n, const char *tag) {
  char cbuf[CMSG_SPACE(sizeof(int) * 4)]; memset(cbuf, 0, sizeof cbuf);
  struct iovec iov = { (void *)tag, strlen(tag) };
  struct msghdr mh = { 0 }; mh.msg_iov = &iov; mh.msg_iovlen = 1;
  mh.msg_control = cbuf; mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
  struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int) * n);
  memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
  return sendmsg(s, &mh, 0);
}

/* Receive with a control buffer of `space` bytes; the descriptors into fds. */
static int recvfds(int s, int *fds, size_t space, int *nfds, int *flags) {
  char cbuf[256]; char data[32];
  struct iovec iov = { data, sizeof data };
  struct msghdr mh = { 0 }; mh.msg_iov = &iov; mh.msg_iovlen = 1;
  mh.msg_control = space ? cbuf : NULL; mh.msg_controllen = space;
  int r = recvmsg(s, &mh, 0);
  *nfds = 0; *flags = mh.msg_flags;
  if (r < 0) return r;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      int n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      memcpy(fds + *nfds, CMSG_DATA(c), n * sizeof(int)); *nfds += n;
    }
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
      struct ucred u; memcpy(&u, CMSG_DATA(c), sizeof u);
      printf("  creds: pid is the sender %d uid %d gid %d\n", u.pid == getppid() || u.pid == getpid(), u.uid == getuid(), u.gid == getgid());
    }
  }
  return r;
}

static void rights(void) {
  int sv[2], p[2], fds[4], n, fl;
  printf("-- SCM_RIGHTS\n");
  CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  CHECK(pipe(p));
  int f = open("rights-test.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
  CHECK(f);
  write(f, "file data", 9);
  pid_t c = fork();
  if (c == 0) {
    close(sv[0]);
    int r = recvfds(sv[1], fds, sizeof(char[CMSG_SPACE(sizeof(int) * 2)]), &n, &fl);
    printf("child got %d bytes, %d descriptors, ctrunc %d\n", r, n, (fl & MSG_CTRUNC) != 0);
    if (n == 2) {
      char b[16];
      lseek(fds[1], 0, SEEK_SET);
      int k = read(fds[1], b, sizeof b); printf("child reads the file: %.*s\n", k, b);
      write(fds[0], "via passed pipe", 15);
      close(fds[0]); close(fds[1]);
    }
    _exit(0);
  }
  close(sv[1]);
  int pass[2] = { p[1], f };
  /* The result is printed once the child has written to the pipe, i.e. after its own lines:
     printed at once, it would race with the child's (seen on two processors). */
  errno = 0;
  long sent = sendfds(sv[0], pass, 2, "fds");
  int sent_errno = errno;
  close(p[1]); close(f);
  char b[32]; int k = read(p[0], b, sizeof b);
  if (sent < 0) printf("sendmsg 2 fds = -1 %s\n", ename(sent_errno)); else printf("sendmsg 2 fds = %ld\n", sent);
  printf("parent reads the pipe: %.*s\n", k, b);
  SHOW("read at end (every write end closed)", read(p[0], b, sizeof b));
  int st; waitpid(c, &st, 0);
  close(p[0]); close(sv[0]); unlink("rights-test.tmp");

  /* within one process, and a short control buffer */
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
  CHECK(pipe(p));
  int three[3] = { p[0], p[1], p[0] };
  SHOW("send 3", sendfds(sv[0], three, 3, "x"));
  SHOW("recv with room for all", recvfds(sv[1], fds, CMSG_SPACE(sizeof(int) * 3), &n, &fl));
  printf("  %d descriptors, ctrunc %d\n", n, (fl & MSG_CTRUNC) != 0);
  if (n == 3) { write(p[1], "q", 1); char q; printf("  the first reads the pipe: %d\n", (int)read(fds[0], &q, 1)); close(fds[0]); close(fds[1]); close(fds[2]); }
  SHOW("send 1", sendfds(sv[0], three, 1, "y"));
  SHOW("recv without control", recvfds(sv[1], fds, 0, &n, &fl));
  printf("  %d descriptors, ctrunc %d\n", n, (fl & MSG_CTRUNC) != 0);
  int bad = 999;
  SHOW("send a closed descriptor", sendfds(sv[0], &bad, 1, "z"));
  printf("-- SCM_CREDENTIALS\n");
  int on = 1; CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
  SHOW("send plain", send(sv[0], "c", 1, 0));
  SHOW("recv with SO_PASSCRED", recvfds(sv[1], fds, 64, &n, &fl));
  close(sv[0]); close(sv[1]); close(p[0]); close(p[1]);
}

static void epolls(void) {
  int p[2], sv[2];
  printf("-- epoll\n");
  CHECK(pipe(p)); CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  int lt = epoll_create1(0), et = epoll_create1(0), one = epoll_create(1);
  struct epoll_event ev = { EPOLLIN, { .u64 = 1 } }, out[4];
  CHECK(epoll_ctl(lt, EPOLL_CTL_ADD, p[0], &ev));
  ev.events = EPOLLIN | EPOLLET; ev.data.u64 = 2;
  CHECK(epoll_ctl(et, EPOLL_CTL_ADD, p[0], &ev));
  ev.events = EPOLLIN | EPOLLONESHOT; ev.data.u64 = 3;
  CHECK(epoll_ctl(one, EPOLL_CTL_ADD, sv[1], &ev));
  SHOW("lt empty", epoll_wait(lt, out, 4, 0));
  write(p[1], "a", 1); send(sv[0], "a", 1, 0);
  SHOW("lt", epoll_wait(lt, out, 4, 0)); printf("  data %llu events %x\n", (unsigned long long)out[0].data.u64, out[0].events);
  SHOW("lt again", epoll_wait(lt, out, 4, 0));
  SHOW("et", epoll_wait(et, out, 4, 0));
  SHOW("et again", epoll_wait(et, out, 4, 0));
  write(p[1], "b", 1);
  SHOW("et after another write", epoll_wait(et, out, 4, 0));
  SHOW("oneshot", epoll_wait(one, out, 4, 0));
  SHOW("oneshot again", epoll_wait(one, out, 4, 0));
  ev.events = EPOLLIN | EPOLLONESHOT;
  SHOW("MOD re-arms", epoll_ctl(one, EPOLL_CTL_MOD, sv[1], &ev));
  SHOW("oneshot after MOD", epoll_wait(one, out, 4, 0));
  int outer = epoll_create1(0);
  ev.events = EPOLLIN; ev.data.u64 = 9;
  SHOW("nest lt in outer", epoll_ctl(outer, EPOLL_CTL_ADD, lt, &ev));
  SHOW("outer sees lt ready", epoll_wait(outer, out, 4, 0));
  SHOW("loop", epoll_ctl(lt, EPOLL_CTL_ADD, outer, &ev));
  SHOW("self", epoll_ctl(lt, EPOLL_CTL_ADD, lt, &ev));
  SHOW("MOD missing", epoll_ctl(lt, EPOLL_CTL_MOD, sv[0], &ev));
  SHOW("DEL missing", epoll_ctl(lt, EPOLL_CTL_DEL, sv[0], &ev));
  SHOW("bad op", epoll_ctl(lt, 9, sv[0], &ev));
  int f = open("epoll-test.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
  unlink("epoll-test.tmp");
  SHOW("regular file", epoll_ctl(lt, EPOLL_CTL_ADD, f, &ev));
  SHOW("not an epoll", epoll_ctl(p[0], EPOLL_CTL_ADD, sv[0], &ev));
  SHOW("maxevents 0", epoll_wait(lt, out, 0, 0));
  ev.events = EPOLLIN | EPOLLEXCLUSIVE;
  SHOW("EXCLUSIVE add", epoll_ctl(outer, EPOLL_CTL_ADD, sv[0], &ev));
  SHOW("EXCLUSIVE mod", epoll_ctl(outer, EPOLL_CTL_MOD, sv[0], &ev));
  /* hang-up: the peer closes */
  close(sv[0]);
  ev.events = EPOLLIN | EPOLLRDHUP; ev.data.u64 = 5;
  CHECK(epoll_ctl(lt, EPOLL_CTL_ADD, sv[1], &ev));
  int n = epoll_wait(lt, out, 4, 0);
  for (int i = 0; i < n; i++) printf("  data %llu events %x\n", (unsigned long long)out[i].data.u64, out[i].events);
  /* closing the last descriptor drops the registration */
  close(p[0]);
  n = epoll_wait(lt, out, 4, 0);
  printf("after closing the pipe: %d events, data of first %llu\n", n, n > 0 ? (unsigned long long)out[0].data.u64 : 0ULL);
  SHOW("epoll_create 0", epoll_create(0));
  SHOW("epoll_create1 bad flag", epoll_create1(1));
}

/* A control buffer too short for the descriptors: Linux installs what fits (scm_detach_fds:
 * (controllen - sizeof(struct cmsghdr)) / sizeof(int) — two on ppc64, where CMSG_SPACE(4) has 4
 * bytes of padding, one on ppc32), closes the rest and sets MSG_CTRUNC. qemu-user 7.2 hands the
 * host a larger control buffer and converts back what the host gave, so the guest sees every
 * descriptor and no MSG_CTRUNC: Linux is the oracle here. */
static void ctrunc(void) {
  int sv[2], p[2], fds[4], n, fl;
  CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
  CHECK(pipe(p));
  int three[3] = { p[0], p[1], p[0] };
  SHOW("send 3", sendfds(sv[0], three, 3, "x"));
  SHOW("recv with CMSG_SPACE(sizeof(int))", recvfds(sv[1], fds, CMSG_SPACE(sizeof(int)), &n, &fl));
  printf("  %d descriptors (%d per word size), ctrunc %d\n", n, (int)((CMSG_SPACE(sizeof(int)) - sizeof(struct cmsghdr)) / sizeof(int)), (fl & MSG_CTRUNC) != 0);
  write(p[1], "q", 1); char q; printf("  the first reads the pipe: %d\n", (int)read(fds[0], &q, 1));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  rights();
  epolls();
  printf("--- linux only ---\n");
  ctrunc();
  return 0;
}
