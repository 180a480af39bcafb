/* A child subreaper adopts its orphaned grandchild, and the grandchild's parent-death signal
   comes when its parent ends (prctl PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG). qemu-user 7.2
   answers PR_SET/GET_CHILD_SUBREAPER with EINVAL ("TODO" in its prctl), so this program is
   checked against the host's own Linux: the test builds it natively too and compares. */
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_seen;
static void on_usr1(int sig) { (void)sig; usr1_seen = 1; }

static void report(const char *what, int status) {
  if (WIFEXITED(status)) printf("%-24s exited %d\n", what, WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("%-24s killed by signal %d\n", what, WTERMSIG(status));
  else printf("%-24s status %#x\n", what, status);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  pid_t me = getpid();
  int on = -1;
  prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0);
  printf("PR_GET_CHILD_SUBREAPER at start: %d\n", on);
  printf("PR_SET_CHILD_SUBREAPER: %d\n", prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
  int ready[2];
  if (pipe(ready) != 0) return 1;
  pid_t a = fork();
  if (a == 0) {
    int flag = -1;
    prctl(PR_GET_CHILD_SUBREAPER, &flag, 0, 0, 0);
    printf("middle child: subreaper flag not inherited: %s\n", flag == 0 ? "yes" : "no");
    if (fork() == 0) {
      signal(SIGUSR1, on_usr1);
      prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
      int sig = 0;
      prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
      printf("grandchild: PR_GET_PDEATHSIG %d\n", sig);
      if (write(ready[1], "r", 1) != 1) _exit(90);
      while (!usr1_seen) pause();
      printf("grandchild: parent-death signal seen, adopted by the subreaper: %s\n", getppid() == me ? "yes" : "no");
      _exit(7);
    }
    char c;
    if (read(ready[0], &c, 1) != 1) _exit(91);
    _exit(0);
  }
  int sa, sg;
  waitpid(a, &sa, 0);
  pid_t g = waitpid(-1, &sg, 0);
  report("the middle child", sa);
  printf("the subreaper waited for its grandchild: %s\n", g > 0 && g != a ? "yes" : "no");
  report("the adopted grandchild", sg);
  /* a forked child does not inherit the parent-death signal */
  prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
  if (fork() == 0) {
    int sig = -1;
    prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
    printf("a child's PR_GET_PDEATHSIG after the parent set one: %d\n", sig);
    _exit(0);
  }
  wait(NULL);
  return 0;
}
