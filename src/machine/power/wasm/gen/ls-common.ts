// Pieces shared by the load/store emitters (loadstore.ts, loadstore-fp.ts): effective
// addresses and byte reversal, written against the Emit contract (../emit.ts).

import { type Emit, T, RA, RB, SI } from "../emit.js";
import { Op, OpSimd } from "../encoder.js";

/** How an instruction forms its effective address. */
export const enum Form {
  /** (RA|0) + EXTS(D) */
  D,
  /** (RA|0) + EXTS(DS || 0b00): the low two bits of the word are extended opcode. */
  DS,
  /** (RA|0) + EXTS(DQ || 0b0000) (lq): the low four bits of the word are ignored. */
  DQ,
  /** (RA|0) + (RB) */
  X,
}

/**
 * Compute the effective address of `e.w` into a new i64 scratch local, wrapped to 32 bits in
 * 32-bit mode (ops/ea.ts: the high word is 0 there, also when RA is 0), and return the local.
 * This is also the value an update form writes back into RA.
 */
export function effectiveAddress(e: Emit, form: Form): number {
  const f = e.f, w = e.w, ra = RA(w);
  const ea = e.temp(T.i64);
  if (form === Form.X) {
    if (ra !== 0) e.gpr(ra);
    e.gpr(RB(w));
    if (ra !== 0) f.op(Op.i64_add);
  } else {
    const d = form === Form.D ? SI(w) : form === Form.DS ? SI(w) & ~3 : SI(w) & ~15;
    if (ra === 0) {
      f.i64(d);
    } else {
      e.gpr(ra);
      if (d !== 0) f.i64(d).op(Op.i64_add);
    }
  }
  f.set(ea);
  e.ea32(ea);
  return ea;
}

/** What the value helpers below need of an Emit: the function and scratch locals. */
export type Code = Pick<Emit, "f" | "temp">;

/** i64 on the stack: its low 16 bits reversed, the rest cleared; uses an i32 scratch. */
export function swap16(e: Code): void {
  const f = e.f, t = e.temp(T.i32);
  f.op(Op.i32_wrap_i64).tee(t).i32(8).op(Op.i32_shl).i32(0xff00).op(Op.i32_and);
  f.get(t).i32(8).op(Op.i32_shr_u).i32(0xff).op(Op.i32_and);
  f.op(Op.i32_or, Op.i64_extend_i32_u);
}

/** i64 on the stack: its low 32 bits reversed, zero-extended; uses an i32 scratch. */
export function swap32(e: Code): void {
  const f = e.f, t = e.temp(T.i32);
  // b3 b2 b1 b0 -> rotl 8 keeps b1, b3 in place of bytes 2, 0; rotr 8 keeps b0, b2 in 3, 1.
  f.op(Op.i32_wrap_i64).tee(t).i32(8).op(Op.i32_rotl).i32(0x00ff00ff).op(Op.i32_and);
  f.get(t).i32(8).op(Op.i32_rotr).i32(0xff00ff00 | 0).op(Op.i32_and);
  f.op(Op.i32_or).op(Op.i64_extend_i32_u);
}

/** i64 on the stack, all 8 bytes reversed (one SIMD shuffle through lane 0; a v128 scratch). */
export function swap64(e: Code): void {
  const f = e.f, v = e.temp(T.v128);
  f.simd(OpSimd.i64x2_splat).tee(v).get(v);
  f.shuffle([7, 6, 5, 4, 3, 2, 1, 0, 8, 9, 10, 11, 12, 13, 14, 15]);
  f.simdLane(OpSimd.i64x2_extract_lane, 0);
}
