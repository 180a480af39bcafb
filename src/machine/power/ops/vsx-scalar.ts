// VSX scalar double- and single-precision arithmetic, compares and conversions (FPSCR effects),
// as qemu 7.2 -cpu power8 does them. They work on doubleword 0 of any of the 64 VSRs and set
// doubleword 1 of the target to 0 (qemu's helpers build the whole 128-bit result from zero).
// The FPSCR is handled as for the scalar FPU (see ops/fp-arith.ts; no Rc forms here), with
// qemu's differences:
//  - xsaddsp xssubsp xsmulsp xsdivsp xssqrtsp xsresp xsrsqrtesp (and xscvsxdsp xscvuxdsp) are
//    the double operation followed by frsp: two roundings (qemu do_frsp), flags of both. The
//    single multiply-adds (xsmaddasp ...) round once (float64r32_muladd), like fmadds.
//  - xsredp/xsresp: 1/x rounded, and 1/±0 = ±Inf *without* ZX (qemu ignores the divide-by-zero
//    flag there); an SNaN sets VXSNAN. xsrsqrtedp/xsrsqrtesp: 1/√x with √x rounded first,
//    √±0 → ±Inf also without ZX; VXSQRT for a negative operand.
//  - xscmpudp/xscmpodp: CR[BF] and FPCC; FI is left alone (unlike fcmpu/fcmpo). xscmpodp: a
//    QNaN sets VXVC, an SNaN sets VXSNAN and (when VE = 0) VXVC; FPRF[C] is untouched.
//  - xsmaxdp/xsmindp: IEEE 754-2008 maxNum/minNum (a QNaN loses to a number; with an SNaN the
//    first NaN of XA, XB is returned, quieted), -0 < +0; VXSNAN for an SNaN. qemu does not
//    reset its accumulated softfloat flags there, so a preceding inexact operation can make
//    qemu set XX again; that staleness is not modelled (it only shows when the FPSCR was
//    rewritten between the two instructions).
// Decoding as qemu: the XX2 forms ignore the A field, the XX3 compares require bit 31 = 0, and
// xstdivdp ignores bits 9:10 and 31.

import type { Cpu } from "../cpu.js";
import type { OpDef } from "../decode.js";
import { S } from "../state.js";
import { Fp, FPRF_SHIFT, fpRaise, fpRoundRebias } from "../fpu/fpscr.js";
import { addF, divF, fmaF, mulF, sqrtF } from "../fpu/fast.js";
import { SF, sfAdd, sfDiv, sfMul, sfMulAdd, sfSqrt } from "../fpu/softfloat.js";
import {
  clearDw1, fastDone, nanKind, roundSpDone, slowDone, slowSpDone, vF, vLo, xA, xB, xT,
} from "../vec/vsx-scalar-common.js";
import {
  xscvdpsp, xscvdpspn, xscvdpsxds, xscvdpsxws, xscvdpuxds, xscvdpuxws, xscvspdp, xscvspdpn, xscvsxddp, xscvsxdsp,
  xscvuxddp, xscvuxdsp, xsrdpi, xsrdpic, xsrdpim, xsrdpip, xsrdpiz, xsrsp, xstdivdp, xstsqrtdp,
} from "../vec/vsx-scalar-conv.js";

// ---- two-operand arithmetic ----

const enum Op2 {
  Add,
  Sub,
  Mul,
  Div,
}

function arith2Slow(c: Cpu, w: number, op: Op2, single: boolean): void {
  const r = c.r, a = vLo(xA(w)), b = vLo(xB(w)), t = xT(w), ti = vLo(t), rm = r[S.FPSCR] & 3;
  const ahi = r[a + 1], alo = r[a], bhi = r[b + 1], blo = r[b];
  // Double forms: the exponent-adjusted result of an enabled overflow/underflow (fp-arith.ts).
  // The "sp" forms round twice (double, then single): not adjusted (not built).
  const rd = single ? rm : fpRoundRebias(c);
  let fl: number;
  switch (op) {
    case Op2.Add: fl = sfAdd(r, ti, ahi, alo, bhi, blo, false, rd, false); break;
    case Op2.Sub: fl = sfAdd(r, ti, ahi, alo, bhi, blo, true, rd, false); break;
    case Op2.Mul: fl = sfMul(r, ti, ahi, alo, bhi, blo, rd, false); break;
    case Op2.Div: fl = sfDiv(r, ti, ahi, alo, bhi, blo, rd, false); break;
  }
  slowSpDone(c, ti, fl, single, rm);
  clearDw1(c, t);
}

function arith2(c: Cpu, w: number, op: Op2, single: boolean): void {
  const t = xT(w), ft = vF(t), fa = vF(xA(w)), fb = vF(xB(w)), rm = c.r[S.FPSCR] & 3;
  let fl: number;
  switch (op) {
    case Op2.Add: fl = addF(c.f, ft, fa, fb, false, rm, false); break;
    case Op2.Sub: fl = addF(c.f, ft, fa, fb, true, rm, false); break;
    case Op2.Mul: fl = mulF(c.f, ft, fa, fb, rm, false); break;
    case Op2.Div: fl = divF(c.f, ft, fa, fb, false, rm, false); break;
  }
  if (fl < 0) return arith2Slow(c, w, op, single);
  if (single) roundSpDone(c, t, fl, rm);
  else fastDone(c, ft, fl);
  clearDw1(c, t);
}

const xsadddp = (c: Cpu, w: number): void => arith2(c, w, Op2.Add, false);
const xssubdp = (c: Cpu, w: number): void => arith2(c, w, Op2.Sub, false);
const xsmuldp = (c: Cpu, w: number): void => arith2(c, w, Op2.Mul, false);
const xsdivdp = (c: Cpu, w: number): void => arith2(c, w, Op2.Div, false);
const xsaddsp = (c: Cpu, w: number): void => arith2(c, w, Op2.Add, true);
const xssubsp = (c: Cpu, w: number): void => arith2(c, w, Op2.Sub, true);
const xsmulsp = (c: Cpu, w: number): void => arith2(c, w, Op2.Mul, true);
const xsdivsp = (c: Cpu, w: number): void => arith2(c, w, Op2.Div, true);

// ---- square root ----

function sqrtSlow(c: Cpu, w: number, single: boolean): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t), rm = r[S.FPSCR] & 3;
  slowSpDone(c, ti, sfSqrt(r, ti, r[b + 1], r[b], rm, false), single, rm);
  clearDw1(c, t);
}

function sqrtOp(c: Cpu, w: number, single: boolean): void {
  const t = xT(w), ft = vF(t), rm = c.r[S.FPSCR] & 3;
  const fl = sqrtF(c.f, ft, vF(xB(w)), rm, false);
  if (fl < 0) return sqrtSlow(c, w, single);
  if (single) roundSpDone(c, t, fl, rm);
  else fastDone(c, ft, fl);
  clearDw1(c, t);
}

const xssqrtdp = (c: Cpu, w: number): void => sqrtOp(c, w, false);
const xssqrtsp = (c: Cpu, w: number): void => sqrtOp(c, w, true);

// ---- reciprocal estimates (exact in qemu; no ZX) ----

const ONE_HI = 0x3ff00000;

function reSlow(c: Cpu, w: number, single: boolean): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t), rm = r[S.FPSCR] & 3;
  const fl = sfDiv(r, ti, ONE_HI, 0, r[b + 1], r[b], rm, false) & ~SF.DivZero;
  slowSpDone(c, ti, fl, single, rm);
  clearDw1(c, t);
}

function reOp(c: Cpu, w: number, single: boolean): void {
  const t = xT(w), ft = vF(t), rm = c.r[S.FPSCR] & 3;
  const fl = divF(c.f, ft, 0, vF(xB(w)), true, rm, false);
  if (fl < 0) return reSlow(c, w, single);
  if (single) roundSpDone(c, t, fl, rm);
  else fastDone(c, ft, fl);
  clearDw1(c, t);
}

const xsredp = (c: Cpu, w: number): void => reOp(c, w, false);
const xsresp = (c: Cpu, w: number): void => reOp(c, w, true);

/** Scratch for the reciprocal square root (per module instance): [operand, √, 1/√]. */
const tmpD = new Float64Array(3);
const tmpW = new Int32Array(tmpD.buffer);

function rsqrteSlow(c: Cpu, w: number, single: boolean): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t), rm = r[S.FPSCR] & 3;
  let fl = sfSqrt(tmpW, 0, r[b + 1], r[b], rm, false);
  fl |= sfDiv(r, ti, ONE_HI, 0, tmpW[1], tmpW[0], rm, false);
  slowSpDone(c, ti, fl & ~SF.DivZero, single, rm);
  clearDw1(c, t);
}

function rsqrteOp(c: Cpu, w: number, single: boolean): void {
  const rm = c.r[S.FPSCR] & 3;
  tmpD[0] = c.f[vF(xB(w))];
  const fl1 = sqrtF(tmpD, 1, 0, rm, false);
  if (fl1 >= 0 && tmpD[1] !== 0) {
    const fl2 = divF(tmpD, 2, 0, 1, true, rm, false);
    if (fl2 >= 0) {
      const t = xT(w), ft = vF(t);
      c.f[ft] = tmpD[2];
      if (single) roundSpDone(c, t, fl1 | fl2, rm);
      else fastDone(c, ft, fl1 | fl2);
      clearDw1(c, t);
      return;
    }
  }
  rsqrteSlow(c, w, single);
}

const xsrsqrtedp = (c: Cpu, w: number): void => rsqrteOp(c, w, false);
const xsrsqrtesp = (c: Cpu, w: number): void => rsqrteOp(c, w, true);

// ---- multiply-add: "A" forms XT = ±(XA × XB ± XT), "M" forms XT = ±(XA × XT ± XB) ----

function maddSlow(c: Cpu, w: number, typeA: boolean, negB: boolean, negR: boolean, single: boolean): void {
  const r = c.r, t = xT(w), ti = vLo(t), a = vLo(xA(w)), b = vLo(xB(w));
  const m = typeA ? b : ti, add = typeA ? ti : b;
  const fl = sfMulAdd(r, ti, r[a + 1], r[a], r[m + 1], r[m], r[add + 1], r[add], negB, negR, r[S.FPSCR] & 3, single);
  slowDone(c, ti, fl);
  clearDw1(c, t);
}

function maddOp(c: Cpu, w: number, typeA: boolean, negB: boolean, negR: boolean, single: boolean): void {
  const t = xT(w), ft = vF(t), fb = vF(xB(w));
  const fl = fmaF(c.f, ft, vF(xA(w)), typeA ? fb : ft, typeA ? ft : fb, negB, negR, c.r[S.FPSCR] & 3, single);
  if (fl < 0) return maddSlow(c, w, typeA, negB, negR, single);
  fastDone(c, ft, fl);
  clearDw1(c, t);
}

const xsmaddadp = (c: Cpu, w: number): void => maddOp(c, w, true, false, false, false);
const xsmaddmdp = (c: Cpu, w: number): void => maddOp(c, w, false, false, false, false);
const xsmsubadp = (c: Cpu, w: number): void => maddOp(c, w, true, true, false, false);
const xsmsubmdp = (c: Cpu, w: number): void => maddOp(c, w, false, true, false, false);
const xsnmaddadp = (c: Cpu, w: number): void => maddOp(c, w, true, false, true, false);
const xsnmaddmdp = (c: Cpu, w: number): void => maddOp(c, w, false, false, true, false);
const xsnmsubadp = (c: Cpu, w: number): void => maddOp(c, w, true, true, true, false);
const xsnmsubmdp = (c: Cpu, w: number): void => maddOp(c, w, false, true, true, false);
const xsmaddasp = (c: Cpu, w: number): void => maddOp(c, w, true, false, false, true);
const xsmaddmsp = (c: Cpu, w: number): void => maddOp(c, w, false, false, false, true);
const xsmsubasp = (c: Cpu, w: number): void => maddOp(c, w, true, true, false, true);
const xsmsubmsp = (c: Cpu, w: number): void => maddOp(c, w, false, true, false, true);
const xsnmaddasp = (c: Cpu, w: number): void => maddOp(c, w, true, false, true, true);
const xsnmaddmsp = (c: Cpu, w: number): void => maddOp(c, w, false, false, true, true);
const xsnmsubasp = (c: Cpu, w: number): void => maddOp(c, w, true, true, true, true);
const xsnmsubmsp = (c: Cpu, w: number): void => maddOp(c, w, false, true, true, true);

// ---- sign operations (no FPSCR change) ----

function signOp(c: Cpu, w: number, and: number, or: number, xor: number): void {
  const r = c.r, b = vLo(xB(w)), t = xT(w), ti = vLo(t);
  const lo = r[b], hi = ((r[b + 1] & and) | or) ^ xor;
  r[ti] = lo;
  r[ti + 1] = hi;
  clearDw1(c, t);
}

const xsabsdp = (c: Cpu, w: number): void => signOp(c, w, 0x7fffffff, 0, 0);
const xsnabsdp = (c: Cpu, w: number): void => signOp(c, w, -1, 0x80000000 | 0, 0);
const xsnegdp = (c: Cpu, w: number): void => signOp(c, w, -1, 0, 0x80000000 | 0);

function xscpsgndp(c: Cpu, w: number): void {
  const r = c.r, a = vLo(xA(w)), b = vLo(xB(w)), t = xT(w), ti = vLo(t);
  const lo = r[b], hi = (r[b + 1] & 0x7fffffff) | (r[a + 1] & (0x80000000 | 0));
  r[ti] = lo;
  r[ti + 1] = hi;
  clearDw1(c, t);
}

// ---- compares ----

function cmpOp(c: Cpu, w: number, ordered: boolean): void {
  const r = c.r, a = vLo(xA(w)), b = vLo(xB(w));
  const ka = nanKind(r[a + 1], r[a]), kb = nanKind(r[b + 1], r[b]);
  if ((ka | kb) !== 0) return cmpUnordered(c, w, ordered, ka === 1 || kb === 1);
  const x = c.f[vF(xA(w))], y = c.f[vF(xB(w))];
  const cc = x < y ? 8 : x > y ? 4 : 2;
  r[S.CR + ((w >>> 23) & 7)] = cc;
  r[S.FPSCR] = (r[S.FPSCR] & ~Fp.FPCC) | (cc << FPRF_SHIFT);
}

function cmpUnordered(c: Cpu, w: number, ordered: boolean, snan: boolean): void {
  const r = c.r;
  r[S.CR + ((w >>> 23) & 7)] = 1;
  r[S.FPSCR] = (r[S.FPSCR] & ~Fp.FPCC) | Fp.FU;
  const vxvc = ordered && (!snan || (r[S.FPSCR] & Fp.VE) === 0);
  if (snan) fpRaise(c, Fp.VXSNAN);
  if (vxvc) fpRaise(c, Fp.VXVC);
}

const xscmpudp = (c: Cpu, w: number): void => cmpOp(c, w, false);
const xscmpodp = (c: Cpu, w: number): void => cmpOp(c, w, true);

// ---- maximum / minimum ----

function maxMin(c: Cpu, w: number, isMax: boolean): void {
  const r = c.r, a = vLo(xA(w)), b = vLo(xB(w)), t = xT(w), ti = vLo(t);
  const ahi = r[a + 1], alo = r[a], bhi = r[b + 1], blo = r[b];
  const ka = nanKind(ahi, alo), kb = nanKind(bhi, blo);
  let pickA: boolean;
  if ((ka | kb) !== 0) {
    if (ka === 1 || kb === 1) {
      fpRaise(c, Fp.VXSNAN);
      pickA = ka !== 0;
    } else {
      // QNaNs only: a number wins over a QNaN; two QNaNs give XA.
      pickA = ka === 0 || kb !== 0;
    }
    const hi = pickA ? ahi : bhi, lo = pickA ? alo : blo;
    r[ti] = lo;
    r[ti + 1] = nanKind(hi, lo) !== 0 ? hi | 0x80000 : hi; // a NaN result is quieted
    clearDw1(c, t);
    return;
  }
  const x = c.f[vF(xA(w))], y = c.f[vF(xB(w))];
  if (x !== y) pickA = isMax ? x > y : x < y;
  else if ((ahi ^ bhi) < 0) pickA = isMax ? ahi >= 0 : ahi < 0; // +0 and -0
  else pickA = true;
  r[ti] = pickA ? alo : blo;
  r[ti + 1] = pickA ? ahi : bhi;
  clearDw1(c, t);
}

const xsmaxdp = (c: Cpu, w: number): void => maxMin(c, w, true);
const xsmindp = (c: Cpu, w: number): void => maxMin(c, w, false);

// ---- definitions ----

/** XX3 form: primary opcode 60, XO in bits 21:28; `extra`: further bits that must match (0). */
function xx3(mnemonic: string, xo: number, exec: (c: Cpu, w: number) => void, extra = 0): OpDef {
  return { mnemonic, mask: (0xfc0007f8 | extra) >>> 0, match: ((60 << 26) | (xo << 3)) >>> 0, exec };
}

/** XX2 form: primary opcode 60, XO in bits 21:29 (qemu ignores the A field). */
function xx2(mnemonic: string, xo: number, exec: (c: Cpu, w: number) => void): OpDef {
  return { mnemonic, mask: 0xfc0007fc, match: ((60 << 26) | (xo << 2)) >>> 0, exec };
}

export const VSX_SCALAR_OPS: readonly OpDef[] = [
  xx3("xsaddsp", 0, xsaddsp),
  xx3("xssubsp", 8, xssubsp),
  xx3("xsmulsp", 16, xsmulsp),
  xx3("xsdivsp", 24, xsdivsp),
  xx3("xsadddp", 32, xsadddp),
  xx3("xssubdp", 40, xssubdp),
  xx3("xsmuldp", 48, xsmuldp),
  xx3("xsdivdp", 56, xsdivdp),
  xx3("xsmaxdp", 160, xsmaxdp),
  xx3("xsmindp", 168, xsmindp),
  xx3("xscpsgndp", 176, xscpsgndp),
  xx3("xscmpudp", 35, xscmpudp, 1),
  xx3("xscmpodp", 43, xscmpodp, 1),
  xx3("xstdivdp", 61, xstdivdp),
  xx3("xsmaddasp", 1, xsmaddasp),
  xx3("xsmaddmsp", 9, xsmaddmsp),
  xx3("xsmsubasp", 17, xsmsubasp),
  xx3("xsmsubmsp", 25, xsmsubmsp),
  xx3("xsmaddadp", 33, xsmaddadp),
  xx3("xsmaddmdp", 41, xsmaddmdp),
  xx3("xsmsubadp", 49, xsmsubadp),
  xx3("xsmsubmdp", 57, xsmsubmdp),
  xx3("xsnmaddasp", 129, xsnmaddasp),
  xx3("xsnmaddmsp", 137, xsnmaddmsp),
  xx3("xsnmsubasp", 145, xsnmsubasp),
  xx3("xsnmsubmsp", 153, xsnmsubmsp),
  xx3("xsnmaddadp", 161, xsnmaddadp),
  xx3("xsnmaddmdp", 169, xsnmaddmdp),
  xx3("xsnmsubadp", 177, xsnmsubadp),
  xx3("xsnmsubmdp", 185, xsnmsubmdp),
  xx2("xsrsqrtesp", 10, xsrsqrtesp),
  xx2("xssqrtsp", 11, xssqrtsp),
  xx2("xsresp", 26, xsresp),
  xx2("xsrsqrtedp", 74, xsrsqrtedp),
  xx2("xssqrtdp", 75, xssqrtdp),
  xx2("xsredp", 90, xsredp),
  xx2("xstsqrtdp", 106, xstsqrtdp),
  xx2("xsabsdp", 345, xsabsdp),
  xx2("xsnabsdp", 361, xsnabsdp),
  xx2("xsnegdp", 377, xsnegdp),
  xx2("xscvdpsp", 265, xscvdpsp),
  xx2("xscvdpspn", 267, xscvdpspn),
  xx2("xsrsp", 281, xsrsp),
  xx2("xscvspdp", 329, xscvspdp),
  xx2("xscvspdpn", 331, xscvspdpn),
  xx2("xscvdpuxws", 72, xscvdpuxws),
  xx2("xscvdpsxws", 88, xscvdpsxws),
  xx2("xscvdpuxds", 328, xscvdpuxds),
  xx2("xscvdpsxds", 344, xscvdpsxds),
  xx2("xscvuxdsp", 296, xscvuxdsp),
  xx2("xscvsxdsp", 312, xscvsxdsp),
  xx2("xscvuxddp", 360, xscvuxddp),
  xx2("xscvsxddp", 376, xscvsxddp),
  xx2("xsrdpi", 73, xsrdpi),
  xx2("xsrdpiz", 89, xsrdpiz),
  xx2("xsrdpip", 105, xsrdpip),
  xx2("xsrdpic", 107, xsrdpic),
  xx2("xsrdpim", 121, xsrdpim),
];
