// Lane arithmetic shared by the vector emitters: how the ISA's element numbering maps onto the
// lanes of a wasm v128 holding a register in the state's layout, and the small code shapes
// (register fields, effective addresses, constant shuffles) the emitters repeat.
//
// The state keeps each doubleword of a VSR as a little-endian 64-bit integer, doubleword 0
// (ISA bits 0:63) first (emit.ts `vsr()`). Reading that as a v128:
//   ISA byte b (0 = most significant) is v128 byte  b ^ 7,
//   ISA halfword h                    is i16 lane   h ^ 3,
//   ISA word k                        is i32 lane   k ^ 1,
//   ISA doubleword d                  is i64 lane   d.
// So element-wise operations are plain lane-wise wasm SIMD operations, and every fixed
// rearrangement of bytes is one i8x16.shuffle whose lanes are computed here at emit time.

import { type Emit, RA, RB, RC, RT, T } from "../emit.js";
import { type FnBuilder, Op, OpSimd } from "../encoder.js";

/**
 * SIMD opcodes the encoder's `OpSimd` does not list (compares, widening and pairwise
 * operations), kept here so that the encoder stays as the core wrote it; written by `simdX`.
 */
export const enum SimdX {
  i16x8_ge_u = 0x36,
  i32x4_ge_u = 0x40,
  i16x8_extadd_pairwise_i8x16_s = 0x7c,
  i16x8_extadd_pairwise_i8x16_u = 0x7d,
  i32x4_extadd_pairwise_i16x8_s = 0x7e,
  i32x4_extadd_pairwise_i16x8_u = 0x7f,
  i16x8_extend_low_i8x16_s = 0x87,
  i32x4_extend_low_i16x8_s = 0xa7,
  i64x2_extend_low_i32x4_s = 0xc7,
}

/** Write a 0xFD-prefixed opcode of `SimdX`. */
export function simdX(f: FnBuilder, op: SimdX): void {
  f.code.u8(0xfd).u32(op);
}

/** v128 byte holding ISA byte b of a register (and the other way round: the map is its own inverse). */
export const laneOfByte = (b: number): number => b ^ 7;

/** VR fields as VSR numbers (VR k is VSR 32 + k). */
export const vT = (w: number): number => 32 + RT(w);
export const vA = (w: number): number => 32 + RA(w);
export const vB = (w: number): number => 32 + RB(w);
export const vC = (w: number): number => 32 + RC(w);

/** VSX fields (6-bit register numbers): XT/XS = TX||T, XA = AX||A, XB = BX||B, XC = CX||C. */
export const xT = (w: number): number => ((w & 1) << 5) | RT(w);
export const xA = (w: number): number => ((w & 4) << 3) | RA(w);
export const xB = (w: number): number => ((w & 2) << 4) | RB(w);
export const xC = (w: number): number => ((w & 8) << 2) | RC(w);

/** A source byte of a rearrangement: operand `src` (0 = first, 1 = second) and its ISA byte. */
export type ByteSource = readonly [src: 0 | 1, byte: number];

/**
 * The i8x16.shuffle lanes that build a register whose ISA byte i is `from(i)`: lane j of the
 * result holds ISA byte j ^ 7, taken from v128 lane (byte ^ 7) of the first operand or
 * 16 + (byte ^ 7) of the second.
 */
export function shuffleOf(from: (i: number) => ByteSource): number[] {
  const lanes: number[] = [];
  for (let j = 0; j < 16; j++) {
    const [src, byte] = from(laneOfByte(j));
    lanes.push(src * 16 + laneOfByte(byte));
  }
  return lanes;
}

/** The same for element rearrangements: result element i (of `size` bytes) is `from(i)`. */
export function shuffleOfElements(size: 1 | 2 | 4 | 8, from: (i: number) => ByteSource): number[] {
  return shuffleOf((i) => {
    const [src, el] = from(Math.floor(i / size));
    return [src, el * size + (i % size)];
  });
}

/** Emit `shuffle(x, y)` of the two registers (VSR numbers) into VSR t. */
export function shuffleRegs(e: Emit, t: number, x: number, y: number, lanes: readonly number[]): void {
  e.vsr(x);
  e.vsr(y);
  e.f.shuffle(lanes);
  e.setVsr(t);
}

/** A v128 constant with every byte `b`. */
export const splatBytes = (b: number): number[] => new Array<number>(16).fill(b & 0xff);

/**
 * The X-form effective address (RA|0) + (RB) into a new i64 temp, wrapped to 32 bits in
 * 32-bit mode; `align` (a power of two) clears the low bits as lvx/lvehx/lvewx do.
 */
export function eaX(e: Emit, align = 1): number {
  const { f, w } = e;
  const ea = e.temp(T.i64);
  if (RA(w) === 0) e.gpr(RB(w));
  else {
    e.gpr(RA(w));
    e.gpr(RB(w));
    f.op(Op.i64_add);
  }
  if (align > 1) f.i64(-align).op(Op.i64_and);
  f.set(ea);
  e.ea32(ea);
  return ea;
}

/**
 * Push the low 4 bits of the X-form effective address (i32): they do not depend on the mode,
 * so the 64-bit sum is never needed (lvsl, lvsr).
 */
export function eaLow4(e: Emit): void {
  const { f, w } = e;
  e.gpr(RB(w));
  f.op(Op.i32_wrap_i64);
  if (RA(w) !== 0) {
    e.gpr(RA(w));
    f.op(Op.i32_wrap_i64, Op.i32_add);
  }
  f.i32(15).op(Op.i32_and);
}

/**
 * CR6 of a vector compare with Rc = 1, from the v128 local `m` holding the result mask:
 * 8 when every element is true, 2 when none is (all elements are all-ones or all-zeros, so
 * byte tests are exact for every element size).
 */
export function setCr6FromMask(e: Emit, m: number): void {
  const { f } = e;
  if (!e.crLive(6)) return;
  f.get(m).simd(OpSimd.i8x16_all_true).i32(3).op(Op.i32_shl);
  f.get(m).simd(OpSimd.v128_any_true).op(Op.i32_eqz).i32(1).op(Op.i32_shl);
  f.op(Op.i32_or);
  e.setCr(6);
}
