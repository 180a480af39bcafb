// Fixed-point arithmetic against qemu-user: add/subtract (with carry, overflow and CR0),
// negate, multiply, divide and compares, in 64-bit big- and little-endian mode and (for the
// instructions a 32-bit CPU has) in 32-bit mode.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, type Case, type Target, type Variant } from "./harness.js";
import { ENGINE_KINDS } from "../engine.js";
import { Rng, seedFromEnv } from "./rng.js";

const SUITE = "fixed-arith";
const SEED = seedFromEnv();

const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const MIN64 = 0x8000000000000000n;
const MAX64 = 0x7fffffffffffffffn;
const MIN32 = u64(-0x80000000n);

/** XER inputs: CA, SO, OV in several combinations, and a byte count that must survive. */
const XERS: readonly bigint[] = [0n, 0x20000000n, 0x80000000n, 0x40000000n, 0xe0000000n, 0xa000007fn, 0x20000045n];

/** Operand pairs every binary form sees (RA, RB). */
const PAIRS: readonly (readonly [bigint, bigint])[] = [
  [0n, 0n],
  [1n, u64(-1n)],
  [u64(-1n), u64(-1n)],
  [MAX64, 1n],
  [MIN64, u64(-1n)],
  [MIN64, MIN64],
  [0x7fffffffn, 1n],
  [0x80000000n, 0x80000000n],
  [0xffffffffn, 1n],
  [MIN32, u64(-1n)],
  [0x12345678n, 0n],
  [0x0123456789abcdefn, 0xfedcba9876543210n],
];

/** Operands for the one-operand forms (RA). */
const SINGLES: readonly bigint[] = [0n, 1n, u64(-1n), MAX64, MIN64, 0x7fffffffn, 0x80000000n, 0xffffffffn, MIN32, 0x100000000n];

/** A random operand pair, sometimes related (equal, negated, nearby). */
function randomPair(rng: Rng): [bigint, bigint] {
  const a = rng.u64();
  switch (rng.below(6)) {
    case 0: return [a, a];
    case 1: return [a, u64(-a)];
    case 2: return [a, u64(a + BigInt(rng.below(5)) - 2n)];
    default: return [a, rng.u64()];
  }
}

function binCases(rng: Rng, nRandom: number, extra: readonly (readonly [bigint, bigint])[] = [], ra = 4, rb = 5): Case[] {
  const out: Case[] = [];
  for (const [a, b] of [...PAIRS, ...extra]) out.push({ gpr: { [ra]: a, [rb]: b }, xer: rng.pick(XERS) });
  for (let i = 0; i < nRandom; i++) {
    const [a, b] = randomPair(rng);
    out.push({ gpr: { [ra]: a, [rb]: b }, xer: rng.pick(XERS) });
  }
  return out;
}

function unCases(rng: Rng, nRandom: number, ra = 4): Case[] {
  const out: Case[] = [];
  for (const a of SINGLES) out.push({ gpr: { [ra]: a }, xer: rng.pick(XERS) });
  for (let i = 0; i < nRandom; i++) out.push({ gpr: { [ra]: rng.u64() }, xer: rng.pick(XERS) });
  return out;
}

/** The forms of an XO mnemonic: plain, o, ., o. (only those the ISA has). */
function forms(m: string, oe: boolean): string[] {
  return oe ? [m, m + "o", m + ".", m + "o."] : [m, m + "."];
}

function check(t: Target, variants: Variant[]): void {
  const r = runDiff(t, variants, { suite: SUITE, seed: SEED, engines: ENGINE_KINDS });
  assert.equal(r.failure, undefined, report(t, r));
  assert.equal(r.mismatches.length, 0, report(t, r));
}

const is64 = (t: Target): boolean => t !== "ppc32";
const TARGETS: readonly Target[] = ["ppc64", "ppc64le", "ppc32"];

// ---- add / subtract / negate ----

function addVariants(t: Target, rng: Rng): Variant[] {
  const v: Variant[] = [];
  const n = randomCount(8);
  for (const m of ["add", "addc", "adde", "subf", "subfc", "subfe"]) {
    for (const f of forms(m, true)) v.push({ asm: `${f} 3, 4, 5`, cases: binCases(rng, n) });
    // aliasing: RT = RA, RT = RB, RA = RB, and r0 as an ordinary operand
    v.push({ asm: `${m}. 4, 4, 5`, cases: binCases(rng, 2) });
    v.push({ asm: `${m}o 5, 4, 5`, cases: binCases(rng, 2) });
    v.push({ asm: `${m} 6, 0, 0`, cases: binCases(rng, 2, [], 0, 0) });
  }
  for (const m of ["addme", "addze", "subfme", "subfze", "neg"]) {
    for (const f of forms(m, true)) v.push({ asm: `${f} 3, 4`, cases: unCases(rng, n) });
    v.push({ asm: `${m}o. 4, 4`, cases: unCases(rng, 2) });
  }
  // carry chains: a 128-bit (or 64-bit in 32-bit mode) add and subtract
  v.push({ asm: "addc 3, 4, 6; adde 7, 5, 8", cases: quadCases(rng, n) });
  v.push({ asm: "subfc 3, 4, 6; subfe 7, 5, 8", cases: quadCases(rng, n) });
  v.push({ asm: "addic 3, 4, -1; addme 7, 5", cases: quadCases(rng, n) });
  v.push({ asm: "subfic 3, 4, 0; subfze 7, 5", cases: quadCases(rng, n) });
  return v;
}

function quadCases(rng: Rng, nRandom: number): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < nRandom + 4; i++) {
    const e = i < 4 ? [0n, u64(-1n), MIN64, 0xffffffffn][i] : undefined;
    out.push({ gpr: { 4: e ?? rng.u64(), 5: e ?? rng.u64(), 6: e ?? rng.u64(), 8: rng.u64() }, xer: rng.pick(XERS) });
  }
  return out;
}

// ---- immediates ----

const IMMS: readonly number[] = [0, 1, -1, 0x7fff, -0x8000, 100, -100];

function immVariants(t: Target, rng: Rng): Variant[] {
  const v: Variant[] = [];
  const n = randomCount(4);
  const unary = (): Case[] => unCases(rng, n);
  const r = rng.below(0x10000) - 0x8000;
  for (const imm of [...IMMS, r]) {
    // addi, addis and mulli touch no XER or CR bits: one snippet for the three
    v.push({ asm: `addi 3, 4, ${imm}; addis 6, 4, ${imm}; mulli 7, 4, ${imm}`, cases: unary() });
    for (const m of ["addic", "addic.", "subfic"]) v.push({ asm: `${m} 3, 4, ${imm}`, cases: unary() });
  }
  // RT = RA
  v.push({ asm: `addi 4, 4, ${-r}; addis 5, 5, ${r}; mulli 6, 6, ${-r}`, cases: binCases(rng, 2) });
  for (const m of ["addic", "addic.", "subfic"]) v.push({ asm: `${m} 4, 4, ${-r}`, cases: unCases(rng, 2) });
  // RA = 0: li / lis for addi/addis; r0 as an operand for the others
  v.push({ asm: "addi 3, 0, -5; addis 6, 0, -5; mulli 7, 0, -5", cases: unCases(rng, 2, 0) });
  for (const m of ["addic", "addic.", "subfic"]) v.push({ asm: `${m} 3, 0, -5`, cases: unCases(rng, 2, 0) });
  return v;
}

// ---- multiply ----

function mulVariants(t: Target, rng: Rng): Variant[] {
  const v: Variant[] = [];
  const n = randomCount(10);
  const extra: [bigint, bigint][] = [
    [0x7fffffffn, 0x7fffffffn], [MIN32, MIN32], [0xffffffffn, 0xffffffffn], [0x10000n, 0x10000n],
    [0x100000000n, 0x100000000n], [MAX64, MAX64], [MIN64, 2n], [0xffffffff00000000n, 0xffffffffn],
  ];
  const mnems: [string, boolean][] = [["mullw", true], ["mulhw", false], ["mulhwu", false]];
  if (is64(t)) mnems.push(["mulld", true], ["mulhd", false], ["mulhdu", false]);
  for (const [m, oe] of mnems) {
    for (const f of forms(m, oe)) v.push({ asm: `${f} 3, 4, 5`, cases: binCases(rng, n, extra) });
    v.push({ asm: `${m}. 4, 4, 4`, cases: binCases(rng, 2) });
    v.push({ asm: `${m} 5, 4, 5`, cases: binCases(rng, 2) });
  }
  return v;
}

// ---- divide ----

/** Random pairs whose quotient is interesting: dividend magnitude below the divisor's (for the extended forms). */
function smallerPair(rng: Rng, word: boolean): [bigint, bigint] {
  if (word) {
    const b = BigInt(rng.u32() | 0);
    const a = b >> BigInt(1 + rng.below(31));
    return [u64(rng.below(2) === 0 ? a : -a) | (BigInt(rng.u32()) << 32n), u64(b)];
  }
  const b = BigInt.asIntN(64, rng.bits64());
  const a = b >> BigInt(1 + rng.below(63));
  return [u64(rng.below(2) === 0 ? a : -a), u64(b)];
}

function divVariants(t: Target, rng: Rng): Variant[] {
  const v: Variant[] = [];
  const n = randomCount(6);
  const extra: [bigint, bigint][] = [
    [0x1234n, 0n], [u64(-7n), 0n], [u64(-7n), 2n], [7n, u64(-2n)], [MIN64, 1n], [MAX64, u64(-1n)],
    [0x80000000n, u64(-1n)], [0xffffffff80000000n, 0xffffffffn], [100n, 7n], [u64(-100n), 7n],
    [0xffffffffffffffffn, 0x100000000n], [0x8000000000000000n, 0x8000000000000001n], [0xfffffffffffffff0n, 0x7fffffffffffffffn],
    [3n, 4n], [u64(-3n), 4n], [1n, 2n], [u64(-1n), 2n], [0x300000000n, 0x400000000n], [0x3n, 0x80000000n],
    [0x123456789n, 0x100000001n], [0x00000000ffffffffn, 0x0000000000010001n],
  ];
  const mnems = ["divw", "divwu"];
  if (is64(t)) mnems.push("divd", "divdu", "divwe", "divweu", "divde", "divdeu");
  for (const m of mnems) {
    const extended = m.endsWith("e") || m.endsWith("eu");
    for (const f of forms(m, true)) {
      const cases = binCases(rng, n, extra);
      if (extended || m.startsWith("divd")) {
        const word = m.startsWith("divw");
        for (let i = 0; i < n; i++) {
          const [a, b] = smallerPair(rng, word);
          cases.push({ gpr: { 4: a, 5: b }, xer: rng.pick(XERS) });
        }
      }
      v.push({ asm: `${f} 3, 4, 5`, cases });
    }
    v.push({ asm: `${m}o. 4, 4, 5`, cases: binCases(rng, 2) });
    v.push({ asm: `${m} 5, 4, 5`, cases: binCases(rng, 2) });
    v.push({ asm: `${m}. 6, 4, 4`, cases: binCases(rng, 2) });
  }
  return v;
}

// ---- compares ----

function cmpVariants(t: Target, rng: Rng): Variant[] {
  const v: Variant[] = [];
  const n = randomCount(6);
  const regs = ["cmpw", "cmplw"];
  const imms = ["cmpwi", "cmplwi"];
  if (is64(t)) {
    regs.push("cmpd", "cmpld");
    imms.push("cmpdi", "cmpldi");
  }
  let bf = 0;
  for (const m of regs) {
    for (let k = 0; k < 3; k++, bf = (bf + 1) & 7) {
      v.push({ asm: `${m} ${bf}, 4, 5`, cases: binCases(rng, n, [[5n, 5n], [0xffffffff00000001n, 1n], [1n, 0xffffffff00000001n]]) });
    }
    v.push({ asm: `${m} ${bf}, 4, 4`, cases: unCases(rng, 2) });
  }
  for (const m of imms) {
    const unsigned = m.startsWith("cmpl");
    const ims = unsigned ? [0, 1, 0x7fff, 0x8000, 0xffff] : [0, 1, -1, 0x7fff, -0x8000];
    for (const imm of ims) {
      const cases = unCases(rng, n);
      const iv = BigInt(imm);
      for (const d of [-1n, 0n, 1n]) {
        cases.push({ gpr: { 4: u64(iv + d) }, xer: rng.pick(XERS) });
        cases.push({ gpr: { 4: u64(iv + d) ^ 0xffffffff00000000n }, xer: rng.pick(XERS) });
        cases.push({ gpr: { 4: (u64(iv + d) & 0xffffffffn) | 0x100000000n }, xer: rng.pick(XERS) });
      }
      v.push({ asm: `${m} ${bf}, 4, ${imm}`, cases });
      bf = (bf + 1) & 7;
    }
  }
  // Reserved bits (bit 9 and bit 31 of the X-form, bit 9 of the D-form) are ignored by qemu.
  const l = is64(t) ? 1 : 0;
  const cmpWord = (xo: number): number => ((31 << 26) | (5 << 23) | 0x400000 | (l << 21) | (4 << 16) | (5 << 11) | (xo << 1) | 1) >>> 0;
  v.push({ asm: `.long 0x${cmpWord(0).toString(16)}`, cases: binCases(rng, n) });
  v.push({ asm: `.long 0x${cmpWord(32).toString(16)}`, cases: binCases(rng, n) });
  const cmpiWord = ((11 << 26) | (6 << 23) | 0x400000 | (l << 21) | (4 << 16) | 0xfff0) >>> 0;
  v.push({ asm: `.long 0x${cmpiWord.toString(16)}`, cases: unCases(rng, n) });
  return v;
}

const GROUPS: readonly [string, (t: Target, rng: Rng) => Variant[]][] = [
  ["add/subtract/negate", addVariants],
  ["immediates", immVariants],
  ["multiply", mulVariants],
  ["divide", divVariants],
  ["compare", cmpVariants],
];

GROUPS.forEach(([name, gen], gi) => {
  for (const t of TARGETS) {
    test(`fixed-arith ${name} (${t})`, () => {
      const rng = new Rng((SEED ^ Math.imul(gi + 1, 0x9e3779b1) ^ (t === "ppc64" ? 0 : t === "ppc64le" ? 0x51 : 0xa3)) >>> 0);
      check(t, gen(t, rng));
    });
  }
});


// ---- the 64-bit multiply/divide helpers against BigInt, over many more operands ----
//
// The differential tests above see a few hundred operand pairs per form; the double-based
// 64-bit multiply and the BigInt-free divisions have corner cases (estimate corrections,
// divisors of 2^63 and more) that deserve many more. These run the handlers directly on a
// processor in 64-bit mode and compare with a BigInt model of qemu's results (the model is
// the one the differential tests above confirm).

const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);

/** Reference results (RT, OV) of qemu for the 64-bit multiply/divide forms. */
const MODEL: Record<string, (a: bigint, b: bigint) => [bigint, number]> = {
  mulldo: (a, b) => {
    const p = s64(a) * s64(b);
    return [u64(p), p === s64(p) ? 0 : 1];
  },
  mulhdo: (a, b) => [u64((s64(a) * s64(b)) >> 64n), 0],
  mulhduo: (a, b) => [u64((a * b) >> 64n), 0],
  mullwo: (a, b) => {
    const p = BigInt.asIntN(32, a) * BigInt.asIntN(32, b);
    return [u64(p), p === BigInt.asIntN(32, p) ? 0 : 1];
  },
  divdo: (a, b) => {
    const x = s64(a), y = s64(b);
    if (y === 0n || (y === -1n && x === -MIN64)) return [a, 1];
    return [u64(x / y), 0];
  },
  divduo: (a, b) => (b === 0n ? [a, 1] : [a / b, 0]),
  divdeo: (a, b) => {
    const x = s64(a), y = s64(b);
    const ax = x < 0n ? -x : x, ay = y < 0n ? -y : y;
    if (y === 0n || ax >= ay) return [0n, 1];
    return [u64((x << 64n) / y), 0];
  },
  divdeuo: (a, b) => (b === 0n || a >= b ? [0n, 1] : [(a << 64n) / b, 0]),
  divweo: (a, b) => {
    const x = BigInt.asIntN(32, a) << 32n, y = BigInt.asIntN(32, b);
    if (y === 0n) return [0n, 1];
    const q = x / y;
    return q === BigInt.asIntN(32, q) ? [u64(q), 0] : [0n, 1];
  },
  divweuo: (a, b) => {
    const x = (a & 0xffffffffn) << 32n, y = b & 0xffffffffn;
    if (y === 0n || x / y > 0xffffffffn) return [0n, 1];
    return [x / y, 0];
  },
};

/** Operands that reach every path of the helpers. */
function helperOperand(rng: Rng): bigint {
  switch (rng.below(6)) {
    case 0: return rng.u64();
    case 1: return BigInt(rng.u32()) << BigInt(rng.below(33)); // up to 2^64, few low bits
    case 2: return u64(-BigInt(rng.u32()));
    case 3: return 0x8000000000000000n | rng.bits64(); // top bit set
    default: return rng.bits64() >> BigInt(rng.below(64));
  }
}

test("fixed-arith 64-bit multiply/divide helpers against BigInt", async () => {
  const { PhysicalMemory } = await import("../../memory.js");
  const { Cpu } = await import("../cpu.js");
  const { decoder } = await import("../engine.js");
  const { S } = await import("../state.js");
  const cpu = new Cpu(new PhysicalMemory({ bytes: 1 << 20, nodes: 1 }));
  cpu.setMode(true, false);
  const rng = new Rng(SEED ^ 0x5eed);
  const setG = (n: number, v: bigint): void => cpu.setGpr(n, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
  const getG = (n: number): bigint => (BigInt(cpu.r[n * 2 + 1] >>> 0) << 32n) | BigInt(cpu.r[n * 2] >>> 0);
  const xos: Record<string, number> = {
    mulldo: 233, mulhdo: 73, mulhduo: 9, mullwo: 235, divdo: 489, divduo: 457,
    divdeo: 425, divdeuo: 393, divweo: 427, divweuo: 395,
  };
  const n = randomCount(12) * 250;
  for (const [name, model] of Object.entries(MODEL)) {
    const oe = name.startsWith("mulh") ? 0 : 0x400;
    const w = ((31 << 26) | (3 << 21) | (4 << 16) | (5 << 11) | oe | (xos[name] << 1)) >>> 0;
    const def = decoder().decode(w);
    assert.ok(def !== undefined, name);
    for (let i = 0; i < n; i++) {
      const a = helperOperand(rng);
      let b = helperOperand(rng);
      if (i % 4 === 1 && b !== 0n) {
        // a numerator next to a multiple of the divisor (the estimate's hard cases)
        const q = rng.bits64() % (((1n << 64n) - 1n) / b + 1n);
        b = u64(b);
        setG(4, u64(q * b + BigInt(rng.below(3)) - 1n));
      } else setG(4, a);
      setG(5, b);
      cpu.r[S.OV] = 0;
      const av = getG(4);
      def.exec(cpu, w, 0);
      const [rt, ov] = model(av, b);
      const ctx = `${name} 0x${av.toString(16)}, 0x${b.toString(16)}`;
      assert.equal(getG(3).toString(16), rt.toString(16), ctx);
      if (oe !== 0) assert.equal(cpu.r[S.OV], ov, ctx + " (OV)");
    }
  }
});
