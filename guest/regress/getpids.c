/* A syscall-heavy loop: N getpid calls (the time slice must be charged across system calls). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000, s = 0;
  for (long i = 0; i < n; i++) s += syscall(SYS_getpid);
  printf("%ld\n", s);
  return 0;
}
