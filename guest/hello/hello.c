/* The smallest useful guest program: stdio, argv and an exit status. */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("Hello from PowerPC, %d argument%s\n", argc - 1, argc == 2 ? "" : "s");
    for (int i = 1; i < argc; i++) printf("  argv[%d] = %s\n", i, argv[i]);
    return argc > 1 ? 3 : 0;
}
