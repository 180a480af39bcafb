// VMX single-precision floating point (with VSCR.NJ), conversions and compares, as qemu 7.2
// computes them (its vec_status: round to nearest even, no FPSCR effects):
//  - VSCR.NJ = 1 sets softfloat's flush_inputs_to_zero and flush_to_zero (qemu 7.2.x stable,
//    as installed, has the upstream fix that adds flush_inputs_to_zero to ppc_store_vscr; the
//    7.2.0 source sets only flush_to_zero): every denormal operand reads as a zero of its sign
//    (compares, min/max, vrfi*, the estimates included), and a result whose exact (unrounded)
//    value is nonzero and below 2^-126 in magnitude becomes a zero of its sign.
//  - NaN results: the first NaN operand in the order vA, vB (two operands) or vA, vB, vC for the
//    multiply-adds (vA × vC ± vB; Inf × 0 with a NaN addend gives the addend), quieted; an
//    invalid operation without a NaN operand gives the default NaN 0x7fc00000. vnmsubfp never
//    negates a NaN.
//  - Element functions work on the raw 32-bit words; elements are independent, so the order of
//    the four words in the state does not matter (except that vcmp*. summarise all four).
//  - vexptefp and vlogefp reproduce qemu's float32_exp2 / float32_log2 (vec/vmx-float-estimate.ts).

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRA, fRB, fRC } from "../decode.js";
import { S } from "../state.js";
import { FLT_MIN } from "../fpu/bits.js";
import { exp2Estimate, log2Estimate } from "../vec/vmx-float-estimate.js";

const F = new Float32Array(1);
const FI = new Int32Array(F.buffer);
const D = new Float64Array(1);
const DI = new Int32Array(D.buffer);

const NJ = 0x10000;
const DEFAULT_NAN = 0x7fc00000;
const QUIET = 0x00400000;

/** The single whose bits are b, as a double. */
function f32(b: number): number {
  FI[0] = b;
  return F[0];
}

/** The bits of x (not a NaN) rounded to single precision. */
function bits32(x: number): number {
  F[0] = x;
  return FI[0];
}

const isNaN32 = (b: number): boolean => (b & 0x7fffffff) > 0x7f800000;

/** Int32 index of word 0 of VR n (the four words of the VR follow). */
const vr = (n: number): number => S.VSR + (32 + n) * 4;

/** A denormal input as a zero of its sign when nj (softfloat flush_inputs_to_zero). */
function fin(b: number, nj: boolean): number {
  return nj && (b & 0x7f800000) === 0 ? b & (0x80000000 | 0) : b;
}

/** The NaN result of a two-operand operation (a or b is a NaN). */
function nan2(a: number, b: number): number {
  return (isNaN32(a) ? a : b) | QUIET;
}

/** The bits of a result x (exact or a double that rounds like it), flushed when nj and tiny. */
function pack(x: number, nj: boolean): number {
  if (x !== x) return DEFAULT_NAN;
  if (nj && x !== 0 && x < FLT_MIN && x > -FLT_MIN) return x < 0 ? (0x80000000 | 0) : 0;
  return bits32(x);
}

// ---- element operations ----

function addE(a: number, b: number, nj: boolean): number {
  a = fin(a, nj);
  b = fin(b, nj);
  if (isNaN32(a) || isNaN32(b)) return nan2(a, b);
  return pack(f32(a) + f32(b), nj);
}

function subE(a: number, b: number, nj: boolean): number {
  a = fin(a, nj);
  b = fin(b, nj);
  if (isNaN32(a) || isNaN32(b)) return nan2(a, b);
  return pack(f32(a) - f32(b), nj);
}

/** max (isMax) or min: NaNs as nan2; -0 < +0; equal values give a; then flushed. */
function maxMinE(a: number, b: number, nj: boolean, isMax: boolean): number {
  a = fin(a, nj);
  b = fin(b, nj);
  if (isNaN32(a) || isNaN32(b)) return nan2(a, b);
  const x = f32(a), y = f32(b);
  let r: number;
  if (x === y) r = a !== b && x === 0 ? ((a < 0) === isMax ? b : a) : a;
  else r = (x > y) === isMax ? a : b;
  if (nj && (r & 0x7f800000) === 0) return r & (0x80000000 | 0);
  return r;
}

/**
 * vA × vC + vB (negate = false) or -(vA × vC - vB), rounded once. The product is exact in a
 * double; the sum is made exact-to-odd (TwoSum, then the last bit forced to 1 when inexact), so
 * rounding it to single is correct.
 */
function maddE(a: number, b: number, cc: number, nj: boolean, negate: boolean): number {
  a = fin(a, nj);
  b = fin(b, nj);
  cc = fin(cc, nj);
  if (isNaN32(a) || isNaN32(b) || isNaN32(cc)) return maddNaN(a, b, cc);
  const p = f32(a) * f32(cc);
  const y = negate ? -f32(b) : f32(b);
  let s = p + y;
  if (s !== s) return DEFAULT_NAN;
  if (s - s === 0) {
    const bb = s - p;
    const err = (p - (s - bb)) + (y - bb);
    if (err !== 0) s = toOdd(s, err);
  }
  return pack(negate ? -s : s, nj);
}

/** s (finite, nonzero) with its last bit set, moved one ulp toward s + err if it was even. */
function toOdd(s: number, err: number): number {
  D[0] = s;
  if ((DI[0] & 1) !== 0) return s;
  const away = (err > 0) === (s > 0);
  const lo = DI[0];
  if (away) {
    DI[0] = lo + 1;
  } else {
    DI[0] = lo - 1;
    if (lo === 0) DI[1] = DI[1] - 1;
  }
  return D[0];
}

/** The NaN of a multiply-add with a NaN operand (qemu's PowerPC rules, operands vA vB vC). */
function maddNaN(a: number, b: number, cc: number): number {
  const aa = a & 0x7fffffff, ca = cc & 0x7fffffff;
  const infZero = (aa === 0x7f800000 && ca === 0) || (aa === 0 && ca === 0x7f800000);
  if (infZero) return b | QUIET;
  if (isNaN32(a)) return a | QUIET;
  if (isNaN32(b)) return b | QUIET;
  return cc | QUIET;
}

function refE(b: number, nj: boolean): number {
  b = fin(b, nj);
  if (isNaN32(b)) return b | QUIET;
  return pack(1 / f32(b), nj);
}

function rsqrteE(b: number, nj: boolean): number {
  b = fin(b, nj);
  if (isNaN32(b)) return b | QUIET;
  const t = Math.fround(Math.sqrt(f32(b)));
  return pack(1 / t, nj);
}

/** vrfi*: mode 0 nearest-even, 1 toward zero, 2 up, 3 down. */
function rfiE(b: number, mode: number, nj: boolean): number {
  b = fin(b, nj);
  if (isNaN32(b)) return b | QUIET;
  const x = f32(b);
  let r: number;
  switch (mode) {
    case 0:
      r = Math.round(x);
      if (r - x === 0.5 && (r % 2) !== 0) r -= 1;
      break;
    case 1: r = Math.trunc(x); break;
    case 2: r = Math.ceil(x); break;
    default: r = Math.floor(x); break;
  }
  return bits32(r);
}

const SCALE: readonly number[] = Array.from({ length: 32 }, (_, i) => 2 ** i);
const INV_SCALE: readonly number[] = Array.from({ length: 32 }, (_, i) => 2 ** -i);

// ---- handlers ----

const nj = (c: Cpu): boolean => (c.r[S.VSCR] & NJ) !== 0;

function vaddfp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), a = vr(fRA(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = addE(r[a + k], r[b + k], z);
}

function vsubfp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), a = vr(fRA(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = subE(r[a + k], r[b + k], z);
}

function vmaxfp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), a = vr(fRA(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = maxMinE(r[a + k], r[b + k], z, true);
}

function vminfp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), a = vr(fRA(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = maxMinE(r[a + k], r[b + k], z, false);
}

function vmaddfp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), a = vr(fRA(w)), b = vr(fRB(w)), cc = vr(fRC(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = maddE(r[a + k], r[b + k], r[cc + k], z, false);
}

function vnmsubfp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), a = vr(fRA(w)), b = vr(fRB(w)), cc = vr(fRC(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = maddE(r[a + k], r[b + k], r[cc + k], z, true);
}

/** Compare kinds for vcmpXXfp. */
const enum Cmp {
  Eq,
  Ge,
  Gt,
}

function cmpE(a: number, b: number, kind: Cmp, nj: boolean): number {
  const x = f32(fin(a, nj)), y = f32(fin(b, nj));
  switch (kind) {
    case Cmp.Eq: return x === y ? -1 : 0;
    case Cmp.Ge: return x >= y ? -1 : 0;
    case Cmp.Gt: return x > y ? -1 : 0;
  }
}

function vcmpfp(c: Cpu, w: number, kind: Cmp): void {
  const r = c.r, t = vr(fRT(w)), a = vr(fRA(w)), b = vr(fRB(w)), z = nj(c);
  let all = -1, any = 0;
  for (let k = 0; k < 4; k++) {
    const v = cmpE(r[a + k], r[b + k], kind, z);
    r[t + k] = v;
    all &= v;
    any |= v;
  }
  if ((w & 0x400) !== 0) r[S.CR + 6] = (all !== 0 ? 8 : 0) | (any === 0 ? 2 : 0);
}

const vcmpeqfp = (c: Cpu, w: number): void => vcmpfp(c, w, Cmp.Eq);
const vcmpgefp = (c: Cpu, w: number): void => vcmpfp(c, w, Cmp.Ge);
const vcmpgtfp = (c: Cpu, w: number): void => vcmpfp(c, w, Cmp.Gt);

/** vcmpbfp: bit 0 = not (a ≤ b), bit 1 = not (a ≥ -b); both for NaNs. CR6 EQ = all in bounds. */
function vcmpbfp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), a = vr(fRA(w)), b = vr(fRB(w)), z = nj(c);
  let out = 0;
  for (let k = 0; k < 4; k++) {
    const x = f32(fin(r[a + k], z)), y = f32(fin(r[b + k], z));
    const v = (x <= y ? 0 : 0x80000000) | (x >= -y ? 0 : 0x40000000);
    r[t + k] = v;
    out |= v;
  }
  if ((w & 0x400) !== 0) r[S.CR + 6] = out === 0 ? 2 : 0;
}

/** vcfux VRT, VRB, UIM: each unsigned word to single, then × 2^-UIM. */
function vcfux(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), sc = INV_SCALE[fRA(w)];
  for (let k = 0; k < 4; k++) r[t + k] = bits32(Math.fround(r[b + k] >>> 0) * sc);
}

function vcfsx(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), sc = INV_SCALE[fRA(w)];
  for (let k = 0; k < 4; k++) r[t + k] = bits32(Math.fround(r[b + k]) * sc);
}

/** vctuxs VRT, VRB, UIM: trunc(x × 2^UIM) saturated to 0..2^32-1 (SAT on saturation); NaN → 0. */
function vctuxs(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), sc = SCALE[fRA(w)];
  let sat = 0;
  for (let k = 0; k < 4; k++) {
    const x = r[b + k];
    let v = 0;
    if (!isNaN32(x)) {
      const y = Math.trunc(f32(x) * sc);
      if (y < 0) sat = 1;
      else if (y > 4294967295) { v = -1; sat = 1; }
      else v = y | 0;
    }
    r[t + k] = v;
  }
  r[S.VSCR] |= sat;
}

function vctsxs(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), sc = SCALE[fRA(w)];
  let sat = 0;
  for (let k = 0; k < 4; k++) {
    const x = r[b + k];
    let v = 0;
    if (!isNaN32(x)) {
      const y = Math.trunc(f32(x) * sc);
      if (y < -2147483648) { v = 0x80000000 | 0; sat = 1; }
      else if (y > 2147483647) { v = 0x7fffffff; sat = 1; }
      else v = y | 0;
    }
    r[t + k] = v;
  }
  r[S.VSCR] |= sat;
}

function vrefp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = refE(r[b + k], z);
}

function vrsqrtefp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = rsqrteE(r[b + k], z);
}

function vrfi(c: Cpu, w: number, mode: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = rfiE(r[b + k], mode, z);
}

const vrfin = (c: Cpu, w: number): void => vrfi(c, w, 0);
const vrfiz = (c: Cpu, w: number): void => vrfi(c, w, 1);
const vrfip = (c: Cpu, w: number): void => vrfi(c, w, 2);
const vrfim = (c: Cpu, w: number): void => vrfi(c, w, 3);

function vexptefp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = exp2Estimate(r[b + k], z);
}

function vlogefp(c: Cpu, w: number): void {
  const r = c.r, t = vr(fRT(w)), b = vr(fRB(w)), z = nj(c);
  for (let k = 0; k < 4; k++) r[t + k] = log2Estimate(r[b + k], z);
}

// ---- definitions ----

const VX = 0xfc0007ff;
/** VX-form without an A operand (the A field must be 0, as qemu's invalid mask says). */
const VX_NOA = 0xfc1f07ff;
const VA = 0xfc00003f;
/** VC-form compares: Rc is bit 21 (0x400). */
const VC = 0xfc0003ff;
const v = (xo: number): number => ((4 << 26) | xo) >>> 0;

const vc = (mnemonic: string, xo: number, exec: (c: Cpu, w: number) => void): OpDef => ({
  mnemonic, mask: VC, match: v(xo), exec,
  name: (w) => ((w & 0x400) !== 0 ? mnemonic + "." : mnemonic),
  variants: [mnemonic, mnemonic + "."],
});

export const VMX_FLOAT_OPS: readonly OpDef[] = [
  { mnemonic: "vaddfp", mask: VX, match: v(10), exec: vaddfp },
  { mnemonic: "vsubfp", mask: VX, match: v(74), exec: vsubfp },
  { mnemonic: "vmaxfp", mask: VX, match: v(1034), exec: vmaxfp },
  { mnemonic: "vminfp", mask: VX, match: v(1098), exec: vminfp },
  { mnemonic: "vmaddfp", mask: VA, match: v(46), exec: vmaddfp },
  { mnemonic: "vnmsubfp", mask: VA, match: v(47), exec: vnmsubfp },
  vc("vcmpeqfp", 198, vcmpeqfp),
  vc("vcmpgefp", 454, vcmpgefp),
  vc("vcmpgtfp", 710, vcmpgtfp),
  vc("vcmpbfp", 966, vcmpbfp),
  { mnemonic: "vcfux", mask: VX, match: v(778), exec: vcfux },
  { mnemonic: "vcfsx", mask: VX, match: v(842), exec: vcfsx },
  { mnemonic: "vctuxs", mask: VX, match: v(906), exec: vctuxs },
  { mnemonic: "vctsxs", mask: VX, match: v(970), exec: vctsxs },
  { mnemonic: "vrefp", mask: VX_NOA, match: v(266), exec: vrefp },
  { mnemonic: "vrsqrtefp", mask: VX_NOA, match: v(330), exec: vrsqrtefp },
  { mnemonic: "vexptefp", mask: VX_NOA, match: v(394), exec: vexptefp },
  { mnemonic: "vlogefp", mask: VX_NOA, match: v(458), exec: vlogefp },
  { mnemonic: "vrfin", mask: VX_NOA, match: v(522), exec: vrfin },
  { mnemonic: "vrfiz", mask: VX_NOA, match: v(586), exec: vrfiz },
  { mnemonic: "vrfip", mask: VX_NOA, match: v(650), exec: vrfip },
  { mnemonic: "vrfim", mask: VX_NOA, match: v(714), exec: vrfim },
];
