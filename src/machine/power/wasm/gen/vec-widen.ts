// VMX operations that change the element size: even/odd multiplies, sums across, saturating
// packs, and the extended quadword add/subtract; against ../../ops/vmx-mul.ts, vmx-pack.ts and
// vmx-int.ts.
//
// Even/odd: an element pair (ISA elements 2i, 2i+1) is one lane of twice the width; in the
// state's little-endian lanes the even (more significant) element is the lane's high half and
// the odd one its low half, so both are reached with lane-wise shifts.

import { type Emit, type WasmGen, T } from "../emit.js";
import { Op, OpSimd } from "../encoder.js";
import { assertNever } from "../../../assert.js";
import { SimdX, simdX, vA, vB, vC, vT } from "./vec-lanes.js";

type Half = 1 | 2 | 4;

const SHL = { 1: OpSimd.i16x8_shl, 2: OpSimd.i32x4_shl, 4: OpSimd.i64x2_shl } as const;
const SHR_U = { 1: OpSimd.i16x8_shr_u, 2: OpSimd.i32x4_shr_u, 4: OpSimd.i64x2_shr_u } as const;
const SHR_S = { 1: OpSimd.i16x8_shr_s, 2: OpSimd.i32x4_shr_s, 4: OpSimd.i64x2_shr_s } as const;
const MUL = { 1: OpSimd.i16x8_mul, 2: OpSimd.i32x4_mul, 4: OpSimd.i64x2_mul } as const;

/** Push the even (high half) or odd (low half) element of each double-width lane, extended. */
function half(e: Emit, size: Half, odd: boolean, signed: boolean): void {
  const { f } = e;
  const bits = size * 8;
  if (odd) f.i32(bits).simd(SHL[size]);
  f.i32(bits).simd(signed ? SHR_S[size] : SHR_U[size]);
}

/**
 * vmul[eo][us][bhw]: the double-width product of the even or odd elements. The product of two
 * extended halves fits the double-width lane, so the lane multiply (modulo) is exact.
 */
const mulEvenOdd = (size: Half, odd: boolean, signed: boolean): WasmGen => (e) => {
  const { f, w } = e;
  e.vsr(vA(w));
  half(e, size, odd, signed);
  e.vsr(vB(w));
  half(e, size, odd, signed);
  f.simd(MUL[size]);
  e.setVsr(vT(w));
  return true;
};

/** OR the i32 (0/1) on the stack into VSCR.SAT. */
function orSat(e: Emit): void {
  e.vscr();
  e.f.op(Op.i32_or);
  e.setVscr();
}

/** i32x4 constant splat. */
function i32Splat(v: number): number[] {
  const b: number[] = [];
  for (let l = 0; l < 4; l++) for (let i = 0; i < 4; i++) b.push((v >>> (8 * i)) & 0xff);
  return b;
}

/**
 * Words: r = x + y with signed saturation (x is a partial sum that cannot overflow by itself);
 * leaves the result on the stack and ORs SAT. Overflow: x and y of one sign, r of the other.
 */
function addWordsSigned(e: Emit, x: number, y: number): void {
  const { f } = e;
  const r = e.temp(T.v128), m = e.temp(T.v128);
  f.get(x).get(y).simd(OpSimd.i32x4_add).set(r);
  f.get(x).get(r).simd(OpSimd.v128_xor).get(y).get(r).simd(OpSimd.v128_xor).simd(OpSimd.v128_and);
  f.i32(31).simd(OpSimd.i32x4_shr_s).set(m);
  f.get(m).simd(OpSimd.v128_any_true);
  orSat(e);
  f.get(x).i32(31).simd(OpSimd.i32x4_shr_s).v128Const(i32Splat(0x7fffffff)).simd(OpSimd.v128_xor);
  f.get(r).get(m).simd(OpSimd.v128_bitselect);
}

/**
 * vsum4ubs / vsum4sbs / vsum4shs: each word of VRT = the sum of the bytes (halfwords) in the
 * same word of VRA plus that word of VRB, saturated (unsigned for ubs, signed otherwise).
 */
const sum4 = (size: 1 | 2, signed: boolean): WasmGen => (e) => {
  const { f, w } = e;
  const x = e.temp(T.v128), y = e.temp(T.v128);
  e.vsr(vA(w));
  if (size === 1) {
    // pairwise byte sums to halfwords, then halfword pairs to words
    if (signed) {
      simdX(f, SimdX.i16x8_extadd_pairwise_i8x16_s);
      simdX(f, SimdX.i32x4_extadd_pairwise_i16x8_s);
    } else {
      simdX(f, SimdX.i16x8_extadd_pairwise_i8x16_u);
      simdX(f, SimdX.i32x4_extadd_pairwise_i16x8_u);
    }
  } else simdX(f, SimdX.i32x4_extadd_pairwise_i16x8_s);
  f.set(x);
  e.vsr(vB(w));
  f.set(y);
  if (signed) addWordsSigned(e, x, y);
  else {
    // unsigned: carry out when the sum is below an operand; saturate to all ones
    const r = e.temp(T.v128), m = e.temp(T.v128);
    f.get(x).get(y).simd(OpSimd.i32x4_add).tee(r).get(y).simd(OpSimd.i32x4_lt_u).set(m);
    f.get(m).simd(OpSimd.v128_any_true);
    orSat(e);
    f.get(r).get(m).simd(OpSimd.v128_or);
  }
  e.setVsr(vT(w));
  return true;
};

/** Clamp the i64 local s to a signed word, ORing SAT when it was out of range. */
function clampS32(e: Emit, s: number): void {
  const { f } = e;
  f.get(s).get(s).op(Op.i64_extend32_s).op(Op.i64_ne);
  orSat(e);
  f.get(s).i64(0x7fffffff).get(s).i64(0x7fffffff).op(Op.i64_lt_s).op(Op.select).set(s);
  f.get(s).i64(-0x80000000).get(s).i64(-0x80000000).op(Op.i64_gt_s).op(Op.select).set(s);
}

/**
 * vsum2sws: per doubleword, the odd word = sat(both VRA words + VRB's odd word), the even word
 * 0. On i64 scalars (three 32-bit values cannot overflow 64 bits).
 */
const vsum2sws: WasmGen = (e) => {
  const { f, w } = e;
  const a = e.temp(T.v128), b = e.temp(T.v128), s0 = e.temp(T.i64), s1 = e.temp(T.i64);
  e.vsr(vA(w));
  f.set(a);
  e.vsr(vB(w));
  f.set(b);
  for (const [d, s] of [[0, s0], [1, s1]] as const) {
    f.get(a).simdLane(OpSimd.i32x4_extract_lane, 2 * d).op(Op.i64_extend_i32_s);
    f.get(a).simdLane(OpSimd.i32x4_extract_lane, 2 * d + 1).op(Op.i64_extend_i32_s).op(Op.i64_add);
    f.get(b).simdLane(OpSimd.i32x4_extract_lane, 2 * d).op(Op.i64_extend_i32_s).op(Op.i64_add).set(s);
    clampS32(e, s);
  }
  // odd word = i32 lane 2d (the doubleword's low half), even word = 0
  f.get(s0).i64(0xffffffff).op(Op.i64_and).simd(OpSimd.i64x2_splat);
  f.get(s1).i64(0xffffffff).op(Op.i64_and).simdLane(OpSimd.i64x2_replace_lane, 1);
  e.setVsr(vT(w));
  return true;
};

// ---- saturating packs (halfwords to bytes, words to halfwords) ----

const enum Pack { UU, SU, SS }

/**
 * vpk[us][hw][us]s: VRA's elements then VRB's, each narrowed with saturation. wasm's narrow
 * takes signed inputs, so every input is first clamped to the target range (then narrowing is
 * exact). wasm puts source lane L at narrow lane L (VRA) or 8 + L (VRB). Source lane L is ISA
 * element k = L ^ 3 (halfwords) or L ^ 1 (words), and result element k of that half sits at
 * byte lane k ^ 7 = L ^ 4, or halfword lane k ^ 3 = L ^ 2: for both sizes, byte j of the
 * narrow result goes to byte j ^ 4, one shuffle. SAT: some input differs from its clamp.
 */
const packSat = (size: 2 | 4, kind: Pack): WasmGen => (e) => {
  const { f, w } = e;
  const a = e.temp(T.v128), b = e.temp(T.v128);
  const bits = size * 8, outBits = bits / 2;
  const minU = size === 2 ? OpSimd.i16x8_min_u : OpSimd.i32x4_min_u;
  const minS = size === 2 ? OpSimd.i16x8_min_s : OpSimd.i32x4_min_s;
  const maxS = size === 2 ? OpSimd.i16x8_max_s : OpSimd.i32x4_max_s;
  const ne = size === 2 ? OpSimd.i16x8_ne : OpSimd.i32x4_ne;
  const lane = (v: number): number[] => {
    const out: number[] = [];
    for (let l = 0; l < 16 / size; l++) for (let i = 0; i < size; i++) out.push((v >>> (8 * i)) & 0xff);
    return out;
  };
  const umax = (1 << outBits) - 1, smax = (1 << (outBits - 1)) - 1, smin = -(1 << (outBits - 1));
  /** Push the clamped value of the v128 local x. */
  const clamp = (x: number): void => {
    f.get(x);
    switch (kind) {
      case Pack.UU: f.v128Const(lane(umax)).simd(minU); break;
      case Pack.SU: f.v128Const(lane(umax)).simd(minS).v128Const(lane(0)).simd(maxS); break;
      case Pack.SS: f.v128Const(lane(smax)).simd(minS).v128Const(lane(smin)).simd(maxS); break;
      default: assertNever(kind);
    }
  };
  e.vsr(vA(w));
  f.set(a);
  e.vsr(vB(w));
  f.set(b);
  // SAT
  clamp(a);
  f.get(a).simd(ne);
  clamp(b);
  f.get(b).simd(ne).simd(OpSimd.v128_or).simd(OpSimd.v128_any_true);
  orSat(e);
  // narrow the clamped values (in range, so the narrowing itself is exact)
  clamp(a);
  clamp(b);
  const narrow = size === 2
    ? (kind === Pack.SS ? OpSimd.i8x16_narrow_i16x8_s : OpSimd.i8x16_narrow_i16x8_u)
    : (kind === Pack.SS ? OpSimd.i16x8_narrow_i32x4_s : OpSimd.i16x8_narrow_i32x4_u);
  f.simd(narrow);
  const t = e.temp(T.v128);
  f.tee(t).get(t).shuffle(Array.from({ length: 16 }, (_, j) => j ^ 4));
  e.setVsr(vT(w));
  return true;
};

/**
 * vpkudus / vpksdus / vpksdss: the four doublewords (VRA's then VRB's) clamped to words, on
 * i64 scalars (wasm has no 64-to-32 narrowing); SAT when any clamped value differs.
 */
const packDw = (kind: Pack): WasmGen => (e) => {
  const { f, w } = e;
  const x = e.temp(T.i64), sat = e.temp(T.i32), out = e.temp(T.v128);
  const lo = kind === Pack.SS ? -0x80000000 : 0;
  const hi = kind === Pack.SS ? 0x7fffffff : 0xffffffff;
  f.i32(0).set(sat);
  f.v128Const(new Array<number>(16).fill(0)).set(out);
  const srcs = [vA(w), vA(w), vB(w), vB(w)];
  for (let k = 0; k < 4; k++) {
    e.vsr(srcs[k]);
    f.simdLane(OpSimd.i64x2_extract_lane, k & 1).set(x);
    if (kind === Pack.UU) {
      f.i64(hi).get(x).get(x).i64(hi).op(Op.i64_gt_u).op(Op.select);
    } else {
      f.i64(hi).get(x).get(x).i64(hi).op(Op.i64_gt_s).op(Op.select);
      const y = e.temp(T.i64);
      f.set(y).i64(lo).get(y).get(y).i64(lo).op(Op.i64_lt_s).op(Op.select);
    }
    const c = e.temp(T.i64);
    f.tee(c).get(x).op(Op.i64_ne).get(sat).op(Op.i32_or).set(sat);
    // ISA word k of the result is i32 lane k ^ 1
    f.get(out).get(c).op(Op.i32_wrap_i64).simdLane(OpSimd.i32x4_replace_lane, k ^ 1).set(out);
  }
  f.get(sat);
  orSat(e);
  f.get(out);
  e.setVsr(vT(w));
  return true;
};

// ---- quadword add / subtract, with or without a carry in ----

const enum CarryIn { None, One, FromVrc }

/**
 * a + (b xor inv) + cin over 128 bits (doubleword 0 is the more significant), with
 * inv = all ones for subtraction (a - b = a + ~b + 1). The result, or with `carryOnly` the carry
 * out of bit 0 in bit 127 (doubleword 1 = 0 or 1, doubleword 0 = 0). On i64 scalars; a carry
 * out of x + y + c (c 0/1) is (x + y < x) | (x + y + c < x + y).
 */
const quad = (sub: boolean, cin: CarryIn, carryOnly: boolean): WasmGen => (e) => {
  const { f, w } = e;
  const v = e.temp(T.v128);
  const a0 = e.temp(T.i64), a1 = e.temp(T.i64), b0 = e.temp(T.i64), b1 = e.temp(T.i64);
  const t = e.temp(T.i64), lo = e.temp(T.i64), c = e.temp(T.i64);
  e.vsr(vA(w));
  f.tee(v).simdLane(OpSimd.i64x2_extract_lane, 0).set(a0);
  f.get(v).simdLane(OpSimd.i64x2_extract_lane, 1).set(a1);
  e.vsr(vB(w));
  f.tee(v).simdLane(OpSimd.i64x2_extract_lane, 0);
  if (sub) f.i64(-1).op(Op.i64_xor);
  f.set(b0);
  f.get(v).simdLane(OpSimd.i64x2_extract_lane, 1);
  if (sub) f.i64(-1).op(Op.i64_xor);
  f.set(b1);
  switch (cin) {
    case CarryIn.None: f.i64(0); break;
    case CarryIn.One: f.i64(1); break;
    case CarryIn.FromVrc:
      e.vsr(vC(w));
      f.simdLane(OpSimd.i64x2_extract_lane, 1).i64(1).op(Op.i64_and);
      break;
    default: assertNever(cin);
  }
  f.set(c);
  /** lo/hi step: result into `out`, carry out of it into c. */
  const step = (x: number, y: number, out: number): void => {
    f.get(x).get(y).op(Op.i64_add).set(t);
    f.get(t).get(c).op(Op.i64_add).set(out);
    f.get(t).get(x).op(Op.i64_lt_u).get(out).get(t).op(Op.i64_lt_u).op(Op.i32_or).op(Op.i64_extend_i32_u).set(c);
  };
  step(a1, b1, lo);
  const hi = e.temp(T.i64);
  step(a0, b0, hi);
  if (carryOnly) {
    f.v128Const(new Array<number>(16).fill(0)).get(c).simdLane(OpSimd.i64x2_replace_lane, 1);
  } else {
    f.get(hi).simd(OpSimd.i64x2_splat).get(lo).simdLane(OpSimd.i64x2_replace_lane, 1);
  }
  e.setVsr(vT(w));
  return true;
};

export const VEC_WIDEN_GENS: ReadonlyArray<readonly [string, WasmGen]> = [
  ["vmuleub", mulEvenOdd(1, false, false)],
  ["vmuloub", mulEvenOdd(1, true, false)],
  ["vmulesb", mulEvenOdd(1, false, true)],
  ["vmulosb", mulEvenOdd(1, true, true)],
  ["vmuleuh", mulEvenOdd(2, false, false)],
  ["vmulouh", mulEvenOdd(2, true, false)],
  ["vmulesh", mulEvenOdd(2, false, true)],
  ["vmulosh", mulEvenOdd(2, true, true)],
  ["vmuleuw", mulEvenOdd(4, false, false)],
  ["vmulouw", mulEvenOdd(4, true, false)],
  ["vmulesw", mulEvenOdd(4, false, true)],
  ["vmulosw", mulEvenOdd(4, true, true)],
  ["vsum4ubs", sum4(1, false)],
  ["vsum4sbs", sum4(1, true)],
  ["vsum4shs", sum4(2, true)],
  ["vsum2sws", vsum2sws],
  ["vpkuhus", packSat(2, Pack.UU)],
  ["vpkshus", packSat(2, Pack.SU)],
  ["vpkshss", packSat(2, Pack.SS)],
  ["vpkuwus", packSat(4, Pack.UU)],
  ["vpkswus", packSat(4, Pack.SU)],
  ["vpkswss", packSat(4, Pack.SS)],
  ["vpkudus", packDw(Pack.UU)],
  ["vpksdus", packDw(Pack.SU)],
  ["vpksdss", packDw(Pack.SS)],
  ["vadduqm", quad(false, CarryIn.None, false)],
  ["vaddcuq", quad(false, CarryIn.None, true)],
  ["vsubuqm", quad(true, CarryIn.One, false)],
  ["vsubcuq", quad(true, CarryIn.One, true)],
  ["vaddeuqm", quad(false, CarryIn.FromVrc, false)],
  ["vaddecuq", quad(false, CarryIn.FromVrc, true)],
  ["vsubeuqm", quad(true, CarryIn.FromVrc, false)],
  ["vsubecuq", quad(true, CarryIn.FromVrc, true)],
];
