// VMX single-precision floating point against qemu-user: vaddfp vsubfp vmaddfp vnmsubfp vmaxfp
// vminfp, vcmpeqfp vcmpgefp vcmpgtfp vcmpbfp (and their record forms: CR6), vcfux vcfsx vctuxs
// vctsxs (VSCR.SAT), vrfin vrfiz vrfip vrfim, vrefp vrsqrtefp vexptefp vlogefp. Every form runs
// with VSCR.NJ off and on (and SAT preset sometimes), over a matrix of edge operands (zeros of
// both signs, denormals, FLT_MIN and its neighbours, FLT_MAX, infinities, quiet and signalling
// NaNs with payloads, ties, integer bounds) and seeded random operands biased to the cases that
// go wrong: results near the denormal boundary, cancellation in the fused multiply-adds, ties.
// All 7400 Altivec instructions, so ppc32 runs them too.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, type Case, type Target, type Variant } from "./harness.js";
import { Rng, seedFromEnv } from "./rng.js";

const SUITE = "vmx-float";
const SEED = seedFromEnv();
const N = randomCount(10);

const F = new Float32Array(1);
const FI = new Uint32Array(F.buffer);
const sb = (x: number): number => {
  F[0] = x;
  return FI[0];
};
const fv = (b: number): number => {
  FI[0] = b >>> 0;
  return F[0];
};

/** Single-precision edge operands (raw bits). */
const EDGES: readonly number[] = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000,
  0x7fc00000, 0xffc12345, 0x7f800001, 0xffa00005, // qNaN, -qNaN payload, sNaN, -sNaN payload
  0x00000001, 0x807fffff, 0x00400000, 0x00800000, 0x80800000, 0x00800001, 0x007fffff,
  0x7f7fffff, 0xff7fffff, 0x3f000000, 0x3fc00000, 0x40200000, 0xc0200000, 0xbf000000,
  0x4b000000, 0x4effffff, 0x4f000000, 0x4f7fffff, 0x4f800000, 0xcf000000, 0xcf000001, 0x34000000,
];

/** A smaller set for the two- and three-operand matrices. */
const EDGES_SMALL: readonly number[] = [
  0x00000000, 0x80000000, 0x3f800000, 0xff800000, 0x7f800000, 0xffc12345,
  0x7f800001, 0x00000001, 0x807fffff, 0x00800000, 0x80800001, 0x7f7fffff,
];

function randomSingle(rng: Rng): number {
  const k = rng.below(10);
  if (k === 0) return rng.pick(EDGES);
  if (k === 1) return rng.u32() & 0x807fffff; // denormal or zero
  if (k === 2) return ((rng.u32() & 0x80ffffff) | 0x00800000) >>> 0; // near FLT_MIN (exp 1)
  if (k === 3) return sb((rng.below(2001) - 1000) / rng.pick([1, 2, 4, 8, 3, 7]));
  if (k === 4) return (rng.u32() & 0x81ffffff) >>> 0 | ((rng.below(8) + 0x1f) << 23); // tiny normals
  return rng.u32();
}

/** A finite single, not NaN (for the operands that must be numbers to be interesting). */
function randomFinite(rng: Rng): number {
  for (;;) {
    const b = randomSingle(rng);
    if ((b & 0x7f800000) !== 0x7f800000) return b;
  }
}

const dw = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const vec = (e: readonly number[]): [bigint, bigint] => [dw(e[0], e[1]), dw(e[2], e[3])];

const VSCRS = [0, 0x10000];

/** A case with VR1 = a, VR2 = b, VR3 = c (4 elements each). */
function mk(a: number[], b: number[], c: number[] | undefined, vscr: number): Case {
  const vsr: Record<number, [bigint, bigint]> = { 33: vec(a), 34: vec(b) };
  if (c) vsr[35] = vec(c);
  return { vsr, vscr };
}

/** Chunk a list of element tuples into cases of four elements. */
function chunk<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += 4) {
    const g = xs.slice(i, i + 4);
    while (g.length < 4) g.push(xs[(i + g.length) % xs.length]);
    out.push(g);
  }
  return out;
}

/** A pair (a, b) whose sum/difference is close to cancellation or near the denormal boundary. */
function nearPair(rng: Rng, sub: boolean): [number, number] {
  const a = randomFinite(rng);
  let b = (a ^ (sub ? 0 : 0x80000000)) >>> 0;
  b = (b + rng.below(5) - 2) >>> 0;
  if ((b & 0x7f800000) === 0x7f800000) b = a;
  return [a, b];
}

function binaryCases(rng: Rng, sub: boolean): Case[] {
  const pairs: [number, number][] = [];
  for (const x of EDGES_SMALL) for (const y of EDGES_SMALL) pairs.push([x, y]);
  const cs: Case[] = [];
  for (const vscr of VSCRS) {
    for (const g of chunk(pairs)) cs.push(mk(g.map((p) => p[0]), g.map((p) => p[1]), undefined, vscr));
    for (let i = 0; i < N; i++) {
      const g: [number, number][] = [];
      for (let k = 0; k < 4; k++) g.push(rng.below(3) === 0 ? nearPair(rng, sub) : [randomSingle(rng), randomSingle(rng)]);
      cs.push(mk(g.map((p) => p[0]), g.map((p) => p[1]), undefined, vscr));
    }
  }
  return cs;
}

/** A triple (a, b, c) for vA × vC ± vB: cancellation, tiny results, or random. */
function maddTriple(rng: Rng, negate: boolean): [number, number, number] {
  const k = rng.below(4);
  if (k === 0) return [randomSingle(rng), randomSingle(rng), randomSingle(rng)];
  const a = randomFinite(rng), c = randomFinite(rng);
  const p = fv(a) * fv(c);
  if (k === 1) {
    // b ≈ ∓ the product: the sum cancels (exactly, or leaving the product's low bits)
    let b = sb(negate ? p : -p);
    b = (b + rng.below(3) - 1) >>> 0;
    if ((b & 0x7f800000) === 0x7f800000) b = 0;
    return [a, b, c];
  }
  if (k === 2) {
    // product near FLT_MIN, small addend: results around the denormal boundary
    const ea = rng.below(40) + 40, ec = 253 - 126 - ea - 127 + rng.below(5) - 2 + 127;
    const a2 = ((rng.u32() & 0x807fffff) | (ea << 23)) >>> 0;
    const c2 = ((rng.u32() & 0x807fffff) | (Math.max(1, Math.min(254, ec)) << 23)) >>> 0;
    return [a2, rng.u32() & 0x80ffffff, c2];
  }
  // ties: product with a few low bits and an addend that makes a half-ulp case likely
  const a3 = sb(1 + rng.below(4096) / 4096), c3 = sb(1 + rng.below(4096) / 4096);
  return [a3, sb(rng.pick([1, -1, 2 ** -24, -(2 ** -24), 3, 2 ** 20])), c3];
}

function maddCases(rng: Rng, negate: boolean): Case[] {
  const cs: Case[] = [];
  const triples: [number, number, number][] = [];
  const T = [0x00000000, 0x80000000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xff800005, 0x00000001];
  for (const x of T) for (const y of T) for (const z of T) triples.push([x, y, z]);
  for (const vscr of VSCRS) {
    for (const g of chunk(triples)) cs.push(mk(g.map((p) => p[0]), g.map((p) => p[1]), g.map((p) => p[2]), vscr));
    for (let i = 0; i < N * 2; i++) {
      const g: [number, number, number][] = [];
      for (let k = 0; k < 4; k++) g.push(maddTriple(rng, negate));
      cs.push(mk(g.map((p) => p[0]), g.map((p) => p[1]), g.map((p) => p[2]), vscr));
    }
  }
  return cs;
}

/** Unary operands: all edges, plus random values (integers and ties for vrfi*, conversions). */
function unaryCases(rng: Rng, extra: (rng: Rng) => number, vscrExtra = 0): Case[] {
  const cs: Case[] = [];
  for (const vscr of VSCRS) {
    for (const g of chunk(EDGES)) cs.push(mk([0, 0, 0, 0], g, undefined, vscr | (rng.below(4) === 0 ? vscrExtra : 0)));
    for (let i = 0; i < N; i++) {
      const g = [0, 1, 2, 3].map(() => (rng.below(2) === 0 ? randomSingle(rng) : extra(rng)));
      cs.push(mk([0, 0, 0, 0], g, undefined, vscr | (rng.below(4) === 0 ? vscrExtra : 0)));
    }
  }
  return cs;
}

const tie = (rng: Rng): number => sb((rng.below(400) - 200) / 2 + rng.pick([0, 0.25, 0.75, 0, 0]));
const nearIntBound = (rng: Rng): number =>
  (sb(rng.pick([2 ** 31, 2 ** 32, 2 ** 31, 1, 2 ** 16]) * (rng.below(3) === 0 ? -1 : 1) / 2 ** rng.below(32)) + rng.below(5) - 2) >>> 0;
const positive = (rng: Rng): number => (randomSingle(rng) & 0x7fffffff) >>> 0;
const nearOne = (rng: Rng): number => (0x3f800000 + rng.below(64) - 32) >>> 0;

function variants(rng: Rng): Variant[] {
  const out: Variant[] = [];
  for (const [m, sub] of [["vaddfp", false], ["vsubfp", true], ["vmaxfp", false], ["vminfp", false]] as const) {
    out.push({ asm: `${m} %v0, %v1, %v2`, cases: binaryCases(rng, sub) });
  }
  out.push({ asm: "vaddfp %v1, %v1, %v2", cases: binaryCases(rng, false).slice(0, N) });
  for (const [m, neg] of [["vmaddfp", false], ["vnmsubfp", true]] as const) {
    out.push({ asm: `${m} %v0, %v1, %v3, %v2`, cases: maddCases(rng, neg) });
  }
  out.push({ asm: "vmaddfp %v2, %v1, %v3, %v2", cases: maddCases(rng, false).slice(-N) });
  for (const m of ["vcmpeqfp", "vcmpgefp", "vcmpgtfp", "vcmpbfp"]) {
    const cs = binaryCases(rng, true);
    out.push({ asm: `${m} %v0, %v1, %v2`, cases: cs.filter((_, i) => i % 2 === 0) });
    // record forms: also all-true / all-false vectors (equal operands, in-bounds)
    const rec = cs.filter((_, i) => i % 2 === 1);
    for (let i = 0; i < N; i++) {
      const a = [0, 1, 2, 3].map(() => randomFinite(rng));
      const b = rng.below(2) === 0 ? a : a.map((x) => (x & 0x7fffffff) >>> 0);
      rec.push(mk(a, b, undefined, rng.pick(VSCRS)));
    }
    out.push({ asm: `${m}. %v0, %v1, %v2`, cases: rec });
  }
  for (const m of ["vcfux", "vcfsx"]) {
    for (const uim of [0, 1, 5, 31]) {
      out.push({ asm: `${m} %v0, %v2, ${uim}`, cases: unaryCases(rng, (r) => r.u32()).slice(0, N) });
    }
    out.push({ asm: `${m} %v0, %v2, 0`, cases: unaryCases(rng, (r) => Number(BigInt.asUintN(32, r.u64()))) });
  }
  for (const m of ["vctuxs", "vctsxs"]) {
    for (const uim of [0, 1, 16, 31]) {
      out.push({ asm: `${m} %v0, %v2, ${uim}`, cases: unaryCases(rng, nearIntBound, 1) });
    }
  }
  for (const m of ["vrfin", "vrfiz", "vrfip", "vrfim"]) out.push({ asm: `${m} %v0, %v2`, cases: unaryCases(rng, tie) });
  out.push({ asm: "vrefp %v0, %v2", cases: unaryCases(rng, randomSingle) });
  out.push({ asm: "vrsqrtefp %v0, %v2", cases: unaryCases(rng, positive) });
  out.push({ asm: "vexptefp %v0, %v2", cases: unaryCases(rng, (r) => sb((r.below(4001) - 2000) / r.pick([16, 100, 1000]))) });
  out.push({ asm: "vlogefp %v0, %v2", cases: unaryCases(rng, (r) => (r.below(2) === 0 ? nearOne(r) : positive(r))) });
  out.push({ asm: "vrefp %v2, %v2", cases: unaryCases(rng, randomSingle).slice(0, N) });
  return out;
}

function check(t: Target): void {
  const rng = new Rng(SEED ^ 0xf10a7);
  const r = runDiff(t, variants(rng), { suite: SUITE, seed: SEED, vector: true });
  assert.equal(r.failure, undefined, report(t, r));
  assert.equal(r.mismatches.length, 0, report(t, r));
}

for (const t of ["ppc64le", "ppc64", "ppc32"] as const) {
  test(`vmx float (${t})`, () => check(t));
}
