// System-level user-mode instructions: sc and the SPR moves of problem state (mfspr, mtspr,
// mftb).
//
// Problem-state SPRs implemented: XER (1), DSCR (3, the problem-state number), LR (8), CTR (9),
// VRSAVE (256), TB (268, read only), TBU (269, read only), TAR (815), PPR (896), PPR32 (898)
// and the reserved no-op SPRs 808-811 of ISA 2.07. Every other SPR number stops the processor:
// with a privileged exit when the number has the 0x10 bit set (privileged SPRs, as the ISA
// says, including DSCR's privileged number 17, which Linux would emulate for the process, and
// TBL/TBU 284/285), else with an illegal-instruction exit. Linux delivers SIGILL for both, as
// qemu-user does.
//
// mtspr ignores its Rc bit; mfspr and mftb with Rc = 1 are illegal (as in qemu). mftb with a
// TBR other than 268/269 is an invalid form; qemu (like POWER processors since POWER4, which
// implement mftb as mfspr) reads that SPR, and so do we.

import { type Cpu, Exit } from "../cpu.js";
import { type Handler, type OpDef, OpFlag, fRT } from "../decode.js";
import { S } from "../state.js";

/** sc: system call (LEV must be 0 in problem state). */
function sc(c: Cpu, w: number, pc: number): void {
  c.stop(Exit.Syscall, pc, w);
}

/** XER bits 32:63 (qemu -cpu power8, not ISA 3.0: OV32/CA32 do not show). */
export function readXer(c: Cpu): number {
  return c.r[S.XER_BC] | (c.r[S.SO] << 31) | (c.r[S.OV] << 30) | (c.r[S.CA] << 29);
}

export function writeXer(c: Cpu, lo: number): void {
  c.r[S.SO] = (lo >>> 31) & 1;
  c.r[S.OV] = (lo >>> 30) & 1;
  c.r[S.CA] = (lo >>> 29) & 1;
  c.r[S.OV32] = (lo >>> 19) & 1;
  c.r[S.CA32] = (lo >>> 18) & 1;
  c.r[S.XER_BC] = lo & ~((1 << 31) | (1 << 30) | (1 << 29) | (1 << 19) | (1 << 18));
}

// ---- handlers (one per SPR and direction, so that the block engine inlines them) ----
// mt*: RS is the whole register in 64-bit mode and its low word (high word 0) in 32-bit mode.

// XER bits 0:31 read as 0: qemu's mtxer masks them away (its mask is a 32-bit constant), so
// S.XER_HI stays 0.
function mfxer(c: Cpu, w: number): void {
  const rt = fRT(w);
  c.r[rt * 2] = readXer(c);
  c.r[rt * 2 + 1] = 0;
}
function mtxer(c: Cpu, w: number): void {
  writeXer(c, c.r[fRT(w) * 2]);
}

/** mfspr of a register pair at state index `at`. */
function readPair(c: Cpu, w: number, at: number): void {
  const rt = fRT(w);
  c.r[rt * 2] = c.r[at];
  c.r[rt * 2 + 1] = c.r[at + 1];
}
/** mtspr of a register pair at state index `at`. */
function writePair(c: Cpu, w: number, at: number): void {
  const rs = fRT(w);
  c.r[at] = c.r[rs * 2];
  c.r[at + 1] = c.sf ? c.r[rs * 2 + 1] : 0;
}

function mflr(c: Cpu, w: number): void {
  readPair(c, w, S.LR);
}
function mtlr(c: Cpu, w: number): void {
  writePair(c, w, S.LR);
}
function mfctr(c: Cpu, w: number): void {
  readPair(c, w, S.CTR);
}
function mtctr(c: Cpu, w: number): void {
  writePair(c, w, S.CTR);
}
function mftar(c: Cpu, w: number): void {
  readPair(c, w, S.TAR);
}
function mttar(c: Cpu, w: number): void {
  writePair(c, w, S.TAR);
}
function mfdscr(c: Cpu, w: number): void {
  readPair(c, w, S.DSCR);
}
function mtdscr(c: Cpu, w: number): void {
  writePair(c, w, S.DSCR);
}
function mfppr(c: Cpu, w: number): void {
  readPair(c, w, S.PPR);
}
function mtppr(c: Cpu, w: number): void {
  writePair(c, w, S.PPR);
}

/**
 * VRSAVE is a 32-bit SPR in the ISA, but qemu keeps (and returns) all 64 bits written by
 * mtvrsave in 64-bit mode. We match qemu; the high word lives in VRSAVE_HI.
 */
function mfvrsave(c: Cpu, w: number): void {
  const rt = fRT(w);
  c.r[rt * 2] = c.r[S.VRSAVE];
  c.r[rt * 2 + 1] = c.r[S.VRSAVE_HI];
}
function mtvrsave(c: Cpu, w: number): void {
  const rs = fRT(w);
  c.r[S.VRSAVE] = c.r[rs * 2];
  c.r[S.VRSAVE_HI] = c.sf ? c.r[rs * 2 + 1] : 0;
}

/** PPR32 (898): the high word of PPR (ISA 2.07; qemu 7.2 does not implement it). */
function mfppr32(c: Cpu, w: number): void {
  const rt = fRT(w);
  c.r[rt * 2] = c.r[S.PPR + 1];
  c.r[rt * 2 + 1] = 0;
}
function mtppr32(c: Cpu, w: number): void {
  c.r[S.PPR + 1] = c.r[fRT(w) * 2];
}

/** mftb / mfspr 268: RT = TB (all 64 bits, in either mode). */
function mftb(c: Cpu, w: number): void {
  const t = c.timeBase(c), rt = fRT(w);
  c.r[rt * 2] = t >>> 0;
  c.r[rt * 2 + 1] = Math.floor(t / 4294967296) | 0;
}
/** mftbu / mfspr 269: RT = 32 zeros || TB[0:31]. */
function mftbu(c: Cpu, w: number): void {
  const t = c.timeBase(c), rt = fRT(w);
  c.r[rt * 2] = Math.floor(t / 4294967296) | 0;
  c.r[rt * 2 + 1] = 0;
}

/** SPRs 808-811: reserved no-ops (ISA 2.07); RT is left unchanged. */
function sprNop(): void {
  // nothing
}

/** The SPR number of an mfspr/mtspr/mftb word. */
export const sprNumber = (w: number): number => ((w >>> 16) & 31) | (((w >>> 11) & 31) << 5);

/** An SPR that problem state may not access (or that does not exist). */
function sprFault(c: Cpu, w: number, pc: number): void {
  c.stop((sprNumber(w) & 0x10) !== 0 ? Exit.Privileged : Exit.Illegal, pc, w);
}

// ---- definitions ----

const XO_MFSPR = 339, XO_MTSPR = 467, XO_MFTB = 371;

/** The SPR field of a word with SPR number n (as encoded: halves swapped). */
const sprField = (n: number): number => (((n & 31) << 16) | ((n >>> 5) << 11)) >>> 0;
const x31 = (xo: number): number => ((31 << 26) | (xo << 1)) >>> 0;

/** mfspr (and the mftb encoding of the same SPR) reading SPR n. */
function mf(n: number, name: string, exec: Handler): OpDef[] {
  return [
    { mnemonic: name, mask: 0xfc1fffff, match: (x31(XO_MFSPR) | sprField(n)) >>> 0, exec },
    { mnemonic: `mftb(${n})`, mask: 0xfc1fffff, match: (x31(XO_MFTB) | sprField(n)) >>> 0, exec },
  ];
}
/** mtspr writing SPR n (Rc ignored). */
function mt(n: number, name: string, exec: Handler): OpDef {
  return { mnemonic: name, mask: 0xfc1ffffe, match: (x31(XO_MTSPR) | sprField(n)) >>> 0, exec };
}

export const SYSTEM_OPS: readonly OpDef[] = [
  { mnemonic: "sc", mask: 0xffffffff, match: 0x44000002, exec: sc, flags: OpFlag.EndsBlock },
  ...mf(1, "mfxer", mfxer), mt(1, "mtxer", mtxer),
  ...mf(3, "mfdscr", mfdscr), mt(3, "mtdscr", mtdscr),
  ...mf(8, "mflr", mflr), mt(8, "mtlr", mtlr),
  ...mf(9, "mfctr", mfctr), mt(9, "mtctr", mtctr),
  ...mf(256, "mfvrsave", mfvrsave), mt(256, "mtvrsave", mtvrsave),
  ...mf(815, "mftar", mftar), mt(815, "mttar", mttar),
  ...mf(896, "mfppr", mfppr), mt(896, "mtppr", mtppr),
  ...mf(898, "mfppr32", mfppr32), mt(898, "mtppr32", mtppr32),
  // Time base: mftb is the XO 371 form, mfspr 268/269 the XO 339 form of the same reads.
  { mnemonic: "mftb", mask: 0xfc1fffff, match: (x31(XO_MFTB) | sprField(268)) >>> 0, exec: mftb },
  { mnemonic: "mftbu", mask: 0xfc1fffff, match: (x31(XO_MFTB) | sprField(269)) >>> 0, exec: mftbu },
  { mnemonic: "mfspr(268)", mask: 0xfc1fffff, match: (x31(XO_MFSPR) | sprField(268)) >>> 0, exec: mftb },
  { mnemonic: "mfspr(269)", mask: 0xfc1fffff, match: (x31(XO_MFSPR) | sprField(269)) >>> 0, exec: mftbu },
  ...[808, 809, 810, 811].flatMap((n) => [...mf(n, `mfspr(${n})`, sprNop), mt(n, `mtspr(${n})`, sprNop)]),
  // Every other SPR number (less specific masks: the definitions above win).
  { mnemonic: "mfspr", mask: 0xfc0007ff, match: x31(XO_MFSPR), exec: sprFault, flags: OpFlag.EndsBlock },
  { mnemonic: "mtspr", mask: 0xfc0007fe, match: x31(XO_MTSPR), exec: sprFault, flags: OpFlag.EndsBlock },
  { mnemonic: "mftb(spr)", mask: 0xfc0007ff, match: x31(XO_MFTB), exec: sprFault, flags: OpFlag.EndsBlock },
];
