/* Shared helpers of the file-system guest programs: print what a call returned, errors by name,
 * so that a difference between k42 and qemu-user shows which call and which errno. */
#ifndef FS_COMMON_H
#define FS_COMMON_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

static const char *ename(int e) {
  switch (e) {
#define N(x) case x: return #x;
    N(EPERM) N(ENOENT) N(ESRCH) N(EINTR) N(EIO) N(ENXIO) N(E2BIG) N(ENOEXEC) N(EBADF) N(ECHILD)
    N(EAGAIN) N(ENOMEM) N(EACCES) N(EFAULT) N(EBUSY) N(EEXIST) N(EXDEV) N(ENODEV) N(ENOTDIR)
    N(EISDIR) N(EINVAL) N(ENFILE) N(EMFILE) N(ENOTTY) N(ETXTBSY) N(EFBIG) N(ENOSPC) N(ESPIPE)
    N(EROFS) N(EMLINK) N(EPIPE) N(ERANGE) N(EDEADLK) N(ENAMETOOLONG) N(ENOLCK) N(ENOSYS)
    N(ENOTEMPTY) N(ELOOP) N(ENODATA) N(EOVERFLOW) N(EOPNOTSUPP) N(ENOTSOCK)
#undef N
  default: {
    static char b[16];
    snprintf(b, sizeof b, "E%d", e);
    return b;
  }
  }
}

/* Print "what = value" or "what = -1 ENAME"; returns the value. */
static long show(const char *what, long r) {
  if (r < 0) printf("%s = -1 %s\n", what, ename(errno));
  else printf("%s = %ld\n", what, r);
  fflush(stdout);
  return r;
}

/* Print only success or the errno (for calls whose value differs by design, e.g. a new fd). */
static long okerr(const char *what, long r) {
  if (r < 0) printf("%s: %s\n", what, ename(errno));
  else printf("%s: ok\n", what);
  fflush(stdout);
  return r;
}

/* A raw system call's result: the value, or "-ENAME". */
static long raw(const char *what, long r) {
  if (r < 0 && r > -4096) printf("%s = -%s\n", what, ename((int)-r));
  else printf("%s = %ld\n", what, r);
  fflush(stdout);
  return r;
}

static void die(const char *what) {
  printf("FATAL %s: %s\n", what, ename(errno));
  exit(1);
}
#endif
