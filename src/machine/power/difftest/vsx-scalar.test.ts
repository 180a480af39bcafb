// VSX scalar floating point against qemu-user (-cpu power8), 64-bit big- and little-endian:
// arithmetic, multiply-adds (A and M forms), square roots, reciprocal estimates, sign
// operations, compares, max/min, conversions, round-to-integral, xsrsp and the test
// instructions, with the FPSCR, CR fields and both doublewords of every VSR. Operand registers
// are taken from both halves of the VSR file (VSRs 0..31 overlay the FPRs, 32..63 the VRs) so
// that the 6-bit register fields (TX/AX/BX) are exercised, and the doubleword 1 of every operand
// is random (the target's must become 0). Enable bits are never set in the FPSCR (qemu-user
// would raise SIGFPE; see fp-arith.test.ts).

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, type Case, type Target, type Variant } from "./harness.js";
import { Rng, f64bits, seedFromEnv } from "./rng.js";

const SUITE = "vsx-scalar";
const SEED = seedFromEnv();
const N = randomCount(8);

const d = (x: number): bigint => f64bits(x);

const ZERO = 0x0000000000000000n;
const NZERO = 0x8000000000000000n;
const ONE = 0x3ff0000000000000n;
const NONE = 0xbff0000000000000n;
const INF = 0x7ff0000000000000n;
const NINF = 0xfff0000000000000n;
const QNAN = 0x7ff8000000000000n;
const QNANP = 0xfff80000deadbeefn;
const SNAN = 0x7ff4000000000000n;
const SNANP = 0xfff000000000abcdn;
const MIND = 0x0000000000000001n;
const MAXD = 0x000fffffffffffffn;
const MINN = 0x0010000000000000n;
const MAXN = 0x7fefffffffffffffn;
const FLTMAX = 0x47efffffe0000000n;
const FLTMIN = 0x3810000000000000n;
const FLTDMIN = 0x36a0000000000000n;
const STIE = 0x3ff0000010000000n; // a single tie
const NEAR_TIE = 0x3ff000000fffffffn; // just below a single tie: double rounding matters

const SPECIALS: readonly bigint[] = [
  ZERO, NZERO, ONE, NONE, INF, NINF, QNAN, QNANP, SNAN, SNANP, MIND, MAXD, MINN, MAXN, FLTMAX, FLTMIN, FLTDMIN, STIE,
  d(3), d(-0.1), d(1e300), d(1e-300),
];
const PAIR_SPECIALS: readonly bigint[] = [ZERO, NZERO, ONE, INF, NINF, QNANP, SNAN, MIND, MAXN];

const FPSCR_EXTRAS: readonly number[] = [
  0, 0, 0, 0,
  1 << 18, // FR
  1 << 17, // FI
  (1 << 31) | (1 << 25), // FX XX
  0x1f << 12, // FPRF all ones
  (1 << 31) | (1 << 28) | (1 << 27) | (1 << 26), // FX OX UX ZX
  (1 << 24) | (1 << 29), // VXSNAN (VX)
  1 << 2, // NI
];

type Ops = readonly bigint[];

interface Form {
  /** Assembly of the snippet. */
  asm: string;
  /** The VSRs that receive the operand tuples' values (doubleword 0). */
  regs: readonly number[];
  /** Hand-picked operand tuples (each in one random rounding mode; `allModes`: in all four). */
  edges: readonly Ops[];
  /** Rounding edges: in round-to-nearest and a random directed mode, or (`allModes`) in all four. */
  modeEdges?: readonly Ops[];
  allModes?: boolean;
  random: (rng: Rng) => Ops;
  n?: number;
}

function fcase(rng: Rng, regs: readonly number[], ops: Ops, rn: number): Case {
  const vsr: Record<number, [bigint, bigint]> = {};
  regs.forEach((r, i) => (vsr[r] = [ops[i], rng.bits64()]));
  return { vsr, fpscr: rn | rng.pick(FPSCR_EXTRAS) };
}

function cases(rng: Rng, f: Form): Case[] {
  const out: Case[] = [];
  for (const ops of f.edges) out.push(fcase(rng, f.regs, ops, rng.below(4)));
  for (const ops of f.modeEdges ?? []) {
    if (f.allModes === true) for (let rn = 0; rn < 4; rn++) out.push(fcase(rng, f.regs, ops, rn));
    else out.push(fcase(rng, f.regs, ops, 0), fcase(rng, f.regs, ops, 1 + rng.below(3)));
  }
  const n = f.n ?? N;
  for (let i = 0; i < n; i++) out.push(fcase(rng, f.regs, f.random(rng), rng.below(4)));
  return out;
}

// ---- operand generators ----

const rand1 = (rng: Rng): Ops => [rng.double()];
const rand2 = (rng: Rng): Ops => {
  const a = rng.double();
  switch (rng.below(6)) {
    case 0: return [a, a];
    case 1: return [a, a ^ 0x8000000000000000n];
    case 2: return [a, a + BigInt(rng.below(5)) - 2n];
    default: return [a, rng.double()];
  }
};
const rand3 = (rng: Rng): Ops => [rng.double(), rng.double(), rng.double()];
const randInt = (rng: Rng): Ops => [rng.u64()];

/** Random float32 bits with edges (SNaN, QNaN, Inf, denormals, zeros). */
const SINGLE_EDGES: readonly number[] = [
  0, 0x80000000, 0x3f800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7fa00000, 0x7f800001, 0xff811111,
  1, 0x807fffff, 0x00800000, 0x7f7fffff,
];
const randSingleBits = (rng: Rng): number => {
  const k = rng.below(4);
  if (k === 0) return rng.pick(SINGLE_EDGES);
  return rng.u32();
};
/** Doubleword 0 holding a float32 in word 0 and random bits in word 1. */
const singleDw = (s: number, rng: Rng): bigint => (BigInt(s >>> 0) << 32n) | BigInt(rng.u32());

/** Products of pairs of specials. */
function pairs(list: readonly bigint[]): Ops[] {
  const out: Ops[] = [];
  for (const a of list) for (const b of list) out.push([a, b]);
  return out;
}
const PAIRS = pairs(PAIR_SPECIALS);
const SINGLES: readonly Ops[] = SPECIALS.map((x) => [x]);

const ARITH_EDGES: readonly Ops[] = [
  [ONE, d(2 ** -53)], [ONE, d(2 ** -24)], [ONE, d(3 * 2 ** -24)], [NEAR_TIE, d(2 ** -80)], [STIE, d(2 ** -60)],
  [MAXN, MAXN], [MINN, d(-5e-324)], [FLTMAX, d(2 ** 103)], [FLTMIN, d(-(2 ** -149))], [d(1e-40), d(1e-45)],
  [d(2 ** -600), d(2 ** -600)], [d(2 ** 512), d(2 ** 511)], [d(3), d(1 / 3)], [d(5), d(-5)],
];

const MADD_EDGES: readonly Ops[] = [
  // [XA, XB-or-XT multiplier, addend] in the order of the form's regs
  [INF, ZERO, QNANP], [INF, ZERO, SNAN], [ZERO, INF, ONE], [INF, ONE, NINF], [SNAN, ONE, QNANP], [QNANP, SNANP, ONE],
  [ONE, ONE, NONE], [d(3), d(5), d(-15)], [MAXN, d(2), NINF], [d(2 ** -600), d(2 ** -600), ZERO],
  [d(1 + 2 ** -30), d(1 + 2 ** -30), NONE], [FLTMAX, d(1 + 2 ** -24), ZERO], [ONE, STIE, d(2 ** -70)],
  [NZERO, ONE, NZERO], [ZERO, NONE, ZERO],
];

const RDPI_EDGES: readonly Ops[] = [
  ...SINGLES,
  [d(0.5)], [d(1.5)], [d(2.5)], [d(-2.5)], [d(-0.5)], [d(0.49999999999999994)], [d(-0.3)], [d(0.3)],
  [d(4503599627370495.5)], [d(-4503599627370495.5)], [d(2 ** 52)], [d(2 ** 60 + 2 ** 10)], [d(-1e-310)],
];

const SP_ROUND_EDGES: readonly Ops[] = [[NEAR_TIE], [STIE], [d(2 ** -149 * 1.5)], [d(2 ** 128)], [d(-(2 ** -150))], [FLTMAX + 1n]];

const CVT_EDGES: readonly Ops[] = [
  ...SINGLES,
  [d(2 ** 31)], [d(2 ** 31 - 1)], [d(2 ** 31 - 0.5)], [d(-(2 ** 31))], [d(-(2 ** 31) - 1)], [d(-(2 ** 31) - 0.5)],
  [d(2 ** 32)], [d(2 ** 32 - 1)], [d(2 ** 63)], [d(-(2 ** 63))], [d(2 ** 64)], [d(2 ** 64 - 2048)], [d(-0.5)],
  [d(-1)], [d(0.99)], [d(-0.99)], [d(123456.789)],
];

const INT_EDGES: readonly Ops[] = [
  [0n], [1n], [0xffffffffffffffffn], [0x8000000000000000n], [0x7fffffffffffffffn], [0x0020000000000001n],
  [0x0020000000000003n], [0x1000001n], [0x1000003n], [0xffffffffff000001n], [0x8000008000000001n],
  [0x8000000000000401n], [0x100000080000001n],
];

const DPSPN_EDGES: readonly Ops[] = [
  ...SINGLES,
  [d(2 ** -126)], [d(2 ** -127)], [d(2 ** -149)], [d(2 ** -150)], [d(2 ** -160)], [d(2 ** 128)], [d(2 ** 200)],
  [d(-(2 ** -130) * 1.75)], [0x7ff0000000000001n], [0x7ff0000020000000n], [0x3810000000000000n - 1n],
];

const TDIV_EDGES: readonly Ops[] = [
  ...PAIRS,
  [d(2 ** 1000), d(2 ** -30)], [d(2 ** -1000), d(2 ** 30)], [d(2 ** -969), ONE], [d(2 ** -970), ONE],
  [ONE, d(2 ** 1020)], [ONE, d(2 ** 1021)], [ONE, d(2 ** -1021)], [ONE, d(2 ** -1022)], [ONE, MAXD],
  [d(2 ** 500), d(2 ** -522)], [d(2 ** 500), d(2 ** -523)], [d(2 ** -500), d(2 ** 520)], [d(2 ** -500), d(2 ** 521)],
];

const TSQRT_EDGES: readonly Ops[] = [
  ...SINGLES, [d(2 ** -969)], [d(2 ** -970)], [d(2 ** -971)], [d(-4)], [MAXD],
];

/** Random doubles around the thresholds of the test instructions. */
const randExpPair = (rng: Rng): Ops => {
  const e = (): bigint => d((1 + rng.below(1000) / 1000) * 2 ** (rng.below(2098) - 1074)) ^ (rng.below(2) === 0 ? 0n : NZERO);
  return rng.below(4) === 0 ? rand2(rng) : [e(), e()];
};

// ---- forms ----

const X2 = (m: string, t = 34, b = 35): Form["asm"] => `${m} ${t}, ${b}`;
const X3 = (m: string, t = 34, a = 35, b = 36): Form["asm"] => `${m} ${t}, ${a}, ${b}`;

function arith(m: string, allModes: boolean): Form[] {
  const edges = m.endsWith("dp") ? PAIRS : PAIRS.filter((_, i) => i % 3 === 0);
  return [
    { asm: X3(m), regs: [35, 36], edges, modeEdges: ARITH_EDGES, allModes, random: rand2 },
    { asm: X3(m, 1, 2, 3), regs: [2, 3], edges: [], random: rand2 },
    { asm: X3(m, 40, 40, 9), regs: [40, 9], edges: [], random: rand2, n: 6 },
  ];
}

/** `modeEdges`: operands whose result depends on the rounding mode (also tried in RN and a directed mode). */
function unary(m: string, edges: readonly Ops[], modeEdges: readonly Ops[], random = rand1): Form[] {
  return [
    { asm: X2(m), regs: [35], edges, modeEdges, random },
    { asm: X2(m, 5, 62), regs: [62], edges: [], random, n: 6 },
  ];
}

function madd(base: string, single: boolean): Form[] {
  const s = single ? "sp" : "dp";
  // A form: XT = XA × XB + XT (regs [XA, XB, XT]); M form: XT = XA × XT + XB (regs [XA, XT, XB])
  return [
    { asm: X3(`${base}a${s}`), regs: [35, 36, 34], edges: MADD_EDGES, random: rand3 },
    { asm: X3(`${base}m${s}`), regs: [35, 34, 36], edges: MADD_EDGES, random: rand3 },
    { asm: X3(`${base}a${s}`, 3, 33, 4), regs: [33, 4, 3], edges: [], random: rand3, n: 6 },
  ];
}

const FORMS: readonly Form[] = [
  ...arith("xsadddp", true),
  ...arith("xssubdp", false),
  ...arith("xsmuldp", false),
  ...arith("xsdivdp", false),
  ...arith("xsaddsp", true),
  ...arith("xssubsp", false),
  ...arith("xsmulsp", false),
  ...arith("xsdivsp", false),
  ...unary("xssqrtdp", SINGLES, [[d(2)], [d(2 ** -1074 * 3)], [NEAR_TIE]]),
  ...unary("xssqrtsp", SINGLES, [[d(2)], [d(2 ** -1074 * 3)], [NEAR_TIE], [FLTMAX]]),
  ...unary("xsredp", SINGLES, [[d(3)], [d(2 ** 1023)], [d(2 ** -1030)], [MIND]]),
  ...unary("xsresp", SINGLES, [[d(3)], [d(2 ** 127)], [d(2 ** -130)], [FLTDMIN]]),
  ...unary("xsrsqrtedp", SINGLES, [[d(4)], [d(2)], [NINF], [NONE], [d(3)]]),
  ...unary("xsrsqrtesp", SINGLES, [[d(4)], [d(2)], [NINF], [NONE], [d(3)]]),
  ...madd("xsmadd", false), ...madd("xsmsub", false), ...madd("xsnmadd", false), ...madd("xsnmsub", false),
  ...madd("xsmadd", true), ...madd("xsmsub", true), ...madd("xsnmadd", true), ...madd("xsnmsub", true),
  ...unary("xsabsdp", SINGLES, []), ...unary("xsnabsdp", SINGLES, []), ...unary("xsnegdp", SINGLES, []),
  { asm: X3("xscpsgndp"), regs: [35, 36], edges: PAIRS.slice(0, 30), random: rand2 },
  { asm: "xscmpudp 3, 35, 36", regs: [35, 36], edges: PAIRS, random: rand2 },
  { asm: "xscmpodp 6, 35, 36", regs: [35, 36], edges: PAIRS, random: rand2 },
  { asm: "xscmpudp 0, 1, 40", regs: [1, 40], edges: [], random: rand2, n: 6 },
  { asm: X3("xsmaxdp"), regs: [35, 36], edges: PAIRS, random: rand2 },
  { asm: X3("xsmindp"), regs: [35, 36], edges: PAIRS, random: rand2 },
  { asm: X3("xsmaxdp", 7, 7, 50), regs: [7, 50], edges: [], random: rand2, n: 6 },
  ...unary("xscvdpsp", SINGLES, SP_ROUND_EDGES),
  ...unary("xscvdpspn", DPSPN_EDGES, []),
  ...unary("xsrsp", SINGLES, SP_ROUND_EDGES),
  ...unary("xscvdpsxds", CVT_EDGES, []), ...unary("xscvdpsxws", CVT_EDGES, []),
  ...unary("xscvdpuxds", CVT_EDGES, []), ...unary("xscvdpuxws", CVT_EDGES, []),
  ...unary("xscvsxddp", [], INT_EDGES, randInt), ...unary("xscvuxddp", [], INT_EDGES, randInt),
  ...unary("xscvsxdsp", [], INT_EDGES, randInt), ...unary("xscvuxdsp", [], INT_EDGES, randInt),
  ...unary("xsrdpi", RDPI_EDGES, []), ...unary("xsrdpiz", RDPI_EDGES, []),
  ...unary("xsrdpip", RDPI_EDGES, []), ...unary("xsrdpim", RDPI_EDGES, []),
  { asm: X2("xsrdpic"), regs: [35], edges: [], modeEdges: RDPI_EDGES, allModes: true, random: rand1 },
  { asm: "xstdivdp 2, 35, 36", regs: [35, 36], edges: TDIV_EDGES, random: randExpPair, n: 40 },
  { asm: "xstsqrtdp 7, 35", regs: [35], edges: TSQRT_EDGES, random: (rng) => [randExpPair(rng)[0]], n: 30 },
];

/** Forms with a float32 operand in word 0 (random bits in word 1). */
function singleSourceVariants(rng: Rng): Variant[] {
  const out: Variant[] = [];
  for (const m of ["xscvspdp", "xscvspdpn"]) {
    const cs: Case[] = [];
    for (const s of SINGLE_EDGES) cs.push({ vsr: { 35: [singleDw(s, rng), rng.bits64()] }, fpscr: rng.below(4) | rng.pick(FPSCR_EXTRAS) });
    for (let i = 0; i < 2 * N; i++) {
      cs.push({ vsr: { 35: [singleDw(randSingleBits(rng), rng), rng.bits64()] }, fpscr: rng.below(4) | rng.pick(FPSCR_EXTRAS) });
    }
    out.push({ asm: `${m} 34, 35`, cases: cs });
    out.push({ asm: `${m} 63, 0`, cases: cs.slice(0, 8).map((c) => ({ ...c, vsr: { 0: c.vsr![35] } })) });
  }
  return out;
}

function variants(_t: Target): Variant[] {
  const rng = new Rng(SEED ^ 0x75c4);
  const out: Variant[] = FORMS.map((f) => ({ asm: f.asm, cases: cases(rng, f) }));
  out.push(...singleSourceVariants(rng));
  return out;
}

function check(t: Target): void {
  const r = runDiff(t, variants(t), { suite: SUITE, seed: SEED, vector: true });
  assert.equal(r.failure, undefined, report(t, r));
  assert.equal(r.mismatches.length, 0, report(t, r));
}

for (const t of ["ppc64le", "ppc64"] as const) {
  test(`vsx scalar floating point (${t})`, () => check(t));
}
