// The signal trampolines: the code a handler returns through to enter sigreturn. Linux keeps
// them in the vDSO (__kernel_start_sigtramp_rt64 / __kernel_sigtramp_rt64, __kernel_sigtramp32,
// __kernel_sigtramp_rt32) and writes them on the stack only when a process has no vDSO; k42ts
// gives processes no vDSO, and the stack is not executable (PT_GNU_STACK), so — like qemu-user,
// which maps a page of trampolines at exec — one read-only, executable page per address space
// holds the vDSO's sequences, mapped at the first delivery to a handler. The words after the
// 64-bit sequence are the vDSO's too: libgcc's unwinder recognises a signal frame from the
// instructions at the return address and, for the 64-bit one, reads a magic "ucontext
// pointer" (-21 * 8) 32 bytes past it that tells it to look for the ucontext on the stack.

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

const BCTRL = 0x4e800421, SC = 0x44000002;
const li0 = (v: number): number => (0x38000000 | v) >>> 0;
const addi1 = (v: number): number => (0x38210000 | v) >>> 0;

/** Where each sequence starts in the page. */
export const TRAMP = {
  /** ppc64: `bctrl` (entered with CTR = the handler), then the return path at +4. */
  rt64: 0,
  /** ppc32: `li r0,119; sc` (a handler without SA_SIGINFO returns here). */
  sigreturn32: 0,
  /** ppc32: `li r0,172; sc`. */
  rt32: 8,
} as const;

/** The page's contents for a process of this ABI. */
function pageBytes(is64: boolean, le: boolean): Uint8Array {
  const s = new Struct(64, le);
  if (is64) {
    s.u32(0, BCTRL).u32(4, addi1(SIGNAL_FRAMESIZE.ppc64)).u32(8, li0(NR_RT_SIGRETURN)).u32(12, SC);
    // .long 0,0,0 ; .quad 0, -21*8: pinfo and the magic puc of the old stack trampoline layout.
    s.i64(36, -21 * 8);
  } else {
    s.u32(TRAMP.sigreturn32, li0(NR_SIGRETURN)).u32(TRAMP.sigreturn32 + 4, SC);
    s.u32(TRAMP.rt32, li0(NR_RT_SIGRETURN)).u32(TRAMP.rt32 + 4, SC);
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
