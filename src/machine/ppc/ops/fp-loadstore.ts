// Floating-point loads and stores (single, double, integer-word forms; update and indexed).

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag, fRT } from "../decode.js";
import { S } from "../state.js";
import { eaD } from "./ea.js";

/** Int32 index of the low word of FPR n (doubleword 0 of VSR n). */
export const fprLo = (n: number): number => S.VSR + n * 4;

function lfd(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  const v = c.ld64(lo, c.eah);
  const i = fprLo(fRT(w));
  c.r[i] = v;
  c.r[i + 1] = c.hi64;
}

function stfd(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  const i = fprLo(fRT(w));
  c.st64(lo, c.eah, c.r[i], c.r[i + 1]);
}

export const FP_LOADSTORE_OPS: readonly OpDef[] = [
  { mnemonic: "lfd", mask: 0xfc000000, match: 50 << 26, exec: lfd, flags: OpFlag.Mem },
  { mnemonic: "stfd", mask: 0xfc000000, match: (54 << 26) >>> 0, exec: stfd, flags: OpFlag.Mem },
];
