/*
 * Floating-point enabled exceptions: prctl(PR_SET_FPEXC) + the FPSCR's enable bits, SIGFPE.
 *
 * The exceptions are enabled as glibc's feenableexcept does it (prctl PR_SET_FPEXC PRECISE,
 * then mtfsf of the enable bits), by the program's own few lines: glibc's fenv functions
 * execute mffsl, which qemu-user 7.2 runs only for -cpu power9 (no such 32-bit model); the
 * "glibc" mode uses glibc's.
 *
 *   fpexc          for each of FE_DIVBYZERO, FE_INVALID, FE_OVERFLOW, FE_UNDERFLOW, FE_INEXACT:
 *                  enable it, run one fdiv (and xsdivdp on ppc64) that raises it; a SA_SIGINFO
 *                  handler prints the signal, whether si_addr and the ucontext's NIP are the
 *                  instruction's address, the target register and FPSCR exceptions as the
 *                  interrupt left them, then clears the enable bits in the saved FPSCR and
 *                  returns: the instruction runs again, untrapped, and its result is printed
 *                  (not for overflow and underflow: see "codes"). Then mtfsf and mtfsb1
 *                  interrupting as they enable an exception already set, left by siglongjmp.
 *   fpexc codes    also the si_code of each, and the results after overflow and underflow
 *                  (qemu-user 7.2 is not Linux there: see fpexc.test.ts).
 *   fpexc glibc    glibc's feenableexcept(FE_DIVBYZERO); 1.0 / 0.0: SIGFPE FPE_FLTDIV.
 *   fpexc linux    k42ts held to Linux: PR_GET_FPEXC (qemu-user refuses it), the mode across
 *                  fork and exec, the saved MSR's FE0/FE1.
 *   fpexc kill     an enabled zero divide with no handler: the process dies of SIGFPE.
 *   fpexc execed   (run by "linux" through execve) the mode kept by exec, the FPSCR cleared.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#define PT_NIP 32
#define PT_MSR 33
#ifdef __powerpc64__
#define GREGS(u) ((u)->uc_mcontext.gp_regs)
#define FPREG(u, n) ((u)->uc_mcontext.fp_regs[n])
#define FPSCR(u) ((u)->uc_mcontext.fp_regs[32])
#else
#define GREGS(u) ((u)->uc_mcontext.uc_regs->gregs)
#define FPREG(u, n) ((u)->uc_mcontext.uc_regs->fpregs.fpregs[n])
#define FPSCR(u) ((u)->uc_mcontext.uc_regs->fpregs.fpscr)
#endif

static uint64_t bits(double d) {
  uint64_t u;
  memcpy(&u, &d, 8);
  return u;
}

static double from_bits(uint64_t u) {
  double d;
  memcpy(&d, &u, 8);
  return d;
}

/* What the target register held before the instruction: an interrupt that leaves it alone shows this. */
#define SENTINEL 0x7ff4dead0000beefULL

/* buf[0] / buf[1] into buf[2] through f10, f11, f12 (f10 starts as buf[2]). */
extern char fdiv_insn[], xsdiv_insn[];
static void fdiv_op(double *buf) {
  __asm__ volatile("lfd 10,16(%0)\n\tlfd 11,0(%0)\n\tlfd 12,8(%0)\n"
                   "\t.globl fdiv_insn\nfdiv_insn:\n\tfdiv 10,11,12\n\tstfd 10,16(%0)"
                   : : "b"(buf) : "fr10", "fr11", "fr12", "memory");
}

#ifdef __powerpc64__
static void xsdiv_op(double *buf) {
  __asm__ volatile("lfd 10,16(%0)\n\tlfd 11,0(%0)\n\tlfd 12,8(%0)\n"
                   "\t.machine push\n\t.machine power8\n"
                   "\t.globl xsdiv_insn\nxsdiv_insn:\n\txsdivdp 10,11,12\n"
                   "\t.machine pop\n\tstfd 10,16(%0)"
                   : : "b"(buf) : "fr10", "fr11", "fr12", "memory");
}
#endif

/* The FPSCR (bits 32:63) and the program's fenv: enable bit of FE_x is FE_x >> 22 (VE..XE). */
static unsigned get_fpscr(void) {
  double d;
  __asm__ volatile("mffs %0" : "=f"(d));
  return (unsigned)bits(d);
}

static void set_fpscr(unsigned v) {
  double d = from_bits(v);
  __asm__ volatile("mtfsf 0xff,%0" : : "f"(d));
}

static void enable(int fe) {
  prctl(PR_SET_FPEXC, PR_FP_EXC_PRECISE, 0, 0, 0); /* qemu-user: EINVAL, it always traps */
  set_fpscr(get_fpscr() | ((unsigned)fe >> 22));
}

static void disable_all(void) {
  set_fpscr(get_fpscr() & ~0xf8u);
  prctl(PR_SET_FPEXC, PR_FP_EXC_DISABLED, 0, 0, 0);
}

/* Clear FX and every exception bit (FEX and VX follow). */
static void clear_all(void) {
  set_fpscr(get_fpscr() & ~0x9ff80700u);
}

static int enabled(void) {
  return (int)((get_fpscr() & 0xf8u) << 22);
}

static const char *raised(void) {
  static char b[64];
  unsigned f = get_fpscr();
  snprintf(b, sizeof b, "%s%s%s%s%s", f & FE_DIVBYZERO ? " DIVBYZERO" : "", f & FE_INVALID ? " INVALID" : "",
           f & FE_OVERFLOW ? " OVERFLOW" : "", f & FE_UNDERFLOW ? " UNDERFLOW" : "", f & FE_INEXACT ? " INEXACT" : "");
  return b;
}

static const char *code_name(int c) {
  switch (c) {
  case FPE_INTDIV: return "FPE_INTDIV";
  case FPE_INTOVF: return "FPE_INTOVF";
  case FPE_FLTDIV: return "FPE_FLTDIV";
  case FPE_FLTOVF: return "FPE_FLTOVF";
  case FPE_FLTUND: return "FPE_FLTUND";
  case FPE_FLTRES: return "FPE_FLTRES";
  case FPE_FLTINV: return "FPE_FLTINV";
  case FPE_FLTSUB: return "FPE_FLTSUB";
  case 14: return "FPE_FLTUNK";
  default: return "?";
  }
}

static void handler_on(void);
static int print_codes;
static int print_msr;
static char *expect_addr;
static sigjmp_buf jb;
static int longjmp_out;

static void on_fpe(int sig, siginfo_t *si, void *ucv) {
  ucontext_t *uc = ucv;
  unsigned long nip = GREGS(uc)[PT_NIP];
  uint64_t fpscr = bits(FPSCR(uc));
  printf("  signal %d%s%s", si->si_signo, print_codes ? " " : "", print_codes ? code_name(si->si_code) : "");
  if (expect_addr != NULL)
    printf(", si_addr is the instruction: %s, NIP too: %s", (char *)si->si_addr == expect_addr ? "yes" : "no",
           (char *)nip == expect_addr ? "yes" : "no");
  else
    printf(", NIP is si_addr: %s", (unsigned long)si->si_addr == nip ? "yes" : "no");
  printf("\n");
  if (print_msr)
    printf("  saved MSR FE0 %d FE1 %d\n", (int)((GREGS(uc)[PT_MSR] >> 11) & 1), (int)((GREGS(uc)[PT_MSR] >> 8) & 1));
  if (longjmp_out) siglongjmp(jb, 1);
  uint64_t t = bits(FPREG(uc, 10));
  printf("  f10 at the interrupt: %s0x%016llx\n", t == SENTINEL ? "unchanged " : "", (unsigned long long)t);
  /* The exception bits (FX OX UX ZX XX, VX and its causes) and the enables. */
  printf("  FPSCR at the interrupt: exceptions %08llx enables %02llx\n",
         (unsigned long long)(fpscr & 0x9ff80700u), (unsigned long long)(fpscr & 0xf8));
  /* Disable every exception in the saved FPSCR and return: the instruction runs again. */
  FPSCR(uc) = from_bits(fpscr & ~(uint64_t)0xf8);
}

static const struct { int fe; const char *name; double a, b; } CASES[] = {
  { FE_DIVBYZERO, "FE_DIVBYZERO 1/0", 1.0, 0.0 },
  { FE_INVALID, "FE_INVALID 0/0", 0.0, 0.0 },
  { FE_OVERFLOW, "FE_OVERFLOW 1e300/1e-300", 1e300, 1e-300 },
  { FE_UNDERFLOW, "FE_UNDERFLOW 1e-300/1e300", 1e-300, 1e300 },
  { FE_INEXACT, "FE_INEXACT 1/3", 1.0, 3.0 },
};

static void one(int k, int vsx) {
  double buf[3] = { CASES[k].a, CASES[k].b, from_bits(SENTINEL) };
  printf("%s %s\n", vsx ? "xsdivdp" : "fdiv", CASES[k].name);
  clear_all();
  enable(CASES[k].fe);
  printf("  enabled: %s\n", enabled() == CASES[k].fe ? "yes" : "no");
#ifdef __powerpc64__
  expect_addr = vsx ? xsdiv_insn : fdiv_insn;
  if (vsx) xsdiv_op(buf); else
#endif
  {
    expect_addr = fdiv_insn;
    fdiv_op(buf);
  }
  expect_addr = NULL;
  /* qemu-user 7.2 runs the instruction again with its result still scaled for the enabled
     overflow or underflow (the FPSCR restored by sigreturn does not reach its rebias flags). */
  if (print_codes || (CASES[k].fe != FE_OVERFLOW && CASES[k].fe != FE_UNDERFLOW))
    printf("  after: result 0x%016llx\n", (unsigned long long)bits(buf[2]));
  printf("  after: enabled now: %s, raised:%s\n", enabled() == 0 ? "none" : "some", raised());
  disable_all();
  clear_all();
}

static void handler_on(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fpe;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGFPE, &sa, NULL);
}

/* An FPSCR write enabling an exception already set, with FE0/FE1 on: it interrupts. */
extern char mtfsb1_insn[];
static void mtfs_trap(int use_mtfsb1) {
  volatile double zero = 0.0, one_ = 1.0, r;
  printf("%s enabling ZE while ZX is set (OE enabled before)\n", use_mtfsb1 ? "mtfsb1" : "mtfsf");
  clear_all();
  enable(FE_OVERFLOW);
  r = one_ / zero; /* ZX set, not enabled: no interrupt */
  printf("  1/0 not interrupted: %s, raised:%s\n", r > 1e308 ? "inf" : "?", raised());
  longjmp_out = 1;
  if (sigsetjmp(jb, 1) == 0) {
    if (use_mtfsb1) {
      expect_addr = mtfsb1_insn;
      __asm__ volatile(".globl mtfsb1_insn\nmtfsb1_insn:\n\tmtfsb1 27");
    } else {
      enable(FE_DIVBYZERO);
    }
    printf("  no interrupt\n");
  } else {
    printf("  left the handler by siglongjmp; enabled: %s\n", enabled() == (FE_OVERFLOW | FE_DIVBYZERO) ? "OE ZE" : "other");
  }
  expect_addr = NULL;
  longjmp_out = 0;
  disable_all();
  clear_all();
  printf("  enabled after disabling: %d, raised:%s\n", enabled(), raised());
}

/* glibc's own: feenableexcept(FE_DIVBYZERO); 1.0 / 0.0. */
static void glibc_part(void) {
  volatile double zero = 0.0, r = 0;
  print_codes = 1;
  handler_on();
  longjmp_out = 1;
  feclearexcept(FE_ALL_EXCEPT);
  printf("feenableexcept(FE_DIVBYZERO): was %d, now %s\n", feenableexcept(FE_DIVBYZERO), fegetexcept() == FE_DIVBYZERO ? "FE_DIVBYZERO" : "?");
  if (sigsetjmp(jb, 1) == 0) {
    r = 1.0 / zero;
    printf("no SIGFPE: %g\n", r);
  } else {
    /* The handler ran with the FPSCR cleared (Linux's signal entry) and siglongjmp keeps it. */
    int e = fegetexcept();
    printf("after siglongjmp: enabled %s\n", e == 0 ? "none" : e == FE_DIVBYZERO ? "FE_DIVBYZERO" : "other");
  }
  fedisableexcept(FE_ALL_EXCEPT);
  feclearexcept(FE_ALL_EXCEPT);
  r = 1.0 / zero;
  printf("fedisableexcept: 1/0 = %g, raised DIVBYZERO: %s\n", r, fetestexcept(FE_DIVBYZERO) ? "yes" : "no");
}

static unsigned get_mode(void) {
  unsigned u = 99;
  if (prctl(PR_GET_FPEXC, &u, 0, 0, 0) != 0) return 98;
  return u;
}

static int linux_part(const char *self) {
  print_msr = 1;
  printf("PR_GET_FPEXC at start: %u\n", get_mode());
  feenableexcept(FE_DIVBYZERO);
  printf("PR_GET_FPEXC after feenableexcept: %u\n", get_mode());
  fedisableexcept(FE_DIVBYZERO);
  printf("PR_GET_FPEXC after fedisableexcept: %u\n", get_mode());
  printf("PR_SET_FPEXC NONRECOV: %d, mode %u\n", prctl(PR_SET_FPEXC, PR_FP_EXC_NONRECOV, 0, 0, 0), get_mode());
  printf("PR_SET_FPEXC ASYNC: %d, mode %u\n", prctl(PR_SET_FPEXC, PR_FP_EXC_ASYNC, 0, 0, 0), get_mode());
  printf("PR_SET_FPEXC SW_ENABLE|DIV: %d\n", prctl(PR_SET_FPEXC, PR_FP_EXC_SW_ENABLE | PR_FP_EXC_DIV, 0, 0, 0));
  printf("PR_SET_FPEXC DIV: %d, mode %u\n", prctl(PR_SET_FPEXC, PR_FP_EXC_DIV, 0, 0, 0), get_mode());
  /* An asynchronous mode traps too (precisely, as POWER8 does), and the frame's MSR says FE0. */
  handler_on();
  one(0, 0);
  /* Traps turned on while an enabled exception is already set: SIGFPE on the return from prctl. */
  {
    volatile double zero = 0.0, one_ = 1.0, r;
    clear_all();
    r = one_ / zero;
    set_fpscr(get_fpscr() | (FE_DIVBYZERO >> 22));
    printf("ZX and ZE set with traps off (1/0 = %g): no signal\n", r);
    print_codes = 1;
    longjmp_out = 1;
    if (sigsetjmp(jb, 1) == 0) {
      prctl(PR_SET_FPEXC, PR_FP_EXC_PRECISE, 0, 0, 0);
      printf("  no signal from prctl\n");
    } else {
      printf("  SIGFPE as prctl(PR_SET_FPEXC, PRECISE) returned\n");
    }
    longjmp_out = 0;
    print_codes = 0;
    disable_all();
    clear_all();
  }
  prctl(PR_SET_FPEXC, PR_FP_EXC_PRECISE, 0, 0, 0);
  pid_t p = fork();
  if (p == 0) {
    printf("child: PR_GET_FPEXC %u\n", get_mode());
    fflush(stdout);
    _exit(0);
  }
  int st;
  waitpid(p, &st, 0);
  fflush(stdout);
  feenableexcept(FE_INEXACT);
  p = fork();
  if (p == 0) {
    execl(self, self, "execed", (char *)NULL);
    _exit(127);
  }
  waitpid(p, &st, 0);
  printf("exec'd child: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "execed") == 0) {
    printf("after exec: PR_GET_FPEXC %u, enabled %d\n", get_mode(), enabled());
    return 0;
  }
  if (strcmp(mode, "kill") == 0) {
    volatile double zero = 0.0, r;
    enable(FE_DIVBYZERO);
    printf("dividing by zero with the trap enabled and no handler\n");
    fflush(stdout);
    r = 1.0 / zero;
    printf("still alive: %g\n", r);
    return 0;
  }
  if (strcmp(mode, "linux") == 0) return linux_part(argv[0]);
  if (strcmp(mode, "glibc") == 0) {
    glibc_part();
    return 0;
  }
  print_codes = strcmp(mode, "codes") == 0;
  handler_on();
  for (int k = 0; k < 5; k++) one(k, 0);
#ifdef __powerpc64__
  for (int k = 0; k < 5; k++) one(k, 1);
#endif
  mtfs_trap(0);
  mtfs_trap(1);
  printf("done\n");
  return 0;
}
