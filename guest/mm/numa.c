/* NUMA as Linux shows it, through the raw system calls (no libnuma): memory policies of the
   thread (set_mempolicy/get_mempolicy) and of a range (mbind), the node of each page
   (get_mempolicy MPOL_F_NODE|MPOL_F_ADDR, move_pages queries), page migration (move_pages,
   mbind MPOL_MF_MOVE), and the errors Linux gives. Run on 2 NUMA nodes. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_MF_MOVE 2
#define PAGES 16
/* Node masks of 8 bits (maxnode - 1 bits count): one long on every target. */
#define MAXNODE 9

static long page = 4096;

static void show(const char *what, long r) {
  if (r < 0) printf("%-34s -1 %s\n", what, strerrorname_np(errno));
  else printf("%-34s %ld\n", what, r);
}

static int node_of(void *p) {
  int node = -1;
  if (syscall(SYS_get_mempolicy, &node, 0, 0, p, MPOL_F_NODE | MPOL_F_ADDR) != 0) return -100 - errno;
  return node;
}

static void nodes_of(const char *what, char *base) {
  char line[PAGES + 1];
  for (int i = 0; i < PAGES; i++) line[i] = '0' + node_of(base + i * page);
  line[PAGES] = 0;
  printf("%-34s %s\n", what, line);
}

int main(void) {
  /* Two longs each: get_mempolicy writes whole 64-bit words even for a 32-bit task. */
  unsigned long mask[2] = {0, 0}, m2[2] = {0, 0};
  int mode = -1;
  show("get_mempolicy at start", syscall(SYS_get_mempolicy, &mode, m2, MAXNODE, 0, 0));
  printf("%-34s %d mask %lu\n", "  mode", mode, m2[0]);

  mask[0] = 2; /* node 1 */
  show("set_mempolicy BIND {1}", syscall(SYS_set_mempolicy, MPOL_BIND, mask, MAXNODE));
  char *a = mmap(0, PAGES * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < PAGES; i++) a[i * page] = 1;
  nodes_of("pages under BIND {1}", a);
  show("get_mempolicy", syscall(SYS_get_mempolicy, &mode, m2, MAXNODE, 0, 0));
  printf("%-34s %d mask %lu\n", "  mode", mode, m2[0]);

  mask[0] = 3; /* nodes 0 and 1 */
  show("set_mempolicy INTERLEAVE {0,1}", syscall(SYS_set_mempolicy, MPOL_INTERLEAVE, mask, MAXNODE));
  /* Linux interleaves by the page's number in the mapping's offset (for anonymous memory its
     address): start at an even page, so that the pattern does not depend on where mmap put it
     (the mmap base is randomised). */
  char *b0 = mmap(0, (PAGES + 1) * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *b = b0 + ((unsigned long)b0 / page % 2 ? page : 0);
  for (int i = 0; i < PAGES; i++) b[i * page] = 1;
  nodes_of("pages under INTERLEAVE {0,1}", b);
  show("set_mempolicy DEFAULT", syscall(SYS_set_mempolicy, MPOL_DEFAULT, 0, 0));

  /* mbind the first range to node 0 and move its pages there. */
  mask[0] = 1;
  show("mbind BIND {0} MOVE", syscall(SYS_mbind, a, PAGES * page, MPOL_BIND, mask, MAXNODE, MPOL_MF_MOVE));
  nodes_of("pages after mbind", a);
  show("get_mempolicy ADDR", syscall(SYS_get_mempolicy, &mode, m2, MAXNODE, a, MPOL_F_ADDR));
  printf("%-34s %d mask %lu\n", "  mode", mode, m2[0]);

  /* move_pages: query, move pages 0..3 to node 1, query again. */
  void *pages[4];
  int target[4] = {1, 1, 1, 1}, status[4];
  for (int i = 0; i < 4; i++) pages[i] = a + i * page;
  show("move_pages query", syscall(SYS_move_pages, 0, 4, pages, 0, status, 0));
  printf("%-34s %d %d %d %d\n", "  status", status[0], status[1], status[2], status[3]);
  show("move_pages to node 1", syscall(SYS_move_pages, 0, 4, pages, target, status, MPOL_MF_MOVE));
  printf("%-34s %d %d %d %d\n", "  status", status[0], status[1], status[2], status[3]);
  nodes_of("pages after move_pages", a);
  int ok = 1;
  for (int i = 0; i < PAGES; i++) ok &= a[i * page] == 1 && b[i * page] == 1;
  printf("%-34s %s\n", "contents kept", ok ? "yes" : "NO");

  /* Errors. */
  char *c = mmap(0, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  void *untouched[1] = {c};
  show("move_pages untouched page", syscall(SYS_move_pages, 0, 1, untouched, 0, status, 0));
  printf("%-34s %d\n", "  status", status[0]);
  mask[0] = 1;
  show("set_mempolicy bad mode", syscall(SYS_set_mempolicy, 99, mask, MAXNODE));
  m2[0] = 0;
  show("set_mempolicy BIND empty mask", syscall(SYS_set_mempolicy, MPOL_BIND, m2, MAXNODE));
  show("mbind unaligned", syscall(SYS_mbind, a + 1, page, MPOL_BIND, mask, MAXNODE, 0));
  munmap(c, page);
  show("mbind over a hole", syscall(SYS_mbind, c, page, MPOL_BIND, mask, MAXNODE, 0));
  show("get_mempolicy NODE without ADDR", syscall(SYS_get_mempolicy, &mode, 0, 0, 0, MPOL_F_NODE));
  target[0] = 7;
  show("move_pages to node 7", syscall(SYS_move_pages, 0, 1, pages, target, status, MPOL_MF_MOVE));
  show("move_pages bad flags", syscall(SYS_move_pages, 0, 1, pages, target, status, 8));
  return 0;
}
