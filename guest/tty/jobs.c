/* Job control without a terminal: stop and continue signals between processes, and what the
 * parent sees of them — wait4 with WUNTRACED and WCONTINUED, waitid's CLD_STOPPED and
 * CLD_CONTINUED, SIGCHLD's si_code and si_status (and none with SA_NOCLDSTOP), a stopped
 * process killed, and the SIGHUP + SIGCONT an orphaned process group with a stopped member gets
 * when its last link to the session exits.
 *
 * Only the parent prints. qemu-user stops a process on SIGTSTP/SIGTTIN/SIGTTOU by sending its
 * host process SIGSTOP, so the stop signal a parent sees is SIGSTOP there; Linux reports the
 * signal itself. The exact signal of those stops is printed only with the argument "linux",
 * as is the count of SIGCHLDs under SA_NOCLDSTOP (qemu delivers them). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int linux_only;
static volatile sig_atomic_t chld_count, chld_code, chld_status;

static void on_chld(int sig, siginfo_t *si, void *uc) {
  (void)sig; (void)uc;
  chld_count++;
  chld_code = si->si_code;
  chld_status = si->si_status;
}

static const char *code_name(int c) {
  switch (c) {
  case CLD_EXITED: return "CLD_EXITED";
  case CLD_KILLED: return "CLD_KILLED";
  case CLD_DUMPED: return "CLD_DUMPED";
  case CLD_STOPPED: return "CLD_STOPPED";
  case CLD_CONTINUED: return "CLD_CONTINUED";
  default: return "?";
  }
}

static int stop_sig(int s) {
  if (s == SIGSTOP || linux_only) return s;
  return s == SIGTSTP || s == SIGTTIN || s == SIGTTOU ? -1 : s;
}

static void show(const char *what, int st) {
  if (WIFSTOPPED(st)) printf("%s: stopped by %d\n", what, stop_sig(WSTOPSIG(st)));
  else if (WIFCONTINUED(st)) printf("%s: continued (status 0x%x)\n", what, st);
  else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", what, WTERMSIG(st));
  else if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

/* The SIGCHLD of a change may come after the wait that saw it (Linux marks a continue at once,
 * the child tells its parent when it runs): wait for it. */
static void chld_seen(const char *what) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, &old);
  while (chld_count == 0) sigsuspend(&old);
  sigprocmask(SIG_SETMASK, &old, NULL);
  printf("%s: SIGCHLD x%d, %s, status %d\n", what, linux_only ? (int)chld_count : 1, code_name(chld_code),
         chld_code == CLD_STOPPED ? stop_sig(chld_status) : (int)chld_status);
  chld_count = 0;
}

/* A child in its own process group that waits for signals (pause) until killed. */
static pid_t sleeper(void) {
  pid_t c = fork();
  if (c == 0) {
    setpgid(0, 0);
    for (;;) pause();
  }
  setpgid(c, c);
  return c;
}

static void hup_exit(int sig) { (void)sig; _exit(42); }

int main(int argc, char **argv) {
  linux_only = argc > 1 && strcmp(argv[1], "linux") == 0;
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_chld;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGCHLD, &sa, NULL);

  int st;
  pid_t c = sleeper();
  kill(c, SIGSTOP);
  pid_t r = waitpid(c, &st, WUNTRACED);
  printf("waitpid -> %s\n", r == c ? "child" : strerror(errno));
  show("SIGSTOP", st);
  chld_seen("stop");
  /* Reported once: a second WUNTRACED|WNOHANG finds nothing. */
  r = waitpid(c, &st, WUNTRACED | WNOHANG);
  printf("again: %d\n", (int)r);

  kill(c, SIGCONT);
  r = waitpid(c, &st, WCONTINUED);
  printf("waitpid -> %s\n", r == c ? "child" : strerror(errno));
  show("SIGCONT", st);
  chld_seen("continue");
  r = waitpid(c, &st, WCONTINUED | WNOHANG);
  printf("again: %d\n", (int)r);

  /* A terminal stop signal sent by kill (the group is not orphaned: we are its link). */
  kill(c, SIGTSTP);
  r = waitpid(c, &st, WUNTRACED);
  show("SIGTSTP", st);
  chld_seen("tstp");

  /* waitid sees the continue, leaving it with WNOWAIT. */
  kill(c, SIGCONT);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int w = waitid(P_PID, c, &si, WCONTINUED | WNOWAIT);
  printf("waitid -> %d: %s status %d pid ok %d\n", w, code_name(si.si_code), si.si_status, si.si_pid == c);
  memset(&si, 0, sizeof si);
  w = waitid(P_PID, c, &si, WCONTINUED);
  printf("waitid again -> %d: %s\n", w, code_name(si.si_code));
  chld_seen("continue 2");

  /* With SA_NOCLDSTOP no SIGCHLD for stops and continues; the waits still see them. */
  sa.sa_flags |= SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  kill(c, SIGSTOP);
  r = waitpid(c, &st, WUNTRACED);
  show("SIGSTOP (SA_NOCLDSTOP)", st);
  kill(c, SIGCONT);
  r = waitpid(c, &st, WCONTINUED);
  show("SIGCONT (SA_NOCLDSTOP)", st);
  /* qemu-user 7.2 delivers a SIGCHLD for these all the same (its host handler knows no
   * SA_NOCLDSTOP): printed for Linux only. */
  if (linux_only) printf("SIGCHLDs with SA_NOCLDSTOP: %d\n", (int)chld_count);
  chld_count = 0;

  /* SIGTERM to a stopped process waits for the continue; SIGKILL does not. */
  kill(c, SIGSTOP);
  waitpid(c, &st, WUNTRACED);
  kill(c, SIGTERM); /* pending while stopped */
  r = waitpid(c, &st, WNOHANG);
  printf("SIGTERM while stopped: %d\n", (int)r);
  kill(c, SIGCONT);
  r = waitpid(c, &st, 0);
  show("SIGTERM after SIGCONT", st);
  /* qemu-user delivers the stop and continue SIGCHLDs that SA_NOCLDSTOP should have
   * suppressed, some after this wait: the last one's code is Linux's only. */
  if (linux_only) chld_seen("exit");

  c = sleeper();
  kill(c, SIGSTOP);
  waitpid(c, &st, WUNTRACED);
  kill(c, SIGKILL);
  r = waitpid(c, &st, 0);
  show("SIGKILL while stopped", st);

  /* The orphaned group: A leads a group with its child B; B stops; A exits, which orphans the
   * group (B's new parent is init), so B gets SIGHUP then SIGCONT. B tells us through a pipe. */
  int p[2];
  if (pipe(p) != 0) return 1;
  pid_t a = fork();
  if (a == 0) {
    setpgid(0, 0);
    pid_t b = fork();
    if (b == 0) {
      signal(SIGHUP, hup_exit); /* the handler writes nothing; its exit shows it ran */
      close(p[0]);
      raise(SIGSTOP);
      /* Continued after the SIGHUP: the handler ran first and exited. */
      write(p[1], "no hup\n", 7);
      _exit(0);
    }
    close(p[1]);
    waitpid(b, &st, WUNTRACED);
    _exit(WIFSTOPPED(st) ? 0 : 1);
  }
  close(p[1]);
  r = waitpid(a, &st, 0);
  show("group leader", st);
  char buf[32];
  ssize_t n = read(p[0], buf, sizeof buf); /* end of file when B is gone */
  printf("orphaned and stopped: read %d\n", (int)n);
  return 0;
}
