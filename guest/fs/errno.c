/* Error cases shared by the file calls: names too long (a component of 256 bytes, a path of 4096),
 * a file where a directory is needed, empty paths, bad and closed descriptors, bad flags, a
 * directory where a file is needed, seeking the console, EEXIST and ENOTEMPTY, and the limit
 * of 40 symbolic links in one path. */
#include "common.h"
#include <sys/uio.h>
#include <sys/sendfile.h>

int main(void) {
  char name[300], path[4200];
  memset(name, 'n', 256);
  name[256] = 0;
  show("open component of 256", open(name, O_RDONLY));
  name[255] = 0;
  show("open component of 255", open(name, O_RDONLY));
  show("creat component of 255", (long)close(creat(name, 0644)));
  show("unlink it", unlink(name));
  for (int i = 0; i < 4200; i += 2) path[i] = 'd', path[i + 1] = '/';
  path[4095] = 0;
  show("stat path of 4095 bytes", access(path, F_OK));
  path[4096] = 0;
  path[4095] = 'x';
  show("stat path of 4096 bytes", access(path, F_OK));
  show("open \"\"", open("", O_RDONLY));
  show("mkdir \"\"", mkdir("", 0755));
  show("open file/x", open("data/hello.txt/x", O_RDONLY));
  show("open file/", open("data/hello.txt/", O_RDONLY));
  show("open missing/x", open("data/missing/x", O_RDONLY));
  show("mkdir existing", mkdir("data", 0755));
  show("rmdir not empty", rmdir("data"));
  show("rmdir file", rmdir("data/hello.txt"));
  show("unlink dir", unlink("empty"));
  show("rmdir .", rmdir("."));
  show("rmdir ..", rmdir("empty/.."));
  show("link dir", link("empty", "empty2"));
  show("symlink over existing", symlink("x", "data/hello.txt"));

  int fds[] = { -1, 1000, 99999 };
  char b[8];
  struct stat st;
  for (int i = 0; i < 3; i++) {
    int fd = fds[i];
    printf("fd %d:\n", fd);
    show("  read", read(fd, b, 1));
    show("  write", write(fd, b, 1));
    show("  close", close(fd));
    show("  fstat", fstat(fd, &st));
    show("  lseek", lseek(fd, 0, SEEK_SET));
    show("  dup", dup(fd));
    show("  fcntl", fcntl(fd, F_GETFL));
    show("  fsync", fsync(fd));
    show("  ftruncate", ftruncate(fd, 0));
    show("  fchmod", fchmod(fd, 0644));
    show("  fchdir", fchdir(fd));
    show("  openat relative", openat(fd, "x", O_RDONLY));
    show("  openat absolute", openat(fd, "/", O_RDONLY | O_DIRECTORY) >= 0 ? 0 : -1);
    show("  getdents64", syscall(SYS_getdents64, fd, b, sizeof b));
    show("  ioctl", ioctl(fd, 0x4004667f, b));
  }
  int fd = open("data/hello.txt", O_RDONLY);
  close(fd);
  show("read closed", read(fd, b, 1));
  fd = open("data/hello.txt", O_RDONLY);
  show("write read-only", write(fd, "x", 1));
  show("ftruncate read-only", ftruncate(fd, 0));
  show("fallocate read-only", fallocate(fd, 0, 0, 10));
  show("lseek bad whence", lseek(fd, 0, 7));
  show("fcntl F_DUPFD negative", fcntl(fd, F_DUPFD, -1));
  show("fcntl F_DUPFD past the limit", fcntl(fd, F_DUPFD, 1 << 30));
  show("ioctl TCGETS on a file", ioctl(fd, 0x402c7413, b));
  show("FIONREAD on a file", ioctl(fd, 0x4004667f, b));
  show("dup2 to a negative fd", dup2(fd, -1));
  show("dup2 past the limit", dup2(fd, 1 << 30));
  show("sendfile to a read-only fd", sendfile(fd, fd, NULL, 1));
  int dfd = open("data", O_RDONLY);
  show("read a dir", read(dfd, b, 1));
  show("ftruncate a dir", ftruncate(dfd, 0));
  show("fallocate a dir", fallocate(dfd, 0, 0, 1));
  show("lseek stdout", lseek(1, 0, SEEK_SET));
  show("sendfile from stdin", sendfile(dfd, 0, NULL, 1));
  show("ioctl TCGETS on stdout (a pipe, not a terminal)", ioctl(1, 0x402c7413, b));
  show("FIOCLEX", ioctl(fd, 0x20006601));
  show("F_GETFD after FIOCLEX", fcntl(fd, F_GETFD));
  show("FIONCLEX", ioctl(fd, 0x20006602));
  show("F_GETFD after FIONCLEX", fcntl(fd, F_GETFD));
  int one = 1;
  show("FIONBIO", ioctl(fd, 0x8004667e, &one));
  show("O_NONBLOCK set", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  int n = -1;
  show("FIONREAD", ioctl(fd, 0x4004667f, &n));
  printf("FIONREAD says %d\n", n);
  read(fd, b, 3);
  ioctl(fd, 0x4004667f, &n);
  printf("after reading 3, FIONREAD says %d\n", n);
  show("FIGETBSZ", ioctl(fd, 0x20000002, &n));
  printf("FIGETBSZ says %d\n", n);
  /* Where qemu-user is not Linux: it answers ENOSYS for an ioctl it does not know (Linux: ENOTTY);
   * and a directory's SEEK_END is the file system's (tmpfs and our servers: EINVAL; ext4, which
   * qemu shows, LLONG_MAX or EOVERFLOW). */
  printf("--- linux only ---\n");
  show("ioctl unknown on a file", ioctl(fd, 0x12345678, b));
  show("lseek dir end", lseek(dfd, 0, SEEK_END));
  return 0;
}
