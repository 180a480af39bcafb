/*
 * The memory system calls as a program sees them: mmap, munmap, mprotect, mremap, brk,
 * madvise, mincore, msync and the mlock family, with their errno cases. One line per check,
 * "name case -> result errno"; no addresses are printed. The output must be identical under
 * qemu-user and k42ts.
 *
 *   mmap             every check qemu-user 7.2 gets right, then the fault probes (a SIGSEGV
 *                    handler and sigsetjmp: "SIGSEGV MAPERR" or "ok" per probe)
 *   mmap nofault     the same without the fault probes (no signal handler is installed)
 *   mmap linux       only the cases where qemu-user 7.2 is not Linux: the output is what the
 *                    Linux kernel gives (checked on a native build); the test holds k42ts to it
 *
 * Builds for ppc64 (ELFv1), ppc64le (ELFv2) and ppc32; the page size is read from sysconf.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif

static long PG;
static char obuf[4096];

static const char *ename(int e) {
    switch (e) {
    case 0: return "0";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOSYS: return "ENOSYS";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: { static char b[16]; snprintf(b, sizeof b, "E%d", e); return b; }
    }
}

/* An integer result: "-> 0 0", "-> -1 EINVAL". */
#define CHK(name, cas, expr) do { errno = 0; long r_ = (long)(expr); int e_ = errno; \
    printf("%-9s %-34s -> %ld %s\n", name, cas, r_, r_ == -1 ? ename(e_) : "0"); } while (0)
/* A pointer result (mmap, mremap): "-> ptr 0", "-> -1 EINVAL"; the pointer goes to *out. */
#define CHKP(name, cas, out, expr) do { errno = 0; void *p_ = (void *)(expr); int e_ = errno; \
    *(out) = p_; printf("%-9s %-34s -> %s %s\n", name, cas, p_ == MAP_FAILED ? "-1" : "ptr", \
    p_ == MAP_FAILED ? ename(e_) : "0"); } while (0)

/* USE(p) { ... }: the block runs only if the mapping p was made (else one "skipped" line), so
 * that one failing call does not end the program and the later checks still show. */
#define USE(p) if ((p) != MAP_FAILED || (printf("%-9s %-34s -> skipped\n", "", "(that call failed)"), 0))

static void yes(const char *name, const char *cas, int ok) {
    printf("%-9s %-34s -> %s\n", name, cas, ok ? "yes" : "no");
}

/* Every byte of [p, p+n) equals v. */
static int all(const char *p, long n, int v) {
    for (long i = 0; i < n; i++) if ((unsigned char)p[i] != (unsigned char)v) return 0;
    return 1;
}

/* One bit per page of [p, p+pages): resident ("1") or not ("0"), or the errno of mincore. */
static void residency(const char *name, const char *cas, char *p, long pages) {
    unsigned char vec[64];
    char s[65];
    errno = 0;
    if (mincore(p, pages * PG, vec) != 0) { printf("%-9s %-34s -> -1 %s\n", name, cas, ename(errno)); return; }
    for (long i = 0; i < pages; i++) s[i] = (vec[i] & 1) ? '1' : '0';
    s[pages] = 0;
    printf("%-9s %-34s -> %s\n", name, cas, s);
}

/* Is the page at p mapped? mincore answers ENOMEM for a hole, without touching it. */
static int mapped(void *p) {
    unsigned char v;
    return mincore(p, PG, &v) == 0;
}

/* A reservation of n pages nobody else will take: mapped PROT_NONE, parts of it are replaced
 * with MAP_FIXED or freed to make room. */
static char *reserve(long n) {
    return mmap(NULL, n * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
}

/* A hole of n pages between two mappings; use it before the next mmap, which may fill it. */
static char *hole(long n) {
    char *r = reserve(n + 2);
    munmap(r + PG, n * PG);
    return r + PG;
}

static char *anon(long pages, int prot) {
    return mmap(NULL, pages * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* ---- fault probes: touch an address under a SIGSEGV handler ---------------------------- */

static int faults;     /* probes are on (not in "nofault" mode) */
static int show_code;  /* print si_code (qemu-user 7.2 reports SEGV_MAPERR for every fault) */
static sigjmp_buf jb;
static volatile int sig_code;
static void *volatile sig_addr;

static volatile int in_probe;

static void on_segv(int sig, siginfo_t *si, void *uc) {
    (void)uc;
    if (!in_probe) { signal(sig, SIG_DFL); return; } /* not a probe: die of it on return */
    in_probe = 0;
    sig_code = si->si_code;
    sig_addr = si->si_addr;
    siglongjmp(jb, 1);
}

static void install_handler(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    CHK("signal", "sigaction SIGSEGV", sigaction(SIGSEGV, &sa, NULL));
}

/* Read ('r') or write ('w') one byte at addr: "ok", or "SIGSEGV" and whether si_addr is addr. */
static void probe(const char *what, char *addr, char access) {
    if (!faults) return;
    volatile char *a = addr;
    fflush(stdout);
    if (sigsetjmp(jb, 1) == 0) {
        in_probe = 1;
        if (access == 'r') (void)*a;
        else *a = 0x5a;
        in_probe = 0;
        printf("%-9s %-34s -> ok\n", "probe", what);
    } else {
        printf("%-9s %-34s -> SIGSEGV%s %s\n", "probe", what,
               !show_code ? "" : sig_code == SEGV_MAPERR ? " MAPERR" : sig_code == SEGV_ACCERR ? " ACCERR" : " other",
               sig_addr == (void *)addr ? "addr-ok" : "addr-wrong");
    }
}

/* ---- mmap ------------------------------------------------------------------------------ */

static void test_mmap(void) {
    char *p, *q;
    CHKP("mmap", "private-anon", &p, anon(4, PROT_READ | PROT_WRITE));
    yes("mmap", "private-anon zeroed", all(p, 4 * PG, 0));
    memset(p, 0x11, 4 * PG);
    yes("mmap", "private-anon writable", all(p, 4 * PG, 0x11));

    CHKP("mmap", "shared-anon", &q, mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    USE(q) {
        yes("mmap", "shared-anon zeroed", all(q, 2 * PG, 0));
        memset(q, 0x22, 2 * PG);
        yes("mmap", "shared-anon writable", all(q, 2 * PG, 0x22));
    }

    /* MAP_FIXED over the middle two pages of p: fresh zero pages there, the rest untouched */
    char *f;
    CHKP("mmap", "fixed-over-existing", &f, mmap(p + PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    USE(f) {
        yes("mmap", "fixed-over-existing same address", f == p + PG);
        yes("mmap", "fixed-over-existing replaced zeroed", all(p + PG, 2 * PG, 0));
        yes("mmap", "fixed-over-existing rest kept", all(p, PG, 0x11) && all(p + 3 * PG, PG, 0x11));
    }

    /* MAP_FIXED_NOREPLACE into a freed hole succeeds at exactly that address */
    char *r = reserve(4);
    munmap(r + PG, PG);
    CHKP("mmap", "fixed-noreplace-free", &f, mmap(r + PG, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
    USE(f) yes("mmap", "fixed-noreplace-free same address", f == r + PG);

    CHKP("mmap", "noreserve", &f, mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0));
    USE(f) {
        f[63 * PG] = 1;
        yes("mmap", "noreserve usable", f[63 * PG] == 1 && f[0] == 0);
    }

    CHKP("mmap", "populate", &f, mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
    USE(f) yes("mmap", "populate zeroed", all(f, 8 * PG, 0));

    CHKP("mmap", "stack", &f, mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0));
    USE(f) {
        f[16 * PG - 1] = 3;
        yes("mmap", "stack usable", f[16 * PG - 1] == 3);
    }

    CHKP("mmap", "growsdown", &f, mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0));
    USE(f) {
        f[4 * PG - 1] = 4;
        f[PG] = 5;
        yes("mmap", "growsdown usable", f[4 * PG - 1] == 4 && f[PG] == 5);
    }

    CHKP("mmap", "prot-none", &f, anon(1, PROT_NONE));
    USE(f) probe("prot-none read", f, 'r');
    CHKP("mmap", "read-only", &f, anon(1, PROT_READ));
    USE(f) {
        yes("mmap", "read-only readable zero", f[0] == 0);
        probe("read-only write", f, 'w');
    }

    /* PowerPC's mmap checks prot like mprotect (arch_validate_prot): x86 would accept it */
    CHKP("mmap", "unknown prot bit", &f, mmap(NULL, PG, PROT_READ | 0x100, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    CHKP("mmap", "len-0", &f, mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    CHKP("mmap", "fixed-unaligned", &f, mmap(r + 1, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0));
    CHKP("mmap", "neither-shared-nor-private", &f, mmap(NULL, PG, PROT_READ, MAP_ANONYMOUS, -1, 0));
    CHKP("mmap", "bad-fd", &f, mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 99, 0));
    CHKP("mmap", "bad-fd-negative", &f, mmap(NULL, PG, PROT_READ, MAP_PRIVATE, -1, 0));
    CHKP("mmap", "anon-unaligned-offset", &f, mmap(NULL, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1));
}

/* ---- munmap ---------------------------------------------------------------------------- */

static void test_munmap(void) {
    char *p = anon(6, PROT_READ | PROT_WRITE);
    memset(p, 0x33, 6 * PG);
    CHK("munmap", "unaligned", munmap(p + 1, PG));
    CHK("munmap", "len-0", munmap(p, 0));
    char *r = reserve(4);
    munmap(r, 4 * PG);
    CHK("munmap", "hole", munmap(r, 4 * PG));
    CHK("munmap", "twice", munmap(r, 4 * PG));
    /* unmap pages 2 and 3 of 6: 0-1 and 4-5 stay, contents intact and writable */
    CHK("munmap", "middle (split)", munmap(p + 2 * PG, 2 * PG));
    yes("munmap", "split low part intact", all(p, 2 * PG, 0x33));
    yes("munmap", "split high part intact", all(p + 4 * PG, 2 * PG, 0x33));
    p[PG] = 1; p[4 * PG] = 2;
    yes("munmap", "split parts writable", p[PG] == 1 && p[4 * PG] == 2);
    yes("munmap", "split hole unmapped", !mapped(p + 2 * PG) && !mapped(p + 3 * PG));
    yes("munmap", "split parts mapped", mapped(p + PG) && mapped(p + 4 * PG));
    probe("munmap split hole read", p + 2 * PG, 'r');
    probe("munmap split hole write", p + 3 * PG + 17, 'w');
    probe("munmap split low write", p + PG, 'w');
    probe("munmap split high write", p + 4 * PG, 'w');
    /* a range spanning a mapping and a hole: unmaps what is there */
    CHK("munmap", "over-mapping-and-hole", munmap(p + PG, 4 * PG));
    yes("munmap", "over-mapping-and-hole result", mapped(p) && !mapped(p + PG) && !mapped(p + 4 * PG) && mapped(p + 5 * PG));
    munmap(p, 6 * PG);
}

/* ---- mprotect -------------------------------------------------------------------------- */

static void test_mprotect(void) {
    char *p = anon(5, PROT_READ | PROT_WRITE);
    memset(p, 0x44, 5 * PG);
    CHK("mprotect", "middle read-only (split)", mprotect(p + 2 * PG, PG, PROT_READ));
    yes("mprotect", "split middle readable", p[2 * PG] == 0x44);
    p[PG] = 1; p[3 * PG] = 2;
    yes("mprotect", "split neighbours writable", p[PG] == 1 && p[3 * PG] == 2);
    probe("mprotect read-only middle write", p + 2 * PG + 8, 'w');
    probe("mprotect read-only middle read", p + 2 * PG, 'r');
    probe("mprotect split neighbour write", p + 3 * PG + 100, 'w');
    CHK("mprotect", "back to read-write", mprotect(p + 2 * PG, PG, PROT_READ | PROT_WRITE));
    p[2 * PG] = 3;
    yes("mprotect", "writable again", p[2 * PG] == 3);
    CHK("mprotect", "prot-none", mprotect(p + 4 * PG, PG, PROT_NONE));
    probe("mprotect prot-none read", p + 4 * PG, 'r');
    CHK("mprotect", "unaligned", mprotect(p + 1, PG, PROT_READ));
    CHK("mprotect", "bad-prot", mprotect(anon(1, PROT_READ | PROT_WRITE), PG, 0x100)); /* a page of its own */
    /* the contents survive every change of protection */
    yes("mprotect", "contents kept", all(p, PG, 0x44) && p[PG] == 1 && p[2 * PG] == 3 && p[3 * PG] == 2);
}

/* ---- mremap ---------------------------------------------------------------------------- */

static void fill(char *p, long pages) {
    for (long i = 0; i < pages; i++) memset(p + i * PG, 0x60 + (int)i, PG);
}

static int filled(const char *p, long pages) {
    for (long i = 0; i < pages; i++) if (!all(p + i * PG, PG, 0x60 + (int)i)) return 0;
    return 1;
}

static void test_mremap(void) {
    char *r = reserve(16), *m;
    char *dst = reserve(8), *mf = MAP_FAILED; /* where MREMAP_FIXED will move to */
    /* 8 pages at r, free space after them */
    char *p = mmap(r, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    munmap(r + 8 * PG, 8 * PG);
    fill(p, 8);
    CHKP("mremap", "shrink", &m, mremap(p, 8 * PG, 2 * PG, 0));
    yes("mremap", "shrink same address", m == p);
    yes("mremap", "shrink contents kept", filled(p, 2));
    yes("mremap", "shrink tail unmapped", !mapped(p + 2 * PG) && !mapped(p + 7 * PG));
    probe("mremap shrunk tail read", p + 2 * PG, 'r');

    /* something right after: growing without MAYMOVE fails, with MAYMOVE the contents move */
    char *blk = mmap(p + 2 * PG, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHKP("mremap", "grow blocked", &m, mremap(p, 2 * PG, 4 * PG, 0));
    CHKP("mremap", "maymove", &m, mremap(p, 2 * PG, 6 * PG, MREMAP_MAYMOVE));
    USE(m) {
        yes("mremap", "maymove contents kept", filled(m, 2));
        yes("mremap", "maymove new pages zero", all(m + 2 * PG, 4 * PG, 0));
        yes("mremap", "maymove old range unmapped", !mapped(p) && !mapped(p + PG));
        yes("mremap", "maymove blocker kept", mapped(blk));
        probe("mremap old range after move", p, 'r');
        m[6 * PG - 1] = 7;
        yes("mremap", "maymove new range writable", m[6 * PG - 1] == 7);

        /* MREMAP_FIXED: exactly at the address asked for, replacing what was there */
        CHKP("mremap", "fixed", &mf, mremap(m, 2 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, dst + 2 * PG));
        USE(mf) {
            yes("mremap", "fixed at the address asked", mf == dst + 2 * PG);
            yes("mremap", "fixed contents kept", filled(mf, 2) && all(mf + 2 * PG, PG, 0));
            yes("mremap", "fixed old range unmapped", !mapped(m) && !mapped(m + PG));
            yes("mremap", "fixed rest of old mapping kept", mapped(m + 2 * PG) && m[6 * PG - 1] == 7);
        }
    }
    /* the argument checks come first: any address will do */
    if (mf == MAP_FAILED) mf = dst;
    CHKP("mremap", "fixed without maymove", &m, mremap(mf, PG, PG, MREMAP_FIXED, dst + 6 * PG));
    CHKP("mremap", "invalid flags", &m, mremap(mf, PG, PG, 0x80));
    CHKP("mremap", "unaligned old address", &m, mremap(mf + 1, PG, PG, 0));
    CHKP("mremap", "dontunmap without maymove", &m, mremap(mf, PG, PG, MREMAP_DONTUNMAP));
    CHKP("mremap", "dontunmap size change", &m, mremap(mf, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP));
}

/* ---- brk ------------------------------------------------------------------------------- */

static void test_brk(void) {
    char *b0 = (char *)syscall(SYS_brk, 0);
    char *a = (char *)(((uintptr_t)b0 + PG - 1) & ~(uintptr_t)(PG - 1));
    yes("brk", "query", b0 != NULL);
    yes("brk", "grow 3 pages", (char *)syscall(SYS_brk, a + 3 * PG) == a + 3 * PG);
    yes("brk", "grown memory zero", all(a, 3 * PG, 0));
    memset(a, 0x77, 3 * PG);
    yes("brk", "shrink", (char *)syscall(SYS_brk, a) == a);
    yes("brk", "regrow", (char *)syscall(SYS_brk, a + 3 * PG) == a + 3 * PG);
    yes("brk", "regrown memory zero", all(a, 3 * PG, 0));
    yes("brk", "below start unchanged", (char *)syscall(SYS_brk, (char *)4096) == a + 3 * PG);
    yes("brk", "restore", (char *)syscall(SYS_brk, b0) == b0);
}

/* ---- madvise --------------------------------------------------------------------------- */

static void test_madvise(void) {
    char *p = anon(4, PROT_READ | PROT_WRITE);
    memset(p, 0x55, 4 * PG);
    CHK("madvise", "dontneed private-anon", madvise(p + PG, 2 * PG, MADV_DONTNEED));
    yes("madvise", "dontneed private zero-filled", all(p + PG, 2 * PG, 0));
    yes("madvise", "dontneed neighbours kept", all(p, PG, 0x55) && all(p + 3 * PG, PG, 0x55));
    char *s = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    USE(s) {
        memset(s, 0x66, 2 * PG);
        CHK("madvise", "dontneed shared-anon", madvise(s, 2 * PG, MADV_DONTNEED));
        yes("madvise", "dontneed shared contents kept", all(s, 2 * PG, 0x66));
    }
    CHK("madvise", "normal", madvise(p, 4 * PG, MADV_NORMAL));
    CHK("madvise", "random", madvise(p, 4 * PG, MADV_RANDOM));
    CHK("madvise", "sequential", madvise(p, 4 * PG, MADV_SEQUENTIAL));
    CHK("madvise", "willneed", madvise(p, 4 * PG, MADV_WILLNEED));
    yes("madvise", "hints keep contents", all(p, PG, 0x55) && all(p + PG, 2 * PG, 0));
    CHK("madvise", "unaligned", madvise(p + 1, PG, MADV_NORMAL));
    CHK("madvise", "len-0", madvise(p, 0, MADV_NORMAL));
}

/* ---- mincore --------------------------------------------------------------------------- */

static void test_mincore(void) {
    char *p = anon(8, PROT_READ | PROT_WRITE);
    p[0] = 1; p[2 * PG + 5] = 1; p[5 * PG] = 1; p[7 * PG + PG - 1] = 1;
    residency("mincore", "touched 0,2,5,7 of 8", p, 8);
    unsigned char v[4];
    CHK("mincore", "unaligned", mincore(p + 1, PG, v));
    char *r = reserve(2);
    munmap(r, 2 * PG);
    CHK("mincore", "hole", mincore(r, PG, v));
    munmap(p + 4 * PG, 4 * PG);
    CHK("mincore", "mapping then hole", mincore(p + 2 * PG, 4 * PG, v));
    CHK("mincore", "len-0", mincore(p, 0, v));
}

/* ---- msync ----------------------------------------------------------------------------- */

static void test_msync(void) {
    char *p = anon(2, PROT_READ | PROT_WRITE);
    p[0] = 1;
    CHK("msync", "sync anon", msync(p, 2 * PG, MS_SYNC));
    CHK("msync", "async anon", msync(p, 2 * PG, MS_ASYNC));
    CHK("msync", "invalidate anon", msync(p, 2 * PG, MS_INVALIDATE));
    CHK("msync", "async|sync", msync(p, 2 * PG, MS_ASYNC | MS_SYNC));
    CHK("msync", "bad flag", msync(p, 2 * PG, 0x100));
    CHK("msync", "unaligned", msync(p + 1, PG, MS_SYNC));
    CHK("msync", "len-0", msync(p, 0, MS_SYNC));
    yes("msync", "contents kept", p[0] == 1);
}

/* ---- mlock ----------------------------------------------------------------------------- */

static void test_mlock(void) {
    char *p = anon(4, PROT_READ | PROT_WRITE);
    CHK("mlock", "4 pages", mlock(p, 4 * PG));
    residency("mlock", "locked pages resident", p, 4);
    yes("mlock", "locked pages zero", all(p, 4 * PG, 0));
    CHK("munlock", "4 pages", munlock(p, 4 * PG));
    CHK("mlock", "unaligned start", mlock(p + 1, PG));
    CHK("munlock", "unaligned start", munlock(p + 1, PG));
    CHK("mlock", "len-0", mlock(p, 0));
    CHK("mlockall", "0", mlockall(0));
    CHK("mlockall", "onfault alone", mlockall(MCL_ONFAULT));
    CHK("mlockall", "current|future|onfault", mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT));
    CHK("munlockall", "", munlockall());
    yes("mlock", "contents kept", all(p, 4 * PG, 0));
}

/* ---- the cases where qemu-user 7.2 is not Linux ----------------------------------------- */

static void linux_only(void) {
    char *p = anon(4, PROT_READ | PROT_WRITE), *f;
    CHKP("mmap", "populate", &f, mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0));
    USE(f) residency("mmap", "populate resident", f, 8);
    CHKP("mmap", "fixed-noreplace-used", &f, mmap(p, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
    CHK("mprotect", "len-0", mprotect(p, 0, PROT_READ));
    CHK("mprotect", "unmapped", mprotect(hole(2), 2 * PG, PROT_READ));
    CHKP("mremap", "new size 0", &f, mremap(p, PG, 0, 0));
    CHKP("mremap", "old range not mapped", &f, mremap(hole(1), PG, 2 * PG, MREMAP_MAYMOVE));
    {
        /* 4 pages with free space after them: grow in place */
        char *r = reserve(16), *m;
        char *q = mmap(r, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        munmap(r + 4 * PG, 12 * PG);
        fill(q, 4);
        CHKP("mremap", "grow in place", &m, mremap(q, 4 * PG, 8 * PG, 0));
        yes("mremap", "grow in place same address", m == q);
        if (m == q) {
            yes("mremap", "grow in place contents kept", filled(q, 4));
            yes("mremap", "grow in place new pages zero", all(q + 4 * PG, 4 * PG, 0));
        }
    }
    {
        char *b0 = (char *)syscall(SYS_brk, 0);
        char *a = (char *)(((uintptr_t)b0 + PG - 1) & ~(uintptr_t)(PG - 1));
        syscall(SYS_brk, a + 3 * PG);
        memset(a, 1, 3 * PG);
        syscall(SYS_brk, a);
        yes("brk", "shrunk pages unmapped", !mapped(a) && !mapped(a + 2 * PG));
        syscall(SYS_brk, b0);
    }
    CHK("madvise", "bad advice", madvise(p, PG, 12345));
    CHK("madvise", "hole", madvise(hole(1), PG, MADV_NORMAL));
    CHK("msync", "unmapped", msync(hole(1), PG, MS_SYNC));
    CHK("mlock", "hole", mlock(hole(1), PG));
    CHK("munlock", "hole", munlock(hole(1), PG));
    CHK("mlock2", "flags 0", syscall(SYS_mlock2, p, PG, 0));
    CHK("mlock2", "onfault", syscall(SYS_mlock2, p + PG, PG, MLOCK_ONFAULT));
    CHK("mlock2", "bad flags", syscall(SYS_mlock2, p, PG, 2));
    CHK("munlock", "after mlock2", munlock(p, 2 * PG));
    {
        /* MREMAP_DONTUNMAP: the old range stays mapped and reads zero */
        char *q = anon(2, PROT_READ | PROT_WRITE), *to = hole(2), *m;
        fill(q, 2);
        CHKP("mremap", "dontunmap fixed", &m, mremap(q, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, to));
        USE(m) {
            yes("mremap", "dontunmap fixed at the address asked", m == to);
            if (m == to) yes("mremap", "dontunmap contents moved", filled(m, 2));
            yes("mremap", "dontunmap old range mapped", mapped(q));
            if (mapped(q)) yes("mremap", "dontunmap old range zero", all(q, 2 * PG, 0));
        }
    }
    /* si_code: a hole is SEGV_MAPERR, a page the access is not allowed on SEGV_ACCERR */
    probe("hole read", hole(1), 'r');
    f = anon(1, PROT_READ);
    probe("read-only write", f, 'w');
    f = anon(1, PROT_NONE);
    probe("prot-none read", f, 'r');
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    setvbuf(stdout, obuf, _IOLBF, sizeof obuf); /* each line out as it is done */
    PG = sysconf(_SC_PAGESIZE);
    printf("pagesize %ld\n", PG);
    faults = strcmp(mode, "nofault") != 0;
    if (faults) install_handler();
    if (strcmp(mode, "linux") == 0) {
        show_code = 1;
        linux_only();
        return 0;
    }
    test_mmap();
    test_munmap();
    test_mprotect();
    test_mremap();
    test_brk();
    test_madvise();
    test_mincore();
    test_msync();
    test_mlock();
    printf("done\n");
    return 0;
}
