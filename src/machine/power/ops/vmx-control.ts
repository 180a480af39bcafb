// VSCR moves: mfvscr, mtvscr.

import type { Cpu } from "../cpu.js";
import type { OpDef } from "../decode.js";
import { S } from "../state.js";
import { vsrDw } from "./vsx-loadstore.js";

/** mfvscr VRT: VSCR in word 3, zeros elsewhere. */
function mfvscr(c: Cpu, w: number): void {
  const t = 32 + ((w >>> 21) & 31);
  c.r[vsrDw(t, 0)] = 0; c.r[vsrDw(t, 0) + 1] = 0;
  c.r[vsrDw(t, 1)] = c.r[S.VSCR]; c.r[vsrDw(t, 1) + 1] = 0;
}

/** mtvscr VRB: VSCR := word 3 of VRB (all 32 bits are kept, as qemu does). */
function mtvscr(c: Cpu, w: number): void {
  c.r[S.VSCR] = c.r[vsrDw(32 + ((w >>> 11) & 31), 1)];
}

export const VMX_CONTROL_OPS: readonly OpDef[] = [
  { mnemonic: "mfvscr", mask: 0xfc1fffff, match: ((4 << 26) | 1540) >>> 0, exec: mfvscr },
  { mnemonic: "mtvscr", mask: 0xffff07ff, match: ((4 << 26) | 1604) >>> 0, exec: mtvscr },
];
