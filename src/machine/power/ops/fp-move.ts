// Floating-point moves and sign operations (fmr fneg fabs fnabs fcpsgn, fmrgew fmrgow), fsel,
// rounding to an integral value (frin friz frip frim) and the software-divide/sqrt tests
// (ftdiv ftsqrt).
//
// Semantics as qemu 7.2 (-cpu power8):
//  - The moves and fsel are bit operations: NaNs pass unchanged (an SNaN is not quieted), no
//    FPSCR change; Rc = 1 copies FX FEX VX OX into CR1.
//  - fri*: the result is the rounded value with the operand's sign (so -0.3 gives -0); an SNaN
//    sets VXSNAN and gives the quieted NaN; FI is cleared, FR is left alone, XX is never set;
//    FPRF is the class of the result.
//  - ftdiv/ftsqrt write CR field BF = 0b1000 | FG << 2 | FE << 1 and leave the FPSCR alone.

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRA, fRB, fRC, fBF } from "../decode.js";
import { S, fprIndex } from "../state.js";
import { Fp, FPRF_SHIFT, Fprf, fpCR1, fpVxsnan, fprfOfNum } from "../fpu/fpscr.js";
import { fprLo } from "./fp-loadstore.js";

/** fmr[.] FRT, FRB. */
function fmr(c: Cpu, w: number): void {
  const b = fprLo(fRB(w)), t = fprLo(fRT(w));
  c.r[t] = c.r[b];
  c.r[t + 1] = c.r[b + 1];
  if ((w & 1) !== 0) fpCR1(c);
}

/** fneg[.] FRT, FRB. */
function fneg(c: Cpu, w: number): void {
  const b = fprLo(fRB(w)), t = fprLo(fRT(w));
  c.r[t] = c.r[b];
  c.r[t + 1] = c.r[b + 1] ^ 0x80000000;
  if ((w & 1) !== 0) fpCR1(c);
}

/** fabs[.] FRT, FRB. */
function fabs(c: Cpu, w: number): void {
  const b = fprLo(fRB(w)), t = fprLo(fRT(w));
  c.r[t] = c.r[b];
  c.r[t + 1] = c.r[b + 1] & 0x7fffffff;
  if ((w & 1) !== 0) fpCR1(c);
}

/** fnabs[.] FRT, FRB. */
function fnabs(c: Cpu, w: number): void {
  const b = fprLo(fRB(w)), t = fprLo(fRT(w));
  c.r[t] = c.r[b];
  c.r[t + 1] = c.r[b + 1] | 0x80000000;
  if ((w & 1) !== 0) fpCR1(c);
}

/** fcpsgn[.] FRT, FRA, FRB: FRB with the sign of FRA. */
function fcpsgn(c: Cpu, w: number): void {
  const a = fprLo(fRA(w)), b = fprLo(fRB(w)), t = fprLo(fRT(w));
  const hi = (c.r[a + 1] & 0x80000000) | (c.r[b + 1] & 0x7fffffff);
  c.r[t] = c.r[b];
  c.r[t + 1] = hi;
  if ((w & 1) !== 0) fpCR1(c);
}

/** fmrgew FRT, FRA, FRB: FRA[0:31] || FRB[0:31]. */
function fmrgew(c: Cpu, w: number): void {
  const a = fprLo(fRA(w)), b = fprLo(fRB(w)), t = fprLo(fRT(w));
  const hi = c.r[a + 1], lo = c.r[b + 1];
  c.r[t] = lo;
  c.r[t + 1] = hi;
}

/** fmrgow FRT, FRA, FRB: FRA[32:63] || FRB[32:63]. */
function fmrgow(c: Cpu, w: number): void {
  const a = fprLo(fRA(w)), b = fprLo(fRB(w)), t = fprLo(fRT(w));
  const hi = c.r[a], lo = c.r[b];
  c.r[t] = lo;
  c.r[t + 1] = hi;
}

/** fsel[.] FRT, FRA, FRC, FRB: FRC if FRA >= 0 (either zero included, NaN excluded), else FRB. */
function fsel(c: Cpu, w: number): void {
  const a = fprLo(fRA(w));
  const ahi = c.r[a + 1];
  // Non-negative: sign 0, or the value is -0. NaN: exponent all ones, fraction nonzero.
  const nonneg = ahi >= 0 || ((ahi & 0x7fffffff) | c.r[a]) === 0;
  const nan = (ahi & 0x7ff00000) === 0x7ff00000 && ((ahi & 0xfffff) | c.r[a]) !== 0;
  const s = fprLo(nonneg && !nan ? fRC(w) : fRB(w)), t = fprLo(fRT(w));
  c.r[t] = c.r[s];
  c.r[t + 1] = c.r[s + 1];
  if ((w & 1) !== 0) fpCR1(c);
}

// ---- round to integral ----

/** True if FPR n holds a NaN. */
function isNaNFpr(c: Cpu, n: number): boolean {
  const i = fprLo(n);
  const hi = c.r[i + 1];
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | c.r[i]) !== 0;
}

/** fri* of a NaN: VXSNAN for an SNaN, the quieted NaN as the result. */
function friNaN(c: Cpu, w: number): void {
  const b = fprLo(fRB(w)), t = fprLo(fRT(w));
  const hi = c.r[b + 1];
  if ((hi & 0x80000) === 0) fpVxsnan(c);
  c.r[t] = c.r[b];
  c.r[t + 1] = hi | 0x80000;
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~(Fp.FI | Fp.FPRF)) | (Fprf.QNaN << FPRF_SHIFT);
  if ((w & 1) !== 0) fpCR1(c);
}

/** Store a fri* result, clear FI, set FPRF, CR1 for Rc. */
function friDone(c: Cpu, w: number, y: number): void {
  c.f[fprIndex(fRT(w))] = y;
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~(Fp.FI | Fp.FPRF)) | (fprfOfNum(y) << FPRF_SHIFT);
  if ((w & 1) !== 0) fpCR1(c);
}

/** frin[.]: round to nearest, ties away from zero. */
function frin(c: Cpu, w: number): void {
  const b = fRB(w);
  if (isNaNFpr(c, b)) return friNaN(c, w);
  const x = c.f[fprIndex(b)];
  const t = Math.trunc(x);
  const d = x - t; // exact for finite x; NaN for infinities (then t is the result)
  friDone(c, w, d >= 0.5 ? t + 1 : d <= -0.5 ? t - 1 : t);
}

/** friz[.]: round toward zero. */
function friz(c: Cpu, w: number): void {
  const b = fRB(w);
  if (isNaNFpr(c, b)) return friNaN(c, w);
  friDone(c, w, Math.trunc(c.f[fprIndex(b)]));
}

/** frip[.]: round toward +Inf. */
function frip(c: Cpu, w: number): void {
  const b = fRB(w);
  if (isNaNFpr(c, b)) return friNaN(c, w);
  friDone(c, w, Math.ceil(c.f[fprIndex(b)]));
}

/** frim[.]: round toward -Inf. */
function frim(c: Cpu, w: number): void {
  const b = fRB(w);
  if (isNaNFpr(c, b)) return friNaN(c, w);
  friDone(c, w, Math.floor(c.f[fprIndex(b)]));
}

// ---- ftdiv / ftsqrt ----

/** ftdiv BF, FRA, FRB. */
function ftdiv(c: Cpu, w: number): void {
  const a = fprLo(fRA(w)), b = fprLo(fRB(w));
  const ahi = c.r[a + 1], alo = c.r[a], bhi = c.r[b + 1], blo = c.r[b];
  const ea = (ahi >>> 20) & 0x7ff, eb = (bhi >>> 20) & 0x7ff;
  const afrac = (ahi & 0xfffff) | alo, bfrac = (bhi & 0xfffff) | blo;
  const aInf = ea === 0x7ff && afrac === 0, bInf = eb === 0x7ff && bfrac === 0;
  const bZero = eb === 0 && bfrac === 0;
  let fe = 0, fg = 0;
  if (aInf || bInf || bZero) {
    fe = 1;
    fg = 1;
  } else {
    const ua = ea - 1023, ub = eb - 1023; // unbiased exponents as the fields give them
    const aNaN = ea === 0x7ff, bNaN = eb === 0x7ff;
    const aZero = ea === 0 && afrac === 0;
    if (aNaN || bNaN) fe = 1;
    else if (ub <= -1022 || ub >= 1021) fe = 1;
    else if (!aZero && (ua - ub >= 1023 || ua - ub <= -1021 || ua <= -970)) fe = 1;
    if (eb === 0) fg = 1; // FRB denormal (zero was handled above)
  }
  c.r[S.CR + fBF(w)] = 8 | (fg << 2) | (fe << 1);
}

/** ftsqrt BF, FRB. */
function ftsqrt(c: Cpu, w: number): void {
  const b = fprLo(fRB(w));
  const bhi = c.r[b + 1], blo = c.r[b];
  const eb = (bhi >>> 20) & 0x7ff;
  const bfrac = (bhi & 0xfffff) | blo;
  let fe = 0, fg = 0;
  if ((eb === 0x7ff && bfrac === 0) || (eb === 0 && bfrac === 0)) {
    fe = 1;
    fg = 1;
  } else {
    if (eb === 0x7ff || bhi < 0 || eb - 1023 <= -1022 + 52) fe = 1;
    if (eb === 0) fg = 1;
  }
  c.r[S.CR + fBF(w)] = 8 | (fg << 2) | (fe << 1);
}

const XO = (xo: number): number => ((63 << 26) | (xo << 1)) >>> 0;
/** X-form with Rc, RA required 0 (qemu inval 0x001f0000). */
const MASK_B = 0xfc1f07fe;

export const FP_MOVE_OPS: readonly OpDef[] = [
  { mnemonic: "fmr", mask: MASK_B, match: XO(72), exec: fmr, rc: true },
  { mnemonic: "fneg", mask: MASK_B, match: XO(40), exec: fneg, rc: true },
  { mnemonic: "fabs", mask: MASK_B, match: XO(264), exec: fabs, rc: true },
  { mnemonic: "fnabs", mask: MASK_B, match: XO(136), exec: fnabs, rc: true },
  { mnemonic: "fcpsgn", mask: 0xfc0007fe, match: XO(8), exec: fcpsgn, rc: true },
  { mnemonic: "fmrgew", mask: 0xfc0007ff, match: XO(966), exec: fmrgew },
  { mnemonic: "fmrgow", mask: 0xfc0007ff, match: XO(838), exec: fmrgow },
  { mnemonic: "fsel", mask: 0xfc00003e, match: ((63 << 26) | (23 << 1)) >>> 0, exec: fsel, rc: true },
  { mnemonic: "frin", mask: MASK_B, match: XO(392), exec: frin, rc: true },
  { mnemonic: "friz", mask: MASK_B, match: XO(424), exec: friz, rc: true },
  { mnemonic: "frip", mask: MASK_B, match: XO(456), exec: frip, rc: true },
  { mnemonic: "frim", mask: MASK_B, match: XO(488), exec: frim, rc: true },
  // Rc must be 0; the other reserved bits are not checked by qemu.
  { mnemonic: "ftdiv", mask: 0xfc0007ff, match: XO(128), exec: ftdiv },
  { mnemonic: "ftsqrt", mask: 0xfc0007ff, match: XO(160), exec: ftsqrt },
];
