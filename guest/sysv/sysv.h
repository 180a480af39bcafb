/*
 * Shared by the guest/sysv programs: errno names, one-line checks, and the waits that let a
 * parent know its child is blocked without timing (GETNCNT, GETZCNT). The programs print only
 * what is the same on every Linux: no ids, pids, addresses or times. Under qemu-user the host's
 * System V IPC objects are used, so every object is IPC_PRIVATE or keyed by the pid, and every
 * one is removed (IPC_RMID) before the program ends, on its failure paths too.
 */
#ifndef SYSV_H
#define SYSV_H
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>

static const char *ename(int e) {
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EINTR: return "EINTR";
    case E2BIG: return "E2BIG";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case EFBIG: return "EFBIG";
    case ENOSPC: return "ENOSPC";
    case ERANGE: return "ERANGE";
    case ENOSYS: return "ENOSYS";
    case ENOMSG: return "ENOMSG";
    case EIDRM: return "EIDRM";
    default: { static char b[16]; snprintf(b, sizeof b, "E%d", e); return b; }
    }
}

/* A call that returns -1 and sets errno on failure: "ok" for any other result (ids, sizes). */
#define OK(name, cas, expr) do { errno = 0; long r_ = (long)(expr); int e_ = errno; \
    printf("%-10s %-48s -> %s\n", name, cas, r_ == -1 ? ename(e_) : "ok"); } while (0)

/* The same, printing the result itself (counts, values, 0). */
#define VAL(name, cas, expr) do { errno = 0; long r_ = (long)(expr); int e_ = errno; \
    printf("%-10s %-48s -> %ld %s\n", name, cas, r_, r_ == -1 ? ename(e_) : ""); } while (0)

/* A yes/no observation. */
#define SAY(name, cas, cond) printf("%-10s %-48s -> %s\n", name, cas, (cond) ? "yes" : "no")

/* glibc wants the caller to define union semun (and ppc32 passes it by address). */
union semun {
    int val;
    struct semid_ds *buf;
    unsigned short *array;
    struct seminfo *__buf;
};

/*
 * Wait until semctl(id, num, cmd) (GETNCNT or GETZCNT) reaches n: a child is then blocked in
 * its semop. Gives up after about ten seconds (the output then shows it).
 */
static __attribute__((unused)) int wait_count(int id, int num, int cmd, int n) {
    for (int i = 0; i < 100000; i++) {
        if (semctl(id, num, cmd) >= n) return 1;
        usleep(100);
    }
    return 0;
}

static __attribute__((unused)) void report(const char *what, int status) {
    if (WIFEXITED(status)) printf("%-10s %-48s -> exited %d\n", "wait", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) printf("%-10s %-48s -> killed by signal %d\n", "wait", what, WTERMSIG(status));
    else printf("%-10s %-48s -> status 0x%x\n", "wait", what, status);
}

#endif
