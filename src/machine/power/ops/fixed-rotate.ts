// Fixed-point rotate-and-mask and shift instructions.
//
// Values are 64-bit (lo, hi) int32 pairs. The rlw* forms follow the 64-bit ISA (and qemu):
// the low word of RS is rotated as ROTL32 (which is the 64-bit rotation of the word duplicated
// into both halves) and masked with MASK(MB+32, ME+32); when MB > ME that mask wraps around and
// covers the whole high word, so the high word of the result is the rotated word as well.
// All mask computations depend only on the instruction word, which the block engine passes as
// a constant, so they fold away once a handler is inlined.

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRA, fRB } from "../decode.js";
import { S } from "../state.js";

// ---- masks: MASK(mb, me) in ISA bit numbering (bit 0 = most significant), 0 <= mb, me <= 63 ----

/** High word of the 64-bit value with ones from bit p (ISA numbering) on, 0 <= p <= 64. */
function onesFromHi(p: number): number {
  return p >= 32 ? 0 : (-1 >>> p) | 0;
}

/** Low word of the 64-bit value with ones from bit p on, 0 <= p <= 64. */
function onesFromLo(p: number): number {
  return p <= 32 ? -1 : p >= 64 ? 0 : (-1 >>> (p - 32)) | 0;
}

/** High word of MASK(mb, me) (wrapping when mb > me). */
function maskHi(mb: number, me: number): number {
  const m = onesFromHi(mb) ^ onesFromHi(me + 1);
  return mb > me ? ~m : m;
}

/** Low word of MASK(mb, me) (wrapping when mb > me). */
function maskLo(mb: number, me: number): number {
  const m = onesFromLo(mb) ^ onesFromLo(me + 1);
  return mb > me ? ~m : m;
}

/** ROTL32(x, n) for 0 <= n <= 31. */
function rotl32(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

// ---- rlw*: 32-bit rotates (M-form: SH/RB bits 16:20, MB 21:25, ME 26:30) ----

/** rlwinm[.] RA,RS,SH,MB,ME. */
function rlwinm(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), sh = fRB(w), mb = ((w >>> 6) & 31) + 32, me = ((w >>> 1) & 31) + 32;
  const rot = rotl32(c.r[rs * 2], sh);
  const lo = rot & maskLo(mb, me), hi = rot & maskHi(mb, me);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** rlwnm[.] RA,RS,RB,MB,ME (rotate count: RB bits 59:63). */
function rlwnm(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), rb = fRB(w), mb = ((w >>> 6) & 31) + 32, me = ((w >>> 1) & 31) + 32;
  const rot = rotl32(c.r[rs * 2], c.r[rb * 2] & 31);
  const lo = rot & maskLo(mb, me), hi = rot & maskHi(mb, me);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** rlwimi[.] RA,RS,SH,MB,ME: insert the rotated word under the mask. */
function rlwimi(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), sh = fRB(w), mb = ((w >>> 6) & 31) + 32, me = ((w >>> 1) & 31) + 32;
  const rot = rotl32(c.r[rs * 2], sh);
  const ml = maskLo(mb, me), mh = maskHi(mb, me);
  const lo = (rot & ml) | (c.r[ra * 2] & ~ml), hi = (rot & mh) | (c.r[ra * 2 + 1] & ~mh);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

// ---- rld*: 64-bit rotates (MD-form: sh = sh0:4 (bits 16:20) || sh5 (bit 30);
//      mb/me = bits 21:25 || bit 26, i.e. the word's bit 5 is the high bit) ----

/** The 6-bit shift of an MD/XS-form word. */
const fSH6 = (w: number): number => ((w >>> 11) & 31) | ((w & 2) << 4);
/** The 6-bit mb/me of an MD/MDS-form word. */
const fMB6 = (w: number): number => ((w >>> 6) & 31) | (w & 0x20);

// The rotated value of RS: ROTL64((lo, hi), n) = (rlo, rhi) with, for k = n & 31,
//   n < 32:  rhi = hi << k | lo >>> (32 - k),  rlo = lo << k | hi >>> (32 - k)
//   n >= 32: the same with lo and hi swapped first.
// `(x >>> 1) >>> (31 - k)` is `x >>> (32 - k)` that also gives 0 for k = 0.

/** Rotate RS left by n (0..63) and store MASK(mb, me) of it in RA (returns nothing; sets CR0 on Rc). */
function rotateMask(c: Cpu, w: number, n: number, mb: number, me: number): void {
  const rs = fRT(w), ra = fRA(w), k = n & 31;
  const a = (n & 32) !== 0 ? c.r[rs * 2] : c.r[rs * 2 + 1];
  const b = (n & 32) !== 0 ? c.r[rs * 2 + 1] : c.r[rs * 2];
  const hi = ((a << k) | ((b >>> 1) >>> (31 - k))) & maskHi(mb, me);
  const lo = ((b << k) | ((a >>> 1) >>> (31 - k))) & maskLo(mb, me);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** rldicl[.] RA,RS,SH,MB. */
function rldicl(c: Cpu, w: number): void {
  rotateMask(c, w, fSH6(w), fMB6(w), 63);
}

/** rldicr[.] RA,RS,SH,ME. */
function rldicr(c: Cpu, w: number): void {
  rotateMask(c, w, fSH6(w), 0, fMB6(w));
}

/** rldic[.] RA,RS,SH,MB (mask MASK(mb, 63 - sh), wrapping when mb > 63 - sh). */
function rldic(c: Cpu, w: number): void {
  const sh = fSH6(w);
  rotateMask(c, w, sh, fMB6(w), 63 - sh);
}

/** rldcl[.] RA,RS,RB,MB (rotate count: RB bits 58:63). */
function rldcl(c: Cpu, w: number): void {
  rotateMask(c, w, c.r[fRB(w) * 2] & 63, fMB6(w), 63);
}

/** rldcr[.] RA,RS,RB,ME. */
function rldcr(c: Cpu, w: number): void {
  rotateMask(c, w, c.r[fRB(w) * 2] & 63, 0, fMB6(w));
}

/** rldimi[.] RA,RS,SH,MB: insert ROTL64(RS, sh) under MASK(mb, 63 - sh). */
function rldimi(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), n = fSH6(w), k = n & 31, mb = fMB6(w);
  const a = (n & 32) !== 0 ? c.r[rs * 2] : c.r[rs * 2 + 1];
  const b = (n & 32) !== 0 ? c.r[rs * 2 + 1] : c.r[rs * 2];
  const mh = maskHi(mb, 63 - n), ml = maskLo(mb, 63 - n);
  const hi = (((a << k) | ((b >>> 1) >>> (31 - k))) & mh) | (c.r[ra * 2 + 1] & ~mh);
  const lo = (((b << k) | ((a >>> 1) >>> (31 - k))) & ml) | (c.r[ra * 2] & ~ml);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

// ---- shifts (X-form: RA = RS shifted by RB or SH) ----

/** slw[.]: RA = (RS low word << RB[58:63]) zero-extended; 0 when RB bit 58 (0x20) is set. */
function slw(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), n = c.r[fRB(w) * 2];
  const lo = (n & 32) !== 0 ? 0 : c.r[rs * 2] << n;
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = 0;
  if ((w & 1) !== 0) c.setCR0(lo, 0);
}

/** srw[.]: RA = RS low word >>> RB[58:63], zero-extended. */
function srw(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), n = c.r[fRB(w) * 2];
  const lo = (n & 32) !== 0 ? 0 : (c.r[rs * 2] >>> n) | 0;
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = 0;
  if ((w & 1) !== 0) c.setCR0(lo, 0);
}

/**
 * sraw[.]: RA = EXTS(RS low word >> RB[58:63]) (all sign bits for counts 32..63). CA (and CA32,
 * which qemu's helper sets even before ISA 3.0) = negative and one bits shifted out.
 */
function sraw(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), n = c.r[fRB(w) * 2], x = c.r[rs * 2];
  let lo: number, ca: number;
  if ((n & 32) !== 0) {
    lo = x >> 31;
    ca = lo & 1;
  } else {
    lo = x >> n;
    ca = x < 0 && (x & ((1 << (n & 31)) - 1)) !== 0 ? 1 : 0;
  }
  c.r[S.CA] = ca;
  c.r[S.CA32] = ca;
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = lo >> 31;
  if ((w & 1) !== 0) c.setCR0(lo, lo >> 31);
}

/** srawi[.] RA,RS,SH. CA32 is left alone: qemu copies CA into it only for ISA 3.0 CPUs. */
function srawi(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), sh = fRB(w), x = c.r[rs * 2];
  const lo = x >> sh;
  c.r[S.CA] = x < 0 && (x & ((1 << sh) - 1)) !== 0 ? 1 : 0;
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = lo >> 31;
  if ((w & 1) !== 0) c.setCR0(lo, lo >> 31);
}

/** sld[.]: RA = RS << RB[57:63]; 0 when RB bit 57 (0x40) is set. */
function sld(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), n = c.r[fRB(w) * 2] & 127, x = c.r[rs * 2], y = c.r[rs * 2 + 1];
  let lo: number, hi: number;
  if (n >= 64) {
    lo = 0;
    hi = 0;
  } else if (n >= 32) {
    lo = 0;
    hi = x << n;
  } else {
    lo = x << n;
    hi = (y << n) | ((x >>> 1) >>> (31 - n));
  }
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** srd[.]: RA = RS >>> RB[57:63]; 0 when RB bit 57 is set. */
function srd(c: Cpu, w: number): void {
  const rs = fRT(w), ra = fRA(w), n = c.r[fRB(w) * 2] & 127, x = c.r[rs * 2], y = c.r[rs * 2 + 1];
  let lo: number, hi: number;
  if (n >= 64) {
    lo = 0;
    hi = 0;
  } else if (n >= 32) {
    lo = (y >>> n) | 0;
    hi = 0;
  } else {
    lo = (x >>> n) | ((y << 1) << (31 - n));
    hi = (y >>> n) | 0;
  }
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/**
 * RA = RS >> n algebraically (0 <= n <= 64; 64 = all sign bits), with CA = negative and one
 * bits shifted out. Shared by srad (which also sets CA32, as qemu's helper does) and sradi.
 */
function shiftRightAlgebraic(c: Cpu, w: number, n: number): number {
  const rs = fRT(w), ra = fRA(w), x = c.r[rs * 2], y = c.r[rs * 2 + 1];
  let lo: number, hi: number, lost: number;
  if (n >= 64) {
    lo = y >> 31;
    hi = lo;
    lost = x | y;
  } else if (n >= 32) {
    lo = y >> n;
    hi = y >> 31;
    lost = x | (y & ((1 << n) - 1));
  } else {
    lo = (x >>> n) | ((y << 1) << (31 - n));
    hi = y >> n;
    lost = x & ((1 << n) - 1);
  }
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
  return y < 0 && lost !== 0 ? 1 : 0;
}

/** srad[.]: shift count RB[57:63] (64..127 give all sign bits). */
function srad(c: Cpu, w: number): void {
  const n = c.r[fRB(w) * 2] & 127;
  const ca = shiftRightAlgebraic(c, w, n >= 64 ? 64 : n);
  c.r[S.CA] = ca;
  c.r[S.CA32] = ca;
}

/** sradi[.] RA,RS,SH (6-bit SH). CA32 untouched before ISA 3.0 (qemu). */
function sradi(c: Cpu, w: number): void {
  c.r[S.CA] = shiftRightAlgebraic(c, w, fSH6(w));
}

// ---- definitions ----

const x31 = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
const X_XO = 0xfc0007fe;
/** MD-form under primary opcode 30: XO in bits 27:29. */
const md = (xo: number): number => ((30 << 26) | (xo << 2)) >>> 0;
/** MDS-form: XO in bits 27:30. */
const mds = (xo: number): number => ((30 << 26) | (xo << 1)) >>> 0;

export const FIXED_ROTATE_OPS: readonly OpDef[] = [
  { mnemonic: "rlwinm", mask: 0xfc000000, match: (21 << 26) >>> 0, exec: rlwinm, rc: true },
  { mnemonic: "rlwnm", mask: 0xfc000000, match: (23 << 26) >>> 0, exec: rlwnm, rc: true },
  { mnemonic: "rlwimi", mask: 0xfc000000, match: (20 << 26) >>> 0, exec: rlwimi, rc: true },
  { mnemonic: "rldicl", mask: 0xfc00001c, match: md(0), exec: rldicl, rc: true },
  { mnemonic: "rldicr", mask: 0xfc00001c, match: md(1), exec: rldicr, rc: true },
  { mnemonic: "rldic", mask: 0xfc00001c, match: md(2), exec: rldic, rc: true },
  { mnemonic: "rldimi", mask: 0xfc00001c, match: md(3), exec: rldimi, rc: true },
  { mnemonic: "rldcl", mask: 0xfc00001e, match: mds(8), exec: rldcl, rc: true },
  { mnemonic: "rldcr", mask: 0xfc00001e, match: mds(9), exec: rldcr, rc: true },
  { mnemonic: "slw", mask: X_XO, match: x31(24), exec: slw, rc: true },
  { mnemonic: "srw", mask: X_XO, match: x31(536), exec: srw, rc: true },
  { mnemonic: "sraw", mask: X_XO, match: x31(792), exec: sraw, rc: true },
  { mnemonic: "srawi", mask: X_XO, match: x31(824), exec: srawi, rc: true },
  { mnemonic: "sld", mask: X_XO, match: x31(27), exec: sld, rc: true },
  { mnemonic: "srd", mask: X_XO, match: x31(539), exec: srd, rc: true },
  { mnemonic: "srad", mask: X_XO, match: x31(794), exec: srad, rc: true },
  // XS-form: XO (bits 21:29) = 413, sh5 in bit 30.
  { mnemonic: "sradi", mask: 0xfc0007fc, match: ((31 << 26) | (413 << 2)) >>> 0, exec: sradi, rc: true },
];
