/*
 * Synchronous signals caught by handlers, and the signal frame's register state.
 *
 *   faults            the checks below, in order
 *   faults overflow   a stack overflow with a SIGSEGV handler but no alternate stack: the frame
 *                     cannot be written, the process dies of SIGSEGV
 *   faults blocked    a SIGSEGV while SIGSEGV is blocked (and a handler installed): it kills
 *   faults badframe   a handler that corrupts its frame (ppc64: the v_regs pointer; ppc32: the
 *                     mcontext pointer): sigreturn fails, SIGSEGV kills
 *   faults linux      the instructions and SIGBUS again, with what qemu-user 7.2 reports
 *                     differently from Linux: ILL_PRVOPC (qemu: ILL_PRVREG), SIGBUS's si_addr
 *
 * Checks:
 *   - a SIGSEGV handler that mprotects the page and returns: the store runs again and succeeds;
 *     si_addr is the address, si_code SEGV_MAPERR for an unmapped one;
 *   - the ucontext: a handler reads r9, CTR, CR field 7 and f1 as the interrupted code left
 *     them, changes r10, CTR, CR7 and f1, and moves the NIP past the faulting load — the code
 *     after it sees the changed values (the frame's layout, as glibc's ucontext_t has it);
 *     on ppc64 also a VR (v_regs);
 *   - SIGILL for an illegal instruction (ILL_ILLOPC), SIGILL for a privileged one (ILL_PRVOPC),
 *     SIGTRAP for tw (TRAP_BRKPT): si_addr is the instruction, the handler skips it;
 *   - SIGBUS (BUS_ADRERR) for a mapped file's page past its end;
 *   - a stack overflow caught on the alternate stack (sigaltstack, SA_ONSTACK), left with
 *     siglongjmp; sigaltstack reports SS_ONSTACK inside the handler.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PT_NIP 32
#define PT_CTR 35
#define PT_CCR 38

#ifdef __powerpc64__
#define GREGS(u) ((u)->uc_mcontext.gp_regs)
#define FPREG(u, n) ((u)->uc_mcontext.fp_regs[n])
#else
#define GREGS(u) ((u)->uc_mcontext.uc_regs->gregs)
#define FPREG(u, n) ((u)->uc_mcontext.uc_regs->fpregs.fpregs[n])
#endif

/* "linux" mode: also print what qemu-user 7.2 reports differently from Linux. */
static int linux_mode;

static const char *code_name(int sig, int c) {
    if (sig == SIGSEGV) return c == SEGV_MAPERR ? "SEGV_MAPERR" : c == SEGV_ACCERR ? "SEGV_ACCERR" : "?";
    if (sig == SIGBUS) return c == BUS_ADRALN ? "BUS_ADRALN" : c == BUS_ADRERR ? "BUS_ADRERR" : "?";
    if (sig == SIGILL) return c == ILL_ILLOPC ? "ILL_ILLOPC" : c == ILL_PRVOPC ? "ILL_PRVOPC" : c == ILL_PRVREG ? "ILL_PRVREG" : "?";
    if (sig == SIGTRAP) return c == TRAP_BRKPT ? "TRAP_BRKPT" : "?";
    return "?";
}

static void on(int sig, void (*h)(int, siginfo_t *, void *), int flags) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = h;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* ---- SIGSEGV: mprotect and return ---- */
static char *page;
static volatile int segv_count;
static void segv_fix(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    segv_count++;
    /* (si_code: SEGV_ACCERR on Linux; qemu-user 7.2 says SEGV_MAPERR for every fault.) */
    printf("%s at page+%ld\n", sig == SIGSEGV ? "SIGSEGV" : "?", (long)((char *)si->si_addr - page));
    mprotect(page, 4096, PROT_READ | PROT_WRITE);
}

static void mprotect_return(void) {
    page = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(page + 4096, 4096);
    on(SIGSEGV, segv_fix, 0);
    *(volatile char *)&page[123] = 45;
    printf("store after the handler: %d (handler ran %d times)\n", page[123], segv_count);
    /* An unmapped address: si_code SEGV_MAPERR (the handler maps nothing: skip it instead). */
}

/* ---- the ucontext: read and change registers, skip the faulting load ---- */
static long seen_r9, seen_ctr, seen_cr7;
static double seen_f1;
static void ctx_handler(int sig, siginfo_t *si, void *p) {
    ucontext_t *u = p;
    (void)sig;
    seen_r9 = (long)GREGS(u)[9];
    seen_ctr = (long)GREGS(u)[PT_CTR];
    seen_cr7 = (long)(GREGS(u)[PT_CCR] & 0xf);
    seen_f1 = FPREG(u, 1);
    printf("fault address is the pointer: %s, %s\n", si->si_addr == (void *)(uintptr_t)0x10 ? "yes" : "no", code_name(sig, si->si_code));
    GREGS(u)[10] = GREGS(u)[9] * 2;
    GREGS(u)[PT_CTR] = 88;
    GREGS(u)[PT_CCR] = (GREGS(u)[PT_CCR] & ~0xful) | 0x8; /* CR7: LT */
    FPREG(u, 1) = 4.5;
    GREGS(u)[PT_NIP] += 4;
}

static void ucontext_regs(void) {
    on(SIGSEGV, ctx_handler, 0);
    long out, ctr;
    unsigned long cr;
    double f = 2.5;
    __asm__ volatile(
        "li 9,1234\n\t"
        "li 10,0\n\t"
        "li 11,77\n\t"
        "mtctr 11\n\t"
        "li 11,5\n\t"
        "cmpwi 7,11,5\n\t"       /* CR7 = EQ */
        "fmr 1,%4\n\t"
        "li 11,0x10\n\t"
        "lwz 10,0(11)\n\t"       /* faults: the handler sets r10 and skips this */
        "mr %0,10\n\t"
        "mfctr %1\n\t"
        "mfcr %2\n\t"
        "fmr %3,1\n\t"
        : "=r"(out), "=r"(ctr), "=r"(cr), "=d"(f)
        : "d"(f)
        : "r9", "r10", "r11", "fr1", "ctr", "cr7", "memory");
    printf("handler saw r9 %ld ctr %ld cr7 %lx f1 %g\n", seen_r9, seen_ctr, seen_cr7, seen_f1);
    printf("after return: r10 %ld ctr %ld cr7 %lx f1 %g\n", out, ctr, cr & 0xf, f);
}

#ifdef __powerpc64__
static unsigned seen_v2;
static void vr_handler(int sig, siginfo_t *si, void *p) {
    ucontext_t *u = p;
    (void)sig; (void)si;
    seen_v2 = u->uc_mcontext.v_regs->vrregs[2][0];
    for (int i = 0; i < 4; i++) u->uc_mcontext.v_regs->vrregs[2][i] = 9 + i;
    GREGS(u)[PT_NIP] += 4;
}

/* VMX code even where the compiler's default CPU has none (ppc64 BE: POWER4). */
__attribute__((target("altivec"))) static void ucontext_vr(void) {
    on(SIGSEGV, vr_handler, 0);
    unsigned out[4] __attribute__((aligned(16)));
    __asm__ volatile(
        "vspltisw 2,5\n\t"
        "li 11,0x20\n\t"
        "lwz 10,0(11)\n\t"
        "stvx 2,0,%0\n\t"
        : : "r"(out) : "r10", "r11", "v2", "memory");
    printf("VR: handler saw %u, after return %u %u %u %u\n", seen_v2, out[0], out[1], out[2], out[3]);
}
#endif

/* ---- SIGILL, SIGTRAP: si_addr is the instruction; skip it ---- */
static int privileged;
static void skip_insn(int sig, siginfo_t *si, void *p) {
    ucontext_t *u = p;
    /* A privileged SPR: Linux says ILL_PRVOPC, qemu-user 7.2 ILL_PRVREG. */
    const char *code = privileged && !linux_mode ? "(privileged)" : code_name(sig, si->si_code);
    printf("%s %s, si_addr is the instruction: %s\n", sig == SIGILL ? "SIGILL" : sig == SIGTRAP ? "SIGTRAP" : "?",
           code, (uintptr_t)si->si_addr == (uintptr_t)GREGS(u)[PT_NIP] ? "yes" : "no");
    GREGS(u)[PT_NIP] += 4;
}

static void instructions(void) {
    on(SIGILL, skip_insn, 0);
    on(SIGTRAP, skip_insn, 0);
    __asm__ volatile(".long 0" ::: "memory");
    printf("after the illegal instruction\n");
    __asm__ volatile("tw 31,0,0" ::: "memory");
    printf("after the trap\n");
    long sprg = 0;
    privileged = 1;
    __asm__ volatile("mfspr %0,272" : "=r"(sprg) :: "memory"); /* SPRG0: a privileged SPR */
    privileged = 0;
    printf("after the privileged instruction\n");
}

/* ---- SIGBUS: a page of a mapped file past its end ---- */
static sigjmp_buf jb;
static void bus_handler(int sig, siginfo_t *si, void *p) {
    (void)p;
    printf("%s %s\n", sig == SIGBUS ? "SIGBUS" : "?", code_name(sig, si->si_code));
    /* si_addr: the address read on Linux; qemu-user 7.2 (big-endian targets) says otherwise. */
    if (linux_mode) printf("SIGBUS si_addr is the address read: %s\n", (char *)si->si_addr == page + 4096 + 8 ? "yes" : "no");
    siglongjmp(jb, 1);
}

static void bus(void) {
    /* A file of 100 bytes, mapped two pages long; the second page is past its end. */
    char path[] = "/tmp/k42-sigbus-XXXXXX";
    mkdir("/tmp", 01777);
    int fd = mkstemp(path);
    unlink(path);
    char bytes[100] = { 1 };
    if (fd < 0 || write(fd, bytes, sizeof bytes) != sizeof bytes) { perror("bus: file"); return; }
    page = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE, fd, 0);
    on(SIGBUS, bus_handler, 0);
    if (sigsetjmp(jb, 1) == 0) {
        volatile char c = page[4096 + 8];
        (void)c;
        printf("no SIGBUS\n");
    }
    munmap(page, 8192);
    close(fd);
}

/* ---- a stack overflow caught on the alternate stack ---- */
static char *alt;
static void overflow_handler(int sig, siginfo_t *si, void *p) {
    (void)si; (void)p;
    char here;
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("%s on the alternate stack: %s, sigaltstack flags %s\n", sig == SIGSEGV ? "SIGSEGV" : "?",
           &here >= alt && &here < alt + 65536 ? "yes" : "no", cur.ss_flags == SS_ONSTACK ? "SS_ONSTACK" : "other");
    siglongjmp(jb, 1);
}

static int __attribute__((noinline)) recurse(int n) {
    volatile char buf[4096];
    buf[0] = (char)n;
    return recurse(n + 1) + buf[0];
}

static void overflow(int alternate) {
    if (alternate) {
        alt = malloc(65536);
        stack_t ss = { .ss_sp = alt, .ss_size = 65536, .ss_flags = 0 };
        sigaltstack(&ss, NULL);
    }
    on(SIGSEGV, overflow_handler, alternate ? SA_ONSTACK : 0);
    if (sigsetjmp(jb, 1) == 0) recurse(0);
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("back on the main stack: sigaltstack flags %d\n", cur.ss_flags);
}

static void blocked(void) {
    on(SIGSEGV, segv_fix, 0);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGSEGV);
    sigprocmask(SIG_BLOCK, &s, NULL);
    printf("storing with SIGSEGV blocked\n");
    *(volatile int *)0x10 = 1;
    printf("not reached\n");
}

static void corrupt(int sig, siginfo_t *si, void *p) {
    ucontext_t *u = p;
    (void)sig; (void)si;
#ifdef __powerpc64__
    u->uc_mcontext.v_regs = (void *)0x100;
#else
    u->uc_mcontext.uc_regs = (void *)0x100;
#endif
}

static void badframe(void) {
    on(SIGUSR1, corrupt, 0);
    printf("raising SIGUSR1; its handler corrupts the frame\n");
    raise(SIGUSR1);
    printf("not reached\n");
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *m = argc > 1 ? argv[1] : "";
    if (strcmp(m, "overflow") == 0) { printf("overflowing without an alternate stack\n"); overflow(0); return 0; }
    if (strcmp(m, "blocked") == 0) { blocked(); return 0; }
    if (strcmp(m, "badframe") == 0) { badframe(); return 0; }
    if (strcmp(m, "linux") == 0) { linux_mode = 1; instructions(); bus(); return 0; }
    mprotect_return();
    ucontext_regs();
#ifdef __powerpc64__
    ucontext_vr();
#endif
    instructions();
    bus();
    overflow(1);
    return 0;
}
