// Floating-point arithmetic against qemu-user: fadd fsub fmul fdiv fsqrt, the multiply-adds,
// fre frsqrte (and their single forms) and frsp, with the FPSCR (FX, OX UX ZX XX, the VX*
// bits, FR FI, FPRF) and CR1 for the Rc = 1 forms, in all four rounding modes, in 64-bit
// big- and little-endian mode and (for what the 7400 has) in 32-bit mode.
//
// Enable bits (VE OE UE ZE XE) are never set in the inputs: qemu-user raises SIGFPE when an
// exception occurs with its enable bit set (it runs as if MSR[FE0,FE1] were nonzero), and
// enabled-exception traps are not modelled by k42ts (Linux starts processes with FE0 = FE1 = 0,
// where nothing traps).

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, type Case, type Target, type Variant } from "./harness.js";
import { ENGINE_KINDS } from "../engine.js";
import { Rng, f64, f64bits, seedFromEnv } from "./rng.js";

const SUITE = "fp-arith";
const SEED = seedFromEnv();

// ---- operands (raw double bits) ----

const ZERO = 0x0000000000000000n;
const NZERO = 0x8000000000000000n;
const ONE = 0x3ff0000000000000n;
const NONE = 0xbff0000000000000n;
const INF = 0x7ff0000000000000n;
const NINF = 0xfff0000000000000n;
const QNAN = 0x7ff8000000000000n;
const QNANP = 0xfff80000deadbeefn; // negative QNaN, payload in the low bits (cut by single ops)
const QNANP2 = 0x7ffc000000000123n;
const SNAN = 0x7ff4000000000000n;
const SNANP = 0xfff000000000abcdn; // negative SNaN with a low payload
const MIND = 0x0000000000000001n; // smallest denormal
const MAXD = 0x000fffffffffffffn; // largest denormal
const MINN = 0x0010000000000000n; // smallest normal
const MAXN = 0x7fefffffffffffffn; // largest finite
const NMAXN = 0xffefffffffffffffn;
const ONEP = 0x3ff0000000000001n; // 1 + 2^-52
const HALFULP = 0x3ca0000000000000n; // 2^-53: 1 + this is a tie
const FLTMAX = 0x47efffffe0000000n;
const FLTTIE = 0x47effffff0000000n; // halfway between FLT_MAX and 2^128
const FLTMIN = 0x3810000000000000n;
const FLTDMIN = 0x36a0000000000000n; // smallest single denormal
const FLTDHALF = 0x3690000000000000n; // half of it
const STIE = 0x3ff0000010000000n; // 1 + 2^-24: a single tie (to even: 1)
const STIE3 = 0x3ff0000030000000n; // 1 + 3 × 2^-24: a single tie (to even: up)
const SABOVE = 0x3ff0000010000001n; // just above a single tie
const d = (x: number): bigint => f64bits(x);

const SPECIALS: readonly bigint[] = [ZERO, NZERO, ONE, NONE, INF, NINF, QNAN, QNANP, SNAN, SNANP, MIND, MAXD, MINN, MAXN, d(3), d(-0.1)];
/** The operands crossed with each other for the two-operand instructions. */
const PAIR_SPECIALS: readonly bigint[] = [ZERO, NZERO, ONE, INF, NINF, QNANP, SNAN, SNANP, MIND, MAXN];

/** FPSCR status bits that may be on before an instruction (no enable bits; see the header). */
const FPSCR_EXTRAS: readonly number[] = [
  0, 0, 0, 0,
  1 << 18, // FR
  1 << 17, // FI
  (1 << 18) | (1 << 17),
  (1 << 31) | (1 << 25), // FX XX
  0x1f << 12, // FPRF all ones
  (1 << 31) | (1 << 28) | (1 << 27) | (1 << 26), // FX OX UX ZX
  (1 << 24) | (1 << 29), // VXSNAN (VX)
  1 << 2, // NI (ignored by qemu)
];

function fpscr(rng: Rng, rn: number): number {
  return rn | rng.pick(FPSCR_EXTRAS);
}

// ---- case builders ----

type Ops = readonly bigint[];

/**
 * The hand-picked operand tuples (`specials` in one random rounding mode each, `zeros` in every
 * mode, `edges` in every mode or, for `allModes` false, in round-to-nearest and one random
 * directed mode), then `n` random tuples in random modes.
 */
function cases(rng: Rng, f: Form): Case[] {
  const out: Case[] = [];
  for (const ops of f.specials) out.push(fcase(rng, f.regs, ops, rng.below(4)));
  for (const ops of f.zeros) for (let rn = 0; rn < 4; rn++) out.push(fcase(rng, f.regs, ops, rn));
  for (const ops of f.edges) {
    if (f.allModes) for (let rn = 0; rn < 4; rn++) out.push(fcase(rng, f.regs, ops, rn));
    else out.push(fcase(rng, f.regs, ops, 0), fcase(rng, f.regs, ops, 1 + rng.below(3)));
  }
  for (let i = 0; i < f.nRandom; i++) out.push(fcase(rng, f.regs, f.random(rng), rng.below(4)));
  return out;
}

function fcase(rng: Rng, regs: readonly number[], ops: Ops, rn: number): Case {
  const fpr: Record<number, bigint> = {};
  regs.forEach((r, i) => (fpr[r] = ops[i]));
  return { fpr, fpscr: fpscr(rng, rn) };
}

/** All pairs of the special operands (NaN ordering, infinities, zeros, denormals). */
function specialPairs(): Ops[] {
  const out: Ops[] = [];
  for (const a of PAIR_SPECIALS) for (const b of PAIR_SPECIALS) out.push([a, b]);
  return out;
}
const PAIRS = specialPairs();
const SINGLES: readonly Ops[] = SPECIALS.map((x) => [x]);

const rand2 = (rng: Rng): Ops => {
  const a = rng.double();
  switch (rng.below(6)) {
    case 0: return [a, a];
    case 1: return [a, a ^ 0x8000000000000000n];
    case 2: return [a, a + BigInt(rng.below(5)) - 2n]; // nearby: cancellation
    default: return [a, rng.double()];
  }
};
const rand1 = (rng: Rng): Ops => [rng.double()];

/** Random multiply-add operands [FRA, FRC, FRB], sometimes with FRB ≈ ∓FRA × FRC. */
const rand3 = (rng: Rng): Ops => {
  const a = rng.double(), c = rng.double();
  if (rng.below(3) === 0) {
    const p = f64(a) * f64(c);
    if (p === p) {
      const k = rng.below(3);
      const b = k === 0 ? p : k === 1 ? -p : -p * (1 + (rng.below(201) - 100) * 2 ** -52);
      return [a, c, f64bits(b)];
    }
  }
  return [a, c, rng.double()];
};

// ---- hand-picked edges per operation ----

const ADD_EDGES: readonly Ops[] = [
  [INF, NINF], [NINF, INF], [INF, INF], [d(5), d(-5)], [NZERO, NZERO], [ZERO, NZERO],
  [MAXN, MAXN], [NMAXN, NMAXN], [MAXN, d(2 ** 970)], [MAXN, d(2 ** 969)], [MAXN, d(2 ** 969 + 2 ** 917)],
  [ONE, HALFULP], [ONEP, HALFULP], [ONE, d(2 ** -53 + 2 ** -105)], [ONE, d(-(2 ** -54))], [NONE, d(-(2 ** -53))],
  [MINN, d(-5e-324)], [MAXD, MIND], [MAXD, MAXD], [d(-3e-320), d(1e-320)], [MINN, d(2 ** -1075 * 3)],
  [ONE, d(2 ** -24)], [ONE, d(3 * 2 ** -24)], [ONE, d(2 ** -24 + 2 ** -52)], [FLTMAX, d(2 ** 103)], [FLTMAX, d(2 ** 104)],
  [FLTMIN, d(-(2 ** -149))], [FLTDMIN, FLTDHALF], [FLTDHALF, d(2 ** -151)], [d(1e-40), d(1e-45)],
  [QNANP, SNANP], [SNANP, QNANP], [QNANP2, QNAN], [SNAN, INF], [ONE, SNANP],
];

const MUL_EDGES: readonly Ops[] = [
  [INF, ZERO], [NZERO, INF], [MAXN, d(2)], [MAXN, d(1 + 2 ** -52)], [MAXN, d(-1.0000000000000002)], [d(2 ** 512), d(2 ** 511)],
  [d(2 ** -600), d(2 ** -600)], [d(2 ** -537), d(2 ** -537)], [d(2 ** -537), d(-(2 ** -537) * 1.5)], [MINN, d(0.5)], [MINN, d(0.75)],
  [MINN, d(1 - 2 ** -53)], [MAXD, d(1 + 2 ** -52)], [MIND, d(0.5)], [MIND, d(1.5)], [MIND, d(2 ** 1074)],
  [ONEP, ONEP], [d(Math.SQRT2), d(Math.SQRT2)], [d(3), d(1 / 3)], [d(1e308), d(10)],
  [d(2 ** 64), d(2 ** 64)], [FLTMAX, d(2)], [FLTMAX, d(1 + 2 ** -24)], [FLTMAX, d(1 + 2 ** -25)], [d(2 ** -75), d(2 ** -75)],
  [d(2 ** -75), d(2 ** -74 * 1.5)], [FLTMIN, d(1 - 2 ** -25)], [FLTMIN, d(1 - 2 ** -24)], [FLTDMIN, d(0.5)], [FLTDMIN, d(0.75)],
  [d(1 + 2 ** -12), d(1 + 2 ** -12)], [STIE, ONE], [STIE3, ONE], [SABOVE, NONE],
];

const DIV_EDGES: readonly Ops[] = [
  [ZERO, ZERO], [NZERO, ZERO], [INF, NINF], [ONE, ZERO], [NONE, ZERO], [ONE, NZERO], [ZERO, d(-5)], [ONE, INF], [NONE, INF],
  [MAXN, d(0.5)], [MAXN, d(-0.5)], [MAXN, MIND], [MINN, d(2 ** 52)], [MINN, d(3)], [MINN, d(2 ** 53)], [MIND, d(2)], [MIND, d(3)],
  [ONE, d(3)], [d(2), d(3)], [d(1), d(10)], [d(22), d(7)], [ONE, MAXN], [ONE, MAXD], [ONE, MIND], [d(3), d(1 - 2 ** -53)],
  [FLTMAX, d(0.5)], [FLTMAX, d(1 - 2 ** -25)], [FLTMIN, d(3)], [FLTMIN, d(2 ** 23)], [FLTMIN, d(2 ** 24)], [ONE, d(3 * 2 ** 126)],
  [STIE, ONE], [STIE3, NONE],
];

const SQRT_EDGES: readonly Ops[] = [
  [NONE], [d(-1e-300)], [NINF], [d(2)], [d(4)], [MAXD], [MIND], [d(2 ** -1073)], [MAXN], [d(2 ** 1023)], [FLTMAX],
  [FLTMIN], [FLTDMIN], [d(1 + 2 ** -52)], [d(1 - 2 ** -53)], [d(0.5)], [d(2 ** 254)], [d(2 ** 256 * 3)], [d(2 ** -300)],
];

const MADD_EDGES: readonly Ops[] = [
  // [FRA, FRC, FRB]
  [INF, ZERO, QNAN], [ZERO, INF, QNANP], [INF, ZERO, SNAN], [INF, ZERO, ONE], [NZERO, NINF, INF],
  [INF, ONE, NINF], [INF, NONE, NINF], [NINF, ONE, INF], [INF, ONE, INF], [ONE, ONE, NINF],
  [QNAN, SNAN, QNANP], [SNAN, QNANP, QNAN], [ONE, QNANP, SNANP], [ONE, SNANP, QNANP], [QNANP2, ONE, ONE], [ONE, ONE, QNANP2],
  [ONE, QNANP2, ONE], [ZERO, ONE, ZERO], [ZERO, ONE, NZERO], [NZERO, ONE, ZERO], [NZERO, ONE, NZERO], [d(3), ZERO, d(-7)],
  [ZERO, ZERO, MIND], [d(3), d(5), d(-15)], [d(3), d(-5), d(15)], [d(0.1), d(10), d(-1)], [ONEP, ONEP, d(-1 - 2 ** -51)],
  [ONEP, ONEP, d(-1)], [MAXN, d(2), NMAXN], [MAXN, d(2), MAXN], [MAXN, d(1), MAXN], [MAXN, d(1), d(2 ** 970)],
  [d(2 ** -537), d(2 ** -537), ZERO], [d(2 ** -537), d(2 ** -538), MIND], [d(2 ** -600), d(2 ** -600), MINN],
  [d(2 ** -600), d(-(2 ** -600)), MINN], [MINN, d(0.5), d(-(2 ** -1060))], [d(2 ** 600), d(2 ** 600), d(-(2 ** 1023))],
  [ONE, d(1 + 2 ** -24), d(2 ** -60)], [ONE, ONE, HALFULP], [ONE, ONE, d(-(2 ** -54))], [FLTMAX, d(2), NMAXN],
  [FLTMAX, ONE, d(2 ** 103)], [FLTMAX, ONE, d(2 ** 103 + 2 ** 60)], [FLTMIN, d(0.5), d(2 ** -160)], [FLTDMIN, d(0.5), ZERO],
  [d(1 + 2 ** -30), d(1 + 2 ** -30), d(-1)], [d(2 ** 30 + 1), d(2 ** 30 - 1), d(-(2 ** 60))],
  // RN(th + w) an exact tie broken by the low part of the product (see fpu/fast.ts)
  [ONEP, d(2 ** -53 - 2 ** -106), ONE], [ONEP, d(2 ** -53 - 2 ** -105), ONE], [d(-1 - 2 ** -52), d(2 ** -53 - 2 ** -106), NONE],
  [ONEP, d(2 ** -24), ONE], [ONE, d(2 ** -24 - 2 ** -77), ONE], [ONEP, d(-(2 ** -24)), NONE],
];

const RE_EDGES: readonly Ops[] = [
  [d(3)], [d(-3)], [d(0.5)], [MINN], [d(2 ** -1023)], [d(2 ** -1024 * 3)], [MAXD], [d(2 ** 1022)], [d(2 ** 1023)],
  [FLTMAX], [FLTMIN], [d(2 ** 126)], [d(2 ** 127)], [d(2 ** -128)], [d(2 ** -127 * 3)], [d(1e-39)],
];

const FRSP_EDGES: readonly Ops[] = [
  [FLTMAX], [FLTTIE], [d(2 ** 128)], [d(-(2 ** 128))], [0x47effffff0000001n], [0x47efffffefffffffn], [FLTMIN], [FLTDMIN],
  [FLTDHALF], [0x3690000000000001n], [d(2 ** -151)], [d(2 ** -150 * 3)], [d(1e-40)], [d(-1e-40)], [d(1e-46)],
  [STIE], [STIE3], [SABOVE], [d(-1.0000000596046448)], [d(0.1)], [d(Math.PI)], [0x7ff00000deadbeefn],
  [0x7ff8000020000000n], [0x7ff80000dfffffffn], [0x380fffffffffffffn], [0x380ffffff0000000n], [0x380fffffe0000000n],
];

// ---- variants ----

interface Form {
  m: string;
  /** Operand registers in the order of the operand tuples. */
  regs: readonly number[];
  asm: (m: string) => string;
  specials: readonly Ops[];
  /** Operands with an exact zero result, whose sign depends on the rounding mode. */
  zeros: readonly Ops[];
  edges: readonly Ops[];
  allModes: boolean;
  random: (rng: Rng) => Ops;
  nRandom: number;
  ppc32: boolean;
}

const AB = (m: string): string => `${m} %f1, %f2, %f3`;
const B = (m: string): string => `${m} %f1, %f3`;
const ACB = (m: string): string => `${m} %f1, %f2, %f4, %f3`;

const N = randomCount(24);

/**
 * The double and single forms of m (both on the 7400 unless said); `allModes`: edges in every
 * rounding mode for the double form ("d"), both forms ("ds") or neither ("").
 */
function pair(
  m: string, regs: readonly number[], asm: (m: string) => string, specials: readonly Ops[], zeros: readonly Ops[],
  edges: readonly Ops[], random: (rng: Rng) => Ops, allModes: "" | "d" | "ds", ppc32 = true,
): Form[] {
  return [m, m + "s"].map((x) => ({
    m: x, regs, asm, specials, zeros, edges, allModes: allModes === "ds" || (allModes === "d" && x === m), random, nRandom: N, ppc32,
  }));
}

const ADD_ZEROS: readonly Ops[] = [[d(5), d(-5)], [d(5), d(5)], [NZERO, NZERO], [ZERO, NZERO], [NZERO, ZERO], [ZERO, ZERO]];
const MADD_ZEROS: readonly Ops[] = [
  [ZERO, ONE, ZERO], [ZERO, ONE, NZERO], [NZERO, ONE, ZERO], [NZERO, ONE, NZERO], [d(3), d(5), d(-15)], [d(3), d(5), d(15)],
];

const RSQ_EDGES: readonly Ops[] = [...RE_EDGES, [NONE], [NINF], [d(4)], [d(2)], [d(2 ** -1074 * 4)]];

const FORMS: readonly Form[] = [
  ...pair("fadd", [2, 3], AB, PAIRS, ADD_ZEROS, ADD_EDGES, rand2, "ds"),
  ...pair("fsub", [2, 3], AB, PAIRS.filter((_, i) => i % 2 === 0), ADD_ZEROS, ADD_EDGES, rand2, ""),
  ...pair("fmul", [2, 3], AB, PAIRS, [], MUL_EDGES, rand2, "ds"),
  ...pair("fdiv", [2, 3], AB, PAIRS, [], DIV_EDGES, rand2, "ds"),
  ...pair("fsqrt", [3], B, SINGLES, [], SQRT_EDGES, rand1, "ds"),
  ...pair("fmadd", [2, 4, 3], ACB, [], MADD_ZEROS, MADD_EDGES, rand3, "ds"),
  ...pair("fmsub", [2, 4, 3], ACB, [], MADD_ZEROS, MADD_EDGES, rand3, ""),
  ...pair("fnmadd", [2, 4, 3], ACB, [], MADD_ZEROS, MADD_EDGES, rand3, "d"),
  ...pair("fnmsub", [2, 4, 3], ACB, [], MADD_ZEROS, MADD_EDGES, rand3, ""),
  // fre and frsqrtes are not on the 7400 (fres and frsqrte are).
  ...pair("fre", [3], B, SINGLES, [], RE_EDGES, rand1, "ds").map((f) => ({ ...f, ppc32: f.m === "fres" })),
  ...pair("frsqrte", [3], B, SINGLES, [], RSQ_EDGES, rand1, "ds").map((f) => ({ ...f, ppc32: f.m === "frsqrte" })),
  {
    m: "frsp", regs: [3], asm: B, specials: SINGLES, zeros: [], edges: FRSP_EDGES, allModes: true, random: rand1, nRandom: N,
    ppc32: true,
  },
];

/** The record forms (Rc = 1) see a subset: some of the operands in one random mode each. */
function recordCases(rng: Rng, f: Form): Case[] {
  const pick = [...f.specials.filter((_, i) => i % 7 === 0), ...f.edges.filter((_, i) => i % 4 === 0)];
  const out: Case[] = pick.map((ops) => fcase(rng, f.regs, ops, rng.below(4)));
  for (let i = 0; i < Math.ceil(f.nRandom / 3); i++) out.push(fcase(rng, f.regs, f.random(rng), rng.below(4)));
  return out;
}

function variants(t: Target): Variant[] {
  const rng = new Rng(SEED ^ 0x5eed);
  const out: Variant[] = [];
  for (const f of FORMS) {
    if (t === "ppc32" && !f.ppc32) continue;
    out.push({ asm: f.asm(f.m), cases: cases(rng, f) });
    out.push({ asm: f.asm(f.m + "."), cases: recordCases(rng, f) });
  }
  // Aliased operands: the result register is also a source.
  const alias: [string, number[]][] = [
    ["fadd %f2, %f2, %f2", [2]], ["fmul %f3, %f2, %f3", [2, 3]], ["fmadds %f4, %f4, %f4, %f4", [4]], ["fdiv %f3, %f3, %f2", [3, 2]],
  ];
  for (const [asm, regs] of alias) {
    const cs: Case[] = [];
    for (let i = 0; i < N; i++) cs.push(fcase(rng, regs, [rng.double(), rng.double()], rng.below(4)));
    out.push({ asm, cases: cs });
  }
  return out;
}

function check(t: Target): void {
  const r = runDiff(t, variants(t), { suite: SUITE, seed: SEED, engines: ENGINE_KINDS });
  assert.equal(r.failure, undefined, report(t, r));
  assert.equal(r.mismatches.length, 0, report(t, r));
}

for (const t of ["ppc64", "ppc64le", "ppc32"] as const) {
  test(`fp arithmetic (${t})`, () => check(t));
}
