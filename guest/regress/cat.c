/* Copies standard input to standard output with read/write until end of input, then prints
 * the byte count on standard error. */
#include <unistd.h>
#include <stdio.h>
int main(void) {
  char buf[256];
  long total = 0;
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0) { perror("read"); return 1; }
    if (n == 0) break;
    if (write(1, buf, n) != n) return 2;
    total += n;
  }
  fprintf(stderr, "%ld bytes\n", total);
  return 0;
}
