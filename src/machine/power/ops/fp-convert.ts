// Floating-point conversions between integer and floating formats (fcfid*, fctid*, fctiw*),
// as qemu 7.2 -cpu power8 does them (see fpu/convert.ts for the values):
//  - fctiw[u][z], fctid[u][z]: rounded in FPSCR[RN] (the z forms toward zero). Invalid (NaN,
//    infinity, out of range): VXCVI (and VXSNAN for an SNaN), FR FI cleared, FPRF := C|FU
//    (when VE = 0), saturated result (or the NaN value). Otherwise XX and FI from inexactness.
//    FPRF is otherwise left unchanged (qemu does not set it; the ISA says undefined).
//  - fcfid[u][s]: rounded in FPSCR[RN]; XX and FI from inexactness. Only fcfid sets FPRF:
//    qemu 7.2 leaves FPRF unchanged for fcfids, fcfidu and fcfidus.
//  - FR is never set (qemu 7.2). Rc = 1: CR1 := FPSCR[FX FEX VX OX].
// qemu's reserved-field checks: FRA must be 0 for fctiw fctiwz fctid fctidz fcfid; the
// ISA 2.06 forms (fctiwu fctiwuz fctidu fctiduz fcfids fcfidu fcfidus) ignore it.

import type { Cpu } from "../cpu.js";
import { type OpDef, fRT, fRB } from "../decode.js";
import { S, fprIndex } from "../state.js";
import { Fp, FPRF_SHIFT, fprfOfNum, fpCR1, fpFinish, fpInvalidArith } from "../fpu/fpscr.js";
import { IntKind, fromIntF, toInt } from "../fpu/convert.js";
import { RM, SF } from "../fpu/softfloat.js";
import { fprLo } from "./fp-loadstore.js";

/** FPSCR after a float-to-integer conversion with flags fl. */
function ctiDone(c: Cpu, w: number, fl: number): void {
  if (fl === 0) {
    c.r[S.FPSCR] &= ~Fp.FI;
  } else if (fl === SF.Inexact) {
    let fs = c.r[S.FPSCR] | Fp.FX | Fp.XX | Fp.FI;
    if ((fs & Fp.XE) !== 0) {
      fs |= Fp.FEX;
      c.fpNow = 1; // an enabled inexact: fpu/trap.ts
    }
    c.r[S.FPSCR] = fs;
  } else {
    fpInvalidArith(c, Fp.VXCVI | ((fl & SF.InvSnan) !== 0 ? Fp.VXSNAN : 0), true);
    fpFinish(c, fl & 7, true);
  }
  if ((w & 1) !== 0) fpCR1(c);
}

function ctiOp(c: Cpu, w: number, kind: IntKind, toZero: boolean): void {
  const r = c.r, b = fprLo(fRB(w));
  const fl = toInt(r, fprLo(fRT(w)), r[b + 1], r[b], c.f[fprIndex(fRB(w))], toZero ? RM.Zero : r[S.FPSCR] & 3, kind);
  ctiDone(c, w, fl);
}

const fctiw = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.S32, false);
const fctiwz = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.S32, true);
const fctiwu = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.U32, false);
const fctiwuz = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.U32, true);
const fctid = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.S64, false);
const fctidz = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.S64, true);
const fctidu = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.U64, false);
const fctiduz = (c: Cpu, w: number): void => ctiOp(c, w, IntKind.U64, true);

function cfiOp(c: Cpu, w: number, signed: boolean, single: boolean, setFprf: boolean): void {
  const r = c.r, b = fprLo(fRB(w)), t = fprIndex(fRT(w));
  const fl = fromIntF(c.f, t, r[b + 1], r[b], signed, single, r[S.FPSCR] & 3);
  let fs = r[S.FPSCR] & ~Fp.FI;
  if (setFprf) fs = (fs & ~Fp.FPRF) | (fprfOfNum(c.f[t]) << FPRF_SHIFT);
  if (fl !== 0) {
    fs |= Fp.FX | Fp.XX | Fp.FI;
    if ((fs & Fp.XE) !== 0) {
      fs |= Fp.FEX;
      c.fpNow = 1; // an enabled inexact: fpu/trap.ts
    }
  }
  r[S.FPSCR] = fs;
  if ((w & 1) !== 0) r[S.CR + 1] = fs >>> 28;
}

const fcfid = (c: Cpu, w: number): void => cfiOp(c, w, true, false, true);
const fcfids = (c: Cpu, w: number): void => cfiOp(c, w, true, true, false);
const fcfidu = (c: Cpu, w: number): void => cfiOp(c, w, false, false, false);
const fcfidus = (c: Cpu, w: number): void => cfiOp(c, w, false, true, false);

/** X-form with XO in bits 21:30; `fraZero`: qemu requires FRA = 0. */
function xForm(mnemonic: string, op: number, xo: number, fraZero: boolean, exec: (c: Cpu, w: number) => void): OpDef {
  return {
    mnemonic, mask: (0xfc0007fe | (fraZero ? 0x1f0000 : 0)) >>> 0, match: ((op << 26) | (xo << 1)) >>> 0, exec, rc: true,
  };
}

export const FP_CONVERT_OPS: readonly OpDef[] = [
  xForm("fctiw", 63, 14, true, fctiw),
  xForm("fctiwz", 63, 15, true, fctiwz),
  xForm("fctiwu", 63, 142, false, fctiwu),
  xForm("fctiwuz", 63, 143, false, fctiwuz),
  xForm("fctid", 63, 814, true, fctid),
  xForm("fctidz", 63, 815, true, fctidz),
  xForm("fctidu", 63, 942, false, fctidu),
  xForm("fctiduz", 63, 943, false, fctiduz),
  xForm("fcfid", 63, 846, true, fcfid),
  xForm("fcfidu", 63, 974, false, fcfidu),
  xForm("fcfids", 59, 846, false, fcfids),
  xForm("fcfidus", 59, 974, false, fcfidus),
];
