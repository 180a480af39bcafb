// Seeded random operands for the instruction tests (xoshiro128**), biased towards the values
// where instructions go wrong: 0, ±1, the extremes of each width, carries, NaN/Inf/denormals.

import { Xoshiro128 } from "../../xoshiro.js";

export class Rng extends Xoshiro128 {
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)];
  }

  /** Uniform random 64 bits. */
  bits64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }

  /** A 64-bit integer operand: edges one time in four, small values sometimes, else random bits. */
  u64(): bigint {
    const k = this.below(8);
    if (k === 0 || k === 1) return this.pick(INT_EDGES);
    if (k === 2) return BigInt.asUintN(64, BigInt(this.below(64) - 32));
    if (k === 3) return BigInt(this.u32()); // 32-bit value, upper half zero
    if (k === 4) return BigInt.asUintN(64, BigInt(this.u32() | 0)); // sign-extended 32-bit
    return this.bits64();
  }

  /** Raw bits of a double operand: specials one time in four, else random finite values. */
  double(): bigint {
    const k = this.below(8);
    if (k <= 1) return this.pick(FP_EDGES);
    if (k === 2) {
      // a "nice" value: small integers and simple fractions
      return f64bits((this.below(2001) - 1000) / this.pick([1, 2, 3, 4, 7, 10, 1024]));
    }
    if (k === 3) {
      // random single-precision value widened (exercises the single forms)
      return f64bits(Math.fround(f64(this.bits64())) || 1.5);
    }
    // random sign/mantissa, exponent across the whole range
    return this.bits64();
  }
}

const buf = new DataView(new ArrayBuffer(8));
export function f64bits(x: number): bigint {
  buf.setFloat64(0, x);
  return buf.getBigUint64(0);
}
export function f64(b: bigint): number {
  buf.setBigUint64(0, BigInt.asUintN(64, b));
  return buf.getFloat64(0);
}

export const INT_EDGES: readonly bigint[] = [
  0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0xfffffffffffffffen,
  0xffffffff80000000n, 0xffffffff7fffffffn, 0x00000000ffff0000n, 0x0123456789abcdefn,
];

export const FP_EDGES: readonly bigint[] = [
  0x0000000000000000n, // +0
  0x8000000000000000n, // -0
  0x3ff0000000000000n, // 1
  0xbff0000000000000n, // -1
  0x7ff0000000000000n, // +Inf
  0xfff0000000000000n, // -Inf
  0x7ff8000000000000n, // QNaN
  0x7ff4000000000000n, // SNaN
  0xfff8000000000001n, // -QNaN with payload
  0x7ff0000000000001n, // SNaN with payload
  0x0000000000000001n, // smallest denormal
  0x000fffffffffffffn, // largest denormal
  0x0010000000000000n, // smallest normal
  0x7fefffffffffffffn, // largest finite
  0xffefffffffffffffn, // most negative finite
  0x3810000000000000n, // smallest single normal
  0x36a0000000000000n, // smallest single denormal
  0x47efffffe0000000n, // largest single
  0x47f0000000000000n, // beyond single range
  0x41e0000000000000n, // 2^31
  0xc1e0000000000000n, // -2^31
  0x43e0000000000000n, // 2^63
  0xc3e0000000000000n, // -2^63
  0x41dfffffffc00000n, // 2^31 - 1
  0x3fe0000000000000n, // 0.5
  0x3ff8000000000000n, // 1.5
  0x4004000000000000n, // 2.5
  0xbff8000000000000n, // -1.5
];

/** Seed from K42_SEED, else random. */
export function seedFromEnv(): number {
  const s = process.env.K42_SEED;
  if (s !== undefined && s !== "") return Number(s) >>> 0;
  return (Math.random() * 4294967296) >>> 0;
}
