#define _GNU_SOURCE
/* Record locks and flock between processes: conflicts seen by another process (EAGAIN,
   F_GETLK naming the holder), F_SETLKW waiting until the holder lets go, deadlock detection
   (EDEADLK), locks dropped at the holder's exit and when it closes any descriptor of the file,
   OFD locks held by a description shared across fork, flock per open file description. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

static char path[] = "/tmp/k42-locks-XXXXXX";

static int lk(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock fl = { .l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len };
  return fcntl(fd, cmd, &fl) == 0 ? 0 : -errno;
}

static const char *res(int r) { return r == 0 ? "ok" : strerror(-r); }

/* A pipe to say "ready" from one process to the other. */
static int sync_r, sync_w, back_r, back_w;
static void say(int fd) { char c = 'x'; if (write(fd, &c, 1) != 1) _exit(99); }
static void hear(int fd) { char c; if (read(fd, &c, 1) != 1) _exit(98); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int fd = mkstemp(path);
  if (fd < 0) { perror("mkstemp"); return 1; }
  if (write(fd, "0123456789abcdefghij", 20) != 20) return 1;
  int p1[2], p2[2];
  if (pipe(p1) || pipe(p2)) return 1;
  sync_r = p1[0]; sync_w = p1[1]; back_r = p2[0]; back_w = p2[1];
  pid_t me = getpid();

  /* 1. a write lock conflicts in another process; F_GETLK names the holder */
  printf("parent F_SETLK write [0,10): %s\n", res(lk(fd, F_SETLK, F_WRLCK, 0, 10)));
  pid_t c = fork();
  if (c == 0) {
    int f = open(path, O_RDWR);
    printf("child F_SETLK write [5,15): %s\n", res(lk(f, F_SETLK, F_WRLCK, 5, 15)));
    printf("child F_SETLK read [10,20): %s\n", res(lk(f, F_SETLK, F_RDLCK, 10, 10)));
    struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    fcntl(f, F_GETLK, &q);
    printf("child F_GETLK: type %s start %ld len %ld holder is parent %s\n", q.l_type == F_WRLCK ? "WR" : q.l_type == F_UNLCK ? "UN" : "RD",
           (long)q.l_start, (long)q.l_len, q.l_pid == me ? "yes" : "no");
    /* 2. F_SETLKW waits for the parent's unlock */
    say(sync_w);
    int r = lk(f, F_SETLKW, F_WRLCK, 0, 5);
    printf("child F_SETLKW [0,5) after the parent's unlock: %s\n", res(r));
    say(sync_w);
    hear(back_r); /* the parent tries while we hold it, then we exit holding it */
    _exit(0);
  }
  hear(sync_r);
  usleep(50000); /* the child is (most likely) waiting in F_SETLKW by now; it must wait either way */
  printf("parent unlocks [0,10)\n");
  int u = lk(fd, F_SETLK, F_UNLCK, 0, 10);
  hear(sync_r);
  printf("parent unlock: %s\n", res(u));
  printf("parent F_SETLK [0,5) while the child holds it: %s\n", res(lk(fd, F_SETLK, F_WRLCK, 0, 5)));
  say(back_w);
  int st;
  waitpid(c, &st, 0);
  /* 3. dropped at the holder's exit */
  printf("parent F_SETLK [0,5) after the child's exit: %s\n", res(lk(fd, F_SETLK, F_WRLCK, 0, 5)));
  lk(fd, F_SETLK, F_UNLCK, 0, 0);

  /* 4. deadlock: parent holds [0,1) and waits for [1,2); child holds [1,2) and asks for [0,1) */
  printf("parent holds [0,1): %s\n", res(lk(fd, F_SETLK, F_WRLCK, 0, 1)));
  c = fork();
  if (c == 0) {
    int f = open(path, O_RDWR);
    printf("child holds [1,2): %s\n", res(lk(f, F_SETLK, F_WRLCK, 1, 1)));
    say(sync_w);
    hear(back_r); /* the parent is waiting for [1,2) now */
    usleep(50000);
    printf("child F_SETLKW [0,1): %s\n", res(lk(f, F_SETLKW, F_WRLCK, 0, 1)));
    _exit(0); /* its [1,2) goes: the parent's wait ends */
  }
  hear(sync_r);
  say(back_w);
  printf("parent F_SETLKW [1,2): %s\n", res(lk(fd, F_SETLKW, F_WRLCK, 1, 1)));
  waitpid(c, &st, 0);
  lk(fd, F_SETLK, F_UNLCK, 0, 0);

  /* 5. closing any descriptor of the file drops the process's locks */
  c = fork();
  if (c == 0) {
    int f = open(path, O_RDWR), g = open(path, O_RDONLY);
    printf("child locks [0,20): %s\n", res(lk(f, F_SETLK, F_WRLCK, 0, 20)));
    close(g);
    say(sync_w);
    hear(back_r);
    _exit(0);
  }
  hear(sync_r);
  printf("parent F_SETLK after the child closed another fd: %s\n", res(lk(fd, F_SETLK, F_WRLCK, 0, 20)));
  say(back_w);
  waitpid(c, &st, 0);
  lk(fd, F_SETLK, F_UNLCK, 0, 0);

  /* 6. OFD locks belong to the description, which fork shares */
  int o = open(path, O_RDWR);
  printf("OFD lock [0,4): %s\n", res(lk(o, F_OFD_SETLK, F_WRLCK, 0, 4)));
  c = fork();
  if (c == 0) {
    printf("child, same description, OFD [0,4): %s\n", res(lk(o, F_OFD_SETLK, F_WRLCK, 0, 4)));
    int f = open(path, O_RDWR);
    printf("child, own description, OFD [0,4): %s\n", res(lk(f, F_OFD_SETLK, F_WRLCK, 0, 4)));
    _exit(0);
  }
  waitpid(c, &st, 0);
  close(o);

  /* 7. flock: per description; another description in another process conflicts */
  printf("flock LOCK_EX: %s\n", flock(fd, LOCK_EX | LOCK_NB) == 0 ? "ok" : strerror(errno));
  c = fork();
  if (c == 0) {
    printf("child flock on the inherited description: %s\n", flock(fd, LOCK_EX | LOCK_NB) == 0 ? "ok" : strerror(errno));
    int f = open(path, O_RDONLY);
    printf("child flock LOCK_SH on its own description: %s\n", flock(f, LOCK_SH | LOCK_NB) == 0 ? "ok" : strerror(errno));
    say(sync_w);
    printf("child flock LOCK_SH waits: %s\n", flock(f, LOCK_SH) == 0 ? "ok" : strerror(errno));
    _exit(0);
  }
  hear(sync_r);
  usleep(50000);
  printf("parent flock LOCK_UN\n");
  u = flock(fd, LOCK_UN);
  waitpid(c, &st, 0);
  printf("parent flock LOCK_UN: %s\n", u == 0 ? "ok" : strerror(errno));
  printf("child status %d\n", WEXITSTATUS(st));
  unlink(path);
  return 0;
}
