/*
 * Generated code and the memory system: code written into a page, made executable and called;
 * the page unmapped and a new one mapped at the same address with different code; code
 * rewritten in place; code moved by mremap; several functions in one page. A system that
 * caches translated code must notice each change (K42: per-frame code invalidation). Prints
 * one line per call; the output must be identical under qemu-user and k42ts.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "jit.h"

static long PG;
static char obuf[4096];

static void call(const char *what, void *code, long arg, long want) {
    long got = jit_fn_at(code)(arg);
    printf("%-40s -> %ld %s\n", what, got, got == want ? "ok" : "WRONG");
}

int main(void) {
    setvbuf(stdout, obuf, _IOLBF, sizeof obuf); /* each line out as it is done */
    PG = sysconf(_SC_PAGESIZE);
    const int RW = PROT_READ | PROT_WRITE, RX = PROT_READ | PROT_EXEC, RWX = RW | PROT_EXEC;

    /* RW, write, mprotect RX, call */
    uint32_t *p = mmap(NULL, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    jit_ret(p, 42);
    printf("%-40s -> %d\n", "mprotect RX", mprotect(p, PG, RX));
    call("fresh page", p, 0, 42);
    call("fresh page again", p, 0, 42);

    /* unmap; map a new page at the same address with different code */
    printf("%-40s -> %d\n", "munmap", munmap(p, PG));
    uint32_t *q = mmap(p, PG, RWX, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("%-40s -> %s\n", "mmap fixed RWX at the same address", q == p ? "same" : "other");
    jit_ret(q, 43);
    call("new page at the same address", q, 0, 43);

    /* rewrite in place (RWX) */
    jit_ret(q, 44);
    call("rewritten in place", q, 0, 44);
    /* a longer function in the same place: li r3,1 ; addi r3,r3,10 x5 ; blr */
    q[0] = op_li(3, 1);
    for (int i = 1; i <= 5; i++) q[i] = op_addi(3, 3, 10);
    q[6] = OP_BLR;
    jit_flush(q, 7 * 4);
    call("rewritten longer", q, 0, 51);
    /* and shorter again: the old tail must not run */
    q[0] = op_addi(3, 3, 7);
    q[1] = OP_BLR;
    jit_flush(q, 8);
    call("rewritten shorter, argument 100", q, 100, 107);

    /* a second function later in the page; the first one is untouched */
    jit_ret(q + 64, 45);
    call("second function in the page", q + 64, 0, 45);
    call("first function still there", q, 5, 12);

    /* MAP_FIXED over the page without unmapping first: the old code is gone */
    q = mmap(p, PG, RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    jit_ret(q, 46);
    jit_ret(q + 64, 47);
    mprotect(q, PG, RX);
    call("mmap fixed over code", q, 0, 46);
    call("mmap fixed over code, second", q + 64, 0, 47);

    /* mremap moves the code: it runs at the new address */
    char *r = mmap(NULL, 4 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t *m = mremap(q, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, r + 2 * PG);
    printf("%-40s -> %s\n", "mremap fixed", m == (uint32_t *)(r + 2 * PG) ? "moved" : "failed");
    if (m == (uint32_t *)(r + 2 * PG)) {
        call("moved code", m, 0, 46);
        call("moved code, second", m + 64, 0, 47);
        /* and new code where the old page was */
        q = mmap(p, PG, RWX, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        jit_ret(q, 48);
        call("new code where the moved page was", q, 0, 48);
        call("moved code unchanged", m, 0, 46);
    }

    /* two pages: code in one calls nothing, each page replaced in turn */
    uint32_t *two = mmap(NULL, 2 * PG, RWX, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t *hi = two + PG / 4;
    for (int round = 0; round < 3; round++) {
        jit_ret(two, 100 + round);
        jit_ret(hi, 200 + round);
        call(round == 0 ? "two pages, low" : round == 1 ? "two pages, low, round 2" : "two pages, low, round 3", two, 0, 100 + round);
        call(round == 0 ? "two pages, high" : round == 1 ? "two pages, high, round 2" : "two pages, high, round 3", hi, 0, 200 + round);
        munmap(hi, PG);
        mmap(hi, PG, RWX, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    }
    printf("done\n");
    return 0;
}
