/*
 * A W^X JIT loop: 200 times, make the code page writable (not executable), write a function
 * returning i*3+1 (odd i: a longer one with the same result), make it executable (not
 * writable), flush the caches, call it and check the result. Every iteration changes the code
 * at the same address, so a system caching translated code must drop it at each mprotect or
 * cache flush. Prints a few sample iterations and a summary.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "jit.h"

#define N 200

static char obuf[4096];

int main(void) {
    setvbuf(stdout, obuf, _IOLBF, sizeof obuf); /* each line out as it is done */
    long pg = sysconf(_SC_PAGESIZE);
    uint32_t *code = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED) { printf("mmap failed\n"); return 1; }
    int bad = 0, protfail = 0;
    long sum = 0;
    for (int i = 0; i < N; i++) {
        protfail += mprotect(code, pg, PROT_READ | PROT_WRITE) != 0;
        if (i % 2 == 0) {
            code[0] = op_li(3, i * 3 + 1);
            code[1] = OP_BLR;
        } else {
            code[0] = op_li(3, i);
            code[1] = op_addi(3, 3, i);
            code[2] = op_addi(3, 3, i + 1);
            code[3] = OP_BLR;
        }
        protfail += mprotect(code, pg, PROT_READ | PROT_EXEC) != 0;
        jit_flush(code, 16);
        long got = jit_fn_at(code)(0);
        sum += got;
        if (got != i * 3 + 1) bad++;
        if (i < 3 || i == 99 || i == 100 || i == N - 1 || got != i * 3 + 1)
            printf("iteration %3d -> %ld %s\n", i, got, got == i * 3 + 1 ? "ok" : "WRONG");
    }
    printf("wxjit: %d iterations, %d wrong, %d mprotect failures, sum %ld\n", N, bad, protfail, sum);
    return bad == 0 && protfail == 0 ? 0 : 1;
}
