// Branches: b, bc, bclr, bcctr, bctar, each with its AA (absolute) and LK (link) forms.
//
// BO field (word bits 21:25; "BO[n]" in ISA numbering, bit 0 the most significant):
//   BO[0] = 16: ignore the CR bit          BO[1] = 8: the value the CR bit must have
//   BO[2] = 4:  do not decrement CTR       BO[3] = 2: branch on CTR = 0 (else CTR != 0)
//   BO[4] = 1 and the "at" bits: prediction hints, ignored.
// In 32-bit mode the CTR test looks at the low 32 bits and targets/LR are 32-bit (setPc clears
// the high word; the PC's high word is 0 in that mode, so LR gets a zero high word as well).

import type { Cpu } from "../cpu.js";
import { type OpDef, OpFlag } from "../decode.js";
import { S } from "../state.js";

// Word bits of the BO field.
const BO_NOCR = 0x02000000; // BO[0]
const BO_NOCTR = 0x00800000; // BO[2]
const BO_CTRZ = 0x00400000; // BO[3]

/**
 * High word of the address of the instruction at `pc`. The PC already holds pc + 4, whose high
 * word is one more when pc is the last word below a 4 GiB boundary (64-bit mode only; in
 * 32-bit mode the high word is dropped by setPc anyway).
 */
function pcHi(c: Cpu, pc: number): number {
  const h = c.r[S.PC + 1];
  return pc === -4 ? (h - 1) | 0 : h;
}

/** Branch to pc + off (off a sign-extended displacement). */
function branchRel(c: Cpu, pc: number, off: number): void {
  const lo = (pc + off) | 0;
  c.setPc(lo, (pcHi(c, pc) + (off >> 31) + ((lo >>> 0) < (pc >>> 0) ? 1 : 0)) | 0);
}

/** LR = address of the next instruction (= the fall-through PC already in the state). */
function setLink(c: Cpu): void {
  c.r[S.LR] = c.r[S.PC];
  c.r[S.LR + 1] = c.r[S.PC + 1];
}

/** The CR bit named by BI equals BO[1] (word bit 24). */
function crOk(c: Cpu, w: number): boolean {
  const bi = (w >>> 16) & 31;
  return ((c.r[S.CR + (bi >>> 2)] >>> (3 - (bi & 3))) & 1) === ((w >>> 24) & 1);
}

/** CTR = CTR - 1 (64-bit); true when the CTR condition of BO holds for the new value. */
function ctrOk(c: Cpu, w: number): boolean {
  const lo = c.r[S.CTR];
  const nlo = (lo - 1) | 0;
  c.r[S.CTR] = nlo;
  if (lo === 0) c.r[S.CTR + 1] = (c.r[S.CTR + 1] - 1) | 0;
  const zero = nlo === 0 && (!c.sf || c.r[S.CTR + 1] === 0);
  return zero === ((w & BO_CTRZ) !== 0);
}

/**
 * The BO/BI condition of bc/bclr/bctar: decrements CTR when BO[2] is 0 (whatever the outcome)
 * and returns whether the branch is taken.
 */
export function branchCond(c: Cpu, w: number): boolean {
  if ((w & BO_NOCTR) === 0 && !ctrOk(c, w)) return false;
  return (w & BO_NOCR) !== 0 || crOk(c, w);
}

/** b / ba / bl / bla. */
function b(c: Cpu, w: number, pc: number): void {
  const li = ((w << 6) >> 6) & ~3;
  if ((w & 1) !== 0) setLink(c);
  if ((w & 2) !== 0) c.setPc(li, li >> 31);
  else branchRel(c, pc, li);
}

/** bc / bca / bcl / bcla. */
function bc(c: Cpu, w: number, pc: number): void {
  const taken = branchCond(c, w);
  if ((w & 1) !== 0) setLink(c);
  if (!taken) return;
  const bd = ((w << 16) >> 16) & ~3;
  if ((w & 2) !== 0) c.setPc(bd, bd >> 31);
  else branchRel(c, pc, bd);
}

/** bclr / bclrl: the target is the LR before the link update. */
function bclr(c: Cpu, w: number): void {
  const lo = c.r[S.LR] & ~3, hi = c.r[S.LR + 1];
  const taken = branchCond(c, w);
  if ((w & 1) !== 0) setLink(c);
  if (taken) c.setPc(lo, hi);
}

/** bctar / bctarl (ISA 2.07). */
function bctar(c: Cpu, w: number): void {
  const lo = c.r[S.TAR] & ~3, hi = c.r[S.TAR + 1];
  const taken = branchCond(c, w);
  if ((w & 1) !== 0) setLink(c);
  if (taken) c.setPc(lo, hi);
}

/** bcctr / bcctrl. */
function bcctr(c: Cpu, w: number): void {
  if ((w & BO_NOCTR) === 0) {
    bcctrDecrement(c, w);
    return;
  }
  const lo = c.r[S.CTR] & ~3, hi = c.r[S.CTR + 1];
  if ((w & 1) !== 0) setLink(c);
  if ((w & BO_NOCR) !== 0 || crOk(c, w)) c.setPc(lo, hi);
}

/**
 * bcctr with BO[2] = 0, an invalid form in the ISA. qemu (-cpu power8, like the POWER8 user
 * manual's "test and decrement") tests the CTR *before* decrementing it, decrements it only
 * when that test passes, and branches to the old CTR if the CR test passes as well. We do the
 * same in both modes (qemu -cpu 7400, a pre-2.x processor, raises an illegal instruction).
 */
function bcctrDecrement(c: Cpu, w: number): void {
  const lo = c.r[S.CTR], hi = c.r[S.CTR + 1];
  if ((w & 1) !== 0) setLink(c);
  const zero = lo === 0 && (!c.sf || hi === 0);
  if (zero !== ((w & BO_CTRZ) !== 0)) return;
  c.r[S.CTR] = (lo - 1) | 0;
  if (lo === 0) c.r[S.CTR + 1] = (hi - 1) | 0;
  if ((w & BO_NOCR) === 0 && !crOk(c, w)) return;
  c.setPc(lo & ~3, hi);
}

const xl = (xo: number): number => ((19 << 26) | (xo << 1)) >>> 0;
const lk = (base: string) => (w: number): string => ((w & 1) !== 0 ? base + "l" : base);

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
  // BH (bits 19:20) and the reserved bits 16:18 are ignored, as qemu does (it checks the
  // reserved bits of bctar only).
  { mnemonic: "bclr", mask: 0xfc0007fe, match: xl(16), exec: bclr, flags: OpFlag.EndsBlock, name: lk("bclr"), variants: ["bclr", "bclrl"] },
  { mnemonic: "bcctr", mask: 0xfc0007fe, match: xl(528), exec: bcctr, flags: OpFlag.EndsBlock, name: lk("bcctr"), variants: ["bcctr", "bcctrl"] },
  { mnemonic: "bctar", mask: 0xfc00e7fe, match: xl(560), exec: bctar, flags: OpFlag.EndsBlock, name: lk("bctar"), variants: ["bctar", "bctarl"] },
];
