/* eventfd and eventfd2: counting and semaphore reads, the 8-byte rules, the largest count and
 * what a write past it does, flags, F_GETFL/F_GETFD, fstat's type bits, /proc/self/fd, FIONREAD. */
#include "../fs/common.h"
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>

static void rd(const char *what, int fd) {
  uint64_t v = 0;
  long r = read(fd, &v, sizeof v);
  if (r < 0) printf("%s = -1 %s\n", what, ename(errno));
  else printf("%s = %ld: %llu\n", what, r, (unsigned long long)v);
}

static long wr(int fd, uint64_t v) {
  return write(fd, &v, sizeof v);
}

int main(void) {
  int e = eventfd(0, EFD_NONBLOCK);
  if (e < 0) die("eventfd");
  rd("read at 0 (O_NONBLOCK)", e);
  show("write 5", wr(e, 5));
  show("write 7", wr(e, 7));
  rd("read", e);
  rd("read again", e);
  show("write 0", wr(e, 0));
  rd("read after writing 0", e);
  char small[8];
  show("read 4 bytes", read(e, small, 4));
  show("write 4 bytes", write(e, small, 4));
  uint64_t big[2] = { 9, 100 };
  show("write 9", wr(e, 9));
  show("read into 16 bytes", read(e, big, 16));
  printf("  got %llu\n", (unsigned long long)big[0]);
  show("write 2^64-1", wr(e, UINT64_MAX));
  show("write 2^64-2", wr(e, UINT64_MAX - 1));
  show("write 1 past the maximum", wr(e, 1));
  rd("read the maximum", e);
  show("write 2^64-3", wr(e, UINT64_MAX - 2));
  show("write 1", wr(e, 1));
  show("write 1 more", wr(e, 1));
  rd("read", e);
  show("write 3", wr(e, 3));
  show("write from an unmapped buffer", write(e, (void *)8, 8));
  rd("read", e);
  show("pread", pread(e, big, 8, 0));
  int n = -1;
  show("FIONREAD", ioctl(e, FIONREAD, &n));
  show("F_GETFL", fcntl(e, F_GETFL));
  show("F_GETFD", fcntl(e, F_GETFD));
  close(e);

  e = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
  rd("semaphore read", e);
  rd("semaphore read", e);
  rd("semaphore read", e);
  rd("semaphore read at 0", e);
  show("semaphore write 2", wr(e, 2));
  rd("semaphore read", e);
  show("F_GETFL (EFD_CLOEXEC | EFD_NONBLOCK)", fcntl(e, F_GETFL));
  show("F_GETFD", fcntl(e, F_GETFD));
  close(e);

  e = eventfd(0xffffffffu, 0);
  rd("initval 2^32-1", e);
  show("eventfd2 with an unknown flag", syscall(SYS_eventfd2, 0, 2));
  show("eventfd2 with O_APPEND", syscall(SYS_eventfd2, 0, O_APPEND));
  struct stat s;
  fstat(e, &s);
  printf("fstat: type bits %o, mode %o, nlink %ld, size %ld\n", (unsigned)s.st_mode & S_IFMT, (unsigned)s.st_mode & 07777, (long)s.st_nlink, (long)s.st_size);
  char path[64], link[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", e);
  long l = readlink(path, link, sizeof link - 1);
  link[l < 0 ? 0 : l] = 0;
  printf("readlink: %s\n", link);
  show("write then read in blocking mode", wr(e, 42));
  rd("read", e);

  /* qemu-user 7.2 refuses a bad buffer before the call (EFAULT, the count untouched); Linux
   * takes the count first and then fails to store it. And Linux 6.1 (which k42ts follows) takes
   * the first 8 bytes of a longer write, where Linux 6.9 and later answer EINVAL. */
  printf("--- linux only ---\n");
  e = eventfd(0, EFD_NONBLOCK);
  show("read at 0 into an unmapped buffer", read(e, (void *)8, 8));
  wr(e, 3);
  show("read at 3 into an unmapped buffer", read(e, (void *)8, 8));
  rd("read after it (the count was taken)", e);
  big[0] = 9;
  show("write 16 bytes", write(e, big, 16));
  rd("read", e);
  return 0;
}
