// System-level user-mode instructions: sc, traps, SPR moves, time base, synchronisation and
// cache management.

import { type Cpu, Exit } from "../cpu.js";
import { type OpDef, OpFlag } from "../decode.js";
import { S } from "../state.js";

/** sc: system call (LEV must be 0 in problem state). */
function sc(c: Cpu, w: number, pc: number): void {
  c.stop(Exit.Syscall, pc, w);
}

/** XER as a 64-bit value: (lo, hi) with lo holding bits 32:63. */
export function readXer(c: Cpu): number {
  return c.r[S.XER_BC] | (c.r[S.SO] << 31) | (c.r[S.OV] << 30) | (c.r[S.CA] << 29);
}

export function writeXer(c: Cpu, lo: number): void {
  c.r[S.SO] = (lo >>> 31) & 1;
  c.r[S.OV] = (lo >>> 30) & 1;
  c.r[S.CA] = (lo >>> 29) & 1;
  c.r[S.OV32] = (lo >>> 19) & 1;
  c.r[S.CA32] = (lo >>> 18) & 1;
  c.r[S.XER_BC] = lo & ~((1 << 31) | (1 << 30) | (1 << 29) | (1 << 19) | (1 << 18));
}

/** The SPR field of a word with SPR number n (as encoded: halves swapped). */
const sprField = (n: number): number => (((n & 31) << 16) | ((n >>> 5) << 11)) >>> 0;

/** mfspr/mtspr for one SPR: a definition whose mask covers the SPR field. */
function sprOps(n: number, name: string, read: (c: Cpu, rt: number) => void, write: (c: Cpu, lo: number, hi: number) => void): OpDef[] {
  return [
    { mnemonic: "mf" + name, mask: 0xfc1ffffe, match: ((31 << 26) | sprField(n) | (339 << 1)) >>> 0, exec: (c, w) => read(c, (w >>> 21) & 31) },
    {
      mnemonic: "mt" + name, mask: 0xfc1ffffe, match: ((31 << 26) | sprField(n) | (467 << 1)) >>> 0,
      exec: (c, w) => { const rs = (w >>> 21) & 31; write(c, c.r[rs * 2], c.sf ? c.r[rs * 2 + 1] : 0); },
    },
  ];
}

/** An SPR held as a 64-bit pair at state index `at`. */
function pairSpr(n: number, name: string, at: number): OpDef[] {
  return sprOps(
    n, name,
    (c, rt) => { c.r[rt * 2] = c.r[at]; c.r[rt * 2 + 1] = c.r[at + 1]; },
    (c, lo, hi) => { c.r[at] = lo; c.r[at + 1] = hi; },
  );
}

export const SYSTEM_OPS: readonly OpDef[] = [
  ...sprOps(1, "xer",
    (c, rt) => { c.r[rt * 2] = readXer(c); c.r[rt * 2 + 1] = c.r[S.XER_HI]; },
    (c, lo, hi) => { writeXer(c, lo); c.r[S.XER_HI] = hi; }),
  ...pairSpr(8, "lr", S.LR),
  ...pairSpr(9, "ctr", S.CTR),
  { mnemonic: "sc", mask: 0xffffffff, match: 0x44000002, exec: sc, flags: OpFlag.EndsBlock },
];
