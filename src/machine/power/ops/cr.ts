// Condition-register instructions: the CR logical operations (crand cror crxor crnand crnor
// creqv crandc crorc; the extended mnemonics crset/crclr/crmove/crnot are forms of these),
// mcrf, mfcr, mfocrf, mtcrf, mtocrf and mcrxr.
//
// The CR is kept as eight words, one 4-bit field each (state.ts); CR bit n is bit 3 - (n & 3)
// of field n >> 2.

import type { Cpu } from "../cpu.js";
import { type OpDef, fBF, fRT, fRA, fRB } from "../decode.js";
import { S } from "../state.js";

/** CR bit n (0..31) as 0/1. */
function crBit(c: Cpu, n: number): number {
  return (c.r[S.CR + (n >>> 2)] >>> (3 - (n & 3))) & 1;
}

/** Set CR bit n to the low bit of v. */
function setCrBit(c: Cpu, n: number, v: number): void {
  const i = S.CR + (n >>> 2), m = 8 >>> (n & 3);
  c.r[i] = (v & 1) !== 0 ? c.r[i] | m : c.r[i] & ~m;
}

// XL-form CR logical: BT = fRT, BA = fRA, BB = fRB.
function crand(c: Cpu, w: number): void {
  setCrBit(c, fRT(w), crBit(c, fRA(w)) & crBit(c, fRB(w)));
}
function cror(c: Cpu, w: number): void {
  setCrBit(c, fRT(w), crBit(c, fRA(w)) | crBit(c, fRB(w)));
}
function crxor(c: Cpu, w: number): void {
  setCrBit(c, fRT(w), crBit(c, fRA(w)) ^ crBit(c, fRB(w)));
}
function crnand(c: Cpu, w: number): void {
  setCrBit(c, fRT(w), ~(crBit(c, fRA(w)) & crBit(c, fRB(w))));
}
function crnor(c: Cpu, w: number): void {
  setCrBit(c, fRT(w), ~(crBit(c, fRA(w)) | crBit(c, fRB(w))));
}
function creqv(c: Cpu, w: number): void {
  setCrBit(c, fRT(w), ~(crBit(c, fRA(w)) ^ crBit(c, fRB(w))));
}
function crandc(c: Cpu, w: number): void {
  setCrBit(c, fRT(w), crBit(c, fRA(w)) & ~crBit(c, fRB(w)));
}
function crorc(c: Cpu, w: number): void {
  setCrBit(c, fRT(w), crBit(c, fRA(w)) | ~crBit(c, fRB(w)));
}

/** mcrf BF, BFA. */
function mcrf(c: Cpu, w: number): void {
  c.r[S.CR + fBF(w)] = c.r[S.CR + ((w >>> 18) & 7)];
}

/** The CR as a 32-bit value (mfcr; the kernel's signal frames). */
export function crValue(c: Cpu): number {
  const r = c.r;
  return (r[S.CR] << 28) | (r[S.CR + 1] << 24) | (r[S.CR + 2] << 20) | (r[S.CR + 3] << 16) |
    (r[S.CR + 4] << 12) | (r[S.CR + 5] << 8) | (r[S.CR + 6] << 4) | r[S.CR + 7];
}

/** Set the whole CR from a 32-bit value (mtcrf 0xff; sigreturn). */
export function writeCr(c: Cpu, v: number): void {
  for (let i = 0; i < 8; i++) c.r[S.CR + i] = (v >>> (28 - 4 * i)) & 15;
}

/** mfcr RT: RT = 32 zeros || CR (the FXM field is ignored, as by qemu). */
function mfcr(c: Cpu, w: number): void {
  const rt = fRT(w);
  c.r[rt * 2] = crValue(c);
  c.r[rt * 2 + 1] = 0;
}

/**
 * mfocrf RT, FXM: with exactly one FXM bit set, RT = that field in its place, other bits 0.
 * With none or several set the ISA leaves RT undefined; qemu leaves it unchanged, as we do.
 */
function mfocrf(c: Cpu, w: number): void {
  const fxm = (w >>> 12) & 0xff;
  if (fxm === 0 || (fxm & (fxm - 1)) !== 0) return;
  const i = Math.clz32(fxm) - 24, rt = fRT(w);
  c.r[rt * 2] = c.r[S.CR + i] << (28 - 4 * i);
  c.r[rt * 2 + 1] = 0;
}

/** mtcrf FXM, RS: the fields selected by FXM from RS bits 32:63. */
function mtcrf(c: Cpu, w: number): void {
  const r = c.r, v = r[fRT(w) * 2];
  if ((w & 0x80000) !== 0) r[S.CR] = v >>> 28;
  if ((w & 0x40000) !== 0) r[S.CR + 1] = (v >>> 24) & 15;
  if ((w & 0x20000) !== 0) r[S.CR + 2] = (v >>> 20) & 15;
  if ((w & 0x10000) !== 0) r[S.CR + 3] = (v >>> 16) & 15;
  if ((w & 0x8000) !== 0) r[S.CR + 4] = (v >>> 12) & 15;
  if ((w & 0x4000) !== 0) r[S.CR + 5] = (v >>> 8) & 15;
  if ((w & 0x2000) !== 0) r[S.CR + 6] = (v >>> 4) & 15;
  if ((w & 0x1000) !== 0) r[S.CR + 7] = v & 15;
}

/**
 * mtocrf FXM, RS: one field. With none or several FXM bits set the ISA leaves the CR
 * undefined; qemu leaves it unchanged, as we do.
 */
function mtocrf(c: Cpu, w: number): void {
  const fxm = (w >>> 12) & 0xff;
  if (fxm === 0 || (fxm & (fxm - 1)) !== 0) return;
  const i = Math.clz32(fxm) - 24;
  c.r[S.CR + i] = (c.r[fRT(w) * 2] >>> (28 - 4 * i)) & 15;
}

/**
 * mcrxr BF: CR field BF = SO || OV || CA || 0, then SO = OV = CA = 0. Not in ISA 2.07's
 * server category any more, but qemu -cpu power8 accepts it (and leaves OV32/CA32 alone).
 */
function mcrxr(c: Cpu, w: number): void {
  const r = c.r;
  r[S.CR + fBF(w)] = (r[S.SO] << 3) | (r[S.OV] << 2) | (r[S.CA] << 1);
  r[S.SO] = 0;
  r[S.OV] = 0;
  r[S.CA] = 0;
}

const x31 = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;
const x19 = (xo: number): number => ((19 << 26) | (xo << 1)) >>> 0;

// Reserved bits are not checked where qemu does not check them (the CR logical operations,
// mcrf, and the FXM field of mfcr); Rc = 1 forms are invalid.
export const CR_OPS: readonly OpDef[] = [
  { mnemonic: "crand", mask: 0xfc0007ff, match: x19(257), exec: crand },
  { mnemonic: "cror", mask: 0xfc0007ff, match: x19(449), exec: cror },
  { mnemonic: "crxor", mask: 0xfc0007ff, match: x19(193), exec: crxor },
  { mnemonic: "crnand", mask: 0xfc0007ff, match: x19(225), exec: crnand },
  { mnemonic: "crnor", mask: 0xfc0007ff, match: x19(33), exec: crnor },
  { mnemonic: "creqv", mask: 0xfc0007ff, match: x19(289), exec: creqv },
  { mnemonic: "crandc", mask: 0xfc0007ff, match: x19(129), exec: crandc },
  { mnemonic: "crorc", mask: 0xfc0007ff, match: x19(417), exec: crorc },
  { mnemonic: "mcrf", mask: 0xfc0007ff, match: x19(0), exec: mcrf },
  { mnemonic: "mfcr", mask: 0xfc100fff, match: x31(19), exec: mfcr },
  { mnemonic: "mfocrf", mask: 0xfc100fff, match: x31(19) | 0x00100000, exec: mfocrf },
  { mnemonic: "mtcrf", mask: 0xfc100fff, match: x31(144), exec: mtcrf },
  { mnemonic: "mtocrf", mask: 0xfc100fff, match: x31(144) | 0x00100000, exec: mtocrf },
  { mnemonic: "mcrxr", mask: 0xfc7fffff, match: x31(512), exec: mcrxr },
];
