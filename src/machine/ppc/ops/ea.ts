// Effective-address computation shared by the memory instructions. Each function returns the
// low word of the EA and leaves the high word in `c.eah` (0 in 32-bit mode, where the EA is
// truncated to 32 bits).

import type { Cpu } from "../cpu.js";
import { fRA, fRB, fSI, fDS } from "../decode.js";

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
