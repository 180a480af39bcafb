// VMX element shifts and rotates, population and leading-zero counts, gather-bits and
// bit-permute, the signed word sum across, and the VSCR moves, on wasm SIMD; against
// ../../ops/vmx-logic.ts, vmx-mul.ts and vmx-control.ts.
//
// wasm SIMD shifts every lane by one scalar count; VMX shifts each element by the low bits of
// the matching element of VRB. So a variable shift is done one count bit at a time: for count
// bit k, lanes whose bit is set take x shifted by 2^k (the mask is that bit moved to the sign
// and spread by an arithmetic shift), the others keep x.

import { type Emit, type WasmGen, T } from "../emit.js";
import { Op, OpSimd } from "../encoder.js";
import { assertNever } from "../../../assert.js";
import { SimdX, simdX, vA, vB, vT } from "./vec-lanes.js";

type Size = 1 | 2 | 4 | 8;

const SHL = { 1: OpSimd.i8x16_shl, 2: OpSimd.i16x8_shl, 4: OpSimd.i32x4_shl, 8: OpSimd.i64x2_shl } as const;
const SHR_U = { 1: OpSimd.i8x16_shr_u, 2: OpSimd.i16x8_shr_u, 4: OpSimd.i32x4_shr_u, 8: OpSimd.i64x2_shr_u } as const;
const SHR_S = { 1: OpSimd.i8x16_shr_s, 2: OpSimd.i16x8_shr_s, 4: OpSimd.i32x4_shr_s, 8: OpSimd.i64x2_shr_s } as const;

const enum Shift { Left, Right, RightAlg, Rotate }

/** VRT = VRA shifted per element by VRB's element (low log2(bits) bits). */
const varShift = (size: Size, kind: Shift): WasmGen => (e) => {
  const { f, w } = e;
  const bits = size * 8;
  const x = e.temp(T.v128), n = e.temp(T.v128);
  e.vsr(vB(w));
  f.set(n);
  e.vsr(vA(w));
  f.set(x);
  for (let k = 0; (1 << k) < bits; k++) {
    const by = 1 << k;
    // x shifted by 2^k
    switch (kind) {
      case Shift.Left: f.get(x).i32(by).simd(SHL[size]); break;
      case Shift.Right: f.get(x).i32(by).simd(SHR_U[size]); break;
      case Shift.RightAlg: f.get(x).i32(by).simd(SHR_S[size]); break;
      case Shift.Rotate:
        f.get(x).i32(by).simd(SHL[size]).get(x).i32(bits - by).simd(SHR_U[size]).simd(OpSimd.v128_or);
        break;
      default: assertNever(kind);
    }
    f.get(x);
    // lanes with count bit k set: all ones
    f.get(n).i32(bits - 1 - k).simd(SHL[size]).i32(bits - 1).simd(SHR_S[size]);
    f.simd(OpSimd.v128_bitselect).set(x);
  }
  f.get(x);
  e.setVsr(vT(w));
  return true;
};

/** Per-lane population counts of the v128 on the stack, for lanes of `size` bytes. */
function popcount(e: Emit, size: Size): void {
  const { f } = e;
  f.simd(OpSimd.i8x16_popcnt);
  if (size >= 2) simdX(f, SimdX.i16x8_extadd_pairwise_i8x16_u);
  if (size >= 4) simdX(f, SimdX.i32x4_extadd_pairwise_i16x8_u);
  if (size === 8) {
    // the two word counts of each doubleword, added as 64-bit lanes
    const t = e.temp(T.v128);
    f.tee(t).v128Const([255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0]).simd(OpSimd.v128_and);
    f.get(t).i32(32).simd(OpSimd.i64x2_shr_u).simd(OpSimd.i64x2_add);
  }
}

const vpopcnt = (size: Size): WasmGen => (e) => {
  e.vsr(vB(e.w));
  popcount(e, size);
  e.setVsr(vT(e.w));
  return true;
};

/**
 * Leading zeros per element: smear every element's highest set bit downwards (x |= x >> 1,
 * >> 2, ...), then the count is the element width minus the smeared value's population count
 * (a zero element counts its full width, as the handlers).
 */
const vclz = (size: Size): WasmGen => (e) => {
  const { f, w } = e;
  const bits = size * 8;
  const x = e.temp(T.v128);
  e.vsr(vB(w));
  f.set(x);
  for (let by = 1; by < bits; by *= 2) f.get(x).get(x).i32(by).simd(SHR_U[size]).simd(OpSimd.v128_or).set(x);
  f.v128Const(laneSplat(size, bits));
  f.get(x);
  popcount(e, size);
  f.simd(size === 1 ? OpSimd.i8x16_sub : size === 2 ? OpSimd.i16x8_sub : size === 4 ? OpSimd.i32x4_sub : OpSimd.i64x2_sub);
  e.setVsr(vT(w));
  return true;
};

/** A v128 constant with every lane of `size` bytes equal to the small value v. */
function laneSplat(size: Size, v: number): number[] {
  const b: number[] = [];
  for (let l = 0; l < 16 / size; l++) for (let i = 0; i < size; i++) b.push(i === 0 ? v : 0);
  return b;
}

/** A v128 constant of two equal 64-bit lanes (hi, lo words). */
function dwSplat(hi: number, lo: number): number[] {
  const b: number[] = [];
  for (let l = 0; l < 2; l++) {
    for (let i = 0; i < 4; i++) b.push((lo >>> (8 * i)) & 0xff);
    for (let i = 0; i < 4; i++) b.push((hi >>> (8 * i)) & 0xff);
  }
  return b;
}

/**
 * vgbbd: bit j of ISA byte k of each doubleword goes to bit k of ISA byte j. In a doubleword
 * read as a little-endian integer that is a plain transpose of the 8x8 bit matrix whose rows
 * are the bytes (bit 8r + c goes to 8c + r), done on both doublewords at once with three
 * delta swaps (2x2, 4x4, 8x8 blocks).
 */
const vgbbd: WasmGen = (e) => {
  const { f, w } = e;
  const x = e.temp(T.v128), t = e.temp(T.v128);
  e.vsr(vB(w));
  f.set(x);
  const steps: [number, number, number][] = [[7, 0x00aa00aa, 0x00aa00aa], [14, 0x0000cccc, 0x0000cccc], [28, 0, 0xf0f0f0f0]];
  for (const [sh, hi, lo] of steps) {
    // t = (x ^ (x >> sh)) & mask; x = x ^ t ^ (t << sh)
    f.get(x).get(x).i32(sh).simd(OpSimd.i64x2_shr_u).simd(OpSimd.v128_xor);
    f.v128Const(dwSplat(hi, lo)).simd(OpSimd.v128_and).set(t);
    f.get(x).get(t).simd(OpSimd.v128_xor).get(t).i32(sh).simd(OpSimd.i64x2_shl).simd(OpSimd.v128_xor).set(x);
  }
  f.get(x);
  e.setVsr(vT(w));
  return true;
};

/**
 * vbpermq: bit i (from the left) of a 16-bit result in doubleword 0 is bit VRB.byte[i] of VRA
 * (0 for an index >= 128); everything else is zero. Per lane j (ISA byte j ^ 7 of VRB, index
 * x): the VRA byte holding bit x is ISA byte x >> 3, lane (x >> 3) ^ 7 (a swizzle; x >= 128
 * gives an index >= 16, so 0), masked with 0x80 >> (x & 7) (a swizzle of a constant table).
 * A nonzero lane is a set result bit; i8x16.bitmask collects them once the lanes are put in
 * result order (result bit 15 - i for ISA byte i: lanes 8..15 first, then 0..7).
 */
const vbpermq: WasmGen = (e) => {
  const { f, w } = e;
  const idx = e.temp(T.v128);
  e.vsr(vB(w));
  f.set(idx);
  e.vsr(vA(w));
  f.get(idx).i32(3).simd(OpSimd.i8x16_shr_u).v128Const(new Array<number>(16).fill(7)).simd(OpSimd.v128_xor);
  f.simd(OpSimd.i8x16_swizzle);
  f.v128Const([0x80, 0x40, 0x20, 0x10, 8, 4, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  f.get(idx).v128Const(new Array<number>(16).fill(7)).simd(OpSimd.v128_and).simd(OpSimd.i8x16_swizzle);
  f.simd(OpSimd.v128_and);
  f.v128Const(new Array<number>(16).fill(0)).simd(OpSimd.i8x16_ne);
  const m = e.temp(T.v128);
  f.tee(m).get(m).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]);
  f.simd(OpSimd.i8x16_bitmask);
  const r = e.temp(T.i32);
  f.set(r);
  f.v128Const(new Array<number>(16).fill(0)).get(r).op(Op.i64_extend_i32_u).simdLane(OpSimd.i64x2_replace_lane, 0);
  e.setVsr(vT(w));
  return true;
};

/**
 * vsumsws: word 3 = the signed sum of VRA's four words and VRB's word 3, saturated to 32 bits
 * (VSCR.SAT when it was), the other words 0. Summed as i64: five 32-bit values cannot overflow.
 */
const vsumsws: WasmGen = (e) => {
  const { f, w } = e;
  const s = e.temp(T.i64), a = e.temp(T.v128);
  e.vsr(vA(w));
  f.set(a);
  for (let l = 0; l < 4; l++) {
    f.get(a).simdLane(OpSimd.i32x4_extract_lane, l).op(Op.i64_extend_i32_s);
    if (l > 0) f.op(Op.i64_add);
  }
  e.vsr(vB(w));
  f.simdLane(OpSimd.i32x4_extract_lane, 2).op(Op.i64_extend_i32_s).op(Op.i64_add).set(s);
  // SAT when the sum is not a 32-bit signed value.
  f.get(s).get(s).op(Op.i64_extend32_s).op(Op.i64_ne);
  e.vscr();
  f.op(Op.i32_or);
  e.setVscr();
  // clamp: max(min(s, 2^31 - 1), -2^31)
  const hi = 0x7fffffff, lo = -0x80000000;
  f.get(s).i64(hi).get(s).i64(hi).op(Op.i64_lt_s).op(Op.select).set(s);
  f.get(s).i64(lo).get(s).i64(lo).op(Op.i64_gt_s).op(Op.select).set(s);
  f.v128Const(new Array<number>(16).fill(0)).get(s).op(Op.i32_wrap_i64).simdLane(OpSimd.i32x4_replace_lane, 2);
  e.setVsr(vT(w));
  return true;
};

/** mfvscr: VSCR in word 3 (i32 lane 2), zeros elsewhere. */
const mfvscr: WasmGen = (e) => {
  e.f.v128Const(new Array<number>(16).fill(0));
  e.vscr();
  e.f.simdLane(OpSimd.i32x4_replace_lane, 2);
  e.setVsr(vT(e.w));
  return true;
};

/** mtvscr: VSCR = word 3 of VRB (all 32 bits, as the handler). */
const mtvscr: WasmGen = (e) => {
  e.vsr(vB(e.w));
  e.f.simdLane(OpSimd.i32x4_extract_lane, 2);
  e.setVscr();
  return true;
};

export const VEC_BITS_GENS: ReadonlyArray<readonly [string, WasmGen]> = [
  ["vslb", varShift(1, Shift.Left)],
  ["vslh", varShift(2, Shift.Left)],
  ["vslw", varShift(4, Shift.Left)],
  ["vsld", varShift(8, Shift.Left)],
  ["vsrb", varShift(1, Shift.Right)],
  ["vsrh", varShift(2, Shift.Right)],
  ["vsrw", varShift(4, Shift.Right)],
  ["vsrd", varShift(8, Shift.Right)],
  ["vsrab", varShift(1, Shift.RightAlg)],
  ["vsrah", varShift(2, Shift.RightAlg)],
  ["vsraw", varShift(4, Shift.RightAlg)],
  ["vsrad", varShift(8, Shift.RightAlg)],
  ["vrlb", varShift(1, Shift.Rotate)],
  ["vrlh", varShift(2, Shift.Rotate)],
  ["vrlw", varShift(4, Shift.Rotate)],
  ["vrld", varShift(8, Shift.Rotate)],
  ["vpopcntb", vpopcnt(1)],
  ["vpopcnth", vpopcnt(2)],
  ["vpopcntw", vpopcnt(4)],
  ["vpopcntd", vpopcnt(8)],
  ["vclzb", vclz(1)],
  ["vclzh", vclz(2)],
  ["vclzw", vclz(4)],
  ["vclzd", vclz(8)],
  ["vgbbd", vgbbd],
  ["vbpermq", vbpermq],
  ["vsumsws", vsumsws],
  ["mfvscr", mfvscr],
  ["mtvscr", mtvscr],
];
