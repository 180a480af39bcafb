// Floating-point compares: fcmpu, fcmpo.
//
// CR field BF and FPSCR[FPCC] get FL/FG/FE/FU (0b1000 less, 0b0100 greater, 0b0010 equal with
// -0 = +0, 0b0001 unordered); FPSCR[C] is left alone except as below. As qemu 7.2 does, both
// clear FPSCR[FI] (the instruction ends with a status check of an operation that raised no
// flags); FR is left alone.
//  - fcmpu: an SNaN operand sets VXSNAN (and FX, VX).
//  - fcmpo: any NaN operand sets VXVC and FPRF := C|FU (the C bit too, qemu); an SNaN operand
//    additionally sets VXSNAN. (qemu sets VXVC even for an SNaN with VE = 1.)

import type { Cpu } from "../cpu.js";
import { type OpDef, fRA, fRB, fBF } from "../decode.js";
import { S, fprIndex } from "../state.js";
import { Fp, FPRF_SHIFT, fpRaise } from "../fpu/fpscr.js";
import { fprLo } from "./fp-loadstore.js";

/** 1 if FPR n is an SNaN, 2 if a QNaN, else 0. */
function nanKind(c: Cpu, n: number): number {
  const i = fprLo(n);
  const hi = c.r[i + 1];
  if ((hi & 0x7ff00000) !== 0x7ff00000 || ((hi & 0xfffff) | c.r[i]) === 0) return 0;
  return (hi & 0x80000) !== 0 ? 2 : 1;
}

/** The compare result of two non-NaN FPRs. */
function order(c: Cpu, a: number, b: number): number {
  const x = c.f[fprIndex(a)], y = c.f[fprIndex(b)];
  return x < y ? 8 : x > y ? 4 : 2;
}

function fcmpu(c: Cpu, w: number): void {
  const a = fRA(w), b = fRB(w);
  const ka = nanKind(c, a), kb = nanKind(c, b);
  if ((ka | kb) !== 0) return unorderedU(c, w, ka, kb);
  const r = order(c, a, b);
  c.r[S.CR + fBF(w)] = r;
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~(Fp.FPCC | Fp.FI)) | (r << FPRF_SHIFT);
}

function unorderedU(c: Cpu, w: number, ka: number, kb: number): void {
  c.r[S.CR + fBF(w)] = 1;
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~(Fp.FPCC | Fp.FI)) | Fp.FU;
  if (ka === 1 || kb === 1) fpRaise(c, Fp.VXSNAN);
}

function fcmpo(c: Cpu, w: number): void {
  const a = fRA(w), b = fRB(w);
  const ka = nanKind(c, a), kb = nanKind(c, b);
  if ((ka | kb) !== 0) return unorderedO(c, w, ka, kb);
  const r = order(c, a, b);
  c.r[S.CR + fBF(w)] = r;
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~(Fp.FPCC | Fp.FI)) | (r << FPRF_SHIFT);
}

function unorderedO(c: Cpu, w: number, ka: number, kb: number): void {
  c.r[S.CR + fBF(w)] = 1;
  c.r[S.FPSCR] = (c.r[S.FPSCR] & ~(Fp.FPRF | Fp.FI)) | Fp.C | Fp.FU;
  fpRaise(c, Fp.VXVC);
  if (ka === 1 || kb === 1) fpRaise(c, Fp.VXSNAN);
}

const XO = (xo: number): number => ((63 << 26) | (xo << 1)) >>> 0;

export const FP_COMPARE_OPS: readonly OpDef[] = [
  // Reserved bits 9:10 and Rc must be 0 (qemu inval 0x00600001).
  { mnemonic: "fcmpu", mask: 0xfc6007ff, match: XO(0), exec: fcmpu },
  { mnemonic: "fcmpo", mask: 0xfc6007ff, match: XO(32), exec: fcmpo },
];
