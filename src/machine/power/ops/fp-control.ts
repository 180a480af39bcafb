// FPSCR instructions: mffs, mtfsf, mtfsfi, mtfsb0, mtfsb1, mcrfs (POWER8 / ISA 2.07; the
// ISA 3.0 mffsce, mffscrn, mffsl, ... are not POWER8 and are left undecoded).
//
// Semantics as qemu 7.2 implements them (see fpu/fpscr.ts for the register model):
//  - Every write goes through fpStore: FEX and VX cannot be written (they are recomputed as
//    summaries), bits 0:28 and 52 stay 0; FX is written like any other bit. Setting an
//    exception bit with mtfsf/mtfsfi/mtfsb1 does NOT set FX (qemu; the ISA says it should).
//  - mtfsb0/mtfsb1 ignore BT = FEX and VX (bits 33, 34); mtfsb1 also ignores NI (bit 61: qemu
//    "pretends" it only does IEEE arithmetic). They change nothing, and do not normalise, when
//    the bit already has the value.
//  - mtfsf: L = 1 writes all 16 nibbles (both words); W = 1 selects the nibbles of bits 0:31
//    (only DRN exists there). mtfsfi: W = 1 selects field BF of bits 0:31.
//  - mcrfs copies FPSCR field BFA to CR field BF and clears the exception bits of that field
//    (FX OX UX ZX XX VX*; not FEX or VX, which are recomputed).
//  - Rc = 1: CR1 := FX FEX VX OX after the update.
//  - qemu-user raises SIGFPE after mtfsf/mtfsfi/mtfsb1 when an enabled exception bit is now set
//    (it runs as if MSR[FE0,FE1] were nonzero); k42ts, like Linux, runs with them 0: no trap.

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRB } from "../decode.js";
import { S } from "../state.js";
import { Fp, fpCR1, fpStore } from "../fpu/fpscr.js";
import { fprLo } from "./fp-loadstore.js";

/** mffs[.] FRT: FRT := FPSCR (both words). */
function mffs(c: Cpu, w: number): void {
  const i = fprLo(fRT(w));
  c.r[i] = c.r[S.FPSCR];
  c.r[i + 1] = c.r[S.FPSCR_HI];
  if ((w & 1) !== 0) fpCR1(c);
}

/** mtfsf[.] FLM, FRB, L, W. */
function mtfsf(c: Cpu, w: number): void {
  let nibbles: number;
  if ((w & 0x02000000) !== 0) nibbles = 0xffff;
  else nibbles = ((w >>> 17) & 0xff) << ((w & 0x10000) !== 0 ? 8 : 0);
  const i = fprLo(fRB(w));
  fpStore(c, c.r[i], c.r[i + 1], nibbles);
  if ((w & 1) !== 0) fpCR1(c);
}

/** mtfsfi[.] BF, U, W. */
function mtfsfi(c: Cpu, w: number): void {
  const sh = 7 - ((w >>> 23) & 7);
  const u = (w >>> 12) & 0xf;
  if ((w & 0x10000) !== 0) fpStore(c, 0, u << (4 * sh), 1 << (sh + 8));
  else fpStore(c, u << (4 * sh), 0, 1 << sh);
  if ((w & 1) !== 0) fpCR1(c);
}

/** mtfsb0[.] BT: clear FPSCR bit 32+BT (FEX and VX excepted). */
function mtfsb0(c: Cpu, w: number): void {
  const m = 1 << (31 - fRT(w));
  if (m !== Fp.FEX && m !== Fp.VX && (c.r[S.FPSCR] & m) !== 0) {
    fpStore(c, c.r[S.FPSCR] & ~m, 0, 0xff);
  }
  if ((w & 1) !== 0) fpCR1(c);
}

/** mtfsb1[.] BT: set FPSCR bit 32+BT (FEX, VX and NI excepted). */
function mtfsb1(c: Cpu, w: number): void {
  const m = 1 << (31 - fRT(w));
  if (m !== Fp.FEX && m !== Fp.VX && m !== Fp.NI && (c.r[S.FPSCR] & m) === 0) {
    fpStore(c, c.r[S.FPSCR] | m, 0, 0xff);
  }
  if ((w & 1) !== 0) fpCR1(c);
}

/** mcrfs BF, BFA. */
function mcrfs(c: Cpu, w: number): void {
  const bf = (w >>> 23) & 7, shift = 4 * (7 - ((w >>> 18) & 7));
  const v = c.r[S.FPSCR];
  c.r[S.CR + bf] = (v >>> shift) & 0xf;
  fpStore(c, v & ~((0xf << shift) & Fp.EXC_CLEAR), 0, 1 << (shift >>> 2));
}

const XO = (xo: number): number => ((63 << 26) | (xo << 1)) >>> 0;

export const FP_CONTROL_OPS: readonly OpDef[] = [
  // RA must be 0 (other values are the ISA 3.0 mffs* forms); RB is ignored.
  { mnemonic: "mffs", mask: 0xfc1f07fe, match: XO(583), exec: mffs, rc: true },
  { mnemonic: "mtfsf", mask: 0xfc0007fe, match: XO(711), exec: mtfsf, rc: true },
  // Reserved bits checked by qemu: 9:10, 12:14 (but not W at 15), 20.
  { mnemonic: "mtfsfi", mask: (0xfc0007fe | 0x006e0800) >>> 0, match: XO(134), exec: mtfsfi, rc: true },
  { mnemonic: "mtfsb0", mask: (0xfc0007fe | 0x001ff800) >>> 0, match: XO(70), exec: mtfsb0, rc: true },
  { mnemonic: "mtfsb1", mask: (0xfc0007fe | 0x001ff800) >>> 0, match: XO(38), exec: mtfsb1, rc: true },
  { mnemonic: "mcrfs", mask: (0xfc0007fe | 0x0063f801) >>> 0, match: XO(64), exec: mcrfs },
];
