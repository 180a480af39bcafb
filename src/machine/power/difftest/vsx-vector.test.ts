// VSX vector floating point against qemu-user (-cpu power8, 64-bit BE and LE): arithmetic,
// multiply-adds, estimates, sign operations, max/min, compares (CR6 for the record forms),
// tests for software divide/square root, conversions and round-to-integral, double and single
// precision, with the FPSCR (FX, OX UX ZX XX, the VX* bits, FR FI) in all four rounding modes.
// Registers 32..63 are used too (the TX/AX/BX bits), and XT aliasing a source.
//
// Enable bits (VE OE UE ZE XE) are never set: qemu-user raises SIGFPE when an exception occurs
// with its enable bit set, which k42ts does not model (see fpu/fpscr.ts).

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, type Case, type Target, type Variant } from "./harness.js";
import { Rng, f64bits, seedFromEnv, INT_EDGES } from "./rng.js";

const SUITE = "vsx-vector";
const SEED = seedFromEnv();

const DP_SPECIALS: readonly bigint[] = [
  0x0000000000000000n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n,
  0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff80000deadbeefn,
  0x7ff4000000000000n, 0xfff000000000abcdn, 0x0000000000000001n, 0x000fffffffffffffn,
  0x0010000000000000n, 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x3ff0000000000001n,
  0x3ca0000000000000n, 0x47efffffe0000000n, 0x3810000000000000n, 0x36a0000000000000n,
  0x41e0000000000000n, 0xc1e0000000000000n, 0x43e0000000000000n, 0xc3e0000000000000n,
  0x43f0000000000000n, 0x3fe0000000000000n, 0x3ff8000000000000n, 0x4004000000000000n,
  0xbff8000000000000n, 0xc004000000000000n, 0x4330000000000000n, 0x7fe0000000000000n,
  0x0020000000000000n, 0x3ff0000010000000n, f64bits(3), f64bits(-0.1), f64bits(1e300), f64bits(1e-300),
];

const SP_SPECIALS: readonly number[] = [
  0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00123,
  0x7f800001, 0xffa00000, 0x00000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800001,
  0x4f000000, 0xcf000000, 0x5f000000, 0xdf000000, 0x4f800000, 0x5f800000, 0x3f000000, 0x3fc00000,
  0x40200000, 0xbfc00000, 0xc0200000, 0x4b000000, 0x4b7fffff, 0x7f000000, 0x01000000, 0x0c000000,
  0x40400000, 0xbdcccccd, 0x33800000, 0x34000000,
];

/** FPSCR status bits that may be on before an instruction (no enable bits). */
const FPSCR_EXTRAS: readonly number[] = [
  0, 0, 0, 0, 1 << 18, 1 << 17, (1 << 18) | (1 << 17), (1 << 31) | (1 << 25), 0x1f << 12,
  (1 << 31) | (1 << 28) | (1 << 27) | (1 << 26), (1 << 24) | (1 << 29), 1 << 19,
];

type Kind = "dp" | "sp" | "i64" | "i32";

/** Draw only from the special values (hand-picked edges) when set. */
let specialsOnly = false;

function dpVal(rng: Rng): bigint {
  const k = specialsOnly ? 0 : rng.below(8);
  if (k < 4) return rng.pick(DP_SPECIALS);
  if (k === 4) return f64bits((rng.below(2001) - 1000) / rng.pick([1, 2, 3, 4, 8, 10]));
  if (k === 5) return BigInt.asUintN(64, f64bits(Math.fround(rng.below(1 << 30) / (1 + rng.below(1 << 20)))));
  return rng.double();
}

function spWord(rng: Rng): number {
  const k = specialsOnly ? 0 : rng.below(8);
  if (k < 4) return rng.pick(SP_SPECIALS) >>> 0;
  if (k === 4) {
    const f = new Float32Array([(rng.below(2001) - 1000) / rng.pick([1, 2, 3, 4, 8, 10])]);
    return new Uint32Array(f.buffer)[0];
  }
  if (k === 5) return (rng.u32() & 0x807fffff) | ((100 + rng.below(56)) << 23); // moderate exponents
  return rng.u32();
}

function i32Word(rng: Rng): number {
  const k = specialsOnly ? 0 : rng.below(4);
  if (k === 0) return Number(rng.pick(INT_EDGES) & 0xffffffffn);
  if (k === 1) return (rng.below(2001) - 1000) >>> 0;
  return rng.u32();
}

function dw(kind: Kind, rng: Rng): bigint {
  switch (kind) {
    case "dp": return dpVal(rng);
    case "i64": return specialsOnly ? rng.pick(INT_EDGES) : rng.u64();
    case "sp": return (BigInt(spWord(rng)) << 32n) | BigInt(spWord(rng));
    case "i32": return (BigInt(i32Word(rng)) << 32n) | BigInt(i32Word(rng));
  }
}

/**
 * Cases: every register in `regs` gets a value of the kind (the first `n` from the special
 * values only, then `n` random-biased ones); random FPSCR rounding mode and status bits.
 */
function cases(rng: Rng, regs: readonly number[], kind: Kind, n: number): Case[] {
  const out: Case[] = [];
  for (let i = 0; i < 2 * n; i++) {
    specialsOnly = i < n;
    const vsr: Record<number, [bigint, bigint]> = {};
    for (const r of regs) vsr[r] = [dw(kind, rng), dw(kind, rng)];
    // Sometimes the same value in both operands (equal compares, x - x, max(x, x)).
    if (i % 7 === 3 && regs.length >= 2) vsr[regs[1]] = [...vsr[regs[0]]];
    out.push({ vsr, fpscr: rng.below(4) | rng.pick(FPSCR_EXTRAS) });
  }
  return out;
}

function regsOf(asm: string): number[] {
  const body = asm.replace(/^\s*\S+/, "");
  return [...body.matchAll(/\b(\d+)\b/g)].map((m) => Number(m[1]));
}

/** XX3 variants: low registers; high registers (TX AX BX) with XT aliasing XB. */
function xx3(m: string, kind: Kind, rng: Rng, n: number): Variant[] {
  return [`${m} 3, 4, 5`, `${m} 35, 44, 35`].map((asm) => {
    const regs = regsOf(asm);
    return { asm, cases: cases(rng, [...new Set(regs.slice(1)), regs[0]], kind, n) };
  });
}

/** XX2 variants. */
function xx2(m: string, kind: Kind, rng: Rng, n: number): Variant[] {
  return [`${m} 3, 5`, `${m} 40, 61`].map((asm) => ({ asm, cases: cases(rng, regsOf(asm), kind, n) }));
}

const DP3 = ["xvadddp", "xvsubdp", "xvmuldp", "xvdivdp", "xvmaxdp", "xvmindp", "xvcpsgndp",
  "xvmaddadp", "xvmaddmdp", "xvmsubadp", "xvmsubmdp", "xvnmaddadp", "xvnmaddmdp", "xvnmsubadp", "xvnmsubmdp",
  "xvcmpeqdp", "xvcmpgedp", "xvcmpgtdp", "xvcmpeqdp.", "xvcmpgedp.", "xvcmpgtdp."];
const SP3 = DP3.map((m) => m.replace("dp", "sp"));
const DP2 = ["xvsqrtdp", "xvnegdp", "xvabsdp", "xvnabsdp", "xvredp", "xvrsqrtedp",
  "xvrdpi", "xvrdpic", "xvrdpim", "xvrdpip", "xvrdpiz",
  "xvcvdpsp", "xvcvdpsxds", "xvcvdpsxws", "xvcvdpuxds", "xvcvdpuxws"];
const SP2 = ["xvsqrtsp", "xvnegsp", "xvabssp", "xvnabssp", "xvresp", "xvrsqrtesp",
  "xvrspi", "xvrspic", "xvrspim", "xvrspip", "xvrspiz",
  "xvcvspdp", "xvcvspsxds", "xvcvspsxws", "xvcvspuxds", "xvcvspuxws"];
const I64_2 = ["xvcvsxddp", "xvcvuxddp", "xvcvsxdsp", "xvcvuxdsp"];
const I32_2 = ["xvcvsxwdp", "xvcvuxwdp", "xvcvsxwsp", "xvcvuxwsp"];

function variants(rng: Rng): Variant[] {
  const n = randomCount(8);
  const v: Variant[] = [];
  for (const m of DP3) v.push(...xx3(m, "dp", rng, n));
  for (const m of SP3) v.push(...xx3(m, "sp", rng, n));
  for (const m of DP2) v.push(...xx2(m, "dp", rng, n));
  for (const m of SP2) v.push(...xx2(m, "sp", rng, n));
  for (const m of I64_2) v.push(...xx2(m, "i64", rng, n));
  for (const m of I32_2) v.push(...xx2(m, "i32", rng, n));
  // tests for software divide / square root (CR field BF)
  for (const [m, kind] of [["xvtdivdp", "dp"], ["xvtdivsp", "sp"]] as const) {
    for (const asm of [`${m} 3, 4, 5`, `${m} 6, 40, 50`]) v.push({ asm, cases: cases(rng, regsOf(asm).slice(1), kind, 2 * n) });
  }
  for (const [m, kind] of [["xvtsqrtdp", "dp"], ["xvtsqrtsp", "sp"]] as const) {
    for (const asm of [`${m} 2, 5`, `${m} 7, 45`]) v.push({ asm, cases: cases(rng, regsOf(asm).slice(1), kind, 2 * n) });
  }
  return v;
}

for (const t of ["ppc64le", "ppc64"] as Target[]) {
  test(`vsx-vector: ${t}`, () => {
    const r = runDiff(t, variants(new Rng(SEED)), { suite: SUITE, seed: SEED, vector: true });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
  });
}
