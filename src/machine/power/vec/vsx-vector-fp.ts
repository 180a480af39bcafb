// Element helpers for the VSX vector floating-point instructions (ops/vsx-vector.ts), with the
// semantics of qemu 7.2's helper_xv* (target/ppc/fpu_helper.c):
//  - every element is computed with the scalar core (fpu/fast.ts, fpu/softfloat.ts); single
//    precision elements (float32 in qemu) are widened exactly to doubles, computed with the
//    single-precision rounding of the core (which rounds once to single precision and single
//    exponent range, as float32 arithmetic does) and narrowed back to float32 bits;
//  - per element, an invalid operation records its VX* bit (arithmetic kinds clear FR and FI,
//    but FPRF is never set: set_fpcc is 0 for vector forms), a zero divide records ZX (and
//    clears FR FI); at the end OX / UX / XX from the OR of all elements' rounding flags; FI and
//    FPRF are left alone.
// The scratch buffers are per module instance (one processor per thread).

import type { Cpu } from "../cpu.js";
import { S } from "../state.js";
import { Fp, fpFinish, fpInvalidArith, fpRaise, fpVxsnan, fpZeroDivide } from "../fpu/fpscr.js";
import { addF, divF, fmaF, mulF, sqrtF } from "../fpu/fast.js";
import { SF, sfAdd, sfDiv, sfMul, sfMulAdd, sfSqrt } from "../fpu/softfloat.js";

/** Scratch doubles for single-precision elements and two-step operations. */
export const tmpD = new Float64Array(8);
export const tmpW = new Int32Array(tmpD.buffer);
const f32 = new Float32Array(1);
const f32w = new Int32Array(f32.buffer);

/** The element operations (the FPSCR rules are in vExc). */
export const enum EOp {
  Add,
  Sub,
  Mul,
  Div,
  Sqrt,
  /** 1 / x (xvre*). */
  Re,
  /** 1 / √x, √x rounded first (xvrsqrte*). */
  Rsqrte,
  MAdd,
  MSub,
  NMAdd,
  NMSub,
}

const ONE_HI = 0x3ff00000;

/**
 * One element: f[t] = op(f[a], f[b]) (multiply-adds: f[a] × f[m] ± f[b]), f a Float64Array and
 * r an Int32Array over the same bytes (r index = 2 × f index). Returns the SF flags.
 */
export function elem(f: Float64Array, r: Int32Array, t: number, a: number, b: number, m: number, op: EOp, rm: number, single: boolean): number {
  let fl: number;
  switch (op) {
    case EOp.Add:
    case EOp.Sub:
      fl = addF(f, t, a, b, op === EOp.Sub, rm, single);
      return fl >= 0 ? fl : sfAdd(r, 2 * t, r[2 * a + 1], r[2 * a], r[2 * b + 1], r[2 * b], op === EOp.Sub, rm, single);
    case EOp.Mul:
      fl = mulF(f, t, a, b, rm, single);
      return fl >= 0 ? fl : sfMul(r, 2 * t, r[2 * a + 1], r[2 * a], r[2 * b + 1], r[2 * b], rm, single);
    case EOp.Div:
      fl = divF(f, t, a, b, false, rm, single);
      return fl >= 0 ? fl : sfDiv(r, 2 * t, r[2 * a + 1], r[2 * a], r[2 * b + 1], r[2 * b], rm, single);
    case EOp.Sqrt:
      fl = sqrtF(f, t, b, rm, single);
      return fl >= 0 ? fl : sfSqrt(r, 2 * t, r[2 * b + 1], r[2 * b], rm, single);
    case EOp.Re:
      fl = divF(f, t, 0, b, true, rm, single);
      return fl >= 0 ? fl : sfDiv(r, 2 * t, ONE_HI, 0, r[2 * b + 1], r[2 * b], rm, single);
    case EOp.Rsqrte:
      return rsqrte(f, r, t, b, rm, single);
    default: {
      const negB = op === EOp.MSub || op === EOp.NMSub, negR = op === EOp.NMAdd || op === EOp.NMSub;
      fl = fmaF(f, t, a, m, b, negB, negR, rm, single);
      if (fl >= 0) return fl;
      return sfMulAdd(r, 2 * t, r[2 * a + 1], r[2 * a], r[2 * m + 1], r[2 * m], r[2 * b + 1], r[2 * b], negB, negR, rm, single);
    }
  }
}

/** Scratch for the square root inside rsqrte (slots 6, 7 of tmpD are reserved for it). */
function rsqrte(f: Float64Array, r: Int32Array, t: number, b: number, rm: number, single: boolean): number {
  // The square root is rounded to the element's own precision (qemu: tp##_sqrt then tp##_div).
  tmpW[12] = r[2 * b];
  tmpW[13] = r[2 * b + 1];
  let fl = sqrtF(tmpD, 7, 6, rm, single);
  if (fl < 0) fl = sfSqrt(tmpW, 14, tmpW[13], tmpW[12], rm, single);
  const fl2 = divF(tmpD, 6, 0, 7, true, rm, single);
  if (fl2 >= 0) fl |= fl2;
  else fl |= sfDiv(tmpW, 12, ONE_HI, 0, tmpW[15], tmpW[14], rm, single);
  r[2 * t] = tmpW[12];
  r[2 * t + 1] = tmpW[13];
  return fl;
}

/** The invalid-operation bit for an SF.InvArith flag. */
function vxBit(fl: number): number {
  if ((fl & SF.InvImz) !== 0) return Fp.VXIMZ;
  if ((fl & SF.InvIsi) !== 0) return Fp.VXISI;
  if ((fl & SF.InvIdi) !== 0) return Fp.VXIDI;
  if ((fl & SF.InvZdz) !== 0) return Fp.VXZDZ;
  return Fp.VXSQRT;
}

/**
 * FPSCR for one element's exceptional flags (qemu float_invalid_op_* with set_fpcc = 0, and
 * float_zero_divide_excp). Call only when fl has a bit above the rounding flags.
 */
export function vExc(c: Cpu, fl: number): void {
  if ((fl & SF.InvArith) !== 0) fpInvalidArith(c, vxBit(fl), false);
  else if ((fl & SF.InvSnan) !== 0) fpVxsnan(c);
  if ((fl & SF.DivZero) !== 0) fpZeroDivide(c);
}

/** The end of a vector instruction: OX / UX / XX from the OR of the elements' flags; FI kept. */
export function vDone(c: Cpu, fl: number): void {
  if ((fl & 7) !== 0) fpFinish(c, fl & 7, false);
}

// ---- single-precision elements ----

/** tmpD[slot] = the float32 with bits `bits`, exactly (NaN payloads kept bit for bit). */
export function ld32(slot: number, bits: number): void {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    tmpW[2 * slot] = bits << 29;
    tmpW[2 * slot + 1] = (bits & 0x80000000) | 0x7ff00000 | ((bits & 0x7fffff) >>> 3);
  } else {
    f32w[0] = bits;
    tmpD[slot] = f32[0];
  }
}

/** The float32 bits of tmpD[slot] (a single-precision value, or a NaN: its top 23 fraction bits). */
export function st32(slot: number): number {
  const hi = tmpW[2 * slot + 1];
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | tmpW[2 * slot]) !== 0) {
    return (hi & 0x80000000) | 0x7f800000 | ((hi & 0xfffff) << 3) | (tmpW[2 * slot] >>> 29);
  }
  f32[0] = tmpD[slot];
  return f32w[0];
}

/** The value of float32 bits (not for NaNs: their payload is not kept). */
export function val32(bits: number): number {
  f32w[0] = bits;
  return f32[0];
}

/** Int32 index of word element k (0..3, ISA numbering) of VSR n. */
export const vsrW = (n: number, k: number): number => S.VSR + n * 4 + (k ^ 1);

/**
 * A four-element single-precision operation: word k of XT = op(word k of XA, XB[, XM]).
 * Returns the OR of the elements' flags (exceptional ones already recorded).
 */
export function spOp4(c: Cpu, t: number, a: number, b: number, m: number, op: EOp, rm: number): number {
  const r = c.r;
  let acc = 0;
  for (let k = 0; k < 4; k++) {
    ld32(0, r[vsrW(a, k)]);
    ld32(1, r[vsrW(b, k)]);
    ld32(2, r[vsrW(m, k)]);
    const fl = elem(tmpD, tmpW, 3, 0, 1, 2, op, rm, true);
    r[vsrW(t, k)] = st32(3);
    if (fl > 7) vExc(c, op === EOp.Re || op === EOp.Rsqrte ? fl & ~SF.DivZero : fl);
    acc |= fl;
  }
  return acc;
}

// ---- float to integer (qemu VSX_CVT_FP_TO_INT*, with its cumulative-flags behaviour) ----

/** Local flags for the conversions: any invalid (NaN or range), its kinds, inexact. */
export const enum CvF {
  Inexact = 1,
  Invalid = 1 << 16,
  Snan = 1 << 17,
  Cvti = 1 << 18,
}

/** Out of range / NaN values (qemu: `max` for a NaN before the replacement by `rnan`). */
export const enum IntK {
  S32,
  U32,
  S64,
  U64,
}

const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** Result of cvtLane: low and high words (high only for 64-bit kinds). */
export const cvOut = new Int32Array(2);

/**
 * Convert x (the element's value; `nan`/`snan` describe a NaN) toward zero to an integer of
 * kind k, writing the raw softfloat result to cvOut and returning its CvF flags.
 */
export function cvtLane(x: number, snan: boolean, k: IntK): number {
  if (x !== x) {
    // softfloat returns `max` for a NaN and raises invalid (not invalid_cvti)
    cvOut[0] = k === IntK.S32 ? 0x7fffffff : -1;
    cvOut[1] = k === IntK.S64 ? 0x7fffffff : k === IntK.U64 ? -1 : 0;
    return CvF.Invalid | (snan ? CvF.Snan : 0);
  }
  const r = Math.trunc(x); // also ±Inf
  const fl = r !== x ? CvF.Inexact : 0;
  switch (k) {
    case IntK.S32:
      if (r > 2147483647) return put(0x7fffffff, 0);
      if (r < -2147483648) return put(0x80000000 | 0, 0);
      cvOut[0] = r | 0; cvOut[1] = 0;
      return fl;
    case IntK.U32:
      if (r >= TWO32) return put(-1, 0);
      if (r < 0) return put(0, 0);
      cvOut[0] = r | 0; cvOut[1] = 0;
      return fl;
    case IntK.S64:
      if (r >= TWO63) return put(-1, 0x7fffffff);
      if (r < -TWO63) return put(0, 0x80000000 | 0);
      cvOut[0] = r | 0; cvOut[1] = Math.floor(r / TWO32) | 0;
      return fl;
    case IntK.U64:
      if (r >= TWO64) return put(-1, -1);
      if (r < 0) return put(0, 0);
      cvOut[0] = r | 0; cvOut[1] = Math.floor(r / TWO32) | 0;
      return fl;
  }
}

function put(lo: number, hi: number): number {
  cvOut[0] = lo;
  cvOut[1] = hi;
  return CvF.Invalid | CvF.Cvti;
}

/**
 * After converting one element with the flags of all elements so far (`acc`, qemu reads the
 * accumulated float_status flags): when any invalid occurred, record VXCVI (and VXSNAN if any
 * SNaN so far), and unless some element so far was out of range, replace this element's result
 * in cvOut by `rnan`. (So an element after a NaN element also becomes rnan: qemu's behaviour.)
 */
export function cvtFix(c: Cpu, acc: number, rnanLo: number, rnanHi: number): void {
  if ((acc & CvF.Invalid) === 0) return;
  fpInvalidArith(c, Fp.VXCVI | ((acc & CvF.Snan) !== 0 ? Fp.VXSNAN : 0), false);
  if ((acc & CvF.Cvti) === 0) {
    cvOut[0] = rnanLo;
    cvOut[1] = rnanHi;
  }
}

/** VXVC (ordered comparison involving a NaN), FPCC untouched. */
export function vxvc(c: Cpu): void {
  fpRaise(c, Fp.VXVC);
}
