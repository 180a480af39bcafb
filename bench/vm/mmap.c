/* mmap/munmap cycles: argv[1] times map 64 KiB of anonymous memory, touch one page, unmap.
 * Prints the cycles done. The reference for the vm benchmark's mmap+munmap rate. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 5000, done = 0;
    for (long i = 0; i < n; i++) {
        char *p = mmap(NULL, 64 * 1024, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { printf("mmap failed\n"); return 1; }
        p[4096] = 1;
        munmap(p, 64 * 1024);
        done++;
    }
    printf("mmap+munmap cycles %ld\n", done);
    return 0;
}
