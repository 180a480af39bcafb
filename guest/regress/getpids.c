/*
 * A syscall-heavy loop: N getpid calls (the time slice must be charged across system calls).
 * With a second argument "2", a forked child runs the same loop beside the parent, so that the
 * two compete for the processor and each one's slices must end for the other to run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000, s = 0;
  pid_t child = -1;
  if (argc > 2 && strcmp(argv[2], "2") == 0) child = fork();
  for (long i = 0; i < n; i++) s += syscall(SYS_getpid) != 0;
  if (child == 0) return s == n ? 0 : 1;
  int status = 0;
  if (child > 0 && waitpid(child, &status, 0) != child) return 2;
  printf("%ld %d\n", s, status);
  return 0;
}
