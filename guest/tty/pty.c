/* A pseudo-terminal pair opened by hand (posix_openpt, grantpt, unlockpt, ptsname), and its
 * line discipline seen from both sides: the default settings, canonical mode with its editing
 * characters and their echoes, end of file, raw mode, VMIN/VTIME, output processing, FIONREAD,
 * window size, poll readiness, and the ends: EIO on the master once the slave closed, and the
 * slave after the master closed. Prints what it sees, bytes escaped. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static void esc(const char *what, const char *b, ssize_t n) {
  printf("%s (%d): \"", what, (int)n);
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = b[i];
    if (c == '\n') printf("\\n");
    else if (c == '\r') printf("\\r");
    else if (c == '\b') printf("\\b");
    else if (c < 32 || c >= 127) printf("\\x%02x", c);
    else putchar(c);
  }
  printf("\"\n");
}

static const char *en(int e) {
  switch (e) {
  case 0: return "ok";
  case EIO: return "EIO";
  case EAGAIN: return "EAGAIN";
  case ENOTTY: return "ENOTTY";
  case EINVAL: return "EINVAL";
  case ENXIO: return "ENXIO";
  case EBADF: return "EBADF";
  default: return strerror(e);
  }
}

/* What the master gets, until it ends with `end` ("": whatever is there now). Linux moves a
 * pty's bytes to the other side from a work queue, a moment after the write: wait for them (a
 * second at most, never reached when they come). */
static void drain(int m, const char *what, const char *end) {
  char buf[512];
  ssize_t n = 0;
  size_t el = strlen(end);
  for (;;) {
    struct pollfd p = { m, POLLIN, 0 };
    if (poll(&p, 1, el == 0 ? 0 : 1000) <= 0) break;
    ssize_t r = read(m, buf + n, sizeof buf - n);
    if (r <= 0) break;
    n += r;
    if (el > 0 && (size_t)n >= el && memcmp(buf + n - el, end, el) == 0) break;
  }
  esc(what, buf, n);
}

/* Wait until `fd` is readable (the bytes written to the other side have arrived). */
static void arrived(int fd) {
  struct pollfd p = { fd, POLLIN, 0 };
  poll(&p, 1, 1000);
}

static void slave_read(int s, const char *what) {
  char buf[256];
  ssize_t n = read(s, buf, sizeof buf);
  if (n < 0) printf("%s: %s\n", what, en(errno));
  else esc(what, buf, n);
}

static int open_pair(int *m, char *name) {
  *m = posix_openpt(O_RDWR | O_NOCTTY);
  if (*m < 0) return -1;
  if (grantpt(*m) != 0 || unlockpt(*m) != 0) return -1;
  strcpy(name, ptsname(*m));
  return open(name, O_RDWR | O_NOCTTY);
}

static void put(int m, const char *s) {
  if (write(m, s, strlen(s)) != (ssize_t)strlen(s)) printf("short write\n");
}

static const char *revents(short r) {
  static char b[64];
  b[0] = 0;
  if (r & POLLIN) strcat(b, "IN ");
  if (r & POLLOUT) strcat(b, "OUT ");
  if (r & POLLHUP) strcat(b, "HUP ");
  if (r & POLLERR) strcat(b, "ERR ");
  return b;
}

static void poll1(int fd, const char *what) {
  struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
  int r = poll(&p, 1, 0);
  printf("poll %s: %d %s\n", what, r, revents(p.revents));
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  /* A locked slave cannot be opened. */
  int m0 = posix_openpt(O_RDWR | O_NOCTTY);
  int s0 = open(ptsname(m0), O_RDWR | O_NOCTTY);
  printf("open while locked: %s\n", s0 < 0 ? en(errno) : "opened");
  poll1(m0, "master before the slave opens");
  close(m0);

  int m;
  char name[64];
  int s = open_pair(&m, name);
  if (s < 0) {
    printf("open_pair: %s\n", en(errno));
    return 1;
  }
  unsigned n = 999;
  ioctl(m, TIOCGPTN, &n);
  char expect[64];
  snprintf(expect, sizeof expect, "/dev/pts/%u", n);
  printf("ptsname is /dev/pts/<TIOCGPTN>: %d, isatty %d %d\n", strcmp(name, expect) == 0, isatty(s), isatty(m));
  printf("TIOCGPTN on the slave: %s\n", ioctl(s, TIOCGPTN, &n) < 0 ? en(errno) : "ok");
  printf("tcgetpgrp on a terminal that is not ours: %s\n", tcgetpgrp(s) < 0 ? en(errno) : "ok");

  struct termios t;
  tcgetattr(s, &t);
  printf("defaults: iflag %o oflag %o cflag %o lflag %o\n", t.c_iflag, t.c_oflag, t.c_cflag, t.c_lflag);
  printf("cc: intr %d quit %d erase %d kill %d eof %d min %d time %d susp %d werase %d lnext %d\n",
         t.c_cc[VINTR], t.c_cc[VQUIT], t.c_cc[VERASE], t.c_cc[VKILL], t.c_cc[VEOF], t.c_cc[VMIN], t.c_cc[VTIME],
         t.c_cc[VSUSP], t.c_cc[VWERASE], t.c_cc[VLNEXT]);
  printf("speed %d\n", (int)cfgetospeed(&t) == B38400);

  /* Canonical mode: lines, echoes, editing. */
  put(m, "hello\n");
  slave_read(s, "line");
  drain(m, "echo", "\r\n");
  put(m, "abc\x7f" "d\x15xy\n");
  slave_read(s, "erase and kill");
  drain(m, "echo", "\r\n");
  put(m, "one two\x17three\n");
  slave_read(s, "word erase");
  drain(m, "echo", "\r\n");
  put(m, "\x01\x16\x03\tz\n");
  slave_read(s, "control and literal");
  drain(m, "echo", "\r\n");
  put(m, "ab\x04");
  slave_read(s, "eof after text");
  put(m, "\x04");
  slave_read(s, "eof alone");
  put(m, "abc\ndef\n");
  arrived(s);
  int avail = -1;
  ioctl(s, FIONREAD, &avail);
  printf("FIONREAD slave: %d\n", avail);
  poll1(s, "slave with lines");
  char small[3];
  ssize_t r = read(s, small, 2);
  esc("read 2 of a line", small, r);
  slave_read(s, "rest of the line");
  slave_read(s, "next line");
  drain(m, "echo", "\r\n");
  poll1(s, "slave empty");
  put(m, "partial");
  drain(m, "echo", "partial");
  poll1(s, "slave with a partial line");

  /* Output processing. */
  put(s, "out\n\tx\r\n");
  arrived(m);
  ioctl(m, FIONREAD, &avail);
  printf("FIONREAD master: %d\n", avail);
  poll1(m, "master with output");
  drain(m, "onlcr", "\r\r\n");

  /* No echo; ECHONL. */
  tcgetattr(s, &t);
  t.c_lflag &= ~ECHO;
  t.c_lflag |= ECHONL;
  tcsetattr(s, TCSANOW, &t);
  put(m, "\nsecret\n");
  slave_read(s, "partial line ended");
  slave_read(s, "no echo");
  drain(m, "echonl", "\r\n\r\n");

  /* Raw mode: bytes as they come, VMIN/VTIME. */
  cfmakeraw(&t);
  t.c_cc[VMIN] = 1;
  t.c_cc[VTIME] = 0;
  tcsetattr(s, TCSANOW, &t);
  put(m, "x\ry\x03");
  slave_read(s, "raw");
  put(s, "a\nb");
  drain(m, "raw output", "a\nb");
  t.c_cc[VMIN] = 0;
  tcsetattr(s, TCSANOW, &t);
  slave_read(s, "VMIN 0 VTIME 0, nothing");
  t.c_cc[VTIME] = 1;
  tcsetattr(s, TCSANOW, &t);
  slave_read(s, "VMIN 0 VTIME 1, nothing");
  t.c_cc[VMIN] = 3;
  t.c_cc[VTIME] = 0;
  tcsetattr(s, TCSANOW, &t);
  put(m, "12345");
  slave_read(s, "VMIN 3 with 5");
  drain(m, "nothing echoed", "");
  t.c_lflag |= ICANON | ECHO;
  tcsetattr(s, TCSAFLUSH, &t);
  put(m, "flushed?\n");
  arrived(s);
  tcflush(s, TCIFLUSH);
  ioctl(s, FIONREAD, &avail);
  printf("after TCIFLUSH: %d\n", avail);
  drain(m, "echo before the flush", "\n");

  /* Window size. */
  struct winsize w = { 24, 80, 0, 0 }, g;
  ioctl(m, TIOCSWINSZ, &w);
  memset(&g, 0, sizeof g);
  ioctl(s, TIOCGWINSZ, &g);
  printf("winsize %dx%d\n", g.ws_row, g.ws_col);

  /* The ends. */
  close(s);
  poll1(m, "master after the slave closed");
  char b[8];
  r = read(m, b, sizeof b);
  printf("master read: %s\n", r < 0 ? en(errno) : "data");

  int m2;
  int s2 = open_pair(&m2, name);
  put(s2, "left\n");
  arrived(m2);
  close(m2);
  poll1(s2, "slave after the master closed");
  r = read(s2, b, sizeof b);
  printf("slave read: %d %s\n", (int)r, r < 0 ? en(errno) : "");
  r = write(s2, "x", 1);
  printf("slave write: %d %s\n", (int)r, r < 0 ? en(errno) : "");
  close(s2);
  close(m);
  printf("ioctl TCGETS on a pipe: ");
  int p[2];
  pipe(p);
  printf("%s\n", tcgetattr(p[0], &t) < 0 ? en(errno) : "ok");
  return 0;
}
