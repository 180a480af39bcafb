// FPSCR instructions: mffs, mtfsf, mtfsfi, mtfsb0, mtfsb1, mcrfs (POWER8 / ISA 2.07), and the
// ISA 3.0 forms of mffs executed as a POWER8 executes them.
//
// The ISA 3.0 forms mffsce, mffscdrn, mffscdrni, mffscrn, mffscrni and mffsl are mffs words
// with a nonzero RA field (1, 20, 21, 22, 23, 24; binutils' XMMF encodings). Bits 11:20 of mffs
// are reserved in ISA 2.07 and a POWER8 ignores them: these words execute as plain mffs there
// (FRT := FPSCR; FPSCR, and so RN, unchanged; no enable bits cleared). glibc relies on this:
// libm's sin, cos, tan and atan2 (Debian 12, glibc 2.36, static) execute mffscrn/mffscrni to
// save and set the rounding mode without checking AT_HWCAP2 for ARCH_3_00. k42ts decodes the six forms, under their own
// mnemonics, to the mffs handler. Here k42ts departs from qemu 7.2, whose power8 model decodes
// them as illegal instructions (fixed upstream in 2023 by falling back to mffs). Their
// differential oracle is therefore qemu -cpu power9 running libm in the default FPSCR (RN =
// nearest, no enables), where the ISA 3.0 semantics change nothing (src/linux/libm.test.ts);
// mffs-forms.test.ts checks the POWER8 semantics directly. Other nonzero RA values stay
// illegal, as in qemu 7.2 (upstream qemu now runs every RA as mffs on pre-3.0 processors).
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
//  - mtfsf/mtfsfi/mtfsb1 that leave an enabled exception bit set (FEX) interrupt after the
//    write when the thread's MSR[FE0,FE1] are nonzero (fpu/trap.ts; qemu-user always runs as
//    if they were); with them 0, as Linux starts a process, nothing traps.

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRB } from "../decode.js";
import { S } from "../state.js";
import { Fp, fpCR1, fpStore } from "../fpu/fpscr.js";
import { fprLo } from "./fp-loadstore.js";

/** mffs[.] FRT: FRT := FPSCR (both words). Also the ISA 3.0 forms, as on POWER8 (see above). */
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

/** The ISA 3.0 mffs forms and their RA field (bits 11:15). */
const MFFS_ISA30: readonly (readonly [string, number])[] = [
  ["mffsce", 1], ["mffscdrn", 20], ["mffscdrni", 21], ["mffscrn", 22], ["mffscrni", 23], ["mffsl", 24],
];

export const FP_CONTROL_OPS: readonly OpDef[] = [
  // RA must be 0 (other values are the ISA 3.0 mffs* forms); RB is ignored.
  { mnemonic: "mffs", mask: 0xfc1f07fe, match: XO(583), exec: mffs, rc: true },
  // The ISA 3.0 forms, executed as mffs (a POWER8 ignores RA, RB and their immediates). Their
  // bit 31 is reserved: when set, the word acts as mffs. (CR1 set), as upstream qemu's fallback.
  ...MFFS_ISA30.map(([mnemonic, ra]): OpDef => ({ mnemonic, mask: 0xfc1f07fe, match: (XO(583) | (ra << 16)) >>> 0, exec: mffs })),
  { mnemonic: "mtfsf", mask: 0xfc0007fe, match: XO(711), exec: mtfsf, rc: true },
  // Reserved bits checked by qemu: 9:10, 12:14 (but not W at 15), 20.
  { mnemonic: "mtfsfi", mask: (0xfc0007fe | 0x006e0800) >>> 0, match: XO(134), exec: mtfsfi, rc: true },
  { mnemonic: "mtfsb0", mask: (0xfc0007fe | 0x001ff800) >>> 0, match: XO(70), exec: mtfsb0, rc: true },
  { mnemonic: "mtfsb1", mask: (0xfc0007fe | 0x001ff800) >>> 0, match: XO(38), exec: mtfsb1, rc: true },
  { mnemonic: "mcrfs", mask: (0xfc0007fe | 0x0063f801) >>> 0, match: XO(64), exec: mcrfs },
];
