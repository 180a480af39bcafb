// Small building blocks shared by the fixed-point emitters: operands in scratch locals, the CR
// field of a comparison, CR0 of a record form, XER.OV/OV32/SO of an OE form, and 64-bit masks
// computed at emit time.

import { type Emit, T, Xer, RA, Rc } from "../emit.js";
import { Op } from "../encoder.js";

/** Pop the top of the stack (of type t) into a new scratch local and return its index. */
export function pop(e: Emit, t: T = T.i64): number {
  const l = e.temp(t);
  e.f.set(l);
  return l;
}

/** GPR n in a scratch local (i64), for an operand read more than once. */
export function gprLocal(e: Emit, n: number): number {
  e.gpr(n);
  return pop(e);
}

/** Push (RA|0): the register, or 0 when the RA field is 0. */
export function pushRA0(e: Emit, w: number): void {
  const ra = RA(w);
  if (ra === 0) e.f.i64(0);
  else e.gpr(ra);
}

/** The low word of the i64 local `l`, signed, in a new i32 local. */
export function lowWord(e: Emit, l: number): number {
  e.f.get(l).op(Op.i32_wrap_i64);
  return pop(e, T.i32);
}

/** A pusher: code that pushes one operand (a local or a constant), callable several times. */
export type Push = () => void;

export const local = (e: Emit, l: number): Push => (): void => void e.f.get(l);
export const const64 = (e: Emit, v: bigint): Push => (): void => void e.f.i64(v);
export const const32 = (e: Emit, v: number): Push => (): void => void e.f.i32(v);

/**
 * Push the 3 comparison bits of a CR field for a against b: LT = 8, GT = 4, EQ = 2 (the three
 * are exclusive, so 2 << (GT + 2 * LT) picks exactly one of them).
 */
export function pushCompare(e: Emit, a: Push, b: Push, lt: Op, gt: Op): void {
  const f = e.f;
  f.i32(2);
  a(); b(); f.op(gt);
  a(); b(); f.op(lt);
  f.i32(1).op(Op.i32_shl, Op.i32_add, Op.i32_shl);
}

/** Push the SO bit to copy into a CR field: the local `so` when given, else XER.SO. */
function pushSo(e: Emit, so: number | undefined): void {
  if (so === undefined) e.xer(Xer.SO);
  else e.f.get(so);
}

/** CR field n = compare(a, b) | SO. */
export function setCrCompare(e: Emit, n: number, a: Push, b: Push, lt: Op, gt: Op, so?: number): void {
  pushCompare(e, a, b, lt, gt);
  pushSo(e, so);
  e.f.op(Op.i32_or);
  e.setCr(n);
}

/**
 * CR0 of a record form from the i64 local `r` (the value written to the target register), as
 * Cpu.setCR0 does: the whole register signed in 64-bit mode, its low word signed in 32-bit
 * mode; SO from `so` (the new SO of an OE form) or XER.SO.
 */
export function setCr0(e: Emit, r: number, so?: number): void {
  if (e.sf) {
    setCrCompare(e, 0, local(e, r), const64(e, 0n), Op.i64_lt_s, Op.i64_gt_s, so);
  } else {
    const lo = lowWord(e, r);
    setCrCompare(e, 0, local(e, lo), const32(e, 0), Op.i32_lt_s, Op.i32_gt_s, so);
  }
}

/** CR0 from `r` when the word is a record form and CR0 is live. */
export function recordForm(e: Emit, r: number, so?: number): void {
  if (Rc(e.w) && e.crLive(0)) setCr0(e, r, so);
}

/**
 * XER.OV = ov, OV32 = ov32 and SO |= ov (Cpu.setOV), from i32 locals holding 0/1. Returns the
 * local holding the new SO, for a record form's CR0.
 */
export function setOverflow(e: Emit, ov: number, ov32: number): number {
  const f = e.f;
  if (e.xerLive(Xer.OV)) {
    f.get(ov);
    e.setXer(Xer.OV);
  }
  if (e.xerLive(Xer.OV32)) {
    f.get(ov32);
    e.setXer(Xer.OV32);
  }
  e.xer(Xer.SO);
  f.get(ov).op(Op.i32_or);
  const so = pop(e, T.i32);
  if (e.xerLive(Xer.SO)) {
    f.get(so);
    e.setXer(Xer.SO);
  }
  return so;
}

/** Write the i64 local `r` to GPR n. */
export function setGprFrom(e: Emit, n: number, r: number): void {
  e.f.get(r);
  e.setGpr(n);
}

// ---- 64-bit masks (ISA bit numbering: bit 0 is the most significant) ----

const ALL = (1n << 64n) - 1n;

/** MASK(mb, me) as an unsigned 64-bit bigint; wraps around when mb > me. */
export function mask64(mb: number, me: number): bigint {
  const from = (p: number): bigint => (p >= 64 ? 0n : ALL >> BigInt(p)); // ones from bit p on
  const m = from(mb) ^ from(me + 1);
  return mb > me ? ALL ^ m : m;
}

/** Push the i64 constant of an unsigned 64-bit bigint (as the signed value wasm wants). */
export function pushMask(e: Emit, m: bigint): void {
  e.f.i64(BigInt.asIntN(64, m));
}

export const ALL_ONES = ALL;

/**
 * Pop the result (i64) into GPR rt and, for a record form with CR0 live, set CR0 from it (SO
 * from `so` when an OE form just computed it). `rc`: whether the word is a record form (its
 * Rc bit by default; D-forms such as addic. say it themselves).
 */
export function finish(e: Emit, rt: number, so?: number, rc: boolean = Rc(e.w)): void {
  if (!(rc && e.crLive(0))) {
    e.setGpr(rt);
    return;
  }
  const r = pop(e);
  setGprFrom(e, rt, r);
  setCr0(e, r, so);
}
