/* Every pointer argument of the file system calls given a bad address: an unmapped one (BAD) for
 * what the kernel reads, and also a read-only page (RO, the program's own text) for what it
 * writes. Linux answers EFAULT, never a crash. Raw system calls, so that libc cannot check or
 * copy first. A read into a buffer that becomes bad half way returns the bytes before the fault. */
#include "common.h"
#include <sys/mman.h>
#include <sys/uio.h>

#define BAD ((void *)16)
static void *RO;

#define T(what, call) show(what, (long)(call))

int main(void) {
  RO = (void *)&main;
#if defined(__powerpc64__) && (!defined(_CALL_ELF) || _CALL_ELF == 1)
  RO = *(void **)&main; /* ELFv1: main is a function descriptor; its first word is the code */
#endif
  int fd = open("data/hello.txt", O_RDONLY);
  int dfd = open("data", O_RDONLY | O_DIRECTORY);
  mkdir("w", 0755);
  int wfd = open("w/f", O_CREAT | O_RDWR, 0644);
  char buf[64];
  struct stat st;

  /* paths */
  T("open BAD", syscall(SYS_openat, AT_FDCWD, BAD, O_RDONLY));
  T("mkdir BAD", syscall(SYS_mkdirat, AT_FDCWD, BAD, 0755));
  T("unlink BAD", syscall(SYS_unlinkat, AT_FDCWD, BAD, 0));
  T("rename BAD old", syscall(SYS_renameat, AT_FDCWD, BAD, AT_FDCWD, "w/x"));
  T("rename BAD new", syscall(SYS_renameat, AT_FDCWD, "w/f", AT_FDCWD, BAD));
  T("symlink BAD target", syscall(SYS_symlinkat, BAD, AT_FDCWD, "w/l"));
  T("symlink BAD name", syscall(SYS_symlinkat, "t", AT_FDCWD, BAD));
  T("link BAD", syscall(SYS_linkat, AT_FDCWD, BAD, AT_FDCWD, "w/h", 0));
  T("chdir BAD", syscall(SYS_chdir, BAD));
  T("chmod BAD", syscall(SYS_fchmodat, AT_FDCWD, BAD, 0644));
  T("chown BAD", syscall(SYS_fchownat, AT_FDCWD, BAD, 0, 0, 0));
  T("access BAD", syscall(SYS_faccessat, AT_FDCWD, BAD, F_OK));
  T("truncate BAD", syscall(SYS_truncate, BAD, 0));
  T("statfs BAD path", syscall(SYS_statfs, BAD, buf));
  T("getxattr BAD path", syscall(SYS_getxattr, BAD, "user.x", buf, sizeof buf));
  T("getxattr BAD name", syscall(SYS_getxattr, "w/f", BAD, buf, sizeof buf));
  T("mknod BAD", syscall(SYS_mknodat, AT_FDCWD, BAD, S_IFIFO | 0644, 0));
  T("chroot BAD", syscall(SYS_chroot, BAD));
  T("statx BAD path", syscall(SYS_statx, AT_FDCWD, BAD, 0, 0x7ff, buf));

  /* buffers the kernel writes */
  T("read BAD", syscall(SYS_read, fd, BAD, 10));
  T("read RO", syscall(SYS_read, fd, RO, 10));
  T("position after failed reads", lseek(fd, 0, SEEK_CUR));
  T("pread64 BAD", pread(fd, BAD, 10, 0));
  T("fstat BAD", syscall(SYS_fstat, fd, BAD));
#ifdef SYS_newfstatat
  T("newfstatat BAD buf", syscall(SYS_newfstatat, AT_FDCWD, "data", BAD, 0));
#endif
#ifdef SYS_fstatat64
  T("fstatat64 BAD buf", syscall(SYS_fstatat64, AT_FDCWD, "data", BAD, 0));
  T("fstat64 BAD", syscall(SYS_fstat64, fd, BAD));
#endif
  T("statx BAD buf", syscall(SYS_statx, AT_FDCWD, "data", 0, 0x7ff, BAD));
  T("statfs BAD buf", syscall(SYS_statfs, "data", BAD));
  T("fstatfs RO buf", syscall(SYS_fstatfs, fd, RO));
  T("getcwd BAD", syscall(SYS_getcwd, BAD, 100));
  T("readlink BAD buf", syscall(SYS_readlinkat, AT_FDCWD, "data/link", BAD, 10));
  T("getdents64 BAD", syscall(SYS_getdents64, dfd, BAD, 4096));
  T("getxattr BAD value", syscall(SYS_setxattr, "w/f", "user.x", "abc", 3, 0) == 0 ? syscall(SYS_getxattr, "w/f", "user.x", BAD, sizeof buf) : -1);
  T("listxattr BAD", syscall(SYS_listxattr, "w/f", BAD, 100));
  T("ioctl FIONREAD BAD", syscall(SYS_ioctl, fd, 0x4004667f, BAD));
  struct flock fl = { .l_type = F_RDLCK };
  (void)fl;
  T("fcntl F_GETLK BAD", syscall(SYS_fcntl, fd, F_GETLK, BAD));
  T("fcntl F_SETLK BAD", syscall(SYS_fcntl, wfd, F_SETLK, BAD));
#ifdef SYS__llseek
  T("_llseek BAD result", syscall(SYS__llseek, fd, 0, 0, BAD, SEEK_SET));
#endif

  /* buffers the kernel reads */
  T("write BAD", syscall(SYS_write, wfd, BAD, 10));
  T("pwrite64 BAD", pwrite(wfd, BAD, 10, 0));
  T("writev BAD iovec array", syscall(SYS_writev, wfd, BAD, 2));
  struct iovec v[2] = { { "ok", 2 }, { BAD, 5 } };
  T("writev BAD second base (the first is written)", syscall(SYS_writev, wfd, v, 2));
  struct iovec r[2] = { { buf, 3 }, { BAD, 5 } };
  lseek(fd, 0, SEEK_SET);
  T("readv BAD second base (the first is read)", syscall(SYS_readv, fd, r, 2));
  T("readv BAD iovec array", syscall(SYS_readv, fd, BAD, 1));
  T("utimensat BAD times", syscall(SYS_utimensat, AT_FDCWD, "w/f", BAD, 0));
  T("utimes BAD times", syscall(SYS_utimes, "w/f", BAD));
  T("setxattr BAD value", syscall(SYS_setxattr, "w/f", "user.y", BAD, 3, 0));
  T("sendfile BAD offset", syscall(SYS_sendfile, wfd, fd, BAD, 5));
  T("copy_file_range BAD offset", syscall(SYS_copy_file_range, fd, BAD, wfd, NULL, 5, 0));
  T("fcntl F_SETOWN_EX BAD", syscall(SYS_fcntl, fd, F_SETOWN_EX, BAD));

  /* A read that runs into an unmapped page half way: Linux copies up to the fault and returns
   * the bytes before it (the position moves by them), and a write takes the readable prefix.
   * qemu-user 7.2 checks the whole buffer first and answers EFAULT: the test compares what
   * follows the marker with Linux's answer, not qemu's. */
  printf("--- linux only ---\n");
  char *two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(two + 4096, 4096);
  lseek(fd, 0, SEEK_SET);
  T("read across into an unmapped page", syscall(SYS_read, fd, two + 4096 - 5, 13));
  printf("got \"%.5s\"\n", two + 4096 - 5);
  T("position after the short read", lseek(fd, 0, SEEK_CUR));
  T("write from across an unmapped page", syscall(SYS_write, wfd, two + 4096 - 3, 10));
  fstat(wfd, &st);
  printf("w/f size %ld\n", (long)st.st_size);
  return 0;
}
