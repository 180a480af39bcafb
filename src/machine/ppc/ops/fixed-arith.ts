// Fixed-point arithmetic: add/subtract families, negate, multiply, divide, compares.

import type { Cpu } from "../cpu.js";
import { type OpDef, fBF, fRT, fRA, fRB, fSI } from "../decode.js";
import { S } from "../state.js";

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

/** add[o][.]: RT = RA + RB. */
function add(c: Cpu, w: number): void {
  const rt = fRT(w), ra = fRA(w), rb = fRB(w);
  const alo = c.r[ra * 2], ahi = c.r[ra * 2 + 1], blo = c.r[rb * 2], bhi = c.r[rb * 2 + 1];
  const lo = (alo + blo) | 0;
  const hi = (ahi + bhi + ((lo >>> 0) < (alo >>> 0) ? 1 : 0)) | 0;
  if ((w & 0x400) !== 0) {
    // Overflow: operands of equal sign, result of the other sign (64-bit and 32-bit views).
    const ov = ((~(ahi ^ bhi) & (ahi ^ hi)) >>> 31);
    const ov32 = ((~(alo ^ blo) & (alo ^ lo)) >>> 31);
    c.setOV(c.sf ? ov : ov32, ov32);
  }
  c.r[rt * 2] = lo;
  c.r[rt * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** subf[o][.]: RT = RB - RA = ~RA + RB + 1. */
function subf(c: Cpu, w: number): void {
  const rt = fRT(w), ra = fRA(w), rb = fRB(w);
  const alo = ~c.r[ra * 2], ahi = ~c.r[ra * 2 + 1], blo = c.r[rb * 2], bhi = c.r[rb * 2 + 1];
  const s1 = (alo >>> 0) + (blo >>> 0) + 1;
  const lo = s1 | 0;
  const hi = (ahi + bhi + (s1 > 0xffffffff ? 1 : 0)) | 0;
  if ((w & 0x400) !== 0) {
    const ov = ((~(ahi ^ bhi) & (ahi ^ hi)) >>> 31);
    const ov32 = ((~(alo ^ blo) & (alo ^ lo)) >>> 31);
    c.setOV(c.sf ? ov : ov32, ov32);
  }
  c.r[rt * 2] = lo;
  c.r[rt * 2 + 1] = hi;
  if ((w & 1) !== 0) c.setCR0(lo, hi);
}

/** cmpi (cmpwi / cmpdi): signed compare of RA with EXTS(SI) into CR field BF. */
function cmpi(c: Cpu, w: number): void {
  const bf = fBF(w), ra = fRA(w), si = fSI(w);
  const lo = c.r[ra * 2];
  let v: number;
  if ((w & 0x200000) !== 0) {
    const hi = c.r[ra * 2 + 1], shi = si >> 31;
    v = hi < shi ? 8 : hi > shi ? 4 : (lo >>> 0) < (si >>> 0) ? 8 : (lo >>> 0) > (si >>> 0) ? 4 : 2;
  } else {
    v = lo < si ? 8 : lo > si ? 4 : 2;
  }
  c.r[S.CR + bf] = v | c.r[S.SO];
}

export const FIXED_ARITH_OPS: readonly OpDef[] = [
  { mnemonic: "addi", mask: 0xfc000000, match: 14 << 26, exec: addi },
  { mnemonic: "addis", mask: 0xfc000000, match: 15 << 26, exec: addis },
  {
    mnemonic: "cmpi", mask: 0xfc400000, match: 11 << 26, exec: cmpi,
    name: (w) => ((w & 0x200000) !== 0 ? "cmpdi" : "cmpwi"), variants: ["cmpwi", "cmpdi"],
  },
  { mnemonic: "subf", mask: 0xfc0003fe, match: (31 << 26) | (40 << 1), exec: subf, oe: true, rc: true },
  { mnemonic: "add", mask: 0xfc0003fe, match: (31 << 26) | (266 << 1), exec: add, oe: true, rc: true },
];
