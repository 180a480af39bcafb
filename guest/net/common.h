#define _GNU_SOURCE
/* Shared helpers for the socket test programs: errno names, checked calls. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

static const char *ename(int e) {
  switch (e) {
  case 0: return "OK";
  case EPERM: return "EPERM"; case ENOENT: return "ENOENT"; case EBADF: return "EBADF";
  case EAGAIN: return "EAGAIN"; case EFAULT: return "EFAULT"; case EINVAL: return "EINVAL";
  case EPIPE: return "EPIPE"; case ENOTSOCK: return "ENOTSOCK"; case EADDRINUSE: return "EADDRINUSE";
  case ECONNREFUSED: return "ECONNREFUSED"; case EISCONN: return "EISCONN"; case ENOTCONN: return "ENOTCONN";
  case EOPNOTSUPP: return "EOPNOTSUPP"; case EAFNOSUPPORT: return "EAFNOSUPPORT"; case EPROTOTYPE: return "EPROTOTYPE";
  case ECONNRESET: return "ECONNRESET"; case EINTR: return "EINTR"; case EMSGSIZE: return "EMSGSIZE";
  case EDESTADDRREQ: return "EDESTADDRREQ"; case ENOPROTOOPT: return "ENOPROTOOPT"; case EEXIST: return "EEXIST";
  case ELOOP: return "ELOOP"; case EACCES: return "EACCES"; case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
  case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT"; case ENOTTY: return "ENOTTY"; case EMFILE: return "EMFILE";
  default: { static char b[32]; snprintf(b, sizeof b, "errno %d", e); return b; }
  }
}

/* Print "what = r" with the errno name when r < 0. */
#define SHOW(what, expr) do { errno = 0; long _r = (long)(expr); \
  if (_r < 0) printf("%s = -1 %s\n", what, ename(errno)); else printf("%s = %ld\n", what, _r); fflush(stdout); } while (0)

#define CHECK(expr) do { if ((expr) < 0) { printf("FAILED %s: %s (line %d)\n", #expr, ename(errno), __LINE__); fflush(stdout); exit(1); } } while (0)
