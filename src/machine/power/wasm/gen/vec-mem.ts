// Vector loads and stores (VMX lvx/stvx, lvsl/lvsr, element forms; VSX vector and scalar
// forms) and the GPR <-> VSR moves, against ../../ops/vmx-loadstore.ts, vmx-logic.ts,
// vsx-loadstore.ts and vsx-perm.ts.
//
// `load128` gives the 16 bytes in memory order (lane i = the byte at EA + i). Turning that
// into the state's layout (vec-lanes.ts: v128 byte j = ISA byte j ^ 7) is one constant
// shuffle that depends only on the guest byte order and the element size of the instruction:
//  - big-endian, any element size: ISA byte b is the byte at EA + b, so lane j = memory j ^ 7;
//  - little-endian lxvd2x: each doubleword is a little-endian integer at EA + 8d, which is
//    exactly the state's layout: no shuffle;
//  - little-endian lxvw4x: word k (i32 lane k ^ 1) is the little-endian word at EA + 4k,
//    so lane j = memory j ^ 4;
//  - little-endian lvx: the handler swaps the doublewords (doubleword 1 from EA, 0 from EA + 8),
//    so lane j = memory j ^ 8.
// Each of these maps is its own inverse, so stores use the same shuffle.

import { type Emit, type WasmGen, RA, T } from "../emit.js";
import { Op, OpSimd } from "../encoder.js";
import { eaLow4, eaX, vT, xT } from "./vec-lanes.js";

/** Lane j of the result = lane j ^ x of the source. */
const xorLanes = (x: number): number[] => Array.from({ length: 16 }, (_, j) => j ^ x);

/** The memory-order <-> state-layout shuffle for a 16-byte access of `size`-byte elements. */
function memShuffle(le: boolean, size: 4 | 8 | 16): number[] | undefined {
  if (!le) return xorLanes(7);
  if (size === 8) return undefined;
  return xorLanes(size === 4 ? 4 : 8);
}

function load16(e: Emit, t: number, size: 4 | 8 | 16, align: number): boolean {
  const ea = eaX(e, align);
  e.load128(ea, align === 16);
  const lanes = memShuffle(e.le, size);
  if (lanes !== undefined) {
    const v = e.temp(T.v128);
    e.f.tee(v).get(v).shuffle(lanes);
  }
  e.setVsr(t);
  return true;
}

function store16(e: Emit, s: number, size: 4 | 8 | 16, align: number): boolean {
  const ea = eaX(e, align);
  const v = e.temp(T.v128);
  e.vsr(s);
  const lanes = memShuffle(e.le, size);
  if (lanes !== undefined) e.f.tee(v).get(v).shuffle(lanes);
  e.f.set(v);
  e.store128(ea, v, align === 16);
  return true;
}

// ---- VMX ----

const lvx: WasmGen = (e) => load16(e, vT(e.w), 16, 16);
const stvx: WasmGen = (e) => store16(e, vT(e.w), 16, 16);

/** lvsl: ISA byte i = sh + i, sh = EA & 15 (independent of the byte order). */
const lvsl: WasmGen = (e) => {
  const { f } = e;
  f.v128Const(Array.from({ length: 16 }, (_, j) => j ^ 7));
  eaLow4(e);
  f.simd(OpSimd.i8x16_splat).simd(OpSimd.i8x16_add);
  e.setVsr(vT(e.w));
  return true;
};

/** lvsr: ISA byte i = 16 - sh + i. */
const lvsr: WasmGen = (e) => {
  const { f } = e;
  f.v128Const(Array.from({ length: 16 }, (_, j) => 16 + (j ^ 7)));
  eaLow4(e);
  f.simd(OpSimd.i8x16_splat).simd(OpSimd.i8x16_sub);
  e.setVsr(vT(e.w));
  return true;
};

/**
 * Element loads: the element lvx would put the addressed bytes in gets the value (in the guest
 * byte order); the other elements keep their value. The lane is known only at run time, so
 * the new value is splatted and selected into place with a lane-index compare.
 *   size 1: ISA byte (EA & 15) (BE) or 15 - (EA & 15) (LE)  -> v128 byte (EA & 15) ^ (7 | 8)
 *   size 2: ISA halfword x or 7 - x, x = (EA & 15) >> 1     -> i16 lane x ^ (3 | 4)
 *   size 4: ISA word x or 3 - x, x = (EA & 15) >> 2         -> i32 lane x ^ (1 | 2)
 */
const ELEMENT = {
  1: { splat: OpSimd.i8x16_splat, eq: OpSimd.i8x16_eq, extract: OpSimd.i8x16_extract_lane_u, shift: 0, be: 7, le: 8 },
  2: { splat: OpSimd.i16x8_splat, eq: OpSimd.i16x8_eq, extract: OpSimd.i16x8_extract_lane_u, shift: 1, be: 3, le: 4 },
  4: { splat: OpSimd.i32x4_splat, eq: OpSimd.i32x4_eq, extract: OpSimd.i32x4_extract_lane, shift: 2, be: 1, le: 2 },
} as const;

/** Push the run-time lane index (i32) of an element access at the i64 local `ea`. */
function elementLane(e: Emit, ea: number, size: 1 | 2 | 4): void {
  const k = ELEMENT[size];
  e.f.get(ea).op(Op.i32_wrap_i64).i32(15).op(Op.i32_and);
  if (k.shift !== 0) e.f.i32(k.shift).op(Op.i32_shr_u);
  e.f.i32(e.le ? k.le : k.be).op(Op.i32_xor);
}

function loadElement(e: Emit, size: 1 | 2 | 4): boolean {
  const { f } = e;
  const k = ELEMENT[size];
  const ea = eaX(e, size);
  e.load(size, ea);
  f.op(Op.i32_wrap_i64).simd(k.splat);
  e.vsr(vT(e.w));
  // mask: lanes whose index equals the element's lane.
  f.v128Const(iota(size));
  elementLane(e, ea, size);
  f.simd(k.splat).simd(k.eq);
  f.simd(OpSimd.v128_bitselect);
  e.setVsr(vT(e.w));
  return true;
}

/** Lane indices 0, 1, 2, ... as a v128 of `size`-byte lanes. */
function iota(size: 1 | 2 | 4): number[] {
  const b: number[] = [];
  for (let l = 0; l < 16 / size; l++) for (let i = 0; i < size; i++) b.push(i === 0 ? l : 0);
  return b;
}

function storeElement(e: Emit, size: 1 | 2 | 4): boolean {
  const { f } = e;
  const k = ELEMENT[size];
  const ea = eaX(e, size);
  // Bring the element's bytes to lane 0 with a swizzle: byte i of lane 0 <- byte lane*size + i.
  e.vsr(vT(e.w));
  elementLane(e, ea, size);
  if (size > 1) f.i32(size).op(Op.i32_mul);
  f.simd(OpSimd.i8x16_splat);
  f.v128Const(Array.from({ length: 16 }, (_, j) => j % size));
  f.simd(OpSimd.i8x16_add).simd(OpSimd.i8x16_swizzle);
  f.simdLane(k.extract, 0).op(Op.i64_extend_i32_u);
  const v = e.temp(T.i64);
  f.set(v);
  e.store(size, ea, v);
  return true;
}

// ---- VSX vector ----

const lxvd2x: WasmGen = (e) => load16(e, xT(e.w), 8, 1);
const stxvd2x: WasmGen = (e) => store16(e, xT(e.w), 8, 1);
const lxvw4x: WasmGen = (e) => load16(e, xT(e.w), 4, 1);
const stxvw4x: WasmGen = (e) => store16(e, xT(e.w), 4, 1);

/** lxvdsx: the doubleword at EA (one access in the byte order) in both doublewords. */
const lxvdsx: WasmGen = (e) => {
  const ea = eaX(e);
  e.load(8, ea);
  e.f.simd(OpSimd.i64x2_splat);
  e.setVsr(xT(e.w));
  return true;
};

// ---- VSX scalar: doubleword 0 only (doubleword 1 unchanged, as the handlers) ----

/** Pop an i64 into doubleword 0 of VSR n (the FPR's bits when n < 32). */
function setDw0(e: Emit, n: number): void {
  if (n < 32) {
    e.setFprBits(n);
    return;
  }
  const x = e.temp(T.i64);
  e.f.set(x);
  e.vsr(n);
  e.f.get(x).simdLane(OpSimd.i64x2_replace_lane, 0);
  e.setVsr(n);
}

/** Push doubleword 0 of VSR n (i64). */
function dw0(e: Emit, n: number): void {
  if (n < 32) e.fprBits(n);
  else {
    e.vsr(n);
    e.f.simdLane(OpSimd.i64x2_extract_lane, 0);
  }
}

function loadScalar(e: Emit, size: 4 | 8, signed: boolean): boolean {
  const ea = eaX(e);
  e.load(size, ea, signed);
  setDw0(e, xT(e.w));
  return true;
}

function storeScalar(e: Emit, size: 4 | 8): boolean {
  const ea = eaX(e);
  const v = e.temp(T.i64);
  dw0(e, xT(e.w));
  e.f.set(v);
  e.store(size, ea, v);
  return true;
}

// ---- GPR <-> VSR moves (RA is the GPR; the masks require RB = 0) ----

const mfvsrd: WasmGen = (e) => {
  dw0(e, xT(e.w));
  e.setGpr(RA(e.w));
  return true;
};

const mfvsrwz: WasmGen = (e) => {
  dw0(e, xT(e.w));
  e.f.i64(0xffffffff).op(Op.i64_and);
  e.setGpr(RA(e.w));
  return true;
};

const mtvsrd: WasmGen = (e) => {
  e.gpr(RA(e.w));
  setDw0(e, xT(e.w));
  return true;
};

const mtvsrwa: WasmGen = (e) => {
  e.gpr(RA(e.w));
  e.f.op(Op.i64_extend32_s);
  setDw0(e, xT(e.w));
  return true;
};

const mtvsrwz: WasmGen = (e) => {
  e.gpr(RA(e.w));
  e.f.i64(0xffffffff).op(Op.i64_and);
  setDw0(e, xT(e.w));
  return true;
};

export const VEC_MEM_GENS: ReadonlyArray<readonly [string, WasmGen]> = [
  ["lvx", lvx],
  ["lvxl", lvx],
  ["stvx", stvx],
  ["stvxl", stvx],
  ["lvsl", lvsl],
  ["lvsr", lvsr],
  ["lvebx", (e) => loadElement(e, 1)],
  ["lvehx", (e) => loadElement(e, 2)],
  ["lvewx", (e) => loadElement(e, 4)],
  ["stvebx", (e) => storeElement(e, 1)],
  ["stvehx", (e) => storeElement(e, 2)],
  ["stvewx", (e) => storeElement(e, 4)],
  ["lxvd2x", lxvd2x],
  ["stxvd2x", stxvd2x],
  ["lxvw4x", lxvw4x],
  ["stxvw4x", stxvw4x],
  ["lxvdsx", lxvdsx],
  ["lxsdx", (e) => loadScalar(e, 8, false)],
  ["stxsdx", (e) => storeScalar(e, 8)],
  ["lxsiwzx", (e) => loadScalar(e, 4, false)],
  ["lxsiwax", (e) => loadScalar(e, 4, true)],
  ["stxsiwx", (e) => storeScalar(e, 4)],
  ["mfvsrd", mfvsrd],
  ["mfvsrwz", mfvsrwz],
  ["mtvsrd", mtvsrd],
  ["mtvsrwa", mtvsrwa],
  ["mtvsrwz", mtvsrwz],
];
