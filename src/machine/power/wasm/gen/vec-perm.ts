// Vector logical operations, selects, permutes, splats, merges, modulo packs and unpacks
// (VMX and VSX), against ../../ops/vmx-logic.ts, vmx-pack.ts and vsx-perm.ts.
//
// Logical operations are bitwise, so the layout does not matter. Every fixed rearrangement is
// one i8x16.shuffle with lanes computed at emit time from the ISA description (vec-lanes.ts
// `shuffleOf`); vperm, vslo and vsro, whose byte moves depend on register contents, use
// i8x16.swizzle with the indices converted to the layout at run time.

import { type Emit, type WasmGen, T } from "../emit.js";
import { Op, OpSimd } from "../encoder.js";
import { assertNever } from "../../../assert.js";
import {
  type ByteSource, SimdX, simdX, shuffleOf, shuffleOfElements, shuffleRegs, splatBytes,
  vA, vB, vC, vT, xA, xB, xC, xT,
} from "./vec-lanes.js";

/** How one logical operation is written: on the stack a, b -> result. */
const enum Logic { And, Andc, Or, Xor, Nor, Orc, Nand, Eqv }

function logic(e: Emit, op: Logic): void {
  const { f } = e;
  switch (op) {
    case Logic.And: f.simd(OpSimd.v128_and); break;
    case Logic.Andc: f.simd(OpSimd.v128_andnot); break;
    case Logic.Or: f.simd(OpSimd.v128_or); break;
    case Logic.Xor: f.simd(OpSimd.v128_xor); break;
    case Logic.Nor: f.simd(OpSimd.v128_or).simd(OpSimd.v128_not); break;
    case Logic.Orc: f.simd(OpSimd.v128_not).simd(OpSimd.v128_or); break;
    case Logic.Nand: f.simd(OpSimd.v128_and).simd(OpSimd.v128_not); break;
    case Logic.Eqv: f.simd(OpSimd.v128_xor).simd(OpSimd.v128_not); break;
    default: assertNever(op);
  }
}

/**
 * t = a op b. With a and b the same register (the idioms vmr/xxmr, vnot, and vxor/xxlxor
 * clearing a register) the result is a copy, a complement or a constant.
 */
function logic3(e: Emit, op: Logic, t: number, a: number, b: number): boolean {
  const { f } = e;
  if (a !== b) {
    e.vsr(a);
    e.vsr(b);
    logic(e, op);
  } else {
    switch (op) {
      case Logic.And: case Logic.Or: e.vsr(a); break;
      case Logic.Nor: case Logic.Nand: e.vsr(a); f.simd(OpSimd.v128_not); break;
      case Logic.Xor: case Logic.Andc: f.v128Const(splatBytes(0)); break;
      case Logic.Orc: case Logic.Eqv: f.v128Const(splatBytes(0xff)); break;
      default: assertNever(op);
    }
  }
  e.setVsr(t);
  return true;
}

/** VX-form logical: VRT = VRA op VRB. */
const vlogic = (op: Logic): WasmGen => (e) => logic3(e, op, vT(e.w), vA(e.w), vB(e.w));

/** XX3-form logical: XT = XA op XB. */
const xlogic = (op: Logic): WasmGen => (e) => logic3(e, op, xT(e.w), xA(e.w), xB(e.w));

/** vsel / xxsel: bits of the second operand where the mask is 1, of the first where it is 0. */
function select(e: Emit, t: number, a: number, b: number, m: number): boolean {
  e.vsr(b);
  e.vsr(a);
  e.vsr(m);
  e.f.simd(OpSimd.v128_bitselect);
  e.setVsr(t);
  return true;
}

/**
 * vperm: result byte i = byte (VRC.byte[i] & 31) of VRA || VRB. In the layout, control byte
 * and result byte i sit in the same lane j = i ^ 7; ISA source byte k is lane k ^ 7 of VRA
 * (k < 16) or of VRB (k >= 16, as (k ^ 7) - 16 = (k ^ 7) ^ 16). With x = (c & 31) ^ 7,
 * swizzle(VRA, x) picks the VRA bytes and gives 0 for x >= 16, swizzle(VRB, x ^ 16) the
 * VRB bytes; their OR is the result.
 */
const vperm: WasmGen = (e) => {
  const { f, w } = e;
  const x = e.temp(T.v128);
  e.vsr(vC(w));
  f.v128Const(splatBytes(31)).simd(OpSimd.v128_and);
  f.v128Const(splatBytes(7)).simd(OpSimd.v128_xor).set(x);
  e.vsr(vA(w));
  f.get(x).simd(OpSimd.i8x16_swizzle);
  e.vsr(vB(w));
  f.get(x).v128Const(splatBytes(16)).simd(OpSimd.v128_xor).simd(OpSimd.i8x16_swizzle);
  f.simd(OpSimd.v128_or);
  e.setVsr(vT(w));
  return true;
};

/** vsldoi: bytes SHB..SHB+15 of VRA || VRB. */
const vsldoi: WasmGen = (e) => {
  const sh = (e.w >>> 6) & 15;
  const lanes = shuffleOf((i): ByteSource => (sh + i < 16 ? [0, sh + i] : [1, sh + i - 16]));
  shuffleRegs(e, vT(e.w), vA(e.w), vB(e.w), lanes);
  return true;
};

/**
 * vslo / vsro: VRA shifted left / right by sh = VRB bits 121:124 octets, zeros shifted in.
 * Source ISA byte of result byte i: i + sh (left) or i - sh (right); out of 0..15 gives 0.
 * As a swizzle index: ((i ± sh) ^ 7), computed per lane from the constant i = j ^ 7; values
 * out of range stay >= 16 through the xor with 7 (16..31 and 0xf0..0xff), so swizzle zeroes them.
 */
function octetShift(e: Emit, left: boolean): boolean {
  const { f, w } = e;
  f.v128Const(Array.from({ length: 16 }, (_, j) => j ^ 7));
  e.vsr(vB(w));
  f.simdLane(OpSimd.i32x4_extract_lane, 2).i32(3).op(Op.i32_shr_u).i32(15).op(Op.i32_and);
  f.simd(OpSimd.i8x16_splat).simd(left ? OpSimd.i8x16_add : OpSimd.i8x16_sub);
  f.v128Const(splatBytes(7)).simd(OpSimd.v128_xor);
  const idx = e.temp(T.v128);
  f.set(idx);
  e.vsr(vA(w));
  f.get(idx).simd(OpSimd.i8x16_swizzle);
  e.setVsr(vT(w));
  return true;
}

/**
 * vsl / vsr: the 128-bit VRA shifted by n = VRB bits 125:127 bits (byte 15's, as the handler).
 * Doubleword 0 is the more significant one. Left: dw0 = dw0 << n | dw1 >> (64 - n),
 * dw1 = dw1 << n; the bits crossing over are shifted by 1 then 63 - n so that n = 0 needs no
 * special case (a wasm shift by 64 is a shift by 0).
 */
function bitShift(e: Emit, left: boolean): boolean {
  const { f, w } = e;
  const n = e.temp(T.i32), a = e.temp(T.v128);
  e.vsr(vB(w));
  f.simdLane(OpSimd.i32x4_extract_lane, 2).i32(7).op(Op.i32_and).set(n);
  e.vsr(vA(w));
  f.tee(a).get(n).simd(left ? OpSimd.i64x2_shl : OpSimd.i64x2_shr_u);
  // The crossing doubleword in its new lane, zero in the other: left [dw1, 0], right [0, dw0].
  const zero = new Array<number>(16).fill(0);
  f.get(a).v128Const(zero);
  f.shuffle(left
    ? [8, 9, 10, 11, 12, 13, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16]
    : [16, 16, 16, 16, 16, 16, 16, 16, 0, 1, 2, 3, 4, 5, 6, 7]);
  const cross = left ? OpSimd.i64x2_shr_u : OpSimd.i64x2_shl;
  f.i32(1).simd(cross).i32(63).get(n).op(Op.i32_sub).simd(cross);
  f.simd(OpSimd.v128_or);
  e.setVsr(vT(w));
  return true;
}

// ---- splats ----

/** vspltis[bhw]: SIM (bits 11:15) sign-extended in every element. */
const splatImm = (op: OpSimd): WasmGen => (e) => {
  e.f.i32((e.w << 11) >> 27).simd(op);
  e.setVsr(vT(e.w));
  return true;
};

/** vsplt[bhw] / xxspltw: element UIM of the source in every element. */
function splatElement(e: Emit, t: number, b: number, size: 1 | 2 | 4, uim: number): boolean {
  const lanes = shuffleOfElements(size, () => [0, uim]);
  shuffleRegs(e, t, b, b, lanes);
  return true;
}

// ---- merges and modulo packs: constant element rearrangements of VRA || VRB ----

type From = (i: number) => ByteSource;

/** Merge high / low of `size`-byte elements: a[h], b[h], a[h+1], b[h+1], ... */
const merge = (size: 1 | 2 | 4, low: boolean): From => {
  const half = 8 / size;
  return (i) => [(i & 1) as 0 | 1, (i >> 1) + (low ? half : 0)];
};

/** vmrgew / vmrgow: words a0 b0 a2 b2 / a1 b1 a3 b3. */
const mergeWords = (odd: boolean): From => (i) => [(i & 1) as 0 | 1, (i & 2) + (odd ? 1 : 0)];

/** Modulo pack: the low `size`-byte half of each element of VRA then VRB (elements of 2 x size). */
const packLow = (size: 1 | 2 | 4): From => {
  const per = 8 / size;
  return (i) => [(i < per ? 0 : 1) as 0 | 1, 2 * (i % per) + 1];
};

const vshuffle = (size: 1 | 2 | 4 | 8, from: From): WasmGen => {
  const lanes = shuffleOfElements(size, from);
  return (e) => {
    shuffleRegs(e, vT(e.w), vA(e.w), vB(e.w), lanes);
    return true;
  };
};

const xshuffle = (size: 1 | 2 | 4 | 8, from: From): WasmGen => {
  const lanes = shuffleOfElements(size, from);
  return (e) => {
    shuffleRegs(e, xT(e.w), xA(e.w), xB(e.w), lanes);
    return true;
  };
};

/** xxpermdi: doubleword 0 = XA.dw[DM0], doubleword 1 = XB.dw[DM1]. */
const xxpermdi: WasmGen = (e) => {
  const dm = (e.w >>> 8) & 3;
  const lanes = shuffleOfElements(8, (i) => (i === 0 ? [0, dm >> 1] : [1, dm & 1]));
  shuffleRegs(e, xT(e.w), xA(e.w), xB(e.w), lanes);
  return true;
};

/** xxsldwi: words SHW..SHW+3 of XA || XB. */
const xxsldwi: WasmGen = (e) => {
  const sh = (e.w >>> 8) & 3;
  const lanes = shuffleOfElements(4, (i) => (sh + i < 4 ? [0, sh + i] : [1, sh + i - 4]));
  shuffleRegs(e, xT(e.w), xA(e.w), xB(e.w), lanes);
  return true;
};

// ---- unpacks: sign-extend the high / low half's elements (VRB) ----

/**
 * vupk[hl]s[bhw]: result element k (2 x size bytes) = EXTS(VRB element k, or k + n/2 for the
 * low half). wasm's extend_low widens lanes 0.. of the little-endian lane order, so a shuffle
 * first puts in lane L (size bytes) the source element that belongs in result lane L: result
 * element k is lane k ^ (4/size - 1) (vec-lanes.ts), and a source element's bytes, least
 * significant first, are v128 bytes ((its last ISA byte) ^ 7) upwards.
 */
function unpack(size: 1 | 2 | 4, low: boolean): WasmGen {
  const half = 8 / size;
  const lanes: number[] = [];
  for (let L = 0; L < half; L++) {
    const src = (L ^ (4 / size - 1)) + (low ? half : 0);
    const first = (src * size + size - 1) ^ 7;
    for (let i = 0; i < size; i++) lanes.push(first + i);
  }
  while (lanes.length < 16) lanes.push(0);
  const ext = size === 1 ? SimdX.i16x8_extend_low_i8x16_s
    : size === 2 ? SimdX.i32x4_extend_low_i16x8_s : SimdX.i64x2_extend_low_i32x4_s;
  return (e) => {
    e.vsr(vB(e.w));
    e.vsr(vB(e.w));
    e.f.shuffle(lanes);
    simdX(e.f, ext);
    e.setVsr(vT(e.w));
    return true;
  };
}

export const VEC_PERM_GENS: ReadonlyArray<readonly [string, WasmGen]> = [
  ["vand", vlogic(Logic.And)],
  ["vandc", vlogic(Logic.Andc)],
  ["vor", vlogic(Logic.Or)],
  ["vxor", vlogic(Logic.Xor)],
  ["vnor", vlogic(Logic.Nor)],
  ["vorc", vlogic(Logic.Orc)],
  ["vnand", vlogic(Logic.Nand)],
  ["veqv", vlogic(Logic.Eqv)],
  ["xxland", xlogic(Logic.And)],
  ["xxlandc", xlogic(Logic.Andc)],
  ["xxlor", xlogic(Logic.Or)],
  ["xxlxor", xlogic(Logic.Xor)],
  ["xxlnor", xlogic(Logic.Nor)],
  ["xxlorc", xlogic(Logic.Orc)],
  ["xxlnand", xlogic(Logic.Nand)],
  ["xxleqv", xlogic(Logic.Eqv)],
  ["vsel", (e) => select(e, vT(e.w), vA(e.w), vB(e.w), vC(e.w))],
  ["xxsel", (e) => select(e, xT(e.w), xA(e.w), xB(e.w), xC(e.w))],
  ["vperm", vperm],
  ["vsldoi", vsldoi],
  ["vslo", (e) => octetShift(e, true)],
  ["vsro", (e) => octetShift(e, false)],
  ["vsl", (e) => bitShift(e, true)],
  ["vsr", (e) => bitShift(e, false)],
  ["vspltisb", splatImm(OpSimd.i8x16_splat)],
  ["vspltish", splatImm(OpSimd.i16x8_splat)],
  ["vspltisw", splatImm(OpSimd.i32x4_splat)],
  ["vspltb", (e) => splatElement(e, vT(e.w), vB(e.w), 1, (e.w >>> 16) & 15)],
  ["vsplth", (e) => splatElement(e, vT(e.w), vB(e.w), 2, (e.w >>> 16) & 7)],
  ["vspltw", (e) => splatElement(e, vT(e.w), vB(e.w), 4, (e.w >>> 16) & 3)],
  ["xxspltw", (e) => splatElement(e, xT(e.w), xB(e.w), 4, (e.w >>> 16) & 3)],
  ["vmrghb", vshuffle(1, merge(1, false))],
  ["vmrghh", vshuffle(2, merge(2, false))],
  ["vmrghw", vshuffle(4, merge(4, false))],
  ["vmrglb", vshuffle(1, merge(1, true))],
  ["vmrglh", vshuffle(2, merge(2, true))],
  ["vmrglw", vshuffle(4, merge(4, true))],
  ["vmrgew", vshuffle(4, mergeWords(false))],
  ["vmrgow", vshuffle(4, mergeWords(true))],
  ["vpkuhum", vshuffle(1, packLow(1))],
  ["vpkuwum", vshuffle(2, packLow(2))],
  ["vpkudum", vshuffle(4, packLow(4))],
  ["xxmrghw", xshuffle(4, merge(4, false))],
  ["xxmrglw", xshuffle(4, merge(4, true))],
  ["xxpermdi", xxpermdi],
  ["xxsldwi", xxsldwi],
  ["vupkhsb", unpack(1, false)],
  ["vupklsb", unpack(1, true)],
  ["vupkhsh", unpack(2, false)],
  ["vupklsh", unpack(2, true)],
  ["vupkhsw", unpack(4, false)],
  ["vupklsw", unpack(4, true)],
];
