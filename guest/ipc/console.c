/* The console in poll and select (k42ts only: under qemu the streams are whatever the host
 * gives): standard output and error are writable; standard input is readable when the host
 * input has bytes or has ended, and a poll waits for it. Echoes its input to standard output,
 * reports on standard error. */
#include "../fs/common.h"
#include <poll.h>
#include <sys/select.h>

int main(void) {
  struct pollfd o[2] = { { 1, POLLOUT, 0 }, { 2, POLLIN | POLLOUT, 0 } };
  int n = poll(o, 2, 0);
  fprintf(stderr, "stdout and stderr: %d: %#x %#x\n", n, o[0].revents, o[1].revents);
  char buf[256];
  long total = 0;
  int polls = 0, every = 1;
  for (;;) {
    struct pollfd i = { 0, POLLIN, 0 };
    n = poll(&i, 1, -1);
    polls++;
    if (n != 1 || i.revents != POLLIN) every = 0;
    long r = read(0, buf, sizeof buf);
    if (r <= 0) break;
    fwrite(buf, 1, (size_t)r, stdout);
    total += r;
  }
  fprintf(stderr, "%ld bytes; every poll found input or its end: %d\n", total, every);
  fd_set s;
  FD_ZERO(&s);
  FD_SET(0, &s);
  struct timeval tv = { 0, 0 };
  n = select(1, &s, NULL, NULL, &tv);
  fprintf(stderr, "select stdin at its end: %d, set %d\n", n, FD_ISSET(0, &s) != 0);
  return 0;
}
