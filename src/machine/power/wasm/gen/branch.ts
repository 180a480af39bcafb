// Translator emitters: b, bc, bclr, bcctr, bctar (the region compiler's own family), each with
// its AA (absolute) and LK (link) forms. See ../emit.ts for the contract and ops/branch.ts for
// the semantics (BO bits, 32-bit mode); each emitter is checked against its handler by
// ../testing/check.ts (branch.test.ts).
//
// A static target (b, bc) goes to `branch`/`branchIf`, so a branch into the same region is a
// jump inside the function; a bdnz loop is a CTR decrement, a compare and a `br`.

import { Op, T } from "../encoder.js";
import { type Emit, Spr, type WasmGen } from "../emit.js";

const BO_NOCR = 0x02000000; // BO[0]: ignore the CR bit
const BO_CRVAL = 0x01000000; // BO[1]: the value the CR bit must have
const BO_NOCTR = 0x00800000; // BO[2]: do not decrement CTR
const BO_CTRZ = 0x00400000; // BO[3]: branch on CTR = 0

/** The static target pc + off (relative) or off (absolute), as the handler's setPc leaves it. */
function target(e: Emit, off: number, absolute: boolean): [number, number] {
  if (absolute) return [off, e.sf ? off >> 31 : 0];
  const lo = (e.pc + off) | 0;
  if (!e.sf) return [lo, 0];
  return [lo, (e.pcHi + (off >> 31) + ((lo >>> 0) < (e.pc >>> 0) ? 1 : 0)) | 0];
}

/** LR = the address of the next instruction. */
function link(e: Emit): void {
  const next = (e.pc + 4) | 0;
  const hi = !e.sf ? 0 : next === 0 ? (e.pcHi + 1) | 0 : e.pcHi;
  e.f.i64Halves(hi, next);
  e.setSpr(Spr.LR);
}

/**
 * Push the BO/BI condition (i32, nonzero = taken), decrementing CTR first when BO[2] is 0;
 * returns false when the condition is always true (nothing pushed).
 */
function condition(e: Emit, w: number, ctr: boolean): boolean {
  const f = e.f;
  let parts = 0;
  if (ctr && (w & BO_NOCTR) === 0) {
    e.spr(Spr.CTR);
    f.i64(1).op(Op.i64_sub);
    e.setSpr(Spr.CTR);
    e.spr(Spr.CTR);
    // In 32-bit mode the test looks at the low word only (the decrement is 64-bit).
    if (e.sf) f.op(Op.i64_eqz);
    else f.op(Op.i32_wrap_i64, Op.i32_eqz);
    if ((w & BO_CTRZ) === 0) f.op(Op.i32_eqz);
    parts++;
  }
  if ((w & BO_NOCR) === 0) {
    const bi = (w >>> 16) & 31;
    e.cr(bi >>> 2);
    f.i32(8 >>> (bi & 3)).op(Op.i32_and);
    if ((w & BO_CRVAL) === 0) f.op(Op.i32_eqz);
    else f.i32(0).op(Op.i32_ne);
    parts++;
  }
  if (parts === 2) f.op(Op.i32_and);
  return parts > 0;
}

const b: WasmGen = (e) => {
  const w = e.w;
  const li = ((w << 6) >> 6) & ~3;
  if ((w & 1) !== 0) link(e);
  const [lo, hi] = target(e, li, (w & 2) !== 0);
  e.branch(lo, hi);
  return true;
};

const bc: WasmGen = (e) => {
  const w = e.w;
  const bd = ((w << 16) >> 16) & ~3;
  const conditional = condition(e, w, true);
  if ((w & 1) !== 0) link(e);
  const [lo, hi] = target(e, bd, (w & 2) !== 0);
  if (conditional) e.branchIf(lo, hi);
  else e.branch(lo, hi);
  return true;
};

/** bclr, bctar and bcctr (BO[2] = 1): to a register's value, read before the link update. */
function toRegister(reg: Spr, ctr: boolean): WasmGen {
  return (e) => {
    const w = e.w;
    if (reg === Spr.CTR && (w & BO_NOCTR) === 0) return bcctrDecrement(e);
    const f = e.f;
    const t = e.temp(T.i64);
    e.spr(reg);
    f.i64(e.sf ? -4n : 0xfffffffcn).op(Op.i64_and).set(t);
    const conditional = condition(e, w, ctr);
    if ((w & 1) !== 0) link(e);
    if (conditional) f.if_();
    f.get(t);
    e.branchIndirect();
    if (conditional) f.end();
    return true;
  };
}

/**
 * bcctr with BO[2] = 0, an invalid form given qemu's semantics (ops/branch.ts): the CTR is
 * tested before the decrement, decremented only when that test passes, and the target is the
 * old CTR.
 */
function bcctrDecrement(e: Emit): boolean {
  const f = e.f;
  const w = e.w;
  const t = e.temp(T.i64);
  e.spr(Spr.CTR);
  f.i64(e.sf ? -4n : 0xfffffffcn).op(Op.i64_and).set(t);
  if ((w & 1) !== 0) link(e);
  e.spr(Spr.CTR);
  if (e.sf) f.op(Op.i64_eqz);
  else f.op(Op.i32_wrap_i64, Op.i32_eqz);
  if ((w & BO_CTRZ) === 0) f.op(Op.i32_eqz);
  f.if_();
  e.spr(Spr.CTR);
  f.i64(1).op(Op.i64_sub);
  e.setSpr(Spr.CTR);
  const conditional = condition(e, w | BO_NOCTR, false);
  if (conditional) f.if_();
  f.get(t);
  e.branchIndirect();
  if (conditional) f.end();
  f.end();
  return true;
}

export const BRANCH_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([
  ["b", b],
  ["bc", bc],
  ["bclr", toRegister(Spr.LR, true)],
  ["bctar", toRegister(Spr.TAR, true)],
  ["bcctr", toRegister(Spr.CTR, false)],
]);
