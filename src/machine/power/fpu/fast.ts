// The fast path of the arithmetic core: JS numbers are IEEE doubles rounded to nearest-even,
// so each operation computes its round-to-nearest double result z and, with an error-free
// transformation, the sign of the rounding error (exact result - z):
//   add/sub  Fast2Sum (Dekker) with the operands ordered: the error of a + b is a double;
//   mul      TwoProduct (Dekker, with Veltkamp splitting): a × b = p + e exactly;
//   div      the remainder a - q × b, exact from TwoProduct (it is representable);
//   sqrt     the remainder a - s × s, likewise;
//   fma      a × b = uh + ul, c + uh = th + tl, tl + ul = w + werr, th + w = z + zerr (all
//            exact): x = z + zerr + werr, where werr is too small to matter except to break
//            an exact tie of th + w (a variant of Boldo & Melquiond's emulation, which rounds
//            tl + ul to odd instead; the tie test keeps the dependency chain short).
// From z and the error sign, the other rounding modes are one step to the adjacent double,
// and a single-precision result is RN-to-single of z, corrected when z is exactly a single
// midpoint, or stepped to the adjacent single for the directed modes.
//
// Calling convention (for speed: no double crosses a call that V8 might not inline, since a
// double argument or return value would then be boxed into a heap number): every operation
// takes the FPR array and the operands' indices in it, writes its result to f[t] and returns
// its flags (0 or SF.Inexact), or returns -1 without writing anything when it cannot prove
// the result: a NaN, infinite or zero operand where the rules are not trivial, a result that
// may overflow or be tiny (underflow is detected before rounding), operands too large or too
// small for the transformations. The caller then uses the exact core (softfloat.ts).

import { DBL_MAX, DBL_MIN, FLT_MAX, FLT_MIN, nextAway32, nextDown, nextTowardZero, nextTowardZero32, nextUp } from "./bits.js";
import { RM, SF } from "./softfloat.js";

/** 2^27 + 1, the Veltkamp splitting constant. */
const SPLIT = 134217729;
/** 2^996: operands below this can be split without overflow. */
const BIG = 6.696928794914171e299;
/** 2^-968: products at least this large have an exactly representable error term. */
const TINYP = 4.008336720017946e-292;
/** 2^1023: products below this leave room for the split partial products (≤ p × (1 + 2^-25)). */
const PMAX = 8.98846567431158e307;
/** 2^1020: addends and products below this cannot overflow in the FMA sums. */
const HUGE = 1.1235582092889474e307;

/** a × b - p exactly, where p = RN(a × b), for normal a, b below BIG with TINYP ≤ |p| < PMAX. */
function prodErr(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * Write the double result in mode rm of an exact value x, given z = RN(x) (finite) and e = the
 * sign of x - z (-1, 0, 1); -1 if it could overflow or be tiny.
 */
export function finishDouble(f: Float64Array, t: number, z: number, e: number, rm: number): number {
  if (e === 0) {
    f[t] = z;
    return 0;
  }
  const az = z < 0 ? -z : z;
  if (!(az > DBL_MIN && az < DBL_MAX)) return -1;
  f[t] = z;
  if (rm !== RM.Nearest) stepDouble(f, t, e > 0, rm);
  return SF.Inexact;
}

/** Directed rounding: f[t] holds RN(x) (nonzero, not the largest), `up` says x > f[t]. */
function stepDouble(f: Float64Array, t: number, up: boolean, rm: number): void {
  const z = f[t];
  switch (rm) {
    case RM.Zero: if (up === z < 0) f[t] = nextTowardZero(z); break;
    case RM.Up: if (up) f[t] = nextUp(z); break;
    default: if (!up) f[t] = nextDown(z); break;
  }
}

/**
 * Write the single result (as a double) in mode rm of an exact value x, given z = RN(x), e as
 * above. s = RN24(z) is RN24(x) unless z is exactly halfway between two singles and x is not
 * z; then e says on which side x lies. (Midpoints and singles are doubles, and RN53 keeps
 * x on its side of every double.)
 */
export function finishSingle(f: Float64Array, t: number, z: number, e: number, rm: number): number {
  const s = Math.fround(z);
  const d = z - s; // exact
  if (d === 0 && e === 0) {
    f[t] = s;
    return 0;
  }
  const as = s < 0 ? -s : s, az = z < 0 ? -z : z;
  if (!(az > FLT_MIN && as < FLT_MAX)) return -1;
  if (rm === RM.Nearest) {
    if (e !== 0 && d !== 0 && (d > 0) === (e > 0)) {
      // z a midpoint (s + 2d is then the single on its other side) and x beyond it
      const s2 = s + 2 * d;
      f[t] = Math.fround(s2) === s2 ? s2 : s;
    } else {
      f[t] = s;
    }
    return SF.Inexact;
  }
  // The sign of x - s: that of d when z is not s (|x - z| is below z's last bit), else e.
  f[t] = s;
  stepSingle(f, t, d !== 0 ? d > 0 : e > 0, rm);
  return SF.Inexact;
}

/** Directed rounding: f[t] holds RN24(x) (a nonzero single, not the largest), `up`: x > f[t]. */
function stepSingle(f: Float64Array, t: number, up: boolean, rm: number): void {
  const s = f[t];
  switch (rm) {
    case RM.Zero: if (up === s < 0) f[t] = nextTowardZero32(s); break;
    case RM.Up: if (up) f[t] = s > 0 ? nextAway32(s) : nextTowardZero32(s); break;
    default: if (!up) f[t] = s > 0 ? nextTowardZero32(s) : nextAway32(s); break;
  }
}

function finish(f: Float64Array, t: number, z: number, e: number, rm: number, single: boolean): number {
  return single ? finishSingle(f, t, z, e, rm) : finishDouble(f, t, z, e, rm);
}

/** f[t] = f[ia] ± f[ib]. */
export function addF(f: Float64Array, t: number, ia: number, ib: number, sub: boolean, rm: number, single: boolean): number {
  const a = f[ia], b = sub ? -f[ib] : f[ib];
  const z = a + b;
  if (z - z !== 0) return -1;
  // Fast2Sum (Dekker), larger magnitude first: z - a is exact, so nothing overflows.
  const err = (a < 0 ? -a : a) >= (b < 0 ? -b : b) ? b - (z - a) : a - (z - b);
  if (rm === RM.Nearest && !single) {
    f[t] = z;
    return err !== 0 ? SF.Inexact : 0;
  }
  if (err === 0) {
    // Exact. A zero sum of operands that are not both +0 is -0 when rounding toward -Inf
    // (JS gives the round-to-nearest sign).
    const r = z === 0 && rm === RM.Down && !(1 / a > 0 && 1 / b > 0) ? -0 : z;
    return finish(f, t, r, 0, rm, single);
  }
  return finish(f, t, z, err > 0 ? 1 : -1, rm, single);
}

/** f[t] = f[ia] × f[ib]. */
export function mulF(f: Float64Array, t: number, ia: number, ib: number, rm: number, single: boolean): number {
  const a = f[ia], b = f[ib];
  const p = a * b;
  const ap = p < 0 ? -p : p, aa = a < 0 ? -a : a, ab = b < 0 ? -b : b;
  if (!(ap >= TINYP && ap < PMAX && aa < BIG && ab < BIG && aa >= DBL_MIN && ab >= DBL_MIN)) {
    if (p === 0 && (a === 0 || b === 0) && aa <= DBL_MAX && ab <= DBL_MAX) {
      f[t] = p;
      return 0;
    }
    return -1;
  }
  const err = prodErr(a, b, p);
  if (rm === RM.Nearest && !single) {
    f[t] = p;
    return err !== 0 ? SF.Inexact : 0;
  }
  return finish(f, t, p, err > 0 ? 1 : err < 0 ? -1 : 0, rm, single);
}

/** f[t] = f[ia] / f[ib], or 1 / f[ib] when `one`. */
export function divF(f: Float64Array, t: number, ia: number, ib: number, one: boolean, rm: number, single: boolean): number {
  const a = one ? 1 : f[ia], b = f[ib];
  const q = a / b;
  const aq = q < 0 ? -q : q, aa = a < 0 ? -a : a, ab = b < 0 ? -b : b;
  if (!(aq > DBL_MIN && aq < BIG && ab >= DBL_MIN && ab < BIG && aa >= TINYP && aa < PMAX)) {
    if (a === 0 && ab > 0 && ab <= DBL_MAX) {
      f[t] = q;
      return 0;
    }
    return -1;
  }
  const p = q * b;
  const r = a - p - prodErr(q, b, p);
  const e = r === 0 ? 0 : (r > 0) === (b > 0) ? 1 : -1;
  if (rm === RM.Nearest && !single) {
    f[t] = q;
    return e !== 0 ? SF.Inexact : 0;
  }
  return finish(f, t, q, e, rm, single);
}

/** f[t] = √f[ib]. */
export function sqrtF(f: Float64Array, t: number, ib: number, rm: number, single: boolean): number {
  const a = f[ib];
  if (!(a >= TINYP && a < PMAX)) {
    if (a === 0) {
      f[t] = a;
      return 0;
    }
    return -1;
  }
  const s = Math.sqrt(a);
  const p = s * s;
  const r = a - p - prodErr(s, s, p);
  if (rm === RM.Nearest && !single) {
    f[t] = s;
    return r !== 0 ? SF.Inexact : 0;
  }
  return finish(f, t, s, r > 0 ? 1 : r < 0 ? -1 : 0, rm, single);
}

/**
 * f[t] = (-1)^negR × (f[ia] × f[ic] + (-1)^negB × f[ib]), rounded once (qemu negates before
 * rounding, so this is (∓a) × c + (±b)). -1 also for an exact zero result (its sign needs
 * the mode and the negation).
 */
export function fmaF(
  f: Float64Array, t: number, ia: number, ic: number, ib: number, negB: boolean, negR: boolean, rm: number, single: boolean,
): number {
  const a = negR ? -f[ia] : f[ia], b = f[ic], c = negB !== negR ? -f[ib] : f[ib];
  const uh = a * b;
  const au = uh < 0 ? -uh : uh, aa = a < 0 ? -a : a, ab = b < 0 ? -b : b, ac = c < 0 ? -c : c;
  if (!(au >= TINYP && au < HUGE && ac < HUGE && aa < BIG && ab < BIG && aa >= DBL_MIN && ab >= DBL_MIN)) {
    return -1;
  }
  const ul = prodErr(a, b, uh);
  // c + uh = th + tl (Fast2Sum: the larger magnitude first)
  const th = c + uh;
  const tl = ac >= au ? uh - (th - c) : c - (th - uh);
  // th + w = z + zerr where w = RN(tl + ul) and tl + ul = w + werr. x = z + zerr + werr, and
  // |werr| is below the last bit of w, far below z's (when tl is not 0; when it is, werr is 0):
  // RN(x) = z unless th + w is halfway between two doubles (then |2 zerr| is one ulp of z)
  // and werr points beyond the midpoint.
  const w = tl + ul;
  let z = th + w;
  const zerr = (th < 0 ? -th : th) >= (w < 0 ? -w : w) ? w - (z - th) : th - (z - w);
  let e: number;
  if (zerr !== 0) {
    e = zerr > 0 ? 1 : -1;
    const h = zerr * 2;
    if (tl !== 0 && z + h - z === h) {
      const b2 = w - tl;
      const werr = tl - (w - b2) + (ul - b2);
      if (werr !== 0 && (werr > 0) === (zerr > 0)) {
        z += h;
        e = -e;
      }
    }
  } else if (tl === 0) {
    e = 0;
  } else {
    const b2 = w - tl;
    const werr = tl - (w - b2) + (ul - b2);
    e = werr > 0 ? 1 : werr < 0 ? -1 : 0;
  }
  if (z === 0) return -1;
  if (rm === RM.Nearest && !single) {
    if (e !== 0 && !(z > DBL_MIN || z < -DBL_MIN)) return -1;
    f[t] = z;
    return e !== 0 ? SF.Inexact : 0;
  }
  return finish(f, t, z, e, rm, single);
}

/** frsp: f[t] = f[ib] rounded to single precision. */
export function toSingleF(f: Float64Array, t: number, ib: number, rm: number): number {
  const b = f[ib];
  return b - b === 0 ? finishSingle(f, t, b, 0, rm) : -1;
}
