// Fixed-point logical, extend, count, popcount/parity, cmpb, bpermd and isel against qemu-user,
// in 64-bit mode (ppc64, ppc64le) and, for the instructions a 32-bit CPU has, in 32-bit mode.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { ENGINE_KINDS } from "../engine.js";
import { Rng, seedFromEnv } from "./rng.js";

const SUITE = "fixed-logic";

const SO = 0x80000000n;
const CA = 0x20000000n;

/** Operand edges for the logical family (on top of Rng.u64's own edge bias). */
const EDGES: readonly bigint[] = [
  0n, 1n, 0xffffffffffffffffn, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn,
  0x8000000000000000n, 0xffffffff80000000n, 0xffffffff00000000n, 0x00000000ffffff80n,
  0x0123456789abcdefn, 0xfedcba9876543210n, 0x8080808080808080n, 0x0101010101010101n,
];

/** XER with SO and/or CA set sometimes (CR0.SO copies SO; nothing here may touch CA). */
function xerFor(rng: Rng): bigint {
  return rng.pick([0n, 0n, SO, CA, SO | CA]);
}

/**
 * Cases for registers `regs`: first every edge in each register in turn (the others random),
 * then pairs of edges, then `n` random tuples. `limit` caps the edge part.
 */
function cases(rng: Rng, regs: readonly number[], n: number, limit = 24, value: (r: number) => bigint = () => rng.u64()): Case[] {
  const out: Case[] = [];
  const edges: Case[] = [];
  for (const r of regs) {
    for (const e of EDGES) {
      const gpr: Record<number, bigint> = {};
      for (const q of regs) gpr[q] = q === r ? e : value(q);
      edges.push({ gpr, xer: xerFor(rng) });
    }
  }
  for (let i = 0; i < limit && edges.length > 0; i++) out.push(edges.splice(rng.below(edges.length), 1)[0]);
  if (regs.length >= 2) {
    // equal operands and pure edge pairs
    const e = rng.pick(EDGES);
    const gpr: Record<number, bigint> = {};
    for (const q of regs) gpr[q] = e;
    out.push({ gpr, xer: xerFor(rng) });
  }
  for (let i = 0; i < n; i++) {
    const gpr: Record<number, bigint> = {};
    for (const q of regs) gpr[q] = rng.below(4) === 0 ? rng.pick(EDGES) : value(q);
    out.push({ gpr, xer: xerFor(rng) });
  }
  return out;
}

/** A 16-bit immediate: edges and random values. */
function imm16(rng: Rng): number {
  return rng.below(3) === 0 ? rng.pick([0, 1, 0x7fff, 0x8000, 0xffff, 0xff00, 0x00ff]) : rng.below(0x10000);
}

function variants(t: Target, rng: Rng): Variant[] {
  const is64 = t !== "ppc32";
  const n = randomCount(6);
  const v: Variant[] = [];
  const add = (asm: string, cs: Case[]): void => {
    v.push({ asm, cases: cs });
  };

  // Two-operand logical forms, with and without Rc, and with RA/RS/RB aliasing.
  for (const op of ["and", "andc", "or", "orc", "xor", "nand", "nor", "eqv"]) {
    for (const dot of ["", "."]) {
      add(`${op}${dot} 3, 4, 5`, cases(rng, [4, 5], n, 12));
      add(`${op}${dot} 4, 4, 5`, cases(rng, [4, 5], 3, 2));
      add(`${op}${dot} 5, 4, 5`, cases(rng, [4, 5], 3, 2));
      add(`${op}${dot} 6, 7, 7`, cases(rng, [7], 3, 2));
    }
  }
  // Special forms of or/ori: mr, priority hints (plain no-ops apart from PPR), nop.
  for (const asm of ["mr 3, 4", "mr. 3, 4", "or 1, 1, 1", "or 2, 2, 2", "or 6, 6, 6", "or 31, 31, 31", "or 0, 0, 0",
    "or. 3, 3, 3", "or. 0, 0, 0", "nop", "ori 0, 0, 0", "ori 3, 3, 0", "oris 3, 3, 0", "xori 3, 3, 0", "xoris 3, 3, 0"]) {
    add(asm, cases(rng, [0, 3, 4], 2, 4));
  }
  // D-form immediates (andi./andis. always record).
  for (const op of ["andi.", "andis.", "ori", "oris", "xori", "xoris"]) {
    for (let k = 0; k < 5; k++) add(`${op} 3, 4, ${imm16(rng)}`, cases(rng, [4], Math.max(2, n >> 1), 6));
    add(`${op} 4, 4, ${imm16(rng)}`, cases(rng, [4], 3, 2));
  }
  add("andi. 3, 4, 0", cases(rng, [4], 3, 2));
  add("andis. 3, 4, 0x8000", cases(rng, [4], 3, 6));
  // Extend and count leading zeros.
  const unary = ["extsb", "extsh", "cntlzw", ...(is64 ? ["extsw", "cntlzd"] : [])];
  for (const op of unary) {
    for (const dot of ["", "."]) {
      add(`${op}${dot} 3, 4`, cases(rng, [4], n, 12));
      add(`${op}${dot} 4, 4`, cases(rng, [4], 2, 2));
    }
  }
  // leading-zero counts of every position
  const oneBits: Case[] = [];
  for (let b = 0n; b < 64n; b++) oneBits.push({ gpr: { 4: (1n << b) | (rng.bits64() & ((1n << b) - 1n)) }, xer: xerFor(rng) });
  add("cntlzw. 3, 4", oneBits);
  if (is64) add("cntlzd. 3, 4", oneBits);

  if (is64) {
    // ISA 2.05/2.06 additions (not on the 7400).
    for (const op of ["popcntb", "popcntw", "popcntd", "prtyw", "prtyd"]) {
      add(`${op} 3, 4`, cases(rng, [4], n, 12));
      add(`${op} 4, 4`, cases(rng, [4], 2, 2));
    }
    // cmpb: operands that share some bytes
    const similar = (): Case[] => {
      const out = cases(rng, [4, 5], n, 8);
      for (let i = 0; i < n; i++) {
        const a = rng.u64();
        let b = a;
        for (let k = 0n; k < 8n; k++) if (rng.below(2) === 0) b ^= BigInt(1 + rng.below(255)) << (k * 8n);
        out.push({ gpr: { 4: a, 5: b } });
      }
      return out;
    };
    add("cmpb 3, 4, 5", similar());
    add("cmpb 4, 4, 5", similar());
    add("cmpb 5, 4, 4", cases(rng, [4], 2, 2));
    // bpermd: bytes of RS as bit indices, mostly < 64, some >= 64 (select 0)
    const perm = (): Case[] => {
      const out: Case[] = [];
      for (let i = 0; i < 2 * n + 4; i++) {
        let s = 0n;
        for (let k = 0n; k < 8n; k++) {
          const idx = rng.below(4) === 0 ? rng.pick([0, 31, 32, 63, 64, 127, 128, 255]) : rng.below(64);
          s |= BigInt(idx) << (k * 8n);
        }
        out.push({ gpr: { 4: s, 5: rng.u64() } });
      }
      out.push({ gpr: { 4: 0x0001020304050607n, 5: 0xffffffffffffffffn } });
      out.push({ gpr: { 4: 0x3f3e3d3c3b3a3938n, 5: 0x00000000000000a5n } });
      out.push({ gpr: { 4: 0x1f20212223242526n, 5: 0x0000000180000000n } });
      return out;
    };
    add("bpermd 3, 4, 5", perm());
    add("bpermd 4, 4, 5", perm());
    // isel: every BC with random CR; RA = 0 reads as 0; aliasing.
    const crCases = (k: number): Case[] => {
      const out: Case[] = [];
      for (let i = 0; i < k; i++) out.push({ gpr: { 3: rng.u64(), 4: rng.u64(), 5: rng.u64() }, cr: rng.below(2) === 0 ? rng.u32() : rng.pick([0, 0xffffffff]) });
      return out;
    };
    for (let bc = 0; bc < 32; bc++) add(`isel 3, 4, 5, ${bc}`, crCases(6));
    for (const bc of [0, 2, 13, 31]) {
      add(`isel 3, 0, 5, ${bc}`, crCases(6));
      add(`isel 4, 4, 5, ${bc}`, crCases(4));
      add(`isel 5, 4, 5, ${bc}`, crCases(4));
      add(`isel 3, 4, 4, ${bc}`, crCases(4));
    }
  }
  return v;
}

for (const t of TARGETS) {
  test(`${SUITE} (${t})`, () => {
    const seed = seedFromEnv();
    const rng = new Rng(seed ^ 0x10c1c);
    const vs = variants(t, rng);
    const r = runDiff(t, vs, { suite: SUITE, seed, engines: ENGINE_KINDS });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    // Every variant's instruction must have decoded (no illegal words in the coverage).
    for (const name of r.coverage.keys()) assert.ok(!name.startsWith("(undecoded"), `${t}: ${name}`);
  });
}
