// Fixed-point arithmetic: add/subtract families, negate, multiply, divide, compares.
//
// Registers are (lo, hi) int32 pairs. In 64-bit mode carries and overflow come from the
// 64-bit result; in 32-bit mode (c.sf false) the whole 64-bit result is still written, but
// CA is the carry into bit 32, OV the overflow of the low word and CR0 looks at the low word.
// XER.OV32/CA32 do not exist on POWER8 (qemu neither computes nor shows them for -cpu power8,
// and mfxer does not read them); they are kept here with their ISA 3.0 meaning all the same
// (carry/overflow of the low word), at the cost of one store.
//
// Where the ISA leaves a result undefined, the result is what qemu (7.2, -cpu power8) produces:
//  - mulhw/mulhwu: the high word of RT is zero.
//  - divw/divwu: the high word of RT is zero; division by zero (and 0x80000000 / -1 for divw)
//    divides by one instead, i.e. RT = the low word of RA.
//  - divd/divdu: division by zero (and INT64_MIN / -1 for divd) gives RT = RA.
//  - divwe/divweu/divde/divdeu: RT = 0 on overflow; divwe sign-extends its quotient, divweu
//    zero-extends it. divde flags overflow only when |RA| >= |RB| (qemu's test), so quotients
//    of magnitude 2^63..2^64-1 are returned truncated to 64 bits without OV.

import type { Cpu } from "../cpu.js";
import { type OpDef, fBF, fRT, fRA, fRB, fSI, fUI } from "../decode.js";
import { S } from "../state.js";

const TWO32 = 4294967296;
const MIN32 = -0x80000000;

// ---- add / subtract ----

/** addi / li: RT = (RA|0) + EXTS(SI). */
function addi(c: Cpu, w: number): void {
  const rt = fRT(w), ra = fRA(w), si = fSI(w);
  if (ra === 0) {
    c.r[rt * 2] = si;
    c.r[rt * 2 + 1] = si >> 31;
    return;
  }
  const a = c.r[ra * 2];
  const lo = (a + si) | 0;
  c.r[rt * 2 + 1] = (c.r[ra * 2 + 1] + (si >> 31) + ((lo >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
  c.r[rt * 2] = lo;
}

/** addis / lis: RT = (RA|0) + EXTS(SI || 0x0000). */
function addis(c: Cpu, w: number): void {
  const rt = fRT(w), ra = fRA(w), si = w << 16;
  if (ra === 0) {
    c.r[rt * 2] = si;
    c.r[rt * 2 + 1] = si >> 31;
    return;
  }
  const a = c.r[ra * 2];
  const lo = (a + si) | 0;
  c.r[rt * 2 + 1] = (c.r[ra * 2 + 1] + (si >> 31) + ((lo >>> 0) < (a >>> 0) ? 1 : 0)) | 0;
  c.r[rt * 2] = lo;
}

/**
 * XER.OV/OV32/SO after RT = A + B (+ carry): overflow when both operands have the same sign
 * and the result the other one (64-bit view in 64-bit mode, low-word view in 32-bit mode).
 */
function addOverflow(c: Cpu, alo: number, ahi: number, blo: number, bhi: number, lo: number, hi: number): void {
  const ov32 = (~(alo ^ blo) & (alo ^ lo)) >>> 31;
  c.setOV(c.sf ? (~(ahi ^ bhi) & (ahi ^ hi)) >>> 31 : ov32, ov32);
}

/**
 * RT = A + B + cin, setting CA (carry out of bit 0 in 64-bit mode, into bit 32 in 32-bit
 * mode), OV when `oe` and CR0 when `rc`. The subtract forms pass ~RA as A.
 */
function addCarrying(
  c: Cpu, rt: number, alo: number, ahi: number, blo: number, bhi: number, cin: number, oe: boolean, rc: boolean,
): void {
  const r = c.r;
  const s0 = (alo >>> 0) + (blo >>> 0) + cin;
  const c32 = s0 > 0xffffffff ? 1 : 0;
  const s1 = (ahi >>> 0) + (bhi >>> 0) + c32;
  const lo = s0 | 0, hi = s1 | 0;
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  r[S.CA] = c.sf ? (s1 > 0xffffffff ? 1 : 0) : c32;
  r[S.CA32] = c32;
  if (oe) addOverflow(c, alo, ahi, blo, bhi, lo, hi);
  if (rc) c.setCR0(lo, hi);
}

/** add[o][.]: RT = RA + RB. */
function add(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  const alo = r[ra * 2], ahi = r[ra * 2 + 1], blo = r[rb * 2], bhi = r[rb * 2 + 1];
  const lo = (alo + blo) | 0;
  const hi = (ahi + bhi + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  if ((w & 0x400) !== 0) addOverflow(c, alo, ahi, blo, bhi, lo, hi);
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** subf[o][.]: RT = RB - RA = ~RA + RB + 1. */
function subf(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  const alo = ~r[ra * 2], ahi = ~r[ra * 2 + 1], blo = r[rb * 2], bhi = r[rb * 2 + 1];
  const s0 = (alo >>> 0) + (blo >>> 0) + 1;
  const lo = s0 | 0;
  const hi = (ahi + bhi + (s0 > 0xffffffff ? 1 : 0)) | 0;
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  if ((w & 0x400) !== 0) addOverflow(c, alo, ahi, blo, bhi, lo, hi);
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** neg[o][.]: RT = -RA. Overflows only for the most negative number of the mode's width. */
function neg(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w);
  const alo = r[ra * 2], ahi = r[ra * 2 + 1];
  const lo = -alo | 0;
  const hi = (~ahi + (alo === 0 ? 1 : 0)) | 0;
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  if ((w & 0x400) !== 0) {
    const ov32 = alo === MIN32 ? 1 : 0;
    c.setOV(c.sf ? (alo === 0 && ahi === MIN32 ? 1 : 0) : ov32, ov32);
  }
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** addc[o][.]: RT = RA + RB, CA. */
function addc(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), rb = fRB(w);
  addCarrying(c, fRT(w), r[ra * 2], r[ra * 2 + 1], r[rb * 2], r[rb * 2 + 1], 0, (w & 0x400) !== 0, (w & 1) !== 0);
}

/** adde[o][.]: RT = RA + RB + CA. */
function adde(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), rb = fRB(w);
  addCarrying(c, fRT(w), r[ra * 2], r[ra * 2 + 1], r[rb * 2], r[rb * 2 + 1], r[S.CA], (w & 0x400) !== 0, (w & 1) !== 0);
}

/** addme[o][.]: RT = RA + CA - 1. */
function addme(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w);
  addCarrying(c, fRT(w), r[ra * 2], r[ra * 2 + 1], -1, -1, r[S.CA], (w & 0x400) !== 0, (w & 1) !== 0);
}

/** addze[o][.]: RT = RA + CA. */
function addze(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w);
  addCarrying(c, fRT(w), r[ra * 2], r[ra * 2 + 1], 0, 0, r[S.CA], (w & 0x400) !== 0, (w & 1) !== 0);
}

/** subfc[o][.]: RT = ~RA + RB + 1, CA. */
function subfc(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), rb = fRB(w);
  addCarrying(c, fRT(w), ~r[ra * 2], ~r[ra * 2 + 1], r[rb * 2], r[rb * 2 + 1], 1, (w & 0x400) !== 0, (w & 1) !== 0);
}

/** subfe[o][.]: RT = ~RA + RB + CA. */
function subfe(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), rb = fRB(w);
  addCarrying(c, fRT(w), ~r[ra * 2], ~r[ra * 2 + 1], r[rb * 2], r[rb * 2 + 1], r[S.CA], (w & 0x400) !== 0, (w & 1) !== 0);
}

/** subfme[o][.]: RT = ~RA + CA - 1. */
function subfme(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w);
  addCarrying(c, fRT(w), ~r[ra * 2], ~r[ra * 2 + 1], -1, -1, r[S.CA], (w & 0x400) !== 0, (w & 1) !== 0);
}

/** subfze[o][.]: RT = ~RA + CA. */
function subfze(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w);
  addCarrying(c, fRT(w), ~r[ra * 2], ~r[ra * 2 + 1], 0, 0, r[S.CA], (w & 0x400) !== 0, (w & 1) !== 0);
}

/** addic: RT = RA + EXTS(SI), CA. */
function addic(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), si = fSI(w);
  addCarrying(c, fRT(w), r[ra * 2], r[ra * 2 + 1], si, si >> 31, 0, false, false);
}

/** addic.: RT = RA + EXTS(SI), CA, CR0. */
function addicDot(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), si = fSI(w);
  addCarrying(c, fRT(w), r[ra * 2], r[ra * 2 + 1], si, si >> 31, 0, false, true);
}

/** subfic: RT = ~RA + EXTS(SI) + 1, CA. */
function subfic(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), si = fSI(w);
  addCarrying(c, fRT(w), ~r[ra * 2], ~r[ra * 2 + 1], si, si >> 31, 1, false, false);
}

// ---- multiply ----

/** High 32 bits of the unsigned product of two 32-bit words (as int32). */
function mulhu32(a: number, b: number): number {
  // The double product is within 2^11 of the exact one, and the exact one minus its low word
  // is a multiple of 2^32: rounding recovers the high word exactly.
  return Math.round(((a >>> 0) * (b >>> 0) - (Math.imul(a, b) >>> 0)) / TWO32) | 0;
}

/** High 32 bits of the signed product of two 32-bit words. */
function mulhs32(a: number, b: number): number {
  return Math.round(((a | 0) * (b | 0) - (Math.imul(a, b) >>> 0)) / TWO32) | 0;
}

/** mulli: RT = low 64 bits of RA * EXTS(SI). */
function mulli(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), si = fSI(w);
  const alo = r[ra * 2], ahi = r[ra * 2 + 1];
  r[rt * 2 + 1] = (mulhu32(alo, si) + Math.imul(alo, si >> 31) + Math.imul(ahi, si)) | 0;
  r[rt * 2] = Math.imul(alo, si);
}

/** mullw[o][.]: RT = the 64-bit product of the low words of RA and RB, signed. */
function mullw(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), a = r[fRA(w) * 2], b = r[fRB(w) * 2];
  const lo = Math.imul(a, b), hi = mulhs32(a, b);
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  if ((w & 0x400) !== 0) {
    const ov = hi !== lo >> 31 ? 1 : 0;
    c.setOV(ov, ov);
  }
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** mulhw[.]: RT = high word of the signed product of the low words (high word of RT: 0). */
function mulhw(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w);
  const v = mulhs32(r[fRA(w) * 2], r[fRB(w) * 2]);
  r[rt * 2] = v;
  r[rt * 2 + 1] = 0;
  if ((w & 1) !== 0) c.setCR0(v, 0);
}

/** mulhwu[.]: RT = high word of the unsigned product of the low words (high word of RT: 0). */
function mulhwu(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w);
  const v = mulhu32(r[fRA(w) * 2], r[fRB(w) * 2]);
  r[rt * 2] = v;
  r[rt * 2 + 1] = 0;
  if ((w & 1) !== 0) c.setCR0(v, 0);
}

/** mulld[o][.]: RT = low 64 bits of RA * RB. */
function mulld(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  const alo = r[ra * 2], ahi = r[ra * 2 + 1], blo = r[rb * 2], bhi = r[rb * 2 + 1];
  const lo = Math.imul(alo, blo);
  const hi = (mulhu32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
  if ((w & 0x400) !== 0) mulldOverflow(c, alo, ahi, blo, bhi, hi);
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** High 64 bits of a 128-bit product (mulh64), written to mhLo/mhHi. */
let mhLo = 0;
let mhHi = 0;

/** The unsigned 128-bit product's high doubleword into mhLo/mhHi. */
function mulhu64(alo: number, ahi: number, blo: number, bhi: number): void {
  const p1 = (Math.imul(alo, bhi) >>> 0) + (Math.imul(ahi, blo) >>> 0) + (mulhu32(alo, blo) >>> 0);
  const c1 = Math.floor(p1 / TWO32);
  const p2 = (mulhu32(alo, bhi) >>> 0) + (mulhu32(ahi, blo) >>> 0) + (Math.imul(ahi, bhi) >>> 0) + c1;
  mhLo = p2 | 0;
  mhHi = (mulhu32(ahi, bhi) + Math.floor(p2 / TWO32)) | 0;
}

/** The signed 128-bit product's high doubleword into mhLo/mhHi. */
function mulhs64(alo: number, ahi: number, blo: number, bhi: number): void {
  mulhu64(alo, ahi, blo, bhi);
  // hs = hu - (a < 0 ? b : 0) - (b < 0 ? a : 0), modulo 2^64
  let lo = mhLo, hi = mhHi;
  if (ahi < 0) {
    const n = (lo - blo) | 0;
    hi = (hi - bhi - ((lo >>> 0) < (blo >>> 0) ? 1 : 0)) | 0;
    lo = n;
  }
  if (bhi < 0) {
    const n = (lo - alo) | 0;
    hi = (hi - ahi - ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
    lo = n;
  }
  mhLo = lo;
  mhHi = hi;
}

/** mulldo: OV when the signed 128-bit product does not fit in 64 bits. */
function mulldOverflow(c: Cpu, alo: number, ahi: number, blo: number, bhi: number, hi: number): void {
  mulhs64(alo, ahi, blo, bhi);
  const s = hi >> 31;
  const ov = mhLo !== s || mhHi !== s ? 1 : 0;
  c.setOV(ov, ov);
}

/** mulhdu[.]: RT = high 64 bits of the unsigned product RA * RB. */
function mulhdu(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  mulhu64(r[ra * 2], r[ra * 2 + 1], r[rb * 2], r[rb * 2 + 1]);
  r[rt * 2] = mhLo;
  r[rt * 2 + 1] = mhHi;
  if ((w & 1) !== 0) c.setCR0(mhLo, mhHi);
}

/** mulhd[.]: RT = high 64 bits of the signed product RA * RB. */
function mulhd(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  mulhs64(r[ra * 2], r[ra * 2 + 1], r[rb * 2], r[rb * 2 + 1]);
  r[rt * 2] = mhLo;
  r[rt * 2 + 1] = mhHi;
  if ((w & 1) !== 0) c.setCR0(mhLo, mhHi);
}

// ---- divide ----

/** Set OV, OV32 (and SO) from a divide's overflow, when the word has OE. */
function divOverflow(c: Cpu, w: number, ov: number): void {
  if ((w & 0x400) !== 0) c.setOV(ov, ov);
}

/** divw[o][.]: RT = low(RA) / low(RB), signed; high word of RT 0. */
function divw(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), a = r[fRA(w) * 2], b = r[fRB(w) * 2];
  let q = a, ov = 1;
  if (b !== 0 && (b !== -1 || a !== MIN32)) {
    q = (a / b) | 0;
    ov = 0;
  }
  r[rt * 2] = q;
  r[rt * 2 + 1] = 0;
  divOverflow(c, w, ov);
  if ((w & 1) !== 0) c.setCR0(q, 0);
}

/** divwu[o][.]: RT = low(RA) / low(RB), unsigned; high word of RT 0. */
function divwu(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), a = r[fRA(w) * 2], b = r[fRB(w) * 2];
  let q = a, ov = 1;
  if (b !== 0) {
    q = ((a >>> 0) / (b >>> 0)) | 0;
    ov = 0;
  }
  r[rt * 2] = q;
  r[rt * 2 + 1] = 0;
  divOverflow(c, w, ov);
  if ((w & 1) !== 0) c.setCR0(q, 0);
}

/** Quotient of udiv64/udiv128 (lo, hi). */
let qLo = 0;
let qHi = 0;

/** Unsigned 64-bit division N / D (D != 0) into qLo/qHi, without BigInt. */
function udiv64(nlo: number, nhi: number, dlo: number, dhi: number): void {
  const NL = nlo >>> 0, NH = nhi >>> 0, DL = dlo >>> 0, DH = dhi >>> 0;
  if (DH === 0) {
    // Divisor below 2^32: schoolbook division, a 32-bit digit then two 16-bit digits (every
    // partial dividend stays below 2^48, so the double divisions are exact).
    const q2 = Math.floor(NH / DL);
    let t = (NH - q2 * DL) * 65536 + (NL >>> 16);
    const q1 = Math.floor(t / DL);
    t = (t - q1 * DL) * 65536 + (NL & 0xffff);
    const q0 = Math.floor(t / DL);
    qLo = (q1 * 65536 + q0) | 0;
    qHi = q2 | 0;
    return;
  }
  if (DH >= 0x80000000) {
    // Divisor of 2^63 or more: the quotient is 0 or 1.
    qLo = NH > DH || (NH === DH && NL >= DL) ? 1 : 0;
    qHi = 0;
    return;
  }
  // Divisor in [2^32, 2^63): the quotient is below 2^32 and the double estimate is within one
  // of it. Start one below (never above the quotient), then correct upwards with the exact
  // remainder (which never wraps: 0 <= rem <= N).
  let q = Math.floor((NH * TWO32 + NL) / (DH * TWO32 + DL));
  if (q > 0) q -= 1;
  const plo = Math.imul(q, DL) >>> 0;
  const phi = (mulhu32(q, DL) + Math.imul(q, DH)) >>> 0;
  let rlo = NL - plo, rhi = NH - phi;
  if (rlo < 0) {
    rlo += TWO32;
    rhi -= 1;
  }
  while (rhi > DH || (rhi === DH && rlo >= DL)) {
    rlo -= DL;
    rhi -= DH;
    if (rlo < 0) {
      rlo += TWO32;
      rhi -= 1;
    }
    q += 1;
  }
  qLo = q | 0;
  qHi = 0;
}

/** divd[o][.] beyond 32-bit operands: signed 64-bit division into qLo/qHi; returns OV. */
function divdSlow(alo: number, ahi: number, blo: number, bhi: number): number {
  if ((blo | bhi) === 0 || (blo === -1 && bhi === -1 && alo === 0 && ahi === MIN32)) {
    qLo = alo;
    qHi = ahi;
    return 1;
  }
  const na = ahi < 0, nb = bhi < 0;
  if (na) {
    ahi = (~ahi + (alo === 0 ? 1 : 0)) | 0;
    alo = -alo | 0;
  }
  if (nb) {
    bhi = (~bhi + (blo === 0 ? 1 : 0)) | 0;
    blo = -blo | 0;
  }
  udiv64(alo, ahi, blo, bhi);
  if (na !== nb) {
    qHi = (~qHi + (qLo === 0 ? 1 : 0)) | 0;
    qLo = -qLo | 0;
  }
  return 0;
}

/** divd[o][.]: RT = RA / RB, signed 64-bit. */
function divd(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  const alo = r[ra * 2], ahi = r[ra * 2 + 1], blo = r[rb * 2], bhi = r[rb * 2 + 1];
  let lo: number, hi: number, ov = 0;
  if (ahi === alo >> 31 && bhi === blo >> 31 && blo !== 0) {
    // Both operands are sign-extended words: the quotient fits a double exactly.
    const q = Math.trunc(alo / blo);
    lo = q | 0;
    hi = q < 0 ? -1 : 0;
  } else {
    ov = divdSlow(alo, ahi, blo, bhi);
    lo = qLo;
    hi = qHi;
  }
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  divOverflow(c, w, ov);
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** divdu[o][.]: RT = RA / RB, unsigned 64-bit. */
function divdu(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  const alo = r[ra * 2], ahi = r[ra * 2 + 1], blo = r[rb * 2], bhi = r[rb * 2 + 1];
  let lo = alo, hi = ahi, ov = 1;
  if ((ahi | bhi) === 0 && blo !== 0) {
    lo = ((alo >>> 0) / (blo >>> 0)) | 0;
    hi = 0;
    ov = 0;
  } else if ((blo | bhi) !== 0) {
    udiv64(alo, ahi, blo, bhi);
    lo = qLo;
    hi = qHi;
    ov = 0;
  }
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  divOverflow(c, w, ov);
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** floor(A * 2^32 / B) for 0 <= A < B < 2^32 (two exact 16-bit digit steps). */
function udiv32e(a: number, b: number): number {
  let t = a * 65536;
  const q1 = Math.floor(t / b);
  t = (t - q1 * b) * 65536;
  return q1 * 65536 + Math.floor(t / b);
}

/** divweu[o][.]: RT = (low(RA) || 0x00000000) / low(RB), unsigned; 0 on overflow. */
function divweu(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), a = r[fRA(w) * 2] >>> 0, b = r[fRB(w) * 2] >>> 0;
  let q = 0, ov = 1;
  if (a < b) {
    q = udiv32e(a, b) | 0;
    ov = 0;
  }
  r[rt * 2] = q;
  r[rt * 2 + 1] = 0;
  divOverflow(c, w, ov);
  if ((w & 1) !== 0) c.setCR0(q, 0);
}

/** divwe[o][.]: RT = (low(RA) || 0x00000000) / low(RB), signed, sign-extended; 0 on overflow. */
function divwe(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), a = r[fRA(w) * 2], b = r[fRB(w) * 2];
  const ua = Math.abs(a), ub = Math.abs(b);
  let q = 0, ov = 1;
  if (ua < ub) {
    const m = udiv32e(ua, ub);
    const s = (a ^ b) < 0 ? -m : m;
    if (s >= MIN32 && s <= 0x7fffffff) {
      q = s;
      ov = 0;
    }
  }
  r[rt * 2] = q;
  r[rt * 2 + 1] = q >> 31;
  divOverflow(c, w, ov);
  if ((w & 1) !== 0) c.setCR0(q, q >> 31);
}

/** floor((A || 0) / B) for A < B (unsigned 64-bit) into qLo/qHi: restoring division. */
function udiv128e(alo: number, ahi: number, blo: number, bhi: number): void {
  let rlo = alo, rhi = ahi, q0 = 0, q1 = 0;
  const BL = blo >>> 0, BH = bhi >>> 0;
  for (let i = 0; i < 64; i++) {
    const top = rhi >>> 31;
    rhi = (rhi << 1) | (rlo >>> 31);
    rlo <<= 1;
    q1 = (q1 << 1) | (q0 >>> 31);
    q0 <<= 1;
    const RH = rhi >>> 0;
    if (top !== 0 || RH > BH || (RH === BH && (rlo >>> 0) >= BL)) {
      const n = (rlo - blo) | 0;
      rhi = (rhi - bhi - ((rlo >>> 0) < BL ? 1 : 0)) | 0;
      rlo = n;
      q0 |= 1;
    }
  }
  qLo = q0;
  qHi = q1;
}

/** divdeu[o][.]: RT = (RA || 0^64) / RB, unsigned; 0 on overflow (RA >= RB). */
function divdeu(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  const alo = r[ra * 2], ahi = r[ra * 2 + 1], blo = r[rb * 2], bhi = r[rb * 2 + 1];
  let lo = 0, hi = 0, ov = 1;
  const AH = ahi >>> 0, BH = bhi >>> 0;
  if (AH < BH || (AH === BH && (alo >>> 0) < (blo >>> 0))) {
    udiv128e(alo, ahi, blo, bhi);
    lo = qLo;
    hi = qHi;
    ov = 0;
  }
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  divOverflow(c, w, ov);
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/**
 * divde[o][.]: RT = (RA || 0^64) / RB, signed; 0 with OV when RB = 0 or |RA| >= |RB|. As in
 * qemu, a quotient of magnitude 2^63 or more that passes that test is truncated, without OV.
 */
function divde(c: Cpu, w: number): void {
  const r = c.r, rt = fRT(w), ra = fRA(w), rb = fRB(w);
  let alo = r[ra * 2], ahi = r[ra * 2 + 1], blo = r[rb * 2], bhi = r[rb * 2 + 1];
  const neg = (ahi ^ bhi) < 0;
  if (ahi < 0) {
    ahi = (~ahi + (alo === 0 ? 1 : 0)) | 0;
    alo = -alo | 0;
  }
  if (bhi < 0) {
    bhi = (~bhi + (blo === 0 ? 1 : 0)) | 0;
    blo = -blo | 0;
  }
  let lo = 0, hi = 0, ov = 1;
  const AH = ahi >>> 0, BH = bhi >>> 0;
  if (AH < BH || (AH === BH && (alo >>> 0) < (blo >>> 0))) {
    udiv128e(alo, ahi, blo, bhi);
    lo = qLo;
    hi = qHi;
    if (neg) {
      hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
      lo = -lo | 0;
    }
    ov = 0;
  }
  r[rt * 2] = lo;
  r[rt * 2 + 1] = hi;
  divOverflow(c, w, ov);
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

// ---- compare ----

/** cmp (cmpw / cmpd): signed compare of RA with RB into CR field BF. */
function cmp(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), rb = fRB(w);
  const a = r[ra * 2], b = r[rb * 2];
  let v: number;
  if ((w & 0x200000) !== 0) {
    const ah = r[ra * 2 + 1], bh = r[rb * 2 + 1];
    v = ah < bh ? 8 : ah > bh ? 4 : (a >>> 0) < (b >>> 0) ? 8 : (a >>> 0) > (b >>> 0) ? 4 : 2;
  } else {
    v = a < b ? 8 : a > b ? 4 : 2;
  }
  r[S.CR + fBF(w)] = v | r[S.SO];
}

/** cmpl (cmplw / cmpld): unsigned compare of RA with RB into CR field BF. */
function cmpl(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), rb = fRB(w);
  const a = r[ra * 2] >>> 0, b = r[rb * 2] >>> 0;
  let v: number;
  if ((w & 0x200000) !== 0) {
    const ah = r[ra * 2 + 1] >>> 0, bh = r[rb * 2 + 1] >>> 0;
    v = ah < bh ? 8 : ah > bh ? 4 : a < b ? 8 : a > b ? 4 : 2;
  } else {
    v = a < b ? 8 : a > b ? 4 : 2;
  }
  r[S.CR + fBF(w)] = v | r[S.SO];
}

/** cmpi (cmpwi / cmpdi): signed compare of RA with EXTS(SI) into CR field BF. */
function cmpi(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), si = fSI(w);
  const lo = r[ra * 2];
  let v: number;
  if ((w & 0x200000) !== 0) {
    const hi = r[ra * 2 + 1], shi = si >> 31;
    v = hi < shi ? 8 : hi > shi ? 4 : (lo >>> 0) < (si >>> 0) ? 8 : (lo >>> 0) > (si >>> 0) ? 4 : 2;
  } else {
    v = lo < si ? 8 : lo > si ? 4 : 2;
  }
  r[S.CR + fBF(w)] = v | r[S.SO];
}

/** cmpli (cmplwi / cmpldi): unsigned compare of RA with UI into CR field BF. */
function cmpli(c: Cpu, w: number): void {
  const r = c.r, ra = fRA(w), ui = fUI(w);
  const lo = r[ra * 2] >>> 0;
  let v: number;
  if ((w & 0x200000) !== 0 && r[ra * 2 + 1] !== 0) v = 4;
  else v = lo < ui ? 8 : lo > ui ? 4 : 2;
  r[S.CR + fBF(w)] = v | r[S.SO];
}

// ---- definitions ----

/** Primary opcode 31 with a 9-bit extended opcode (XO-form; OE and Rc read from the word). */
const xo = (x: number): number => ((31 << 26) | (x << 1)) >>> 0;
/** XO-form mask (OE and Rc free). */
const XO_MASK = 0xfc0003fe;
/** XO-form mask for the forms without OE (the OE bit must be 0). */
const XO_NOOE_MASK = 0xfc0007fe;
/** XO-form mask for the one-operand forms (RB must be 0). */
const XO_NORB_MASK = 0xfc00fbfe;
/** X-form compares: the reserved bit 9 and bit 31 are ignored, as qemu does. */
const X_CMP_MASK = 0xfc0007fe;

const cmpName = (base: string, imm: string) => (w: number): string =>
  base + ((w & 0x200000) !== 0 ? "d" : "w") + imm;

export const FIXED_ARITH_OPS: readonly OpDef[] = [
  { mnemonic: "addi", mask: 0xfc000000, match: 14 << 26, exec: addi },
  { mnemonic: "addis", mask: 0xfc000000, match: 15 << 26, exec: addis },
  { mnemonic: "addic", mask: 0xfc000000, match: 12 << 26, exec: addic },
  { mnemonic: "addic.", mask: 0xfc000000, match: 13 << 26, exec: addicDot },
  { mnemonic: "subfic", mask: 0xfc000000, match: 8 << 26, exec: subfic },
  { mnemonic: "mulli", mask: 0xfc000000, match: 7 << 26, exec: mulli },

  { mnemonic: "add", mask: XO_MASK, match: xo(266), exec: add, oe: true, rc: true },
  { mnemonic: "addc", mask: XO_MASK, match: xo(10), exec: addc, oe: true, rc: true },
  { mnemonic: "adde", mask: XO_MASK, match: xo(138), exec: adde, oe: true, rc: true },
  { mnemonic: "addme", mask: XO_NORB_MASK, match: xo(234), exec: addme, oe: true, rc: true },
  { mnemonic: "addze", mask: XO_NORB_MASK, match: xo(202), exec: addze, oe: true, rc: true },
  { mnemonic: "subf", mask: XO_MASK, match: xo(40), exec: subf, oe: true, rc: true },
  { mnemonic: "subfc", mask: XO_MASK, match: xo(8), exec: subfc, oe: true, rc: true },
  { mnemonic: "subfe", mask: XO_MASK, match: xo(136), exec: subfe, oe: true, rc: true },
  { mnemonic: "subfme", mask: XO_NORB_MASK, match: xo(232), exec: subfme, oe: true, rc: true },
  { mnemonic: "subfze", mask: XO_NORB_MASK, match: xo(200), exec: subfze, oe: true, rc: true },
  { mnemonic: "neg", mask: XO_NORB_MASK, match: xo(104), exec: neg, oe: true, rc: true },

  { mnemonic: "mullw", mask: XO_MASK, match: xo(235), exec: mullw, oe: true, rc: true },
  { mnemonic: "mulhw", mask: XO_NOOE_MASK, match: xo(75), exec: mulhw, rc: true },
  { mnemonic: "mulhwu", mask: XO_NOOE_MASK, match: xo(11), exec: mulhwu, rc: true },
  { mnemonic: "mulld", mask: XO_MASK, match: xo(233), exec: mulld, oe: true, rc: true },
  { mnemonic: "mulhd", mask: XO_NOOE_MASK, match: xo(73), exec: mulhd, rc: true },
  { mnemonic: "mulhdu", mask: XO_NOOE_MASK, match: xo(9), exec: mulhdu, rc: true },

  { mnemonic: "divw", mask: XO_MASK, match: xo(491), exec: divw, oe: true, rc: true },
  { mnemonic: "divwu", mask: XO_MASK, match: xo(459), exec: divwu, oe: true, rc: true },
  { mnemonic: "divd", mask: XO_MASK, match: xo(489), exec: divd, oe: true, rc: true },
  { mnemonic: "divdu", mask: XO_MASK, match: xo(457), exec: divdu, oe: true, rc: true },
  { mnemonic: "divwe", mask: XO_MASK, match: xo(427), exec: divwe, oe: true, rc: true },
  { mnemonic: "divweu", mask: XO_MASK, match: xo(395), exec: divweu, oe: true, rc: true },
  { mnemonic: "divde", mask: XO_MASK, match: xo(425), exec: divde, oe: true, rc: true },
  { mnemonic: "divdeu", mask: XO_MASK, match: xo(393), exec: divdeu, oe: true, rc: true },

  {
    mnemonic: "cmp", mask: X_CMP_MASK, match: (31 << 26) | (0 << 1), exec: cmp,
    name: cmpName("cmp", ""), variants: ["cmpw", "cmpd"],
  },
  {
    mnemonic: "cmpl", mask: X_CMP_MASK, match: (31 << 26) | (32 << 1), exec: cmpl,
    name: cmpName("cmpl", ""), variants: ["cmplw", "cmpld"],
  },
  {
    mnemonic: "cmpi", mask: 0xfc000000, match: 11 << 26, exec: cmpi,
    name: cmpName("cmp", "i"), variants: ["cmpwi", "cmpdi"],
  },
  {
    mnemonic: "cmpli", mask: 0xfc000000, match: 10 << 26, exec: cmpli,
    name: cmpName("cmpl", "i"), variants: ["cmplwi", "cmpldi"],
  },
];
