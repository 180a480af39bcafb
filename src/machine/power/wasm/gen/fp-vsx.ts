// Translator emitters: the VSX scalar floating-point instructions gcc and glibc emit for POWER8
// (ops/vsx-scalar.ts, vec/vsx-scalar-conv.ts): arithmetic, multiply-add, square root, compares,
// sign operations, conversions to and from integers, xsrsp. They work on doubleword 0 of any
// of the 64 VSRs and, as qemu's helpers, write doubleword 1 of the target as 0. The FPSCR is
// updated as for the FPR forms without Rc; the "sp" forms of the two-operand arithmetic are
// the double operation followed by frsp (two roundings, flags of both: vsx-scalar-common.ts
// roundSpDone), the single multiply-adds round once.

import { type Emit, type WasmGen, T } from "../emit.js";
import { type Label, Op } from "../encoder.js";
import {
  FLT_MIN, Fs, fastOrFallback, finishSingleNearest, fprfOfFinite, fpscrDone, fpscrFast, keepF64, keepI32, setVsrF64, setVsrI64, vsrF64, vsrI64,
} from "./fp-code.js";
import { type Rounded, addCore, divCore, finishDoubleNearest, fmaCore, mulCore, one, rsqrteCore, sqrtCore } from "./fp-arith.js";
import { Int, Rnd, fromIntCore, roundIn, roundTo, toIntImage } from "./fp-misc.js";

/** XT of an XX2/XX3-form word: TX (bit 31) || T (bits 6:10). */
const xT = (w: number): number => ((w & 1) << 5) | ((w >>> 21) & 31);
/** XA of an XX3-form word: AX (bit 29) || A (bits 11:15). */
const xA = (w: number): number => ((w & 4) << 3) | ((w >>> 16) & 31);
/** XB of an XX2/XX3-form word: BX (bit 30) || B (bits 16:20). */
const xB = (w: number): number => ((w & 2) << 4) | ((w >>> 11) & 31);

function load(e: Emit, n: number, neg = false): number {
  vsrF64(e, n);
  if (neg) e.f.op(Op.f64_neg);
  return keepF64(e);
}

const enum Kind {
  Add,
  Sub,
  Mul,
  Div,
  Sqrt,
  /** xsre: 1 / XB, exact in qemu (1 / 0 goes to the handler). */
  Re,
}

function core2(e: Emit, kind: Kind, slow: Label): Rounded {
  const w = e.w;
  switch (kind) {
    case Kind.Add: return addCore(e, load(e, xA(w)), load(e, xB(w)), slow);
    case Kind.Sub: return addCore(e, load(e, xA(w)), load(e, xB(w), true), slow);
    case Kind.Mul: return mulCore(e, load(e, xA(w)), load(e, xB(w)), slow);
    case Kind.Div: return divCore(e, load(e, xA(w)), load(e, xB(w)), slow);
    case Kind.Sqrt: return sqrtCore(e, load(e, xB(w)), slow);
    case Kind.Re: return divCore(e, one(e), load(e, xB(w)), slow);
  }
}

/** The result of a double operation, rounded again to single for the "sp" forms (frsp). */
function roundSp(e: Emit, z: number, ne: number, slow: Label): { r: number; inexact: number } {
  const zero = e.temp(T.i32);
  e.f.i32(0).set(zero); // temps keep values of earlier instructions
  const s = finishSingleNearest(e, z, zero, zero, slow);
  e.f.get(ne).get(s.inexact).op(Op.i32_or).set(s.inexact);
  return s;
}

/** xs{add,sub,mul,div,sqrt}{dp,sp}. */
function arith(kind: Kind, single: boolean): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const fs = fpscrFast(e, slow, true);
      const c = core2(e, kind, slow);
      let r = c.z, inexact = c.ne;
      if (single) ({ r, inexact } = roundSp(e, c.z, c.ne, slow));
      e.f.get(r);
      setVsrF64(e, xT(e.w));
      fpscrDone(e, fs, r, inexact, false);
    });
}

/** xsrsqrte{dp,sp}: 1 / √XB with √ rounded first (the sp form: the double result, then frsp). */
function rsqrte(single: boolean): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const fs = fpscrFast(e, slow, true);
      const { r: c, extra } = rsqrteCore(e, load(e, xB(e.w)), slow);
      const inexact = e.temp(T.i32);
      e.f.get(c.ne).get(extra).op(Op.i32_or).set(inexact);
      let r = c.z, inexact2 = inexact;
      if (single) ({ r, inexact: inexact2 } = roundSp(e, c.z, inexact, slow));
      e.f.get(r);
      setVsrF64(e, xT(e.w));
      fpscrDone(e, fs, r, inexact2, false);
    });
}

/**
 * Multiply-add. "A" forms: XT = ±(XA × XB ± XT); "M" forms: XT = ±(XA × XT ± XB). Rounded once
 * (also the single forms).
 */
function madd(typeA: boolean, negB: boolean, negR: boolean, single: boolean): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const w = e.w, t = xT(w);
      const fs = fpscrFast(e, slow, true);
      const a = load(e, xA(w), negR);
      const m = load(e, typeA ? xB(w) : t);
      const add = load(e, typeA ? t : xB(w), negB !== negR);
      const c = fmaCore(e, a, m, add, slow);
      let r = c.z, inexact = c.ne;
      if (single) ({ r, inexact } = finishSingleNearest(e, c.z, c.ne, c.pos, slow));
      else finishDoubleNearest(e, c, true, slow);
      e.f.get(r);
      setVsrF64(e, t);
      fpscrDone(e, fs, r, inexact, false);
    });
}

/** xsrsp: frsp on doubleword 0. */
const xsrsp: WasmGen = (e) =>
  fastOrFallback(e, (slow) => {
    const f = e.f;
    const fs = fpscrFast(e, slow, true);
    const b = load(e, xB(e.w));
    f.get(b).get(b).op(Op.f64_sub).f64(0).op(Op.f64_ne).brIf(slow);
    const zero = e.temp(T.i32);
    f.i32(0).set(zero);
    const { r, inexact } = finishSingleNearest(e, b, zero, zero, slow);
    f.get(r);
    setVsrF64(e, xT(e.w));
    fpscrDone(e, fs, r, inexact, false);
  });

// ---- sign operations (bit operations, no FPSCR change) ----

const SIGN = -0x8000000000000000n;

function sign(body: (e: Emit) => void): WasmGen {
  return (e) => {
    body(e);
    setVsrI64(e, xT(e.w));
    return true;
  };
}

const xsabsdp = sign((e) => {
  vsrI64(e, xB(e.w));
  e.f.i64(~SIGN).op(Op.i64_and);
});
const xsnabsdp = sign((e) => {
  vsrI64(e, xB(e.w));
  e.f.i64(SIGN).op(Op.i64_or);
});
const xsnegdp = sign((e) => {
  vsrI64(e, xB(e.w));
  e.f.i64(SIGN).op(Op.i64_xor);
});
const xscpsgndp = sign((e) => {
  vsrI64(e, xA(e.w));
  e.f.i64(SIGN).op(Op.i64_and);
  vsrI64(e, xB(e.w));
  e.f.i64(~SIGN).op(Op.i64_and, Op.i64_or);
});

// ---- compares ----

/** xscmpudp/xscmpodp of two numbers: CR[BF] and FPCC (FI untouched); NaNs: the handler. */
const xscmp: WasmGen = (e) =>
  fastOrFallback(e, (slow) => {
    const f = e.f, w = e.w, bf = (w >>> 23) & 7;
    const a = load(e, xA(w)), b = load(e, xB(w));
    f.get(a).get(a).op(Op.f64_ne).get(b).get(b).op(Op.f64_ne, Op.i32_or).brIf(slow);
    f.i32(8).i32(4).i32(2).get(a).get(b).op(Op.f64_gt, Op.select).get(a).get(b).op(Op.f64_lt, Op.select);
    const cc = keepI32(e);
    if (e.crLive(bf)) {
      f.get(cc);
      e.setCr(bf);
    }
    if (e.fpscrLive()) {
      e.fpscr();
      f.i32(~Fs.FPCC).op(Op.i32_and).get(cc).i32(12).op(Op.i32_shl, Op.i32_or);
      e.setFpscr();
    }
  });

// ---- conversions ----

/** xscvdp[su]x[dw]s: truncated; the word forms put the 32-bit result in both words. */
function xscvToInt(kind: Int): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const f = e.f;
      const fs = fpscrFast(e, slow, false);
      const x = load(e, xB(e.w));
      f.get(x).get(x).op(Op.f64_ne).brIf(slow);
      roundIn(e, x, undefined);
      const r = keepF64(e);
      toIntImage(e, r, kind, slow);
      if (kind === Int.S32 || kind === Int.U32) {
        const v = e.temp(T.i64);
        f.tee(v).i64(32).op(Op.i64_shl).get(v).i64(0xffffffff).op(Op.i64_and, Op.i64_or);
      }
      setVsrI64(e, xT(e.w));
      f.get(r).get(x).op(Op.f64_ne);
      fpscrDone(e, fs, undefined, keepI32(e), false);
    });
}

/** xscv[su]xd{dp,sp}: rounded to double (FPRF set); the sp forms then frsp. */
function xscvFromInt(signed: boolean, single: boolean): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const fs = fpscrFast(e, slow, true);
      vsrI64(e, xB(e.w));
      const v = e.temp(T.i64);
      e.f.set(v);
      const c = fromIntCore(e, v, signed);
      let r = c.z, inexact = c.ne;
      if (single) ({ r, inexact } = roundSp(e, c.z, c.ne, slow));
      e.f.get(r);
      setVsrF64(e, xT(e.w));
      fpscrDone(e, fs, r, inexact, false);
    });
}

// ---- maximum / minimum (numbers only; NaNs: the handler) ----

/** xsmaxdp/xsmindp of two numbers: the larger (smaller), +0 above -0; XA when equal. */
function maxMin(isMax: boolean): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const f = e.f, w = e.w;
      const x = load(e, xA(w)), y = load(e, xB(w));
      f.get(x).get(x).op(Op.f64_ne).get(y).get(y).op(Op.f64_ne, Op.i32_or).brIf(slow);
      const a = e.temp(T.i64), b = e.temp(T.i64);
      vsrI64(e, xA(w));
      f.set(a);
      vsrI64(e, xB(w));
      f.set(b);
      f.get(a).get(b);
      // x != y ? (x > y or x < y) : signs differ ? (a >= 0 or a < 0) : true
      f.get(x).get(y).op(isMax ? Op.f64_gt : Op.f64_lt);
      f.get(a).i64(0).op(isMax ? Op.i64_ge_s : Op.i64_lt_s).i32(1);
      f.get(a).get(b).op(Op.i64_xor).i64(0).op(Op.i64_lt_s, Op.select);
      f.get(x).get(y).op(Op.f64_ne, Op.select);
      f.op(Op.select);
      setVsrI64(e, xT(w));
    });
}

// ---- single <-> double ----

/**
 * xscvspdpn: word 0 of XB (a float32) widened bit-exactly (an SNaN stays one, so NaNs and
 * infinities by bits: sign, all-ones exponent, the fraction shifted).
 */
const xscvspdpn: WasmGen = (e) => {
  const f = e.f;
  const s = e.temp(T.i32);
  vsrI64(e, xB(e.w));
  f.i64(32).op(Op.i64_shr_u, Op.i32_wrap_i64).set(s);
  f.get(s).i32(0x80000000 | 0).op(Op.i32_and).i32(0x7ff00000).op(Op.i32_or);
  f.get(s).i32(3).op(Op.i32_shr_u).i32(0xfffff).op(Op.i32_and, Op.i32_or);
  f.op(Op.i64_extend_i32_u).i64(32).op(Op.i64_shl);
  f.get(s).i32(29).op(Op.i32_shl, Op.i64_extend_i32_u, Op.i64_or);
  f.get(s).op(Op.f32_reinterpret_i32, Op.f64_promote_f32, Op.i64_reinterpret_f64);
  f.get(s).i32(0x7f800000).op(Op.i32_and).i32(0x7f800000).op(Op.i32_eq, Op.select);
  setVsrI64(e, xT(e.w));
  return true;
};

/**
 * xscvdpspn: qemu's bit-level conversion to single (no rounding: the fraction is truncated; an
 * exponent below the single range shifts the significand, implicit bit included, right; one
 * above it wraps), the result in both words of doubleword 0. No FPSCR change.
 */
const xscvdpspn: WasmGen = (e) => {
  const f = e.f;
  const bits = e.temp(T.i64), exp = e.temp(T.i32), frac = e.temp(T.i64), small = e.temp(T.i32), sh = e.temp(T.i32);
  const res = e.temp(T.i32);
  vsrI64(e, xB(e.w));
  f.set(bits);
  f.get(bits).i64(52).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(0x7ff).op(Op.i32_and).set(exp);
  f.get(bits).i64(0xfffffffffffffn).op(Op.i64_and).set(frac);
  // A denormal counts as exponent 1 (qemu keeps the implicit bit set for it too).
  f.i32(1).get(exp).get(exp).op(Op.i32_eqz).get(frac).i64(0).op(Op.i64_ne, Op.i32_and, Op.select).set(exp);
  f.get(frac).i64(1n << 52n).op(Op.i64_or).set(frac);
  f.get(exp).i32(897).op(Op.i32_lt_u).set(small);
  f.i32(897).get(exp).op(Op.i32_sub).set(sh);
  // small: frac >> (897 - exp) (0 past 63), exponent 896
  f.i64(0).get(frac).get(sh).op(Op.i64_extend_i32_u, Op.i64_shr_u).get(sh).i32(63).op(Op.i32_gt_u, Op.select);
  f.get(frac).get(small).op(Op.select).set(frac);
  f.i32(896).get(exp).get(small).op(Op.select).set(exp);
  // sign | exp bit 10 << 30 | (exp & 0x7f) << 23 | fraction bits 29..51
  f.get(bits).i64(32).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(0x80000000 | 0).op(Op.i32_and);
  f.get(exp).i32(10).op(Op.i32_shr_u).i32(1).op(Op.i32_and).i32(30).op(Op.i32_shl, Op.i32_or);
  f.get(exp).i32(0x7f).op(Op.i32_and).i32(23).op(Op.i32_shl, Op.i32_or);
  f.get(frac).i64(29).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(0x7fffff).op(Op.i32_and, Op.i32_or).set(res);
  f.get(res).op(Op.i64_extend_i32_u).i64(32).op(Op.i64_shl).get(res).op(Op.i64_extend_i32_u, Op.i64_or);
  setVsrI64(e, xT(e.w));
  return true;
};

/** xscvspdp: the same for a number (exact; FPRF := class of the double, FI := 0); NaN, Inf: the handler. */
const xscvspdp: WasmGen = (e) =>
  fastOrFallback(e, (slow) => {
    const f = e.f;
    const s = e.temp(T.i32);
    vsrI64(e, xB(e.w));
    f.i64(32).op(Op.i64_shr_u, Op.i32_wrap_i64).tee(s);
    f.i32(0x7f800000).op(Op.i32_and).i32(0x7f800000).op(Op.i32_eq).brIf(slow);
    f.get(s).op(Op.f32_reinterpret_i32, Op.f64_promote_f32);
    const r = keepF64(e);
    f.get(r);
    setVsrF64(e, xT(e.w));
    if (e.fpscrLive()) {
      e.fpscr();
      f.i32(~(Fs.FPRF | Fs.FI)).op(Op.i32_and);
      fprfOfFinite(e, r);
      f.op(Op.i32_or);
      e.setFpscr();
    }
  });

/**
 * xscvdpsp: rounded to single in RN (frsp's rule), the float32 in both words of doubleword 0;
 * FPRF := class of the single (a single denormal is denormal here).
 */
const xscvdpsp: WasmGen = (e) =>
  fastOrFallback(e, (slow) => {
    const f = e.f;
    const fs = fpscrFast(e, slow, true);
    const b = load(e, xB(e.w));
    f.get(b).get(b).op(Op.f64_sub).f64(0).op(Op.f64_ne).brIf(slow);
    const zero = e.temp(T.i32);
    f.i32(0).set(zero);
    const { r, inexact } = finishSingleNearest(e, b, zero, zero, slow);
    const v = e.temp(T.i64);
    f.get(r).op(Op.f32_demote_f64, Op.i32_reinterpret_f32, Op.i64_extend_i32_u).tee(v);
    f.i64(32).op(Op.i64_shl).get(v).op(Op.i64_or);
    setVsrI64(e, xT(e.w));
    fpscrDone(e, fs, r, inexact, false, FLT_MIN);
  });

// ---- round to integral value ----

/**
 * xsrdpi (ties away), xsrdpiz/p/m: FPRF := class, FI := 0, no XX. xsrdpic (mode RN): XX and
 * FI from inexactness. NaN and infinity: the handler.
 */
function xsrdpi(mode: Rnd | undefined): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const f = e.f;
      const fs = fpscrFast(e, slow, false);
      const x = load(e, xB(e.w));
      f.get(x).get(x).op(Op.f64_sub).f64(0).op(Op.f64_ne).brIf(slow);
      if (mode === undefined) roundIn(e, x, fs);
      else roundTo(e, x, mode);
      const y = keepF64(e);
      f.get(y);
      setVsrF64(e, xT(e.w));
      const inexact = e.temp(T.i32);
      if (mode === undefined) f.get(y).get(x).op(Op.f64_ne).set(inexact);
      else f.i32(0).set(inexact);
      fpscrDone(e, fs, y, inexact, false);
    });
}

export const FP_VSX_GENS: readonly (readonly [string, WasmGen])[] = [
  ["xsadddp", arith(Kind.Add, false)],
  ["xssubdp", arith(Kind.Sub, false)],
  ["xsmuldp", arith(Kind.Mul, false)],
  ["xsdivdp", arith(Kind.Div, false)],
  ["xssqrtdp", arith(Kind.Sqrt, false)],
  ["xsredp", arith(Kind.Re, false)],
  ["xsresp", arith(Kind.Re, true)],
  ["xsrsqrtedp", rsqrte(false)],
  ["xsrsqrtesp", rsqrte(true)],
  ["xsaddsp", arith(Kind.Add, true)],
  ["xssubsp", arith(Kind.Sub, true)],
  ["xsmulsp", arith(Kind.Mul, true)],
  ["xsdivsp", arith(Kind.Div, true)],
  ["xssqrtsp", arith(Kind.Sqrt, true)],
  ["xsmaddadp", madd(true, false, false, false)],
  ["xsmaddmdp", madd(false, false, false, false)],
  ["xsmsubadp", madd(true, true, false, false)],
  ["xsmsubmdp", madd(false, true, false, false)],
  ["xsnmaddadp", madd(true, false, true, false)],
  ["xsnmaddmdp", madd(false, false, true, false)],
  ["xsnmsubadp", madd(true, true, true, false)],
  ["xsnmsubmdp", madd(false, true, true, false)],
  ["xsmaddasp", madd(true, false, false, true)],
  ["xsmaddmsp", madd(false, false, false, true)],
  ["xsmsubasp", madd(true, true, false, true)],
  ["xsmsubmsp", madd(false, true, false, true)],
  ["xsnmaddasp", madd(true, false, true, true)],
  ["xsnmaddmsp", madd(false, false, true, true)],
  ["xsnmsubasp", madd(true, true, true, true)],
  ["xsnmsubmsp", madd(false, true, true, true)],
  ["xsrsp", xsrsp],
  ["xsmaxdp", maxMin(true)],
  ["xsmindp", maxMin(false)],
  ["xscvspdpn", xscvspdpn],
  ["xscvdpspn", xscvdpspn],
  ["xscvspdp", xscvspdp],
  ["xscvdpsp", xscvdpsp],
  ["xsrdpi", xsrdpi(Rnd.Away)],
  ["xsrdpiz", xsrdpi(Rnd.Trunc)],
  ["xsrdpip", xsrdpi(Rnd.Ceil)],
  ["xsrdpim", xsrdpi(Rnd.Floor)],
  ["xsrdpic", xsrdpi(undefined)],
  ["xsabsdp", xsabsdp],
  ["xsnabsdp", xsnabsdp],
  ["xsnegdp", xsnegdp],
  ["xscpsgndp", xscpsgndp],
  ["xscmpudp", xscmp],
  ["xscmpodp", xscmp],
  ["xscvdpsxds", xscvToInt(Int.S64)],
  ["xscvdpuxds", xscvToInt(Int.U64)],
  ["xscvdpsxws", xscvToInt(Int.S32)],
  ["xscvdpuxws", xscvToInt(Int.U32)],
  ["xscvsxddp", xscvFromInt(true, false)],
  ["xscvuxddp", xscvFromInt(false, false)],
  ["xscvsxdsp", xscvFromInt(true, true)],
  ["xscvuxdsp", xscvFromInt(false, true)],
];
