// VMX integer arithmetic and compares on wasm SIMD, against ../../ops/vmx-int.ts (and the
// word helpers of ../../vec/vmx-int-swar.ts). Elements are whole wasm lanes in the state's
// layout (vec-lanes.ts), so every element-wise operation is the lane-wise wasm operation of
// the same width; only the missing ones are composed (unsigned 64-bit compares by flipping the
// sign bits, 64-bit max/min by compare and select, word saturation by overflow masks).
//
// Saturating forms OR VSCR.SAT (bit 0) in when any element saturated and never clear it, as
// the handlers: an element saturated exactly when the saturating result differs from the
// modulo one, or (word forms, computed here) when its overflow mask is set.

import { type Emit, type WasmGen, T } from "../emit.js";
import { Op, OpSimd } from "../encoder.js";
import { assertNever } from "../../../assert.js";
import { SimdX, simdX, setCr6FromMask, vA, vB, vT } from "./vec-lanes.js";

/** VRT = op(VRA, VRB) for a single wasm SIMD operation. */
const lanewise = (op: OpSimd): WasmGen => (e) => {
  e.vsr(vA(e.w));
  e.vsr(vB(e.w));
  e.f.simd(op);
  e.setVsr(vT(e.w));
  return true;
};

/** OR the i32 on the stack (0/1) into VSCR.SAT. */
function orSat(e: Emit): void {
  e.vscr();
  e.f.op(Op.i32_or);
  e.setVscr();
}

/** Byte and halfword saturating add/subtract: wasm has them; SAT when any lane differs from modulo. */
const saturating = (sat: OpSimd, modulo: OpSimd): WasmGen => (e) => {
  const { f, w } = e;
  const a = e.temp(T.v128), b = e.temp(T.v128), r = e.temp(T.v128);
  e.vsr(vA(w));
  f.set(a);
  e.vsr(vB(w));
  f.set(b);
  f.get(a).get(b).simd(sat).tee(r);
  f.get(a).get(b).simd(modulo).simd(OpSimd.v128_xor).simd(OpSimd.v128_any_true);
  orSat(e);
  f.get(r);
  e.setVsr(vT(w));
  return true;
};

const enum WordSat { AddU, SubU, AddS, SubS }

/**
 * Word saturating add/subtract (no wasm instruction): the modulo result, an all-ones mask of
 * the lanes that overflowed, and the saturated value selected there.
 */
const wordSaturating = (kind: WordSat): WasmGen => (e) => {
  const { f, w } = e;
  const a = e.temp(T.v128), b = e.temp(T.v128), r = e.temp(T.v128), m = e.temp(T.v128);
  e.vsr(vA(w));
  f.set(a);
  e.vsr(vB(w));
  f.set(b);
  const sub = kind === WordSat.SubU || kind === WordSat.SubS;
  f.get(a).get(b).simd(sub ? OpSimd.i32x4_sub : OpSimd.i32x4_add).set(r);
  switch (kind) {
    case WordSat.AddU: // carry out: sum < a
      f.get(r).get(a).simd(OpSimd.i32x4_lt_u).set(m);
      f.get(r).get(m).simd(OpSimd.v128_or); // all ones where saturated
      break;
    case WordSat.SubU: // borrow: a < b
      f.get(a).get(b).simd(OpSimd.i32x4_lt_u).set(m);
      f.get(r).get(m).simd(OpSimd.v128_andnot); // zero where saturated
      break;
    case WordSat.AddS: // operands of one sign, result of the other
    case WordSat.SubS: // operands of different signs, result's sign differs from a's
      if (kind === WordSat.AddS) f.get(a).get(r).simd(OpSimd.v128_xor).get(b).get(r).simd(OpSimd.v128_xor);
      else f.get(a).get(b).simd(OpSimd.v128_xor).get(a).get(r).simd(OpSimd.v128_xor);
      f.simd(OpSimd.v128_and).i32(31).simd(OpSimd.i32x4_shr_s).set(m);
      // Saturated value: 0x7fffffff for a >= 0, 0x80000000 for a < 0 (a's sign decides in both).
      f.get(a).i32(31).simd(OpSimd.i32x4_shr_s).v128Const(i32Splat(0x7fffffff)).simd(OpSimd.v128_xor);
      f.get(r).get(m).simd(OpSimd.v128_bitselect);
      break;
    default: assertNever(kind);
  }
  e.setVsr(vT(w));
  f.get(m).simd(OpSimd.v128_any_true);
  orSat(e);
  return true;
};

/** A v128 constant of four equal little-endian words. */
function i32Splat(v: number): number[] {
  const b: number[] = [];
  for (let l = 0; l < 4; l++) for (let i = 0; i < 4; i++) b.push((v >>> (8 * i)) & 0xff);
  return b;
}

/** A v128 constant of two equal 64-bit lanes given as (hi, lo) words. */
function i64Splat(hi: number, lo: number): number[] {
  const lane = [...i32Splat(lo).slice(0, 4), ...i32Splat(hi).slice(0, 4)];
  return [...lane, ...lane];
}

const SIGN64 = i64Splat(0x80000000, 0);

// ---- averages (rounding up) ----

/** Signed byte/halfword average: the unsigned one on sign-flipped operands, flipped back. */
const avgSigned = (size: 1 | 2): WasmGen => (e) => {
  const { f, w } = e;
  const flip = size === 1 ? new Array<number>(16).fill(0x80) : i32Splat(0x80008000);
  e.vsr(vA(w));
  f.v128Const(flip).simd(OpSimd.v128_xor);
  e.vsr(vB(w));
  f.v128Const(flip).simd(OpSimd.v128_xor);
  f.simd(size === 1 ? OpSimd.i8x16_avgr_u : OpSimd.i16x8_avgr_u);
  f.v128Const(flip).simd(OpSimd.v128_xor);
  e.setVsr(vT(w));
  return true;
};

/** Word averages: (a | b) - ((a ^ b) >> 1), the shift logical (unsigned) or arithmetic (signed). */
const avgWord = (signed: boolean): WasmGen => (e) => {
  const { f, w } = e;
  const a = e.temp(T.v128), b = e.temp(T.v128);
  e.vsr(vA(w));
  f.set(a);
  e.vsr(vB(w));
  f.set(b);
  f.get(a).get(b).simd(OpSimd.v128_or);
  f.get(a).get(b).simd(OpSimd.v128_xor).i32(1).simd(signed ? OpSimd.i32x4_shr_s : OpSimd.i32x4_shr_u);
  f.simd(OpSimd.i32x4_sub);
  e.setVsr(vT(w));
  return true;
};

/** vaddcuw / vsubcuw: the carry out of each word's add (sum < a) or subtract (a >= b), as 0/1. */
const wordCarry = (sub: boolean): WasmGen => (e) => {
  const { f, w } = e;
  const a = e.temp(T.v128);
  e.vsr(vA(w));
  f.set(a);
  if (sub) {
    f.get(a);
    e.vsr(vB(w));
    simdX(f, SimdX.i32x4_ge_u);
  } else {
    f.get(a);
    e.vsr(vB(w));
    f.simd(OpSimd.i32x4_add).get(a).simd(OpSimd.i32x4_lt_u);
  }
  f.i32(31).simd(OpSimd.i32x4_shr_u);
  e.setVsr(vT(w));
  return true;
};

// ---- doublewords: max/min and unsigned compares are composed ----

/** Push a > b for 64-bit lanes of the two v128 locals, signed or unsigned (sign bits flipped). */
function gt64(e: Emit, a: number, b: number, signed: boolean): void {
  const { f } = e;
  f.get(a);
  if (!signed) f.v128Const(SIGN64).simd(OpSimd.v128_xor);
  f.get(b);
  if (!signed) f.v128Const(SIGN64).simd(OpSimd.v128_xor);
  f.simd(OpSimd.i64x2_gt_s);
}

const maxMin64 = (max: boolean, signed: boolean): WasmGen => (e) => {
  const { f, w } = e;
  const a = e.temp(T.v128), b = e.temp(T.v128);
  e.vsr(vA(w));
  f.set(a);
  e.vsr(vB(w));
  f.set(b);
  // max: a where a > b, else b (equal lanes are the same value); min: b where a > b, else a.
  f.get(max ? a : b).get(max ? b : a);
  gt64(e, a, b, signed);
  f.simd(OpSimd.v128_bitselect);
  e.setVsr(vT(w));
  return true;
};

// ---- compares: all-ones lanes where true; Rc = 1 (bit 0x400) also sets CR6 ----

type CompareBody = (e: Emit, a: number, b: number) => void;

const compare = (body: CompareBody): WasmGen => (e) => {
  const { f, w } = e;
  const a = e.temp(T.v128), b = e.temp(T.v128), m = e.temp(T.v128);
  e.vsr(vA(w));
  f.set(a);
  e.vsr(vB(w));
  f.set(b);
  body(e, a, b);
  f.tee(m);
  e.setVsr(vT(w));
  if ((w & 0x400) !== 0) setCr6FromMask(e, m);
  return true;
};

const cmpOp = (op: OpSimd): WasmGen => compare((e, a, b) => {
  e.f.get(a).get(b).simd(op);
});

export const VEC_INT_GENS: ReadonlyArray<readonly [string, WasmGen]> = [
  ["vaddubm", lanewise(OpSimd.i8x16_add)],
  ["vadduhm", lanewise(OpSimd.i16x8_add)],
  ["vadduwm", lanewise(OpSimd.i32x4_add)],
  ["vaddudm", lanewise(OpSimd.i64x2_add)],
  ["vsububm", lanewise(OpSimd.i8x16_sub)],
  ["vsubuhm", lanewise(OpSimd.i16x8_sub)],
  ["vsubuwm", lanewise(OpSimd.i32x4_sub)],
  ["vsubudm", lanewise(OpSimd.i64x2_sub)],
  ["vmaxub", lanewise(OpSimd.i8x16_max_u)],
  ["vmaxuh", lanewise(OpSimd.i16x8_max_u)],
  ["vmaxuw", lanewise(OpSimd.i32x4_max_u)],
  ["vmaxsb", lanewise(OpSimd.i8x16_max_s)],
  ["vmaxsh", lanewise(OpSimd.i16x8_max_s)],
  ["vmaxsw", lanewise(OpSimd.i32x4_max_s)],
  ["vminub", lanewise(OpSimd.i8x16_min_u)],
  ["vminuh", lanewise(OpSimd.i16x8_min_u)],
  ["vminuw", lanewise(OpSimd.i32x4_min_u)],
  ["vminsb", lanewise(OpSimd.i8x16_min_s)],
  ["vminsh", lanewise(OpSimd.i16x8_min_s)],
  ["vminsw", lanewise(OpSimd.i32x4_min_s)],
  ["vmaxud", maxMin64(true, false)],
  ["vmaxsd", maxMin64(true, true)],
  ["vminud", maxMin64(false, false)],
  ["vminsd", maxMin64(false, true)],
  ["vavgub", lanewise(OpSimd.i8x16_avgr_u)],
  ["vavguh", lanewise(OpSimd.i16x8_avgr_u)],
  ["vavgsb", avgSigned(1)],
  ["vavgsh", avgSigned(2)],
  ["vavguw", avgWord(false)],
  ["vavgsw", avgWord(true)],
  ["vaddcuw", wordCarry(false)],
  ["vsubcuw", wordCarry(true)],
  ["vaddubs", saturating(OpSimd.i8x16_add_sat_u, OpSimd.i8x16_add)],
  ["vadduhs", saturating(OpSimd.i16x8_add_sat_u, OpSimd.i16x8_add)],
  ["vaddsbs", saturating(OpSimd.i8x16_add_sat_s, OpSimd.i8x16_add)],
  ["vaddshs", saturating(OpSimd.i16x8_add_sat_s, OpSimd.i16x8_add)],
  ["vsububs", saturating(OpSimd.i8x16_sub_sat_u, OpSimd.i8x16_sub)],
  ["vsubuhs", saturating(OpSimd.i16x8_sub_sat_u, OpSimd.i16x8_sub)],
  ["vsubsbs", saturating(OpSimd.i8x16_sub_sat_s, OpSimd.i8x16_sub)],
  ["vsubshs", saturating(OpSimd.i16x8_sub_sat_s, OpSimd.i16x8_sub)],
  ["vadduws", wordSaturating(WordSat.AddU)],
  ["vsubuws", wordSaturating(WordSat.SubU)],
  ["vaddsws", wordSaturating(WordSat.AddS)],
  ["vsubsws", wordSaturating(WordSat.SubS)],
  ["vcmpequb", cmpOp(OpSimd.i8x16_eq)],
  ["vcmpequh", cmpOp(OpSimd.i16x8_eq)],
  ["vcmpequw", cmpOp(OpSimd.i32x4_eq)],
  ["vcmpequd", cmpOp(OpSimd.i64x2_eq)],
  ["vcmpgtub", cmpOp(OpSimd.i8x16_gt_u)],
  ["vcmpgtuh", cmpOp(OpSimd.i16x8_gt_u)],
  ["vcmpgtuw", cmpOp(OpSimd.i32x4_gt_u)],
  ["vcmpgtsb", cmpOp(OpSimd.i8x16_gt_s)],
  ["vcmpgtsh", cmpOp(OpSimd.i16x8_gt_s)],
  ["vcmpgtsw", cmpOp(OpSimd.i32x4_gt_s)],
  ["vcmpgtsd", cmpOp(OpSimd.i64x2_gt_s)],
  ["vcmpgtud", compare((e, a, b) => gt64(e, a, b, false))],
  ["vmuluwm", lanewise(OpSimd.i32x4_mul)],
];
