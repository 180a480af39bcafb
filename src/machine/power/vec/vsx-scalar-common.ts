// Shared pieces of the VSX scalar floating-point instructions (ops/vsx-scalar.ts and
// vec/vsx-scalar-conv.ts): operand fields of the XX2/XX3 forms, register access, and the
// FPSCR updates at the end of an instruction as qemu 7.2 does them (helper_compute_fprf_float64
// then do_float_check_status). The scalar instructions work on doubleword 0 of a VSR; every
// qemu 7.2 helper builds its result in a zeroed 128-bit temporary, so doubleword 1 of the
// target becomes 0 (clearDw1).

import type { Cpu } from "../cpu.js";
import { S } from "../state.js";
import { Fp, FPRF_SHIFT, fprfOfNum, fpFinish, fpInvalidArith, fpSetFPRF, fpVxsnan, fpZeroDivide } from "../fpu/fpscr.js";
import { SF, sfToSingle } from "../fpu/softfloat.js";
import { toSingleF } from "../fpu/fast.js";

/** XT of an XX2/XX3-form word: TX (bit 31) || T (bits 6:10). */
export const xT = (w: number): number => ((w & 1) << 5) | ((w >>> 21) & 31);
/** XA of an XX3-form word: AX (bit 29) || A (bits 11:15). */
export const xA = (w: number): number => ((w & 4) << 3) | ((w >>> 16) & 31);
/** XB of an XX2/XX3-form word: BX (bit 30) || B (bits 16:20). */
export const xB = (w: number): number => ((w & 2) << 4) | ((w >>> 11) & 31);

/** Int32 index of the low word of doubleword 0 of VSR n (the high word follows). */
export const vLo = (n: number): number => S.VSR + n * 4;
/** Float64 index of doubleword 0 of VSR n. */
export const vF = (n: number): number => (S.VSR >> 1) + n * 2;

/** Doubleword 1 of VSR n := 0. */
export function clearDw1(c: Cpu, n: number): void {
  const i = S.VSR + n * 4 + 2;
  c.r[i] = 0;
  c.r[i + 1] = 0;
}

/** FPSCR after a fast-path result (finite, in c.f[ft]) with flags fl (0 or SF.Inexact). */
export function fastDone(c: Cpu, ft: number, fl: number): void {
  let fs = (c.r[S.FPSCR] & ~(Fp.FPRF | Fp.FI)) | (fprfOfNum(c.f[ft]) << FPRF_SHIFT);
  if (fl !== 0) {
    fs |= Fp.FX | Fp.XX | Fp.FI;
    if ((fs & Fp.XE) !== 0) {
      fs |= Fp.FEX;
      c.fpNow = 1; // an enabled inexact: fpu/trap.ts
    }
  }
  c.r[S.FPSCR] = fs;
}

/** The invalid-operation bit for an SF.InvArith flag. */
function vxBit(fl: number): number {
  if ((fl & SF.InvIsi) !== 0) return Fp.VXISI;
  if ((fl & SF.InvImz) !== 0) return Fp.VXIMZ;
  if ((fl & SF.InvIdi) !== 0) return Fp.VXIDI;
  if ((fl & SF.InvZdz) !== 0) return Fp.VXZDZ;
  return Fp.VXSQRT;
}

/** FPSCR after a slow-path result in word index ti with flags fl (qemu's order). */
export function slowDone(c: Cpu, ti: number, fl: number): void {
  if ((fl & SF.InvArith) !== 0) fpInvalidArith(c, vxBit(fl), true);
  else if ((fl & SF.InvSnan) !== 0) fpVxsnan(c);
  if ((fl & SF.DivZero) !== 0) fpZeroDivide(c);
  fpSetFPRF(c, c.r[ti], c.r[ti + 1]);
  fpFinish(c, fl & 7, true);
}

/**
 * The "sp" forms that qemu computes as a double operation followed by frsp (do_frsp): the
 * double result (flags fl, ≥ 0) is in VSR t; round it to single precision in place and finish.
 */
export function roundSpDone(c: Cpu, t: number, fl: number, rm: number): void {
  const ft = vF(t);
  const f2 = toSingleF(c.f, ft, ft, rm);
  if (f2 >= 0) fastDone(c, ft, fl | f2);
  else roundSpSlow(c, t, fl, rm);
}

function roundSpSlow(c: Cpu, t: number, fl: number, rm: number): void {
  const r = c.r, ti = vLo(t);
  slowDone(c, ti, fl | sfToSingle(r, ti, r[ti + 1], r[ti], rm));
}

/** Slow-path end of an "sp" form: the double result (flags fl) is in word index ti. */
export function slowSpDone(c: Cpu, ti: number, fl: number, single: boolean, rm: number): void {
  const r = c.r;
  if (single) fl |= sfToSingle(r, ti, r[ti + 1], r[ti], rm);
  slowDone(c, ti, fl);
}

/** 1 if the double (hi, lo) is an SNaN, 2 if a QNaN, else 0. */
export function nanKind(hi: number, lo: number): number {
  if ((hi & 0x7ff00000) !== 0x7ff00000 || ((hi & 0xfffff) | lo) === 0) return 0;
  return (hi & 0x80000) !== 0 ? 2 : 1;
}
