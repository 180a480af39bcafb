/* Job control on a pseudo-terminal: a session leader L takes the pty as its controlling
 * terminal and runs jobs in process groups of its own — ^C and ^Z typed at the master reach the
 * foreground group (WIFSIGNALED, WIFSTOPPED), a background read stops with SIGTTIN and goes on
 * in the foreground after SIGCONT (WCONTINUED), a background write with TOSTOP stops with
 * SIGTTOU, a read with SIGTTIN ignored is EIO, TIOCSWINSZ sends SIGWINCH, tcsetpgrp's errors,
 * SIGHUP to a session leader when its terminal's master closes, and SIGHUP to the foreground
 * group when the session leader exits.
 *
 * Only L prints (main waits for it). qemu-user stops a process on SIGTSTP/SIGTTIN/SIGTTOU by
 * sending itself SIGSTOP, so those stops print as "a stop signal" unless the argument is "linux". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int linux_only;

static const char *en(int e) {
  switch (e) {
  case 0: return "ok";
  case EIO: return "EIO";
  case ENOTTY: return "ENOTTY";
  case EPERM: return "EPERM";
  case ESRCH: return "ESRCH";
  case EINVAL: return "EINVAL";
  case ENXIO: return "ENXIO";
  default: return strerror(e);
  }
}

static void show(const char *what, int st) {
  if (WIFSTOPPED(st)) {
    int s = WSTOPSIG(st);
    if (s == SIGSTOP || linux_only) printf("%s: stopped by %d\n", what, s);
    else printf("%s: stopped by a stop signal\n", what);
  } else if (WIFCONTINUED(st)) printf("%s: continued\n", what);
  else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", what, WTERMSIG(st));
  else if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
}

/* Drop what the master holds (echoes), waiting a moment for bytes Linux is still moving. */
static void drain(int m) {
  char buf[256];
  for (;;) {
    struct pollfd p = { m, POLLIN, 0 };
    if (poll(&p, 1, 0) <= 0) break;
    if (read(m, buf, sizeof buf) <= 0) break;
  }
}

/* A job: a child in its own group that runs `fn`; `fg` puts it in the foreground first. The
 * child waits on a pipe until the parent has placed it. */
static pid_t job(int tty, int fg, int (*fn)(int), int arg) {
  int p[2];
  pipe(p);
  pid_t c = fork();
  if (c == 0) {
    setpgid(0, 0);
    signal(SIGTTOU, SIG_DFL);
    char x;
    close(p[1]);
    read(p[0], &x, 1);
    _exit(fn(arg));
  }
  setpgid(c, c);
  if (fg) tcsetpgrp(tty, c);
  close(p[0]);
  write(p[1], "g", 1);
  close(p[1]);
  return c;
}

static int fd_tty;
static int wait_forever(int a) { (void)a; for (;;) pause(); }
static int read_line(int a) {
  (void)a;
  char b[32];
  ssize_t n = read(fd_tty, b, sizeof b);
  return n < 0 ? 100 + (errno == EIO) : (int)n;
}
static int read_ignoring(int a) {
  (void)a;
  signal(SIGTTIN, SIG_IGN);
  char b[8];
  ssize_t n = read(fd_tty, b, sizeof b);
  return n < 0 && errno == EIO ? 5 : 6;
}
static int write_one(int a) {
  (void)a;
  return (int)write(fd_tty, "w", 1);
}
static volatile sig_atomic_t winched;
static void on_winch(int s) { (void)s; winched = 1; }
static int wait_winch(int a) {
  (void)a;
  while (!winched) pause();
  return 28;
}

static void take_back(int tty) {
  if (tcsetpgrp(tty, getpgrp()) != 0) printf("take back: %s\n", en(errno));
}

static int leader(int m, const char *name) {
  int st;
  setsid();
  signal(SIGTTOU, SIG_IGN); /* L changes the terminal from the background, as shells do */
  printf("/dev/tty before: %s\n", open("/dev/tty", O_RDWR) < 0 ? en(errno) : "opened");
  fd_tty = open(name, O_RDWR);
  printf("controlling terminal: fg is us %d\n", tcgetpgrp(fd_tty) == getpid());
  /* qemu-user 7.2 does not pass TIOCGSID on. */
  if (linux_only) printf("sid is us %d\n", tcgetsid(fd_tty) == getpid());
  int t2 = open("/dev/tty", O_RDWR);
  printf("/dev/tty after: %s\n", t2 < 0 ? en(errno) : "opened");
  close(t2);

  /* tcsetpgrp's errors. */
  printf("tcsetpgrp(no such group): %s\n", tcsetpgrp(fd_tty, 0x7ffffff0) < 0 ? en(errno) : "ok");
  printf("tcsetpgrp(another session's group): %s\n", tcsetpgrp(fd_tty, getpgid(getppid())) < 0 ? en(errno) : "ok");
  printf("tcsetpgrp(-1): %s\n", tcsetpgrp(fd_tty, -1) < 0 ? en(errno) : "ok");

  /* ^C to the foreground job. */
  pid_t c = job(fd_tty, 1, wait_forever, 0);
  write(m, "\x03", 1);
  waitpid(c, &st, 0);
  show("^C", st);
  take_back(fd_tty);
  drain(m);

  /* ^Z stops it; SIGCONT continues it. */
  c = job(fd_tty, 1, wait_forever, 0);
  write(m, "\x1a", 1);
  waitpid(c, &st, WUNTRACED);
  show("^Z", st);
  take_back(fd_tty);
  kill(-c, SIGCONT);
  waitpid(c, &st, WCONTINUED);
  show("SIGCONT", st);
  kill(c, SIGKILL);
  waitpid(c, &st, 0);
  drain(m);

  /* A background read stops on SIGTTIN; in the foreground and continued, it reads. */
  c = job(fd_tty, 0, read_line, 0);
  waitpid(c, &st, WUNTRACED);
  show("background read", st);
  tcsetpgrp(fd_tty, c);
  kill(-c, SIGCONT);
  write(m, "data\n", 5);
  waitpid(c, &st, 0);
  show("read in the foreground", st);
  take_back(fd_tty);
  drain(m);

  /* SIGTTIN ignored: EIO. */
  c = job(fd_tty, 0, read_ignoring, 0);
  waitpid(c, &st, 0);
  show("background read, SIGTTIN ignored (5: EIO)", st);

  /* Background writes: fine without TOSTOP, SIGTTOU with it. */
  c = job(fd_tty, 0, write_one, 0);
  waitpid(c, &st, 0);
  show("background write", st);
  struct termios t;
  tcgetattr(fd_tty, &t);
  t.c_lflag |= TOSTOP;
  tcsetattr(fd_tty, TCSANOW, &t);
  c = job(fd_tty, 0, write_one, 0);
  waitpid(c, &st, WUNTRACED);
  show("background write with TOSTOP", st);
  kill(c, SIGKILL);
  waitpid(c, &st, 0);
  t.c_lflag &= ~TOSTOP;
  tcsetattr(fd_tty, TCSANOW, &t);
  drain(m);

  /* TIOCSWINSZ: SIGWINCH to the foreground group. */
  signal(SIGWINCH, on_winch);
  c = job(fd_tty, 1, wait_winch, 0);
  struct winsize w = { 30, 100, 0, 0 };
  ioctl(m, TIOCSWINSZ, &w);
  waitpid(c, &st, 0);
  show("SIGWINCH", st);
  take_back(fd_tty);

  /* A session leader on another pty gets SIGHUP when the master closes. */
  int m2 = posix_openpt(O_RDWR | O_NOCTTY);
  grantpt(m2);
  unlockpt(m2);
  char name2[64];
  strcpy(name2, ptsname(m2));
  int p[2];
  pipe(p);
  c = fork();
  if (c == 0) {
    close(m2);
    setsid();
    int s = open(name2, O_RDWR);
    write(p[1], s >= 0 && tcgetpgrp(s) == getpid() ? "y" : "n", 1);
    for (;;) pause();
  }
  char x = 0;
  read(p[0], &x, 1);
  printf("second pty acquired: %c\n", x);
  close(m2);
  waitpid(c, &st, 0);
  show("master closed", st);

  /* The session leader exits: its foreground group gets SIGHUP. */
  int q[2];
  pipe(q);
  c = fork();
  if (c == 0) {
    int m3 = posix_openpt(O_RDWR | O_NOCTTY);
    grantpt(m3);
    unlockpt(m3);
    setsid();
    int s = open(ptsname(m3), O_RDWR);
    int r[2];
    pipe(r);
    pid_t g = fork();
    if (g == 0) {
      close(r[0]);
      signal(SIGHUP, SIG_DFL);
      write(r[1], "r", 1);
      for (;;) pause(); /* dies of SIGHUP: q's write end closes with it */
    }
    char y;
    close(r[1]);
    read(r[0], &y, 1);
    (void)s;
    _exit(0); /* the leader goes; m3 closes too, after the SIGHUP */
  }
  close(q[1]);
  waitpid(c, &st, 0);
  show("session leader", st);
  char b;
  printf("foreground member gone: read %d\n", (int)read(q[0], &b, 1));
  return 0;
}

int main(int argc, char **argv) {
  linux_only = argc > 1 && strcmp(argv[1], "linux") == 0;
  setvbuf(stdout, NULL, _IONBF, 0);
  int m = posix_openpt(O_RDWR | O_NOCTTY);
  if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0) return 1;
  char name[64];
  strcpy(name, ptsname(m));
  pid_t l = fork();
  if (l == 0) _exit(leader(m, name));
  int st;
  waitpid(l, &st, 0);
  show("leader", st);
  return 0;
}
