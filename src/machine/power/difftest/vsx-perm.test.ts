// VSX logical, permute, merge, splat and select instructions, the GPR<->VSR moves and the
// VSX loads and stores other than lxvd2x/stxvd2x, against qemu-user (-cpu power8), in 64-bit
// big- and little-endian mode. None of these exists on the 7400, so there is no ppc32 run.
//
// The harness moves the vector state with lxvd2x/stxvd2x; the loads and stores here are also
// observed independently of those: stores through the 64-byte memory window, loads through
// mfvsrd (doubleword 0, and doubleword 1 after an xxpermdi swap) into GPRs, and some through a
// store of another kind back into the window.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, scratchAddr, type Case, type Target, type Variant } from "./harness.js";
import { Rng, FP_EDGES, seedFromEnv } from "./rng.js";

const MEM = 64;

/** Doubleword patterns that tell words, halves and signs apart. */
const DW_EDGES: readonly bigint[] = [
  0n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn,
  0x00000000ffffffffn, 0xffffffff00000000n, 0x0123456789abcdefn, 0xfedcba9876543210n,
  0x8000000080000000n, 0x000000007fffffffn, 0x0000000080000000n, 0x5555aaaa5555aaaan,
];

const GPR_EDGES: readonly bigint[] = [
  0n, -1n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, -0x80000000n, 0x100000000n,
  0x7fffffffffffffffn, -0x8000000000000000n, 0x0123456789abcdefn, 0xfedcba9876543210n,
];

/** Single-precision patterns for lxsspx (see fp-ls.test.ts). */
const SINGLE_EDGES: readonly number[] = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000,
  0xffc00001, 0x7fa00001, 0x7f800001, 0x00000001, 0x807fffff, 0x00400000, 0x00800000,
  0x7f7fffff, 0xc0490fdb,
];

/** Doubles for stxsspx: SINGLE()'s cases. */
const STORE_EDGES: readonly bigint[] = [
  ...FP_EDGES,
  0x3800000000000000n, 0x37ffffffffffffffn, 0x36a0000000000000n, 0x369fffffffffffffn,
  0x380fffffffffffffn, 0x4800000000000000n, 0x7ff0000000000001n, 0x7ff0000020000000n,
];

function randomMem(rng: Rng): Uint8Array {
  const m = new Uint8Array(MEM);
  for (let i = 0; i < MEM; i++) m[i] = rng.u32() & 0xff;
  return m;
}

const dw = (rng: Rng): bigint => (rng.below(3) === 0 ? rng.pick(DW_EDGES) : rng.bits64());

/** Cases with the named VSRs set (edge-biased) and the others random. */
function vcases(rng: Rng, regs: readonly number[], n: number, extra?: (c: Case, k: number) => void): Case[] {
  const out: Case[] = [];
  for (let k = 0; k < n; k++) {
    const vsr: Record<number, [bigint, bigint]> = {};
    for (const r of regs) vsr[r] = [dw(rng), dw(rng)];
    const c: Case = { vsr };
    if (extra) extra(c, k);
    out.push(c);
  }
  return out;
}

/** Several instructions per snippet (each variant costs one more loop in the generated program). */
function regOps(rng: Rng): Variant[] {
  const n = randomCount(8);
  const v: Variant[] = [];
  const add = (asm: string, regs: number[]): void => { v.push({ asm, cases: vcases(rng, regs, n) }); };
  const LOG = ["xxland", "xxlandc", "xxlor", "xxlxor", "xxlnor", "xxlorc", "xxlnand", "xxleqv"];
  // Distinct targets, sources in both halves of the file.
  add(LOG.map((mn, k) => `${mn} ${1 + k}, 12, 13`).join("; "), [12, 13]);
  add(LOG.map((mn, k) => `${mn} ${40 + k}, 33, 63`).join("; "), [33, 63]);
  add(LOG.map((mn, k) => `${mn} ${50 + k}, 0, 32`).join("; "), [0, 32]);
  // Aliasing: T = A, T = B, A = B, all three the same (xxlxor self is the zeroing idiom).
  add(LOG.map((mn, k) => `${mn} ${1 + k}, ${1 + k}, ${20 + k}`).join("; "), [1, 2, 3, 4, 5, 6, 7, 8, 20, 21, 22, 23, 24, 25, 26, 27]);
  add(LOG.map((mn, k) => `${mn} ${33 + k}, ${50 + k}, ${33 + k}`).join("; "), [33, 34, 35, 36, 37, 38, 39, 40, 50, 51, 52, 53, 54, 55, 56, 57]);
  add(LOG.map((mn, k) => `${mn} ${1 + k}, ${20 + k}, ${20 + k}; ${mn} ${40 + k}, ${40 + k}, ${40 + k}`).join("; "), [20, 21, 22, 23, 24, 25, 26, 27]);
  add("xxmr 1, 2; xxlnot 33, 34; xxlnot 35, 35; xxmr 36, 36", [2, 34, 35, 36]);
  // Merges.
  add("xxmrghw 1, 12, 13; xxmrglw 2, 12, 13; xxmrghw 40, 33, 63; xxmrglw 41, 63, 33; xxmrghw 5, 5, 6; xxmrglw 7, 8, 7; xxmrghw 9, 9, 9; xxmrglw 10, 10, 10", [5, 6, 7, 8, 9, 10, 12, 13, 33, 63]);
  // xxpermdi: every DM, then aliasing and the extended mnemonics.
  add([0, 1, 2, 3].map((dm) => `xxpermdi ${1 + dm}, 12, 13, ${dm}; xxpermdi ${40 + dm}, 33, 63, ${dm}; xxpermdi ${50 + dm}, 0, 32, ${dm}`).join("; "), [0, 12, 13, 32, 33, 63]);
  add([0, 1, 2, 3].map((dm) => `xxpermdi ${1 + dm}, ${1 + dm}, 13, ${dm}; xxpermdi ${40 + dm}, 33, ${40 + dm}, ${dm}; xxpermdi ${50 + dm}, ${50 + dm}, ${50 + dm}, ${dm}`).join("; "),
    [1, 2, 3, 4, 13, 33, 40, 41, 42, 43, 50, 51, 52, 53]);
  add("xxswapd 1, 2; xxswapd 33, 33; xxspltd 3, 4, 0; xxspltd 36, 37, 1; xxmrghd 5, 6, 7; xxmrgld 40, 41, 40", [2, 33, 4, 37, 6, 7, 40, 41]);
  // xxsldwi: every shift, then aliasing.
  add([0, 1, 2, 3].map((sh) => `xxsldwi ${1 + sh}, 12, 13, ${sh}; xxsldwi ${40 + sh}, 33, 63, ${sh}; xxsldwi ${50 + sh}, 0, 32, ${sh}`).join("; "), [0, 12, 13, 32, 33, 63]);
  add([0, 1, 2, 3].map((sh) => `xxsldwi ${1 + sh}, ${1 + sh}, 13, ${sh}; xxsldwi ${40 + sh}, 33, ${40 + sh}, ${sh}; xxsldwi ${50 + sh}, ${50 + sh}, ${50 + sh}, ${sh}`).join("; "),
    [1, 2, 3, 4, 13, 33, 40, 41, 42, 43, 50, 51, 52, 53]);
  // xxspltw: every word, aliasing, and bits 11:13 set (qemu ignores them): xxspltw 5, 2, 0 | 0b111 << 18.
  add([0, 1, 2, 3].map((u) => `xxspltw ${1 + u}, 12, ${u}; xxspltw ${40 + u}, 63, ${u}; xxspltw ${50 + u}, ${50 + u}, ${u}`).join("; ") + "; .long 0xf0bc1290",
    [2, 12, 63, 50, 51, 52, 53]);
  // xxsel with every aliasing.
  add("xxsel 1, 12, 13, 14; xxsel 40, 33, 63, 0; xxsel 5, 5, 6, 7; xxsel 8, 9, 8, 10; xxsel 11, 15, 16, 11; xxsel 34, 34, 34, 34; xxsel 35, 36, 36, 37",
    [0, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 33, 34, 36, 37, 63]);
  return v;
}

function moveOps(rng: Rng): Variant[] {
  const n = randomCount(8);
  const v: Variant[] = [];
  /** Cases with GPRs `gprs` all holding the same edge-biased value. */
  const gcases = (gprs: number[]): Case[] =>
    vcases(rng, [], GPR_EDGES.length + n, (c, k) => {
      const x = k < GPR_EDGES.length ? GPR_EDGES[k] : rng.u64();
      c.gpr = {};
      for (const g of gprs) c.gpr[g] = x;
    });
  const srcs = [0, 5, 31, 32, 45, 63];
  v.push({ asm: srcs.map((s, k) => `mfvsrd ${3 + 2 * k}, ${s}; mfvsrwz ${4 + 2 * k}, ${s}`).join("; "), cases: vcases(rng, srcs, n + 4) });
  v.push({ asm: "mtvsrd 0, 3; mtvsrwa 1, 3; mtvsrwz 2, 3; mtvsrd 31, 3; mtvsrwa 32, 3; mtvsrwz 33, 3; mtvsrd 63, 3; mtvsrwa 62, 3; mtvsrwz 61, 3", cases: gcases([3]) });
  // The objdump spellings assemble to the same words.
  v.push({ asm: "mfvrd 3, 8; mffprd 4, 8; mfvrwz 5, 9; mffprwz 6, 9; mtvrd 10, 7; mtfprd 11, 7; mtvrwa 12, 7; mtfprwa 13, 7; mtvrwz 14, 7; mtfprwz 15, 7", cases: gcases([7]) });
  // Round trips GPR -> VSR -> GPR, with RA = 0 as a plain register.
  v.push({ asm: "mtvsrd 40, 0; mfvsrd 6, 40; mtvsrwa 41, 0; mfvsrd 7, 41; mtvsrwz 42, 0; mfvsrwz 8, 42; mfvsrd 0, 43", cases: gcases([0]) });
  return v;
}

const B = 4;

/**
 * Addressing forms for a snippet whose k-th access uses index register 5 + k: base + index,
 * base beyond the window with a negative index, and RA = 0.
 */
interface LsForm { ra: (k: number) => string; regs: (s: bigint, offs: readonly number[]) => Record<number, bigint> }

const LS_FORMS: readonly LsForm[] = [
  { ra: () => `${B}`, regs: (s, offs) => Object.fromEntries([[B, s], ...offs.map((o, k) => [5 + k, BigInt(o)])]) },
  { ra: () => `${B}`, regs: (s, offs) => Object.fromEntries([[B, s + 64n], ...offs.map((o, k) => [5 + k, BigInt(o - 64)])]) },
  { ra: () => "0", regs: (s, offs) => Object.fromEntries(offs.map((o, k) => [5 + k, s + BigInt(o)])) },
];

function loadStoreOps(rng: Rng, t: Target): Variant[] {
  const le = t === "ppc64le";
  const s = scratchAddr(t);
  const n = randomCount(6);
  const v: Variant[] = [];
  const memCases = (gpr: Record<number, bigint>, count: number, fill?: (m: Uint8Array, k: number) => void): Case[] => {
    const out: Case[] = [];
    for (let k = 0; k < count; k++) {
      const m = randomMem(rng);
      if (fill) fill(m, k);
      out.push({ gpr, mem: m });
    }
    return out;
  };
  const dv = (m: Uint8Array): DataView => new DataView(m.buffer, m.byteOffset);
  // Loads, aligned and unaligned, into both halves of the file; dw0 observed with mfvsrd in
  // r13..r18, dw1 (after an xxswapd into a scratch VSR) of the three that write it in r19..r21.
  const LOADS = ["lxvw4x", "lxvdsx", "lxsdx", "lxsiwax", "lxsiwzx", "lxsspx"];
  for (const [offs, t0, tmp] of [[[0, 16, 24, 32, 40, 48], 40, 46], [[3, 21, 45, 50, 57, 59], 1, 0]] as const) {
    for (const f of LS_FORMS) {
      const asm = [
        ...LOADS.map((mn, k) => `${mn} ${t0 + k}, ${f.ra(k)}, ${5 + k}`),
        ...LOADS.map((_, k) => `mfvsrd ${13 + k}, ${t0 + k}`),
        ...[0, 1, 2].map((k) => `xxswapd ${tmp}, ${t0 + k}; mfvsrd ${19 + k}, ${tmp}`),
      ].join("; ");
      v.push({ asm, cases: memCases(f.regs(s, offs), n) });
    }
  }
  // Stores, seen in the memory window (not through the harness's lxvd2x dump): disjoint, then
  // unaligned and overlapping (the later store wins).
  const STORES = ["stxvw4x", "stxsdx", "stxsiwx", "stxsspx"];
  for (const [offs, s0] of [[[0, 16, 24, 28], 40], [[1, 13, 19, 23], 1], [[40, 44, 46, 52], 60]] as const) {
    for (const f of LS_FORMS) {
      const asm = STORES.map((mn, k) => `${mn} ${s0 + k}, ${f.ra(k)}, ${5 + k}`).join("; ");
      const srcs = STORES.map((_, k) => s0 + k);
      v.push({ asm, cases: memCases(f.regs(s, offs), n).map((c) => ({ ...c, vsr: vcases(rng, srcs, 1)[0].vsr })) });
    }
  }
  // Word and single loads of edge values, with a store back (DOUBLE then SINGLE is exact).
  {
    const words = [...SINGLE_EDGES, 0x7fffffff, 0x80000000, 0xffffffff, 0x12345678, 0x87654321];
    v.push({
      asm: `lxsspx 40, ${B}, 5; lxsiwax 41, ${B}, 5; lxsiwzx 42, ${B}, 5; mfvsrd 13, 40; mfvsrd 14, 41; mfvsrd 15, 42; stxsspx 40, ${B}, 6; stxsiwx 41, ${B}, 7`,
      cases: memCases({ [B]: s, 5: 8n, 6: 16n, 7: 20n }, words.length + n, (m, k) => {
        if (k < words.length) dv(m).setUint32(8, words[k], le);
      }),
    });
  }
  // Single stores of SINGLE()'s edge doubles, next to the word and doubleword stores.
  {
    const cases = memCases({ [B]: s, 5: 8n, 6: 12n, 7: 16n }, STORE_EDGES.length + n).map((c, k) => ({
      ...c, vsr: { 3: [k < STORE_EDGES.length ? STORE_EDGES[k] : rng.double(), rng.bits64()] as [bigint, bigint] },
    }));
    v.push({ asm: `stxsspx 3, ${B}, 5; stxsiwx 3, ${B}, 6; stxsdx 3, ${B}, 7`, cases });
  }
  // A vector loaded one way and stored another, both in the window.
  const cross = (asm: string): void => { v.push({ asm, cases: memCases({ [B]: s, 5: 0n, 6: 32n, 7: 48n }, n + 2) }); };
  cross(`lxvw4x 40, ${B}, 5; stxvd2x 40, ${B}, 6; lxvd2x 41, ${B}, 5; stxvw4x 41, ${B}, 7`);
  cross(`lxvw4x 40, ${B}, 5; stxvw4x 40, ${B}, 6; stxsdx 40, ${B}, 7; addi 8, 7, 8; stxsiwx 40, ${B}, 8; lxvdsx 41, ${B}, 5; xxspltw 42, 41, 1; stxvw4x 42, ${B}, 5`);
  cross(`lxsdx 3, ${B}, 5; stxsdx 3, ${B}, 6; lxsspx 4, ${B}, 5; stxsspx 4, ${B}, 7; lxsiwzx 5, ${B}, 5; mfvsrd 8, 5; stxsiwx 5, 6, ${B}`);
  return v;
}

for (const t of ["ppc64", "ppc64le"] as const) {
  test(`vsx logical, permute, moves, loads and stores (${t})`, () => {
    const seed = seedFromEnv();
    const rng = new Rng(seed ^ 0x7e57);
    const variants = [...regOps(rng), ...moveOps(rng), ...loadStoreOps(rng, t)];
    const r = runDiff(t, variants, { suite: "vsx-perm", seed, vector: true });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    for (const mn of [
      "xxland", "xxlandc", "xxlor", "xxlxor", "xxlnor", "xxlorc", "xxlnand", "xxleqv", "xxmrghw", "xxmrglw",
      "xxpermdi", "xxsldwi", "xxspltw", "xxsel",
      "mfvsrd", "mfvsrwz", "mtvsrd", "mtvsrwa", "mtvsrwz",
      "lxvw4x", "stxvw4x", "lxvdsx", "lxsdx", "stxsdx", "lxsiwax", "lxsiwzx", "stxsiwx", "lxsspx", "stxsspx",
    ]) {
      assert.ok((r.coverage.get(mn) ?? 0) > 0, `${mn} not covered on ${t}`);
    }
  });
}
