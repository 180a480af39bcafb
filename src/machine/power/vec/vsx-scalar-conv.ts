// VSX scalar conversions, rounding to integral values, and the test-for-software-divide/sqrt
// instructions, as qemu 7.2 -cpu power8 does them (handlers for ops/vsx-scalar.ts):
//  - xscvdpsp: round to single in FPSCR[RN]; the float32 result goes to both words of
//    doubleword 0; FPRF is the class of the *single* result (a single denormal is denormal).
//    xscvspdp: word 0 widened (exact; an SNaN is quieted with VXSNAN), FI := 0, FPRF set.
//  - xscvdpspn / xscvspdpn: no FPSCR change. xscvdpspn is qemu's bit-level conversion (the
//    fraction is truncated, out-of-range exponents wrap), the result in both words;
//    xscvspdpn widens word 0 bit-exactly (an SNaN stays an SNaN).
//  - xscvdp[su]x[dw]s: truncate toward zero; invalid: VXCVI (VXSNAN for an SNaN), FR FI
//    cleared, FPRF untouched (qemu passes set_fprf = 0), saturated or NaN value; the word forms
//    put the 32-bit result in both words of doubleword 0.
//  - xscv[su]xddp: rounded in RN, FPRF/FI/XX. xscv[su]xdsp: rounded to double, then frsp.
//  - xsrdpi (ties away from zero), xsrdpiz/p/m: no XX, FI := 0; xsrdpic (mode RN): XX and FI
//    from inexactness. An SNaN gives VXSNAN and the quieted NaN. FPRF set.
//  - xsrsp: frsp on doubleword 0.
//  - xstdivdp / xstsqrtdp: CR[BF] := 0b1 || FG || FE || 0 (qemu's tests), no FPSCR change.
// All write 0 to doubleword 1 of the target (the compares write none).

import type { Cpu } from "../cpu.js";
import { S } from "../state.js";
import {
  Fp, FPRF_SHIFT, fprfOf32, fprfOfNum, fpFinish, fpInvalidArith, fpSetFPRF, fpVxsnan,
} from "../fpu/fpscr.js";
import { toSingleF } from "../fpu/fast.js";
import { RM, SF, sfToSingle } from "../fpu/softfloat.js";
import { IntKind, fromIntF, roundIntegral, toInt } from "../fpu/convert.js";
import { clearDw1, fastDone, nanKind, roundSpDone, slowDone, vF, vLo, xA, xB, xT } from "./vsx-scalar-common.js";

/** Scratch (per module instance): doubles [0..2], their words; a float32 and its bits. */
const tmpD = new Float64Array(3);
const tmpW = new Int32Array(tmpD.buffer);
const tmpS = new Float32Array(1);
const tmpSW = new Int32Array(tmpS.buffer);

// ---- double <-> single ----

/** The float32 bits of a double-format value (hi, lo) that is a single (or NaN/Inf). */
function singleBits(hi: number, lo: number): number {
  if ((hi & 0x7ff00000) === 0x7ff00000) {
    return (hi & (0x80000000 | 0)) | 0x7f800000 | ((hi & 0xfffff) << 3) | (lo >>> 29);
  }
  tmpW[0] = lo;
  tmpW[1] = hi;
  tmpS[0] = tmpD[0];
  return tmpSW[0];
}

/** Write the double-format value of float32 bits b to words out[o] (low), out[o + 1]. */
function toDouble(out: Int32Array, o: number, b: number): void {
  if ((b & 0x7f800000) === 0x7f800000) {
    out[o] = b << 29;
    out[o + 1] = (b & (0x80000000 | 0)) | 0x7ff00000 | ((b >>> 3) & 0xfffff);
    return;
  }
  tmpSW[0] = b;
  tmpD[0] = tmpS[0];
  out[o] = tmpW[0];
  out[o + 1] = tmpW[1];
}

export function xscvdpsp(c: Cpu, w: number): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t), rm = r[S.FPSCR] & 3;
  const bhi = r[b + 1], blo = r[b];
  tmpD[0] = c.f[vF(xB(w))];
  let fl = toSingleF(tmpD, 1, 0, rm);
  if (fl < 0) fl = sfToSingle(tmpW, 2, bhi, blo, rm);
  const s = singleBits(tmpW[3], tmpW[2]);
  r[ti] = s;
  r[ti + 1] = s;
  clearDw1(c, t);
  if ((fl & SF.InvSnan) !== 0) fpVxsnan(c);
  r[S.FPSCR] = (r[S.FPSCR] & ~Fp.FPRF) | (fprfOf32(s) << FPRF_SHIFT);
  fpFinish(c, fl & 7, true);
}

export function xscvspdp(c: Cpu, w: number): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t);
  const s = r[b + 1];
  toDouble(r, ti, s);
  const snan = (s & 0x7f800000) === 0x7f800000 && (s & 0x7fffff) !== 0 && (s & 0x400000) === 0;
  if (snan) {
    r[ti + 1] |= 0x80000;
    fpVxsnan(c);
  }
  clearDw1(c, t);
  fpSetFPRF(c, r[ti], r[ti + 1]);
  r[S.FPSCR] &= ~Fp.FI;
}

export function xscvspdpn(c: Cpu, w: number): void {
  const r = c.r, t = xT(w);
  toDouble(r, vLo(t), r[vLo(xB(w)) + 1]);
  clearDw1(c, t);
}

const TWO29 = 536870912;
const TWO23 = 8388608;

export function xscvdpspn(c: Cpu, w: number): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t);
  const hi = r[b + 1], lo = r[b];
  let exp = (hi >>> 20) & 0x7ff;
  // The 53-bit significand with the implicit bit (qemu keeps it set for denormals too).
  let frac = ((hi & 0xfffff) + 0x100000) * 4294967296 + (lo >>> 0);
  if (exp === 0 && ((hi & 0xfffff) | lo) !== 0) exp = 1;
  if (exp < 897) {
    frac = 897 - exp > 63 ? 0 : Math.floor(frac / 2 ** (897 - exp));
    exp = 896;
  }
  const res = (hi & (0x80000000 | 0)) | (((exp >>> 10) & 1) << 30) | ((exp & 0x7f) << 23) | (Math.floor(frac / TWO29) % TWO23);
  r[ti] = res;
  r[ti + 1] = res;
  clearDw1(c, t);
}

export function xsrsp(c: Cpu, w: number): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t), ft = vF(t), rm = r[S.FPSCR] & 3;
  const fl = toSingleF(c.f, ft, vF(xB(w)), rm);
  if (fl >= 0) fastDone(c, ft, fl);
  else slowDone(c, ti, sfToSingle(r, ti, r[b + 1], r[b], rm));
  clearDw1(c, t);
}

// ---- float -> integer ----

function ctiOp(c: Cpu, w: number, kind: IntKind): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t);
  const fl = toInt(r, ti, r[b + 1], r[b], c.f[vF(xB(w))], RM.Zero, kind);
  if (kind === IntKind.S32 || kind === IntKind.U32) r[ti + 1] = r[ti];
  clearDw1(c, t);
  if (fl === 0) {
    r[S.FPSCR] &= ~Fp.FI;
  } else if (fl === SF.Inexact) {
    let fs = r[S.FPSCR] | Fp.FX | Fp.XX | Fp.FI;
    if ((fs & Fp.XE) !== 0) {
      fs |= Fp.FEX;
      c.fpNow = 1; // an enabled inexact: fpu/trap.ts
    }
    r[S.FPSCR] = fs;
  } else {
    fpInvalidArith(c, Fp.VXCVI | ((fl & SF.InvSnan) !== 0 ? Fp.VXSNAN : 0), false);
    fpFinish(c, fl & 7, true);
  }
}

export const xscvdpsxds = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.S64);
export const xscvdpuxds = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.U64);
export const xscvdpsxws = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.S32);
export const xscvdpuxws = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.U32);

// ---- integer -> float ----

function cfiOp(c: Cpu, w: number, signed: boolean, single: boolean): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ft = vF(t), rm = r[S.FPSCR] & 3;
  const fl = fromIntF(c.f, ft, r[b + 1], r[b], signed, false, rm);
  if (single) roundSpDone(c, t, fl, rm);
  else fastDone(c, ft, fl);
  clearDw1(c, t);
}

export const xscvsxddp = (c: Cpu, w: number): void => cfiOp(c, w, true, false);
export const xscvuxddp = (c: Cpu, w: number): void => cfiOp(c, w, false, false);
export const xscvsxdsp = (c: Cpu, w: number): void => cfiOp(c, w, true, true);
export const xscvuxdsp = (c: Cpu, w: number): void => cfiOp(c, w, false, true);

// ---- round to integral value ----

/** Rounding modes of the xsrdpi* instructions: the four RN modes, "ties away", "current". */
const TIES_AWAY = 4;
const CURRENT = 5;

const TWO52 = 4503599627370496;

function roundAway(x: number): number {
  if (!(x < TWO52 && x > -TWO52) || x === 0) return x;
  const ax = x < 0 ? -x : x;
  let t = Math.floor(ax);
  if (ax - t >= 0.5) t += 1;
  return x < 0 ? -t : t;
}

function rdpiOp(c: Cpu, w: number, mode: number): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t), ft = vF(t);
  const bhi = r[b + 1], blo = r[b];
  const k = nanKind(bhi, blo);
  if (k !== 0) {
    r[ti] = blo;
    r[ti + 1] = bhi | 0x80000;
    if (k === 1) fpVxsnan(c);
    r[S.FPSCR] = (r[S.FPSCR] & ~(Fp.FPRF | Fp.FI)) | (fprfOfNum(NaN) << FPRF_SHIFT);
    clearDw1(c, t);
    return;
  }
  const x = c.f[vF(xB(w))];
  // (roundIntegral gives +0 for -0 in round-to-nearest: zeros are kept as they are)
  const y = x === 0 ? x : mode === TIES_AWAY ? roundAway(x) : roundIntegral(x, mode === CURRENT ? r[S.FPSCR] & 3 : mode);
  c.f[ft] = y;
  clearDw1(c, t);
  fastDone(c, ft, mode === CURRENT && y !== x ? SF.Inexact : 0);
}

export const xsrdpi = (c: Cpu, w: number): void => rdpiOp(c, w, TIES_AWAY);
export const xsrdpic = (c: Cpu, w: number): void => rdpiOp(c, w, CURRENT);
export const xsrdpim = (c: Cpu, w: number): void => rdpiOp(c, w, RM.Down);
export const xsrdpip = (c: Cpu, w: number): void => rdpiOp(c, w, RM.Up);
export const xsrdpiz = (c: Cpu, w: number): void => rdpiOp(c, w, RM.Zero);

// ---- test for software divide / square root ----

const isInf = (hi: number, lo: number): boolean => (hi & 0x7fffffff) === 0x7ff00000 && lo === 0;
const isZero = (hi: number, lo: number): boolean => ((hi & 0x7fffffff) | lo) === 0;
const bexp = (hi: number): number => (hi >>> 20) & 0x7ff;

export function xstdivdp(c: Cpu, w: number): void {
  const r = c.r, a = vLo(xA(w)), b = vLo(xB(w));
  const ahi = r[a + 1], alo = r[a], bhi = r[b + 1], blo = r[b];
  let fe = 0, fg = 0;
  if (isInf(ahi, alo) || isInf(bhi, blo) || isZero(bhi, blo)) {
    fe = 1;
    fg = 1;
  } else {
    const ea = bexp(ahi) - 1023, eb = bexp(bhi) - 1023;
    if (nanKind(ahi, alo) !== 0 || nanKind(bhi, blo) !== 0) fe = 1;
    else if (eb <= -1022 || eb >= 1021) fe = 1;
    else if (!isZero(ahi, alo) && (ea - eb >= 1023 || ea - eb <= -1021 || ea <= -970)) fe = 1;
    if (bexp(bhi) === 0) fg = 1;
  }
  r[S.CR + ((w >>> 23) & 7)] = 8 | (fg << 2) | (fe << 1);
}

export function xstsqrtdp(c: Cpu, w: number): void {
  const r = c.r, b = vLo(xB(w));
  const bhi = r[b + 1], blo = r[b];
  let fe = 0, fg = 0;
  if (isInf(bhi, blo) || isZero(bhi, blo)) {
    fe = 1;
    fg = 1;
  } else {
    if (nanKind(bhi, blo) !== 0) fe = 1;
    else if (bhi < 0) fe = 1;
    else if (bexp(bhi) - 1023 <= -970) fe = 1;
    if (bexp(bhi) === 0) fg = 1;
  }
  r[S.CR + ((w >>> 23) & 7)] = 8 | (fg << 2) | (fe << 1);
}
