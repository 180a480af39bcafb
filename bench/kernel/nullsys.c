/* Null system calls: argv[1] times getppid(2) through syscall(2), nothing else. The reference
 * for the kernel benchmark's PPC figures (K42's claim: a PPC costs about a system call). */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 0;
    long s = 0;
    for (long i = 0; i < n; i++) s += syscall(SYS_getppid);
    return s == 12345 ? 1 : 0; /* use s; never 12345 in practice */
}
