/* Pipes within one process: round trips, partial reads, Linux's capacity arithmetic (slots of a
 * page, merges of small writes), O_NONBLOCK, F_GETPIPE_SZ/F_SETPIPE_SZ, FIONREAD, end of file,
 * EPIPE with SIGPIPE ignored, packet mode (O_DIRECT), vectors, fstat and /proc/self/fd.
 * Printed values never depend on the run (no descriptor numbers, inode numbers or times).
 *   pipe          everything above
 *   pipe sigpipe  a write to a pipe without readers, SIGPIPE at its default: the process dies */
#include "../fs/common.h"
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/uio.h>

static char buf[200000];

/* Fill with O_NONBLOCK writes of `size` bytes until one is short or fails; print the totals. */
static void fill(int w, size_t size, const char *what) {
  long total = 0, writes = 0, r;
  memset(buf, 'x', size);
  for (;;) {
    r = write(w, buf, size);
    if (r < 0) break;
    total += r;
    writes++;
    if ((size_t)r < size) break;
  }
  printf("%s: %ld bytes in %ld writes, then %s\n", what, total, writes, r < 0 ? ename(errno) : "a short write");
}

static void drain(int r) {
  int fl = fcntl(r, F_GETFL);
  fcntl(r, F_SETFL, fl | O_NONBLOCK);
  while (read(r, buf, sizeof buf) > 0) {}
  fcntl(r, F_SETFL, fl);
}

static int avail(int fd) {
  int n = -1;
  if (ioctl(fd, FIONREAD, &n) < 0) return -errno * 1000;
  return n;
}

static void sigpipe_death(void) {
  int p[2];
  if (pipe(p) < 0) die("pipe");
  close(p[0]);
  signal(SIGPIPE, SIG_IGN);
  show("write, no reader, SIGPIPE ignored", write(p[1], "x", 1));
  show("write of 0 bytes, no reader", write(p[1], "x", 0));
  signal(SIGPIPE, SIG_DFL);
  printf("write, no reader, SIGPIPE default: the process dies\n");
  fflush(stdout);
  write(p[1], "x", 1);
  printf("still alive\n");
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "sigpipe") == 0) {
    sigpipe_death();
    return 0;
  }
  int p[2];
  if (pipe(p) < 0) die("pipe");
  printf("write end after read end: %s\n", p[1] == p[0] + 1 ? "yes" : "no");
  show("F_GETFL read end", fcntl(p[0], F_GETFL));
  show("F_GETFL write end", fcntl(p[1], F_GETFL));
  show("F_GETFD", fcntl(p[0], F_GETFD));
  show("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));

  /* round trip and partial reads */
  show("write hello", write(p[1], "hello, pipe", 11));
  show("FIONREAD", avail(p[0]));
  show("read 5", read(p[0], buf, 5));
  printf("  got \"%.5s\"\n", buf);
  show("FIONREAD", avail(p[0]));
  show("read 100", read(p[0], buf, 100));
  printf("  got \"%.6s\"\n", buf);
  show("read 0 bytes", read(p[0], buf, 0));
  show("FIONREAD on the write end", avail(p[1]));
  show("lseek", lseek(p[0], 0, SEEK_CUR));
  show("pread", pread(p[0], buf, 1, 0));
  show("read from the write end", read(p[1], buf, 1));
  show("write to the read end", write(p[0], "x", 1));

  /* vectors: one read takes what is there across the vector */
  struct iovec wv[3] = { { "ab", 2 }, { "cde", 3 }, { "fghij", 5 } };
  show("writev 3 buffers", writev(p[1], wv, 3));
  char a1[4], a2[100];
  struct iovec rv[2] = { { a1, 4 }, { a2, 100 } };
  show("readv into 4 + 100", readv(p[0], rv, 2));
  printf("  got \"%.4s\" \"%.6s\"\n", a1, a2);

  /* capacity: slots of a page, with O_NONBLOCK */
  fcntl(p[1], F_SETFL, O_NONBLOCK);
  show("F_GETFL write end, O_NONBLOCK", fcntl(p[1], F_GETFL));
  fill(p[1], 4096, "4096-byte writes");
  show("FIONREAD when full", avail(p[0]));
  drain(p[0]);
  fill(p[1], 1000, "1000-byte writes");
  show("a 96-byte write merges into the last page", write(p[1], buf, 96));
  show("then 1 byte", write(p[1], buf, 1));
  drain(p[0]);
  fill(p[1], 5000, "5000-byte writes");
  drain(p[0]);
  fill(p[1], 3000, "3000-byte writes");
  drain(p[0]);
  show("a 100000-byte write", write(p[1], buf, 100000));
  drain(p[0]);
  /* room at the front of a partly read buffer is not reused */
  for (int i = 0; i < 16; i++) write(p[1], buf, 4096);
  show("read 10 of a full pipe", read(p[0], buf, 10));
  show("write 1 byte", write(p[1], buf, 1));
  show("read 4086", read(p[0], buf, 4086));
  show("write 4096 bytes", write(p[1], buf, 4096));
  drain(p[0]);

  /* F_SETPIPE_SZ */
  for (int i = 0; i < 2; i++) write(p[1], buf, 4096);
  show("F_SETPIPE_SZ 4096 with 2 pages in", fcntl(p[1], F_SETPIPE_SZ, 4096));
  show("F_SETPIPE_SZ 8192", fcntl(p[1], F_SETPIPE_SZ, 8192));
  drain(p[0]);
  show("F_SETPIPE_SZ 0", fcntl(p[1], F_SETPIPE_SZ, 0));
  show("F_GETPIPE_SZ", fcntl(p[0], F_GETPIPE_SZ));
  fill(p[1], 1, "1-byte writes into a 4096-byte pipe");
  drain(p[0]);
  show("F_SETPIPE_SZ 5000", fcntl(p[1], F_SETPIPE_SZ, 5000));
  show("F_SETPIPE_SZ 65537", fcntl(p[1], F_SETPIPE_SZ, 65537));
  show("F_SETPIPE_SZ 1048576", fcntl(p[1], F_SETPIPE_SZ, 1048576));
  fill(p[1], 65536, "65536-byte writes into a 1 MiB pipe");
  drain(p[0]);
  /* Past pipe-max-size only with CAP_SYS_RESOURCE, which a container's root may lack: asked as
   * another user only. */
  if (geteuid() != 0) show("F_SETPIPE_SZ 2097152 (past pipe-max-size) as a user", fcntl(p[1], F_SETPIPE_SZ, 2097152));
  show("F_SETPIPE_SZ 0x80000001", fcntl(p[1], F_SETPIPE_SZ, 0x80000001u));
  show("F_SETPIPE_SZ 65536", fcntl(p[1], F_SETPIPE_SZ, 65536));

  /* fstat and /proc/self/fd */
  struct stat s0, s1;
  fstat(p[0], &s0);
  fstat(p[1], &s1);
  printf("fstat: FIFO %d, mode %o, nlink %ld, size %ld, blksize %ld, blocks %ld, rdev %ld\n", S_ISFIFO(s0.st_mode),
         (unsigned)s0.st_mode & 07777, (long)s0.st_nlink, (long)s0.st_size, (long)s0.st_blksize, (long)s0.st_blocks, (long)s0.st_rdev);
  printf("fstat: uid is mine %d, gid is mine %d\n", s0.st_uid == geteuid(), s0.st_gid == getegid());
  printf("fstat: both ends one inode %d, one device %d\n", s0.st_ino == s1.st_ino, s0.st_dev == s1.st_dev);
  int q[2];
  if (pipe(q) < 0) die("pipe");
  struct stat s2;
  fstat(q[0], &s2);
  printf("fstat: another pipe, another inode %d, same device %d\n", s2.st_ino != s0.st_ino, s2.st_dev == s0.st_dev);
  char path[64], link[64], want[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
  long n = readlink(path, link, sizeof link - 1);
  link[n < 0 ? 0 : n] = 0;
  snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)s0.st_ino);
  printf("readlink /proc/self/fd/N is pipe:[st_ino]: %d\n", strcmp(link, want) == 0);

  /* dup keeps the write end open; end of file after the last close */
  int d = dup(p[1]);
  close(p[1]);
  fcntl(p[0], F_SETFL, O_NONBLOCK);
  show("read, a dup of the write end open", read(p[0], buf, 10));
  show("write through the dup", write(d, "zz", 2));
  close(d);
  show("read after the last writer closed", read(p[0], buf, 10));
  show("read at end of file", read(p[0], buf, 10));
  close(p[0]);

  /* pipe2 */
  show("pipe2 with O_APPEND", pipe2(q, O_APPEND));
  if (pipe2(q, O_CLOEXEC | O_NONBLOCK) < 0) die("pipe2");
  show("pipe2 O_CLOEXEC: F_GETFD", fcntl(q[0], F_GETFD));
  show("pipe2 O_NONBLOCK: F_GETFL read end", fcntl(q[0], F_GETFL));
  show("pipe2 O_NONBLOCK: F_GETFL write end", fcntl(q[1], F_GETFL));
  show("read an empty O_NONBLOCK pipe", read(q[0], buf, 1));
  close(q[0]);
  close(q[1]);
  if (pipe2(q, O_DIRECT | O_NONBLOCK) < 0) die("pipe2 O_DIRECT");
  show("packet mode: F_GETFL", fcntl(q[1], F_GETFL));
  write(q[1], "0123456789", 10);
  write(q[1], "abcdefghijklmnopqrst", 20);
  show("packet mode: read 100", read(q[0], buf, 100));
  show("packet mode: read 5 of a 20-byte packet", read(q[0], buf, 5));
  printf("  got \"%.5s\"\n", buf);
  show("packet mode: the rest was dropped", read(q[0], buf, 100));
  memset(buf, 'p', 5000);
  show("packet mode: a 5000-byte write", write(q[1], buf, 5000));
  show("packet mode: read 100000", read(q[0], buf, 100000));
  show("packet mode: read 100000", read(q[0], buf, 100000));
  close(q[0]);
  close(q[1]);

  /* EPIPE with SIGPIPE ignored */
  if (pipe(q) < 0) die("pipe");
  close(q[0]);
  signal(SIGPIPE, SIG_IGN);
  show("write with no reader (SIGPIPE ignored)", write(q[1], "x", 1));
  struct iovec one = { "y", 1 };
  show("writev with no reader", writev(q[1], &one, 1));
  close(q[1]);
  show("pipe into an unmapped array", pipe((int *)8));
  return 0;
}
