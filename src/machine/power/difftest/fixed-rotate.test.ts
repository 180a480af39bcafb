// Rotate-and-mask and shift instructions against qemu-user, in 64-bit mode (ppc64, ppc64le)
// and, for the word forms a 32-bit CPU has, in 32-bit mode (ppc32).

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { ENGINE_KINDS } from "../engine.js";
import { Rng, seedFromEnv } from "./rng.js";

const SUITE = "fixed-rotate";

const SO = 0x80000000n;
const CA = 0x20000000n;
const CA32 = 0x40000n;

const EDGES: readonly bigint[] = [
  0n, 1n, 0xffffffffffffffffn, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffff80000000n, 0x00000000ffff0000n,
  0x0123456789abcdefn, 0xfedcba9876543210n, 0x8000000000000001n, 0x80000001n, 0xc000000000000000n,
  0xfffffffe00000000n, 0x00000001fffffffen,
];

/** XER with SO and/or CA (and CA32) set sometimes: CR0.SO copies SO, the algebraic shifts set CA. */
function xerFor(rng: Rng): bigint {
  return rng.pick([0n, 0n, SO, CA, SO | CA, CA | CA32]);
}

function val(rng: Rng): bigint {
  return rng.below(4) === 0 ? rng.pick(EDGES) : rng.u64();
}

/** `k` cases with RS (reg 4) and RA (reg 3, the rlwimi/rldimi target) values, edges first. */
function rsCases(rng: Rng, k: number, extra: (c: Case) => Case = (c) => c): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < k; i++) {
    const rs = i < 2 ? rng.pick(EDGES) : val(rng);
    out.push(extra({ gpr: { 3: val(rng), 4: rs }, xer: xerFor(rng) }));
  }
  return out;
}

/** Shift/rotate amounts for RB: every interesting region of the low 7 bits, and high garbage. */
function amount(rng: Rng): bigint {
  const k = rng.below(6);
  if (k === 0) return BigInt(rng.pick([0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 127, 128, 159, 160, 191, 255]));
  if (k === 1) return (rng.bits64() & ~0x7fn) | BigInt(rng.below(128)); // high bits set
  if (k === 2) return BigInt(rng.below(32));
  if (k === 3) return BigInt(32 + rng.below(32));
  if (k === 4) return BigInt(64 + rng.below(64));
  return rng.u64();
}

/** Cases for RB-shift forms (RS = 4, RB = 5): every amount 0..127 once, plus random. */
function shiftCases(rng: Rng, k: number, all = true): Case[] {
  const out: Case[] = [];
  if (all) for (let n = 0; n < 128; n += 1 + rng.below(3)) out.push({ gpr: { 3: val(rng), 4: val(rng), 5: BigInt(n) }, xer: xerFor(rng) });
  for (let i = 0; i < k; i++) out.push({ gpr: { 3: val(rng), 4: val(rng), 5: amount(rng) }, xer: xerFor(rng) });
  return out;
}

/** Deterministic (mb, me) pairs for 5-bit masks: full, single bit, wrap-around, empty-looking. */
const MASK5: readonly [number, number][] = [
  [0, 31], [0, 0], [31, 31], [31, 0], [16, 15], [1, 0], [0, 30], [1, 31], [24, 7], [8, 23],
  [30, 1], [15, 16], [28, 3], [5, 4],
];

/** Deterministic (sh, mb/me) pairs for 6-bit forms. */
const SH6: readonly [number, number][] = [
  [0, 0], [0, 63], [63, 0], [63, 63], [32, 32], [1, 63], [31, 33], [32, 0], [0, 32], [33, 31],
  [16, 48], [48, 16], [1, 0], [62, 1], [31, 31], [32, 31],
];

const dot = (rng: Rng): string => (rng.below(2) === 0 ? "." : "");

function variants(t: Target, rng: Rng): Variant[] {
  const is64 = t !== "ppc32";
  const n = randomCount(4);
  const v: Variant[] = [];
  const add = (asm: string, cs: Case[]): void => {
    v.push({ asm, cases: cs });
  };

  // ---- rlwinm / rlwimi: deterministic masks with sh 0, 31 and random, both Rc; random triples ----
  for (const op of ["rlwinm", "rlwimi"]) {
    for (const [mb, me] of MASK5) {
      for (const sh of [0, 31, 1 + rng.below(30)]) add(`${op}${dot(rng)} 3, 4, ${sh}, ${mb}, ${me}`, rsCases(rng, n));
    }
    for (let i = 0; i < 10; i++) add(`${op}${dot(rng)} 3, 4, ${rng.below(32)}, ${rng.below(32)}, ${rng.below(32)}`, rsCases(rng, n));
    // Rc with a wrapping mask: CR0 in 64-bit mode sees the high word
    add(`${op}. 3, 4, 8, 24, 7`, rsCases(rng, n + 4));
    add(`${op}. 3, 4, 0, 1, 0`, rsCases(rng, n + 4));
    // RA = RS
    add(`${op} 4, 4, 5, 3, 20`, rsCases(rng, 3));
    add(`${op}. 4, 4, 27, 30, 2`, rsCases(rng, 3));
  }
  // common extended mnemonics
  for (const asm of ["slwi 3, 4, 7", "srwi 3, 4, 9", "clrlwi. 3, 4, 16", "rotlwi 3, 4, 13", "inslwi 3, 4, 8, 4", "extlwi 3, 4, 8, 8"]) {
    add(asm, rsCases(rng, n));
  }
  // ---- rlwnm: rotate count from RB's low 5 bits ----
  for (const [mb, me] of MASK5) add(`rlwnm${dot(rng)} 3, 4, 5, ${mb}, ${me}`, shiftCases(rng, n, false));
  add("rlwnm. 3, 4, 5, 0, 31", shiftCases(rng, n));
  add("rlwnm. 3, 4, 5, 20, 10", shiftCases(rng, n, false));
  add("rlwnm 5, 4, 5, 4, 27", shiftCases(rng, n, false));
  add("rlwnm 4, 4, 5, 31, 0", shiftCases(rng, n, false));

  // ---- word shifts (counts from RB's low 6 bits) ----
  for (const op of ["slw", "srw", "sraw"]) {
    for (const d of ["", "."]) {
      add(`${op}${d} 3, 4, 5`, shiftCases(rng, n, d === ""));
      add(`${op}${d} 4, 4, 5`, shiftCases(rng, 3, false));
      add(`${op}${d} 5, 4, 5`, shiftCases(rng, 3, false));
      add(`${op}${d} 3, 4, 4`, rsCases(rng, 4));
    }
  }
  // sraw: negative values with and without one bits shifted out
  add("sraw. 3, 4, 5", [
    { gpr: { 4: 0xffffffff80000000n, 5: 31n } }, { gpr: { 4: 0xffffffff80000000n, 5: 32n } },
    { gpr: { 4: 0x80000001n, 5: 1n } }, { gpr: { 4: 0x80000002n, 5: 1n } }, { gpr: { 4: 0xffffffffn, 5: 63n } },
    { gpr: { 4: 0x7fffffffn, 5: 63n } }, { gpr: { 4: 0x80000000n, 5: 0n }, xer: CA }, { gpr: { 4: 0x80000000n, 5: 64n }, xer: CA },
    { gpr: { 4: 0xffffffff00000000n, 5: 40n } }, { gpr: { 4: 0x00000000ffffffffn, 5: 0x20n } },
  ]);
  for (const sh of [0, 1, 15, 16, 31, 1 + rng.below(30), 1 + rng.below(30)]) {
    for (const d of ["", "."]) add(`srawi${d} 3, 4, ${sh}`, rsCases(rng, n, (c) => c));
  }
  add("srawi. 4, 4, 3", rsCases(rng, 4));
  add("srawi 3, 4, 0", [{ gpr: { 4: 0x80000000n }, xer: CA }, { gpr: { 4: 0xffffffffn }, xer: CA | SO }, { gpr: { 4: 0x1n }, xer: CA }]);

  if (is64) {
    // ---- rldicl / rldicr / rldic / rldimi ----
    for (const op of ["rldicl", "rldicr", "rldic", "rldimi"]) {
      for (const [sh, m] of SH6) add(`${op}${dot(rng)} 3, 4, ${sh}, ${m}`, rsCases(rng, n));
      for (let i = 0; i < 8; i++) add(`${op}${dot(rng)} 3, 4, ${rng.below(64)}, ${rng.below(64)}`, rsCases(rng, n));
      add(`${op}. 4, 4, ${rng.below(64)}, ${rng.below(64)}`, rsCases(rng, 3));
      add(`${op}. 3, 4, 40, 50`, rsCases(rng, n + 4)); // rldic/rldimi: mb > 63 - sh wraps
    }
    for (const asm of ["sldi 3, 4, 5", "srdi 3, 4, 60", "clrldi. 3, 4, 32", "clrrdi 3, 4, 12", "rotldi 3, 4, 33", "extrdi 3, 4, 8, 40", "insrdi 3, 4, 16, 8", "clrlsldi 3, 4, 40, 3"]) {
      add(asm, rsCases(rng, n));
    }
    // ---- rldcl / rldcr: rotate count from RB's low 6 bits ----
    for (const op of ["rldcl", "rldcr"]) {
      for (const m of [0, 63, 32, 31, 1, 62]) add(`${op}${dot(rng)} 3, 4, 5, ${m}`, shiftCases(rng, n, false));
      add(`${op}. 3, 4, 5, ${rng.below(64)}`, shiftCases(rng, n));
      add(`${op} 4, 4, 5, ${rng.below(64)}`, shiftCases(rng, 3, false));
      add(`${op} 5, 4, 5, ${rng.below(64)}`, shiftCases(rng, 3, false));
    }
    // ---- doubleword shifts (counts from RB's low 7 bits) ----
    for (const op of ["sld", "srd", "srad"]) {
      for (const d of ["", "."]) {
        add(`${op}${d} 3, 4, 5`, shiftCases(rng, n, d === ""));
        add(`${op}${d} 4, 4, 5`, shiftCases(rng, 3, false));
        add(`${op}${d} 5, 4, 5`, shiftCases(rng, 3, false));
        add(`${op}${d} 3, 4, 4`, rsCases(rng, 4));
      }
    }
    add("srad. 3, 4, 5", [
      { gpr: { 4: 0x8000000000000000n, 5: 63n } }, { gpr: { 4: 0x8000000000000000n, 5: 64n } },
      { gpr: { 4: 0x8000000000000001n, 5: 1n } }, { gpr: { 4: 0x8000000000000002n, 5: 1n } },
      { gpr: { 4: 0xffffffffffffffffn, 5: 127n } }, { gpr: { 4: 0x7fffffffffffffffn, 5: 127n } },
      { gpr: { 4: 0x8000000000000000n, 5: 0n }, xer: CA }, { gpr: { 4: 0x8000000000000000n, 5: 128n }, xer: CA },
      { gpr: { 4: 0xffffffff00000000n, 5: 32n } }, { gpr: { 4: 0xfffffffe00000000n, 5: 33n } },
      { gpr: { 4: 0xffffffff00000001n, 5: 32n } }, { gpr: { 4: 0x80000000ffffffffn, 5: 31n } },
    ]);
    for (const sh of [0, 1, 31, 32, 33, 63, 1 + rng.below(62), 1 + rng.below(62)]) {
      for (const d of ["", "."]) add(`sradi${d} 3, 4, ${sh}`, rsCases(rng, n));
    }
    add("sradi. 4, 4, 35", rsCases(rng, 4));
    add("sradi 3, 4, 0", [{ gpr: { 4: 0x8000000000000000n }, xer: CA }, { gpr: { 4: 0xffffffffffffffffn }, xer: CA | SO }]);
  }
  return v;
}

for (const t of TARGETS) {
  test(`${SUITE} (${t})`, () => {
    const seed = seedFromEnv();
    const rng = new Rng(seed ^ 0x0207a7e);
    const vs = variants(t, rng);
    const r = runDiff(t, vs, { suite: SUITE, seed, engines: ENGINE_KINDS });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    for (const name of r.coverage.keys()) assert.ok(!name.startsWith("(undecoded"), `${t}: ${name}`);
  });
}
