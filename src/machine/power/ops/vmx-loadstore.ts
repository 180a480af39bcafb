// VMX (Altivec) loads and stores.

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag, fRT } from "../decode.js";
import { Access } from "../mmu.js";
import { eaX, probeRange } from "./ea.js";
import { vsrDw } from "./vsx-loadstore.js";

/** lvx VRT, RA, RB: the aligned quadword; in little-endian mode its doublewords swap places. */
export function lvx(c: Cpu, w: number): void {
  const ea = eaX(c, w) & ~15, eh = c.eah;
  const l0 = c.ld64(ea, eh), h0 = c.hi64;
  const l1 = c.ld64(ea + 8, eh), h1 = c.hi64;
  const t = 32 + fRT(w);
  const first = c.le ? 1 : 0;
  c.r[vsrDw(t, first)] = l0; c.r[vsrDw(t, first) + 1] = h0;
  c.r[vsrDw(t, 1 - first)] = l1; c.r[vsrDw(t, 1 - first) + 1] = h1;
}

/** stvx VRS, RA, RB. */
export function stvx(c: Cpu, w: number): void {
  const ea = eaX(c, w) & ~15, eh = c.eah;
  const s = 32 + fRT(w);
  const first = c.le ? 1 : 0;
  probeRange(c, ea, eh, 16, Access.Write);
  c.st64(ea, eh, c.r[vsrDw(s, first)], c.r[vsrDw(s, first) + 1]);
  c.st64(ea + 8, eh, c.r[vsrDw(s, 1 - first)], c.r[vsrDw(s, 1 - first) + 1]);
}

const x31 = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;

export const VMX_LOADSTORE_OPS: readonly OpDef[] = [
  { mnemonic: "lvx", mask: 0xfc0007ff, match: x31(103), exec: lvx, flags: OpFlag.Mem },
  { mnemonic: "stvx", mask: 0xfc0007ff, match: x31(231), exec: stvx, flags: OpFlag.Mem },
];
