// Floating-point ↔ integer conversions against qemu-user: fctiw fctiwz fctiwu fctiwuz fctid
// fctidz fctidu fctiduz (saturation, VXCVI, VXSNAN, XX FI, FPRF left alone or set to C|FU) and
// fcfid fcfidu fcfids fcfidus (rounding in every mode, XX FI, FPRF), with CR1 for the Rc = 1
// forms, in 64-bit big- and little-endian mode and, for fctiw and fctiwz (all a 7400 has), in
// 32-bit mode.
//
// Enable bits (VE OE UE ZE XE) are never set in the inputs: qemu-user raises SIGFPE when an
// exception occurs with its enable bit set; enabled-exception traps are not modelled by k42ts.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, type Case, type Target, type Variant } from "./harness.js";
import { Rng, f64bits, seedFromEnv } from "./rng.js";

const SUITE = "fp-convert";
const SEED = seedFromEnv();

const d = (x: number): bigint => f64bits(x);
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** FPSCR status bits that may be on before an instruction (no enable bits). */
const FPSCR_EXTRAS: readonly number[] = [
  0, 0, 0,
  1 << 18, // FR
  1 << 17, // FI
  (1 << 31) | (1 << 25), // FX XX
  0x1f << 12, // FPRF
  0x0a << 12, // FPRF = FL|FE
  (1 << 8) | (1 << 29), // VXCVI (VX)
];

/** Doubles to convert to integers: ties, bounds, and the values just inside and outside. */
const TO_INT: readonly bigint[] = [
  0n, 0x8000000000000000n, d(0.3), d(-0.3), d(0.5), d(-0.5), d(1), d(-1), d(1.5), d(-1.5), d(2.5), d(-2.5), d(0.999999),
  d(-0.999999), d(2147483647), d(2147483647.5), d(2147483647.25), d(2147483648), d(2147483648.5), d(-2147483648),
  d(-2147483648.5), d(-2147483649), d(-2147483647.5), d(4294967295), d(4294967295.5), d(4294967296), d(4294967296.5),
  d(2 ** 52 - 0.5), d(2 ** 52 + 1), d(2 ** 53), 0x43dfffffffffffffn, d(2 ** 63), d(-(2 ** 63)), 0xc3e0000000000001n,
  0x43efffffffffffffn, d(2 ** 64), d(1e300), d(-1e300), 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n,
  0xfff80000deadbeefn, 0x7ff4000000000000n, 0xfff000000000abcdn, 1n, 0x8000000000000001n, 0x0010000000000000n,
];

/** 64-bit integers to convert to floating point (double and single ties, bounds). */
const FROM_INT: readonly bigint[] = [
  0n, 1n, u64(-1n), 2n ** 53n, 2n ** 53n + 1n, 2n ** 53n + 3n, 2n ** 54n + 2n, 2n ** 54n + 6n, 2n ** 63n - 1n, 2n ** 63n,
  2n ** 63n + 1n, 2n ** 64n - 1n, 2n ** 64n - 1024n, 2n ** 64n - 1025n, 2n ** 24n + 1n, 2n ** 24n + 3n, 2n ** 25n + 2n,
  u64(-(2n ** 24n) - 1n), 0x7fffff8000000000n, 0x7fffffc000000000n, 0x7fffffc000000001n, 0xffffff8000000000n,
  0x0000000100000001n, 0xffffffff00000000n, 0x00000000ffffffffn, 0x0123456789abcdefn, u64(-(2n ** 53n) - 1n),
];

function fpscr(rng: Rng, rn: number): number {
  return rn | rng.pick(FPSCR_EXTRAS);
}

function one(rng: Rng, x: bigint, rn: number): Case {
  return { fpr: { 3: x }, fpscr: fpscr(rng, rn) };
}

/** A double near an integer bound, or an edge-biased random one. */
function randomToInt(rng: Rng): bigint {
  if (rng.below(3) !== 0) return rng.double();
  const base = rng.pick([0, 2 ** 31, 2 ** 32, 2 ** 52, 2 ** 63, 2 ** 64]) * (rng.below(2) === 0 ? 1 : -1);
  return d(base + (rng.below(9) - 4) * rng.pick([0.25, 0.5, 1, 1024, 2048]));
}

function randomFromInt(rng: Rng): bigint {
  if (rng.below(2) === 0) return rng.u64();
  // a run of significant bits at a random position (ties and near-ties after rounding)
  const bits = BigInt(20 + rng.below(40));
  const v = (rng.bits64() & ((1n << bits) - 1n)) | (1n << (bits - 1n));
  return u64((v << BigInt(rng.below(Number(64n - bits) + 1))) * (rng.below(3) === 0 ? -1n : 1n));
}

interface Form {
  m: string;
  operands: readonly bigint[];
  /** The instruction rounds in FPSCR[RN] (the z forms always round toward zero). */
  usesRN: boolean;
  random: (rng: Rng) => bigint;
  ppc32: boolean;
}

const N = randomCount(30);

const FORMS: readonly Form[] = [
  ...["fctiw", "fctiwu", "fctid", "fctidu"].flatMap((m): Form[] => [
    { m, operands: TO_INT, usesRN: true, random: randomToInt, ppc32: m === "fctiw" },
    { m: m + "z", operands: TO_INT, usesRN: false, random: randomToInt, ppc32: m === "fctiw" },
  ]),
  ...["fcfid", "fcfidu", "fcfids", "fcfidus"].map((m): Form => ({ m, operands: FROM_INT, usesRN: true, random: randomFromInt, ppc32: false })),
];

function variants(t: Target): Variant[] {
  const rng = new Rng(SEED ^ 0xc0de);
  const out: Variant[] = [];
  for (const f of FORMS) {
    if (t === "ppc32" && !f.ppc32) continue;
    const cs: Case[] = [];
    for (const x of f.operands) {
      if (f.usesRN) for (let rn = 0; rn < 4; rn++) cs.push(one(rng, x, rn));
      else cs.push(one(rng, x, rng.below(4)));
    }
    for (let i = 0; i < N; i++) cs.push(one(rng, f.random(rng), rng.below(4)));
    out.push({ asm: `${f.m} %f1, %f3`, cases: cs });
    const rec = f.operands.filter((_, i) => i % 3 === 0).map((x) => one(rng, x, rng.below(4)));
    for (let i = 0; i < Math.ceil(N / 3); i++) rec.push(one(rng, f.random(rng), rng.below(4)));
    out.push({ asm: `${f.m}. %f1, %f3`, cases: rec });
  }
  // The result register is also the source.
  const alias: Case[] = [];
  for (let i = 0; i < N; i++) alias.push({ fpr: { 3: randomToInt(rng) }, fpscr: fpscr(rng, rng.below(4)) });
  out.push({ asm: "fctiw %f3, %f3", cases: alias });
  return out;
}

function check(t: Target): void {
  const r = runDiff(t, variants(t), { suite: SUITE, seed: SEED });
  assert.equal(r.failure, undefined, report(t, r));
  assert.equal(r.mismatches.length, 0, report(t, r));
}

for (const t of ["ppc64", "ppc64le", "ppc32"] as const) {
  test(`fp conversions (${t})`, () => check(t));
}
