// Floating-point arithmetic: add, subtract, multiply, divide, square root, multiply-add,
// reciprocal (square root) estimates, frsp. Results and FPSCR as qemu 7.2 -cpu power8:
//  - Results are correctly rounded in the mode FPSCR[RN] (fpu/fast.ts computes the common
//    cases with JS doubles and error-free transformations; fpu/softfloat.ts everything else).
//  - FPSCR: the invalid-operation bit (VXSNAN, VXISI, VXIDI, VXZDZ, VXIMZ, VXSQRT; FR and FI
//    cleared except for VXSNAN alone), ZX (FR, FI cleared), then FPRF := class of the double
//    result (also for single-precision instructions, so a single denormal is "normal"), then
//    OX / UX / XX, FI := inexact. FR is never set (qemu 7.2 does not compute it). FX is set
//    whenever any exception bit is set, even if it was already on (qemu).
//  - fre/fres, frsqrte/frsqrtes are not estimates in qemu: fre is 1/x rounded (fres to single),
//    frsqrte is 1/√x with √x rounded to double first (frsqrtes: the division to single), flags
//    of both steps together. fre(±0) = ±0.5 (qemu's choice) with ZX; frsqrte(±0) = ±Inf, ZX.
//  - Multiply-add with Inf × 0 and a NaN addend: VXIMZ only (not VXSNAN, even for an SNaN
//    addend), and the result is the (quieted) addend (qemu's PowerPC NaN rules).
//  - Rc = 1: CR1 := FPSCR[FX FEX VX OX].
// Enabled exceptions (VE OE UE ZE XE) set FEX; they interrupt only when the thread's
// MSR[FE0 FE1] are nonzero (fpu/trap.ts). With OE/UE = 1 an overflowing or tiny result is the
// ISA's exponent-adjusted one (as qemu 7.2's rebias), whether or not it interrupts: the slow
// path computes it (fpRoundRebias); the fast paths never take such results.

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRA, fRB, fRC } from "../decode.js";
import { S, fprIndex } from "../state.js";
import {
  Fp, FPRF_SHIFT, fprfOfNum, fpCR1, fpRoundRebias, fpFinish, fpInvalidArith, fpSetFPRF, fpVxsnan, fpZeroDivide,
} from "../fpu/fpscr.js";
import { addF, divF, fmaF, mulF, sqrtF, toSingleF } from "../fpu/fast.js";
import { SF, sfAdd, sfDiv, sfMul, sfMulAdd, sfSqrt, sfToSingle } from "../fpu/softfloat.js";
import { fprLo } from "./fp-loadstore.js";

// ---- FPSCR updates ----

/** FPSCR after a fast-path result (finite, in c.f[t]) with flags fl (0 or SF.Inexact). */
function fastDone(c: Cpu, w: number, t: number, fl: number): void {
  let fs = (c.r[S.FPSCR] & ~(Fp.FPRF | Fp.FI)) | (fprfOfNum(c.f[t]) << FPRF_SHIFT);
  if (fl !== 0) {
    fs |= Fp.FX | Fp.XX | Fp.FI;
    if ((fs & Fp.XE) !== 0) {
      fs |= Fp.FEX;
      c.fpNow = 1; // an enabled inexact: fpu/trap.ts
    }
  }
  c.r[S.FPSCR] = fs;
  if ((w & 1) !== 0) c.r[S.CR + 1] = fs >>> 28;
}

/** The invalid-operation bit for an SF.InvArith flag. */
function vxBit(fl: number): number {
  if ((fl & SF.InvIsi) !== 0) return Fp.VXISI;
  if ((fl & SF.InvImz) !== 0) return Fp.VXIMZ;
  if ((fl & SF.InvIdi) !== 0) return Fp.VXIDI;
  if ((fl & SF.InvZdz) !== 0) return Fp.VXZDZ;
  return Fp.VXSQRT;
}

/** FPSCR after a slow-path result in FPR word index t with flags fl (qemu's order). */
function slowDone(c: Cpu, w: number, t: number, fl: number): void {
  if ((fl & SF.InvArith) !== 0) fpInvalidArith(c, vxBit(fl), true);
  else if ((fl & SF.InvSnan) !== 0) fpVxsnan(c);
  if ((fl & SF.DivZero) !== 0) fpZeroDivide(c);
  fpSetFPRF(c, c.r[t], c.r[t + 1]);
  fpFinish(c, fl & 7, true);
  if ((w & 1) !== 0) fpCR1(c);
}

// ---- operand access ----

const fA = (w: number): number => fprIndex(fRA(w));
const fB = (w: number): number => fprIndex(fRB(w));
const fC = (w: number): number => fprIndex(fRC(w));
const fT = (w: number): number => fprIndex(fRT(w));

// ---- add / subtract ----

function addSlow(c: Cpu, w: number, sub: boolean, single: boolean): void {
  const r = c.r, a = fprLo(fRA(w)), b = fprLo(fRB(w)), t = fprLo(fRT(w));
  slowDone(c, w, t, sfAdd(r, t, r[a + 1], r[a], r[b + 1], r[b], sub, fpRoundRebias(c), single));
}

function addOp(c: Cpu, w: number, sub: boolean, single: boolean): void {
  const t = fT(w);
  const fl = addF(c.f, t, fA(w), fB(w), sub, c.r[S.FPSCR] & 3, single);
  if (fl >= 0) fastDone(c, w, t, fl);
  else addSlow(c, w, sub, single);
}

const fadd = (c: Cpu, w: number): void => addOp(c, w, false, false);
const fadds = (c: Cpu, w: number): void => addOp(c, w, false, true);
const fsub = (c: Cpu, w: number): void => addOp(c, w, true, false);
const fsubs = (c: Cpu, w: number): void => addOp(c, w, true, true);

// ---- multiply (FRA × FRC) ----

function mulSlow(c: Cpu, w: number, single: boolean): void {
  const r = c.r, a = fprLo(fRA(w)), b = fprLo(fRC(w)), t = fprLo(fRT(w));
  slowDone(c, w, t, sfMul(r, t, r[a + 1], r[a], r[b + 1], r[b], fpRoundRebias(c), single));
}

function mulOp(c: Cpu, w: number, single: boolean): void {
  const t = fT(w);
  const fl = mulF(c.f, t, fA(w), fC(w), c.r[S.FPSCR] & 3, single);
  if (fl >= 0) fastDone(c, w, t, fl);
  else mulSlow(c, w, single);
}

const fmul = (c: Cpu, w: number): void => mulOp(c, w, false);
const fmuls = (c: Cpu, w: number): void => mulOp(c, w, true);

// ---- divide ----

function divSlow(c: Cpu, w: number, single: boolean): void {
  const r = c.r, a = fprLo(fRA(w)), b = fprLo(fRB(w)), t = fprLo(fRT(w));
  slowDone(c, w, t, sfDiv(r, t, r[a + 1], r[a], r[b + 1], r[b], fpRoundRebias(c), single));
}

function divOp(c: Cpu, w: number, single: boolean): void {
  const t = fT(w);
  const fl = divF(c.f, t, fA(w), fB(w), false, c.r[S.FPSCR] & 3, single);
  if (fl >= 0) fastDone(c, w, t, fl);
  else divSlow(c, w, single);
}

const fdiv = (c: Cpu, w: number): void => divOp(c, w, false);
const fdivs = (c: Cpu, w: number): void => divOp(c, w, true);

// ---- square root ----

function sqrtSlow(c: Cpu, w: number, single: boolean): void {
  const r = c.r, b = fprLo(fRB(w)), t = fprLo(fRT(w));
  slowDone(c, w, t, sfSqrt(r, t, r[b + 1], r[b], fpRoundRebias(c), single));
}

function sqrtOp(c: Cpu, w: number, single: boolean): void {
  const t = fT(w);
  const fl = sqrtF(c.f, t, fB(w), c.r[S.FPSCR] & 3, single);
  if (fl >= 0) fastDone(c, w, t, fl);
  else sqrtSlow(c, w, single);
}

const fsqrt = (c: Cpu, w: number): void => sqrtOp(c, w, false);
const fsqrts = (c: Cpu, w: number): void => sqrtOp(c, w, true);

// ---- multiply-add: FRT = ±(FRA × FRC ± FRB) ----

function maddSlow(c: Cpu, w: number, negB: boolean, negR: boolean, single: boolean): void {
  const r = c.r, a = fprLo(fRA(w)), b = fprLo(fRB(w)), m = fprLo(fRC(w)), t = fprLo(fRT(w));
  const fl = sfMulAdd(r, t, r[a + 1], r[a], r[m + 1], r[m], r[b + 1], r[b], negB, negR, fpRoundRebias(c), single);
  slowDone(c, w, t, fl);
}

function maddOp(c: Cpu, w: number, negB: boolean, negR: boolean, single: boolean): void {
  const t = fT(w);
  const fl = fmaF(c.f, t, fA(w), fC(w), fB(w), negB, negR, c.r[S.FPSCR] & 3, single);
  if (fl >= 0) fastDone(c, w, t, fl);
  else maddSlow(c, w, negB, negR, single);
}

const fmadd = (c: Cpu, w: number): void => maddOp(c, w, false, false, false);
const fmadds = (c: Cpu, w: number): void => maddOp(c, w, false, false, true);
const fmsub = (c: Cpu, w: number): void => maddOp(c, w, true, false, false);
const fmsubs = (c: Cpu, w: number): void => maddOp(c, w, true, false, true);
const fnmadd = (c: Cpu, w: number): void => maddOp(c, w, false, true, false);
const fnmadds = (c: Cpu, w: number): void => maddOp(c, w, false, true, true);
const fnmsub = (c: Cpu, w: number): void => maddOp(c, w, true, true, false);
const fnmsubs = (c: Cpu, w: number): void => maddOp(c, w, true, true, true);

// ---- reciprocal estimates (exact in qemu) ----

const ONE_HI = 0x3ff00000;

function reSlow(c: Cpu, w: number, single: boolean): void {
  const r = c.r, b = fprLo(fRB(w)), t = fprLo(fRT(w));
  const bhi = r[b + 1];
  const fl = sfDiv(r, t, ONE_HI, 0, bhi, r[b], r[S.FPSCR] & 3, single);
  if ((fl & SF.DivZero) !== 0) {
    // qemu: "for FPSCR.ZE == 0, the result is 1/2" (with the operand's sign).
    r[t] = 0;
    r[t + 1] = (bhi & 0x80000000) | 0x3fe00000;
  }
  slowDone(c, w, t, fl);
}

function reOp(c: Cpu, w: number, single: boolean): void {
  const t = fT(w);
  const fl = divF(c.f, t, 0, fB(w), true, c.r[S.FPSCR] & 3, single);
  if (fl >= 0) fastDone(c, w, t, fl);
  else reSlow(c, w, single);
}

const fre = (c: Cpu, w: number): void => reOp(c, w, false);
const fres = (c: Cpu, w: number): void => reOp(c, w, true);

/** Scratch for frsqrte (per module instance, i.e. per thread): [operand, √, 1/√]. */
const tmpD = new Float64Array(3);
const tmpW = new Int32Array(tmpD.buffer);

function rsqrteSlow(c: Cpu, w: number, single: boolean): void {
  const r = c.r, b = fprLo(fRB(w)), t = fprLo(fRT(w)), rm = r[S.FPSCR] & 3;
  let fl = sfSqrt(tmpW, 0, r[b + 1], r[b], rm, false);
  fl |= sfDiv(r, t, ONE_HI, 0, tmpW[1], tmpW[0], rm, single);
  slowDone(c, w, t, fl);
}

function rsqrteOp(c: Cpu, w: number, single: boolean): void {
  const rm = c.r[S.FPSCR] & 3;
  tmpD[0] = c.f[fB(w)];
  const fl1 = sqrtF(tmpD, 1, 0, rm, false);
  if (fl1 >= 0 && tmpD[1] !== 0) {
    const fl2 = divF(tmpD, 2, 0, 1, true, rm, single);
    if (fl2 >= 0) {
      const t = fT(w);
      c.f[t] = tmpD[2];
      fastDone(c, w, t, fl1 | fl2);
      return;
    }
  }
  rsqrteSlow(c, w, single);
}

const frsqrte = (c: Cpu, w: number): void => rsqrteOp(c, w, false);
const frsqrtes = (c: Cpu, w: number): void => rsqrteOp(c, w, true);

// ---- frsp ----

function frspSlow(c: Cpu, w: number): void {
  const r = c.r, b = fprLo(fRB(w)), t = fprLo(fRT(w));
  slowDone(c, w, t, sfToSingle(r, t, r[b + 1], r[b], fpRoundRebias(c)));
}

function frsp(c: Cpu, w: number): void {
  const t = fT(w);
  const fl = toSingleF(c.f, t, fB(w), c.r[S.FPSCR] & 3);
  if (fl >= 0) fastDone(c, w, t, fl);
  else frspSlow(c, w);
}

// ---- definitions ----

/** A-form: primary opcode, XO in bits 26:30, and the operand fields qemu requires to be 0. */
function aForm(
  mnemonic: string, op: number, xo: number, reserved: number, exec: (c: Cpu, w: number) => void,
): OpDef {
  return { mnemonic, mask: (0xfc00003e | reserved) >>> 0, match: ((op << 26) | (xo << 1)) >>> 0, exec, rc: true };
}

/** Reserved operand fields (qemu rejects these forms when the field is nonzero). */
const FRC_0 = 0x7c0;
const FRB_0 = 0xf800;
const FRA_FRC_0 = 0x1f07c0;

export const FP_ARITH_OPS: readonly OpDef[] = [
  aForm("fdiv", 63, 18, FRC_0, fdiv),
  aForm("fdivs", 59, 18, FRC_0, fdivs),
  aForm("fsub", 63, 20, FRC_0, fsub),
  aForm("fsubs", 59, 20, FRC_0, fsubs),
  aForm("fadd", 63, 21, FRC_0, fadd),
  aForm("fadds", 59, 21, FRC_0, fadds),
  // fsqrt[s]: qemu's decodetree pattern ignores the FRA and FRC fields.
  aForm("fsqrt", 63, 22, 0, fsqrt),
  aForm("fsqrts", 59, 22, 0, fsqrts),
  aForm("fre", 63, 24, FRA_FRC_0, fre),
  aForm("fres", 59, 24, FRA_FRC_0, fres),
  aForm("fmul", 63, 25, FRB_0, fmul),
  aForm("fmuls", 59, 25, FRB_0, fmuls),
  aForm("frsqrte", 63, 26, FRA_FRC_0, frsqrte),
  aForm("frsqrtes", 59, 26, FRA_FRC_0, frsqrtes),
  aForm("fmsub", 63, 28, 0, fmsub),
  aForm("fmsubs", 59, 28, 0, fmsubs),
  aForm("fmadd", 63, 29, 0, fmadd),
  aForm("fmadds", 59, 29, 0, fmadds),
  aForm("fnmsub", 63, 30, 0, fnmsub),
  aForm("fnmsubs", 59, 30, 0, fnmsubs),
  aForm("fnmadd", 63, 31, 0, fnmadd),
  aForm("fnmadds", 59, 31, 0, fnmadds),
  // frsp: X-form, XO 12, FRA must be 0.
  { mnemonic: "frsp", mask: 0xfc1f07fe, match: ((63 << 26) | (12 << 1)) >>> 0, exec: frsp, rc: true },
];
