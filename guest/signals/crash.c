/* Dies the way argv[1] says: segv (store through NULL), ill (an illegal word), trap (tw). */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    const char *how = argc > 1 ? argv[1] : "segv";
    printf("about to die by %s\n", how);
    fflush(stdout);
    if (strcmp(how, "segv") == 0) *(volatile int *)0 = 42;
    if (strcmp(how, "ill") == 0) __asm__ volatile(".long 0");
    if (strcmp(how, "trap") == 0) __asm__ volatile("tw 31,0,0");
    return 0;
}
