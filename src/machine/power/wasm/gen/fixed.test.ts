// The fixed-point emitters against their handlers (wasm/testing/check.ts): random words and
// states, both modes and byte orders, the whole state compared. Every emitter must handle its
// instruction natively in most cases (the few forms left to the handler are rare ones, such as
// the `or N,N,N` priority hints). Two planted bugs in copies of the map must make the check fail.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AssertionError } from "node:assert";
import { FIXED_GENS } from "./fixed.js";
import { checkEmitters } from "../testing/check.js";
import { Op } from "../encoder.js";
import { Xer, RA, type WasmGen } from "../emit.js";

test("fixed-point emitters match their handlers (random words and states, both modes and byte orders)", () => {
  // 75 cases per mode and byte order: 300 per mnemonic (K42_DIFF_CASES overrides the 75).
  const rounds = Number(process.env.K42_DIFF_CASES ?? "") || 75;
  const counts = checkEmitters(FIXED_GENS, { rounds });
  const traps = new Set(["tw", "twi", "td", "tdi"]);
  for (const m of FIXED_GENS.keys()) {
    const n = counts.get(m);
    assert.ok(n !== undefined && n.checked >= rounds * 3, `${m}: too few cases (${n?.checked})`);
    const part = traps.has(m) ? 0.1 : 0.9;
    assert.ok(n.native > n.checked * part, `${m}: only ${n.native} of ${n.checked} cases native`);
  }
});

/** A copy of emitter `m` followed by `after` (the planted bug). */
function broken(m: string, after: WasmGen): Map<string, WasmGen> {
  const g = FIXED_GENS.get(m);
  assert.ok(g !== undefined);
  return new Map([[m, (e) => g(e) && after(e)]]);
}

test("a wrong carry in the addc emitter is caught", () => {
  const flipCa: WasmGen = (e) => {
    e.xer(Xer.CA);
    e.f.i32(1).op(Op.i32_xor);
    e.setXer(Xer.CA);
    return true;
  };
  assert.throws(() => checkEmitters(broken("addc", flipCa), { rounds: 20 }), AssertionError);
});

test("rlwinm losing the high word of a wrapping mask is caught", () => {
  // With MB > ME the mask covers the whole high word, where the handler leaves the rotated word.
  const clearHigh: WasmGen = (e) => {
    e.gpr(RA(e.w));
    e.f.i64(0xffffffff).op(Op.i64_and);
    e.setGpr(RA(e.w));
    return true;
  };
  assert.throws(() => checkEmitters(broken("rlwinm", clearHigh), { rounds: 50 }), AssertionError);
});
