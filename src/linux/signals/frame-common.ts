// What the 64-bit and the 32-bit signal frames share: the saved MSR, the pt_regs slots beyond
// the GPRs (asm/ptrace.h PT_*), and the vector registers as the kernel stores them with stvx —
// a VR's 16 bytes in the process's byte order (little-endian: the low doubleword first).

import { Struct } from "../sys/guest-mem.js";
import type { RegImage } from "./regs.js";

/** Indices of elf_gregset_t / pt_regs. */
export const PT = { NIP: 32, MSR: 33, ORIG_R3: 34, CTR: 35, LNK: 36, XER: 37, CCR: 38, SOFTE: 39, TRAP: 40, DAR: 41, DSISR: 42, RESULT: 43, PPR: 44 } as const;
/** elf_gregset_t's 48 slots, elf_fpregset_t's 33 (fpscr last), 34 vector slots on ppc64 (33 on ppc32). */
export const NGREG = 48, NFPREG = 33;

/** MSR bits a user thread runs with (problem state, translation, interrupts, FP) and the frame's markers. */
export const MSR = {
  SF: 1n << 63n, VEC: 1n << 25n, VSX: 1n << 23n, EE: 0x8000n, PR: 0x4000n, FP: 0x2000n, ME: 0x1000n,
  IR: 0x20n, DR: 0x10n, RI: 0x2n, LE: 0x1n,
} as const;

/**
 * The MSR a frame records for a user thread: 64-bit or not, its byte order, with MSR_VEC and
 * MSR_VSX set to say the frame's vector state is valid (Linux sets them when the thread has
 * used VMX/VSX; every k42ts thread has that state, so every frame carries it).
 */
export function userMsr(is64: boolean, le: boolean): bigint {
  return (is64 ? MSR.SF : 0n) | MSR.VEC | MSR.VSX | MSR.EE | MSR.PR | MSR.FP | MSR.ME | MSR.IR | MSR.DR | MSR.RI | (le ? MSR.LE : 0n);
}

/**
 * MSR[FE0] (0x800) and MSR[FE1] (0x100) of a thread whose FP exception mode (the state's
 * S.FE word: FE0 = 2, FE1 = 1, set by PR_SET_FPEXC) is `fe`: Linux's saved MSR carries them
 * while the thread owns the FPU, which every k42ts thread does (MSR_FP above).
 */
export function feMsr(fe: number): bigint {
  return ((fe & 2) !== 0 ? 0x800n : 0n) | ((fe & 1) !== 0 ? 0x100n : 0n);
}

/** The pt_regs slots past the GPRs that a frame records (besides what RegImage holds). */
export interface EntryRegs {
  msr: bigint;
  origR3: bigint;
  trap: number;
  dar: number;
  dsisr: number;
  result: bigint;
  ppr: bigint;
}

/** elf_gregset_t of a frame: GPRs, then NIP, MSR, ORIG_R3, CTR, LNK, XER, CCR, SOFTE (1), TRAP, DAR, DSISR, RESULT. */
export function gregs(img: RegImage, e: EntryRegs, is64: boolean): bigint[] {
  const g: bigint[] = [...img.gpr];
  g[PT.NIP] = img.nip;
  g[PT.MSR] = e.msr;
  g[PT.ORIG_R3] = e.origR3;
  g[PT.CTR] = img.ctr;
  g[PT.LNK] = img.lr;
  g[PT.XER] = BigInt(img.xer);
  g[PT.CCR] = BigInt(img.cr);
  g[PT.SOFTE] = 1n; // user space always sees interrupts soft-enabled
  g[PT.TRAP] = BigInt(e.trap);
  g[PT.DAR] = BigInt(e.dar);
  g[PT.DSISR] = BigInt(e.dsisr);
  g[PT.RESULT] = e.result;
  g[PT.PPR] = is64 ? e.ppr : 0n;
  for (let i = PT.PPR + 1; i < NGREG; i++) g[i] = 0n;
  return g;
}

/** Write the greg slots at `o` as longs of the ABI. */
export function putGregs(s: Struct, o: number, g: readonly bigint[], is64: boolean): void {
  for (let i = 0; i < NGREG; i++) {
    if (is64) s.u64(o + i * 8, g[i]);
    else s.u32(o + i * 4, Number(g[i] & 0xffffffffn));
  }
}

/** Read the greg slots at `o` (zero-extended). */
export function getGregs(s: Struct, o: number, is64: boolean): bigint[] {
  const g: bigint[] = [];
  for (let i = 0; i < NGREG; i++) g.push(is64 ? s.dv.getBigUint64(o + i * 8, s.le) : BigInt(s.getU32(o + i * 4)));
  return g;
}

/** FPRs then the FPSCR, 33 doublewords at `o`. */
export function putFpregs(s: Struct, o: number, img: RegImage): void {
  for (let i = 0; i < 32; i++) s.u64(o + i * 8, img.fpr[i]);
  s.u64(o + 32 * 8, img.fpscr);
}

export function getFpregs(s: Struct, o: number): { fpr: bigint[]; fpscr: bigint } {
  const fpr: bigint[] = [];
  for (let i = 0; i < 32; i++) fpr.push(s.dv.getBigUint64(o + i * 8, s.le));
  return { fpr, fpscr: s.dv.getBigUint64(o + 32 * 8, s.le) };
}

/** A 128-bit vector [dw0, dw1] at `o` as stvx stores it. */
export function putVector(s: Struct, o: number, v: readonly [bigint, bigint]): void {
  if (s.le) s.u64(o, v[1]).u64(o + 8, v[0]);
  else s.u64(o, v[0]).u64(o + 8, v[1]);
}

export function getVector(s: Struct, o: number): [bigint, bigint] {
  const a = s.dv.getBigUint64(o, s.le), b = s.dv.getBigUint64(o + 8, s.le);
  return s.le ? [b, a] : [a, b];
}

/** The 32 VRs at `o`, then VSCR in the low word of vector 32 (lvx/stvx order). */
export function putVrs(s: Struct, o: number, img: RegImage): void {
  for (let i = 0; i < 32; i++) putVector(s, o + i * 16, img.vr[i]);
  putVector(s, o + 32 * 16, [0n, BigInt(img.vscr >>> 0)]);
}

export function getVrs(s: Struct, o: number): { vr: [bigint, bigint][]; vscr: number } {
  const vr: [bigint, bigint][] = [];
  for (let i = 0; i < 32; i++) vr.push(getVector(s, o + i * 16));
  return { vr, vscr: Number(getVector(s, o + 32 * 16)[1] & 0xffffffffn) };
}

/** VSR 0..31's second doublewords at `o`. */
export function putVsrLow(s: Struct, o: number, img: RegImage): void {
  for (let i = 0; i < 32; i++) s.u64(o + i * 8, img.vsrLow[i]);
}

export function getVsrLow(s: Struct, o: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < 32; i++) out.push(s.dv.getBigUint64(o + i * 8, s.le));
  return out;
}

/** A frame's registers turned back into a RegImage (GPRs and the NIP..CCR slots from `g`). */
export function imageOf(g: readonly bigint[], fp: { fpr: bigint[]; fpscr: bigint }, vr: [bigint, bigint][], vscr: number, vrsave: number, vsrLow: bigint[]): RegImage {
  return {
    gpr: g.slice(0, 32), nip: g[PT.NIP], ctr: g[PT.CTR], lr: g[PT.LNK], xer: Number(g[PT.XER] & 0xffffffffn), cr: Number(g[PT.CCR] & 0xffffffffn),
    fpr: fp.fpr, fpscr: fp.fpscr, vr, vscr, vrsave, vsrLow,
  };
}

/** Zero vectors (a frame without VMX or VSX state). */
export const zeroVrs = (): [bigint, bigint][] => Array.from({ length: 32 }, () => [0n, 0n] as [bigint, bigint]);
export const zeroLow = (): bigint[] => Array.from({ length: 32 }, () => 0n);
