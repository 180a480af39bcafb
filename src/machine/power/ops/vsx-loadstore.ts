// VSX loads and stores.
//
// Element order follows the ISA in both byte orders: each doubleword (lxvd2x, lxsdx, lxvdsx)
// or word (lxvw4x, the scalar word forms) is one access in the guest byte order, element 0 at
// the lowest address. The scalar loads write doubleword 0 and leave doubleword 1 unchanged
// (the ISA leaves it undefined; qemu keeps it). lxsspx/stxsspx convert with DOUBLE()/SINGLE()
// exactly as lfs/stfs. Stores of more than one access probe the whole range first.

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag } from "../decode.js";
import { S } from "../state.js";
import { Access } from "../mmu.js";
import { eaAdd, eaX, probeRange } from "./ea.js";
import { fprToSingle, singleToFpr } from "./fp-loadstore.js";

/** Int32 index of the low word of doubleword `dw` (0 = bits 0:63) of VSR n; the high word follows. */
export const vsrDw = (n: number, dw: number): number => S.VSR + n * 4 + dw * 2;

/** The 6-bit VSR number of an XX1-form word: TX (bit 31) || T. */
export const fXT = (w: number): number => ((w & 1) << 5) | ((w >>> 21) & 31);

/** lxvd2x XT, RA, RB: doubleword 0 from EA, doubleword 1 from EA + 8 (each in the byte order). */
function lxvd2x(c: Cpu, w: number): void {
  const ea = eaX(c, w), eh = c.eah;
  const l0 = c.ld64(ea, eh), h0 = c.hi64;
  const ea1 = eaAdd(c, ea, eh, 8);
  const l1 = c.ld64(ea1, c.eah), h1 = c.hi64;
  const t = fXT(w);
  c.r[vsrDw(t, 0)] = l0; c.r[vsrDw(t, 0) + 1] = h0;
  c.r[vsrDw(t, 1)] = l1; c.r[vsrDw(t, 1) + 1] = h1;
}

/** stxvd2x XS, RA, RB. */
function stxvd2x(c: Cpu, w: number): void {
  const ea = eaX(c, w), eh = c.eah, s = fXT(w);
  // Probe both doublewords before writing either, so a fault leaves memory unchanged.
  probeRange(c, ea, eh, 16, Access.Write);
  const ea1 = eaAdd(c, ea, eh, 8), eh1 = c.eah;
  c.st64(ea, eh, c.r[vsrDw(s, 0)], c.r[vsrDw(s, 0) + 1]);
  c.st64(ea1, eh1, c.r[vsrDw(s, 1)], c.r[vsrDw(s, 1) + 1]);
}

/** lxvw4x XT, RA, RB: word elements 0..3 from EA, EA + 4, EA + 8, EA + 12. */
function lxvw4x(c: Cpu, w: number): void {
  const ea = eaX(c, w), eh = c.eah;
  let l0 = c.ld64(ea, eh), h0 = c.hi64;
  const ea1 = eaAdd(c, ea, eh, 8);
  let l1 = c.ld64(ea1, c.eah), h1 = c.hi64;
  if (c.le) {
    // A little-endian doubleword load puts the word at the lower address in the low half.
    const x = l0; l0 = h0; h0 = x;
    const y = l1; l1 = h1; h1 = y;
  }
  const t = fXT(w);
  c.r[vsrDw(t, 0)] = l0; c.r[vsrDw(t, 0) + 1] = h0;
  c.r[vsrDw(t, 1)] = l1; c.r[vsrDw(t, 1) + 1] = h1;
}

/** stxvw4x XS, RA, RB. */
function stxvw4x(c: Cpu, w: number): void {
  const ea = eaX(c, w), eh = c.eah, s = fXT(w);
  probeRange(c, ea, eh, 16, Access.Write);
  const ea1 = eaAdd(c, ea, eh, 8), eh1 = c.eah;
  const i0 = vsrDw(s, 0), i1 = vsrDw(s, 1);
  if (c.le) {
    c.st64(ea, eh, c.r[i0 + 1], c.r[i0]);
    c.st64(ea1, eh1, c.r[i1 + 1], c.r[i1]);
  } else {
    c.st64(ea, eh, c.r[i0], c.r[i0 + 1]);
    c.st64(ea1, eh1, c.r[i1], c.r[i1 + 1]);
  }
}

/** lxvdsx XT, RA, RB: the doubleword at EA in both doublewords. */
function lxvdsx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const lo = c.ld64(ea, c.eah), hi = c.hi64;
  const i = vsrDw(fXT(w), 0);
  c.r[i] = lo; c.r[i + 1] = hi; c.r[i + 2] = lo; c.r[i + 3] = hi;
}

/** lxsdx XT, RA, RB: doubleword 0 from EA. */
function lxsdx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const lo = c.ld64(ea, c.eah);
  const i = vsrDw(fXT(w), 0);
  c.r[i] = lo; c.r[i + 1] = c.hi64;
}

/** stxsdx XS, RA, RB: doubleword 0 to EA. */
function stxsdx(c: Cpu, w: number): void {
  const ea = eaX(c, w), i = vsrDw(fXT(w), 0);
  c.st64(ea, c.eah, c.r[i], c.r[i + 1]);
}

/** lxsiwax XT, RA, RB: doubleword 0 = EXTS(word at EA). */
function lxsiwax(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const v = c.ld32(ea, c.eah);
  const i = vsrDw(fXT(w), 0);
  c.r[i] = v; c.r[i + 1] = v >> 31;
}

/** lxsiwzx XT, RA, RB: doubleword 0 = EXTZ(word at EA). */
function lxsiwzx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  const v = c.ld32(ea, c.eah);
  const i = vsrDw(fXT(w), 0);
  c.r[i] = v; c.r[i + 1] = 0;
}

/** stxsiwx XS, RA, RB: word 1 of doubleword 0 (bits 32:63) to EA. */
function stxsiwx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  c.st32(ea, c.eah, c.r[vsrDw(fXT(w), 0)]);
}

/** lxsspx XT, RA, RB: doubleword 0 = DOUBLE(single at EA). */
function lxsspx(c: Cpu, w: number): void {
  const ea = eaX(c, w);
  singleToFpr(c, fXT(w), c.ld32(ea, c.eah));
}

/** stxsspx XS, RA, RB: SINGLE(doubleword 0) to EA. */
function stxsspx(c: Cpu, w: number): void {
  const ea = eaX(c, w), i = vsrDw(fXT(w), 0);
  c.st32(ea, c.eah, fprToSingle(c.r[i], c.r[i + 1]));
}

const x31 = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;

export const VSX_LOADSTORE_OPS: readonly OpDef[] = [
  { mnemonic: "lxvd2x", mask: 0xfc0007fe, match: x31(844), exec: lxvd2x, flags: OpFlag.Mem },
  { mnemonic: "stxvd2x", mask: 0xfc0007fe, match: x31(972), exec: stxvd2x, flags: OpFlag.Mem },
  { mnemonic: "lxvw4x", mask: 0xfc0007fe, match: x31(780), exec: lxvw4x, flags: OpFlag.Mem },
  { mnemonic: "stxvw4x", mask: 0xfc0007fe, match: x31(908), exec: stxvw4x, flags: OpFlag.Mem },
  { mnemonic: "lxvdsx", mask: 0xfc0007fe, match: x31(332), exec: lxvdsx, flags: OpFlag.Mem },
  { mnemonic: "lxsdx", mask: 0xfc0007fe, match: x31(588), exec: lxsdx, flags: OpFlag.Mem },
  { mnemonic: "stxsdx", mask: 0xfc0007fe, match: x31(716), exec: stxsdx, flags: OpFlag.Mem },
  { mnemonic: "lxsiwax", mask: 0xfc0007fe, match: x31(76), exec: lxsiwax, flags: OpFlag.Mem },
  { mnemonic: "lxsiwzx", mask: 0xfc0007fe, match: x31(12), exec: lxsiwzx, flags: OpFlag.Mem },
  { mnemonic: "stxsiwx", mask: 0xfc0007fe, match: x31(140), exec: stxsiwx, flags: OpFlag.Mem },
  { mnemonic: "lxsspx", mask: 0xfc0007fe, match: x31(524), exec: lxsspx, flags: OpFlag.Mem },
  { mnemonic: "stxsspx", mask: 0xfc0007fe, match: x31(652), exec: stxsspx, flags: OpFlag.Mem },
];
