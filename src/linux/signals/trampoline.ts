// The signal trampolines: the code a handler returns through to enter sigreturn. Linux keeps
// them in the vDSO (__kernel_start_sigtramp_rt64 / __kernel_sigtramp_rt64, __kernel_sigtramp32,
// __kernel_sigtramp_rt32) and writes them on the stack only when a process has no vDSO; k42ts
// gives processes no vDSO, and the stack is not executable (PT_GNU_STACK), so — like qemu-user,
// which maps a page of trampolines at exec — one read-only, executable page per address space
// holds them, mapped at the first delivery to a handler. The register protocol is the vDSO's:
// ppc64 enters the handler through `bctrl` and comes back to `r1 += 128; r0 = 172; sc`, so that
// rt_sigreturn finds the ucontext at r1; ppc32 returns to `r0 = 119 or 172; sc`.
//
// The instructions are ordered differently from the vDSO's on purpose. Unwinders find a signal
// frame through the vDSO's call-frame information (libgcc, via dl_iterate_phdr); without it,
// libgcc falls back to reading the code at the return address, and that fallback is broken in
// the GCC 10-12 libgcc the Debian cross toolchains ship (it names the return-address column by
// GCC's internal register number, whose saved size is not a word, and aborts): qemu-ppc's
// trampoline matches it and glibc's backtrace() from a handler aborts there. An unrecognised
// sequence makes the unwinder stop at the trampoline instead. Crossing the frame, as on Linux,
// needs a vDSO with CFI (not built).
import { PAGE_SIZE } from "../../machine/memory.js";
import { Pte } from "../../machine/pagetable.js";
import { RegionKind } from "../../kernel/mem/region.js";
import type { Block } from "../../kernel/sched/thread.js";
import { findFree, type SysContext } from "../process/syscalls.js";
import { Struct } from "../sys/guest-mem.js";

/** Syscall numbers of the two sigreturns (the same on both PowerPC ABIs). */
export const NR_SIGRETURN = 119, NR_RT_SIGRETURN = 172;
/** __SIGNAL_FRAMESIZE: the dummy caller frame below a signal frame. */
export const SIGNAL_FRAMESIZE = { ppc64: 128, ppc32: 64 } as const;

const BCTRL = 0x4e800421, SC = 0x44000002, NOP = 0x60000000;
const li0 = (v: number): number => (0x38000000 | v) >>> 0;
const addi1 = (v: number): number => (0x38210000 | v) >>> 0;

/** Where each sequence starts in the page. */
export const TRAMP = {
  /** ppc64: `bctrl` (entered with CTR = the handler), then the return path at +4. */
  rt64: 0,
  /** ppc32: `li r0,119; nop; sc` (a handler without SA_SIGINFO returns here). */
  sigreturn32: 0,
  /** ppc32: `li r0,172; nop; sc`. */
  rt32: 16,
} as const;

/** The page's contents for a process of this ABI. */
function pageBytes(is64: boolean, le: boolean): Uint8Array {
  const s = new Struct(64, le);
  if (is64) {
    s.u32(0, BCTRL).u32(4, li0(NR_RT_SIGRETURN)).u32(8, addi1(SIGNAL_FRAMESIZE.ppc64)).u32(12, SC);
  } else {
    s.u32(TRAMP.sigreturn32, li0(NR_SIGRETURN)).u32(TRAMP.sigreturn32 + 4, NOP).u32(TRAMP.sigreturn32 + 8, SC);
    s.u32(TRAMP.rt32, li0(NR_RT_SIGRETURN)).u32(TRAMP.rt32 + 4, NOP).u32(TRAMP.rt32 + 8, SC);
  }
  return s.b;
}

/** The trampoline page of the current address space, if it is mapped. */
export function trampolineOf(ctx: SysContext): number | undefined {
  const t = ctx.task.signals.trampoline;
  return t !== undefined && t.space === ctx.space ? t.va : undefined;
}

/**
 * Map the trampoline page in the current address space (below the mmap area, as the vDSO
 * sits): read and execute only, its words written by the kernel. False when the address
 * space has no room for it.
 */
export function* mapTrampoline(ctx: SysContext): Generator<Block, boolean, unknown> {
  const va = findFree(ctx, PAGE_SIZE);
  if (va === undefined) return false; // no room: the delivery fails as a frame that cannot be written
  yield* ctx.space.map(va, va + PAGE_SIZE, { prot: Pte.Read | Pte.Exec, kind: RegionKind.Anonymous, flags: 0 });
  ctx.space.poke(va, pageBytes(ctx.image.is64, ctx.image.le));
  ctx.task.signals.trampoline = { space: ctx.space, va };
  return true;
}
