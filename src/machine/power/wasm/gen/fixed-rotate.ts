// Translator emitters for rotate-and-mask and shift instructions. The handlers are
// ops/fixed-rotate.ts. Masks depend only on the instruction word, so they are computed here at
// emit time; a rotate whose mask keeps only the bits of one side becomes a plain shift (slwi,
// srwi, sldi, srdi, clrldi, ... are all rotates in the ISA).
//
// The rlw* forms rotate the low word of RS and apply MASK(MB+32, ME+32); when MB > ME that
// mask wraps around and keeps the whole high word, where the handler leaves the rotated word
// again (the 64-bit rotation of the word duplicated into both halves). Shift amounts come from
// RB's low 6 (words) or 7 (doublewords) bits; amounts of 32 (64) or more give 0, or all sign
// bits for the algebraic shifts, whose CA is "negative and a one bit was shifted out".

import { type Emit, type WasmGen, T, Xer, RT, RA, RB } from "../emit.js";
import { Op } from "../encoder.js";
import { pop, finish, mask64, pushMask, ALL_ONES } from "./fixed-util.js";

const M32 = 0xffffffffn;

/** ISA MB/ME fields of an M-form (rlw*) word. */
const MB5 = (w: number): number => (w >>> 6) & 31;
const ME5 = (w: number): number => (w >>> 1) & 31;
/** The 6-bit shift of an MD/XS-form word (sh0:4 || sh5). */
const SH6 = (w: number): number => ((w >>> 11) & 31) | ((w & 2) << 4);
/** The 6-bit mb/me of an MD/MDS-form word (the word's bit 5 is the high bit). */
const MB6 = (w: number): number => ((w >>> 6) & 31) | (w & 0x20);

/** The pushed i32 rotated left by sh (constant 0..31) and masked with the 32-bit m. */
function rotMask32(e: Emit, sh: number, m: number): void {
  const f = e.f;
  m >>>= 0;
  const left = (0xffffffff << sh) >>> 0; // where x << sh lands
  const right = sh === 0 ? 0 : (0xffffffff >>> (32 - sh)) >>> 0; // where x >>> (32 - sh) lands
  let covered: number;
  if (sh === 0) covered = 0xffffffff;
  else if ((m & ~left) === 0) {
    f.i32(sh).op(Op.i32_shl);
    covered = left;
  } else if ((m & ~right) >>> 0 === 0) {
    f.i32(32 - sh).op(Op.i32_shr_u);
    covered = right;
  } else {
    f.i32(sh).op(Op.i32_rotl);
    covered = 0xffffffff;
  }
  if (m !== covered) f.i32(m | 0).op(Op.i32_and);
}

/** The pushed i64 rotated left by sh (constant 0..63) and masked with m. */
function rotMask64(e: Emit, sh: number, m: bigint): void {
  const f = e.f;
  let covered: bigint;
  if (sh === 0) covered = ALL_ONES;
  else {
    const left = mask64(0, 63 - sh), right = mask64(64 - sh, 63);
    if ((m & ~left) === 0n) {
      f.i64(sh).op(Op.i64_shl);
      covered = left;
    } else if ((m & ~right) === 0n) {
      f.i64(64 - sh).op(Op.i64_shr_u);
      covered = right;
    } else {
      f.i64(sh).op(Op.i64_rotl);
      covered = ALL_ONES;
    }
  }
  if (m !== covered) {
    pushMask(e, m);
    f.op(Op.i64_and);
  }
}

/** Push the low word of RS duplicated into both halves of an i64. */
function pushDupLow(e: Emit, rs: number): void {
  const f = e.f;
  e.gpr(rs);
  f.i64(M32).op(Op.i64_and);
  const z = pop(e);
  f.get(z).get(z).i64(32).op(Op.i64_shl, Op.i64_or);
}

// ---- rlw* ----

/**
 * rlwinm / rlwnm / rlwimi: rotate the low word of RS (by SH, or by RB for rlwnm), mask, and
 * for rlwimi insert under the mask into RA.
 */
function rlw(kind: "inm" | "nm" | "imi"): WasmGen {
  return (e) => {
    const w = e.w, f = e.f, rs = RT(w), ra = RA(w);
    const mb = MB5(w), me = ME5(w), sh = RB(w);
    const m = mask64(mb + 32, me + 32);
    if (mb <= me) {
      // Mask within the low word: a 32-bit rotate, zero-extended.
      e.gpr(rs);
      f.op(Op.i32_wrap_i64);
      if (kind === "nm") {
        e.gpr(RB(w));
        f.op(Op.i32_wrap_i64, Op.i32_rotl);
        if (m !== M32) f.i32(Number(m) | 0).op(Op.i32_and);
      } else rotMask32(e, sh, Number(m));
      f.op(Op.i64_extend_i32_u);
    } else {
      pushDupLow(e, rs);
      if (kind === "nm") {
        e.gpr(RB(w));
        f.op(Op.i64_rotl);
        pushMask(e, m);
        f.op(Op.i64_and);
      } else rotMask64(e, sh, m);
    }
    if (kind === "imi") {
      e.gpr(ra);
      pushMask(e, ALL_ONES ^ m);
      f.op(Op.i64_and, Op.i64_or);
    }
    finish(e, ra);
    return true;
  };
}

// ---- rld* ----

/** rldicl / rldicr / rldic / rldimi: rotate RS by SH, MASK(mb, me); rldimi inserts into RA. */
function rldImm(mbme: (w: number, sh: number) => [number, number], insert: boolean): WasmGen {
  return (e) => {
    const w = e.w, f = e.f, sh = SH6(w);
    const [mb, me] = mbme(w, sh);
    const m = mask64(mb, me);
    e.gpr(RT(w));
    rotMask64(e, sh, m);
    if (insert) {
      e.gpr(RA(w));
      pushMask(e, ALL_ONES ^ m);
      f.op(Op.i64_and, Op.i64_or);
    }
    finish(e, RA(w));
    return true;
  };
}

/** rldcl / rldcr: rotate RS by RB (mod 64), MASK(mb, me). */
function rldReg(mbme: (w: number) => [number, number]): WasmGen {
  return (e) => {
    const w = e.w, f = e.f;
    const [mb, me] = mbme(w);
    e.gpr(RT(w));
    e.gpr(RB(w));
    f.op(Op.i64_rotl);
    const m = mask64(mb, me);
    if (m !== ALL_ONES) {
      pushMask(e, m);
      f.op(Op.i64_and);
    }
    finish(e, RA(w));
    return true;
  };
}

// ---- logical shifts ----

/** slw / srw: the low word of RS shifted by RB (mod 64; 32..63 give 0), zero-extended. */
function shiftWord(left: boolean): WasmGen {
  return (e) => {
    const w = e.w, f = e.f;
    e.gpr(RT(w));
    if (left) {
      // (RS << n) keeps in its low word exactly the low word shifted, and 0 for n >= 32.
      e.gpr(RB(w));
      f.op(Op.i64_shl).i64(M32).op(Op.i64_and);
    } else {
      f.i64(M32).op(Op.i64_and);
      e.gpr(RB(w));
      f.op(Op.i64_shr_u);
    }
    finish(e, RA(w));
    return true;
  };
}

/** sld / srd: RS shifted by RB[57:63]; 64..127 give 0. */
function shiftDouble(left: boolean): WasmGen {
  return (e) => {
    const w = e.w, f = e.f;
    e.gpr(RB(w));
    const n = pop(e);
    e.gpr(RT(w));
    f.get(n).op(left ? Op.i64_shl : Op.i64_shr_u);
    f.i64(0).get(n).i64(64).op(Op.i64_and, Op.i64_eqz, Op.select);
    finish(e, RA(w));
    return true;
  };
}

// ---- algebraic shifts (CA: negative and ones shifted out) ----

/** CA (and CA32 when `ca32`) from the i32 local `ca`. */
function setCarry(e: Emit, ca: number, ca32: boolean): void {
  if (e.xerLive(Xer.CA)) {
    e.f.get(ca);
    e.setXer(Xer.CA);
  }
  if (ca32 && e.xerLive(Xer.CA32)) {
    e.f.get(ca);
    e.setXer(Xer.CA32);
  }
}

const caLive = (e: Emit, ca32: boolean): boolean => e.xerLive(Xer.CA) || (ca32 && e.xerLive(Xer.CA32));

/**
 * sraw: x = EXTS(low word of RS) >> RB[58:63] (shifting the sign-extended word by 32..63 gives
 * all sign bits, as the handler does); CA = CA32 = x < 0 and (r << n) != x.
 */
const sraw: WasmGen = (e) => {
  const w = e.w, f = e.f;
  e.gpr(RT(w));
  f.op(Op.i64_extend32_s);
  const x = pop(e);
  e.gpr(RB(w));
  f.i64(63).op(Op.i64_and);
  const n = pop(e);
  f.get(x).get(n).op(Op.i64_shr_s);
  const r = pop(e);
  if (caLive(e, true)) {
    f.get(x).i64(0).op(Op.i64_lt_s);
    f.get(r).get(n).op(Op.i64_shl).get(x).op(Op.i64_ne, Op.i32_and);
    setCarry(e, pop(e, T.i32), true);
  }
  f.get(r);
  finish(e, RA(w));
  return true;
};

/** srawi: constant shift of the sign-extended low word; CA only (CA32 untouched, as the handler). */
const srawi: WasmGen = (e) => {
  const w = e.w, f = e.f, sh = RB(w);
  e.gpr(RT(w));
  f.op(Op.i64_extend32_s);
  const x = pop(e);
  if (e.xerLive(Xer.CA)) {
    if (sh === 0) f.i32(0);
    else f.get(x).i64(0).op(Op.i64_lt_s).get(x).i64(2 ** sh - 1).op(Op.i64_and, Op.i64_eqz, Op.i32_eqz, Op.i32_and);
    e.setXer(Xer.CA);
  }
  f.get(x);
  if (sh !== 0) f.i64(sh).op(Op.i64_shr_s);
  finish(e, RA(w));
  return true;
};

/**
 * srad: RS >> RB[57:63], 64..127 giving all sign bits (a shift by 63 gives the same value);
 * CA = CA32 = RS < 0 and (ones shifted out, or a count of 64 or more: then every bit is lost,
 * and a nonzero negative number has some one bit).
 */
const srad: WasmGen = (e) => {
  const w = e.w, f = e.f;
  e.gpr(RT(w));
  const x = pop(e);
  e.gpr(RB(w));
  const nb = pop(e);
  f.i64(63).get(nb).i64(63).op(Op.i64_and).get(nb).i64(64).op(Op.i64_and, Op.i64_eqz, Op.i32_eqz, Op.select);
  const n = pop(e);
  f.get(x).get(n).op(Op.i64_shr_s);
  const r = pop(e);
  if (caLive(e, true)) {
    f.get(x).i64(0).op(Op.i64_lt_s);
    f.get(r).get(n).op(Op.i64_shl).get(x).op(Op.i64_ne);
    f.get(nb).i64(64).op(Op.i64_and, Op.i64_eqz, Op.i32_eqz, Op.i32_or, Op.i32_and);
    setCarry(e, pop(e, T.i32), true);
  }
  f.get(r);
  finish(e, RA(w));
  return true;
};

/** sradi: constant 6-bit shift; CA only. */
const sradi: WasmGen = (e) => {
  const w = e.w, f = e.f, sh = SH6(w);
  e.gpr(RT(w));
  const x = pop(e);
  if (e.xerLive(Xer.CA)) {
    if (sh === 0) f.i32(0);
    else {
      f.get(x).i64(0).op(Op.i64_lt_s).get(x);
      pushMask(e, (1n << BigInt(sh)) - 1n);
      f.op(Op.i64_and, Op.i64_eqz, Op.i32_eqz, Op.i32_and);
    }
    e.setXer(Xer.CA);
  }
  f.get(x);
  if (sh !== 0) f.i64(sh).op(Op.i64_shr_s);
  finish(e, RA(w));
  return true;
};

export const FIXED_ROTATE_GENS: ReadonlyMap<string, WasmGen> = new Map<string, WasmGen>([
  ["rlwinm", rlw("inm")],
  ["rlwnm", rlw("nm")],
  ["rlwimi", rlw("imi")],
  ["rldicl", rldImm((w) => [MB6(w), 63], false)],
  ["rldicr", rldImm((w) => [0, MB6(w)], false)],
  ["rldic", rldImm((w, sh) => [MB6(w), 63 - sh], false)],
  ["rldimi", rldImm((w, sh) => [MB6(w), 63 - sh], true)],
  ["rldcl", rldReg((w) => [MB6(w), 63])],
  ["rldcr", rldReg((w) => [0, MB6(w)])],
  ["slw", shiftWord(true)],
  ["srw", shiftWord(false)],
  ["sraw", sraw],
  ["srawi", srawi],
  ["sld", shiftDouble(true)],
  ["srd", shiftDouble(false)],
  ["srad", srad],
  ["sradi", sradi],
]);
