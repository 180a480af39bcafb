// The Floating-Point Status and Control Register, with the semantics qemu 7.2 (-cpu power8)
// gives it; qemu is the oracle where it departs from the ISA text (noted below).
//
// Storage: state word S.FPSCR holds FPSCR bits 32:63 (the classic register; ISA bit b is
// `1 << (63 - b)`), S.FPSCR_HI holds bits 0:31, of which only DRN (bits 29:31, `& 7`) exists.
// All bit constants below (`Fp.*`) are masks on the S.FPSCR word.
//
// API (all allocation-free, taking the Cpu; for the hot path of every FP instruction):
//
//   fpRN(c)                      rounding mode, FPSCR[RN]: 0 nearest-even, 1 toward zero,
//                                2 toward +Inf, 3 toward -Inf (FpRound). NI is ignored (qemu).
//   fpRoundRebias(c)             the same with softfloat's RB bits for UE and OE (the
//                                exponent-adjusted results of enabled overflow and underflow).
//   fpRaise(c, bits)             record exception bits (Fp.OX/UX/ZX/XX and Fp.VX* bits): ORs
//                                them in, sets FX (qemu sets FX on every occurrence, not only on
//                                a 0->1 change), VX when any VX* bit is given, and FEX when an
//                                occurring exception is enabled (VE OE UE ZE XE).
//   fpInvalidArith(c, vxbit, setFpcc)
//                                an invalid operation of an arithmetic instruction (VXISI,
//                                VXIDI, VXZDZ, VXIMZ, VXSQRT, VXCVI): clears FR and FI, and when
//                                VE is 0 and setFpcc, sets FPRF to C|FU (the QNaN class); then
//                                fpRaise(vxbit). (qemu finish_invalid_op_arith.) vxbit may hold
//                                several bits (fcti*: VXCVI | VXSNAN).
//   fpVxsnan(c)                  an SNaN operand: fpRaise(VXSNAN) only (no FR/FI/FPRF change).
//   fpZeroDivide(c)              ZX: fpRaise(ZX) and clear FR and FI.
//   fpFinish(c, flags, setFI)    the end of an arithmetic instruction (qemu
//                                do_float_check_status): `flags` is a FpFlag set from the
//                                rounding (Overflow, Underflow, Inexact). Overflow records OX and,
//                                when OE is 0, also inexact (XX); else Underflow records UX;
//                                Inexact records XX; if setFI, FI := inexact. FR is never set by
//                                qemu 7.2 (only cleared by invalid operations): no FR argument.
//   fpSetFRFI(c, fr, fi)         set FR and FI (0/1) directly (for instructions that define them).
//   fprfOf(lo, hi)               the 5-bit FPRF class code of a double given as raw words.
//   fprfOf32(bits)               the same for a single-precision value (float32 bits).
//   fpSetFPRF(c, lo, hi)         FPRF := class of a double (raw words). qemu classifies the
//                                double-format result even for single-precision instructions
//                                (fadds, frsp, ...): a single denormal held as a double is
//                                "normal" there; use this one for those too to match qemu.
//   fpSetFPRF32(c, bits)         FPRF := class of a float32 (VSX scalar-single conversions).
//   fpSetFPRFNum(c, x)           FPRF := class of a JS number (a NaN is taken as a QNaN).
//   fpSetFPCC(c, cc)             FPCC (FL FG FE FU) := cc (4 bits), C unchanged.
//   fpCR1(c)                     CR1 := FX FEX VX OX (for Rc=1 forms).
//   fpStore(c, lo, hi, nibbles)  write FPSCR nibbles (bit k of `nibbles` selects nibble k counted
//                                from the least significant end: 0..7 in S.FPSCR, 8..15 in
//                                S.FPSCR_HI) from (lo, hi) as mtfsf/mtfsfi/mcrfs do, then
//                                normalise (qemu ppc_store_fpscr): bits 0:28 and bit 52 are
//                                always 0, VX := OR of the VX* bits, FEX := OR of (exception &
//                                enable) pairs; FX is stored as given.
//   fpNormalize(lo)              that normalisation of a low word (returns the new word).
//
// Traps: with MSR[FE0,FE1] = 0 (how Linux starts a process: PR_FP_EXC_DISABLED) FEX is set
// and nothing traps. A thread that asked for traps (prctl PR_SET_FPEXC) runs its FP
// instructions through fpu/trap.ts's wrappers: an enabled exception is then a program
// interrupt (Exit.FpEnabled). Where FEX gets set for an exception occurring now, the code
// tells fpu/trap.ts (fpEnabledNow, or `c.fpNow = 1` in the inline fast paths), and only there.
// qemu-user behaves as if FE0/FE1 were always nonzero (fp_exceptions_enabled() is true in user
// mode): differential tests that run with traps off must not combine an enable bit with an
// exception of that kind.

import type { Cpu } from "../cpu.js";
import { S } from "../state.js";
import { fpEnabledNow } from "./trap.js";

/** FPSCR bit masks on the S.FPSCR word (bits 32:63). */
export const enum Fp {
  FX = 1 << 31,
  FEX = 1 << 30,
  VX = 1 << 29,
  OX = 1 << 28,
  UX = 1 << 27,
  ZX = 1 << 26,
  XX = 1 << 25,
  VXSNAN = 1 << 24,
  VXISI = 1 << 23,
  VXIDI = 1 << 22,
  VXZDZ = 1 << 21,
  VXIMZ = 1 << 20,
  VXVC = 1 << 19,
  FR = 1 << 18,
  FI = 1 << 17,
  /** FPRF bit 0: the class descriptor. */
  C = 1 << 16,
  FL = 1 << 15,
  FG = 1 << 14,
  FE = 1 << 13,
  FU = 1 << 12,
  /** FPCC = FL FG FE FU. */
  FPCC = 0xf << 12,
  /** FPRF = C FL FG FE FU (class codes from fprfOf are shifted by FPRF_SHIFT). */
  FPRF = 0x1f << 12,
  /** Bit 52: reserved, always 0. */
  RES52 = 1 << 11,
  VXSOFT = 1 << 10,
  VXSQRT = 1 << 9,
  VXCVI = 1 << 8,
  VE = 1 << 7,
  OE = 1 << 6,
  UE = 1 << 5,
  ZE = 1 << 4,
  XE = 1 << 3,
  NI = 1 << 2,
  RN = 3,
  /** All invalid-operation exception bits (VX is their summary). */
  VXALL = VXSNAN | VXISI | VXIDI | VXZDZ | VXIMZ | VXVC | VXSOFT | VXSQRT | VXCVI,
  ENABLES = VE | OE | UE | ZE | XE,
  /** The bits mcrfs clears in the field it copies (FX and the exception bits; not FEX/VX). */
  EXC_CLEAR = FX | OX | UX | ZX | XX | VXALL,
}

export const FPRF_SHIFT = 12;
/** Bits of S.FPSCR_HI that exist (DRN, FPSCR bits 29:31). */
export const FPSCR_HI_MASK = 7;

/** FPSCR[RN] values. */
export const enum FpRound {
  Nearest = 0,
  Zero = 1,
  Up = 2,
  Down = 3,
}

/** Flags from rounding a result, for fpFinish. */
export const enum FpFlag {
  None = 0,
  Inexact = 1,
  Underflow = 2,
  Overflow = 4,
}

/** FPRF class codes (C FL FG FE FU). */
export const enum Fprf {
  QNaN = 0x11,
  NegInf = 0x09,
  NegNormal = 0x08,
  NegDenormal = 0x18,
  NegZero = 0x12,
  PosZero = 0x02,
  PosDenormal = 0x14,
  PosNormal = 0x04,
  PosInf = 0x05,
  /** qemu leaves the SNaN class "undefined" and writes 0. */
  SNaN = 0x00,
}

export function fpRN(c: Cpu): number {
  return c.r[S.FPSCR] & 3;
}

/**
 * The rounding mode with softfloat.ts's RB bits for FPSCR[UE] (4) and [OE] (8): what the exact
 * core needs to give an enabled overflow or underflow its exponent-adjusted result.
 */
export function fpRoundRebias(c: Cpu): number {
  const v = c.r[S.FPSCR];
  return (v & 3) | ((v & Fp.UE) !== 0 ? 4 : 0) | ((v & Fp.OE) !== 0 ? 8 : 0);
}

/** FEX from the exception/enable pairs (XX..OX, VX at bits 25..29 against XE..VE at 3..7). */
function fexOf(v: number): number {
  return ((v >>> 22) & v & 0xf8) !== 0 ? Fp.FEX : 0;
}

export function fpRaise(c: Cpu, bits: number): void {
  let v = c.r[S.FPSCR] | bits | Fp.FX;
  if ((bits & Fp.VXALL) !== 0) v |= Fp.VX;
  // FEX for the exceptions that occur now (not for old ones).
  const now = bits | ((bits & Fp.VXALL) !== 0 ? Fp.VX : 0);
  if (((now >>> 22) & v & 0xf8) !== 0) {
    c.r[S.FPSCR] = v | Fp.FEX;
    fpEnabledNow(c, now); // may interrupt here (fpu/trap.ts)
    return;
  }
  c.r[S.FPSCR] = v;
}

export function fpInvalidArith(c: Cpu, vxbit: number, setFpcc: boolean): void {
  let v = c.r[S.FPSCR] & ~(Fp.FR | Fp.FI);
  if (setFpcc && (v & Fp.VE) === 0) v = (v & ~Fp.FPRF) | Fp.C | Fp.FU;
  c.r[S.FPSCR] = v;
  fpRaise(c, vxbit);
}

export function fpVxsnan(c: Cpu): void {
  fpRaise(c, Fp.VXSNAN);
}

export function fpZeroDivide(c: Cpu): void {
  c.r[S.FPSCR] &= ~(Fp.FR | Fp.FI);
  fpRaise(c, Fp.ZX);
}

export function fpFinish(c: Cpu, flags: number, setFI: boolean): void {
  if (flags !== 0) fpFinishSlow(c, flags);
  if (setFI) {
    if ((flags & FpFlag.Inexact) !== 0) c.r[S.FPSCR] |= Fp.FI;
    else c.r[S.FPSCR] &= ~Fp.FI;
  }
}

function fpFinishSlow(c: Cpu, flags: number): void {
  if ((flags & FpFlag.Overflow) !== 0) {
    fpRaise(c, Fp.OX);
    // With OE = 0 an overflow is also inexact (qemu: float_overflow_excp).
    if ((c.r[S.FPSCR] & Fp.OE) === 0) flags |= FpFlag.Inexact;
  } else if ((flags & FpFlag.Underflow) !== 0) {
    fpRaise(c, Fp.UX);
  }
  if ((flags & FpFlag.Inexact) !== 0) fpRaise(c, Fp.XX);
}

export function fpSetFRFI(c: Cpu, fr: number, fi: number): void {
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~(Fp.FR | Fp.FI)) | (fr !== 0 ? Fp.FR : 0) | (fi !== 0 ? Fp.FI : 0);
}

export function fprfOf(lo: number, hi: number): number {
  const e = (hi >>> 20) & 0x7ff;
  const neg = hi < 0;
  if (e === 0x7ff) {
    if (((hi & 0xfffff) | lo) === 0) return neg ? Fprf.NegInf : Fprf.PosInf;
    return (hi & 0x80000) !== 0 ? Fprf.QNaN : Fprf.SNaN;
  }
  if (e === 0) {
    if (((hi & 0xfffff) | lo) === 0) return neg ? Fprf.NegZero : Fprf.PosZero;
    return neg ? Fprf.NegDenormal : Fprf.PosDenormal;
  }
  return neg ? Fprf.NegNormal : Fprf.PosNormal;
}

export function fprfOf32(b: number): number {
  const e = (b >>> 23) & 0xff;
  const neg = b < 0;
  if (e === 0xff) {
    if ((b & 0x7fffff) === 0) return neg ? Fprf.NegInf : Fprf.PosInf;
    return (b & 0x400000) !== 0 ? Fprf.QNaN : Fprf.SNaN;
  }
  if (e === 0) {
    if ((b & 0x7fffff) === 0) return neg ? Fprf.NegZero : Fprf.PosZero;
    return neg ? Fprf.NegDenormal : Fprf.PosDenormal;
  }
  return neg ? Fprf.NegNormal : Fprf.PosNormal;
}

/** Smallest positive normal double. */
const MIN_NORMAL = 2.2250738585072014e-308;

export function fprfOfNum(x: number): number {
  if (x !== x) return Fprf.QNaN;
  if (x === 0) return 1 / x < 0 ? Fprf.NegZero : Fprf.PosZero;
  if (x > 0) return x === Infinity ? Fprf.PosInf : x < MIN_NORMAL ? Fprf.PosDenormal : Fprf.PosNormal;
  return x === -Infinity ? Fprf.NegInf : x > -MIN_NORMAL ? Fprf.NegDenormal : Fprf.NegNormal;
}

export function fpSetFPRF(c: Cpu, lo: number, hi: number): void {
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~Fp.FPRF) | (fprfOf(lo, hi) << FPRF_SHIFT);
}

export function fpSetFPRF32(c: Cpu, bits: number): void {
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~Fp.FPRF) | (fprfOf32(bits) << FPRF_SHIFT);
}

export function fpSetFPRFNum(c: Cpu, x: number): void {
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~Fp.FPRF) | (fprfOfNum(x) << FPRF_SHIFT);
}

export function fpSetFPCC(c: Cpu, cc: number): void {
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~Fp.FPCC) | ((cc & 15) << FPRF_SHIFT);
}

export function fpCR1(c: Cpu): void {
  c.r[S.CR + 1] = c.r[S.FPSCR] >>> 28;
}

export function fpNormalize(lo: number): number {
  let v = lo & ~(Fp.FEX | Fp.VX | Fp.RES52);
  if ((v & Fp.VXALL) !== 0) v |= Fp.VX;
  return v | fexOf(v);
}

/** The mask of the nibbles selected by the low 8 bits of `n` (bit k = nibble k). */
function nibbleMask(n: number): number {
  if ((n & 0xff) === 0xff) return -1;
  let m = 0;
  for (let k = 0; k < 8; k++) if ((n & (1 << k)) !== 0) m |= 0xf << (4 * k);
  return m;
}

export function fpStore(c: Cpu, lo: number, hi: number, nibbles: number): void {
  if ((nibbles & 0xff) !== 0) {
    const m = nibbleMask(nibbles);
    c.r[S.FPSCR] = (lo & m) | (c.r[S.FPSCR] & ~m);
  }
  if ((nibbles & 0xff00) !== 0) {
    const m = nibbleMask(nibbles >>> 8);
    c.r[S.FPSCR_HI] = ((hi & m) | (c.r[S.FPSCR_HI] & ~m)) & FPSCR_HI_MASK;
  }
  c.r[S.FPSCR] = fpNormalize(c.r[S.FPSCR]);
}
