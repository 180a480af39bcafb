// Branches and condition-register instructions.

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag } from "../decode.js";
import { S } from "../state.js";

/** b / ba / bl / bla. */
function b(c: Cpu, w: number, pc: number): void {
  const li = (w << 6) >> 6 & ~3;
  let lo: number, hi: number;
  if ((w & 2) !== 0) {
    lo = li;
    hi = li >> 31;
  } else {
    const pchi = c.r[S.PC + 1];
    lo = (pc + li) | 0;
    hi = (pchi + (li >> 31) + ((lo >>> 0) < (pc >>> 0) ? 1 : 0)) | 0;
  }
  if ((w & 1) !== 0) setLink(c, pc);
  c.setPc(lo, hi);
}

/**
 * The BO/BI condition of bc/bclr/bcctr: decrements CTR when BO[2] is 0 and returns whether the
 * branch is taken. In 32-bit mode the CTR test looks at its low 32 bits only.
 */
export function branchCond(c: Cpu, w: number, decrementCtr: boolean): boolean {
  const bo = (w >>> 21) & 31, bi = (w >>> 16) & 31;
  let ok = true;
  if (decrementCtr && (bo & 4) === 0) {
    const lo = c.r[S.CTR];
    const nlo = (lo - 1) | 0;
    c.r[S.CTR] = nlo;
    if (lo === 0) c.r[S.CTR + 1] = (c.r[S.CTR + 1] - 1) | 0;
    const zero = c.sf ? nlo === 0 && c.r[S.CTR + 1] === 0 : nlo === 0;
    ok = zero === ((bo & 2) !== 0);
  }
  if ((bo & 16) === 0) {
    const bit = (c.r[S.CR + (bi >>> 2)] >>> (3 - (bi & 3))) & 1;
    ok = ok && bit === ((bo >>> 3) & 1);
  }
  return ok;
}

function setLink(c: Cpu, pc: number): void {
  c.r[S.LR] = (pc + 4) | 0;
  c.r[S.LR + 1] = c.sf ? c.r[S.PC + 1] : 0;
}

/** bc / bca / bcl / bcla. */
function bc(c: Cpu, w: number, pc: number): void {
  const taken = branchCond(c, w, true);
  if ((w & 1) !== 0) setLink(c, pc);
  if (!taken) return;
  const bd = ((w << 16) >> 16) & ~3;
  if ((w & 2) !== 0) {
    c.setPc(bd, bd >> 31);
  } else {
    const lo = (pc + bd) | 0;
    c.setPc(lo, (c.r[S.PC + 1] + (bd >> 31) + ((lo >>> 0) < (pc >>> 0) ? 1 : 0)) | 0);
  }
}

export const BRANCH_OPS: readonly OpDef[] = [
  {
    mnemonic: "b", mask: 0xfc000000, match: 18 << 26, exec: b, flags: OpFlag.EndsBlock,
    name: (w) => "b" + ((w & 1) !== 0 ? "l" : "") + ((w & 2) !== 0 ? "a" : ""),
    variants: ["b", "bl", "ba", "bla"],
  },
  {
    mnemonic: "bc", mask: 0xfc000000, match: 16 << 26, exec: bc, flags: OpFlag.EndsBlock,
    name: (w) => "bc" + ((w & 1) !== 0 ? "l" : "") + ((w & 2) !== 0 ? "a" : ""),
    variants: ["bc", "bcl", "bca", "bcla"],
  },
];
