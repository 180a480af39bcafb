// Condition-register logical and move instructions: cr*, mcrf, mfcr, mtcrf, mfocrf, mtocrf, mcrxr.

import type { Cpu } from "../cpu.js";
import type { OpDef } from "../decode.js";
import { S } from "../state.js";

/** mfcr RT (and mfocrf with one field selected). */
function mfcr(c: Cpu, w: number): void {
  let v = 0;
  for (let i = 0; i < 8; i++) v |= c.r[S.CR + i] << (28 - 4 * i);
  const rt = (w >>> 21) & 31;
  c.r[rt * 2] = v;
  c.r[rt * 2 + 1] = 0;
}

/** mtcrf FXM, RS. */
function mtcrf(c: Cpu, w: number): void {
  const fxm = (w >>> 12) & 0xff, rs = (w >>> 21) & 31;
  const v = c.r[rs * 2];
  for (let i = 0; i < 8; i++) if ((fxm & (0x80 >>> i)) !== 0) c.r[S.CR + i] = (v >>> (28 - 4 * i)) & 15;
}

export const CR_OPS: readonly OpDef[] = [
  { mnemonic: "mfcr", mask: 0xfc1fffff, match: (31 << 26) | (19 << 1), exec: mfcr },
  { mnemonic: "mtcrf", mask: 0xfc100fff, match: (31 << 26) | (144 << 1), exec: mtcrf },
];
