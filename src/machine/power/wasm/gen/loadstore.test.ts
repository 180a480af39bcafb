// The load/store emitters against their handlers (wasm/testing/check.ts): random words and
// states, both modes and byte orders. Half of the cases aim the effective address at a page
// boundary of the check's data window (unmapped below, read-write pages, a read-only page, then
// unmapped), so that page-crossing accesses, stores to the read-only page and faults on either
// side of a boundary are all exercised; the test asserts that both faulting and completing cases
// occurred for every mnemonic, and that each was handled natively in most cases.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AssertionError } from "node:assert";
import { LOADSTORE_GENS } from "./loadstore.js";
import { checkEmitters, DATA_BASE, DATA_PAGES } from "../testing/check.js";
import { RA, RB, RT, SI, T, type WasmGen } from "../emit.js";
import { Form, effectiveAddress } from "./ls-common.js";
import { Op } from "../encoder.js";
import type { Rng } from "../../difftest/rng.js";

const PAGE = 4096;

/** The displacement of a D/DS/DQ-form word (the low bits of DS and DQ are opcode). */
function displacement(w: number): number {
  const op = w >>> 26;
  if (op === 56) return SI(w) & ~15; // lq
  if (op === 58 || op === 62) return SI(w) & ~3; // ld/ldu/lwa, std/stdu/stq
  return SI(w);
}

/**
 * With probability 1/2, set the base registers so that the EA lands within a few bytes of a
 * page boundary of the data window (the first, between pages, or past the read-only page).
 */
function nearBoundary(state: Int32Array, w: number, rng: Rng): void {
  if (rng.below(2) === 0) return;
  const target = DATA_BASE + rng.below(DATA_PAGES + 1) * PAGE + rng.below(48) - 32;
  const ra = RA(w), rb = RB(w);
  const set = (r: number, v: number): void => {
    state[r * 2] = v | 0;
    state[r * 2 + 1] = 0;
  };
  if ((w >>> 26) === 31) {
    // X-form: (RA|0) + RB.
    if (ra === 0) set(rb, target);
    else if (ra !== rb) {
      const off = rng.below(64) - 32;
      set(rb, off);
      state[rb * 2 + 1] = off >> 31;
      set(ra, target - off);
    }
  } else if (ra !== 0) {
    set(ra, target - displacement(w));
  }
}

const MNEMONICS = [...LOADSTORE_GENS.keys()];
/**
 * The least share of cases each mnemonic must take natively (default 0.9). lmw/stmw: natively in
 * big-endian mode only (little-endian is an alignment interrupt), and stmw/stq run the handler
 * when their range crosses a page, which the boundary-aimed cases make frequent. The FP update
 * forms share their mnemonic with the invalid RA = 0 definition (handler: illegal instruction).
 */
const NATIVE_SHARE = new Map<string, number>([
  ["lmw", 0.4], ["stmw", 0.25], ["stq", 0.7],
  ...["lfsu", "lfsux", "lfdu", "lfdux", "stfsu", "stfsux", "stfdu", "stfdux"].map((m) => [m, 0.4] as const),
]);

/** Barriers and hints that make no access (they never fault). */
const NO_ACCESS = new Set(["sync", "eieio", "dcbt", "dcbtst", "icbt"]);

test("load/store emitters match their handlers, near page boundaries and read-only pages too", () => {
  // K42_DIFF_CASES raises the rounds for a deeper run (K42_SEED replays one).
  const rounds = Number(process.env.K42_DIFF_CASES ?? "") || 40;
  const counts = checkEmitters(LOADSTORE_GENS, { rounds, adjust: nearBoundary });
  if (process.env.K42_VERBOSE !== undefined) for (const [m, n] of counts) console.log(m, n);
  for (const m of MNEMONICS) {
    const n = counts.get(m);
    assert.ok(n !== undefined && n.checked >= 150, `${m}: too few cases (${n?.checked})`);
    const share = NATIVE_SHARE.get(m) ?? 0.9;
    assert.ok(n.native >= n.checked * share, `${m}: only ${n.native} of ${n.checked} cases native`);
    if (NO_ACCESS.has(m)) continue;
    assert.ok(n.faulted > 0 && n.faulted < n.checked, `${m}: ${n.faulted} of ${n.checked} cases faulted (want both outcomes)`);
  }
});

test("planted bugs in load/store emitters are caught", () => {
  const opts = { rounds: 25, adjust: nearBoundary };
  // lwzu updating RA before the load: a faulting lwzu must leave RA unchanged.
  const updateFirst: WasmGen = (e) => {
    const ea = effectiveAddress(e, Form.D);
    e.f.get(ea);
    e.setGpr(RA(e.w));
    e.load(4, ea);
    e.setGpr(RT(e.w));
    return true;
  };
  assert.throws(() => checkEmitters(new Map([["lwzu", updateFirst]]), opts), AssertionError);
  // stfs through the host's rounding conversion instead of the handler's truncating SINGLE().
  const rounding: WasmGen = (e) => {
    const ea = effectiveAddress(e, Form.D);
    const v = e.temp(T.i64);
    e.fpr(RT(e.w));
    e.f.op(Op.f32_demote_f64, Op.i32_reinterpret_f32, Op.i64_extend_i32_u).set(v);
    e.store(4, ea, v);
    return true;
  };
  assert.throws(() => checkEmitters(new Map([["stfs", rounding]]), opts), AssertionError);
});
