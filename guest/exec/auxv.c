/*
 * What the kernel hands a new process, printed for comparison: the auxiliary vector (numbers
 * as they are; addresses as facts about where they point, since the layouts differ), the
 * layout of the strings and tables on the initial stack, and the registers at the entry point.
 *
 * Freestanding (no libc), so that the same program links as an ET_EXEC (-static) and as a
 * static PIE (-static-pie, which the cross glibc cannot build): a PIE relocates itself from its
 * own dynamic section before it touches any global.
 */
#include <elf.h>

typedef unsigned long ulong;

#ifdef __LP64__
typedef Elf64_Ehdr Ehdr;
typedef Elf64_Phdr Phdr;
typedef Elf64_Dyn Dyn;
typedef Elf64_Rela Rela;
#define RTYPE(i) ((i) & 0xffffffff)
#else
typedef Elf32_Ehdr Ehdr;
typedef Elf32_Phdr Phdr;
typedef Elf32_Dyn Dyn;
typedef Elf32_Rela Rela;
#define RTYPE(i) ((i) & 0xff)
#endif
#define R_RELATIVE 22 /* R_PPC_RELATIVE and R_PPC64_RELATIVE */

/*
 * _start: save the registers the kernel set (below the stack pointer, which nothing uses yet),
 * then call cstart(sp, saved) on a fresh frame.
 */
#define SAVE64(n) "std " #n ",-256+8*" #n "(1)\n"
#define SAVE32(n) "stw " #n ",-128+4*" #n "(1)\n"
#define SAVE_ALL(S) S(0) S(2) S(3) S(4) S(5) S(6) S(7) S(8) S(9) S(10) S(11) S(12) S(13) S(14) S(15) \
  S(16) S(17) S(18) S(19) S(20) S(21) S(22) S(23) S(24) S(25) S(26) S(27) S(28) S(29) S(30) S(31)

#if defined(__powerpc64__) && _CALL_ELF == 2
__asm__(".text\n.globl _start\n.type _start,@function\n_start:\n" SAVE_ALL(SAVE64)
        "addis 2,12,.TOC.-_start@ha\naddi 2,2,.TOC.-_start@l\n"
        "mr 3,1\naddi 4,1,-256\nclrrdi 1,1,4\naddi 1,1,-512\nli 0,0\nstd 0,0(1)\nbl cstart\nnop\ntrap\n");
#elif defined(__powerpc64__)
__asm__(".section .opd,\"aw\"\n.align 3\n.globl _start\n_start: .quad .L._start,.TOC.@tocbase,0\n"
        ".text\n.L._start:\n" SAVE_ALL(SAVE64)
        "mr 3,1\naddi 4,1,-256\nclrrdi 1,1,4\naddi 1,1,-512\nli 0,0\nstd 0,0(1)\nbl cstart\nnop\ntrap\n");
#else
__asm__(".text\n.globl _start\n.type _start,@function\n_start:\n" SAVE_ALL(SAVE32)
        "mr 3,1\naddi 4,1,-128\nclrrwi 1,1,4\naddi 1,1,-256\nli 0,0\nstw 0,0(1)\nbl cstart\ntrap\n");
#endif

static long sys3(long nr, long a, long b, long c) {
    register long r0 __asm__("r0") = nr;
    register long r3 __asm__("r3") = a;
    register long r4 __asm__("r4") = b;
    register long r5 __asm__("r5") = c;
    __asm__ volatile("sc" : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5) : : "r6", "r7", "r8", "r9", "r10", "r11", "r12", "cr0", "ctr", "memory");
    return r3;
}

static void quit(int code) {
    sys3(234, code, 0, 0); /* exit_group */
    for (;;) sys3(1, code, 0, 0);
}

/* A static PIE's own relocations: only R_PPC*_RELATIVE, from its PT_DYNAMIC. Uses no global. */
static void relocate(ulong *auxv) {
    ulong phdr = 0, phnum = 0;
    for (ulong *a = auxv; a[0] != AT_NULL; a += 2) {
        if (a[0] == AT_PHDR) phdr = a[1];
        if (a[0] == AT_PHNUM) phnum = a[1];
    }
    Phdr *ph = (Phdr *)phdr;
    ulong base = 0, dynamic = 0;
    int have_base = 0;
    for (ulong i = 0; i < phnum; i++) {
        if (ph[i].p_type == PT_PHDR) { base = phdr - ph[i].p_vaddr; have_base = 1; }
        if (ph[i].p_type == PT_DYNAMIC) dynamic = ph[i].p_vaddr;
    }
    if (dynamic == 0) return; /* ET_EXEC: nothing to do */
    if (!have_base) base = phdr - sizeof(Ehdr); /* first PT_LOAD at 0 with the headers */
    ulong rela = 0, relasz = 0, relaent = sizeof(Rela);
    for (Dyn *d = (Dyn *)(base + dynamic); d->d_tag != DT_NULL; d++) {
        if (d->d_tag == DT_RELA) rela = d->d_un.d_ptr;
        if (d->d_tag == DT_RELASZ) relasz = d->d_un.d_val;
        if (d->d_tag == DT_RELAENT) relaent = d->d_un.d_val;
    }
    for (ulong o = 0; o < relasz; o += relaent) {
        Rela *r = (Rela *)(base + rela + o);
        if (RTYPE(r->r_info) != R_RELATIVE) quit(99);
        *(ulong *)(base + r->r_offset) = base + r->r_addend;
    }
}

static char out[16384];
static ulong pos;

static void put(const char *s) {
    while (*s && pos < sizeof out) out[pos++] = *s++;
}

static void hex(ulong v) {
    char b[24];
    int n = 0;
    do { b[n++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
    put("0x");
    while (n) { char c[2] = {b[--n], 0}; put(c); }
}

static void dec(ulong v) {
    char b[24];
    int n = 0;
    do { b[n++] = '0' + v % 10; v /= 10; } while (v);
    while (n) { char c[2] = {b[--n], 0}; put(c); }
}

static ulong slen(const char *s) {
    ulong n = 0;
    while (s[n]) n++;
    return n;
}

static const char *name(ulong t) {
    switch (t) {
    case AT_PHDR: return "AT_PHDR"; case AT_PHENT: return "AT_PHENT"; case AT_PHNUM: return "AT_PHNUM";
    case AT_PAGESZ: return "AT_PAGESZ"; case AT_BASE: return "AT_BASE"; case AT_FLAGS: return "AT_FLAGS";
    case AT_ENTRY: return "AT_ENTRY"; case AT_UID: return "AT_UID"; case AT_EUID: return "AT_EUID";
    case AT_GID: return "AT_GID"; case AT_EGID: return "AT_EGID"; case AT_PLATFORM: return "AT_PLATFORM";
    case AT_HWCAP: return "AT_HWCAP"; case AT_CLKTCK: return "AT_CLKTCK"; case AT_DCACHEBSIZE: return "AT_DCACHEBSIZE";
    case AT_ICACHEBSIZE: return "AT_ICACHEBSIZE"; case AT_UCACHEBSIZE: return "AT_UCACHEBSIZE";
    case AT_IGNOREPPC: return "AT_IGNOREPPC"; case AT_SECURE: return "AT_SECURE"; case AT_BASE_PLATFORM: return "AT_BASE_PLATFORM";
    case AT_RANDOM: return "AT_RANDOM"; case AT_HWCAP2: return "AT_HWCAP2"; case AT_EXECFN: return "AT_EXECFN";
    case AT_SYSINFO_EHDR: return "AT_SYSINFO_EHDR"; case 40: return "AT_L1I_CACHESIZE"; case 41: return "AT_L1I_CACHEGEOMETRY";
    case 42: return "AT_L1D_CACHESIZE"; case 43: return "AT_L1D_CACHEGEOMETRY"; case 44: return "AT_L2_CACHESIZE";
    case 45: return "AT_L2_CACHEGEOMETRY"; case 46: return "AT_L3_CACHESIZE"; case 47: return "AT_L3_CACHEGEOMETRY";
    case 51: return "AT_MINSIGSTKSZ";
    default: return 0;
    }
}

extern const Ehdr __ehdr_start;
extern char _start[];

static void yesno(const char *what, int ok) {
    put(what);
    put(ok ? " yes\n" : " no\n");
}

__attribute__((visibility("hidden"), used)) void cstart(ulong *sp, ulong *regs) {
    ulong argc = sp[0];
    char **argv = (char **)(sp + 1), **envp = argv + argc + 1, **e = envp;
    while (*e) e++;
    ulong envc = (ulong)(e - envp);
    ulong *auxv = (ulong *)(e + 1);
    relocate(auxv);

    ulong entry = 0, random = 0, execfn = 0, platform = 0, base_platform = 0, base = 1;
    put("auxv:\n");
    for (ulong *a = auxv; a[0] != AT_NULL; a += 2) {
        ulong t = a[0], v = a[1];
        const char *n = name(t);
        if (n) put(n); else { put("AT_"); dec(t); }
        put(" ");
        switch (t) {
        case AT_PHDR: put((Phdr *)v == (Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff) ? "=ehdr+e_phoff" : "elsewhere"); break;
        case AT_ENTRY: entry = v; put(v == (ulong)_start ? "=_start" : "elsewhere"); break;
        case AT_BASE: base = v; if (v == 0) put("0"); else put("nonzero"); break;
        case AT_RANDOM: random = v; put("16 bytes"); break;
        case AT_EXECFN: execfn = v; put("\""); put((char *)v); put("\""); break;
        case AT_PLATFORM: platform = v; put("\""); put((char *)v); put("\""); break;
        case AT_BASE_PLATFORM: base_platform = v; put("\""); put((char *)v); put("\""); break;
        case AT_SYSINFO_EHDR: put(v ? "vdso" : "0"); break;
        default: hex(v);
        }
        put("\n");
    }
    (void)base;

    put("args: argc "); dec(argc); put(", envc "); dec(envc); put("\n");
    for (ulong i = 0; i < argc; i++) { put("argv["); dec(i); put("] \""); put(argv[i]); put("\"\n"); }

    put("layout:\n");
    yesno("sp 16-byte aligned", ((ulong)sp & 15) == 0);
    yesno("auxv right after envp's NULL", auxv == (ulong *)(e + 1));
    int contiguous = 1;
    for (ulong i = 0; i + 1 < argc; i++) contiguous &= argv[i] + slen(argv[i]) + 1 == argv[i + 1];
    for (ulong i = 0; i + 1 < envc; i++) contiguous &= envp[i] + slen(envp[i]) + 1 == envp[i + 1];
    yesno("argv and envp strings each in order, back to back", contiguous);
    char *last_arg_end = argc ? argv[argc - 1] + slen(argv[argc - 1]) + 1 : 0;
    if (argc && envc) yesno("environment strings right after the arguments", last_arg_end == envp[0]);
    char *strings_end = envc ? envp[envc - 1] + slen(envp[envc - 1]) + 1 : last_arg_end;
    if (execfn) {
        yesno("execfn right after the strings", (char *)execfn == strings_end);
        ulong end = execfn + slen((char *)execfn) + 1;
        yesno("one zero word then the stack top after execfn", *(ulong *)end == 0 && ((end + 8) & 4095) == 0);
    }
    char *lowest = argc ? argv[0] : (char *)execfn;
    if (random) yesno("random bytes below the strings", random + 16 <= (ulong)lowest && random > (ulong)(auxv));
    if (platform) yesno("platform strings between the random bytes and the strings", platform > random && platform < (ulong)lowest && base_platform > random && base_platform < platform);

    put("registers:\n");
    ulong toc;
#ifdef __powerpc64__
    __asm__("mr %0,2" : "=r"(toc));
#else
    toc = 0;
#endif
    for (int i = 0; i < 32; i++) {
        if (i == 1) continue;
        ulong v = regs[i];
        if (v == 0) continue;
        put("r"); dec(i); put(" ");
        put(v == entry ? "=entry\n" : toc && v == toc ? "=toc\n" : "other\n");
    }
    put("end\n");
    sys3(4, 1, (long)out, (long)pos); /* write */
    quit(0);
}
