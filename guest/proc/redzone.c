/* A signal handler runs, and the interrupted code's red zone — the bytes just below its stack
 * pointer, where a function keeps saved registers before (or without) moving r1 — is as it
 * was when the handler returns. dash crashed after a SIGCHLD that interrupted a function
 * between its `std r31,-8(r1)` and its `stdu`: the signal frame had been written over those
 * bytes, and the restored r31 was 0.
 *
 * The words are stored below r1 and the signal is raised by a bare `sc` (kill of the process
 * itself) in the same asm statement, so nothing of the compiler's touches them; the handler
 * runs on the way back from that call, its frame just below r1. ppc64's ABIs give 288 bytes of
 * red zone; ppc32's has none, but Linux leaves 224 bytes (the frame's abigap) there too. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_usr1(int sig, siginfo_t *si, void *uc) {
  (void)si;
  (void)uc;
  /* Use some stack, as dash's handler does. */
  volatile char buf[512];
  memset((char *)buf, 0x5a, sizeof buf);
  handled++;
  (void)sig;
}

#ifdef __powerpc64__
#define ST "std"
#define LD "ld"
#define FAR "-280"
#else
#define ST "stw"
#define LD "lwz"
#define FAR "-216"
#endif

/* Store three words below r1, kill(pid, sig) by `sc`, read the words back. */
static void probe(int sig, long out[3]) {
  long pid = getpid(); /* (a call: before the register variables are set) */
  register long r0 __asm__("r0") = SYS_kill;
  register long r3 __asm__("r3") = pid;
  register long r4 __asm__("r4") = sig;
  long a = 0x1111, b = 0x2222, c = 0x3333, x, y, z;
  __asm__ volatile(
      ST " %[a], -8(1)\n\t"
      ST " %[b], -16(1)\n\t"
      ST " %[c], " FAR "(1)\n\t"
      "sc\n\t"
      LD " %[x], -8(1)\n\t"
      LD " %[y], -16(1)\n\t"
      LD " %[z], " FAR "(1)\n\t"
      : [x] "=&r"(x), [y] "=&r"(y), [z] "=&r"(z), "+r"(r0), "+r"(r3), "+r"(r4)
      : [a] "r"(a), [b] "r"(b), [c] "r"(c)
      : "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "cr0", "ctr", "xer", "memory");
  if (r3 != 0) printf("kill by sc: r3 %ld\n", r3);
  out[0] = x;
  out[1] = y;
  out[2] = z;
}

int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  struct sigaction old;
  memset(&old, 0, sizeof old);
  old.sa_handler = (void (*)(int))on_usr1; /* the old-style frame on ppc32 */
  sigaction(SIGUSR2, &old, NULL);

  long w[3];
  probe(SIGUSR1, w);
  printf("SA_SIGINFO handler ran %d; below r1: -8 %#lx, -16 %#lx, %s %#lx\n", (int)handled, w[0], w[1], FAR, w[2]);
  handled = 0;
  probe(SIGUSR2, w);
  printf("plain handler ran %d; below r1: -8 %#lx, -16 %#lx, %s %#lx\n", (int)handled, w[0], w[1], FAR, w[2]);
  return 0;
}
