// VSX loads and stores.

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag } from "../decode.js";
import { S } from "../state.js";
import { Access } from "../mmu.js";
import { eaAdd, eaX, probeRange } from "./ea.js";

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

const x31 = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;

export const VSX_LOADSTORE_OPS: readonly OpDef[] = [
  { mnemonic: "lxvd2x", mask: 0xfc0007fe, match: x31(844), exec: lxvd2x, flags: OpFlag.Mem },
  { mnemonic: "stxvd2x", mask: 0xfc0007fe, match: x31(972), exec: stxvd2x, flags: OpFlag.Mem },
];
