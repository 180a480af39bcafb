// FPSCR instructions: mffs, mtfsf, mtfsfi, mtfsb0, mtfsb1, mcrfs.

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRB } from "../decode.js";
import { S } from "../state.js";
import { fprLo } from "./fp-loadstore.js";

function mffs(c: Cpu, w: number): void {
  const i = fprLo(fRT(w));
  c.r[i] = c.r[S.FPSCR];
  c.r[i + 1] = c.r[S.FPSCR_HI];
}

/** mtfsf FLM, FRB (L = 0, W = 0 form only for now). */
function mtfsf(c: Cpu, w: number): void {
  const flm = (w >>> 17) & 0xff;
  let mask = 0;
  for (let k = 0; k < 8; k++) if ((flm & (1 << k)) !== 0) mask |= 0xf << (4 * k);
  const v = c.r[fprLo(fRB(w))];
  c.r[S.FPSCR] = (v & mask) | (c.r[S.FPSCR] & ~mask);
}

export const FP_CONTROL_OPS: readonly OpDef[] = [
  { mnemonic: "mffs", mask: 0xfc1fffff, match: ((63 << 26) | (583 << 1)) >>> 0, exec: mffs },
  { mnemonic: "mtfsf", mask: 0xfe0107ff, match: ((63 << 26) | (711 << 1)) >>> 0, exec: mtfsf },
];
