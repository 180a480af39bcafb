// Floating-point enabled exceptions as program interrupts (Power ISA 2.07 Book I 4.4, Book III
// 6.5.9): with MSR[FE0 FE1] != 0, an FP instruction that causes an exception whose enable bit
// is on (VE OE UE ZE XE: FPSCR[FEX] becomes 1), or an mtfsf/mtfsfi/mtfsb1 that leaves an
// exception bit and its enable bit both on, takes a program interrupt at that instruction. The
// processor runs its threads in precise mode whatever the nonzero value (the ISA lets an
// implementation treat the imprecise modes as precise, and POWER8 does).
//
// What the instruction leaves behind follows qemu 7.2 (target/ppc/fpu_helper.c), which raises
// the interrupt at two points:
//  - invalid operation (VE = 1) and zero divide (ZE = 1): at once, when the exception is
//    recorded: FRT (the whole target VSR) is unchanged, the FPSCR holds the bits recorded so
//    far (the exception, FX, FEX, VX; FR and FI cleared), FPRF unchanged; the rest of the
//    instruction (CR1 for Rc = 1) does not happen. This is also the ISA's rule.
//  - overflow, underflow, inexact (OE, UE, XE = 1): after the instruction, its result written
//    and the FPSCR complete. The ISA wants the exponent-adjusted result (the exact result
//    scaled by 2^-1536 or 2^+1536, 2^-/+192 for single precision) for enabled overflow and
//    underflow; qemu 7.2 writes the unadjusted result ("XXX: should adjust the result"), and
//    k42ts does too: the adjusted result is not built.
//
// The engines treat the interrupt like a storage fault: the instruction does not retire, the
// PC stays on it (SRR0 = its address, what Linux reports in si_addr and returns to), and the
// exit is Exit.FpEnabled. Running in this mode costs nothing when it is off: the checks below
// run only in wrapped handlers (`trapping`), which the engines use only while the thread's
// FE0/FE1 are nonzero (a mode bit of the code cache, like 64-bit and little-endian), and the
// FPSCR code marks `c.fpNow` only where it sets FEX.

import type { Cpu } from "../cpu.js";
import type { Handler, OpDef } from "../decode.js";
import { S } from "../state.js";
import { Fp } from "./fpscr.js";

/** Thrown out of an instruction's handler: a floating-point enabled exception program interrupt. */
export class FpEnabledTrap extends Error {
  constructor() {
    // An event of the guest: no host stack to capture.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super("floating-point enabled exception");
    Error.stackTraceLimit = limit;
  }
}

/** The code-cache mode bit of a thread running with MSR[FE0 FE1] != 0. */
export const MODE_FE = 4;

/** FPSCR exceptions whose enabled occurrence interrupts at once (before the result is written). */
const IMMEDIATE = Fp.VX | Fp.ZX;

/**
 * Called by fpRaise when exceptions `now` occurring in this instruction are enabled (FEX set):
 * marks the instruction for its wrapper and, in the trapping mode, interrupts at once for an
 * invalid operation or a zero divide.
 */
export function fpEnabledNow(c: Cpu, now: number): void {
  c.fpNow = 1;
  if ((c.modeBits & MODE_FE) !== 0 && ((now >>> 22) & c.r[S.FPSCR] & (IMMEDIATE >>> 22)) !== 0) throw new FpEnabledTrap();
}

/** The primary opcodes of the instructions that may set FPSCR exception bits (FP and VSX). */
const FP_PRIMARY = new Set([59, 60, 63]);

/** Whether `def` may cause an FP enabled exception (its handler is wrapped in the trapping mode). */
export function mayTrap(def: OpDef): boolean {
  return FP_PRIMARY.has(def.match >>> 26);
}

/** The instructions that interrupt when they leave FEX set (the FPSCR writes). */
const FPSCR_WRITES = new Set(["mtfsf", "mtfsfi", "mtfsb1"]);

/** Wrapped handlers, one per definition (definitions are immutable and shared). */
const wrapped = new WeakMap<OpDef, Handler>();

/**
 * `def`'s handler for a thread with MSR[FE0 FE1] != 0: the target VSR is kept to be put back by
 * an immediate interrupt, and the instruction interrupts at its end if it caused an enabled
 * exception (or, for an FPSCR write, left one enabled and set).
 */
export function trapping(def: OpDef): Handler {
  let h = wrapped.get(def);
  if (h !== undefined) return h;
  const exec = def.exec;
  const fpscrWrite = FPSCR_WRITES.has(def.mnemonic);
  const vsx = def.match >>> 26 === 60;
  h = (c: Cpu, w: number, pc: number): void => {
    // FRT is VSR RT; a VSX target is XT = TX || T (TX the word's last bit).
    const t = S.VSR + (((w >>> 21) & 31) | (vsx ? (w & 1) << 5 : 0)) * 4;
    const r = c.r;
    const t0 = r[t], t1 = r[t + 1], t2 = r[t + 2], t3 = r[t + 3];
    c.fpNow = 0;
    try {
      exec(c, w, pc);
    } catch (e) {
      if (e instanceof FpEnabledTrap) {
        r[t] = t0;
        r[t + 1] = t1;
        r[t + 2] = t2;
        r[t + 3] = t3;
        c.fpc = pc;
      }
      throw e;
    }
    if (c.fpNow !== 0 || (fpscrWrite && (r[S.FPSCR] & Fp.FEX) !== 0)) {
      c.fpc = pc;
      throw new FpEnabledTrap();
    }
  };
  wrapped.set(def, h);
  return h;
}
