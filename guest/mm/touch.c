/* Touch N fresh pages of anonymous memory (each one a page fault served by the kernel's
   memory objects), check them, unmap them; prints nothing, exits 0 when every page held what
   was written. */
#include <stdlib.h>
#include <sys/mman.h>
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 256;
  long page = 4096;
  volatile char *p = mmap(0, n * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 2;
  for (long i = 0; i < n; i++) p[i * page] = (char)(i + 1);
  for (long i = 0; i < n; i++) if (p[i * page] != (char)(i + 1)) return 3;
  return munmap((void *)p, n * page) == 0 ? 0 : 4;
}
