/* Processes: fork, vfork, execve, exit, wait4/waitpid/waitid, kill between processes, the ids
 * of parent and child, copy-on-write memory. Prints only what is the same on every Linux (no
 * pid values, no timing). Under qemu-user a program cannot execve another PowerPC program
 * without binfmt_misc, so when QEMU_WRAP names the qemu binary the exec goes through it
 * (qemu's -0 keeps argv[0]); under k42 the exec is direct. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void xexecv(const char *path, char *const argv[]) {
  const char *wrap = getenv("QEMU_WRAP");
  if (wrap != NULL) {
    char *v[16];
    int n = 0;
    v[n++] = (char *)wrap;
    v[n++] = "-0";
    v[n++] = argv[0];
    v[n++] = (char *)path;
    for (int i = 1; argv[i] != NULL && n < 15; i++) v[n++] = argv[i];
    v[n] = NULL;
    execv(wrap, v);
  } else {
    execv(path, argv);
  }
  printf("execv failed: %s\n", strerror(errno));
  _exit(127);
}

static void report(const char *what, int status) {
  if (WIFEXITED(status)) printf("%-28s exited %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("%-28s killed by signal %d\n", what, WTERMSIG(status));
  else if (WIFSTOPPED(status)) printf("%-28s stopped by signal %d\n", what, WSTOPSIG(status));
  else printf("%-28s status 0x%x\n", what, status);
}

static volatile int chld_count;
static void on_chld_count(int sig) { (void)sig; chld_count++; }

static int big[1 << 18]; /* 1 MiB of private memory */

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "child") == 0) {
    printf("exec'd child: argc %d argv[2] %s\n", argc, argc > 2 ? argv[2] : "(none)");
    fflush(stdout);
    return 42;
  }
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t me = getpid();
  int status;

  /* 1. fork, exit code, wait */
  pid_t c = fork();
  if (c == 0) _exit(3);
  printf("waitpid returns the child: %s\n", waitpid(c, &status, 0) == c ? "yes" : "no");
  report("fork + _exit(3)", status);

  /* 2. copy-on-write */
  int x = 1;
  big[12345] = 7;
  c = fork();
  if (c == 0) {
    x = 2;
    big[12345] = 8;
    for (int i = 0; i < (1 << 18); i += 1024) big[i] = i;
    printf("child sees x=%d big=%d, parent is its parent: %s\n", x, big[12345], getppid() == me ? "yes" : "no");
    exit(0);
  }
  waitpid(c, &status, 0);
  printf("parent after child wrote: x=%d big=%d big[1024]=%d\n", x, big[12345], big[1024]);

  /* 3. no children */
  errno = 0;
  printf("waitpid(-1) with no child: %d %s\n", (int)waitpid(-1, &status, 0), strerror(errno));

  /* 4. WNOHANG with a running child, then kill */
  c = fork();
  if (c == 0) for (;;) sched_yield();
  printf("WNOHANG while it runs: %d\n", (int)waitpid(c, &status, WNOHANG));
  printf("kill(child, SIGTERM): %d\n", kill(c, SIGTERM));
  waitpid(c, &status, 0);
  report("child killed", status);
  errno = 0;
  printf("kill(reaped child, 0): %d %s\n", kill(c, 0), strerror(errno));
  printf("kill(self, 0): %d\n", kill(0, 0));

  /* 5. a child dying of a fault */
  c = fork();
  if (c == 0) {
    *(volatile int *)16 = 1;
    _exit(0);
  }
  waitpid(c, &status, 0);
  printf("%-28s killed by signal %d\n", "child faults", WIFSIGNALED(status) ? WTERMSIG(status) : -1);

  /* 6. several children reaped in another order than they were made */
  pid_t kids[3];
  for (int i = 0; i < 3; i++) {
    kids[i] = fork();
    if (kids[i] == 0) _exit(10 + i);
  }
  for (int i = 2; i >= 0; i--) {
    pid_t got = waitpid(kids[i], &status, 0);
    printf("child %d: right pid %s, exit %d\n", i, got == kids[i] ? "yes" : "no", WEXITSTATUS(status));
  }

  /* 7. wait4 with rusage, waitid */
  c = fork();
  if (c == 0) _exit(5);
  struct rusage ru;
  memset(&ru, 0xff, sizeof ru);
  printf("wait4 with rusage: right pid %s", wait4(c, &status, 0, &ru) == c ? "yes" : "no");
  printf(", exit %d, ru_nvcsw sane %s\n", WEXITSTATUS(status), ru.ru_nsignals == 0 ? "yes" : "no");
  c = fork();
  if (c == 0) _exit(6);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  printf("waitid: %d", waitid(P_PID, c, &si, WEXITED));
  printf(" signo %d code %d pid right %s status %d\n", si.si_signo, si.si_code, si.si_pid == c ? "yes" : "no", si.si_status);
  errno = 0;
  printf("waitid without WEXITED etc: %d %s\n", waitid(P_ALL, 0, &si, 0), strerror(errno));

  /* 8. process groups and sessions */
  c = fork();
  if (c == 0) {
    printf("child: setpgid(0,0) %d, leads its group %s\n", setpgid(0, 0), getpgid(0) == getpid() ? "yes" : "no");
    errno = 0;
    printf("child: setsid as group leader %d %s\n", (int)setsid(), strerror(errno));
    _exit(0);
  }
  waitpid(c, &status, 0);
  c = fork();
  if (c == 0) {
    pid_t s = setsid();
    printf("child: setsid %s, getsid %s, pgid %s\n", s == getpid() ? "yes" : "no", getsid(0) == getpid() ? "yes" : "no", getpgrp() == getpid() ? "yes" : "no");
    errno = 0;
    printf("child: setpgid(0, parent's group) %d %s\n", setpgid(0, getpgid(me)), strerror(errno));
    _exit(0);
  }
  waitpid(c, &status, 0);
  errno = 0;
  printf("getpgid(no such pid) %d %s\n", (int)getpgid(999999), strerror(errno));

  /* 9. vfork */
  c = vfork();
  if (c == 0) _exit(7);
  waitpid(c, &status, 0);
  report("vfork + _exit(7)", status);

  /* 10. fork + exec */
  fflush(stdout);
  c = fork();
  if (c == 0) {
    char *v[] = {argv[0], "child", "hello", NULL};
    xexecv(argv[0], v);
  }
  waitpid(c, &status, 0);
  report("fork + exec", status);
  c = vfork();
  if (c == 0) {
    char *v[] = {argv[0], "child", "from-vfork", NULL};
    xexecv(argv[0], v);
  }
  waitpid(c, &status, 0);
  report("vfork + exec", status);
  errno = 0;
  char *none[] = {"nothing", NULL};
  printf("execv(no such file): %d %s\n", execv("/no/such/program", none), strerror(errno));
  errno = 0;
  printf("execv(a directory): %d %s\n", execv("/", none), strerror(errno));

  /* 11. SIGCHLD ignored, then SA_NOCLDWAIT: children are not left as zombies (the wait blocks
     until they are gone, then ECHILD); a handler with SA_NOCLDWAIT still runs */
  signal(SIGCHLD, SIG_IGN);
  for (int i = 0; i < 3; i++) if (fork() == 0) _exit(20 + i);
  errno = 0;
  printf("SIGCHLD ignored: wait %d %s\n", (int)wait(&status), strerror(errno));
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_chld_count;
  sa.sa_flags = SA_NOCLDWAIT;
  sigaction(SIGCHLD, &sa, NULL);
  c = fork();
  if (c == 0) _exit(30);
  errno = 0;
  int w = (int)waitpid(c, &status, 0);
  printf("SA_NOCLDWAIT: waitpid %d %s, handler ran %d\n", w, strerror(errno), chld_count);
  signal(SIGCHLD, SIG_DFL);
  c = fork();
  if (c == 0) _exit(31);
  printf("SIG_DFL again: waitpid right pid %s\n", waitpid(c, &status, 0) == c ? "yes" : "no");
  report("a zombie again", status);

  return 0;
}
