// The user registers a signal frame saves and sigreturn restores, taken from and put back into
// a thread's architectural state through the processor's own accessors (machine/power/state.ts
// documents the block; XER and CR are composed by ops/system.ts and ops/cr.ts, the FPSCR is
// stored through fpStore so its summary bits stay consistent). One snapshot holds everything:
// the frames (frame64.ts, frame32.ts) lay it out as Linux does.

import type { Cpu } from "../../machine/power/cpu.js";
import { S } from "../../machine/power/state.js";
import { crValue, writeCr } from "../../machine/power/ops/cr.js";
import { readXer, writeXer } from "../../machine/power/ops/system.js";
import { fpStore } from "../../machine/power/fpu/fpscr.js";
import { vsrDw } from "../../machine/power/ops/vsx-loadstore.js";

/** A 64-bit register pair of the state block at index `i` (low word first). */
const pair = (c: Cpu, i: number): bigint => (BigInt(c.r[i + 1] >>> 0) << 32n) | BigInt(c.r[i] >>> 0);

function setPair(c: Cpu, i: number, v: bigint): void {
  c.r[i] = Number(v & 0xffffffffn) | 0;
  c.r[i + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
}

/** The registers of a thread at a kernel entry, as a signal frame holds them. */
export interface RegImage {
  /** r0..r31, 64 bits each (a 32-bit process's frame keeps the low words). */
  readonly gpr: bigint[];
  nip: bigint;
  ctr: bigint;
  lr: bigint;
  xer: number;
  cr: number;
  /** FPR n: doubleword 0 of VSR n, as raw bits. */
  readonly fpr: bigint[];
  /** The whole FPSCR (bits 0:31 in the high word). */
  fpscr: bigint;
  /** VR n: [doubleword 0 (the high half), doubleword 1]. */
  readonly vr: [bigint, bigint][];
  vscr: number;
  vrsave: number;
  /** Doubleword 1 of VSR 0..31 (VSX's half beyond the FPRs). */
  readonly vsrLow: bigint[];
}

/** Everything a frame saves, from the thread's state now. */
export function capture(c: Cpu): RegImage {
  const gpr: bigint[] = [], fpr: bigint[] = [], vsrLow: bigint[] = [], vr: [bigint, bigint][] = [];
  for (let n = 0; n < 32; n++) {
    gpr.push(pair(c, n * 2));
    fpr.push(pair(c, vsrDw(n, 0)));
    vsrLow.push(pair(c, vsrDw(n, 1)));
    vr.push([pair(c, vsrDw(32 + n, 0)), pair(c, vsrDw(32 + n, 1))]);
  }
  return {
    gpr, nip: pair(c, S.PC), ctr: pair(c, S.CTR), lr: pair(c, S.LR), xer: readXer(c) >>> 0, cr: crValue(c) >>> 0,
    fpr, fpscr: (BigInt(c.r[S.FPSCR_HI] >>> 0) << 32n) | BigInt(c.r[S.FPSCR] >>> 0),
    vr, vscr: c.r[S.VSCR] >>> 0, vrsave: c.r[S.VRSAVE] >>> 0, vsrLow,
  };
}

/** What of the vector state a frame brings back (the MSR_VEC and MSR_VSX bits of its MSR). */
export interface RestoreParts {
  vmx: boolean;
  vsx: boolean;
}

/**
 * Put a frame's registers back. In 32-bit mode every register is a zero-extended word. Without
 * the vector parts the VRs (or the VSX halves) become zero, as Linux clears a thread's unused
 * state; VRSAVE always comes back.
 */
export function restore(c: Cpu, img: RegImage, is64: boolean, parts: RestoreParts): void {
  const w = (v: bigint): bigint => (is64 ? BigInt.asUintN(64, v) : BigInt.asUintN(32, v));
  for (let n = 0; n < 32; n++) {
    setPair(c, n * 2, w(img.gpr[n]));
    setPair(c, vsrDw(n, 0), img.fpr[n]);
    setPair(c, vsrDw(n, 1), parts.vsx ? img.vsrLow[n] : 0n);
    setPair(c, vsrDw(32 + n, 0), parts.vmx ? img.vr[n][0] : 0n);
    setPair(c, vsrDw(32 + n, 1), parts.vmx ? img.vr[n][1] : 0n);
  }
  setNip(c, w(img.nip) & ~3n);
  setPair(c, S.CTR, w(img.ctr));
  setPair(c, S.LR, w(img.lr));
  writeXer(c, img.xer | 0);
  writeCr(c, img.cr | 0);
  fpStore(c, Number(img.fpscr & 0xffffffffn) | 0, Number((img.fpscr >> 32n) & 0xffffffffn) | 0, 0xffff);
  if (parts.vmx) c.r[S.VSCR] = img.vscr | 0;
  else c.r[S.VSCR] = 0;
  c.r[S.VRSAVE] = img.vrsave | 0;
  c.r[S.VRSAVE_HI] = 0;
}

/** Set GPR n to a full value. */
export function setReg(c: Cpu, n: number, v: bigint): void {
  setPair(c, n * 2, BigInt.asUintN(64, v));
}

export const getReg = (c: Cpu, n: number): bigint => pair(c, n * 2);

/** Set the next instruction's address. */
export function setNip(c: Cpu, v: bigint): void {
  const x = BigInt.asUintN(64, v);
  c.setPc(Number(x & 0xffffffffn) | 0, Number(x >> 32n) | 0);
}

export function setCtr(c: Cpu, v: bigint): void {
  setPair(c, S.CTR, BigInt.asUintN(64, v));
}

export function setLr(c: Cpu, v: bigint): void {
  setPair(c, S.LR, BigInt.asUintN(64, v));
}

export const nipOf = (c: Cpu): bigint => pair(c, S.PC);
