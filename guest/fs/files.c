/* Files: open/creat flags, read/write and the positioned and vectored variants, lseek (with
 * SEEK_DATA/SEEK_HOLE), truncation, fallocate, sync calls, dup/dup2/dup3, F_DUPFD,
 * close_range, O_PATH, sendfile and copy_file_range. Works in the current directory on the
 * test tree (data/hello.txt = "hello, world\n"); prints what each call returned. */
#include "common.h"
#include <sys/uio.h>
#include <sys/sendfile.h>
#include <linux/falloc.h>

/* PowerPC's O_LARGEFILE as the kernel sets it (glibc's macro is 0 on 64-bit). Linux reports it in
 * F_GETFL for every file a 64-bit process or an LFS 32-bit one opened; qemu-user 7.2 on a 64-bit
 * host drops it when it translates the host's flags, so the comparison masks it out. */
#define KERNEL_O_LARGEFILE 0x10000

static char buf[1 << 16];

static void showbuf(const char *what, long n) {
  printf("%s = %ld \"", what, n);
  for (long i = 0; i < n; i++) putchar(buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
  printf("\"\n");
}

static long fsize(int fd) {
  struct stat st;
  if (fstat(fd, &st) < 0) die("fstat");
  return (long)st.st_size;
}

int main(void) {
  okerr("mkdir work", mkdir("work", 0755));
  int fd = open("work/f", O_CREAT | O_RDWR | O_TRUNC, 0644);
  if (fd < 0) die("open work/f");
  printf("first fd = %d\n", fd);
  show("write 10", write(fd, "abcdefghij", 10));
  show("lseek cur", lseek(fd, 0, SEEK_CUR));
  show("lseek set 2", lseek(fd, 2, SEEK_SET));
  showbuf("read 3", read(fd, buf, 3));
  showbuf("pread 4 @6", pread(fd, buf, 4, 6));
  show("lseek cur after pread", lseek(fd, 0, SEEK_CUR));
  show("pwrite XY @20", pwrite(fd, "XY", 2, 20));
  show("size", fsize(fd));
  long n = pread(fd, buf, 64, 8);
  printf("pread @8 = %ld, hole bytes zero: %s\n", n, buf[2] == 0 && buf[11] == 0 ? "yes" : "no");
  show("lseek end -2", lseek(fd, -2, SEEK_END));
  show("lseek data 12", lseek(fd, 12, SEEK_DATA));
  show("lseek hole 0", lseek(fd, 0, SEEK_HOLE));
  show("lseek data 30", lseek(fd, 30, SEEK_DATA));
  show("lseek -1", lseek(fd, -1, SEEK_SET));
  show("lseek whence 9", lseek(fd, 0, 9));
  show("read at end", read(fd, buf, 10) >= 0 ? lseek(fd, 0, SEEK_CUR) : -1);

  /* vectored */
  struct iovec v[3] = { { "one ", 4 }, { "", 0 }, { "three\n", 6 } };
  lseek(fd, 0, SEEK_SET);
  show("writev", writev(fd, v, 3));
  char a[3], b[5];
  struct iovec r[2] = { { a, 3 }, { b, 5 } };
  lseek(fd, 0, SEEK_SET);
  show("readv", readv(fd, r, 2));
  printf("readv parts \"%.3s\" \"%.5s\"\n", a, b);
  show("pwritev @30", pwritev(fd, v, 3, 30));
  show("preadv @30", preadv(fd, r, 2, 30));
  printf("preadv parts \"%.3s\" \"%.5s\"\n", a, b);
  lseek(fd, 4, SEEK_SET);
  show("preadv2 -1 (the position)", preadv2(fd, r, 2, -1, 0));
  show("position after preadv2", lseek(fd, 0, SEEK_CUR));
  show("preadv2 bad flags", preadv2(fd, r, 2, 0, 0x1000));
  show("readv 1025 vectors", readv(fd, r, 1025));
  show("readv -1 vectors", readv(fd, r, -1));

  /* truncation and allocation */
  show("ftruncate 4", ftruncate(fd, 4));
  show("size", fsize(fd));
  show("truncate 100", truncate("work/f", 100));
  show("size", fsize(fd));
  show("truncate -1", truncate("work/f", -1));
  show("truncate dir", truncate("work", 0));
  show("fallocate 0..200", fallocate(fd, 0, 0, 200));
  show("size", fsize(fd));
  show("fallocate keep size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 4096));
  show("size", fsize(fd));
  show("fallocate len 0", fallocate(fd, 0, 0, 0));
  show("fsync", fsync(fd));
  show("fdatasync", fdatasync(fd));
  sync();
  show("syncfs", syncfs(fd));
  show("posix_fadvise (as errno)", posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL));

  /* descriptors */
  int d = dup(fd);
  lseek(fd, 7, SEEK_SET);
  show("dup shares the position", lseek(d, 0, SEEK_CUR));
  show("dup2 to 10", dup2(fd, 10));
  show("dup2 same", dup2(fd, fd));
  show("dup2 from bad", dup2(99, 11));
  show("dup3 cloexec", dup3(fd, 11, O_CLOEXEC));
  show("F_GETFD 11", fcntl(11, F_GETFD));
  show("F_GETFD 10", fcntl(10, F_GETFD));
  show("dup3 same", dup3(fd, fd, 0));
  show("dup3 bad flags", dup3(fd, 12, 1));
  show("F_DUPFD 20", fcntl(fd, F_DUPFD, 20));
  show("F_DUPFD_CLOEXEC 20", fcntl(fd, F_DUPFD_CLOEXEC, 20));
  show("F_GETFD 21", fcntl(21, F_GETFD));
  show("close_range 10..30 cloexec", syscall(SYS_close_range, 10, 30, 4));
  show("F_GETFD 20", fcntl(20, F_GETFD));
  show("close_range 10..~0", syscall(SYS_close_range, 10, ~0U, 0));
  show("F_GETFD 20 closed", fcntl(20, F_GETFD));
  show("close_range bad", syscall(SYS_close_range, 5, 4, 0));
  show("close d", close(d));
  show("close d again", close(d));
  show("F_GETFL rdwr", fcntl(fd, F_GETFL) & ~KERNEL_O_LARGEFILE);
  show("F_SETFL append|nonblock", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY));
  show("F_GETFL", fcntl(fd, F_GETFL) & ~KERNEL_O_LARGEFILE);
  show("write appends", write(fd, "END", 3));
  show("position at end", lseek(fd, 0, SEEK_CUR));
  show("size", fsize(fd));
  close(fd);

  /* open flags */
  show("O_EXCL existing", open("work/f", O_CREAT | O_EXCL | O_WRONLY, 0600));
  fd = open("work/new", O_CREAT | O_EXCL | O_WRONLY, 0640);
  okerr("O_EXCL new", fd);
  show("read write-only", read(fd, buf, 1));
  close(fd);
  fd = creat("work/c", 0600);
  show("creat write", write(fd, "cc", 2));
  show("creat read", read(fd, buf, 1));
  close(fd);
  fd = open("work/c", O_RDONLY | O_TRUNC);
  okerr("O_RDONLY|O_TRUNC", fd);
  show("truncated", fsize(fd));
  show("write read-only", write(fd, "x", 1));
  close(fd);
  fd = open("work/c", O_WRONLY | O_APPEND);
  write(fd, "1", 1);
  write(fd, "2", 1);
  show("pwrite on O_APPEND appends", pwrite(fd, "3", 1, 0));
  close(fd);
  fd = open("work/c", O_RDONLY);
  showbuf("appended", read(fd, buf, 10));
  close(fd);
  show("open missing", open("work/missing", O_RDONLY));
  show("open dir for writing", open("work", O_WRONLY));
  show("O_DIRECTORY on a file", open("work/c", O_RDONLY | O_DIRECTORY));
  fd = open("work", O_RDONLY | O_DIRECTORY);
  okerr("O_DIRECTORY", fd);
  show("read a directory", read(fd, buf, 10));
  show("F_GETFL dir", fcntl(fd, F_GETFL) & ~KERNEL_O_LARGEFILE);
  close(fd);

  /* O_PATH */
  int p = open("work", O_PATH);
  okerr("O_PATH", p);
  show("F_GETFL O_PATH", fcntl(p, F_GETFL));
  show("read O_PATH", read(p, buf, 1));
  struct stat st;
  show("fstat O_PATH", fstat(p, &st));
  printf("O_PATH is a directory: %s\n", S_ISDIR(st.st_mode) ? "yes" : "no");
  fd = openat(p, "c", O_RDONLY);
  okerr("openat O_PATH dir", fd);
  showbuf("read through it", read(fd, buf, 10));
  show("fchdir O_PATH", fchdir(p));
  show("access c from there", access("c", F_OK));
  show("fchdir back", chdir(".."));
  close(fd);
  close(p);

  /* sendfile, copy_file_range */
  int in = open("data/hello.txt", O_RDONLY);
  int out = open("work/g", O_CREAT | O_RDWR | O_TRUNC, 0644);
  off_t off = 7;
  show("sendfile 5 @7", sendfile(out, in, &off, 5));
  show("offset after", (long)off);
  show("in position unchanged", lseek(in, 0, SEEK_CUR));
  show("sendfile at position", sendfile(out, in, NULL, 5));
  show("in position", lseek(in, 0, SEEK_CUR));
  loff_t o1 = 0, o2 = 100;
  show("copy_file_range", copy_file_range(in, &o1, out, &o2, 100, 0));
  printf("offsets after: %ld %ld\n", (long)o1, (long)o2);
  show("copy_file_range flags", copy_file_range(in, &o1, out, &o2, 100, 1));
  show("size g", fsize(out));
  lseek(out, 0, SEEK_SET);
  showbuf("g", pread(out, buf, 10, 0));
  showbuf("g @100", pread(out, buf, 20, 100));
  close(in);
  close(out);

  /* a large transfer */
  for (int i = 0; i < (int)sizeof buf; i++) buf[i] = (char)(i * 7 + i / 256);
  fd = open("work/big", O_CREAT | O_RDWR | O_TRUNC, 0644);
  for (int i = 0; i < 4; i++) write(fd, buf, sizeof buf);
  show("big size", fsize(fd));
  unsigned long sum = 0;
  lseek(fd, 0, SEEK_SET);
  for (;;) {
    long k = read(fd, buf, 10000);
    if (k <= 0) break;
    for (long i = 0; i < k; i++) sum = sum * 31 + (unsigned char)buf[i];
  }
  printf("big checksum %lu\n", sum);
  close(fd);

  /* the console */
  show("lseek stdin", lseek(0, 0, SEEK_CUR));
  show("pread stdin", pread(0, buf, 1, 0));
  show("fsync stdout", fsync(1));
  return 0;
}
