// The branch emitters against their handlers (wasm/testing/check.ts), and a planted bug in a
// copy of the map (a wrong CTR decrement) must make the check fail.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AssertionError } from "node:assert";
import { BRANCH_GENS } from "./branch.js";
import { checkEmitters } from "../testing/check.js";
import { Op } from "../encoder.js";
import { Spr, type WasmGen } from "../emit.js";

test("branch emitters match their handlers (random words and states, both modes and byte orders)", () => {
  const counts = checkEmitters(BRANCH_GENS);
  for (const m of ["b", "bc", "bclr", "bcctr", "bctar"]) {
    const n = counts.get(m);
    assert.ok(n !== undefined && n.checked >= 200, `${m}: too few cases (${n?.checked})`);
    assert.ok(n.native > n.checked * 0.6, `${m}: only ${n.native} of ${n.checked} cases native`);
  }
});

test("a wrong CTR decrement in the bc emitter is caught", () => {
  const bc = BRANCH_GENS.get("bc");
  assert.ok(bc !== undefined);
  // Decrement CTR by 2 before the real emitter runs (it decrements once more).
  const broken: WasmGen = (e) => {
    if ((e.w & 0x00800000) === 0) {
      e.spr(Spr.CTR);
      e.f.i64(1).op(Op.i64_sub);
      e.setSpr(Spr.CTR);
    }
    return bc(e);
  };
  assert.throws(() => checkEmitters(new Map([["bc", broken]]), { rounds: 50 }), AssertionError);
});
