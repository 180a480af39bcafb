// Trap instructions: tw, twi, td, tdi.
//
// TO (word bits 21:25): 16 = signed <, 8 = signed >, 4 = equal, 2 = unsigned <, 1 = unsigned >.
// The trap fires when any selected comparison of RA with RB (or with EXTS(SI)) holds; it then
// stops the processor with Exit.Trap at its own address (Linux: SIGTRAP). tw/twi compare the
// low 32 bits, td/tdi all 64 bits (in either mode). TO = 0 never traps, TO = 31 ("trap")
// always does.

import { type Cpu, Exit } from "../cpu.js";
import { type OpDef, OpFlag, fRA, fRB, fSI } from "../decode.js";
import { S } from "../state.js";

/** The TO condition for 32-bit operands. */
function cond32(w: number, a: number, b: number): boolean {
  return ((w & 0x2000000) !== 0 && a < b) ||
    ((w & 0x1000000) !== 0 && a > b) ||
    ((w & 0x800000) !== 0 && a === b) ||
    ((w & 0x400000) !== 0 && (a >>> 0) < (b >>> 0)) ||
    ((w & 0x200000) !== 0 && (a >>> 0) > (b >>> 0));
}

/** The TO condition for 64-bit operands (as lo/hi int32 pairs). */
function cond64(w: number, alo: number, ahi: number, blo: number, bhi: number): boolean {
  const lt = (alo >>> 0) < (blo >>> 0), gt = (alo >>> 0) > (blo >>> 0);
  return ((w & 0x2000000) !== 0 && (ahi < bhi || (ahi === bhi && lt))) ||
    ((w & 0x1000000) !== 0 && (ahi > bhi || (ahi === bhi && gt))) ||
    ((w & 0x800000) !== 0 && ahi === bhi && alo === blo) ||
    ((w & 0x400000) !== 0 && ((ahi >>> 0) < (bhi >>> 0) || (ahi === bhi && lt))) ||
    ((w & 0x200000) !== 0 && ((ahi >>> 0) > (bhi >>> 0) || (ahi === bhi && gt)));
}

/** The trap fires: exit at the trap's own address. */
function fire(c: Cpu, w: number, pc: number): void {
  c.stop(Exit.Trap, pc, w);
  // The PC holds pc + 4, whose high word is one more when pc is the last word below 4 GiB.
  if (pc === -4 && c.sf) c.exitPcHi = (c.r[S.PC + 1] - 1) | 0;
}

function tw(c: Cpu, w: number, pc: number): void {
  const ra = fRA(w), rb = fRB(w);
  if (cond32(w, c.r[ra * 2], c.r[rb * 2])) fire(c, w, pc);
}

function twi(c: Cpu, w: number, pc: number): void {
  if (cond32(w, c.r[fRA(w) * 2], fSI(w))) fire(c, w, pc);
}

function td(c: Cpu, w: number, pc: number): void {
  const ra = fRA(w), rb = fRB(w);
  if (cond64(w, c.r[ra * 2], c.r[ra * 2 + 1], c.r[rb * 2], c.r[rb * 2 + 1])) fire(c, w, pc);
}

function tdi(c: Cpu, w: number, pc: number): void {
  const ra = fRA(w), si = fSI(w);
  if (cond64(w, c.r[ra * 2], c.r[ra * 2 + 1], si, si >> 31)) fire(c, w, pc);
}

export const TRAP_OPS: readonly OpDef[] = [
  { mnemonic: "tw", mask: 0xfc0007ff, match: ((31 << 26) | (4 << 1)) >>> 0, exec: tw, flags: OpFlag.EndsBlock },
  { mnemonic: "twi", mask: 0xfc000000, match: (3 << 26) >>> 0, exec: twi, flags: OpFlag.EndsBlock },
  { mnemonic: "td", mask: 0xfc0007ff, match: ((31 << 26) | (68 << 1)) >>> 0, exec: td, flags: OpFlag.EndsBlock },
  { mnemonic: "tdi", mask: 0xfc000000, match: (2 << 26) >>> 0, exec: tdi, flags: OpFlag.EndsBlock },
];
