/* Record locks and flock in one process: POSIX locks (F_SETLK/F_GETLK: a process never conflicts
 * with itself; closing any descriptor of the file drops them), OFD locks (F_OFD_*: owned by the
 * open file description, so two opens of one file conflict, and they conflict with POSIX locks),
 * lock ranges (whence, negative lengths, to EOF), errors (EBADF for a lock type the descriptor
 * cannot take, EINVAL for bad types and l_pid), flock (LOCK_SH/EX/UN/NB between descriptions),
 * and the other fcntl commands (F_GETOWN/F_SETOWN, F_GETSIG, F_GETLEASE, pipe sizes). */
#include "common.h"
#include <sys/file.h>

static void lk(const char *what, int fd, int cmd, short type, short whence, long start, long len) {
  struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len, .l_pid = 0 };
  int r = fcntl(fd, cmd, &fl);
  if (r < 0) {
    printf("%s: %s\n", what, ename(errno));
    return;
  }
  if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
    const char *t = fl.l_type == F_UNLCK ? "unlocked" : fl.l_type == F_RDLCK ? "read" : "write";
    if (fl.l_type == F_UNLCK) printf("%s: %s\n", what, t);
    else printf("%s: %s lock whence %d start %ld len %ld pid %s\n", what, t, fl.l_whence, (long)fl.l_start, (long)fl.l_len,
                fl.l_pid == -1 ? "-1 (OFD)" : fl.l_pid == getpid() ? "mine" : "other");
  } else printf("%s: ok\n", what);
}

int main(void) {
  int a = open("data/hello.txt", O_RDWR);
  int b = open("data/hello.txt", O_RDWR);
  int r = open("data/hello.txt", O_RDONLY);
  if (a < 0 || b < 0 || r < 0) die("open");

  /* POSIX locks: per process */
  lk("posix write 0..9 on a", a, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
  lk("posix write 5..14 on b (same process)", b, F_SETLK, F_WRLCK, SEEK_SET, 5, 10);
  lk("getlk from the owner", a, F_GETLK, F_WRLCK, SEEK_SET, 0, 100);
  lk("posix write lock on a read-only fd", r, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
  lk("posix read lock on a read-only fd", r, F_SETLK, F_RDLCK, SEEK_SET, 20, 5);
  lk("bad lock type", a, F_SETLK, 7, SEEK_SET, 0, 1);
  lk("getlk of F_UNLCK", a, F_GETLK, F_UNLCK, SEEK_SET, 0, 1);
  lk("bad whence", a, F_SETLK, F_RDLCK, 9, 0, 1);
  lk("negative start", a, F_SETLK, F_RDLCK, SEEK_SET, -5, 1);
  lk("negative length", a, F_SETLK, F_RDLCK, SEEK_SET, 10, -5);
  lk("from the end", a, F_SETLK, F_RDLCK, SEEK_END, -3, 0);

  /* OFD locks: per open file description */
  lk("ofd getlk on a sees the process's own posix locks (another owner)", a, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0, 10);
  close(r); /* drops every POSIX lock of this process on the file */
  lk("after close: ofd write 0..9 on a", a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10);
  lk("ofd write 5..9 on b", b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 5);
  lk("ofd getlk on b", b, F_OFD_GETLK, F_RDLCK, SEEK_SET, 0, 0);
  lk("ofd read 10..19 on b", b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 10, 10);
  lk("posix write 12 conflicts with b's ofd lock", a, F_SETLK, F_WRLCK, SEEK_SET, 12, 1);
  lk("posix read 12 shares it", a, F_SETLK, F_RDLCK, SEEK_SET, 12, 1);
  lk("posix getlk 0..", a, F_GETLK, F_WRLCK, SEEK_SET, 0, 0);
  lk("ofd unlock a", a, F_OFD_SETLK, F_UNLCK, SEEK_SET, 0, 0);
  lk("ofd write 0..4 on b now", b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 5);
  {
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1 };
    show("ofd with l_pid set", fcntl(a, F_OFD_SETLK, &fl));
  }
  int c = dup(b);
  close(c); /* an OFD lock stays while its description has descriptors */
  lk("ofd lock survives closing a dup", a, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0, 5);
  close(b); /* the last descriptor of b's description: its OFD locks go */
  lk("after the last close of b", a, F_OFD_GETLK, F_WRLCK, SEEK_SET, 0, 100);

  /* flock: per open file description, separate from record locks */
  b = open("data/hello.txt", O_RDONLY);
  show("flock ex a", flock(a, LOCK_EX | LOCK_NB));
  show("flock sh b", flock(b, LOCK_SH | LOCK_NB));
  show("flock ex a again (convert)", flock(a, LOCK_EX | LOCK_NB));
  show("flock un a", flock(a, LOCK_UN));
  show("flock sh b", flock(b, LOCK_SH | LOCK_NB));
  show("flock sh a", flock(a, LOCK_SH | LOCK_NB));
  show("flock ex b while a shares", flock(b, LOCK_EX | LOCK_NB));
  show("flock bad op", flock(a, 0));
  show("flock bad fd", flock(99, LOCK_SH));
  lk("record locks ignore flock", b, F_OFD_SETLK, F_RDLCK, SEEK_SET, 0, 1);
  close(b);

  /* other commands */
  show("F_GETOWN", fcntl(a, F_GETOWN));
  show("F_SETOWN", fcntl(a, F_SETOWN, getpid()));
  printf("F_GETOWN is the pid: %s\n", fcntl(a, F_GETOWN) == getpid() ? "yes" : "no");
  show("F_GETSIG", fcntl(a, F_GETSIG));
  show("F_SETSIG 10", fcntl(a, F_SETSIG, 10));
  show("F_GETSIG", fcntl(a, F_GETSIG));
  show("F_GETLEASE", fcntl(a, F_GETLEASE));
  show("F_GETPIPE_SZ on a file", fcntl(a, F_GETPIPE_SZ));
  show("F_SETPIPE_SZ on a file", fcntl(a, F_SETPIPE_SZ, 4096));
  show("F_GET_SEALS on a file", fcntl(a, F_GET_SEALS));
  show("bad command", fcntl(a, 9999));
  show("fcntl bad fd", fcntl(99, F_GETFD));
  int p = open("data", O_PATH);
  show("F_GETFD on O_PATH", fcntl(p, F_GETFD));
  show("F_GETOWN on O_PATH", fcntl(p, F_GETOWN));
  struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
  show("F_GETLK on O_PATH", fcntl(p, F_GETLK, &fl));
  return 0;
}
