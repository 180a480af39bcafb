/* Touches argv[1] MiB of heap, one byte per page; prints how far it got every 8 MiB. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 64;
    for (long i = 0; i < mib; i++) {
        char *p = malloc(1 << 20);
        if (p == NULL) { printf("malloc failed at %ld MiB\n", i); return 1; }
        for (int k = 0; k < (1 << 20); k += 4096) p[k] = 1;
        if (i % 8 == 7) { printf("%ld MiB\n", i + 1); fflush(stdout); }
    }
    printf("done\n");
    return 0;
}
