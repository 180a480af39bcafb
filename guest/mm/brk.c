/*
 * The program break: sbrk grow, touch, shrink, regrow reads zeros, for several sizes; brk
 * below the start of the heap leaves the break where it was. stdout has a static buffer (line
 * buffered: each line is out as soon as it is done), so malloc never moves the break behind the program's back. One line per check; the output must
 * be identical under qemu-user and k42ts.
 *
 *   brk          the checks qemu-user 7.2 gets right
 *   brk linux    what qemu-user 7.2 gets wrong (Linux keeps a partly freed last page, and
 *                unmaps whole pages given back)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static char obuf[4096];
static long PG;

static int all(const char *p, long n, int v) {
    for (long i = 0; i < n; i++) if ((unsigned char)p[i] != (unsigned char)v) return 0;
    return 1;
}

static int mapped(void *p) {
    unsigned char v;
    return mincore((void *)((uintptr_t)p & ~(uintptr_t)(PG - 1)), PG, &v) == 0;
}

static void check(const char *what, long size, int ok) {
    printf("%-32s %8ld -> %s\n", what, size, ok ? "ok" : "FAILED");
}

int main(int argc, char **argv) {
    setvbuf(stdout, obuf, _IOLBF, sizeof obuf);
    PG = sysconf(_SC_PAGESIZE);
    int linux_mode = argc > 1 && strcmp(argv[1], "linux") == 0;
    char *start = sbrk(0);
    /* page-align the break so that every size below starts on a fresh page */
    sbrk((PG - (long)((uintptr_t)start % PG)) % PG);
    char *base = sbrk(0);
    printf("break aligned -> %s\n", (uintptr_t)base % PG == 0 ? "ok" : "no");

    if (linux_mode) {
        /* a partial page given back and taken again keeps its contents (the page stays) */
        char *p = sbrk(PG);
        memset(p, 0x5c, PG);
        sbrk(-100);
        sbrk(100);
        check("partial page kept after regrow", 100, all(p + PG - 100, 100, 0x5c));
        sbrk(-PG);
        /* whole pages given back are unmapped */
        p = sbrk(4 * PG);
        memset(p, 1, 4 * PG);
        sbrk(-3 * PG);
        check("shrunk pages unmapped", 3 * PG, mapped(p) && !mapped(p + PG) && !mapped(p + 3 * PG));
        sbrk(-PG);
        return 0;
    }

    static const long sizes[] = { 4096, 8192, 65536, 12288, 1 << 20, 3 * 4096 };
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        long n = sizes[k];
        char *p = sbrk(n);
        check("grow returns the old break", n, p == base);
        check("new break", n, sbrk(0) == base + n);
        check("grown memory zero", n, all(p, n, 0));
        for (long i = 0; i < n; i += 512) p[i] = (char)(i / 512 + 1);
        p[n - 1] = 0x7e;
        check("touched", n, p[n - 1] == 0x7e && p[512] == 2);
        check("shrink returns the old break", n, sbrk(-n) == base + n);
        check("break back", n, sbrk(0) == base);
        check("regrow", n, sbrk(n) == base);
        check("regrown memory zero", n, all(p, n, 0));
        check("shrink again", n, sbrk(-n) == base + n);
    }
    /* small, unaligned steps up and back down (no regrow check: see "linux") */
    for (int i = 1; i <= 5; i++) {
        char *p = sbrk(1000);
        memset(p, i, 1000);
        check("grow 1000 bytes, writable", 1000 * i, all(p, 1000, i) && sbrk(0) == base + 1000 * i);
    }
    check("shrink 5000 bytes", 5000, sbrk(-5000) != (void *)-1 && sbrk(0) == base);
    /* below the start: the break stays */
    errno = 0;
    check("brk(4096) leaves the break", 4096, (char *)syscall(SYS_brk, (void *)4096) == base);
    sbrk(-(long)((uintptr_t)base - 4096)); /* glibc reports success: the kernel kept the break */
    check("sbrk below start leaves the break", 0, sbrk(0) == base);
    /* the heap and mmap do not overlap */
    char *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *h = sbrk(1 << 20);
    memset(h, 1, 1 << 20);
    memset(m, 2, 1 << 20);
    check("heap and mmap apart", 1 << 20, all(h, 1 << 20, 1) && all(m, 1 << 20, 2));
    sbrk(-(1 << 20));
    printf("done\n");
    return 0;
}
