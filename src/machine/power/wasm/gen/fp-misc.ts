// Translator emitters: floating-point moves (fmr fneg fabs fnabs fcpsgn fmrgew fmrgow fsel),
// rounding to an integral value (frin friz frip frim), compares (fcmpu fcmpo), conversions
// (fcti*, fcfid*) and the FPSCR instructions (mffs, mtfsf, mtfsfi, mtfsb0/1, mcrfs), as their
// handlers in ops/fp-move.ts, fp-compare.ts, fp-convert.ts and fp-control.ts compute them.
// The moves are bit operations (a NaN passes unchanged); the rest leave NaN operands, invalid
// conversions and writes of FPSCR bits 0:31 to the handler.

import { type Emit, type WasmGen, T, RT, RA, RB, RC, Rc } from "../emit.js";
import { type Label, Op } from "../encoder.js";
import {
  Fs, cr1FromFpscr, fastOrFallback, finishSingleNearest, fpscrDone, fpscrFast, fprfOfFinite, keepF64, keepI32,
} from "./fp-code.js";

const SIGN = -0x8000000000000000n;
const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

// ---- moves ----

/** FRT := f(FRB bits) (and FRA bits): no FPSCR change; CR1 := FPSCR[0:3] for Rc = 1. */
function move(body: (e: Emit) => void, rc = true): WasmGen {
  return (e) => {
    body(e);
    e.setFprBits(RT(e.w));
    cr1FromFpscr(e, rc && Rc(e.w));
    return true;
  };
}

const fmr = move((e) => e.fprBits(RB(e.w)));
const fneg = move((e) => {
  e.fprBits(RB(e.w));
  e.f.i64(SIGN).op(Op.i64_xor);
});
const fabs = move((e) => {
  e.fprBits(RB(e.w));
  e.f.i64(~SIGN).op(Op.i64_and);
});
const fnabs = move((e) => {
  e.fprBits(RB(e.w));
  e.f.i64(SIGN).op(Op.i64_or);
});
const fcpsgn = move((e) => {
  e.fprBits(RA(e.w));
  e.f.i64(SIGN).op(Op.i64_and);
  e.fprBits(RB(e.w));
  e.f.i64(~SIGN).op(Op.i64_and, Op.i64_or);
});
/** fmrgew: FRA[0:31] || FRB[0:31]. */
const fmrgew = move((e) => {
  e.fprBits(RA(e.w));
  e.f.i64(-0x100000000n).op(Op.i64_and);
  e.fprBits(RB(e.w));
  e.f.i64(32).op(Op.i64_shr_u, Op.i64_or);
}, false);
/** fmrgow: FRA[32:63] || FRB[32:63]. */
const fmrgow = move((e) => {
  e.fprBits(RA(e.w));
  e.f.i64(32).op(Op.i64_shl);
  e.fprBits(RB(e.w));
  e.f.i64(0xffffffff).op(Op.i64_and, Op.i64_or);
}, false);
/** fsel: FRC if FRA >= 0 (either zero; not a NaN), else FRB. */
const fsel = move((e) => {
  const w = e.w;
  e.fprBits(RC(w));
  e.fprBits(RB(w));
  e.fpr(RA(w));
  e.f.f64(0).op(Op.f64_ge, Op.select);
});

// ---- round to integral value ----

export const enum Rnd {
  /** frin: to nearest, ties away from zero. */
  Away,
  Trunc,
  Ceil,
  Floor,
}

/** Push the f64 local x (finite) rounded to an integral value in mode `mode`. */
export function roundTo(e: Emit, x: number, mode: Rnd): void {
  const f = e.f;
  switch (mode) {
    case Rnd.Away: {
      // t = trunc(x), d = x - t (exact): d >= 0.5 ? t + 1 : d <= -0.5 ? t - 1 : t
      const t = e.temp(T.f64), d = e.temp(T.f64);
      f.get(x).op(Op.f64_trunc).set(t);
      f.get(x).get(t).op(Op.f64_sub).set(d);
      f.get(t).f64(1).op(Op.f64_add);
      f.get(t).f64(1).op(Op.f64_sub);
      f.get(t);
      f.get(d).f64(-0.5).op(Op.f64_le, Op.select);
      f.get(d).f64(0.5).op(Op.f64_ge, Op.select);
      break;
    }
    case Rnd.Trunc: f.get(x).op(Op.f64_trunc); break;
    case Rnd.Ceil: f.get(x).op(Op.f64_ceil); break;
    case Rnd.Floor: f.get(x).op(Op.f64_floor); break;
  }
}

/** fri*: a finite operand rounded (FPRF := class, FI := 0); NaN and infinity go to the handler. */
function fri(mode: Rnd): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const f = e.f;
      e.fpr(RB(e.w));
      const x = keepF64(e);
      f.get(x).get(x).op(Op.f64_sub).f64(0).op(Op.f64_ne).brIf(slow);
      const y = e.temp(T.f64);
      roundTo(e, x, mode);
      f.tee(y);
      e.setFpr(RT(e.w));
      const cr1 = Rc(e.w) && e.crLive(1);
      if (!e.fpscrLive() && !cr1) return;
      const n = e.temp(T.i32);
      e.fpscr();
      f.i32(~(Fs.FI | Fs.FPRF)).op(Op.i32_and);
      fprfOfFinite(e, y);
      f.op(Op.i32_or).tee(n);
      e.setFpscr();
      if (cr1) {
        f.get(n).i32(28).op(Op.i32_shr_u);
        e.setCr(1);
      }
    });
}

// ---- compares ----

/**
 * fcmpu/fcmpo of two numbers: CR field BF and FPSCR[FPCC] := 8 (less), 4 (greater) or 2
 * (equal), FI := 0. Either operand a NaN: the handler (VXSNAN, VXVC, FPRF rules).
 */
const fcmp: WasmGen = (e) =>
  fastOrFallback(e, (slow) => {
    const f = e.f, w = e.w, bf = (w >>> 23) & 7;
    e.fpr(RA(w));
    const a = keepF64(e);
    e.fpr(RB(w));
    const b = keepF64(e);
    f.get(a).get(a).op(Op.f64_ne).get(b).get(b).op(Op.f64_ne, Op.i32_or).brIf(slow);
    f.i32(8).i32(4).i32(2).get(a).get(b).op(Op.f64_gt, Op.select).get(a).get(b).op(Op.f64_lt, Op.select);
    const cc = keepI32(e);
    if (e.crLive(bf)) {
      f.get(cc);
      e.setCr(bf);
    }
    if (e.fpscrLive()) {
      e.fpscr();
      f.i32(~(Fs.FPCC | Fs.FI)).op(Op.i32_and).get(cc).i32(12).op(Op.i32_shl, Op.i32_or);
      e.setFpscr();
    }
  });

// ---- float -> integer ----

export const enum Int {
  S32,
  U32,
  S64,
  U64,
}

/**
 * Push x (an f64 local, finite) rounded to an integral value: toward zero, or in the mode
 * FPSCR[RN] held in the i32 local fs (fpu/convert.ts roundIntegral: f64.nearest is its
 * round-half-even).
 */
export function roundIn(e: Emit, x: number, fs: number | undefined): void {
  const f = e.f;
  if (fs === undefined) {
    f.get(x).op(Op.f64_trunc);
    return;
  }
  const rm = e.temp(T.i32);
  f.get(fs).i32(Fs.RN).op(Op.i32_and).set(rm);
  f.get(x).op(Op.f64_nearest).get(x).op(Op.f64_trunc).get(rm).op(Op.i32_eqz, Op.select);
  f.get(x).op(Op.f64_ceil).get(x).op(Op.f64_floor).get(rm).i32(2).op(Op.i32_eq, Op.select);
  f.get(rm).i32(2).op(Op.i32_lt_u, Op.select);
}

/**
 * fpu/convert.ts toInt for a number in range: push the 64-bit register image of the rounded
 * f64 local r, after branching to `slow` when r is out of the kind's range (invalid: the
 * handler saturates and sets VXCVI).
 */
export function toIntImage(e: Emit, r: number, kind: Int, slow: Label): void {
  const f = e.f;
  const [lo, hi, hiOpen] = ((): [number, number, boolean] => {
    switch (kind) {
      case Int.S32: return [-2147483648, 2147483647, false];
      case Int.U32: return [0, TWO32, true];
      case Int.S64: return [-TWO63, TWO63, true];
      case Int.U64: return [0, TWO64, true];
    }
  })();
  f.get(r).f64(lo).op(Op.f64_ge).get(r).f64(hi).op(hiOpen ? Op.f64_lt : Op.f64_le, Op.i32_and, Op.i32_eqz).brIf(slow);
  f.get(r);
  switch (kind) {
    case Int.S32: f.op(Op.i32_trunc_f64_s, Op.i64_extend_i32_s); break;
    case Int.U32: f.op(Op.i64_trunc_f64_u); break;
    case Int.S64: f.op(Op.i64_trunc_f64_s); break;
    case Int.U64: f.op(Op.i64_trunc_f64_u); break;
  }
}

/** fcti[w|d][u][z]: FPRF unchanged; FI, XX, FX from inexactness; CR1 for Rc = 1. */
function fcti(kind: Int, toZero: boolean): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const f = e.f;
      const fs = fpscrFast(e, slow, false);
      e.fpr(RB(e.w));
      const x = keepF64(e);
      f.get(x).get(x).op(Op.f64_ne).brIf(slow);
      roundIn(e, x, toZero ? undefined : fs);
      const r = keepF64(e);
      toIntImage(e, r, kind, slow);
      e.setFprBits(RT(e.w));
      f.get(r).get(x).op(Op.f64_ne);
      fpscrDone(e, fs, undefined, keepI32(e), Rc(e.w));
    });
}

// ---- integer -> float ----

/**
 * fpu/convert.ts fromIntF's first step: z = RN(the 64-bit integer in the i64 local v), with
 * the sign of its error (hi × 2^32 and lo are exact doubles: their sum's error by TwoSum).
 */
export function fromIntCore(e: Emit, v: number, signed: boolean): { z: number; ne: number; pos: number } {
  const f = e.f;
  const a = e.temp(T.f64), b = e.temp(T.f64), z = e.temp(T.f64), bb = e.temp(T.f64), err = e.temp(T.f64);
  f.get(v).i64(32).op(Op.i64_shr_u, Op.i32_wrap_i64, signed ? Op.f64_convert_i32_s : Op.f64_convert_i32_u);
  f.f64(TWO32).op(Op.f64_mul).set(a);
  f.get(v).op(Op.i32_wrap_i64, Op.f64_convert_i32_u).set(b);
  f.get(a).get(b).op(Op.f64_add).tee(z);
  f.get(a).op(Op.f64_sub).set(bb);
  // a - (z - bb) + (b - bb)
  f.get(a).get(z).get(bb).op(Op.f64_sub, Op.f64_sub);
  f.get(b).get(bb).op(Op.f64_sub, Op.f64_add).set(err);
  const ne = e.temp(T.i32), pos = e.temp(T.i32);
  f.get(err).f64(0).op(Op.f64_ne).set(ne);
  f.get(err).f64(0).op(Op.f64_gt).set(pos);
  return { z, ne, pos };
}

/** fcfid[u][s]: FI, XX, FX from inexactness; FPRF only for fcfid (qemu); CR1 for Rc = 1. */
function fcfi(signed: boolean, single: boolean, setFprf: boolean): WasmGen {
  return (e) =>
    fastOrFallback(e, (slow) => {
      const fs = fpscrFast(e, slow, true);
      e.fprBits(RB(e.w));
      const v = e.temp(T.i64);
      e.f.set(v);
      const c = fromIntCore(e, v, signed);
      let r = c.z, inexact = c.ne;
      if (single) ({ r, inexact } = finishSingleNearest(e, c.z, c.ne, c.pos, slow));
      e.f.get(r);
      e.setFpr(RT(e.w));
      fpscrDone(e, fs, setFprf ? r : undefined, inexact, Rc(e.w));
    });
}

// ---- FPSCR ----

/** Push fpscr.ts fpNormalize of the i32 local v (VX and FEX recomputed, bit 52 cleared). */
function normalize(e: Emit, v: number): void {
  const f = e.f;
  f.get(v).i32(~(Fs.FEX | Fs.VX | Fs.RES52)).op(Op.i32_and).tee(v);
  f.get(v).i32(Fs.VXALL).op(Op.i32_and).i32(0).op(Op.i32_ne).i32(29).op(Op.i32_shl, Op.i32_or).tee(v);
  f.get(v).i32(22).op(Op.i32_shr_u).get(v).op(Op.i32_and).i32(0xf8).op(Op.i32_and).i32(0).op(Op.i32_ne);
  f.i32(30).op(Op.i32_shl, Op.i32_or);
}

/**
 * FPSCR := normalize((value & m) | (FPSCR & ~m)) where `value` pushes an i32 (fpscr.ts fpStore
 * on the low word), then CR1 for Rc = 1.
 */
function storeLow(e: Emit, m: number, value: (() => void) | undefined): void {
  const f = e.f;
  const cr1 = Rc(e.w) && e.crLive(1);
  if (!e.fpscrLive() && !cr1) return;
  const v = e.temp(T.i32);
  e.fpscr();
  if (value !== undefined) {
    f.i32(~m).op(Op.i32_and);
    value();
    f.i32(m).op(Op.i32_and, Op.i32_or);
  }
  f.set(v);
  normalize(e, v);
  f.tee(v);
  e.setFpscr();
  if (cr1) {
    f.get(v).i32(28).op(Op.i32_shr_u);
    e.setCr(1);
  }
}

/** The mask of the FPSCR nibbles selected by the 8 bits of n (bit k = nibble k from the right). */
function nibbleMask(n: number): number {
  let m = 0;
  for (let k = 0; k < 8; k++) if ((n & (1 << k)) !== 0) m |= 0xf << (4 * k);
  return m;
}

/** mffs and the ISA 3.0 forms (executed as mffs, as a POWER8 does): FRT := FPSCR. */
const mffs: WasmGen = (e) => {
  if (e.fpscrHi === undefined) return false;
  const f = e.f;
  e.fpscrHi();
  f.op(Op.i64_extend_i32_u).i64(32).op(Op.i64_shl);
  e.fpscr();
  f.op(Op.i64_extend_i32_u, Op.i64_or);
  e.setFprBits(RT(e.w));
  cr1FromFpscr(e, Rc(e.w));
  return true;
};

/** mtfsf with L = 0 and W = 0 (the other forms write FPSCR bits 0:31: the handler). */
const mtfsf: WasmGen = (e) => {
  const w = e.w;
  if ((w & 0x02010000) !== 0) return false;
  storeLow(e, nibbleMask((w >>> 17) & 0xff), () => {
    e.fprBits(RB(w));
    e.f.op(Op.i32_wrap_i64);
  });
  return true;
};

/** mtfsfi with W = 0. */
const mtfsfi: WasmGen = (e) => {
  const w = e.w;
  if ((w & 0x10000) !== 0) return false;
  const sh = 4 * (7 - ((w >>> 23) & 7));
  const u = (w >>> 12) & 0xf;
  storeLow(e, 0xf << sh, () => e.f.i32(u << sh));
  return true;
};

/** mtfsb0/mtfsb1: change bit 32+BT unless it is FEX or VX (or NI for mtfsb1), and only if it differs. */
function mtfsb(set: boolean): WasmGen {
  return (e) => {
    const f = e.f;
    const m = 1 << (31 - RT(e.w));
    const ignored = m === Fs.FEX || m === Fs.VX || (set && m === 1 << 2);
    if (ignored) {
      cr1FromFpscr(e, Rc(e.w));
      return true;
    }
    const cr1 = Rc(e.w) && e.crLive(1);
    if (!e.fpscrLive() && !cr1) return true;
    const fs = e.temp(T.i32), v = e.temp(T.i32), n = e.temp(T.i32);
    e.fpscr();
    f.set(fs);
    f.get(fs).i32(set ? m : ~m).op(set ? Op.i32_or : Op.i32_and).set(v);
    normalize(e, v);
    f.get(fs);
    f.get(fs).i32(m).op(Op.i32_and);
    if (set) f.op(Op.i32_eqz);
    // changed ? normalize(v) : fs
    f.op(Op.select).tee(n);
    e.setFpscr();
    if (cr1) {
      f.get(n).i32(28).op(Op.i32_shr_u);
      e.setCr(1);
    }
    return true;
  };
}

/** mcrfs BF, BFA: CR[BF] := FPSCR field BFA, whose exception bits are then cleared. */
const mcrfs: WasmGen = (e) => {
  const f = e.f, w = e.w;
  const bf = (w >>> 23) & 7, shift = 4 * (7 - ((w >>> 18) & 7));
  const EXC_CLEAR = (Fs.FX | (1 << 28) | (1 << 27) | (1 << 26) | (1 << 25) | Fs.VXALL) >>> 0;
  if (e.crLive(bf)) {
    e.fpscr();
    f.i32(shift).op(Op.i32_shr_u).i32(0xf).op(Op.i32_and);
    e.setCr(bf);
  }
  if (e.fpscrLive()) {
    const v = e.temp(T.i32);
    e.fpscr();
    f.i32(~((0xf << shift) & EXC_CLEAR)).op(Op.i32_and).set(v);
    normalize(e, v);
    e.setFpscr();
  }
  return true;
};

export const FP_MISC_GENS: readonly (readonly [string, WasmGen])[] = [
  ["fmr", fmr],
  ["fneg", fneg],
  ["fabs", fabs],
  ["fnabs", fnabs],
  ["fcpsgn", fcpsgn],
  ["fmrgew", fmrgew],
  ["fmrgow", fmrgow],
  ["fsel", fsel],
  ["frin", fri(Rnd.Away)],
  ["friz", fri(Rnd.Trunc)],
  ["frip", fri(Rnd.Ceil)],
  ["frim", fri(Rnd.Floor)],
  ["fcmpu", fcmp],
  ["fcmpo", fcmp],
  ["fctiw", fcti(Int.S32, false)],
  ["fctiwz", fcti(Int.S32, true)],
  ["fctiwu", fcti(Int.U32, false)],
  ["fctiwuz", fcti(Int.U32, true)],
  ["fctid", fcti(Int.S64, false)],
  ["fctidz", fcti(Int.S64, true)],
  ["fctidu", fcti(Int.U64, false)],
  ["fctiduz", fcti(Int.U64, true)],
  ["fcfid", fcfi(true, false, true)],
  ["fcfids", fcfi(true, true, false)],
  ["fcfidu", fcfi(false, false, false)],
  ["fcfidus", fcfi(false, true, false)],
  ["mffs", mffs],
  ["mffsce", mffs],
  ["mffscdrn", mffs],
  ["mffscdrni", mffs],
  ["mffscrn", mffs],
  ["mffscrni", mffs],
  ["mffsl", mffs],
  ["mtfsf", mtfsf],
  ["mtfsfi", mtfsfi],
  ["mtfsb0", mtfsb(false)],
  ["mtfsb1", mtfsb(true)],
  ["mcrfs", mcrfs],
];

