/*
 * Each case ends in SIGSEGV (exit status 139 under qemu-user), after progress lines flushed
 * before the fatal access; no signal handler is installed. argv[1] chooses:
 *   unmapped    call into an address that was never mapped
 *   munmapped   generated code called once, unmapped, called again
 *   mprotected  generated code called once, made PROT_READ (not executable), called again
 *   brkstale    sbrk(+64 KiB), touch every page, sbrk(-64 KiB), map and fill a new 64 KiB
 *               anonymous region, store through the old heap pointer
 *   readonly    store to a PROT_READ page
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "jit.h"

static char obuf[4096]; /* stdout's buffer: printf must not call malloc (brk) */

static void say(const char *s) {
    printf("%s\n", s);
    fflush(stdout);
}

static void *code_page(int v) {
    long pg = sysconf(_SC_PAGESIZE);
    uint32_t *p = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    jit_ret(p, v);
    mprotect(p, pg, PROT_READ | PROT_EXEC);
    return p;
}

int main(int argc, char **argv) {
    setvbuf(stdout, obuf, _IOLBF, sizeof obuf);
    const char *how = argc > 1 ? argv[1] : "";
    long pg = sysconf(_SC_PAGESIZE);
    printf("case %s\n", how);
    if (strcmp(how, "unmapped") == 0) {
        /* 15 MiB: below every static executable's text (0x10000000) and nothing maps there */
        say("calling 0xf00000");
        jit_fn_at((void *)0xf00000)(0);
    } else if (strcmp(how, "munmapped") == 0) {
        void *p = code_page(7);
        printf("first call -> %ld\n", jit_fn_at(p)(0));
        printf("munmap -> %d\n", munmap(p, pg));
        say("calling the unmapped code");
        jit_fn_at(p)(0);
    } else if (strcmp(how, "mprotected") == 0) {
        void *p = code_page(8);
        printf("first call -> %ld\n", jit_fn_at(p)(0));
        printf("mprotect PROT_READ -> %d\n", mprotect(p, pg, PROT_READ));
        say("calling the non-executable code");
        jit_fn_at(p)(0);
    } else if (strcmp(how, "brkstale") == 0) {
        const long n = 64 * 1024;
        char *cur = sbrk(0);
        sbrk((pg - (long)((unsigned long)cur % pg)) % pg); /* page-align the break */
        char *heap = sbrk(n);
        printf("sbrk +64 KiB -> %s\n", heap == (char *)-1 ? "failed" : "ok");
        for (long i = 0; i < n; i += pg) heap[i] = (char)(i / pg + 1);
        printf("touched %ld pages\n", n / pg);
        printf("sbrk -64 KiB -> %s\n", sbrk(-n) == heap + n ? "ok" : "failed");
        printf("break back -> %s\n", sbrk(0) == heap ? "ok" : "no");
        char *m = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        memset(m, 0xa5, n);
        printf("new mapping over the old heap -> %s\n", m == heap ? "yes" : "no");
        say("storing through the stale heap pointer");
        ((volatile char *)heap)[pg] = 1;
        say("stale store went through");
    } else if (strcmp(how, "readonly") == 0) {
        char *p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        printf("read -> %d\n", p[0]);
        say("storing to the read-only page");
        ((volatile char *)p)[0] = 1;
    } else {
        say("usage: segv unmapped|munmapped|mprotected|brkstale|readonly");
        return 2;
    }
    say("not reached");
    return 0;
}
