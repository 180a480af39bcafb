// The exact floating-point core (the slow path): every operand is unpacked into a sign, an
// integer significand (BigInt) and a binary exponent, the operation is done exactly (division
// and square root with a sticky bit for the discarded remainder), and the result is rounded
// once to double or to single precision in any of the four rounding modes. It handles every
// input: NaNs, infinities, zeros, denormals, and results that overflow or underflow.
//
// It reproduces qemu 7.2's softfloat as configured for PowerPC (the oracle):
//  - NaN results: the first NaN operand in the order FRA, FRB (two-operand instructions) or
//    FRA, FRB, FRC (multiply-add), quieted (bit 12 of the fraction set); the default NaN is
//    0x7ff8000000000000. A NaN result is never negated by fnmadd/fnmsub nor by fsub's
//    subtraction.
//  - Single-precision results (the float64r32 operations) are rounded to single precision
//    and single exponent range and returned in double format; a NaN result then keeps only
//    the top 23 bits of its fraction (the low 29 bits are cleared).
//  - Underflow is detected before rounding (tiny = the exact result is below the smallest
//    normal) and is raised only when the result is also inexact.
//  - Overflow returns ±Inf or the largest finite number, as the rounding mode directs, and
//    raises Overflow and Inexact.
//  - Multiply-add rounds once; fnmadd/fnmsub negate before rounding, so directed modes round
//    the negated value; an exact zero sum is +0 (-0 when rounding toward -Inf), then negated.
//  - Inf × 0 + NaN raises the Inf × 0 invalid operation and returns the NaN addend.
//  - Enabled overflow and underflow (FPSCR[OE], [UE] = 1, passed as RB bits with the rounding
//    mode): the ISA's exponent-adjusted result, as qemu 7.2's rebias_overflow/_underflow: an
//    overflowing result is rounded with its exponent decreased by 1536 (192 for single
//    precision), a tiny one with its exponent increased by as much, rounded as a normal number
//    and flagged Underflow even when exact (the ISA's underflow with UE = 1).
//
// Results are written as two int32 words (out[o] = low, out[o + 1] = high) so that NaN
// payloads are exact; each function returns the flags (SF) that the operation raised.

/** Flags raised by an operation (the low three match fpscr.ts FpFlag). */
export const enum SF {
  None = 0,
  Inexact = 1,
  Underflow = 2,
  Overflow = 4,
  DivZero = 8,
  /** An operand is a signalling NaN. */
  InvSnan = 16,
  /** Inf - Inf (magnitude subtraction of infinities). */
  InvIsi = 32,
  /** Inf × 0. */
  InvImz = 64,
  /** Inf / Inf. */
  InvIdi = 128,
  /** 0 / 0. */
  InvZdz = 256,
  /** Square root of a negative number. */
  InvSqrt = 512,
  /** Invalid integer conversion (NaN, infinity or out of range). */
  InvCvti = 1024,
  /** The invalid-operation kinds other than SNaN that clear FR/FI (qemu finish_invalid_op_arith). */
  InvArith = InvIsi | InvImz | InvIdi | InvZdz | InvSqrt,
}

/** Bits ORed into the rounding mode: FPSCR[UE] and [OE] are set (rebias the result's exponent). */
export const enum RB {
  Underflow = 4,
  Overflow = 8,
}

/** FPSCR[RN] encodings. */
export const enum RM {
  Nearest = 0,
  Zero = 1,
  Up = 2,
  Down = 3,
}

const enum K {
  Zero,
  Finite,
  Inf,
  QNaN,
  SNaN,
}

/** An unpacked operand: value = (-1)^s × m × 2^e for finite nonzero ones. */
interface U {
  k: K;
  s: number;
  m: bigint;
  e: number;
}

export const DEFAULT_NAN_HI = 0x7ff80000;

function unpack(hi: number, lo: number): U {
  const be = (hi >>> 20) & 0x7ff;
  const s = hi >>> 31;
  const fhi = hi & 0xfffff;
  if (be === 0x7ff) {
    if ((fhi | lo) === 0) return { k: K.Inf, s, m: 0n, e: 0 };
    return { k: (hi & 0x80000) !== 0 ? K.QNaN : K.SNaN, s, m: 0n, e: 0 };
  }
  const frac = (BigInt(fhi) << 32n) | BigInt(lo >>> 0);
  if (be === 0) {
    if (frac === 0n) return { k: K.Zero, s, m: 0n, e: 0 };
    return { k: K.Finite, s, m: frac, e: -1074 };
  }
  return { k: K.Finite, s, m: frac | (1n << 52n), e: be - 1075 };
}

const isNaN_ = (u: U): boolean => u.k === K.QNaN || u.k === K.SNaN;

/** Number of significant bits of m > 0. */
export function bitLen(m: bigint): number {
  return m.toString(2).length;
}

// ---- writing results ----

function putZero(out: Int32Array, o: number, s: number): void {
  out[o] = 0;
  out[o + 1] = s << 31;
}

function putInf(out: Int32Array, o: number, s: number): void {
  out[o] = 0;
  out[o + 1] = (s << 31) | 0x7ff00000;
}

function putDefaultNaN(out: Int32Array, o: number): void {
  out[o] = 0;
  out[o + 1] = DEFAULT_NAN_HI;
}

/** A NaN operand as a result: quieted, and for single results cut to a single's payload. */
function putNaN(out: Int32Array, o: number, hi: number, lo: number, single: boolean): void {
  out[o] = single ? lo & 0xe0000000 : lo;
  out[o + 1] = hi | 0x80000;
}

/** Write kept × 2^q (exactly representable as a double, kept > 0) with sign s. */
function putFinite(out: Int32Array, o: number, s: number, kept: bigint, q: number): void {
  const nb = bitLen(kept);
  const top = q + nb - 1;
  let frac: bigint;
  let be: number;
  if (top >= -1022) {
    frac = (kept << BigInt(53 - nb)) - (1n << 52n);
    be = top + 1023;
  } else {
    frac = kept << BigInt(q + 1074);
    be = 0;
  }
  out[o] = Number(frac & 0xffffffffn) | 0;
  out[o + 1] = (s << 31) | (be << 20) | Number(frac >> 32n);
}

/**
 * Round (-1)^s × (m + (sticky ? a fraction in (0, 1) : 0)) × 2^e, m ≥ 0 and not both zero,
 * to double or single precision under mode rm, write it, and return the flags.
 */
export function roundPack(
  out: Int32Array, o: number, s: number, m: bigint, e: number, sticky: boolean, rm: number, single: boolean,
): number {
  const P = single ? 24 : 53;
  const EMIN = single ? -126 : -1022;
  const EMAX = single ? 127 : 1023;
  const BIAS = single ? 192 : 1536;
  const rebias = rm & (RB.Underflow | RB.Overflow);
  rm &= 3;
  if (sticky) {
    m = (m << 2n) | 1n;
    e -= 2;
  }
  let top = e + bitLen(m) - 1;
  let tiny = top < EMIN;
  let flags = 0;
  let scaledUp = false;
  if (tiny && (rebias & RB.Underflow) !== 0) {
    // Enabled underflow: the result is the exact one times 2^BIAS, rounded as a normal number.
    e += BIAS;
    top += BIAS;
    tiny = false;
    scaledUp = true;
    flags = SF.Underflow;
  }
  let q = Math.max(top - (P - 1), EMIN - (P - 1));
  let kept: bigint;
  if (q <= e) {
    kept = m << BigInt(e - q);
  } else {
    const sh = BigInt(q - e);
    kept = m >> sh;
    const rem = m - (kept << sh);
    if (rem !== 0n) {
      flags |= SF.Inexact;
      let inc: boolean;
      switch (rm) {
        case RM.Nearest: {
          const half = 1n << (sh - 1n);
          inc = rem > half || (rem === half && (kept & 1n) === 1n);
          break;
        }
        case RM.Zero: inc = false; break;
        case RM.Up: inc = s === 0; break;
        default: inc = s !== 0; break;
      }
      if (inc) {
        kept += 1n;
        if (kept === 1n << BigInt(P)) {
          kept >>= 1n;
          q += 1;
        }
      }
      if (tiny) flags |= SF.Underflow;
    }
  }
  if (kept === 0n) {
    putZero(out, o, s);
    return flags;
  }
  if (!scaledUp && q + bitLen(kept) - 1 > EMAX && (rebias & RB.Overflow) !== 0) {
    // Enabled overflow: the rounded result times 2^-BIAS (rounding did not depend on the range).
    putFinite(out, o, s, kept, q - BIAS);
    return flags | SF.Overflow;
  }
  if (q + bitLen(kept) - 1 > EMAX) {
    // Overflow: Inf, or the largest finite number when the mode rounds toward zero from here.
    const toInf = rm === RM.Nearest || (rm === RM.Up && s === 0) || (rm === RM.Down && s !== 0);
    if (toInf) putInf(out, o, s);
    else putFinite(out, o, s, (1n << BigInt(P)) - 1n, EMAX - P + 1);
    return SF.Overflow | SF.Inexact;
  }
  putFinite(out, o, s, kept, q);
  return flags;
}

/** Exact signed sum of two finite values: returns [sign, |sum|, exponent]. */
function addExact(sa: number, ma: bigint, ea: number, sb: number, mb: bigint, eb: number): [number, bigint, number] {
  const e = Math.min(ea, eb);
  const a = (ma << BigInt(ea - e)) * (sa !== 0 ? -1n : 1n);
  const b = (mb << BigInt(eb - e)) * (sb !== 0 ? -1n : 1n);
  const sum = a + b;
  return sum < 0n ? [1, -sum, e] : [0, sum, e];
}

// ---- the operations ----

/** FRA ± FRB (fadd/fsub/fadds/fsubs). */
export function sfAdd(
  out: Int32Array, o: number, ahi: number, alo: number, bhi: number, blo: number,
  subtract: boolean, rm: number, single: boolean,
): number {
  const a = unpack(ahi, alo), b = unpack(bhi, blo);
  if (isNaN_(a) || isNaN_(b)) return pickNaN2(out, o, a, ahi, alo, b, bhi, blo, single);
  const bs = b.s ^ (subtract ? 1 : 0);
  if (a.k === K.Inf || b.k === K.Inf) {
    if (a.k === K.Inf && b.k === K.Inf && a.s !== bs) {
      putDefaultNaN(out, o);
      return SF.InvIsi;
    }
    putInf(out, o, a.k === K.Inf ? a.s : bs);
    return 0;
  }
  if (a.k === K.Zero && b.k === K.Zero) {
    putZero(out, o, a.s === bs ? a.s : (rm & 3) === RM.Down ? 1 : 0);
    return 0;
  }
  let s: number, m: bigint, e: number;
  if (a.k === K.Zero) [s, m, e] = [bs, b.m, b.e];
  else if (b.k === K.Zero) [s, m, e] = [a.s, a.m, a.e];
  else [s, m, e] = addExact(a.s, a.m, a.e, bs, b.m, b.e);
  if (m === 0n) {
    putZero(out, o, (rm & 3) === RM.Down ? 1 : 0);
    return 0;
  }
  return roundPack(out, o, s, m, e, false, rm, single);
}

/** FRA × FRC (fmul/fmuls). */
export function sfMul(
  out: Int32Array, o: number, ahi: number, alo: number, bhi: number, blo: number, rm: number, single: boolean,
): number {
  const a = unpack(ahi, alo), b = unpack(bhi, blo);
  const s = a.s ^ b.s;
  if ((a.k === K.Inf && b.k === K.Zero) || (a.k === K.Zero && b.k === K.Inf)) {
    putDefaultNaN(out, o);
    return SF.InvImz;
  }
  if (isNaN_(a) || isNaN_(b)) return pickNaN2(out, o, a, ahi, alo, b, bhi, blo, single);
  if (a.k === K.Inf || b.k === K.Inf) {
    putInf(out, o, s);
    return 0;
  }
  if (a.k === K.Zero || b.k === K.Zero) {
    putZero(out, o, s);
    return 0;
  }
  return roundPack(out, o, s, a.m * b.m, a.e + b.e, false, rm, single);
}

/** FRA / FRB (fdiv/fdivs, and fre/fres with FRA = 1). */
export function sfDiv(
  out: Int32Array, o: number, ahi: number, alo: number, bhi: number, blo: number, rm: number, single: boolean,
): number {
  const a = unpack(ahi, alo), b = unpack(bhi, blo);
  const s = a.s ^ b.s;
  if (a.k === K.Zero && b.k === K.Zero) {
    putDefaultNaN(out, o);
    return SF.InvZdz;
  }
  if (a.k === K.Inf && b.k === K.Inf) {
    putDefaultNaN(out, o);
    return SF.InvIdi;
  }
  if (isNaN_(a) || isNaN_(b)) return pickNaN2(out, o, a, ahi, alo, b, bhi, blo, single);
  if (a.k === K.Inf) {
    putInf(out, o, s);
    return 0;
  }
  if (a.k === K.Zero || b.k === K.Inf) {
    putZero(out, o, s);
    return 0;
  }
  if (b.k === K.Zero) {
    putInf(out, o, s);
    return SF.DivZero;
  }
  // Quotient with at least P + 3 bits, and a sticky bit for the remainder.
  const k = Math.max(0, 56 + bitLen(b.m) - bitLen(a.m));
  const n = a.m << BigInt(k);
  const q = n / b.m;
  return roundPack(out, o, s, q, a.e - b.e - k, q * b.m !== n, rm, single);
}

/** Integer square root (floor) of n ≥ 0. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  // Start above the root and descend (Newton's method on integers).
  let x = 1n << BigInt((bitLen(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** √FRB (fsqrt/fsqrts). */
export function sfSqrt(out: Int32Array, o: number, bhi: number, blo: number, rm: number, single: boolean): number {
  const b = unpack(bhi, blo);
  if (isNaN_(b)) {
    putNaN(out, o, bhi, blo, single);
    return b.k === K.SNaN ? SF.InvSnan : 0;
  }
  if (b.k === K.Zero) {
    putZero(out, o, b.s);
    return 0;
  }
  if (b.s !== 0) {
    putDefaultNaN(out, o);
    return SF.InvSqrt;
  }
  if (b.k === K.Inf) {
    putInf(out, o, 0);
    return 0;
  }
  let m = b.m, e = b.e;
  if ((e & 1) !== 0) {
    m <<= 1n;
    e -= 1;
  }
  // Scale by an even power of two so that the root has at least 58 bits.
  const j = Math.max(0, 58 - (bitLen(m) >> 1));
  const n = m << BigInt(2 * j);
  const r = isqrt(n);
  return roundPack(out, o, 0, r, (e >> 1) - j, r * r !== n, rm, single);
}

/**
 * The multiply-adds: (-1)^negR × (FRA × FRC + (-1)^negC × FRB). Operands in qemu's order:
 * a = FRA, b = FRC (the multiplier), c = FRB (the addend).
 */
export function sfMulAdd(
  out: Int32Array, o: number,
  ahi: number, alo: number, bhi: number, blo: number, chi: number, clo: number,
  negC: boolean, negR: boolean, rm: number, single: boolean,
): number {
  const a = unpack(ahi, alo), b = unpack(bhi, blo), c = unpack(chi, clo);
  const infZero = (a.k === K.Inf && b.k === K.Zero) || (a.k === K.Zero && b.k === K.Inf);
  if (isNaN_(a) || isNaN_(b) || isNaN_(c)) {
    let flags = a.k === K.SNaN || b.k === K.SNaN || c.k === K.SNaN ? SF.InvSnan : 0;
    if (infZero) {
      flags |= SF.InvImz;
      putNaN(out, o, chi, clo, single);
    } else if (isNaN_(a)) {
      putNaN(out, o, ahi, alo, single);
    } else if (isNaN_(c)) {
      putNaN(out, o, chi, clo, single);
    } else {
      putNaN(out, o, bhi, blo, single);
    }
    return flags;
  }
  const cs = c.s ^ (negC ? 1 : 0);
  const ps = a.s ^ b.s;
  const ns = negR ? 1 : 0;
  if (infZero) {
    putDefaultNaN(out, o);
    return SF.InvImz;
  }
  if (a.k === K.Inf || b.k === K.Inf) {
    if (c.k === K.Inf && ps !== cs) {
      putDefaultNaN(out, o);
      return SF.InvIsi;
    }
    putInf(out, o, ps ^ ns);
    return 0;
  }
  if (c.k === K.Inf) {
    putInf(out, o, cs ^ ns);
    return 0;
  }
  if (a.k === K.Zero || b.k === K.Zero) {
    if (c.k === K.Zero) {
      putZero(out, o, (ps !== cs ? ((rm & 3) === RM.Down ? 1 : 0) : ps) ^ ns);
      return 0;
    }
    return roundPack(out, o, cs ^ ns, c.m, c.e, false, rm, single);
  }
  let s = ps, m = a.m * b.m, e = a.e + b.e;
  if (c.k !== K.Zero) [s, m, e] = addExact(ps, m, e, cs, c.m, c.e);
  if (m === 0n) {
    putZero(out, o, ((rm & 3) === RM.Down ? 1 : 0) ^ ns);
    return 0;
  }
  return roundPack(out, o, s ^ ns, m, e, false, rm, single);
}

/** frsp: round a double to single precision. */
export function sfToSingle(out: Int32Array, o: number, bhi: number, blo: number, rm: number): number {
  const b = unpack(bhi, blo);
  switch (b.k) {
    case K.QNaN:
    case K.SNaN:
      putNaN(out, o, bhi, blo, true);
      return b.k === K.SNaN ? SF.InvSnan : 0;
    case K.Inf:
      putInf(out, o, b.s);
      return 0;
    case K.Zero:
      putZero(out, o, b.s);
      return 0;
    case K.Finite:
      return roundPack(out, o, b.s, b.m, b.e, false, rm, true);
  }
}

/** The NaN result of a two-operand operation: FRA if it is a NaN, else FRB. */
function pickNaN2(
  out: Int32Array, o: number, a: U, ahi: number, alo: number, b: U, bhi: number, blo: number, single: boolean,
): number {
  if (isNaN_(a)) putNaN(out, o, ahi, alo, single);
  else putNaN(out, o, bhi, blo, single);
  return a.k === K.SNaN || b.k === K.SNaN ? SF.InvSnan : 0;
}
