/* mprotect with a second thread using the page: a reader thread loops over page P while the
   main thread flips P between read-only and read-write N times (argv[1]); on Linux each flip
   that takes a permission away must shoot down the reader's TLB entry. Prints N. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

static volatile int stop;
static volatile char *page;

static void *reader(void *arg) {
  (void)arg;
  long sum = 0;
  while (!stop) sum += page[0];
  return (void *)sum;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000;
  page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  page[0] = 1;
  pthread_t t;
  pthread_create(&t, 0, reader, 0);
  for (long i = 0; i < n; i++) mprotect((void *)page, 4096, i % 2 == 0 ? PROT_READ : PROT_READ | PROT_WRITE);
  stop = 1;
  pthread_join(t, 0);
  printf("%ld\n", n);
  return 0;
}
