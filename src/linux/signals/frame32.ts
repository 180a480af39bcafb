// The ppc32 signal frames (arch/powerpc/kernel/signal_32.c, as a 64-bit kernel builds them
// for a 32-bit process — a POWER8 runs one — without transactional memory), big-endian, 32-bit
// longs, as offsets from the frame's start (16-byte aligned). Both hold a struct mcontext:
//
//   +0    mc_gregs[48] (elf_gregset_t), +192 mc_fregs[33] (fpscr last), +456 mc_pad[2] (the
//         stack trampoline of a process without vDSO; unused here), +464 mc_vregs[33]
//         (VR0..31, then VRSAVE in the first word and VSCR in the last word of vector 32),
//         +992 mc_vsregs[32] (the second doublewords of VSR0..31), 1248 bytes
//
// The rt frame (handlers with SA_SIGINFO): 0 siginfo (128), 128 struct ucontext — +0 uc_flags,
// +4 uc_link, +8 uc_stack {ss_sp, ss_flags, ss_size}, +20 uc_pad[7], +48 uc_regs (→ the
// mcontext), +52 uc_sigmask (two words, low signals first), +60 uc_maskext[30], +180
// uc_pad2[3], +192 uc_mcontext (frame+320) — then abigap[56]: 1792 bytes. The handler's
// stack pointer is __SIGNAL_FRAMESIZE + 16 = 80 bytes below it.
//
// The old frame (handlers without SA_SIGINFO): 0 struct sigcontext — +0 _unused[4] (the mask's
// high word in _unused[3]), +16 signal, +20 handler, +24 oldmask, +28 regs (→ the mcontext) —
// 32 the mcontext, then abigap[56]: 1504 bytes. The handler's stack pointer is 64 bytes below.
//
// Neither abigap is written (Linux only leaves it as room): the bytes just below the
// interrupted stack pointer stay as the interrupted code left them, as on ppc64 (frame64.ts),
// where they are the ABI's red zone.

import { Struct } from "../sys/guest-mem.js";
import { SIGINFO_SIZE } from "./siginfo.js";
import type { RegImage } from "./regs.js";
import type { AltStack } from "../task/signal-state.js";
import {
  MSR, getFpregs, getGregs, getVrs, getVsrLow, gregs, imageOf, putFpregs, putGregs, putVrs, putVsrLow, zeroLow, zeroVrs,
  type EntryRegs,
} from "./frame-common.js";

export const MC32 = { FREGS: 192, VREGS: 464, VSREGS: 992, SIZE: 1248 } as const;
export const RT32 = { INFO: 0, UC: 128, UC_STACK: 136, UC_REGS: 176, UC_SIGMASK: 180, MCONTEXT: 320, UC_SIZE: 1440, ABIGAP: 1568, SIZE: 1792 } as const;
export const SIG32 = { SCTX: 0, UNUSED3: 12, SIGNAL: 16, HANDLER: 20, OLDMASK: 24, REGS: 28, MCONTEXT: 32, ABIGAP: 1280, SIZE: 1504 } as const;

/** An mcontext's bytes (save_user_regs). */
function putMcontext(s: Struct, o: number, img: RegImage, entry: EntryRegs): void {
  putGregs(s, o, gregs(img, entry, false), false);
  putFpregs(s, o + MC32.FREGS, img);
  putVrs(s, o + MC32.VREGS, img);
  s.u32(o + MC32.VREGS + 32 * 16, img.vrsave);
  putVsrLow(s, o + MC32.VSREGS, img);
}

export interface Frame32Args {
  readonly frame: number;
  readonly sig: number;
  readonly handler: number;
  readonly oldmask: bigint;
  readonly img: RegImage;
  readonly entry: EntryRegs;
}

/** The rt frame's bytes, up to its abigap (left as it is). */
export function buildRt32(a: Frame32Args & { readonly info: Uint8Array; readonly stack: AltStack }): Uint8Array {
  const s = new Struct(RT32.ABIGAP, false);
  s.b.set(a.info.subarray(0, SIGINFO_SIZE), RT32.INFO);
  s.u32(RT32.UC_STACK, a.stack.sp).u32(RT32.UC_STACK + 4, a.stack.flags).u32(RT32.UC_STACK + 8, a.stack.size);
  s.u32(RT32.UC_REGS, a.frame + RT32.MCONTEXT);
  s.u32(RT32.UC_SIGMASK, Number(a.oldmask & 0xffffffffn)).u32(RT32.UC_SIGMASK + 4, Number(a.oldmask >> 32n));
  putMcontext(s, RT32.MCONTEXT, a.img, a.entry);
  return s.b;
}

/** The old frame's bytes, up to its abigap (left as it is). */
export function buildSig32(a: Frame32Args): Uint8Array {
  const s = new Struct(SIG32.ABIGAP, false);
  s.u32(SIG32.UNUSED3, Number(a.oldmask >> 32n)).i32(SIG32.SIGNAL, a.sig).u32(SIG32.HANDLER, a.handler);
  s.u32(SIG32.OLDMASK, Number(a.oldmask & 0xffffffffn)).u32(SIG32.REGS, a.frame + SIG32.MCONTEXT);
  putMcontext(s, SIG32.MCONTEXT, a.img, a.entry);
  return s.b;
}

/** What a 32-bit sigreturn takes back from an mcontext. */
export interface Restored32 {
  readonly img: RegImage;
  readonly msr: bigint;
  readonly vmx: boolean;
  readonly vsx: boolean;
}

/** An mcontext read back (restore_user_regs): its 48 gregs first, then what its MSR says is there. */
export function restoreMcontext(read: (va: number, len: number) => Uint8Array, va: number): Restored32 {
  const s = new Struct(read(va, MC32.VREGS), false);
  const g = getGregs(s, 0, false);
  const msr = g[33];
  const fp = getFpregs(s, MC32.FREGS);
  const vmx = (msr & MSR.VEC) !== 0n, vsx = (msr & MSR.VSX) !== 0n;
  const v = new Struct(read(va + MC32.VREGS, 33 * 16), false);
  let vr = zeroVrs(), vscr = 0;
  if (vmx) ({ vr, vscr } = getVrs(v, 0));
  const vrsave = v.getU32(32 * 16);
  const low = vsx ? getVsrLow(new Struct(read(va + MC32.VSREGS, 32 * 8), false), 0) : zeroLow();
  return { img: imageOf(g, fp, vr, vscr, vrsave, low), msr, vmx, vsx };
}
