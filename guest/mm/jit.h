/*
 * Tiny PowerPC code generation for the guest memory tests: instruction words (stored as
 * uint32_t, so in the target's byte order), cache maintenance, and calling generated code on
 * every ABI: ELFv1 (64-bit big-endian) calls through a function descriptor {entry, TOC,
 * environment}; ELFv2 (64-bit little-endian) and the 32-bit SysV ABI call the address.
 */
#include <stdint.h>

/* li rD,v (addi rD,0,v) */
static inline uint32_t op_li(int d, int v) { return 0x38000000u | (uint32_t)d << 21 | ((uint32_t)v & 0xffff); }
/* addi rD,rA,v */
static inline uint32_t op_addi(int d, int a, int v) { return 0x38000000u | (uint32_t)d << 21 | (uint32_t)a << 16 | ((uint32_t)v & 0xffff); }
/* blr */
#define OP_BLR 0x4e800020u

typedef long (*jit_fn)(long);

#if defined(__powerpc64__) && (!defined(_CALL_ELF) || _CALL_ELF < 2)
struct fdesc { void *entry, *toc, *env; };
/* A descriptor for code at p (a small ring: a descriptor stays valid for 16 more calls). */
static inline jit_fn jit_fn_at(void *p) {
    static struct fdesc ring[16];
    static unsigned n;
    struct fdesc *d = &ring[n++ % 16];
    void *toc;
    __asm__ volatile("mr %0,2" : "=r"(toc));
    d->entry = p;
    d->toc = toc;
    d->env = 0;
    return (jit_fn)(void *)d;
}
#else
static inline jit_fn jit_fn_at(void *p) { return (jit_fn)p; }
#endif

/* After writing code: flush the data cache, invalidate the instruction cache. */
static inline void jit_flush(void *p, unsigned long n) {
    __builtin___clear_cache((char *)p, (char *)p + n);
}

/* Write "li r3,v ; blr" at p and flush it. */
static inline void jit_ret(uint32_t *p, int v) {
    p[0] = op_li(3, v);
    p[1] = OP_BLR;
    jit_flush(p, 8);
}
