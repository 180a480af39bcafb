// The floating-point emitters (fp.ts) against their handlers, with the translator's check
// harness (wasm/testing/check.ts): random words of every instruction, random states, both
// modes and byte orders, the whole state compared. Three kinds of states:
//  - the harness's own (random FPSCR, so mostly a directed rounding mode: the fallbacks);
//  - FP-heavy: ordinary doubles most of the time, near-overflow and near-underflow values,
//    single-precision values and midpoints, powers of two (exact results), integers, specials,
//    round-to-nearest in most cases but every mode, enables on and off;
//  - ordinary (what compiled code runs on): round-to-nearest, normal doubles of moderate size.
//    There the emitters must take their fast path (no handler call) in most cases.
// K42_SEED fixes the seed (printed on failure); K42_DIFF_CASES scales the rounds.

import { test } from "node:test";
import assert from "node:assert/strict";
import { S } from "../../state.js";
import type { Rng } from "../../difftest/rng.js";
import { type CheckCount, checkEmitters } from "../testing/check.js";
import { FP_GENS } from "./fp.js";

const d = new Float64Array(1);
const dw = new Int32Array(d.buffer);

/** 1 + a random fraction (53 bits). */
const mant = (rng: Rng): number => 1 + rng.u32() / 4294967296 + rng.u32() / 2 ** 64;

/** A double for FP-heavy states. */
function heavyDouble(rng: Rng): number {
  const k = rng.below(100);
  const sign = rng.below(2) === 0 ? 1 : -1;
  if (k < 50) return sign * mant(rng) * 2 ** (rng.below(40) - 20);
  if (k < 56) return sign * rng.below(1000);
  if (k < 62) return sign * Math.fround(mant(rng) * 2 ** (rng.below(40) - 20));
  if (k < 66) return sign * mant(rng) * 2 ** (rng.below(60) + 964); // near overflow
  if (k < 70) return sign * mant(rng) * 2 ** (-rng.below(80) - 960); // near underflow
  if (k < 73) return sign * mant(rng) * 2 ** (rng.below(20) + 118); // near the single range's ends
  if (k < 76) return sign * mant(rng) * 2 ** (-rng.below(40) - 110);
  if (k < 80) {
    // a single-precision midpoint: half a single ulp above a single
    const e = rng.below(40) - 20;
    return sign * (Math.fround(mant(rng) * 2 ** e) + 2 ** (e - 24));
  }
  if (k < 84) return sign * 2 ** (rng.below(128) - 64);
  if (k < 87) return sign * 0;
  if (k < 89) return sign * Infinity;
  if (k < 91) return sign * rng.u32() * 2 ** -1074; // denormal
  dw[0] = rng.u32() | 0;
  dw[1] = rng.u32() | 0;
  return d[0]; // any bits: NaNs (quiet and signalling) among them
}

/** Doubleword 0 of each VSR from `gen`, or (`ints`) a 64-bit integer in a quarter of them. */
function setVsrs(rng: Rng, init: Int32Array, gen: (rng: Rng) => number, ints: boolean): void {
  for (let n = 0; n < 64; n++) {
    const i = S.VSR + n * 4;
    if (ints && rng.below(4) === 0) {
      init[i] = rng.u32() | 0;
      init[i + 1] = rng.below(2) === 0 ? rng.below(5) - 2 : rng.u32() | 0;
    } else {
      d[0] = gen(rng);
      init[i] = dw[0];
      init[i + 1] = dw[1];
    }
  }
}

/** FP-heavy states: see the header. */
function heavy(init: Int32Array, _w: number, rng: Rng): void {
  setVsrs(rng, init, heavyDouble, true);
  let fs = init[S.FPSCR];
  if (rng.below(4) !== 0) fs &= ~3; // round-to-nearest mostly; every mode otherwise
  if (rng.below(2) !== 0) fs &= ~0xf8; // enables off half the time
  init[S.FPSCR] = fs;
}

/** A moderate normal double, positive in three cases of four. */
function ordinaryDouble(rng: Rng): number {
  const sign = rng.below(4) === 0 ? -1 : 1;
  return rng.below(8) === 0 ? sign * (1 + rng.below(1000)) : sign * mant(rng) * 2 ** (rng.below(40) - 20);
}

function ordinary(init: Int32Array, _w: number, rng: Rng): void {
  setVsrs(rng, init, ordinaryDouble, false);
  init[S.FPSCR] &= ~(3 | 0xf8); // round-to-nearest, no enables (how programs run)
}

function rounds(n: number): number {
  const scale = Number(process.env.K42_DIFF_CASES ?? "");
  return scale > 0 ? scale : n;
}

function summary(counts: Map<string, CheckCount>): string {
  return [...counts].map(([m, c]) => `${m} ${c.native}/${c.checked}`).join("  ");
}

test("FP emitters match their handlers (harness states)", () => {
  const counts = checkEmitters(FP_GENS, { rounds: rounds(5) });
  for (const [m, c] of counts) assert.ok(c.checked > 0, `${m}: no case checked`);
});

/** The arithmetic: under FP-heavy states both its fast path and its fallback must run. */
const ARITH: readonly string[] = [
  "fadd", "fadds", "fsub", "fsubs", "fmul", "fmuls", "fdiv", "fdivs", "fsqrt", "fsqrts", "fre", "fres", "frsp",
  "fmadd", "fmadds", "fnmsub", "fnmsubs", "xsadddp", "xsmuldp", "xsdivdp", "xssqrtdp", "xsaddsp", "xsmaddadp", "xsmaddmsp",
];

test("FP emitters match their handlers (FP-heavy states: specials, extremes, every rounding mode)", () => {
  const counts = checkEmitters(FP_GENS, { rounds: rounds(16), adjust: heavy });
  for (const [m, c] of counts) assert.ok(c.checked > 0, `${m}: no case checked`);
  for (const m of ARITH) {
    const c = counts.get(m);
    assert.ok(c !== undefined && c.native > 0 && c.native < c.checked, `${m}: fast path and fallback both exercised; ${summary(counts)}`);
  }
});

/**
 * Mnemonics whose fast path must serve ordinary operands, and the share of cases it must take
 * (all of them but the square roots, whose negative operands, a quarter, are the handler's:
 * the bound leaves room for chance).
 */
const FAST: readonly (readonly [readonly string[], number])[] = [
  [["fadd", "fadds", "fsub", "fsubs", "fmul", "fmuls", "fdiv", "fdivs", "fre", "fres", "frsp"], 0.9],
  [["fmadd", "fmadds", "fmsub", "fmsubs", "fnmadd", "fnmadds", "fnmsub", "fnmsubs"], 0.9],
  [["fsqrt", "fsqrts", "xssqrtdp", "xssqrtsp", "frsqrte", "frsqrtes", "xsrsqrtedp", "xsrsqrtesp"], 0.4],
  [["fcmpu", "fcmpo", "fctiw", "fctiwz", "fctid", "fctidz", "fcfid", "fcfids", "fcfidu", "fcfidus"], 0.9],
  [["frin", "friz", "frip", "frim", "fmr", "fneg", "fabs", "fnabs", "fcpsgn", "fsel", "mtfsb0", "mtfsb1", "mcrfs"], 0.9],
  [["xsadddp", "xssubdp", "xsmuldp", "xsdivdp", "xsaddsp", "xssubsp", "xsmulsp", "xsdivsp", "xsredp", "xsresp", "xsrsp"], 0.9],
  [["xsmaddadp", "xsmaddmdp", "xsmsubadp", "xsnmaddadp", "xsnmsubmdp", "xsmaddasp", "xsnmsubmsp"], 0.9],
  [["xscmpudp", "xscmpodp", "xscvdpsxds", "xscvdpsxws", "xscvsxddp", "xscvuxddp", "xscvsxdsp", "xscvdpsp", "xscvspdpn", "xscvdpspn"], 0.9],
  [["xsmaxdp", "xsmindp", "xsabsdp", "xsnegdp", "xscpsgndp", "xsrdpi", "xsrdpiz", "xsrdpim", "xsrdpip", "xsrdpic"], 0.9],
];

test("FP emitters take their fast path on ordinary operands in round-to-nearest", () => {
  const only = FAST.flatMap(([ms]) => ms);
  for (const m of only) assert.ok(FP_GENS.has(m), `${m} has no emitter`);
  const counts = checkEmitters(FP_GENS, { rounds: rounds(12), adjust: ordinary, only });
  for (const [ms, share] of FAST) {
    for (const m of ms) {
      const c = counts.get(m);
      assert.ok(c !== undefined && c.checked > 0, `${m}: no case checked`);
      assert.ok(c.native >= share * c.checked, `${m}: fast path taken in ${c.native} of ${c.checked} ordinary cases (want ${share * 100}%); ${summary(counts)}`);
    }
  }
});
