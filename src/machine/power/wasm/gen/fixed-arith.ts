// Translator emitters for fixed-point arithmetic: add/subtract (with and without carry),
// negate, multiply, divide, compare. The handlers are ops/fixed-arith.ts; what they leave in the high
// word in 32-bit mode, and what they give for undefined results (qemu's choices: division by
// zero divides by one, ...), is reproduced here exactly.
//
// WebAssembly has 64-bit integers, so the (lo, hi) pair arithmetic of the handlers becomes
// single i64 operations. The carry out of bit 0 and the carry into bit 32 (32-bit mode's CA,
// and CA32) come from the classic bit formulas on the operands and the sum:
//   carry into bit k   = bit k of (a ^ b ^ sum)
//   carry out of bit 0 = bit 0 of ((a & b) | ((a | b) & ~sum))
// which hold for any carry-in, so adde/addme/... need no special case. Divisions guard the
// cases where wasm traps (division by zero, INT_MIN / -1) by dividing by one instead, which is
// exactly what the handlers (after qemu) return there. The high doubleword of a 128-bit
// product (mulhd, mulhdu, mulldo) comes from four 32 x 32-bit partial products; the extended
// divisions divde/divdeu from a 64-step restoring division (wasm has no 128-bit operations).

import { type Emit, type WasmGen, T, Xer, RT, RA, RB, SI, OE, Rc } from "../emit.js";
import { Op } from "../encoder.js";
import {
  type Push, pop, gprLocal, local, const64, const32, finish, setOverflow, lowWord, setCrCompare,
} from "./fixed-util.js";

const M32 = 0xffffffffn;
const MIN64 = -(1n << 63n);

// ---- add / subtract without carry ----

/** addi / li: RT = (RA|0) + EXTS(SI). */
const addi: WasmGen = (e) => {
  const w = e.w;
  if (RA(w) === 0) e.f.i64(SI(w));
  else {
    e.gpr(RA(w));
    if (SI(w) !== 0) e.f.i64(SI(w)).op(Op.i64_add);
  }
  e.setGpr(RT(w));
  return true;
};

/** addis / lis: RT = (RA|0) + EXTS(SI || 0x0000). */
const addis: WasmGen = (e) => {
  const w = e.w, v = w << 16;
  if (RA(w) === 0) e.f.i64(v);
  else {
    e.gpr(RA(w));
    if (v !== 0) e.f.i64(v).op(Op.i64_add);
  }
  e.setGpr(RT(w));
  return true;
};

/**
 * XER.OV/OV32/SO after r = a + b (+ carry-in), a and b i64 locals (a = ~RA for the subtract
 * forms): overflow when the operands have the same sign and the sum the other one, in the
 * 64-bit view (64-bit mode) or the low-word view (OV32, and OV in 32-bit mode). Returns the
 * local of the new SO.
 */
function addOverflow(e: Emit, a: Push, b: Push, r: number): number {
  const f = e.f;
  a(); b(); f.op(Op.i64_xor).i64(-1).op(Op.i64_xor);
  a(); f.get(r).op(Op.i64_xor, Op.i64_and);
  const x = pop(e);
  f.get(x).op(Op.i32_wrap_i64).i32(31).op(Op.i32_shr_u);
  const ov32 = pop(e, T.i32);
  let ov = ov32;
  if (e.sf) {
    f.get(x).i64(63).op(Op.i64_shr_u, Op.i32_wrap_i64);
    ov = pop(e, T.i32);
  }
  return setOverflow(e, ov, ov32);
}

/** RT = a + b (+ cin), then OE's overflow and Rc's CR0; a, b pushers of i64 operands. */
function addForm(e: Emit, a: Push, b: Push): void {
  const f = e.f, w = e.w;
  a(); b(); f.op(Op.i64_add);
  if (!OE(w)) {
    finish(e, RT(w));
    return;
  }
  const r = pop(e);
  const so = addOverflow(e, a, b, r);
  f.get(r);
  finish(e, RT(w), so);
}

/** add[o][.]: RT = RA + RB. */
const add: WasmGen = (e) => {
  const w = e.w;
  if (!OE(w)) {
    e.gpr(RA(w));
    e.gpr(RB(w));
    e.f.op(Op.i64_add);
    finish(e, RT(w));
    return true;
  }
  const a = gprLocal(e, RA(w)), b = gprLocal(e, RB(w));
  addForm(e, local(e, a), local(e, b));
  return true;
};

/** subf[o][.]: RT = RB - RA (= ~RA + RB + 1). */
const subf: WasmGen = (e) => {
  const w = e.w, f = e.f;
  if (!OE(w)) {
    e.gpr(RB(w));
    e.gpr(RA(w));
    f.op(Op.i64_sub);
    finish(e, RT(w));
    return true;
  }
  e.gpr(RA(w));
  f.i64(-1).op(Op.i64_xor);
  const na = pop(e);
  const b = gprLocal(e, RB(w));
  f.get(b).get(na).op(Op.i64_add).i64(1).op(Op.i64_add);
  const r = pop(e);
  const so = addOverflow(e, local(e, na), local(e, b), r);
  f.get(r);
  finish(e, RT(w), so);
  return true;
};

/** neg[o][.]: RT = -RA; overflows only for the most negative number of the mode's width. */
const neg: WasmGen = (e) => {
  const w = e.w, f = e.f;
  if (!OE(w)) {
    f.i64(0);
    e.gpr(RA(w));
    f.op(Op.i64_sub);
    finish(e, RT(w));
    return true;
  }
  const a = gprLocal(e, RA(w));
  f.get(a).op(Op.i32_wrap_i64).i32(-0x80000000).op(Op.i32_eq);
  const ov32 = pop(e, T.i32);
  let ov = ov32;
  if (e.sf) {
    f.get(a).i64(MIN64).op(Op.i64_eq);
    ov = pop(e, T.i32);
  }
  const so = setOverflow(e, ov, ov32);
  f.i64(0).get(a).op(Op.i64_sub);
  finish(e, RT(w), so);
  return true;
};

// ---- add / subtract with carry ----

/**
 * RT = A + B + cin with CA (carry out of bit 0 in 64-bit mode, into bit 32 in 32-bit mode),
 * CA32 (into bit 32), OV when OE and CR0 when Rc: ops/fixed-arith.ts addCarrying.
 * `cin`: undefined for no carry-in.
 */
function addCarrying(e: Emit, a: Push, b: Push, cin: Push | undefined, oe: boolean, rc: boolean): void {
  const f = e.f;
  a(); b(); f.op(Op.i64_add);
  if (cin !== undefined) {
    cin();
    f.op(Op.i64_add);
  }
  const r = pop(e);
  const c32 = (): void => {
    a(); b(); f.op(Op.i64_xor).get(r).op(Op.i64_xor).i64(32).op(Op.i64_shr_u, Op.i32_wrap_i64).i32(1).op(Op.i32_and);
  };
  if (e.xerLive(Xer.CA)) {
    if (e.sf) {
      a(); b(); f.op(Op.i64_and);
      a(); b(); f.op(Op.i64_or).get(r).i64(-1).op(Op.i64_xor, Op.i64_and, Op.i64_or);
      f.i64(63).op(Op.i64_shr_u, Op.i32_wrap_i64);
    } else c32();
    e.setXer(Xer.CA);
  }
  if (e.xerLive(Xer.CA32)) {
    c32();
    e.setXer(Xer.CA32);
  }
  const so = oe ? addOverflow(e, a, b, r) : undefined;
  f.get(r);
  finish(e, RT(e.w), so, rc);
}

/** The carry-in XER.CA as an i64 pusher. */
const carryIn = (e: Emit): Push => (): void => {
  e.xer(Xer.CA);
  e.f.op(Op.i64_extend_i32_u);
};

/** ~RA in a local. */
function notRA(e: Emit): number {
  e.gpr(RA(e.w));
  e.f.i64(-1).op(Op.i64_xor);
  return pop(e);
}

const one = (e: Emit): Push => const64(e, 1n);

/** The carrying XO-forms: operand A (RA or ~RA), operand B (RB or a constant), carry-in. */
function carrying(aNot: boolean, b: "rb" | bigint, cin: "0" | "1" | "ca"): WasmGen {
  return (e) => {
    const w = e.w;
    const a = aNot ? notRA(e) : gprLocal(e, RA(w));
    const pb = b === "rb" ? local(e, gprLocal(e, RB(w))) : const64(e, b);
    const pc = cin === "0" ? undefined : cin === "1" ? one(e) : carryIn(e);
    addCarrying(e, local(e, a), pb, pc, OE(w), Rc(w));
    return true;
  };
}

const addc = carrying(false, "rb", "0");
const adde = carrying(false, "rb", "ca");
const addme = carrying(false, -1n, "ca");
const addze = carrying(false, 0n, "ca");
const subfc = carrying(true, "rb", "1");
const subfe = carrying(true, "rb", "ca");
const subfme = carrying(true, -1n, "ca");
const subfze = carrying(true, 0n, "ca");

/** addic / addic.: RT = RA + EXTS(SI), CA (and CR0 for addic., primary opcode 13). */
const addic: WasmGen = (e) => {
  const rc = e.w >>> 26 === 13;
  addCarrying(e, local(e, gprLocal(e, RA(e.w))), const64(e, BigInt(SI(e.w))), undefined, false, rc);
  return true;
};

/** subfic: RT = ~RA + EXTS(SI) + 1, CA. */
const subfic: WasmGen = (e) => {
  addCarrying(e, local(e, notRA(e)), const64(e, BigInt(SI(e.w))), one(e), false, false);
  return true;
};

// ---- multiply ----

/** mulli: RT = low 64 bits of RA * EXTS(SI). */
const mulli: WasmGen = (e) => {
  e.gpr(RA(e.w));
  e.f.i64(SI(e.w)).op(Op.i64_mul);
  e.setGpr(RT(e.w));
  return true;
};

/** mullw[o][.]: RT = the 64-bit signed product of the low words. */
const mullw: WasmGen = (e) => {
  const w = e.w, f = e.f;
  e.gpr(RA(w));
  f.op(Op.i64_extend32_s);
  e.gpr(RB(w));
  f.op(Op.i64_extend32_s, Op.i64_mul);
  if (!OE(w)) {
    finish(e, RT(w));
    return true;
  }
  const p = pop(e);
  f.get(p).get(p).op(Op.i64_extend32_s, Op.i64_ne);
  const ov = pop(e, T.i32);
  const so = setOverflow(e, ov, ov);
  f.get(p);
  finish(e, RT(w), so);
  return true;
};

/** mulhw[.] / mulhwu[.]: RT = high word of the product of the low words (RT's high word 0). */
function mulhWord(signed: boolean): WasmGen {
  return (e) => {
    const w = e.w, f = e.f;
    const ext = signed ? Op.i64_extend32_s : null;
    e.gpr(RA(w));
    if (ext !== null) f.op(ext);
    else f.i64(M32).op(Op.i64_and);
    e.gpr(RB(w));
    if (ext !== null) f.op(ext);
    else f.i64(M32).op(Op.i64_and);
    f.op(Op.i64_mul).i64(32).op(Op.i64_shr_u);
    finish(e, RT(w));
    return true;
  };
}

/**
 * Push the high 64 bits of the 128-bit product of the i64 locals a and b, unsigned, from four
 * 32 x 32 -> 64-bit partial products (none of the sums below can overflow 64 bits).
 */
function pushMulHighU(e: Emit, a: number, b: number): void {
  const f = e.f;
  const half = (x: number, high: boolean): number => {
    f.get(x);
    if (high) f.i64(32).op(Op.i64_shr_u);
    else f.i64(M32).op(Op.i64_and);
    return pop(e);
  };
  const aL = half(a, false), aH = half(a, true), bL = half(b, false), bH = half(b, true);
  f.get(aL).get(bH).op(Op.i64_mul);
  const lh = pop(e);
  f.get(aH).get(bL).op(Op.i64_mul);
  const hl = pop(e);
  // mid = (aL*bL >> 32) + low(lh) + low(hl): the carries into the high doubleword
  f.get(aL).get(bL).op(Op.i64_mul).i64(32).op(Op.i64_shr_u);
  f.get(lh).i64(M32).op(Op.i64_and, Op.i64_add);
  f.get(hl).i64(M32).op(Op.i64_and, Op.i64_add);
  f.i64(32).op(Op.i64_shr_u);
  // + aH*bH + high(lh) + high(hl)
  f.get(aH).get(bH).op(Op.i64_mul, Op.i64_add);
  f.get(lh).i64(32).op(Op.i64_shr_u, Op.i64_add);
  f.get(hl).i64(32).op(Op.i64_shr_u, Op.i64_add);
}

/** Push the high 64 bits of the signed product: unsigned high - (a < 0 ? b : 0) - (b < 0 ? a : 0). */
function pushMulHighS(e: Emit, a: number, b: number): void {
  const f = e.f;
  pushMulHighU(e, a, b);
  f.get(a).i64(63).op(Op.i64_shr_s).get(b).op(Op.i64_and, Op.i64_sub);
  f.get(b).i64(63).op(Op.i64_shr_s).get(a).op(Op.i64_and, Op.i64_sub);
}

/** mulhd[.] / mulhdu[.]: RT = high 64 bits of the 128-bit product. */
function mulhDouble(signed: boolean): WasmGen {
  return (e) => {
    const w = e.w;
    const a = gprLocal(e, RA(w)), b = gprLocal(e, RB(w));
    if (signed) pushMulHighS(e, a, b);
    else pushMulHighU(e, a, b);
    finish(e, RT(w));
    return true;
  };
}

/** mulld[o][.]: RT = low 64 bits of RA * RB; OV when the signed product does not fit. */
const mulld: WasmGen = (e) => {
  const w = e.w, f = e.f;
  if (!OE(w)) {
    e.gpr(RA(w));
    e.gpr(RB(w));
    f.op(Op.i64_mul);
    finish(e, RT(w));
    return true;
  }
  const a = gprLocal(e, RA(w)), b = gprLocal(e, RB(w));
  f.get(a).get(b).op(Op.i64_mul);
  const p = pop(e);
  pushMulHighS(e, a, b);
  f.get(p).i64(63).op(Op.i64_shr_s, Op.i64_ne);
  const ov = pop(e, T.i32);
  const so = setOverflow(e, ov, ov);
  f.get(p);
  finish(e, RT(w), so);
  return true;
};

// ---- divide ----

/** OV/OV32/SO from a divide's overflow (i32 local `bad`) when OE; returns the new SO. */
function divOverflow(e: Emit, bad: number): number | undefined {
  return OE(e.w) ? setOverflow(e, bad, bad) : undefined;
}

/**
 * divw / divwu: the low words; on division by zero (or INT_MIN / -1 for divw) the handler
 * divides by one, RT = the low word of RA. RT's high word is 0 in every case.
 */
function divWord(signed: boolean): WasmGen {
  return (e) => {
    const w = e.w, f = e.f;
    e.gpr(RA(w));
    const a = lowWord(e, pop(e));
    e.gpr(RB(w));
    f.op(Op.i32_wrap_i64);
    const b = pop(e, T.i32);
    f.get(b).op(Op.i32_eqz);
    if (signed) f.get(a).i32(-0x80000000).op(Op.i32_eq).get(b).i32(-1).op(Op.i32_eq, Op.i32_and, Op.i32_or);
    const bad = pop(e, T.i32);
    const so = divOverflow(e, bad);
    f.get(a).i32(1).get(b).get(bad).op(Op.select, signed ? Op.i32_div_s : Op.i32_div_u, Op.i64_extend_i32_u);
    finish(e, RT(w), so);
    return true;
  };
}

/** divd / divdu: on division by zero (or INT64_MIN / -1 for divd) RT = RA. */
function divDouble(signed: boolean): WasmGen {
  return (e) => {
    const w = e.w, f = e.f;
    const a = gprLocal(e, RA(w)), b = gprLocal(e, RB(w));
    f.get(b).op(Op.i64_eqz);
    if (signed) f.get(a).i64(MIN64).op(Op.i64_eq).get(b).i64(-1).op(Op.i64_eq, Op.i32_and, Op.i32_or);
    const bad = pop(e, T.i32);
    const so = divOverflow(e, bad);
    f.get(a).i64(1).get(b).get(bad).op(Op.select, signed ? Op.i64_div_s : Op.i64_div_u);
    finish(e, RT(w), so);
    return true;
  };
}

/**
 * divweu: (low(RA) || 0^32) / low(RB), unsigned: defined when low(RA) < low(RB) (then the
 * quotient fits 32 bits and RB is not 0); else RT = 0 and overflow.
 */
const divweu: WasmGen = (e) => {
  const w = e.w, f = e.f;
  e.gpr(RA(w));
  f.i64(M32).op(Op.i64_and);
  const a = pop(e);
  e.gpr(RB(w));
  f.i64(M32).op(Op.i64_and);
  const b = pop(e);
  f.get(a).get(b).op(Op.i64_lt_u);
  const ok = pop(e, T.i32);
  f.get(ok).i32(1).op(Op.i32_xor);
  const bad = pop(e, T.i32);
  const so = divOverflow(e, bad);
  f.get(a).i64(32).op(Op.i64_shl).get(b).i64(1).get(ok).op(Op.select, Op.i64_div_u);
  f.i64(0).get(ok).op(Op.select);
  finish(e, RT(w), so);
  return true;
};

/**
 * divwe: (low(RA) || 0^32) / low(RB), signed, sign-extended into RT; defined when |low(RA)| <
 * |low(RB)| and the quotient fits 32 bits signed; else RT = 0 and overflow. The 64-bit
 * dividend low(RA) * 2^32 always fits (at most 2^63 in magnitude, exactly -2^63 at worst).
 */
const divwe: WasmGen = (e) => {
  const w = e.w, f = e.f;
  e.gpr(RA(w));
  f.op(Op.i64_extend32_s);
  const a = pop(e);
  e.gpr(RB(w));
  f.op(Op.i64_extend32_s);
  const b = pop(e);
  const abs = (x: number): void => {
    // |x| = (x ^ s) - s with s = x >> 63
    f.get(x).get(x).i64(63).op(Op.i64_shr_s, Op.i64_xor).get(x).i64(63).op(Op.i64_shr_s, Op.i64_sub);
  };
  abs(a);
  abs(b);
  f.op(Op.i64_lt_u);
  const small = pop(e, T.i32);
  f.get(a).i64(32).op(Op.i64_shl).get(b).i64(1).get(small).op(Op.select, Op.i64_div_s);
  const q = pop(e);
  f.get(small).get(q).get(q).op(Op.i64_extend32_s, Op.i64_eq, Op.i32_and);
  const ok = pop(e, T.i32);
  f.get(ok).i32(1).op(Op.i32_xor);
  const bad = pop(e, T.i32);
  const so = divOverflow(e, bad);
  f.get(q).i64(0).get(ok).op(Op.select);
  finish(e, RT(w), so);
  return true;
};

/**
 * Push floor((a || 0^64) / b) for the i64 locals a <u b (unsigned; the quotient fits 64 bits):
 * restoring division, one quotient bit per turn of a 64-turn loop (the handler's udiv128e).
 * The remainder stays below b, so with the bit shifted out on top it never needs 65 bits.
 */
function pushDivExtended(e: Emit, a: number, b: number): void {
  const f = e.f;
  const r = e.temp(T.i64), q = e.temp(T.i64), n = e.temp(T.i32), top = e.temp(T.i32);
  f.get(a).set(r).i64(0).set(q).i32(64).set(n);
  const lp = f.loop();
  f.get(r).i64(63).op(Op.i64_shr_u, Op.i32_wrap_i64).set(top);
  f.get(r).i64(1).op(Op.i64_shl).set(r);
  f.get(q).i64(1).op(Op.i64_shl).set(q);
  f.get(top).get(r).get(b).op(Op.i64_ge_u, Op.i32_or);
  f.if_();
  f.get(r).get(b).op(Op.i64_sub).set(r);
  f.get(q).i64(1).op(Op.i64_or).set(q);
  f.end();
  f.get(n).i32(1).op(Op.i32_sub).tee(n);
  f.brIf(lp);
  f.end();
  f.get(q);
}

/** divdeu: (RA || 0^64) / RB, unsigned; RT = 0 and overflow unless RA < RB. */
const divdeu: WasmGen = (e) => {
  const w = e.w, f = e.f;
  const a = gprLocal(e, RA(w)), b = gprLocal(e, RB(w));
  f.get(a).get(b).op(Op.i64_lt_u);
  const ok = pop(e, T.i32);
  f.get(ok).i32(1).op(Op.i32_xor);
  const bad = pop(e, T.i32);
  const so = divOverflow(e, bad);
  f.get(ok).if_(T.i64);
  pushDivExtended(e, a, b);
  f.else_().i64(0).end();
  finish(e, RT(w), so);
  return true;
};

/**
 * divde: (RA || 0^64) / RB, signed, on the magnitudes: RT = 0 and overflow unless |RA| < |RB|;
 * a quotient of 2^63 or more in magnitude is truncated without overflow (the handler, after
 * qemu).
 */
const divde: WasmGen = (e) => {
  const w = e.w, f = e.f;
  const a = gprLocal(e, RA(w)), b = gprLocal(e, RB(w));
  f.get(a).get(b).op(Op.i64_xor).i64(0).op(Op.i64_lt_s);
  const negative = pop(e, T.i32);
  const abs = (x: number): number => {
    f.get(x).get(x).i64(63).op(Op.i64_shr_s, Op.i64_xor).get(x).i64(63).op(Op.i64_shr_s, Op.i64_sub);
    return pop(e);
  };
  const ua = abs(a), ub = abs(b);
  f.get(ua).get(ub).op(Op.i64_lt_u);
  const ok = pop(e, T.i32);
  f.get(ok).i32(1).op(Op.i32_xor);
  const bad = pop(e, T.i32);
  const so = divOverflow(e, bad);
  f.get(ok).if_(T.i64);
  pushDivExtended(e, ua, ub);
  const q = pop(e);
  f.i64(0).get(q).op(Op.i64_sub).get(q).get(negative).op(Op.select);
  f.else_().i64(0).end();
  finish(e, RT(w), so);
  return true;
};

// ---- compare (into CR field BF; L = bit 10 selects the 64-bit compare) ----

const BF = (w: number): number => (w >>> 23) & 7;
const L = (w: number): boolean => (w & 0x200000) !== 0;

/** cmp / cmpl: RA against RB, signed or unsigned, doublewords (L) or low words. */
function cmpReg(signed: boolean): WasmGen {
  return (e) => {
    const w = e.w;
    if (!e.crLive(BF(w))) return true;
    if (L(w)) {
      const a = gprLocal(e, RA(w)), b = gprLocal(e, RB(w));
      setCrCompare(e, BF(w), local(e, a), local(e, b),
        signed ? Op.i64_lt_s : Op.i64_lt_u, signed ? Op.i64_gt_s : Op.i64_gt_u);
    } else {
      e.gpr(RA(w));
      const a = lowWord(e, pop(e));
      e.gpr(RB(w));
      const b = lowWord(e, pop(e));
      setCrCompare(e, BF(w), local(e, a), local(e, b),
        signed ? Op.i32_lt_s : Op.i32_lt_u, signed ? Op.i32_gt_s : Op.i32_gt_u);
    }
    return true;
  };
}

/** cmpi / cmpli: RA against EXTS(SI) (signed) or UI (unsigned). */
function cmpImm(signed: boolean): WasmGen {
  return (e) => {
    const w = e.w;
    if (!e.crLive(BF(w))) return true;
    const imm = signed ? SI(w) : w & 0xffff;
    if (L(w)) {
      const a = gprLocal(e, RA(w));
      setCrCompare(e, BF(w), local(e, a), const64(e, BigInt(imm)),
        signed ? Op.i64_lt_s : Op.i64_lt_u, signed ? Op.i64_gt_s : Op.i64_gt_u);
    } else {
      e.gpr(RA(w));
      const a = lowWord(e, pop(e));
      setCrCompare(e, BF(w), local(e, a), const32(e, imm),
        signed ? Op.i32_lt_s : Op.i32_lt_u, signed ? Op.i32_gt_s : Op.i32_gt_u);
    }
    return true;
  };
}

export const FIXED_ARITH_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([
  ["addi", addi],
  ["addis", addis],
  ["add", add],
  ["subf", subf],
  ["neg", neg],
  ["addc", addc],
  ["adde", adde],
  ["addme", addme],
  ["addze", addze],
  ["subfc", subfc],
  ["subfe", subfe],
  ["subfme", subfme],
  ["subfze", subfze],
  ["addic", addic],
  ["addic.", addic],
  ["subfic", subfic],
  ["mulli", mulli],
  ["mullw", mullw],
  ["mulhw", mulhWord(true)],
  ["mulhwu", mulhWord(false)],
  ["mulld", mulld],
  ["mulhd", mulhDouble(true)],
  ["mulhdu", mulhDouble(false)],
  ["divw", divWord(true)],
  ["divwu", divWord(false)],
  ["divd", divDouble(true)],
  ["divdu", divDouble(false)],
  ["divweu", divweu],
  ["divwe", divwe],
  ["divdeu", divdeu],
  ["divde", divde],
  ["cmp", cmpReg(true)],
  ["cmpl", cmpReg(false)],
  ["cmpi", cmpImm(true)],
  ["cmpli", cmpImm(false)],
]);
