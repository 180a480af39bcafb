// Unit tests of the arithmetic core: the exact soft-float (softfloat.ts) against the host's
// IEEE arithmetic in round-to-nearest, and the fast path (fast.ts) against the exact core in
// every rounding mode, double and single precision, on edge-biased random operands.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng, f64, f64bits, FP_EDGES } from "../difftest/rng.js";
import { addF, divF, fmaF, mulF, sqrtF, toSingleF } from "./fast.js";
import { sfAdd, sfDiv, sfMul, sfMulAdd, sfSqrt, sfToSingle } from "./softfloat.js";
import { IntKind, fromIntF, toInt } from "./convert.js";

const out = new Int32Array(2);
/** Fast-path operands and result: F[0] = a, F[1] = b, F[2] = c, F[3] = result. */
const F = new Float64Array(4);
const hiOf = (b: bigint): number => Number((b >> 32n) & 0xffffffffn) | 0;
const loOf = (b: bigint): number => Number(b & 0xffffffffn) | 0;
const outBits = (): bigint => (BigInt(out[1] >>> 0) << 32n) | BigInt(out[0] >>> 0);
const hex = (b: bigint): string => "0x" + b.toString(16).padStart(16, "0");

/** Operands: edges, random bits, and values with exponents clustered so results hit boundaries. */
function operand(rng: Rng): bigint {
  const k = rng.below(10);
  if (k < 2) return rng.double();
  if (k < 4) return rng.pick(FP_EDGES);
  // random significand, exponent in a chosen band
  const bands = [[1023 - 30, 1023 + 30], [0, 60], [1, 3], [2000, 2046], [1023 - 1100 / 2, 1023 - 400], [1023 + 400, 1023 + 520], [897 - 30, 897 + 30], [1150, 1160]];
  const [lo, hi] = rng.pick(bands);
  const e = BigInt(Math.max(0, Math.min(2046, lo + rng.below(hi - lo + 1))));
  let m = rng.bits64() & ((1n << 52n) - 1n);
  if (rng.below(4) === 0) m &= ~((1n << BigInt(rng.below(52))) - 1n); // short significands (ties)
  return (BigInt(rng.below(2)) << 63n) | (e << 52n) | m;
}

test("exact core agrees with host arithmetic (round to nearest, double)", () => {
  const rng = new Rng(12345);
  for (let i = 0; i < 20000; i++) {
    const a = operand(rng), b = operand(rng);
    const x = f64(a), y = f64(b);
    const checks: [string, number, () => number][] = [
      ["add", x + y, () => sfAdd(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), false, 0, false)],
      ["sub", x - y, () => sfAdd(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), true, 0, false)],
      ["mul", x * y, () => sfMul(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), 0, false)],
      ["div", x / y, () => sfDiv(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), 0, false)],
      ["sqrt", Math.sqrt(x), () => sfSqrt(out, 0, hiOf(a), loOf(a), 0, false)],
    ];
    for (const [name, want, run] of checks) {
      run();
      if (want !== want) {
        assert.ok(f64(outBits()) !== f64(outBits()), `${name} ${hex(a)} ${hex(b)}: want NaN`);
        continue;
      }
      assert.equal(hex(outBits()), hex(f64bits(want)), `${name} ${hex(a)} ${hex(b)}`);
    }
  }
});

test("exact core single results agree with host (round to nearest, single operands)", () => {
  // With single-precision operands, double rounding through the double result is innocuous
  // for + - × ÷ √ (53 >= 2 × 24 + 2).
  const rng = new Rng(777);
  for (let i = 0; i < 20000; i++) {
    const x = Math.fround(f64(operand(rng))), y = Math.fround(f64(operand(rng)));
    const a = f64bits(x), b = f64bits(y);
    const checks: [string, number, () => number][] = [
      ["adds", x + y, () => sfAdd(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), false, 0, true)],
      ["muls", x * y, () => sfMul(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), 0, true)],
      ["divs", x / y, () => sfDiv(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), 0, true)],
      ["sqrts", Math.sqrt(x), () => sfSqrt(out, 0, hiOf(a), loOf(a), 0, true)],
    ];
    for (const [name, want, run] of checks) {
      run();
      if (want !== want) continue;
      assert.equal(hex(outBits()), hex(f64bits(Math.fround(want))), `${name} ${hex(a)} ${hex(b)}`);
    }
  }
});

/** Multiply-adds where th + w is an exact tie broken by werr (fast.ts), as [a, b, c] for a × c + b. */
const FMA_TIES: readonly [number, number, number][] = [
  [1 + 2 ** -52, 1, 2 ** -53 - 2 ** -106],
  [1 + 2 ** -52, 1, 2 ** -53 - 2 ** -105],
  [-(1 + 2 ** -52), -1, 2 ** -53 - 2 ** -106],
  [1 + 2 ** -52, 0.5, 2 ** -54 - 2 ** -107],
  [3, 1, (2 ** -53 - 2 ** -106) / 3],
  [1 + 2 ** -52, 1, 2 ** -24],
  [1, 1, 2 ** -24 - 2 ** -77],
  [1 + 2 ** -52, -1, -(2 ** -24)],
];

/** Compare every fast operation on (a, b, c) with the exact core; returns [fast taken, total]. */
function compareFast(a: bigint, b: bigint, c: bigint): [number, number] {
  let fast = 0, total = 0;
  F[0] = f64(a);
  F[1] = f64(b);
  F[2] = f64(c);
  for (let rm = 0; rm < 4; rm++) {
    for (const single of [false, true]) {
      const cases: [string, () => number, () => number][] = [
        ["add", () => addF(F, 3, 0, 1, false, rm, single), () => sfAdd(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), false, rm, single)],
        ["sub", () => addF(F, 3, 0, 1, true, rm, single), () => sfAdd(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), true, rm, single)],
        ["mul", () => mulF(F, 3, 0, 1, rm, single), () => sfMul(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), rm, single)],
        ["div", () => divF(F, 3, 0, 1, false, rm, single), () => sfDiv(out, 0, hiOf(a), loOf(a), hiOf(b), loOf(b), rm, single)],
        ["re", () => divF(F, 3, 0, 1, true, rm, single), () => sfDiv(out, 0, 0x3ff00000, 0, hiOf(b), loOf(b), rm, single)],
        ["sqrt", () => sqrtF(F, 3, 0, rm, single), () => sfSqrt(out, 0, hiOf(a), loOf(a), rm, single)],
        ["fma", () => fmaF(F, 3, 0, 2, 1, false, false, rm, single), () => sfMulAdd(out, 0, hiOf(a), loOf(a), hiOf(c), loOf(c), hiOf(b), loOf(b), false, false, rm, single)],
        ["fnms", () => fmaF(F, 3, 0, 2, 1, true, true, rm, single), () => sfMulAdd(out, 0, hiOf(a), loOf(a), hiOf(c), loOf(c), hiOf(b), loOf(b), true, true, rm, single)],
      ];
      if (single) cases.push(["frsp", () => toSingleF(F, 3, 0, rm), () => sfToSingle(out, 0, hiOf(a), loOf(a), rm)]);
      for (const [name, runFast, runSlow] of cases) {
        total++;
        F[3] = 12345;
        const fl = runFast();
        if (fl < 0) {
          assert.equal(F[3], 12345, `${name}: a failing fast path must not write`);
          continue;
        }
        fast++;
        const want = runSlow();
        const what = `${name} rm=${rm} single=${single} a=${hex(a)} b=${hex(b)} c=${hex(c)}`;
        assert.equal(hex(f64bits(F[3])), hex(outBits()), what);
        assert.equal(fl, want, what + " flags");
      }
    }
  }
  return [fast, total];
}

test("fast path agrees with the exact core in every mode and precision", () => {
  for (const [a, b, c] of FMA_TIES) compareFast(f64bits(a), f64bits(b), f64bits(c));
  const rng = new Rng(4242);
  let fast = 0, total = 0;
  for (let i = 0; i < 12000; i++) {
    const a = operand(rng), b = operand(rng);
    let c = operand(rng);
    // FMA cancellation cases: c close to -(a × b)
    if (rng.below(4) === 0) {
      const p = -f64(a) * f64(b);
      if (p === p) c = f64bits(rng.below(2) === 0 ? p : p * (1 + (rng.below(2001) - 1000) * 2 ** -52));
    }
    const [f, n] = compareFast(a, b, c);
    fast += f;
    total += n;
  }
  // The fast path should handle most of these (they are biased towards hard cases).
  assert.ok(fast > total * 0.3, `fast path taken ${fast} of ${total}`);
});

test("conversions to integer", () => {
  const cases: [number, number, IntKind, bigint, number][] = [
    [2.5, 0, IntKind.S32, 2n, 1],
    [3.5, 0, IntKind.S32, 4n, 1],
    [-2.5, 0, IntKind.S32, 0xfffffffffffffffen, 1],
    [-2.5, 3, IntKind.S32, 0xfffffffffffffffdn, 1],
    [2147483648, 0, IntKind.S32, 0x7fffffffn, 1024],
    [-2147483649, 0, IntKind.S32, 0xffffffff80000000n, 1024],
    [-0.3, 0, IntKind.U32, 0n, 1],
    [-1, 0, IntKind.U32, 0n, 1024],
    [4294967295.5, 1, IntKind.U32, 0xffffffffn, 1],
    [9223372036854775808, 0, IntKind.S64, 0x7fffffffffffffffn, 1024],
    [-9223372036854775808, 0, IntKind.S64, 0x8000000000000000n, 0],
    [18446744073709549568, 0, IntKind.U64, 0xfffffffffffff800n, 0],
    [1e300, 0, IntKind.U64, 0xffffffffffffffffn, 1024],
  ];
  for (const [x, rm, kind, want, wantFl] of cases) {
    const b = f64bits(x);
    const fl = toInt(out, 0, hiOf(b), loOf(b), x, rm, kind);
    assert.equal(hex(outBits()), hex(want), `toInt(${x}, ${rm}, ${kind})`);
    assert.equal(fl, wantFl, `toInt(${x}, ${rm}, ${kind}) flags`);
  }
});

test("conversions from integer agree with the exact core", () => {
  const rng = new Rng(99);
  for (let i = 0; i < 8000; i++) {
    const v = rng.u64();
    for (let rm = 0; rm < 4; rm++) {
      for (const single of [false, true]) {
        for (const signed of [false, true]) {
          const fl = fromIntF(F, 3, hiOf(v), loOf(v), signed, single, rm);
          const r = F[3];
          const iv = signed ? BigInt.asIntN(64, v) : v;
          let want: number;
          if (iv === 0n) {
            out[0] = 0;
            out[1] = 0;
            want = 0;
          } else {
            // an exact value m × 2^0 rounded by the core (via a multiply by 1)
            const neg = iv < 0n;
            const m = neg ? -iv : iv;
            // round through sfMulAdd: 0 × 0 + x would not do (x must be a double); use the
            // exact rounding of (m as two exact doubles) a + b.
            const hiPart = f64bits(Number((m >> 32n) << 32n) * (neg ? -1 : 1));
            const loPart = f64bits(Number(m & 0xffffffffn) * (neg ? -1 : 1));
            want = sfAdd(out, 0, hiOf(hiPart), loOf(hiPart), hiOf(loPart), loOf(loPart), false, rm, single);
          }
          assert.equal(hex(f64bits(r)), hex(outBits()), `fromInt ${hex(v)} rm=${rm} single=${single} signed=${signed}`);
          assert.equal(fl, want & 1, `fromInt ${hex(v)} flags`);
        }
      }
    }
  }
});
