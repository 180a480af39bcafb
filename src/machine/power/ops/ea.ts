// Effective-address computation shared by the memory instructions. Each function returns the
// low word of the EA and leaves the high word in `c.eah` (0 in 32-bit mode, where the EA is
// truncated to 32 bits).

import { hex } from "../../pagetable.js";
import type { Cpu } from "../cpu.js";
import { fRA, fRB, fSI, fDS } from "../decode.js";
import { type Access, GuestFault } from "../mmu.js";

/** (RA|0) + 64-bit value (dlo, dhi). */
function eaPlus(c: Cpu, ra: number, dlo: number, dhi: number): number {
  if (ra === 0) {
    c.eah = c.sf ? dhi : 0;
    return dlo;
  }
  const a = c.r[ra * 2];
  const lo = (a + dlo) | 0;
  c.eah = c.sf ? (c.r[ra * 2 + 1] + dhi + ((lo >>> 0) < (a >>> 0) ? 1 : 0)) | 0 : 0;
  return lo;
}

/** D-form: (RA|0) + EXTS(D). */
export function eaD(c: Cpu, w: number): number {
  const d = fSI(w);
  return eaPlus(c, fRA(w), d, d >> 31);
}

/** DS-form: (RA|0) + EXTS(DS||0b00). */
export function eaDS(c: Cpu, w: number): number {
  const d = fDS(w);
  return eaPlus(c, fRA(w), d, d >> 31);
}

/** DQ-form (lq): (RA|0) + EXTS(DQ||0b0000); the low four bits of the word are ignored (as qemu). */
export function eaDQ(c: Cpu, w: number): number {
  const d = ((w << 16) >> 16) & ~15;
  return eaPlus(c, fRA(w), d, d >> 31);
}

/** X-form: (RA|0) + (RB). */
export function eaX(c: Cpu, w: number): number {
  const rb = fRB(w);
  return eaPlus(c, fRA(w), c.r[rb * 2], c.r[rb * 2 + 1]);
}

/** Write an EA back into RA (update forms); call after the access succeeded. */
export function updateRA(c: Cpu, w: number, lo: number, hi: number): void {
  const ra = fRA(w);
  c.r[ra * 2] = lo;
  c.r[ra * 2 + 1] = hi;
}

/** (lo, hi) + k for a small non-negative k, wrapping in the current mode; high word in `c.eah`. */
export function eaAdd(c: Cpu, lo: number, hi: number, k: number): number {
  const nlo = (lo + k) | 0;
  c.eah = c.sf ? (hi + ((nlo >>> 0) < (lo >>> 0) ? 1 : 0)) | 0 : 0;
  return nlo;
}

/**
 * An alignment interrupt (SIGBUS material): a load-and-reserve / store-conditional at an
 * address that is not a multiple of its size, or a load/store multiple or string instruction
 * in little-endian mode. Thrown like a storage fault (the engine reports Exit.Fault with this
 * object in `cpu.fault`, the instruction not executed); tell it apart with `instanceof`.
 */
export class AlignmentFault extends GuestFault {
  constructor(access: Access, eaLo: number, eaHi: number, why: string) {
    super(access, eaLo, eaHi, false);
    this.message = `alignment interrupt (${why}) at ${hex(eaHi, eaLo)}`;
  }
}

/** Throw an AlignmentFault (kept out of line so that handlers stay small). */
export function alignmentFault(c: Cpu, access: Access, lo: number, hi: number, why: string): never {
  throw new AlignmentFault(access, lo, c.sf ? hi : 0, why);
}

/**
 * Translate the first and the last byte of an n-byte access (n <= 4096, so at most two pages)
 * so that a multi-part access faults before any part of it takes effect. Clobbers `c.eah`.
 */
export function probeRange(c: Cpu, lo: number, hi: number, n: number, access: Access): void {
  c.translate(lo, hi, access);
  const last = eaAdd(c, lo, hi, n - 1);
  if (((last ^ lo) & ~0xfff) !== 0 || c.eah !== hi) c.translate(last & ~0xfff, c.eah, access);
}
