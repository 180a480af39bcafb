// Conversions between doubles and 32/64-bit integers, as qemu 7.2's softfloat does them for
// PowerPC (fctiw*, fctid*, fcfid*). Pure number arithmetic: every double of magnitude 2^52 or
// more is an integer, so rounding to an integer needs no extended precision, and a 64-bit
// integer is hi × 2^32 + lo with both terms exact doubles, so converting one is a rounded
// addition (TwoSum gives its error).
//
// Float to integer (qemu float64_to_int32/uint32/int64/uint64 and their _round_to_zero forms):
//  - rounded to an integer in the given mode; Inexact when that changed the value;
//  - out of range or infinite: the nearest bound (for the unsigned forms a negative value that
//    does not round to 0 gives 0) and InvCvti (Inexact is then not raised);
//  - NaN: InvCvti (and InvSnan for an SNaN), result 0x80000000 (fctiw*),
//    0x8000000000000000 (fctid*) or 0 (unsigned forms);
//  - the 64-bit register image: qemu stores the int32 result sign-extended (fctiw/fctiwz) and
//    the uint32 result zero-extended (fctiwu/fctiwuz), and the NaN value 0x80000000 of fctiw
//    zero-extended; the ISA leaves bits 0:31 undefined.

import { finishDouble, finishSingle } from "./fast.js";
import { RM, SF } from "./softfloat.js";

export const enum IntKind {
  S32,
  U32,
  S64,
  U64,
}

const TWO52 = 4503599627370496;
const TWO32 = 4294967296;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** x (finite) rounded to an integral value in mode rm. */
export function roundIntegral(x: number, rm: number): number {
  if (!(x < TWO52 && x > -TWO52)) return x;
  switch (rm) {
    case RM.Nearest: {
      // Adding 2^52 leaves no fraction bits: the addition rounds to the nearest-even integer.
      const t = (x < 0 ? -x : x) + TWO52 - TWO52;
      return x < 0 ? -t : t;
    }
    case RM.Zero: return Math.trunc(x);
    case RM.Up: return Math.ceil(x);
    default: return Math.floor(x);
  }
}

/**
 * Convert the double with encoding (hi, lo) and value x to an integer of the given kind,
 * writing the 64-bit register image to out[o] (low word) and out[o + 1]; returns the flags.
 */
export function toInt(out: Int32Array, o: number, hi: number, lo: number, x: number, rm: number, kind: IntKind): number {
  if (x !== x) {
    const f = SF.InvCvti | ((hi & 0x80000) === 0 ? SF.InvSnan : 0);
    out[o] = kind === IntKind.S32 ? 0x80000000 | 0 : 0;
    out[o + 1] = kind === IntKind.S64 ? 0x80000000 | 0 : 0;
    return f;
  }
  const r = roundIntegral(x, rm);
  const flags = r !== x ? SF.Inexact : 0;
  switch (kind) {
    case IntKind.S32:
      if (r > 2147483647) return put(out, o, 0x7fffffff, 0, SF.InvCvti);
      if (r < -2147483648) return put(out, o, 0x80000000 | 0, -1, SF.InvCvti);
      return put(out, o, r | 0, r < 0 ? -1 : 0, flags);
    case IntKind.U32:
      if (r >= TWO32) return put(out, o, -1, 0, SF.InvCvti);
      if (r < 0) return put(out, o, 0, 0, SF.InvCvti);
      return put(out, o, r | 0, 0, flags);
    case IntKind.S64:
      if (r >= TWO63) return put(out, o, -1, 0x7fffffff, SF.InvCvti);
      if (r < -TWO63) return put(out, o, 0, 0x80000000 | 0, SF.InvCvti);
      return put(out, o, r | 0, Math.floor(r / TWO32) | 0, flags);
    case IntKind.U64:
      if (r >= TWO64) return put(out, o, -1, -1, SF.InvCvti);
      if (r < 0) return put(out, o, 0, 0, SF.InvCvti);
      return put(out, o, r | 0, Math.floor(r / TWO32) | 0, flags);
  }
}

function put(out: Int32Array, o: number, lo: number, hi: number, flags: number): number {
  out[o] = lo;
  out[o + 1] = hi;
  return flags;
}

/**
 * f[t] = the 64-bit integer (hi, lo), signed or unsigned, rounded to double or single
 * precision in mode rm. Never fails; returns the flags (0 or SF.Inexact).
 */
export function fromIntF(f: Float64Array, t: number, hi: number, lo: number, signed: boolean, single: boolean, rm: number): number {
  const a = (signed ? hi : hi >>> 0) * TWO32;
  const b = lo >>> 0;
  const z = a + b;
  const bb = z - a;
  const err = a - (z - bb) + (b - bb);
  const e = err > 0 ? 1 : err < 0 ? -1 : 0;
  return single ? finishSingle(f, t, z, e, rm) : finishDouble(f, t, z, e, rm);
}
