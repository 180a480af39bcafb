// Code-writing pieces shared by the floating-point emitters (fp-arith.ts, fp-misc.ts,
// fp-vsx.ts): operand access, the FPSCR updates of fp-arith.ts's fastDone, the class code
// (FPRF) of a double, and the single-precision rounding of fpu/fast.ts's finishSingle, all as
// WebAssembly over locals.
//
// Every emitter built on these follows one shape (see `fastOrFallback`): a block whose checks
// leave to the instruction's handler at run time (`br_if slow`: a rounding mode other than
// round-to-nearest, a special operand, a result that may overflow or be tiny) and whose
// fall-through is the fast path, mirroring the handler's fast path step by step so that the
// result and every FPSCR bit are the handler's.

import { type Emit, T } from "../emit.js";
import { type Label, Op, OpSimd } from "../encoder.js";

/** Smallest positive normal double, 2^-1022. */
export const DBL_MIN = 2.2250738585072014e-308;
/** Largest finite double. */
export const DBL_MAX = 1.7976931348623157e308;
/** Smallest positive normal single, 2^-126. */
export const FLT_MIN = 1.1754943508222875e-38;
/** Largest finite single. */
export const FLT_MAX = 3.4028234663852886e38;

/** FPSCR (bits 32:63) masks, as fpu/fpscr.ts's Fp. */
export const enum Fs {
  FX = 1 << 31,
  FEX = 1 << 30,
  VX = 1 << 29,
  FI = 1 << 17,
  FPRF = 0x1f << 12,
  FPCC = 0xf << 12,
  XE = 1 << 3,
  RN = 3,
  /** FX | XX | FI: what an inexact result sets. */
  INEXACT = (1 << 31) | (1 << 25) | (1 << 17),
  /** All invalid-operation exception bits (VX is their summary). */
  VXALL = (1 << 24) | (1 << 23) | (1 << 22) | (1 << 21) | (1 << 20) | (1 << 19) | (1 << 10) | (1 << 9) | (1 << 8),
  /** Bit 52: reserved, always 0. */
  RES52 = 1 << 11,
}

const ZERO16: readonly number[] = new Array<number>(16).fill(0);

/** Push VSR n's doubleword 0 as an f64. */
export function vsrF64(e: Emit, n: number): void {
  e.vsr(n);
  e.f.simdLane(OpSimd.f64x2_extract_lane, 0);
}

/** Push VSR n's doubleword 0 as an i64. */
export function vsrI64(e: Emit, n: number): void {
  e.vsr(n);
  e.f.simdLane(OpSimd.i64x2_extract_lane, 0);
}

/** VSR n := (the f64 popped, 0): a VSX scalar result (qemu zeroes doubleword 1). */
export function setVsrF64(e: Emit, n: number): void {
  const t = e.temp(T.f64);
  e.f.set(t).v128Const(ZERO16).get(t).simdLane(OpSimd.f64x2_replace_lane, 0);
  e.setVsr(n);
}

/** VSR n := (the i64 popped, 0). */
export function setVsrI64(e: Emit, n: number): void {
  const t = e.temp(T.i64);
  e.f.set(t).v128Const(ZERO16).get(t).simdLane(OpSimd.i64x2_replace_lane, 0);
  e.setVsr(n);
}

/** Pop an f64 into a new temp; returns it. */
export function keepF64(e: Emit): number {
  const t = e.temp(T.f64);
  e.f.set(t);
  return t;
}

/** Pop an i32 into a new temp; returns it. */
export function keepI32(e: Emit): number {
  const t = e.temp(T.i32);
  e.f.set(t);
  return t;
}

/** Push |x| for the f64 local x. */
export function abs(e: Emit, x: number): void {
  e.f.get(x).op(Op.f64_abs);
}

/**
 * Push the FPRF class code (fpscr.ts fprfOfNum: C FL FG FE FU) of the finite f64 local z,
 * already shifted into place (bits 12:16). Normal 4 << neg, denormal 0x10 | 4 << neg, zero
 * 2 | neg << 4, where neg is the sign bit.
 */
export function fprfOfFinite(e: Emit, z: number, minNormal = DBL_MIN): void {
  const f = e.f;
  const neg = e.temp(T.i32);
  f.get(z).op(Op.i64_reinterpret_f64).i64(63).op(Op.i64_shr_u, Op.i32_wrap_i64).set(neg);
  // Normal results are the rule: the other classes in a branch of their own.
  abs(e, z);
  f.f64(minNormal).op(Op.f64_lt);
  f.if_(T.i32);
  // zero ? 2 | neg << 4 : 0x10 | 4 << neg
  f.i32(2).get(neg).i32(4).op(Op.i32_shl, Op.i32_or);
  f.i32(0x10).i32(4).get(neg).op(Op.i32_shl, Op.i32_or);
  f.get(z).f64(0).op(Op.f64_eq, Op.select);
  f.i32(12).op(Op.i32_shl);
  f.else_();
  f.i32(4 << 12).get(neg).op(Op.i32_shl);
  f.end();
}

/**
 * Write the FPSCR (if it or CR1 is observed) after a finite result, the fast path of an
 * instruction whose FPSCR `fs` came from fpscrFast: FPRF := class of the f64
 * local z when given (classified as a single when `minNormal` is FLT_MIN), FI := inexact, XX FX
 * on inexact; CR1 for Rc = 1.
 */
export function fpscrDone(e: Emit, fs: number, z: number | undefined, inexact: number, rc: boolean, minNormal = DBL_MIN): void {
  const cr1 = rc && e.crLive(1);
  if (!e.fpscrLive() && !cr1) return;
  const f = e.f;
  const n = e.temp(T.i32);
  // (fs & ~cleared) | (class | (inexact ? FX XX FI : 0)): the bits from the result first, so
  // that only an AND and an OR depend on the previous instruction's FPSCR. (The caller's
  // fpscrFast has checked XE = 0: no FEX to set.)
  f.get(fs).i32(z !== undefined ? ~(Fs.FPRF | Fs.FI) : ~Fs.FI).op(Op.i32_and);
  f.i32(Fs.INEXACT).i32(0).get(inexact).op(Op.i32_sub, Op.i32_and);
  if (z !== undefined) {
    fprfOfFinite(e, z, minNormal);
    f.op(Op.i32_or);
  }
  f.op(Op.i32_or);
  if (cr1) {
    f.tee(n);
    e.setFpscr();
    f.get(n).i32(28).op(Op.i32_shr_u);
    e.setCr(1);
  } else {
    e.setFpscr();
  }
}

/** CR1 := FPSCR[FX FEX VX OX] when Rc = 1 (the move instructions). */
export function cr1FromFpscr(e: Emit, rc: boolean): void {
  if (!rc || !e.crLive(1)) return;
  e.fpscr();
  e.f.i32(28).op(Op.i32_shr_u);
  e.setCr(1);
}

/**
 * The shape of an emitter with a run-time fallback: `body(slow)` writes checks that branch
 * to `slow` (then nothing of the instruction has happened) and the fast path after them.
 */
export function fastOrFallback(e: Emit, body: (slow: Label) => void): boolean {
  const f = e.f;
  const done = f.block();
  const slow = f.block();
  // The body in a block of its own: WebAssembly validation then insists that it leaves
  // nothing on the stack (before an unconditional `br`, stray values would go unnoticed).
  f.block();
  body(slow);
  f.end();
  f.br(done);
  f.end();
  e.fallback();
  f.end();
  return true;
}

/**
 * Read the FPSCR into a new i32 local; leave to `slow` when FPSCR[XE] is set (an inexact
 * result then sets FEX: the handler's business, and rare) and, when `nearest`, unless RN is
 * round-to-nearest. Without XE the FPSCR update of an inexact result is a plain OR, which keeps
 * the dependency chain of the FPSCR through a run of FP instructions short.
 */
export function fpscrFast(e: Emit, slow: Label, nearest: boolean): number {
  const fs = e.temp(T.i32);
  e.fpscr();
  e.f.tee(fs).i32(nearest ? Fs.RN | Fs.XE : Fs.XE).op(Op.i32_and).brIf(slow);
  return fs;
}

/** Push 1 if |x| < bound for the f64 local x (0 for a NaN). */
export function absLt(e: Emit, x: number, bound: number): void {
  abs(e, x);
  e.f.f64(bound).op(Op.f64_lt);
}

/** The IEEE encoding of a non-negative double as a bigint (at emit time). */
function bitsOf(x: number): bigint {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  return v.getBigUint64(0);
}

/**
 * Push 1 if lo <= |x| < hi (lo < |x| when `loOpen`) for the f64 local x and non-negative
 * bounds, else 0 (also for a NaN): one unsigned compare of the encodings, which order like
 * the magnitudes.
 */
export function absIn(e: Emit, x: number, lo: number, hi: number, loOpen = false): void {
  const l = bitsOf(lo) + (loOpen ? 1n : 0n);
  e.f.get(x).op(Op.i64_reinterpret_f64).i64(0x7fffffffffffffffn).op(Op.i64_and);
  e.f.i64(l).op(Op.i64_sub).i64(bitsOf(hi) - l).op(Op.i64_lt_u);
}

/**
 * fpu/fast.ts finishSingle in round-to-nearest: from z = RN53(x) (finite, in an f64 local) and
 * the sign of x - z (i32 locals `ne`: nonzero, `pos`: positive), compute the single result
 * (as an f64, into a new local, returned with a new i32 local `inexact`), or branch to `slow`
 * where the handler's fast path gives up (a single result that may overflow or be tiny).
 */
export function finishSingleNearest(e: Emit, z: number, ne: number, pos: number, slow: Label): { r: number; inexact: number } {
  const f = e.f;
  const s = e.temp(T.f64), d = e.temp(T.f64), exact = e.temp(T.i32);
  f.get(z).op(Op.f32_demote_f64, Op.f64_promote_f32).set(s);
  f.get(z).get(s).op(Op.f64_sub).set(d);
  // exact: d == 0 && !ne
  f.get(d).f64(0).op(Op.f64_eq).get(ne).op(Op.i32_eqz, Op.i32_and).set(exact);
  // slow unless exact or (|z| > FLT_MIN && |s| < FLT_MAX)
  abs(e, z);
  f.f64(FLT_MIN).op(Op.f64_gt);
  absLt(e, s, FLT_MAX);
  f.op(Op.i32_and).get(exact).op(Op.i32_or, Op.i32_eqz).brIf(slow);
  // A midpoint z with x beyond it: ne && d != 0 && (d > 0) == pos; then s2 = s + 2d if that is
  // a single.
  const s2 = e.temp(T.f64), r = e.temp(T.f64);
  f.get(s).get(d).f64(2).op(Op.f64_mul, Op.f64_add).set(s2);
  f.get(s2).get(s);
  f.get(ne);
  f.get(d).f64(0).op(Op.f64_ne, Op.i32_and);
  f.get(d).f64(0).op(Op.f64_gt).get(pos).op(Op.i32_eq, Op.i32_and);
  f.get(s2).op(Op.f32_demote_f64, Op.f64_promote_f32).get(s2).op(Op.f64_eq, Op.i32_and);
  f.op(Op.select).set(r);
  const inexact = e.temp(T.i32);
  f.get(exact).op(Op.i32_eqz).set(inexact);
  return { r, inexact };
}

/**
 * Dekker's product error (fpu/fast.ts prodErr, the same evaluation order): push a × b - p for
 * f64 locals a, b, p (exact under the caller's range checks).
 */
export function prodErr(e: Emit, a: number, b: number, p: number): void {
  const f = e.f;
  const SPLIT = 134217729;
  const t = e.temp(T.f64), ah = e.temp(T.f64), al = e.temp(T.f64), bh = e.temp(T.f64), bl = e.temp(T.f64);
  f.f64(SPLIT).get(a).op(Op.f64_mul).tee(t);
  f.get(t).get(a).op(Op.f64_sub, Op.f64_sub).set(ah);
  f.get(a).get(ah).op(Op.f64_sub).set(al);
  f.f64(SPLIT).get(b).op(Op.f64_mul).tee(t);
  f.get(t).get(b).op(Op.f64_sub, Op.f64_sub).set(bh);
  f.get(b).get(bh).op(Op.f64_sub).set(bl);
  // ((((ah × bh - p) + ah × bl) + al × bh) + al × bl)
  f.get(ah).get(bh).op(Op.f64_mul).get(p).op(Op.f64_sub);
  f.get(ah).get(bl).op(Op.f64_mul, Op.f64_add);
  f.get(al).get(bh).op(Op.f64_mul, Op.f64_add);
  f.get(al).get(bl).op(Op.f64_mul, Op.f64_add);
}
