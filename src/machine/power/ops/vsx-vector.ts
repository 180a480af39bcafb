// VSX vector double- and single-precision arithmetic, compares and conversions, as qemu 7.2
// (-cpu power8) executes them (target/ppc/fpu_helper.c helper_xv*, translate/vsx-impl.c.inc):
//  - FPSCR: VX* / ZX per element (arithmetic invalid operations and ZX clear FR and FI), then
//    OX / UX / XX from the OR of all elements' flags; FPRF and FI are never set (vec/vsx-vector-fp.ts).
//  - xvre* and xvrsqrte* are exact in qemu (1/x, 1/√x with √x rounded first) and do not record
//    ZX for a zero operand (the result is ±Inf); only VXSNAN (xvre*) or VXSQRT/VXSNAN (xvrsqrte*).
//  - Compares: VXSNAN for an SNaN, VXVC for any NaN in xvcmpge/gt; CR6 (record forms, bit 21)
//    = all-true 8 | all-false 2.
//  - Float-to-integer conversions read qemu's accumulated flags: once an element was invalid,
//    VXCVI is recorded again for the later elements, and if no element so far was out of range
//    (only NaNs), later elements are replaced by the NaN result too (qemu's behaviour).
//  - xvrdpi/xvrdpim/p/z (and sp) never record XX; xvrdpic (current mode) does.
//  - xvmax/xvmin and xvcvsxdsp/xvcvuxdsp do not reset qemu's float status first, so after an
//    instruction that leaves inexact/overflow/underflow flags without a reset in between (rare:
//    most FP instructions and mffs reset them), qemu re-records those FPSCR bits; not modelled.

import type { Cpu } from "../cpu.js";
import type { OpDef } from "../decode.js";
import { S } from "../state.js";
import { fpVxsnan } from "../fpu/fpscr.js";
import { fromIntF, roundIntegral } from "../fpu/convert.js";
import { toSingleF } from "../fpu/fast.js";
import { RM, SF, sfToSingle } from "../fpu/softfloat.js";
import {
  CvF, EOp, IntK, cvOut, cvtFix, cvtLane, elem, ld32, spOp4, st32, tmpD, tmpW, val32, vDone, vExc, vsrW, vxvc,
} from "../vec/vsx-vector-fp.js";

// ---- operand fields (XX2 / XX3 forms) ----

const xT = (w: number): number => ((w & 1) << 5) | ((w >>> 21) & 31);
const xA = (w: number): number => ((w & 4) << 3) | ((w >>> 16) & 31);
const xB = (w: number): number => ((w & 2) << 4) | ((w >>> 11) & 31);
/** Float64 index of doubleword d of VSR n (c.f). */
const fD = (n: number, d: number): number => (S.VSR >> 1) + n * 2 + d;
/** Int32 index of the low word of doubleword d of VSR n (c.r). */
const rD = (n: number, d: number): number => S.VSR + n * 4 + d * 2;

// ---- double-precision arithmetic ----

function dpOp(c: Cpu, w: number, op: EOp): void {
  const t = xT(w), a = xA(w), b = xB(w), rm = c.r[S.FPSCR] & 3, f = c.f, r = c.r;
  const f0 = elem(f, r, fD(t, 0), fD(a, 0), fD(b, 0), 0, op, rm, false);
  if (f0 > 7) vExc(c, op === EOp.Re || op === EOp.Rsqrte ? f0 & ~SF.DivZero : f0);
  const f1 = elem(f, r, fD(t, 1), fD(a, 1), fD(b, 1), 0, op, rm, false);
  if (f1 > 7) vExc(c, op === EOp.Re || op === EOp.Rsqrte ? f1 & ~SF.DivZero : f1);
  vDone(c, f0 | f1);
}

/** Multiply-add, A form (XA × XB ± XT) when `aForm`, else M form (XA × XT ± XB). */
function dpMadd(c: Cpu, w: number, op: EOp, aForm: boolean): void {
  const t = xT(w), a = xA(w), rm = c.r[S.FPSCR] & 3, f = c.f, r = c.r;
  const m = aForm ? xB(w) : t, add = aForm ? t : xB(w);
  const f0 = elem(f, r, fD(t, 0), fD(a, 0), fD(add, 0), fD(m, 0), op, rm, false);
  if (f0 > 7) vExc(c, f0);
  const f1 = elem(f, r, fD(t, 1), fD(a, 1), fD(add, 1), fD(m, 1), op, rm, false);
  if (f1 > 7) vExc(c, f1);
  vDone(c, f0 | f1);
}

function spOp(c: Cpu, w: number, op: EOp): void {
  const b = xB(w);
  vDone(c, spOp4(c, xT(w), xA(w), b, b, op, c.r[S.FPSCR] & 3));
}

function spMadd(c: Cpu, w: number, op: EOp, aForm: boolean): void {
  const t = xT(w);
  const m = aForm ? xB(w) : t, add = aForm ? t : xB(w);
  vDone(c, spOp4(c, t, xA(w), add, m, op, c.r[S.FPSCR] & 3));
}

// ---- sign operations (no FPSCR) ----

/** mode: 0 abs, 1 nabs, 2 neg, on the sign bit of every element (dp: of words 0 and 2). */
function signOp(c: Cpu, w: number, mode: number, sp: boolean): void {
  const t = xT(w), b = xB(w), r = c.r;
  for (let k = 0; k < 4; k++) {
    if (!sp && (k & 1) !== 0) {
      r[vsrW(t, k)] = r[vsrW(b, k)];
      continue;
    }
    const x = r[vsrW(b, k)];
    r[vsrW(t, k)] = mode === 0 ? x & 0x7fffffff : mode === 1 ? x | 0x80000000 : x ^ 0x80000000;
  }
}

function cpsgn(c: Cpu, w: number, sp: boolean): void {
  const t = xT(w), a = xA(w), b = xB(w), r = c.r;
  for (let k = 0; k < 4; k++) {
    const x = r[vsrW(b, k)];
    r[vsrW(t, k)] = !sp && (k & 1) !== 0 ? x : (r[vsrW(a, k)] & 0x80000000) | (x & 0x7fffffff);
  }
}

// ---- max / min (maxNum / minNum) ----

/** xvmaxdp / xvmindp (IEEE 754-2008 maxNum / minNum as qemu's softfloat does them). */
function dpMaxMin(c: Cpu, w: number, isMax: boolean): void {
  const t = xT(w), a = xA(w), b = xB(w), r = c.r, f = c.f;
  for (let d = 0; d < 2; d++) {
    const x = f[fD(a, d)], y = f[fD(b, d)];
    const ia = rD(a, d), ib = rD(b, d), it = rD(t, d);
    const na = x !== x, nb = y !== y;
    if (na || nb) {
      const sa = na && (r[ia + 1] & 0x80000) === 0, sb = nb && (r[ib + 1] & 0x80000) === 0;
      if (sa || sb) fpVxsnan(c);
      if (!sa && !sb && !(na && nb)) {
        // a QNaN and a number: the number
        const src = na ? ib : ia;
        r[it] = r[src];
        r[it + 1] = r[src + 1];
      } else {
        // XA if it is a NaN, else XB, quieted
        const src = na ? ia : ib;
        r[it] = r[src];
        r[it + 1] = r[src + 1] | 0x80000;
      }
      continue;
    }
    f[fD(t, d)] = pickMaxMin(x, y, isMax);
  }
  vDone(c, 0);
}

function pickMaxMin(x: number, y: number, isMax: boolean): number {
  if (x === y) {
    if (x === 0 && 1 / x !== 1 / y) return isMax === 1 / x > 0 ? x : y;
    return x;
  }
  return (x > y) === isMax ? x : y;
}

function spMaxMin(c: Cpu, w: number, isMax: boolean): void {
  const t = xT(w), a = xA(w), b = xB(w), r = c.r;
  for (let k = 0; k < 4; k++) {
    const xa = r[vsrW(a, k)], xb = r[vsrW(b, k)];
    const na = (xa & 0x7fffffff) > 0x7f800000, nb = (xb & 0x7fffffff) > 0x7f800000;
    if (na || nb) {
      const sa = na && (xa & 0x400000) === 0, sb = nb && (xb & 0x400000) === 0;
      if (sa || sb) fpVxsnan(c);
      let v: number;
      if (!sa && !sb && !(na && nb)) v = na ? xb : xa;
      else v = (na ? xa : xb) | 0x400000;
      r[vsrW(t, k)] = v;
      continue;
    }
    const x = val32(xa), y = val32(xb);
    r[vsrW(t, k)] = pickMaxMin(x, y, isMax) === x ? (x === y && x === 0 ? pickZero(xa, xb, isMax) : xa) : xb;
  }
  vDone(c, 0);
}

function pickZero(xa: number, xb: number, isMax: boolean): number {
  // +0 and -0: max is the positive one, min the negative one; equal signs: XA
  if (xa === xb) return xa;
  return isMax === xa >= 0 ? xa : xb;
}

// ---- compares ----

const enum Cmp {
  Eq,
  Ge,
  Gt,
}

function dpCmp(c: Cpu, w: number, kind: Cmp): void {
  const t = xT(w), a = xA(w), b = xB(w), r = c.r, f = c.f;
  let allT = true, allF = true;
  for (let d = 0; d < 2; d++) {
    const x = f[fD(a, d)], y = f[fD(b, d)];
    let res: boolean;
    if (x !== x || y !== y) {
      if ((x !== x && (r[rD(a, d) + 1] & 0x80000) === 0) || (y !== y && (r[rD(b, d) + 1] & 0x80000) === 0)) fpVxsnan(c);
      if (kind !== Cmp.Eq) vxvc(c);
      res = false;
    } else {
      res = kind === Cmp.Eq ? x === y : kind === Cmp.Ge ? x >= y : x > y;
    }
    const v = res ? -1 : 0;
    r[rD(t, d)] = v;
    r[rD(t, d) + 1] = v;
    if (res) allF = false;
    else allT = false;
  }
  if ((w & 0x400) !== 0) c.r[S.CR + 6] = (allT ? 8 : 0) | (allF ? 2 : 0);
}

function spCmp(c: Cpu, w: number, kind: Cmp): void {
  const t = xT(w), a = xA(w), b = xB(w), r = c.r;
  let allT = true, allF = true;
  for (let k = 0; k < 4; k++) {
    const xa = r[vsrW(a, k)], xb = r[vsrW(b, k)];
    const na = (xa & 0x7fffffff) > 0x7f800000, nb = (xb & 0x7fffffff) > 0x7f800000;
    let res: boolean;
    if (na || nb) {
      if ((na && (xa & 0x400000) === 0) || (nb && (xb & 0x400000) === 0)) fpVxsnan(c);
      if (kind !== Cmp.Eq) vxvc(c);
      res = false;
    } else {
      const x = val32(xa), y = val32(xb);
      res = kind === Cmp.Eq ? x === y : kind === Cmp.Ge ? x >= y : x > y;
    }
    r[vsrW(t, k)] = res ? -1 : 0;
    if (res) allF = false;
    else allT = false;
  }
  if ((w & 0x400) !== 0) c.r[S.CR + 6] = (allT ? 8 : 0) | (allF ? 2 : 0);
}

// ---- test for software divide / square root ----

/** xvtdiv*: CR[BF] = 8 | FG | FE over all elements (qemu VSX_TDIV). */
function tdiv(c: Cpu, w: number, sp: boolean): void {
  const a = xA(w), b = xB(w), r = c.r;
  let fe = false, fg = false;
  const n = sp ? 4 : 2;
  for (let k = 0; k < n; k++) {
    // Each element as (exp field, fraction-nonzero, sign) in its own format.
    const ha = sp ? r[vsrW(a, k)] : r[rD(a, k) + 1], hb = sp ? r[vsrW(b, k)] : r[rD(b, k) + 1];
    const ea = sp ? (ha >>> 23) & 0xff : (ha >>> 20) & 0x7ff, eb = sp ? (hb >>> 23) & 0xff : (hb >>> 20) & 0x7ff;
    const fa = sp ? (ha & 0x7fffff) !== 0 : ((ha & 0xfffff) | r[rD(a, k)]) !== 0;
    const fb = sp ? (hb & 0x7fffff) !== 0 : ((hb & 0xfffff) | r[rD(b, k)]) !== 0;
    const emax = sp ? 0xff : 0x7ff, bias = sp ? 127 : 1023, emin = sp ? -126 : -1022, nbits = sp ? 23 : 52;
    const infA = ea === emax && !fa, infB = eb === emax && !fb, zeroB = eb === 0 && !fb, zeroA = ea === 0 && !fa;
    if (infA || infB || zeroB) {
      fe = fg = true;
      continue;
    }
    const xa = ea - bias, xb = eb - bias;
    if ((ea === emax && fa) || (eb === emax && fb)) fe = true;
    else if (xb <= emin || xb >= bias - 2) fe = true;
    else if (!zeroA && (xa - xb >= bias || xa - xb <= emin + 1 || xa <= emin + nbits)) fe = true;
    if (eb === 0) fg = true;
  }
  c.r[S.CR + ((w >>> 23) & 7)] = 8 | (fg ? 4 : 0) | (fe ? 2 : 0);
}

function tsqrt(c: Cpu, w: number, sp: boolean): void {
  const b = xB(w), r = c.r;
  let fe = false, fg = false;
  const n = sp ? 4 : 2;
  for (let k = 0; k < n; k++) {
    const hb = sp ? r[vsrW(b, k)] : r[rD(b, k) + 1];
    const eb = sp ? (hb >>> 23) & 0xff : (hb >>> 20) & 0x7ff;
    const fb = sp ? (hb & 0x7fffff) !== 0 : ((hb & 0xfffff) | r[rD(b, k)]) !== 0;
    const emax = sp ? 0xff : 0x7ff, bias = sp ? 127 : 1023, emin = sp ? -126 : -1022, nbits = sp ? 23 : 52;
    if ((eb === emax && !fb) || (eb === 0 && !fb)) {
      fe = fg = true;
      continue;
    }
    if (eb === emax || hb < 0 || eb - bias <= emin + nbits) fe = true;
    if (eb === 0) fg = true;
  }
  c.r[S.CR + ((w >>> 23) & 7)] = 8 | (fg ? 4 : 0) | (fe ? 2 : 0);
}

// ---- floating-point conversions ----

/** xvcvdpsp: each doubleword rounded to single, the float32 in both words of its doubleword. */
function xvcvdpsp(c: Cpu, w: number): void {
  const t = xT(w), b = xB(w), r = c.r, rm = r[S.FPSCR] & 3;
  let acc = 0;
  for (let d = 0; d < 2; d++) {
    tmpD[0] = c.f[fD(b, d)];
    tmpW[0] = r[rD(b, d)]; // keep NaN payloads exact
    tmpW[1] = r[rD(b, d) + 1];
    let fl = toSingleF(tmpD, 1, 0, rm);
    if (fl < 0) fl = sfToSingle(tmpW, 2, tmpW[1], tmpW[0], rm);
    if ((fl & SF.InvSnan) !== 0) fpVxsnan(c);
    const v = st32(1);
    r[rD(t, d)] = v;
    r[rD(t, d) + 1] = v;
    acc |= fl;
  }
  vDone(c, acc);
}

/** xvcvspdp: word 2d (the high word of doubleword d) widened to double. */
function xvcvspdp(c: Cpu, w: number): void {
  const t = xT(w), b = xB(w), r = c.r;
  for (let d = 0; d < 2; d++) {
    const x = r[vsrW(b, 2 * d)];
    if ((x & 0x7fffffff) > 0x7f800000 && (x & 0x400000) === 0) fpVxsnan(c);
    ld32(0, x);
    r[rD(t, d)] = tmpW[0];
    r[rD(t, d) + 1] = (x & 0x7fffffff) > 0x7f800000 ? tmpW[1] | 0x80000 : tmpW[1];
  }
}

// ---- float to integer ----

/** Doubleword sources (dp) or words 0, 2 (sp) → doubleword results (64-bit kinds). */
function cvToDw(c: Cpu, w: number, sp: boolean, k: IntK): void {
  const t = xT(w), b = xB(w), r = c.r;
  let acc = 0;
  for (let d = 0; d < 2; d++) {
    let x: number, snan: boolean;
    if (sp) {
      const v = r[vsrW(b, 2 * d)];
      x = (v & 0x7fffffff) > 0x7f800000 ? NaN : val32(v);
      snan = (v & 0x400000) === 0;
    } else {
      x = c.f[fD(b, d)];
      snan = (r[rD(b, d) + 1] & 0x80000) === 0;
    }
    acc |= cvtLane(x, snan, k);
    cvtFix(c, acc, 0, k === IntK.S64 ? 0x80000000 | 0 : 0);
    r[rD(t, d)] = cvOut[0];
    r[rD(t, d) + 1] = cvOut[1];
  }
  vDone(c, acc & CvF.Inexact);
}

/** xvcvdps/uxws: doubleword d → a 32-bit integer in both words of doubleword d. */
function cvDpToW(c: Cpu, w: number, k: IntK): void {
  const t = xT(w), b = xB(w), r = c.r;
  let acc = 0;
  for (let d = 0; d < 2; d++) {
    acc |= cvtLane(c.f[fD(b, d)], (r[rD(b, d) + 1] & 0x80000) === 0, k);
    cvtFix(c, acc, k === IntK.S32 ? 0x80000000 | 0 : 0, 0);
    r[rD(t, d)] = cvOut[0];
    r[rD(t, d) + 1] = cvOut[0];
  }
  vDone(c, acc & CvF.Inexact);
}

/** xvcvsps/uxws: word k → word k. */
function cvSpToW(c: Cpu, w: number, k: IntK): void {
  const t = xT(w), b = xB(w), r = c.r;
  let acc = 0;
  for (let e = 0; e < 4; e++) {
    const v = r[vsrW(b, e)];
    const nan = (v & 0x7fffffff) > 0x7f800000;
    acc |= cvtLane(nan ? NaN : val32(v), (v & 0x400000) === 0, k);
    cvtFix(c, acc, k === IntK.S32 ? 0x80000000 | 0 : 0, 0);
    r[vsrW(t, e)] = cvOut[0];
  }
  vDone(c, acc & CvF.Inexact);
}

// ---- integer to float ----

/** xvcvsxddp / xvcvuxddp. */
function cvDwToDp(c: Cpu, w: number, signed: boolean): void {
  const t = xT(w), b = xB(w), r = c.r, rm = r[S.FPSCR] & 3;
  const f0 = fromIntF(c.f, fD(t, 0), r[rD(b, 0) + 1], r[rD(b, 0)], signed, false, rm);
  const f1 = fromIntF(c.f, fD(t, 1), r[rD(b, 1) + 1], r[rD(b, 1)], signed, false, rm);
  vDone(c, f0 | f1);
}

/** xvcvsxwdp / xvcvuxwdp: words 0 and 2 → doublewords (exact). */
function cvWToDp(c: Cpu, w: number, signed: boolean): void {
  const t = xT(w), b = xB(w), r = c.r;
  const x0 = r[vsrW(b, 0)], x1 = r[vsrW(b, 2)];
  c.f[fD(t, 0)] = signed ? x0 : x0 >>> 0;
  c.f[fD(t, 1)] = signed ? x1 : x1 >>> 0;
}

/** xvcvsxdsp / xvcvuxdsp: doubleword d → float32 in both words of doubleword d. */
function cvDwToSp(c: Cpu, w: number, signed: boolean): void {
  const t = xT(w), b = xB(w), r = c.r, rm = r[S.FPSCR] & 3;
  let acc = 0;
  for (let d = 0; d < 2; d++) {
    acc |= fromIntF(tmpD, 0, r[rD(b, d) + 1], r[rD(b, d)], signed, true, rm);
    const v = st32(0);
    r[rD(t, d)] = v;
    r[rD(t, d) + 1] = v;
  }
  vDone(c, acc);
}

/** xvcvsxwsp / xvcvuxwsp: word k → float32 word k. */
function cvWToSp(c: Cpu, w: number, signed: boolean): void {
  const t = xT(w), b = xB(w), r = c.r, rm = r[S.FPSCR] & 3;
  let acc = 0;
  for (let k = 0; k < 4; k++) {
    const x = r[vsrW(b, k)];
    acc |= fromIntF(tmpD, 0, signed ? x >> 31 : 0, x, signed, true, rm);
    r[vsrW(t, k)] = st32(0);
  }
  vDone(c, acc);
}

// ---- round to integral ----

/** Rounding kinds: the RM values, plus ties-away (xvr*pi) and "current" (xvr*pic). */
const AWAY = 4, CURRENT = 5;

function roundTo(x: number, mode: number, rm: number): number {
  if (x === 0) return x;
  if (mode === CURRENT) return roundIntegral(x, rm);
  if (mode !== AWAY) return roundIntegral(x, mode);
  const a = x < 0 ? -x : x;
  if (!(a < 4503599627370496)) return x;
  let t = Math.trunc(a);
  if (a - t >= 0.5) t += 1;
  return x < 0 ? -t : t;
}

function dpRound(c: Cpu, w: number, mode: number): void {
  const t = xT(w), b = xB(w), r = c.r, rm = r[S.FPSCR] & 3;
  let inexact = 0;
  for (let d = 0; d < 2; d++) {
    const x = c.f[fD(b, d)];
    if (x !== x) {
      const hi = r[rD(b, d) + 1];
      if ((hi & 0x80000) === 0) fpVxsnan(c);
      r[rD(t, d)] = r[rD(b, d)];
      r[rD(t, d) + 1] = hi | 0x80000;
      continue;
    }
    const y = roundTo(x, mode, rm);
    if (y !== x) inexact = 1;
    c.f[fD(t, d)] = y;
  }
  if (mode === CURRENT) vDone(c, inexact);
}

function spRound(c: Cpu, w: number, mode: number): void {
  const t = xT(w), b = xB(w), r = c.r, rm = r[S.FPSCR] & 3;
  let inexact = 0;
  for (let k = 0; k < 4; k++) {
    const v = r[vsrW(b, k)];
    if ((v & 0x7fffffff) > 0x7f800000) {
      if ((v & 0x400000) === 0) fpVxsnan(c);
      r[vsrW(t, k)] = v | 0x400000;
      continue;
    }
    const x = val32(v);
    const y = roundTo(x, mode, rm);
    if (y !== x) inexact = 1;
    tmpD[0] = y;
    r[vsrW(t, k)] = st32(0);
  }
  if (mode === CURRENT) vDone(c, inexact);
}

// ---- definitions ----

type Exec = (c: Cpu, w: number) => void;

const P60 = 60 << 26;

/** XX3 form: XO in bits 21:28. */
function xx3(mnemonic: string, xo: number, exec: Exec): OpDef {
  return { mnemonic, mask: 0xfc0007f8, match: (P60 | (xo << 3)) >>> 0, exec };
}

/** XX2 form: XO in bits 21:29 (bits 11:15 are not checked by qemu's legacy decoder). */
function xx2(mnemonic: string, xo: number, exec: Exec, zeroA = false): OpDef {
  return { mnemonic, mask: (0xfc0007fc | (zeroA ? 0x1f0000 : 0)) >>> 0, match: (P60 | (xo << 2)) >>> 0, exec };
}

/** XX3 compare with the record bit in bit 21: XO in bits 22:28. */
function xx3rc(mnemonic: string, xo: number, exec: Exec): OpDef {
  return {
    mnemonic, mask: 0xfc0003f8, match: (P60 | (xo << 3)) >>> 0, exec,
    name: (w) => ((w & 0x400) !== 0 ? mnemonic + "." : mnemonic),
    variants: [mnemonic, mnemonic + "."],
  };
}

const MADDS: readonly [string, number, EOp][] = [
  ["maddadp", 97, EOp.MAdd], ["maddmdp", 105, EOp.MAdd], ["msubadp", 113, EOp.MSub], ["msubmdp", 121, EOp.MSub],
  ["nmaddadp", 225, EOp.NMAdd], ["nmaddmdp", 233, EOp.NMAdd], ["nmsubadp", 241, EOp.NMSub], ["nmsubmdp", 249, EOp.NMSub],
  ["maddasp", 65, EOp.MAdd], ["maddmsp", 73, EOp.MAdd], ["msubasp", 81, EOp.MSub], ["msubmsp", 89, EOp.MSub],
  ["nmaddasp", 193, EOp.NMAdd], ["nmaddmsp", 201, EOp.NMAdd], ["nmsubasp", 209, EOp.NMSub], ["nmsubmsp", 217, EOp.NMSub],
];

function maddDef(name: string, xo: number, op: EOp): OpDef {
  const aForm = name.charAt(name.length - 3) === "a";
  const sp = name.endsWith("sp");
  const exec: Exec = sp
    ? aForm ? (c, w) => spMadd(c, w, op, true) : (c, w) => spMadd(c, w, op, false)
    : aForm ? (c, w) => dpMadd(c, w, op, true) : (c, w) => dpMadd(c, w, op, false);
  return xx3("xv" + name, xo, exec);
}

export const VSX_VECTOR_OPS: readonly OpDef[] = [
  // arithmetic
  xx3("xvadddp", 96, (c, w) => dpOp(c, w, EOp.Add)),
  xx3("xvsubdp", 104, (c, w) => dpOp(c, w, EOp.Sub)),
  xx3("xvmuldp", 112, (c, w) => dpOp(c, w, EOp.Mul)),
  xx3("xvdivdp", 120, (c, w) => dpOp(c, w, EOp.Div)),
  xx2("xvsqrtdp", 203, (c, w) => dpOp(c, w, EOp.Sqrt)),
  xx2("xvredp", 218, (c, w) => dpOp(c, w, EOp.Re)),
  xx2("xvrsqrtedp", 202, (c, w) => dpOp(c, w, EOp.Rsqrte)),
  xx3("xvaddsp", 64, (c, w) => spOp(c, w, EOp.Add)),
  xx3("xvsubsp", 72, (c, w) => spOp(c, w, EOp.Sub)),
  xx3("xvmulsp", 80, (c, w) => spOp(c, w, EOp.Mul)),
  xx3("xvdivsp", 88, (c, w) => spOp(c, w, EOp.Div)),
  xx2("xvsqrtsp", 139, (c, w) => spOp(c, w, EOp.Sqrt)),
  xx2("xvresp", 154, (c, w) => spOp(c, w, EOp.Re)),
  xx2("xvrsqrtesp", 138, (c, w) => spOp(c, w, EOp.Rsqrte)),
  ...MADDS.map(([n, xo, op]) => maddDef(n, xo, op)),
  // sign manipulation (decodetree patterns: bits 11:15 must be 0)
  xx2("xvabsdp", 473, (c, w) => signOp(c, w, 0, false), true),
  xx2("xvnabsdp", 489, (c, w) => signOp(c, w, 1, false), true),
  xx2("xvnegdp", 505, (c, w) => signOp(c, w, 2, false), true),
  xx2("xvabssp", 409, (c, w) => signOp(c, w, 0, true), true),
  xx2("xvnabssp", 425, (c, w) => signOp(c, w, 1, true), true),
  xx2("xvnegsp", 441, (c, w) => signOp(c, w, 2, true), true),
  xx3("xvcpsgndp", 240, (c, w) => cpsgn(c, w, false)),
  xx3("xvcpsgnsp", 208, (c, w) => cpsgn(c, w, true)),
  // max / min
  xx3("xvmaxdp", 224, (c, w) => dpMaxMin(c, w, true)),
  xx3("xvmindp", 232, (c, w) => dpMaxMin(c, w, false)),
  xx3("xvmaxsp", 192, (c, w) => spMaxMin(c, w, true)),
  xx3("xvminsp", 200, (c, w) => spMaxMin(c, w, false)),
  // compares
  xx3rc("xvcmpeqdp", 99, (c, w) => dpCmp(c, w, Cmp.Eq)),
  xx3rc("xvcmpgtdp", 107, (c, w) => dpCmp(c, w, Cmp.Gt)),
  xx3rc("xvcmpgedp", 115, (c, w) => dpCmp(c, w, Cmp.Ge)),
  xx3rc("xvcmpeqsp", 67, (c, w) => spCmp(c, w, Cmp.Eq)),
  xx3rc("xvcmpgtsp", 75, (c, w) => spCmp(c, w, Cmp.Gt)),
  xx3rc("xvcmpgesp", 83, (c, w) => spCmp(c, w, Cmp.Ge)),
  // tests
  xx3("xvtdivdp", 125, (c, w) => tdiv(c, w, false)),
  xx3("xvtdivsp", 93, (c, w) => tdiv(c, w, true)),
  xx2("xvtsqrtdp", 234, (c, w) => tsqrt(c, w, false)),
  xx2("xvtsqrtsp", 170, (c, w) => tsqrt(c, w, true)),
  // conversions
  xx2("xvcvdpsp", 393, xvcvdpsp),
  xx2("xvcvspdp", 457, xvcvspdp),
  xx2("xvcvdpsxds", 472, (c, w) => cvToDw(c, w, false, IntK.S64)),
  xx2("xvcvdpuxds", 456, (c, w) => cvToDw(c, w, false, IntK.U64)),
  xx2("xvcvspsxds", 408, (c, w) => cvToDw(c, w, true, IntK.S64)),
  xx2("xvcvspuxds", 392, (c, w) => cvToDw(c, w, true, IntK.U64)),
  xx2("xvcvdpsxws", 216, (c, w) => cvDpToW(c, w, IntK.S32)),
  xx2("xvcvdpuxws", 200, (c, w) => cvDpToW(c, w, IntK.U32)),
  xx2("xvcvspsxws", 152, (c, w) => cvSpToW(c, w, IntK.S32)),
  xx2("xvcvspuxws", 136, (c, w) => cvSpToW(c, w, IntK.U32)),
  xx2("xvcvsxddp", 504, (c, w) => cvDwToDp(c, w, true)),
  xx2("xvcvuxddp", 488, (c, w) => cvDwToDp(c, w, false)),
  xx2("xvcvsxwdp", 248, (c, w) => cvWToDp(c, w, true)),
  xx2("xvcvuxwdp", 232, (c, w) => cvWToDp(c, w, false)),
  xx2("xvcvsxdsp", 440, (c, w) => cvDwToSp(c, w, true)),
  xx2("xvcvuxdsp", 424, (c, w) => cvDwToSp(c, w, false)),
  xx2("xvcvsxwsp", 184, (c, w) => cvWToSp(c, w, true)),
  xx2("xvcvuxwsp", 168, (c, w) => cvWToSp(c, w, false)),
  // round to integral
  xx2("xvrdpi", 201, (c, w) => dpRound(c, w, AWAY)),
  xx2("xvrdpic", 235, (c, w) => dpRound(c, w, CURRENT)),
  xx2("xvrdpim", 249, (c, w) => dpRound(c, w, RM.Down)),
  xx2("xvrdpip", 233, (c, w) => dpRound(c, w, RM.Up)),
  xx2("xvrdpiz", 217, (c, w) => dpRound(c, w, RM.Zero)),
  xx2("xvrspi", 137, (c, w) => spRound(c, w, AWAY)),
  xx2("xvrspic", 171, (c, w) => spRound(c, w, CURRENT)),
  xx2("xvrspim", 185, (c, w) => spRound(c, w, RM.Down)),
  xx2("xvrspip", 169, (c, w) => spRound(c, w, RM.Up)),
  xx2("xvrspiz", 153, (c, w) => spRound(c, w, RM.Zero)),
];
