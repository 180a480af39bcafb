/* Stale translations (regression cases): each case ends with SIGSEGV, as on Linux.
 *   munmapped   code made, called, the page unmapped, called again
 *   mprotected  code made, called, the page made read-only, called again
 *   brkstale    heap grown and touched, shrunk, a new mapping filled, a store through the old
 *               heap pointer (must not land in the new mapping) */
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>

typedef long (*fn_t)(void);

static fn_t make(uint32_t *page, int value) {
  page[0] = 0x38600000u | (uint32_t)value; /* li r3, value */
  page[1] = 0x4e800020u;                   /* blr */
  __builtin___clear_cache((char *)page, (char *)(page + 2));
#if defined(__powerpc64__) && (!defined(_CALL_ELF) || _CALL_ELF == 1)
  static uint64_t desc[3];
  desc[0] = (uint64_t)(uintptr_t)page;
  desc[1] = 0;
  desc[2] = 0;
  return (fn_t)(void *)desc;
#else
  return (fn_t)(void *)page;
#endif
}

int main(int argc, char **argv) {
  const char *how = argc > 1 ? argv[1] : "";
  long ps = sysconf(_SC_PAGESIZE);
  if (strcmp(how, "munmapped") == 0 || strcmp(how, "mprotected") == 0) {
    uint32_t *p = mmap(0, ps, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fn_t f = make(p, 42);
    printf("first call %ld\n", f());
    fflush(stdout);
    if (how[1] == 'u') munmap(p, ps);
    else mprotect(p, ps, PROT_READ);
    printf("second call %ld\n", f());
    return 1;
  }
  if (strcmp(how, "brkstale") == 0) {
    char *old = sbrk(0);
    if (sbrk(65536) == (void *)-1) return 2;
    memset(old, 0x11, 65536);
    sbrk(-65536);
    char *m = mmap(0, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 0x22, 65536);
    printf("heap shrunk, new mapping filled\n");
    fflush(stdout);
    for (int i = 0; i < 65536; i += 4096) old[i] = 0x33; /* must fault at once */
    int bad = 0;
    for (int i = 0; i < 65536; i++) bad += m[i] != 0x22;
    printf("store through the stale heap pointer did not fault; %d bytes of the new mapping changed\n", bad);
    return 1;
  }
  printf("usage: stale munmapped|mprotected|brkstale\n");
  return 2;
}
