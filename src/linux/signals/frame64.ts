// The ppc64 rt signal frame (arch/powerpc/kernel/signal_64.c struct rt_sigframe, for a kernel
// without transactional memory: the emulated POWER8 has none), both ABIs, as offsets from the
// frame's start (16-byte aligned):
//
//   0     struct ucontext uc (1696)
//           0 uc_flags, 8 uc_link, 16 uc_stack {ss_sp, ss_flags, ss_size}, 40 uc_sigmask,
//           48 __unused[15],
//           168 uc_mcontext (struct sigcontext):
//             +0 _unused[4], +32 signal, +40 handler, +48 oldmask, +56 regs (→ gp_regs),
//             +64 gp_regs[48], +448 fp_regs[33] (fpscr last), +712 v_regs (→ 896),
//             +720 vmx_reserve[101]: 8 bytes of padding, then at frame+896 34 vectors
//             (VR0..31; VSCR in the low word of 32; VRSAVE in the first word of 33) and at
//             frame+1440 the second doublewords of VSR0..31
//   1696  _unused[2], 1712 tramp[7] (unused: the trampoline page returns), 1744 pinfo, 1752 puc
//   1760  struct siginfo info (128)
//   1888  abigap[512] (USER_REDZONE_SIZE: the interrupted code's red zone)
//   2400  end
//
// The abigap is room, never written: it lies over the 288 bytes below the interrupted stack
// pointer, where a function may keep saved registers without moving r1 (the ELF ABIs' red
// zone) — a function interrupted between its `std r31,-8(r1)` and its `stdu` must find them
// there after sigreturn. So the frame's bytes end at ABIGAP.
//
// The handler's stack pointer is 128 bytes (__SIGNAL_FRAMESIZE) below the frame, where the
// interrupted r1 is stored as the back chain; after the handler the trampoline adds the 128
// back, so rt_sigreturn finds the ucontext at r1.

import { Struct } from "../sys/guest-mem.js";
import { SIGINFO_SIZE } from "./siginfo.js";
import type { RegImage } from "./regs.js";
import {
  MSR, getFpregs, getGregs, getVrs, getVsrLow, gregs, imageOf, putFpregs, putGregs, putVrs, putVsrLow, zeroLow, zeroVrs,
  type EntryRegs,
} from "./frame-common.js";
import type { AltStack } from "../task/signal-state.js";

export const F64 = {
  UC_STACK: 16, UC_SIGMASK: 40, MCONTEXT: 168, SIGNAL: 200, HANDLER: 208, OLDMASK: 216, REGS: 224, GP_REGS: 232,
  FP_REGS: 616, V_REGS: 880, VMX: 896, VSX: 896 + 34 * 16, UC_SIZE: 1696, PINFO: 1744, PUC: 1752, INFO: 1760, ABIGAP: 1888, SIZE: 2400,
} as const;

/** What goes into a 64-bit frame besides the registers. */
export interface Frame64Args {
  readonly frame: number;
  readonly le: boolean;
  readonly sig: number;
  readonly handler: number;
  readonly info: Uint8Array;
  /** The mask to restore at sigreturn (the blocked set before delivery, or sigsuspend's). */
  readonly oldmask: bigint;
  /** __save_altstack: the alternate stack as set now. */
  readonly stack: AltStack;
  readonly img: RegImage;
  readonly entry: EntryRegs;
}

/** The frame's bytes: up to the abigap, which is left as it is (the interrupted code's red zone). */
export function build64(a: Frame64Args): Uint8Array {
  const s = new Struct(F64.ABIGAP, a.le);
  s.u64(F64.UC_STACK, a.stack.sp).u32(F64.UC_STACK + 8, a.stack.flags).u64(F64.UC_STACK + 16, a.stack.size);
  s.u64(F64.UC_SIGMASK, a.oldmask);
  s.i32(F64.SIGNAL, a.sig).u64(F64.HANDLER, a.handler).u64(F64.REGS, a.frame + F64.GP_REGS);
  putGregs(s, F64.GP_REGS, gregs(a.img, a.entry, true), true);
  putFpregs(s, F64.FP_REGS, a.img);
  s.u64(F64.V_REGS, a.frame + F64.VMX);
  putVrs(s, F64.VMX, a.img);
  s.u32(F64.VMX + 33 * 16, a.img.vrsave);
  putVsrLow(s, F64.VSX, a.img);
  s.u64(F64.PINFO, a.frame + F64.INFO).u64(F64.PUC, a.frame);
  s.b.set(a.info.subarray(0, SIGINFO_SIZE), F64.INFO);
  return s.b;
}

/** What rt_sigreturn takes back from a ucontext. */
export interface Restored {
  readonly mask: bigint;
  readonly img: RegImage;
  readonly msr: bigint;
  readonly vmx: boolean;
  readonly vsx: boolean;
  readonly stack: AltStack;
}

/**
 * A 64-bit ucontext read back (restore_sigcontext): `uc` holds its bytes; the vector registers
 * are wherever its v_regs points, read through `read` (which throws GuestFault for a bad
 * pointer: the frame is then corrupt).
 */
export function restore64(uc: Uint8Array, le: boolean, read: (va: number, len: number) => Uint8Array): Restored {
  const s = new Struct(uc, le);
  const g = getGregs(s, F64.GP_REGS, true);
  const msr = g[33];
  const fp = getFpregs(s, F64.FP_REGS);
  const vregs = s.getU64(F64.V_REGS);
  const vmx = (msr & MSR.VEC) !== 0n, vsx = (msr & MSR.VSX) !== 0n;
  let vr = zeroVrs(), vscr = 0, vrsave = 0, low = zeroLow();
  if (vregs !== 0) {
    const v = new Struct(read(vregs, 34 * 16), le);
    if (vmx) ({ vr, vscr } = getVrs(v, 0));
    vrsave = v.getU32(33 * 16);
  }
  if (vsx) low = getVsrLow(new Struct(read(vregs + 34 * 16, 32 * 8), le), 0);
  return {
    mask: s.dv.getBigUint64(F64.UC_SIGMASK, le), img: imageOf(g, fp, vr, vscr, vrsave, low), msr, vmx, vsx,
    stack: { sp: s.getU64(F64.UC_STACK), flags: s.getU32(F64.UC_STACK + 8), size: s.getU64(F64.UC_STACK + 16) },
  };
}

/** Bytes of a ucontext rt_sigreturn reads. */
export const UC64_SIZE = F64.UC_SIZE;
