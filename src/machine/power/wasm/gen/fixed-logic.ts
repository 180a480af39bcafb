// Translator emitters for fixed-point logical operations, sign extension, counts, population
// count and parity, cmpb and isel. The handlers are ops/fixed-logic.ts: all of them compute on
// the whole 64-bit register in either mode (32-bit mode only changes how CR0 reads the result),
// so each emitter is a handful of i64 operations.

import { type WasmGen, T, RT, RA, RB, RC, Rc } from "../emit.js";
import { Op, OpSimd } from "../encoder.js";
import { pop, finish, pushRA0 } from "./fixed-util.js";

const M32 = 0xffffffffn;

// ---- X-form logical: RA = RS op RB [.] (RS in the RT field) ----

/** A two-operand logical op: `op` applied to RS and RB, `notB` complements RB first, `notR` the result. */
function logical(op: Op, notB = false, notR = false): WasmGen {
  return (e) => {
    const w = e.w, f = e.f;
    e.gpr(RT(w));
    e.gpr(RB(w));
    if (notB) f.i64(-1).op(Op.i64_xor);
    f.op(op);
    if (notR) f.i64(-1).op(Op.i64_xor);
    finish(e, RA(w));
    return true;
  };
}

/**
 * or[.]: `or RA,RS,RS` is mr. `or N,N,N` without Rc is a program-priority hint: the handler
 * changes PPR for N = 1, 6 and 2 (not a register of the contract: those go to the handler)
 * and does nothing at all for the other N.
 */
const or: WasmGen = (e) => {
  const w = e.w, rs = RT(w), ra = RA(w), rb = RB(w);
  if (rs === ra && rs === rb && !Rc(w)) return rs !== 1 && rs !== 6 && rs !== 2;
  e.gpr(rs);
  if (rb !== rs) {
    e.gpr(rb);
    e.f.op(Op.i64_or);
  }
  finish(e, ra);
  return true;
};

// ---- D-form logical immediates (UI zero-extended; the high word of RS is kept, or cleared by and) ----

/** andi. / andis.: RA = RS & (UI << shift), always CR0. */
function andImm(shift: number): WasmGen {
  return (e) => {
    const w = e.w;
    e.gpr(RT(w));
    e.f.i64(BigInt(w & 0xffff) << BigInt(shift)).op(Op.i64_and);
    finish(e, RA(w), undefined, true);
    return true;
  };
}

/** ori / oris / xori / xoris: RA = RS op (UI << shift). */
function logImm(op: Op, shift: number): WasmGen {
  return (e) => {
    const w = e.w, v = BigInt(w & 0xffff) << BigInt(shift);
    e.gpr(RT(w));
    if (v !== 0n) e.f.i64(v).op(op);
    e.setGpr(RA(w));
    return true;
  };
}

/** nop (ori 0,0,0): nothing. */
const nop: WasmGen = () => true;

// ---- RA = f(RS) [.] ----

/** extsb / extsh / extsw / cntlzd: one i64 operation on RS. */
function unary(op: Op): WasmGen {
  return (e) => {
    e.gpr(RT(e.w));
    e.f.op(op);
    finish(e, RA(e.w));
    return true;
  };
}

/** cntlzw: leading zeros of the low word (0..32), high word 0. */
const cntlzw: WasmGen = (e) => {
  e.gpr(RT(e.w));
  e.f.op(Op.i32_wrap_i64, Op.i32_clz, Op.i64_extend_i32_u);
  finish(e, RA(e.w));
  return true;
};

/** popcntb: the number of one bits of each byte, in that byte (the classic halving sums). */
const popcntb: WasmGen = (e) => {
  const f = e.f;
  e.gpr(RT(e.w));
  const x = pop(e);
  f.get(x).get(x).i64(1).op(Op.i64_shr_u).i64(0x5555555555555555n).op(Op.i64_and, Op.i64_sub).set(x);
  f.get(x).i64(0x3333333333333333n).op(Op.i64_and);
  f.get(x).i64(2).op(Op.i64_shr_u).i64(0x3333333333333333n).op(Op.i64_and, Op.i64_add).set(x);
  f.get(x).get(x).i64(4).op(Op.i64_shr_u, Op.i64_add).i64(0x0f0f0f0f0f0f0f0fn).op(Op.i64_and);
  e.setGpr(RA(e.w));
  return true;
};

/** popcntw: the number of one bits of each word, in that word. */
const popcntw: WasmGen = (e) => {
  const f = e.f;
  e.gpr(RT(e.w));
  const x = pop(e);
  f.get(x).i64(M32).op(Op.i64_and, Op.i64_popcnt);
  f.get(x).i64(32).op(Op.i64_shr_u, Op.i64_popcnt).i64(32).op(Op.i64_shl, Op.i64_or);
  e.setGpr(RA(e.w));
  return true;
};

/** popcntd: the number of one bits. */
const popcntd: WasmGen = (e) => {
  e.gpr(RT(e.w));
  e.f.op(Op.i64_popcnt);
  e.setGpr(RA(e.w));
  return true;
};

/**
 * prtyw: per word, the parity of the least significant bits of its four bytes. Folding by 16
 * then 8 brings bits 0, 8, 16, 24 of each word onto its bit 0 (and never mixes the words at
 * bits 0 and 32, the only ones kept).
 */
const prtyw: WasmGen = (e) => {
  const f = e.f;
  e.gpr(RT(e.w));
  const x = pop(e);
  f.get(x).get(x).i64(16).op(Op.i64_shr_u, Op.i64_xor).set(x);
  f.get(x).get(x).i64(8).op(Op.i64_shr_u, Op.i64_xor).i64(0x0000000100000001n).op(Op.i64_and);
  e.setGpr(RA(e.w));
  return true;
};

/** prtyd: the parity of the least significant bits of all eight bytes. */
const prtyd: WasmGen = (e) => {
  const f = e.f;
  e.gpr(RT(e.w));
  const x = pop(e);
  for (const s of [32, 16]) f.get(x).get(x).i64(s).op(Op.i64_shr_u, Op.i64_xor).set(x);
  f.get(x).get(x).i64(8).op(Op.i64_shr_u, Op.i64_xor).i64(1).op(Op.i64_and);
  e.setGpr(RA(e.w));
  return true;
};

/** cmpb: 0xff in each byte where RS and RB agree, else 0x00 (a lane-wise byte compare). */
const cmpb: WasmGen = (e) => {
  const f = e.f;
  e.gpr(RT(e.w));
  f.simd(OpSimd.i64x2_splat);
  e.gpr(RB(e.w));
  f.simd(OpSimd.i64x2_splat).simd(OpSimd.i8x16_eq).simdLane(OpSimd.i64x2_extract_lane, 0);
  e.setGpr(RA(e.w));
  return true;
};

/**
 * bpermd: bit i (from the right, i < 8) of RA = bit number (byte i of RS, from the right) of
 * RB in ISA numbering, 0 for numbers of 64 or more.
 */
const bpermd: WasmGen = (e) => {
  const w = e.w, f = e.f;
  e.gpr(RT(w));
  const rs = pop(e);
  e.gpr(RB(w));
  const rb = pop(e);
  const idx = e.temp(T.i64);
  f.i64(0);
  for (let i = 0; i < 8; i++) {
    f.get(rs);
    if (i !== 0) f.i64(8 * i).op(Op.i64_shr_u);
    f.i64(0xff).op(Op.i64_and).set(idx);
    f.get(rb).i64(63).get(idx).op(Op.i64_sub, Op.i64_shr_u).i64(1).op(Op.i64_and);
    f.i64(0).get(idx).i64(64).op(Op.i64_lt_u, Op.select);
    if (i !== 0) f.i64(i).op(Op.i64_shl);
    f.op(Op.i64_or);
  }
  e.setGpr(RA(w));
  return true;
};

/** isel RT,RA,RB,BC: RT = CR bit BC ? (RA|0) : RB. */
const isel: WasmGen = (e) => {
  const w = e.w, bc = RC(w), f = e.f;
  pushRA0(e, w);
  e.gpr(RB(w));
  e.cr(bc >>> 2);
  f.i32(8 >>> (bc & 3)).op(Op.i32_and, Op.select);
  e.setGpr(RT(w));
  return true;
};

export const FIXED_LOGIC_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([
  ["and", logical(Op.i64_and)],
  ["andc", logical(Op.i64_and, true)],
  ["or", or],
  ["orc", logical(Op.i64_or, true)],
  ["xor", logical(Op.i64_xor)],
  ["nand", logical(Op.i64_and, false, true)],
  ["nor", logical(Op.i64_or, false, true)],
  ["eqv", logical(Op.i64_xor, false, true)],
  ["andi.", andImm(0)],
  ["andis.", andImm(16)],
  ["nop", nop],
  ["ori", logImm(Op.i64_or, 0)],
  ["oris", logImm(Op.i64_or, 16)],
  ["xori", logImm(Op.i64_xor, 0)],
  ["xoris", logImm(Op.i64_xor, 16)],
  ["extsb", unary(Op.i64_extend8_s)],
  ["extsh", unary(Op.i64_extend16_s)],
  ["extsw", unary(Op.i64_extend32_s)],
  ["cntlzw", cntlzw],
  ["cntlzd", unary(Op.i64_clz)],
  ["popcntb", popcntb],
  ["popcntw", popcntw],
  ["popcntd", popcntd],
  ["prtyw", prtyw],
  ["prtyd", prtyd],
  ["cmpb", cmpb],
  ["bpermd", bpermd],
  ["isel", isel],
]);
