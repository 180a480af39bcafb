/* Demand-zero page faults: argv[1] fresh anonymous pages touched, in rounds of a 1 MiB region
 * (mmap, write one byte per page, munmap). Prints the pages touched. The reference for the vm
 * benchmark's page-fault rate. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000;
    long pg = sysconf(_SC_PAGESIZE), region = 256, touched = 0;
    while (touched < n) {
        long k = n - touched < region ? n - touched : region;
        char *p = mmap(NULL, region * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) { printf("mmap failed\n"); return 1; }
        for (long i = 0; i < k; i++) p[i * pg] = (char)i;
        munmap(p, region * pg);
        touched += k;
    }
    printf("pages touched %ld\n", touched);
    return 0;
}
