/* A fork bomb held by the machine's caps (k42ts only: on the host it would take the machine
 * down). `bomb`: fork until fork fails, each child waiting to be killed; prints the errno and
 * whether at least a few forks worked, then kills and reaps every child.
 * `hog`: a child allocates and touches memory until it is killed; the parent reports how. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

static pid_t kids[100000];

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc > 1 && strcmp(argv[1], "hog") == 0) {
    pid_t c = fork();
    if (c == 0) {
      for (size_t total = 0;; total += 1 << 20) {
        char *p = malloc(1 << 20);
        if (p == NULL) { printf("malloc failed after %zu MiB\n", total >> 20); _exit(3); }
        memset(p, 1, 1 << 20);
      }
    }
    int st;
    waitpid(c, &st, 0);
    if (WIFSIGNALED(st)) printf("hog killed by signal %d\n", WTERMSIG(st));
    else printf("hog exited %d\n", WEXITSTATUS(st));
    printf("the parent lives on\n");
    return 0;
  }
  int n = 0;
  for (;;) {
    pid_t c = fork();
    if (c < 0) break;
    if (c == 0) for (;;) sched_yield();
    kids[n++] = c;
  }
  int e = errno;
  printf("fork failed: %s, after more than 10 children: %s\n", strerror(e), n > 10 ? "yes" : "no");
  for (int i = 0; i < n; i++) kill(kids[i], SIGKILL);
  int reaped = 0, st;
  while (wait(&st) > 0) reaped++;
  printf("reaped all: %s\n", reaped == n ? "yes" : "no");
  printf("%d\n", n);
  return 0;
}
