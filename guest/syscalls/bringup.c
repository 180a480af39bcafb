/*
 * The bring-up system calls as a program sees them: bad pointers give EFAULT, brk and
 * anonymous mmap hand out zeroed memory, munmap and mprotect take effect. Prints one line per
 * check; the output must be identical under qemu-user and k42ts.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *what, long r) {
    printf("%-28s %s\n", what, r < 0 ? strerror(errno) : "ok");
}

int main(void) {
    /* write from an unmapped buffer: EFAULT, nothing written */
    errno = 0;
    long r = syscall(SYS_write, 1, (void *)0x10, 5);
    report("write(bad pointer)", r);
    /* write to a closed descriptor */
    r = syscall(SYS_write, 9, "x", 1);
    report("write(bad fd)", r);

    /* brk: grow by 256 KiB, the new memory is zero and writable */
    char *b0 = sbrk(0);
    char *b1 = sbrk(256 * 1024);
    int zero = 1;
    for (int i = 0; i < 256 * 1024; i += 4096) { zero &= b1[i] == 0; b1[i] = 7; }
    printf("%-28s %s\n", "sbrk grows, zeroed", b1 == b0 && zero ? "ok" : "bad");

    /* anonymous mmap: zeroed, writable; munmap */
    char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    report("mmap anonymous", m == MAP_FAILED ? -1 : 0);
    int mz = 1;
    for (int i = 0; i < (1 << 20); i += 4096) { mz &= m[i] == 0; m[i] = (char)i; }
    printf("%-28s %s\n", "mmap memory zeroed", mz ? "ok" : "bad");
    report("munmap", munmap(m, 1 << 20));

    /* mprotect read-only, then read it back */
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    p[0] = 42;
    report("mprotect", mprotect(p, 8192, PROT_READ));
    printf("%-28s %d\n", "read after mprotect", p[0]);

    /* a bad flag / argument */
    report("mmap length 0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED ? -1 : 0);
    report("munmap unaligned", munmap(p + 1, 4096));
    printf("pid positive: %s\n", getpid() > 0 ? "yes" : "no");
    fflush(stdout);

    /* writing to the read-only page kills the process with SIGSEGV */
    p[0] = 1;
    printf("not reached\n");
    return 0;
}
