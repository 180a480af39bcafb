// FPSCR instructions (mffs mtfsf mtfsfi mtfsb0 mtfsb1 mcrfs), FP moves (fmr fneg fabs fnabs
// fcpsgn fmrgew fmrgow fsel), rounding to integral values (frin friz frip frim), ftdiv/ftsqrt
// and the compares (fcmpu fcmpo) against qemu-user, in 64-bit big- and little-endian mode and
// (for the instructions the 7400 has) in 32-bit mode.
//
// qemu-user raises SIGFPE whenever an enabled exception is recorded or an mtfs* leaves one
// pending (it runs as if MSR[FE0,FE1] were nonzero). Inputs are therefore built so that no
// exception bit meets its enable bit (see `resolve`), and VE is 0 where an instruction can
// raise an invalid-operation exception.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, randomCount, TARGETS, type Case, type Target, type Variant } from "./harness.js";
import { ENGINE_KINDS } from "../engine.js";
import { Rng, FP_EDGES, seedFromEnv } from "./rng.js";

// FPSCR bits in the low word (bits 32:63), as in fpu/fpscr.ts.
const OX = 1 << 28, UX = 1 << 27, ZX = 1 << 26, XX = 1 << 25;
const VXALL = (0x3f << 19) | (7 << 8);
const VE = 1 << 7, OE = 1 << 6, UE = 1 << 5, ZE = 1 << 4, XE = 1 << 3;
const PAIRS: readonly [number, number][] = [[OX, OE], [UX, UE], [ZX, ZE], [XX, XE]];

/**
 * The bits to clear in `v` so that no exception bit meets its enable: prefers to clear bits
 * outside `keep` (bits the instruction under test writes and the test cannot change).
 */
function conflicts(v: number, keep: number, rng: Rng): number {
  let clear = 0;
  for (const [x, e] of PAIRS) {
    if ((v & x) === 0 || (v & e) === 0) continue;
    if ((keep & e) !== 0) clear |= x;
    else if ((keep & x) !== 0) clear |= e;
    else clear |= rng.below(2) === 0 ? x : e;
  }
  if ((v & VE) !== 0 && (v & VXALL) !== 0) {
    if ((keep & VE) !== 0) clear |= VXALL;
    else if ((keep & VXALL & v) !== 0) clear |= VE;
    else clear |= rng.below(2) === 0 ? VXALL : VE;
  }
  return clear;
}

/** A random FPSCR low word: dense, sparse or zero. */
function randomFpscr(rng: Rng): number {
  const k = rng.below(4);
  const v = k === 0 ? rng.u32() : k === 1 ? rng.u32() & rng.u32() & rng.u32() : k === 2 ? rng.u32() & 0x0001f0ff : 0;
  return (v & ~conflicts(v, 0, rng)) | 0;
}

/** An FPSCR for instructions that may record an invalid operation: VE = 0. */
const fpscrNoVE = (rng: Rng): number => randomFpscr(rng) & ~VE;

/** FPR operands: FP edges half the time, else the harness's random doubles. */
function operand(rng: Rng): bigint {
  return rng.below(2) === 0 ? rng.pick(FP_EDGES) : rng.double();
}

/** Doubles with exponents at the ftdiv/ftsqrt thresholds. */
function testOperand(rng: Rng, exp?: number): bigint {
  const exps = [0, 1, 2, 3, 51, 52, 53, 54, 55, 100, 1022, 1023, 1024, 2043, 2044, 2045, 2046, 2047];
  const e = exp ?? rng.pick(exps);
  const frac = rng.below(4) === 0 ? 0n : rng.bits64() & 0xfffffffffffffn;
  return (BigInt(rng.below(2)) << 63n) | (BigInt(e & 0x7ff) << 52n) | frac;
}

const POWER8 = (s: string): string => `.machine push; .machine power8; ${s}; .machine pop`;

function nibbleMask(nibbles: number): number {
  let m = 0;
  for (let k = 0; k < 8; k++) if ((nibbles & (1 << k)) !== 0) m |= 0xf << (4 * k);
  return m | 0;
}

// ---- FPSCR instructions ----

function fpscrVariants(t: Target, rng: Rng): Variant[] {
  const is32 = t === "ppc32";
  const n = randomCount(8);
  const out: Variant[] = [];

  // mffs
  for (const asm of ["mffs 3", "mffs. 3", "mffs 0"]) {
    const cases: Case[] = [];
    for (let k = 0; k < n; k++) cases.push({ fpscr: randomFpscr(rng) });
    out.push({ asm, cases });
  }
  if (!is32) {
    // With DRN bits (FPSCR bits 29:31) set first.
    const cases: Case[] = [];
    for (let k = 0; k < n; k++) cases.push({ fpscr: randomFpscr(rng) });
    out.push({ asm: POWER8(`mtfsfi 7, ${rng.below(8)}, 1; mffs. 5`), cases });
  }

  // mtfsf: FLM masks, L and W forms.
  const flms = [0xff, 0x01, 0x02, 0x80, 0x40, 0x0f, 0xf0, 0x00, 0x81, rng.below(256), rng.below(256)];
  const forms: { asm: string; nibbles: number; lw: boolean }[] = [];
  for (const flm of flms) {
    forms.push({ asm: `mtfsf ${flm}, 2`, nibbles: flm, lw: false });
    forms.push({ asm: `mtfsf. ${flm}, 2`, nibbles: flm, lw: false });
  }
  forms.push({ asm: POWER8("mtfsf 0, 2, 1, 0"), nibbles: 0xffff, lw: true });
  forms.push({ asm: POWER8("mtfsf. 0x5a, 2, 1, 0"), nibbles: 0xffff, lw: true });
  if (!is32) {
    for (const flm of [0x01, 0xff, 0x80, 0x00]) forms.push({ asm: POWER8(`mtfsf ${flm}, 2, 0, 1`), nibbles: flm << 8, lw: true });
    forms.push({ asm: POWER8("mtfsf. 0x01, 2, 0, 1"), nibbles: 0x100, lw: true });
  }
  for (const f of forms) {
    const cases: Case[] = [];
    const m = nibbleMask(f.nibbles & 0xff);
    for (let k = 0; k < n; k++) {
      let old = randomFpscr(rng);
      let frbLo = rng.below(3) === 0 ? randomFpscr(rng) : rng.u32() | 0;
      let frbHi = rng.u32() | 0;
      // qemu-ppc (7400) has no FPSCR bits 0:31: keep DRN out of the 32-bit L=1 form.
      if (is32) frbHi &= ~7;
      const merged = (frbLo & m) | (old & ~m);
      const clear = conflicts(merged, 0, rng);
      old &= ~(clear & ~m);
      frbLo &= ~(clear & m);
      const frb = (BigInt(frbHi >>> 0) << 32n) | BigInt(frbLo >>> 0);
      cases.push({ fpscr: old, fpr: { 2: frb } });
    }
    out.push({ asm: f.asm, cases });
  }

  // mtfsfi BF, U (, W)
  for (let bf = 0; bf < 8; bf++) {
    for (const [u, rc] of [[0, false], [15, true], [rng.below(16), rng.below(2) === 0]] as const) {
      const sh = 7 - bf;
      const bits = (u << (4 * sh)) | 0;
      const cases: Case[] = [];
      for (let k = 0; k < n; k++) {
        const old = randomFpscr(rng);
        const nm = nibbleMask(1 << sh);
        cases.push({ fpscr: old & ~conflicts((old & ~nm) | bits, nm, rng) });
      }
      out.push({ asm: `mtfsfi${rc ? "." : ""} ${bf}, ${u}`, cases });
    }
  }
  if (!is32) {
    for (const bf of [7, 0, 3]) {
      const cases: Case[] = [];
      for (let k = 0; k < n; k++) cases.push({ fpscr: randomFpscr(rng) });
      out.push({ asm: POWER8(`mtfsfi. ${bf}, ${rng.below(16)}, 1; mffs 4`), cases });
    }
  }

  // mtfsb0 / mtfsb1, every bit.
  for (let bt = 0; bt < 32; bt++) {
    const bit = (1 << (31 - bt)) | 0;
    for (const op of ["mtfsb0", "mtfsb1"]) {
      const cases: Case[] = [];
      for (let k = 0; k < Math.max(4, n >> 1); k++) {
        let old = randomFpscr(rng);
        // Half the time the bit starts in the state the instruction gives it (no change).
        if (rng.below(2) === 0) old = op === "mtfsb0" ? old & ~bit : old | bit;
        if (op === "mtfsb1") old &= ~conflicts(old | bit, bit, rng);
        else old &= ~conflicts(old, 0, rng);
        cases.push({ fpscr: old });
      }
      out.push({ asm: `${op}${bt % 3 === 0 ? "" : "."} ${bt}`, cases });
    }
  }

  // mcrfs BF, BFA
  for (let bfa = 0; bfa < 8; bfa++) {
    const cases: Case[] = [];
    for (let k = 0; k < n; k++) cases.push({ fpscr: randomFpscr(rng) });
    out.push({ asm: `mcrfs ${rng.below(8)}, ${bfa}`, cases });
  }
  // A sequence: two mcrfs of the same field (the second sees the cleared bits).
  {
    const cases: Case[] = [];
    for (let k = 0; k < n; k++) cases.push({ fpscr: randomFpscr(rng) });
    out.push({ asm: "mcrfs 2, 0; mcrfs 3, 0; mcrfs 4, 1; mffs 5", cases });
  }
  return out;
}

// ---- moves, rounding, tests, compares ----

function moveVariants(t: Target, rng: Rng): Variant[] {
  const is32 = t === "ppc32";
  const n = randomCount(16);
  const out: Variant[] = [];
  const abc = (): Case => ({ fpscr: fpscrNoVE(rng), fpr: { 2: operand(rng), 3: operand(rng), 4: operand(rng) } });

  const unary = ["fmr", "fneg", "fabs", "fnabs"];
  if (!is32) unary.push("frin", "friz", "frip", "frim");
  for (const mn of unary) {
    for (const rc of ["", "."]) {
      const cases: Case[] = [];
      for (const e of FP_EDGES) cases.push({ fpscr: fpscrNoVE(rng), fpr: { 3: e } });
      for (let k = 0; k < n; k++) cases.push(abc());
      out.push({ asm: `${mn}${rc} 1, 3`, cases });
    }
    // Same register as source and target.
    const cases: Case[] = [];
    for (let k = 0; k < 6; k++) cases.push(abc());
    out.push({ asm: `${mn} 3, 3`, cases });
  }
  if (!is32) {
    // fri* on values around the rounding points.
    const cases: Case[] = [];
    for (let k = 0; k < n; k++) {
      const base = rng.pick([0, 1, 2, 3, 1e6, 2 ** 51, 2 ** 52 - 1, 2 ** 52, 2 ** 53]);
      const frac = rng.pick([0.5, -0.5, 0.49999999999999994, 0.5000000000000001, 0.25, 0.75, 1e-300, 0]);
      const buf = new DataView(new ArrayBuffer(8));
      buf.setFloat64(0, (rng.below(2) === 0 ? 1 : -1) * (base + frac));
      cases.push({ fpscr: fpscrNoVE(rng), fpr: { 3: buf.getBigUint64(0) } });
    }
    for (const mn of ["frin", "friz", "frip", "frim"]) out.push({ asm: `${mn}. 1, 3`, cases });
  }

  const binary = is32 ? [] : ["fcpsgn"];
  for (const mn of binary) {
    for (const rc of ["", "."]) {
      const cases: Case[] = [];
      for (let k = 0; k < n; k++) cases.push(abc());
      out.push({ asm: `${mn}${rc} 1, 2, 3`, cases });
    }
    const cases: Case[] = [];
    for (let k = 0; k < 6; k++) cases.push(abc());
    out.push({ asm: `${mn} 2, 2, 3`, cases });
  }
  if (!is32) {
    for (const mn of ["fmrgew", "fmrgow"]) {
      const cases: Case[] = [];
      for (let k = 0; k < n; k++) cases.push(abc());
      out.push({ asm: `${mn} 1, 2, 3`, cases });
      out.push({ asm: `${mn} 3, 2, 3`, cases });
    }
  }

  // fsel
  for (const rc of ["", "."]) {
    const cases: Case[] = [];
    for (const e of FP_EDGES) cases.push({ fpscr: fpscrNoVE(rng), fpr: { 2: e, 3: operand(rng), 4: operand(rng) } });
    for (let k = 0; k < n; k++) cases.push(abc());
    out.push({ asm: `fsel${rc} 1, 2, 4, 3`, cases });
  }
  {
    const cases: Case[] = [];
    for (let k = 0; k < 8; k++) cases.push(abc());
    out.push({ asm: "fsel 2, 2, 2, 3", cases });
  }

  // ftdiv / ftsqrt
  if (!is32) {
    const cases: Case[] = [];
    for (let k = 0; k < 3 * n; k++) {
      let a: bigint, b: bigint;
      const kind = rng.below(4);
      if (kind === 0) {
        a = operand(rng);
        b = operand(rng);
      } else if (kind === 1) {
        // Exponent differences at the thresholds 1023 and -1021.
        const eb = 1 + rng.below(2000);
        const d = rng.pick([1022, 1023, 1024, -1020, -1021, -1022]);
        b = testOperand(rng, eb);
        a = testOperand(rng, Math.min(2046, Math.max(0, eb + d)));
      } else if (kind === 2) {
        // FRA exponents around -970 (biased 53).
        a = testOperand(rng, rng.pick([52, 53, 54]));
        b = testOperand(rng, 1023 + rng.below(20) - 10);
      } else {
        a = testOperand(rng);
        b = testOperand(rng);
      }
      cases.push({ fpscr: randomFpscr(rng), fpr: { 2: a, 3: b } });
    }
    for (const bf of [0, 3, 7]) out.push({ asm: `ftdiv ${bf}, 2, 3`, cases });
    for (const bf of [1, 6]) out.push({ asm: `ftsqrt ${bf}, 3`, cases });
  }

  // fcmpu / fcmpo
  {
    const cases: Case[] = [];
    for (let k = 0; k < 3 * n; k++) {
      const a = operand(rng);
      const kind = rng.below(4);
      const b = kind === 0 ? a : kind === 1 ? a ^ (1n << 63n) : operand(rng);
      cases.push({ fpscr: fpscrNoVE(rng), fpr: { 2: a, 3: b } });
    }
    for (const mn of ["fcmpu", "fcmpo"]) {
      for (const bf of [0, 1, 5, 7]) out.push({ asm: `${mn} ${bf}, 2, 3`, cases });
    }
    out.push({ asm: "fcmpu 2, 3, 3; fcmpo 3, 2, 2; mffs 6", cases });
  }
  return out;
}

const FPSCR_MNEMONICS = ["mffs", "mffs.", "mtfsf", "mtfsf.", "mtfsfi", "mtfsfi.", "mtfsb0", "mtfsb0.", "mtfsb1", "mtfsb1.", "mcrfs"];
const MOVE_MNEMONICS = ["fmr", "fmr.", "fneg", "fneg.", "fabs", "fabs.", "fnabs", "fnabs.", "fsel", "fsel.", "fcmpu", "fcmpo"];
const MOVE_MNEMONICS_64 = ["fcpsgn", "fcpsgn.", "fmrgew", "fmrgow", "frin", "frin.", "friz", "friz.", "frip", "frip.", "frim", "frim.", "ftdiv", "ftsqrt"];

for (const t of TARGETS) {
  test(`fpscr instructions (${t})`, () => {
    const seed = seedFromEnv();
    const r = runDiff(t, fpscrVariants(t, new Rng(seed ^ 0xf95c)), { suite: "fp-control", seed, engines: ENGINE_KINDS });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    for (const mn of FPSCR_MNEMONICS) assert.ok((r.coverage.get(mn) ?? 0) > 0, `${mn} not covered on ${t}`);
  });

  test(`fp moves, rounding and compares (${t})`, () => {
    const seed = seedFromEnv();
    const r = runDiff(t, moveVariants(t, new Rng(seed ^ 0x3073)), { suite: "fp-control", seed, engines: ENGINE_KINDS });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    const want = t === "ppc32" ? MOVE_MNEMONICS : [...MOVE_MNEMONICS, ...MOVE_MNEMONICS_64];
    for (const mn of want) assert.ok((r.coverage.get(mn) ?? 0) > 0, `${mn} not covered on ${t}`);
  });
}
