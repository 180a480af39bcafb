// Translator emitters: floating-point arithmetic (fadd fsub fmul fdiv fsqrt, the multiply-adds,
// their single forms, frsp) and the cores shared with the VSX scalar forms (fp-vsx.ts).
//
// Each core is fpu/fast.ts's round-to-nearest fast path written in WebAssembly, step by step
// and in the same evaluation order: the f64 result z, the sign of the rounding error (exact
// result - z) from an error-free transformation (Fast2Sum, Dekker's product, the remainder of
// a division or square root), and the same range checks; where fast.ts gives up (returns -1)
// the code branches to the handler. The handler's other rounding modes are stepped results
// (next double up/down): left to the handler (compilers and libm run in round-to-nearest).

import { type Emit, type WasmGen, T, RT, RA, RB, RC, Rc } from "../emit.js";
import { type Label, Op } from "../encoder.js";
import {
  DBL_MAX, DBL_MIN, abs, absIn, absLt, fastOrFallback, finishSingleNearest, fpscrDone, fpscrFast, keepF64, prodErr,
} from "./fp-code.js";

/** 2^996: operands below this can be split without overflow. */
const BIG = 6.696928794914171e299;
/** 2^-968: products at least this large have an exactly representable error term. */
const TINYP = 4.008336720017946e-292;
/** 2^1023: products below this leave room for the split partial products. */
const PMAX = 8.98846567431158e307;
/** 2^1020: addends and products below this cannot overflow in the FMA sums. */
const HUGE = 1.1235582092889474e307;

/** A core's outcome: the round-to-nearest double z and the sign of (exact - z), as i32 locals. */
export interface Rounded {
  readonly z: number;
  /** 1 when the exact result is not z. */
  readonly ne: number;
  /** 1 when the exact result is above z (meaningful when ne). */
  readonly pos: number;
}

/** Push the i32 AND of the n conditions already pushed. */
function and(e: Emit, n: number): void {
  for (let i = 1; i < n; i++) e.f.op(Op.i32_and);
}

/** Locals ne := cond (pushed) and pos := err > 0 for the f64 local err. */
function signOf(e: Emit, err: number): { ne: number; pos: number } {
  const ne = e.temp(T.i32), pos = e.temp(T.i32);
  e.f.set(ne).get(err).f64(0).op(Op.f64_gt).set(pos);
  return { ne, pos };
}

/** a + b (b already negated for a subtraction): fast.ts addF. */
export function addCore(e: Emit, a: number, b: number, slow: Label): Rounded {
  const f = e.f;
  const z = e.temp(T.f64), err = e.temp(T.f64);
  f.get(a).get(b).op(Op.f64_add).tee(z);
  f.get(z).op(Op.f64_sub).f64(0).op(Op.f64_ne).brIf(slow);
  // Fast2Sum, the larger magnitude first.
  f.get(b).get(z).get(a).op(Op.f64_sub, Op.f64_sub);
  f.get(a).get(z).get(b).op(Op.f64_sub, Op.f64_sub);
  abs(e, a);
  abs(e, b);
  f.op(Op.f64_ge, Op.select).tee(err);
  f.f64(0).op(Op.f64_ne);
  return { z, ...signOf(e, err) };
}

/** a × b: fast.ts mulF. */
export function mulCore(e: Emit, a: number, b: number, slow: Label): Rounded {
  const f = e.f;
  const p = e.temp(T.f64), ok = e.temp(T.i32), err = e.temp(T.f64);
  f.get(a).get(b).op(Op.f64_mul).set(p);
  absIn(e, p, TINYP, PMAX);
  absIn(e, a, DBL_MIN, BIG);
  absIn(e, b, DBL_MIN, BIG);
  and(e, 3);
  f.tee(ok);
  // Else an exact zero product of finite operands (rare: off the straight path).
  f.op(Op.i32_eqz).if_();
  f.get(p).f64(0).op(Op.f64_eq);
  f.get(a).f64(0).op(Op.f64_eq).get(b).f64(0).op(Op.f64_eq, Op.i32_or);
  abs(e, a);
  f.f64(DBL_MAX).op(Op.f64_le);
  abs(e, b);
  f.f64(DBL_MAX).op(Op.f64_le);
  and(e, 4);
  f.op(Op.i32_eqz).brIf(slow);
  f.end();
  prodErr(e, a, b, p);
  f.tee(err).f64(0).op(Op.f64_ne).get(ok).op(Op.i32_and);
  return { z: p, ...signOf(e, err) };
}

/** a / b: fast.ts divF. */
export function divCore(e: Emit, a: number, b: number, slow: Label): Rounded {
  const f = e.f;
  const q = e.temp(T.f64), ok = e.temp(T.i32), p = e.temp(T.f64), r = e.temp(T.f64);
  f.get(a).get(b).op(Op.f64_div).set(q);
  absIn(e, q, DBL_MIN, BIG, true);
  absIn(e, b, DBL_MIN, BIG);
  absIn(e, a, TINYP, PMAX);
  and(e, 3);
  f.tee(ok);
  // Else a zero dividend over a finite nonzero divisor (rare: off the straight path).
  f.op(Op.i32_eqz).if_();
  f.get(a).f64(0).op(Op.f64_eq);
  abs(e, b);
  f.f64(0).op(Op.f64_gt);
  abs(e, b);
  f.f64(DBL_MAX).op(Op.f64_le);
  and(e, 3);
  f.op(Op.i32_eqz).brIf(slow);
  f.end();
  // The remainder a - q × b, exact.
  f.get(q).get(b).op(Op.f64_mul).set(p);
  f.get(a).get(p).op(Op.f64_sub);
  prodErr(e, q, b, p);
  f.op(Op.f64_sub).tee(r);
  const ne = e.temp(T.i32), pos = e.temp(T.i32);
  f.f64(0).op(Op.f64_ne).get(ok).op(Op.i32_and).set(ne);
  f.get(r).f64(0).op(Op.f64_gt).get(b).f64(0).op(Op.f64_gt, Op.i32_eq).set(pos);
  return { z: q, ne, pos };
}

/** √a: fast.ts sqrtF. */
export function sqrtCore(e: Emit, a: number, slow: Label): Rounded {
  const f = e.f;
  const ok = e.temp(T.i32), s = e.temp(T.f64), p = e.temp(T.f64), r = e.temp(T.f64);
  f.get(a).f64(TINYP).op(Op.f64_ge).get(a).f64(PMAX).op(Op.f64_lt, Op.i32_and).tee(ok);
  f.get(a).f64(0).op(Op.f64_eq, Op.i32_or, Op.i32_eqz).brIf(slow);
  // √±0 is ±0, the handler's result for a zero operand.
  f.get(a).op(Op.f64_sqrt).tee(s).get(s).op(Op.f64_mul).set(p);
  f.get(a).get(p).op(Op.f64_sub);
  prodErr(e, s, s, p);
  f.op(Op.f64_sub).tee(r);
  f.f64(0).op(Op.f64_ne).get(ok).op(Op.i32_and);
  return { z: s, ...signOf(e, r) };
}

/**
 * a × b + c rounded once (the caller has applied the negations): fast.ts fmaF, including its
 * refusal of an exact zero result.
 */
export function fmaCore(e: Emit, a: number, b: number, c: number, slow: Label): Rounded {
  const f = e.f;
  const L = (): number => e.temp(T.f64);
  const uh = L(), ul = L(), th = L(), tl = L(), w = L(), z = L(), zerr = L(), b2 = L(), werr = L(), h = L();
  f.get(a).get(b).op(Op.f64_mul).set(uh);
  absIn(e, uh, TINYP, HUGE);
  absLt(e, c, HUGE);
  absIn(e, a, DBL_MIN, BIG);
  absIn(e, b, DBL_MIN, BIG);
  and(e, 4);
  f.op(Op.i32_eqz).brIf(slow);
  prodErr(e, a, b, uh);
  f.set(ul);
  // c + uh = th + tl (Fast2Sum, the larger magnitude first)
  f.get(c).get(uh).op(Op.f64_add).set(th);
  f.get(uh).get(th).get(c).op(Op.f64_sub, Op.f64_sub);
  f.get(c).get(th).get(uh).op(Op.f64_sub, Op.f64_sub);
  abs(e, c);
  abs(e, uh);
  f.op(Op.f64_ge, Op.select).set(tl);
  // w = RN(tl + ul), z = RN(th + w), zerr = th + w - z (Fast2Sum)
  f.get(tl).get(ul).op(Op.f64_add).set(w);
  f.get(th).get(w).op(Op.f64_add).set(z);
  f.get(w).get(z).get(th).op(Op.f64_sub, Op.f64_sub);
  f.get(th).get(z).get(w).op(Op.f64_sub, Op.f64_sub);
  abs(e, th);
  abs(e, w);
  f.op(Op.f64_ge, Op.select).set(zerr);
  // werr = tl + ul - w (TwoSum's second half): tl - (w - b2) + (ul - b2), b2 = w - tl
  f.get(w).get(tl).op(Op.f64_sub).set(b2);
  f.get(tl).get(w).get(b2).op(Op.f64_sub, Op.f64_sub);
  f.get(ul).get(b2).op(Op.f64_sub, Op.f64_add).set(werr);
  f.get(zerr).f64(2).op(Op.f64_mul).set(h);
  // A tie of th + w broken by werr: z moves by h = 2 zerr and the error changes sign.
  const zne = e.temp(T.i32), flip = e.temp(T.i32);
  f.get(zerr).f64(0).op(Op.f64_ne).set(zne);
  f.get(zne);
  f.get(tl).f64(0).op(Op.f64_ne);
  f.get(z).get(h).op(Op.f64_add).get(z).op(Op.f64_sub).get(h).op(Op.f64_eq);
  f.get(werr).f64(0).op(Op.f64_ne);
  f.get(werr).f64(0).op(Op.f64_gt).get(zerr).f64(0).op(Op.f64_gt, Op.i32_eq);
  and(e, 5);
  f.set(flip);
  f.get(z).get(h).op(Op.f64_add).get(z).get(flip).op(Op.select).tee(z);
  f.f64(0).op(Op.f64_eq).brIf(slow);
  const ne = e.temp(T.i32), pos = e.temp(T.i32);
  // e = sign(zerr) (flipped) when zerr != 0, else sign(werr) when tl != 0, else 0.
  f.get(zne).get(tl).f64(0).op(Op.f64_ne).get(werr).f64(0).op(Op.f64_ne, Op.i32_and, Op.i32_or).set(ne);
  f.get(zerr).f64(0).op(Op.f64_gt).get(flip).op(Op.i32_xor);
  f.get(werr).f64(0).op(Op.f64_gt);
  f.get(zne).op(Op.select).set(pos);
  return { z, ne, pos };
}

// ---- the FPR forms ----

const enum Kind {
  Add,
  Sub,
  Mul,
  Div,
  Sqrt,
  /** fre: 1 / FRB (qemu computes it exactly). */
  Re,
  /** Multiply-add; the negations are arguments. */
  Fma,
}

function loadFpr(e: Emit, n: number, neg = false): number {
  e.fpr(n);
  if (neg) e.f.op(Op.f64_neg);
  return keepF64(e);
}

/** A new f64 local holding 1. */
export function one(e: Emit): number {
  e.f.f64(1);
  return keepF64(e);
}

/** The core of an FPR-form instruction on its operand fields. */
function fprCore(e: Emit, kind: Kind, negB: boolean, negR: boolean, slow: Label): Rounded {
  const w = e.w;
  switch (kind) {
    case Kind.Add: return addCore(e, loadFpr(e, RA(w)), loadFpr(e, RB(w)), slow);
    case Kind.Sub: return addCore(e, loadFpr(e, RA(w)), loadFpr(e, RB(w), true), slow);
    case Kind.Mul: return mulCore(e, loadFpr(e, RA(w)), loadFpr(e, RC(w)), slow);
    case Kind.Div: return divCore(e, loadFpr(e, RA(w)), loadFpr(e, RB(w)), slow);
    case Kind.Sqrt: return sqrtCore(e, loadFpr(e, RB(w)), slow);
    case Kind.Re: return divCore(e, one(e), loadFpr(e, RB(w)), slow);
    case Kind.Fma:
      // qemu negates before rounding: (∓a) × c + (±b)
      return fmaCore(e, loadFpr(e, RA(w), negR), loadFpr(e, RC(w)), loadFpr(e, RB(w), negB !== negR), slow);
  }
}

/**
 * The double rounding step of a core in round-to-nearest: the result is z. fmaF alone also
 * gives up on an inexact result that may be tiny.
 */
export function finishDoubleNearest(e: Emit, r: Rounded, fma: boolean, slow: Label): void {
  if (!fma) return;
  e.f.get(r.ne);
  abs(e, r.z);
  e.f.f64(DBL_MIN).op(Op.f64_gt, Op.i32_eqz, Op.i32_and).brIf(slow);
}

function arith(kind: Kind, single: boolean, negB = false, negR = false): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const fs = fpscrFast(e, slow, true);
      const r = fprCore(e, kind, negB, negR, slow);
      let res = r.z, inexact = r.ne;
      if (single) ({ r: res, inexact } = finishSingleNearest(e, r.z, r.ne, r.pos, slow));
      else finishDoubleNearest(e, r, kind === Kind.Fma, slow);
      e.f.get(res);
      e.setFpr(RT(e.w));
      fpscrDone(e, fs, res, inexact, Rc(e.w));
    });
}

/**
 * 1 / √b as qemu computes frsqrte (not an estimate): √b rounded to double, then the division
 * (rounded to single for the single forms by the caller); the inexact flag of both steps
 * together: the division's in `r`, the root's in `extra`. A zero root goes to the handler.
 */
export function rsqrteCore(e: Emit, b: number, slow: Label): { r: Rounded; extra: number } {
  const sq = sqrtCore(e, b, slow);
  e.f.get(sq.z).f64(0).op(Op.f64_eq).brIf(slow);
  return { r: divCore(e, one(e), sq.z, slow), extra: sq.ne };
}

/** frsqrte[s]: rsqrteCore, the division rounded to single for frsqrtes. */
function frsqrte(single: boolean): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const fs = fpscrFast(e, slow, true);
      const { r, extra } = rsqrteCore(e, loadFpr(e, RB(e.w)), slow);
      let res = r.z, inexact = r.ne;
      if (single) ({ r: res, inexact } = finishSingleNearest(e, r.z, r.ne, r.pos, slow));
      e.f.get(inexact).get(extra).op(Op.i32_or).set(inexact);
      e.f.get(res);
      e.setFpr(RT(e.w));
      fpscrDone(e, fs, res, inexact, Rc(e.w));
    });
}

/** frsp: fast.ts toSingleF (a finite operand rounded to single, no error term). */
const frsp: WasmGen = (e) =>
  fastOrFallback(e, (slow) => {
    const f = e.f;
    const fs = fpscrFast(e, slow, true);
    const b = loadFpr(e, RB(e.w));
    f.get(b).get(b).op(Op.f64_sub).f64(0).op(Op.f64_ne).brIf(slow);
    const zero = e.temp(T.i32);
    f.i32(0).set(zero); // temps keep values of earlier instructions
    const { r, inexact } = finishSingleNearest(e, b, zero, zero, slow);
    f.get(r);
    e.setFpr(RT(e.w));
    fpscrDone(e, fs, r, inexact, Rc(e.w));
  });

export const FP_ARITH_GENS: readonly (readonly [string, WasmGen])[] = [
  ["fadd", arith(Kind.Add, false)],
  ["fadds", arith(Kind.Add, true)],
  ["fsub", arith(Kind.Sub, false)],
  ["fsubs", arith(Kind.Sub, true)],
  ["fmul", arith(Kind.Mul, false)],
  ["fmuls", arith(Kind.Mul, true)],
  ["fdiv", arith(Kind.Div, false)],
  ["fdivs", arith(Kind.Div, true)],
  ["fsqrt", arith(Kind.Sqrt, false)],
  ["fsqrts", arith(Kind.Sqrt, true)],
  ["fre", arith(Kind.Re, false)],
  ["fres", arith(Kind.Re, true)],
  ["frsqrte", frsqrte(false)],
  ["frsqrtes", frsqrte(true)],
  ["fmadd", arith(Kind.Fma, false, false, false)],
  ["fmadds", arith(Kind.Fma, true, false, false)],
  ["fmsub", arith(Kind.Fma, false, true, false)],
  ["fmsubs", arith(Kind.Fma, true, true, false)],
  ["fnmadd", arith(Kind.Fma, false, false, true)],
  ["fnmadds", arith(Kind.Fma, true, false, true)],
  ["fnmsub", arith(Kind.Fma, false, true, true)],
  ["fnmsubs", arith(Kind.Fma, true, true, true)],
  ["frsp", frsp],
];
