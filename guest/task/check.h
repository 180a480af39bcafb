/*
 * Shared by the guest/task programs: errno names and one-line checks, so that a diff of two
 * runs (qemu-user and k42ts) shows the call, the case and what differs.
 *
 *   CHK("call", "case", expr)   prints "call      case                     -> result errno"
 *                               for a call that returns -1 and sets errno on failure.
 */
#ifndef TASK_CHECK_H
#define TASK_CHECK_H
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *ename(int e) {
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: { static char b[16]; snprintf(b, sizeof b, "E%d", e); return b; }
    }
}

#define CHK(name, cas, expr) do { errno = 0; long r_ = (long)(expr); int e_ = errno; \
    printf("%-16s %-40s -> %ld %s\n", name, cas, r_, r_ == -1 ? ename(e_) : "0"); } while (0)

/* A yes/no observation. */
#define SAY(name, cas, cond) printf("%-16s %-40s -> %s\n", name, cas, (cond) ? "yes" : "no")

/* An address no program maps: system calls given it answer EFAULT. */
#define BAD ((void *)16)

#endif
