// Floating-point loads and stores against qemu-user: single (with the DOUBLE/SINGLE format
// conversions: denormals, NaN payloads, out-of-range values), double, integer-word and pair
// forms, with update and indexed addressing, in 64-bit big- and little-endian mode and (for
// the instructions the 7400 has) in 32-bit mode.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, scratchAddr, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { ENGINE_KINDS } from "../engine.js";
import { Rng, FP_EDGES, seedFromEnv } from "./rng.js";

const MEM = 64;

/** Single-precision bit patterns where DOUBLE() has cases. */
const SINGLE_EDGES: readonly number[] = [
  0x00000000, 0x80000000, // ±0
  0x3f800000, 0xbf800000, // ±1
  0x7f800000, 0xff800000, // ±Inf
  0x7fc00000, 0xffc00001, // QNaNs
  0x7fa00001, 0xffbfffff, 0x7f800001, // SNaNs with payloads
  0x00000001, 0x80000001, // smallest denormals
  0x007fffff, 0x807fffff, // largest denormals
  0x00400000, 0x00000100, 0x00012345, // denormals of several shifts
  0x00800000, 0x80800000, // smallest normals
  0x7f7fffff, 0xff7fffff, // largest finite
  0x3fffffff, 0x40000000, 0x34000000, 0xc0490fdb,
];

/** Doubles where SINGLE() has cases (raw bits). */
const STORE_EDGES: readonly bigint[] = [
  ...FP_EDGES,
  0x3800000000000000n, // 2^-127: exponent 896, single denormal 0x00400000
  0x37ffffffffffffffn, // just below: exponent 895
  0x36a0000000000000n, // 2^-149: exponent 874, smallest single denormal
  0x36afffffffffffffn, // exponent 874 with all fraction bits
  0x369fffffffffffffn, // exponent 873: stores as zero
  0xb690000000000000n, // -2^-150: negative zero
  0x380fffffffffffffn, // largest value below the single normal range
  0x3810000000000001n, // truncated fraction bits below the single's
  0x3ff0000010000000n, // bit 28 only: truncated
  0x3ff0000020000000n, // bit 29: the single's last fraction bit
  0x47efffffffffffffn, // above the largest single, truncates to it
  0x4800000000000000n, // beyond single range: exponent wraps
  0x7e37e43c8800759cn, // 1e300
  0xfe37e43c8800759cn, // -1e300
  0x01a56e1fc2f8f359n, // 1e-300
  0x000fffffffffffffn, // double denormals store as zero
  0x8000000000000001n,
  0x7ff0000000000001n, // SNaN whose payload is below the single's: becomes Inf pattern
  0x7ff0000020000000n, // SNaN with the lowest kept payload bit
  0xfff8000000000001n,
  0x7ff7ffffffffffffn,
];

const put32 = (m: Uint8Array, off: number, v: number, le: boolean): void => {
  new DataView(m.buffer, m.byteOffset).setUint32(off, v >>> 0, le);
};
const put64 = (m: Uint8Array, off: number, v: bigint, le: boolean): void => {
  new DataView(m.buffer, m.byteOffset).setBigUint64(off, BigInt.asUintN(64, v), le);
};

function randomMem(rng: Rng): Uint8Array {
  const m = new Uint8Array(MEM);
  for (let i = 0; i < MEM; i++) m[i] = rng.u32() & 0xff;
  return m;
}

/** A random double whose exponent is near the single-precision boundaries. */
function nearSingleRange(rng: Rng): bigint {
  const exps = [860, 873, 874, 875, 890, 895, 896, 897, 898, 1000, 1023, 1150, 1151, 1152, 1200, 2046];
  const e = BigInt(rng.pick(exps) + rng.below(3) - 1);
  const sign = BigInt(rng.below(2));
  const frac = rng.bits64() & 0xfffffffffffffn;
  return (sign << 63n) | (e << 52n) | frac;
}

const ADDR_REGS = { base: 4, index: 5 };

interface Form {
  /** Assembly with {t} for the FPR and addressing already filled in. */
  asm: (t: number) => string;
  /** Case registers for the addressing: given the byte offset of the accessed item. */
  regs: (scratch: bigint, off: number) => Record<number, bigint>;
}

/** Addressing forms for an access of `size` bytes at offset `off` of the window. */
function forms(mn: string, indexed: boolean, update: boolean): Form[] {
  const { base: b, index: x } = ADDR_REGS;
  if (!indexed) {
    return [
      { asm: (t) => `${mn} ${t}, 8(${b})`, regs: (s, off) => ({ [b]: s + BigInt(off - 8) }) },
      { asm: (t) => `${mn} ${t}, -16(${b})`, regs: (s, off) => ({ [b]: s + BigInt(off + 16) }) },
    ];
  }
  const out: Form[] = [
    { asm: (t) => `${mn} ${t}, ${b}, ${x}`, regs: (s, off) => ({ [b]: s, [x]: BigInt(off) }) },
    // Negative index: 32-bit wrap in 32-bit mode, 64-bit sum otherwise.
    { asm: (t) => `${mn} ${t}, ${b}, ${x}`, regs: (s, off) => ({ [b]: s + BigInt(off + 32), [x]: -32n }) },
  ];
  if (!update) out.push({ asm: (t) => `${mn} ${t}, 0, ${x}`, regs: (s, off) => ({ [x]: s + BigInt(off) }) });
  return out;
}

interface Access {
  mn: string;
  indexed: boolean;
  update: boolean;
  size: 4 | 8 | 16;
  store: boolean;
  /** Present on ppc32 (7400). */
  on32: boolean;
  /** Edge values for the accessed item (raw bits: 32-bit for words, 64-bit for doubles). */
  kind: "single" | "double" | "word";
}

const ACCESSES: Access[] = [];
for (const [mn, size, store, kind] of [
  ["lfs", 4, false, "single"], ["lfd", 8, false, "double"],
  ["stfs", 4, true, "single"], ["stfd", 8, true, "double"],
] as const) {
  ACCESSES.push({ mn, indexed: false, update: false, size, store, on32: true, kind });
  ACCESSES.push({ mn: mn + "u", indexed: false, update: true, size, store, on32: true, kind });
  ACCESSES.push({ mn: mn + "x", indexed: true, update: false, size, store, on32: true, kind });
  ACCESSES.push({ mn: mn + "ux", indexed: true, update: true, size, store, on32: true, kind });
}
ACCESSES.push({ mn: "lfiwax", indexed: true, update: false, size: 4, store: false, on32: false, kind: "word" });
ACCESSES.push({ mn: "lfiwzx", indexed: true, update: false, size: 4, store: false, on32: false, kind: "word" });
ACCESSES.push({ mn: "stfiwx", indexed: true, update: false, size: 4, store: true, on32: true, kind: "double" });
ACCESSES.push({ mn: "lfdp", indexed: false, update: false, size: 16, store: false, on32: false, kind: "double" });
ACCESSES.push({ mn: "lfdpx", indexed: true, update: false, size: 16, store: false, on32: false, kind: "double" });
ACCESSES.push({ mn: "stfdp", indexed: false, update: false, size: 16, store: true, on32: false, kind: "double" });
ACCESSES.push({ mn: "stfdpx", indexed: true, update: false, size: 16, store: true, on32: false, kind: "double" });

function buildVariants(t: Target, rng: Rng): Variant[] {
  const le = t === "ppc64le";
  const scratch = scratchAddr(t);
  const nRandom = randomCount(8);
  const variants: Variant[] = [];
  for (const a of ACCESSES) {
    if (t === "ppc32" && !a.on32) continue;
    const off = a.size === 16 ? 16 : 24;
    const fr = a.size === 16 ? 2 : 1;
    for (const f of forms(a.mn, a.indexed, a.update)) {
      const cases: Case[] = [];
      const mk = (mem: Uint8Array, fpr?: Record<number, bigint>): void => {
        cases.push({ gpr: f.regs(scratch, off), mem, fpr });
      };
      if (!a.store) {
        // Loads: the item in memory.
        const items: bigint[] = [];
        if (a.kind === "single" || a.kind === "word") {
          for (const v of SINGLE_EDGES) items.push(BigInt(v));
          items.push(0x7fffffffn, 0x80000000n, 0xffffffffn);
          for (let k = 0; k < nRandom; k++) items.push(BigInt(rng.u32()));
        } else {
          for (const v of FP_EDGES) items.push(v);
          for (let k = 0; k < nRandom; k++) items.push(rng.double());
        }
        for (const v of items) {
          const m = randomMem(rng);
          if (a.size === 4) put32(m, off, Number(v), le);
          else put64(m, off, v, le);
          if (a.size === 16) put64(m, off + 8, rng.double(), le);
          mk(m);
        }
      } else {
        // Stores: the FPR(s).
        const items: bigint[] = [...(a.kind === "single" ? STORE_EDGES : FP_EDGES)];
        for (let k = 0; k < nRandom; k++) items.push(a.kind === "single" && k % 2 === 0 ? nearSingleRange(rng) : rng.double());
        for (const v of items) mk(randomMem(rng), { [fr]: v, [fr + 1]: rng.double() });
      }
      variants.push({ asm: f.asm(fr), cases });
    }
  }
  // Odd FRTp for the D-form pair loads/stores: qemu pairs FRTp with FRTp+1 (ISA: invalid).
  if (t !== "ppc32") {
    const cases: Case[] = [];
    for (let k = 0; k < 6; k++) cases.push({ gpr: { 4: scratch + 8n }, mem: randomMem(rng) });
    const enc = (op: number, t: number): string => `.long 0x${(((op << 26) | (t << 21) | (4 << 16) | 8) >>> 0).toString(16)}`;
    variants.push({ asm: enc(57, 3), cases }); // lfdp 3, 8(4) (gas rejects odd FRTp)
    variants.push({ asm: enc(61, 5), cases }); // stfdp 5, 8(4)
  }
  // A sequence: load single, store single round trip and the same register as both.
  {
    const cases: Case[] = [];
    for (const v of SINGLE_EDGES) {
      const m = randomMem(rng);
      put32(m, 0, v, le);
      cases.push({ gpr: { 4: scratch }, mem: m });
    }
    variants.push({ asm: "lfs 1, 0(4); stfs 1, 4(4); stfd 1, 8(4); lfsu 2, 4(4); stfsu 2, 12(4)", cases });
  }
  return variants;
}

for (const t of TARGETS) {
  test(`fp loads and stores (${t})`, () => {
    const seed = seedFromEnv();
    const rng = new Rng(seed ^ 0x5eed);
    const r = runDiff(t, buildVariants(t, rng), { suite: "fp-ls", seed, engines: ENGINE_KINDS });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    for (const mn of ["lfs", "lfsu", "lfsx", "lfsux", "lfd", "lfdu", "lfdx", "lfdux", "stfs", "stfsu", "stfsx", "stfsux", "stfd", "stfdu", "stfdx", "stfdux", "stfiwx"]) {
      assert.ok((r.coverage.get(mn) ?? 0) > 0, `${mn} not covered on ${t}`);
    }
    if (t !== "ppc32") {
      for (const mn of ["lfiwax", "lfiwzx", "lfdp", "lfdpx", "stfdp", "stfdpx"]) {
        assert.ok((r.coverage.get(mn) ?? 0) > 0, `${mn} not covered on ${t}`);
      }
    }
  });
}
