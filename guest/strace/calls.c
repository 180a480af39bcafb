/*
 * A few system calls for the --strace test to find in its output: a file read (the path is
 * argv[1]), a failing open, an anonymous mapping, a clock, a write, a call the runner has
 * not built, and the exit status 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    char buf[4096];
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    int bad = open("/nonexistent/strace-test", O_RDONLY);
    int err = errno;
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    m[0] = 1;
    munmap(m, 8192);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    struct timespec rr;
    long pp = syscall(SYS_sched_rr_get_interval, 0, &rr);
    char line[128];
    int len = snprintf(line, sizeof line, "read %zd, open %d %s, rr %ld\n", n, bad, strerror(err), pp);
    write(1, line, len);
    return 0;
}
