// VMX multiplies, multiply-sums, sums across, popcount/clz, vgbbd, vbpermq, and the POWER8
// polynomial multiply-sum and crypto instructions, against qemu-user: ppc64 and ppc64le with
// -cpu power8 (everything), ppc32 with -cpu 7400 (the original Altivec subset: byte/halfword
// even/odd multiplies, vmladduhm, vmsum*, vmh[r]addshs, vsum*).
//
// Each snippet runs many instructions on the same sources (VR2..VR4) with one destination each,
// to keep the number of assembled variants (and the suite's time) small; the aliasing forms are
// packed the same way with their own registers. Saturating instructions also run alone, since
// VSCR[SAT] is sticky and shared. Operands: edge-biased element values of every width; VSCR
// starts with SAT (and NJ) set or clear, so saturation must set SAT and never clear it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { Rng, seedFromEnv } from "./rng.js";

const SUITE = "vmx-mul";

type V128 = [bigint, bigint];

/** Interesting element values of a width (unsigned bit patterns). */
function elemEdges(width: number): bigint[] {
  const m = (1n << BigInt(width)) - 1n, h = 1n << BigInt(width - 1);
  return [0n, 1n, 2n, m, m - 1n, h, h - 1n, h + 1n, 3n, m >> 1n, 0x55n & m, 0xaan & m];
}

/** A 128-bit value built from elements of one width, each an edge or random. */
function elems(rng: Rng, width: number, edgeOdds = 2): V128 {
  const ed = elemEdges(width);
  let v = 0n;
  for (let i = 0; i < 128 / width; i++) {
    const e = rng.below(edgeOdds) === 0 ? rng.pick(ed) : rng.bits64() & ((1n << BigInt(width)) - 1n);
    v = (v << BigInt(width)) | e;
  }
  return [v >> 64n, v & 0xffffffffffffffffn];
}

/** An edge-biased 128-bit operand. */
function vec(rng: Rng): V128 {
  const k = rng.below(8);
  if (k === 0) return [rng.u64(), rng.u64()];
  if (k <= 4) return elems(rng, rng.pick([8, 16, 32, 64]));
  if (k === 5) { const x = rng.pick(elemEdges(64)); return [x, x]; }
  return [rng.bits64(), rng.bits64()];
}

const VSCRS = [0, 0, 1, 0x10000, 0x10001];

function vcase(rng: Rng, regs: readonly number[], gen: (r: number) => V128 = () => vec(rng)): Case {
  const vsr: Record<number, V128> = {};
  for (const q of regs) vsr[32 + q] = gen(q);
  return { vsr, vscr: rng.pick(VSCRS) };
}

function cases(rng: Rng, regs: readonly number[], n: number, gen?: (r: number) => V128): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < n; i++) out.push(vcase(rng, regs, gen));
  // all registers equal; all ones; all zeros
  const same = vec(rng);
  out.push(vcase(rng, regs, () => same));
  out.push(vcase(rng, regs, () => [0xffffffffffffffffn, 0xffffffffffffffffn]));
  out.push(vcase(rng, regs, () => [0n, 0n]));
  return out;
}

/** Operands that drive the saturating sums/multiply-sums to their limits. */
function satOperands(rng: Rng, width: number): V128 {
  const big = width === 8 ? [0x7fn, 0x80n, 0xffn] : width === 16 ? [0x7fffn, 0x8000n, 0xffffn] : [0x7fffffffn, 0x80000000n, 0xffffffffn, 0x7ffffff0n];
  let v = 0n;
  for (let i = 0; i < 128 / width; i++) {
    const e = rng.below(4) === 0 ? rng.bits64() & ((1n << BigInt(width)) - 1n) : rng.pick(big);
    v = (v << BigInt(width)) | e;
  }
  return [v >> 64n, v & 0xffffffffffffffffn];
}

/** VRB operands for vbpermq: bit indices mostly < 128, some >= 128 (select 0). */
function permIndices(rng: Rng): V128 {
  let v = 0n;
  for (let i = 0; i < 16; i++) {
    const idx = rng.below(4) === 0 ? rng.pick([0, 63, 64, 127, 128, 200, 255]) : rng.below(128);
    v = (v << 8n) | BigInt(idx);
  }
  return [v >> 64n, v & 0xffffffffffffffffn];
}

/** Mnemonics a 7400 (original Altivec) has. */
const ALTIVEC = new Set([
  "vmuleub", "vmuloub", "vmulesb", "vmulosb", "vmuleuh", "vmulouh", "vmulesh", "vmulosh",
  "vmladduhm", "vmsumubm", "vmsummbm", "vmsumuhm", "vmsumuhs", "vmsumshm", "vmsumshs", "vmhaddshs", "vmhraddshs",
  "vsum4ubs", "vsum4sbs", "vsum4shs", "vsum2sws", "vsumsws",
]);

const UNARY = ["vpopcntb", "vpopcnth", "vpopcntw", "vpopcntd", "vclzb", "vclzh", "vclzw", "vclzd", "vgbbd", "vsbox"];
const BINARY = [
  "vsumsws", "vsum2sws", "vsum4ubs", "vsum4sbs", "vsum4shs",
  "vmuleub", "vmuloub", "vmulesb", "vmulosb", "vmuleuh", "vmulouh", "vmulesh", "vmulosh",
  "vmuleuw", "vmulouw", "vmulesw", "vmulosw", "vmuluwm",
  "vpmsumb", "vpmsumh", "vpmsumw", "vpmsumd", "vcipher", "vcipherlast", "vncipher", "vncipherlast",
];
const TERNARY = ["vmladduhm", "vmsummbm", "vmsumubm", "vmsumuhm", "vmsumuhs", "vmsumshm", "vmsumshs", "vmhaddshs", "vmhraddshs", "vpermxor"];
const SATURATING: Record<string, number> = {
  vsumsws: 32, vsum2sws: 32, vsum4ubs: 8, vsum4sbs: 8, vsum4shs: 16, vmsumuhs: 16, vmsumshs: 16, vmhaddshs: 16, vmhraddshs: 16,
};

/**
 * Snippets of several instructions, each with its own registers (VR1..VR31), so that one
 * variant exercises many forms: `items` are [asm, registers used]; registers are numbered
 * per item from 0 and renamed into free VRs (from `first`).
 */
function packed(items: readonly [(r: (k: number) => number) => string, number][], first = 1): { asm: string; regs: number[] }[] {
  const out: { asm: string; regs: number[] }[] = [];
  let asm: string[] = [], regs: number[] = [], next = first;
  for (const [f, k] of items) {
    if (next + k > 32) {
      out.push({ asm: asm.join("; "), regs });
      asm = []; regs = []; next = first;
    }
    const base = next;
    asm.push(f((i) => base + i));
    for (let i = 0; i < k; i++) regs.push(base + i);
    next += k;
  }
  if (asm.length > 0) out.push({ asm: asm.join("; "), regs });
  return out;
}

function variants(t: Target, rng: Rng): Variant[] {
  const has = (m: string): boolean => t !== "ppc32" || ALTIVEC.has(m);
  const n = randomCount(40);
  const v: Variant[] = [];
  const add = (asm: string, cs: Case[]): void => { v.push({ asm, cases: cs }); };
  const unary = UNARY.filter(has), binary = BINARY.filter(has), ternary = TERNARY.filter(has);
  // Sources VR2 VR3 VR4, one destination per instruction from VR5 up.
  const spread = (ops: readonly string[], srcs: string): string => ops.map((m, i) => `${m} ${5 + i}, ${srcs}`).join("; ");

  if (unary.length > 0) add(spread(unary, "2"), cases(rng, [2], n));
  add(spread(binary, "2, 3"), cases(rng, [2, 3], n));
  add(spread(ternary, "2, 3, 4"), cases(rng, [2, 3, 4], n));
  // Saturation: operands at their limits (the VRB/VRC accumulators as words), one instruction
  // per snippet since VSCR[SAT] is sticky and shared.
  for (const m of [...binary, ...ternary]) {
    const sw = SATURATING[m];
    if (sw === undefined) continue;
    const acc = ternary.includes(m) ? 4 : 3;
    add(`${m} 5, 2, 3${acc === 4 ? ", 4" : ""}`,
      cases(rng, [2, 3, 4], n, (r) => satOperands(rng, r === acc ? 32 : rng.below(4) === 0 ? rng.pick([8, 16, 32]) : sw)));
  }
  // Target aliasing a source.
  const alias: [(r: (k: number) => number) => string, number][] = [];
  for (const m of unary) alias.push([(r) => `${m} ${r(0)}, ${r(0)}`, 1]);
  for (const m of binary) {
    alias.push([(r) => `${m} ${r(0)}, ${r(0)}, ${r(1)}`, 2]);
    alias.push([(r) => `${m} ${r(1)}, ${r(0)}, ${r(1)}`, 2]);
    alias.push([(r) => `${m} ${r(1)}, ${r(0)}, ${r(0)}`, 2]);
  }
  for (const m of ternary) {
    alias.push([(r) => `${m} ${r(0)}, ${r(0)}, ${r(1)}, ${r(2)}`, 3]);
    alias.push([(r) => `${m} ${r(2)}, ${r(0)}, ${r(1)}, ${r(2)}`, 3]);
    alias.push([(r) => `${m} ${r(1)}, ${r(0)}, ${r(0)}, ${r(0)}`, 2]);
  }
  for (const p of packed(alias)) add(p.asm, cases(rng, p.regs, 4));

  if (t !== "ppc32") {
    // A single leading one at every position (random bits below it), per element width.
    const oneBits: Case[] = [];
    for (let b = 0; b < 64; b++) {
      const vsr: Record<number, V128> = {};
      [8, 16, 32, 64].forEach((width, j) => {
        let x = 0n;
        for (let i = 0; i < 128 / width; i++) {
          const p = BigInt((b + i) % width);
          x = (x << BigInt(width)) | (1n << p) | (rng.bits64() & ((1n << p) - 1n));
        }
        vsr[34 + j] = [x >> 64n, x & 0xffffffffffffffffn];
      });
      oneBits.push({ vsr });
    }
    add("vclzb 10, 2; vclzh 11, 3; vclzw 12, 4; vclzd 13, 5", oneBits);
    // Reserved VRA field non-zero (qemu ignores it): vclzb 1, 2 and vpopcntd 6, 2 with VRA = 5.
    add(".long 0x10251702; .long 0x10c517c3", cases(rng, [2], 4));
    // vbpermq: bit indices mostly < 128, some >= 128 (select 0).
    add("vbpermq 1, 2, 3; vbpermq 4, 5, 6", cases(rng, [2, 3, 5, 6], n, (r) => (r === 3 || r === 6 ? permIndices(rng) : vec(rng))));
    // vsbox: every byte value once.
    const all: Case[] = [];
    for (let k = 0; k < 256; k += 16) {
      let x = 0n;
      for (let i = 0; i < 16; i++) x = (x << 8n) | BigInt(k + i);
      all.push(vcase(rng, [2], () => [x >> 64n, x & 0xffffffffffffffffn]));
    }
    add("vsbox 1, 2", all);
    // vshasigma: every ST, SIX.
    const sha: [(r: (k: number) => number) => string, number][] = [];
    for (let st = 0; st < 2; st++) {
      for (let six = 0; six < 16; six++) {
        sha.push([(r) => `vshasigmaw ${r(0)}, 1, ${st}, ${six}`, 1]);
        sha.push([(r) => `vshasigmad ${r(0)}, 1, ${st}, ${six}`, 1]);
      }
    }
    for (const p of packed(sha, 2)) add(p.asm, cases(rng, [1], n >> 1));
  }
  return v;
}

for (const t of TARGETS) {
  test(`${SUITE} (${t})`, () => {
    const seed = seedFromEnv();
    const rng = new Rng(seed ^ 0x3a7c11);
    const r = runDiff(t, variants(t, rng), { suite: SUITE, seed, vector: true });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    for (const name of r.coverage.keys()) assert.ok(!name.startsWith("(undecoded"), `${t}: ${name}`);
  });
}
