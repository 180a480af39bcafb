// The check harness and the region compiler's memory primitives: small emitters written here
// (not the loadstore family's) for loads and stores of every size, signed and not, and the
// 16-byte accesses, must pass the check; copies with planted bugs (a wrong byte order, a
// store that skips its fault path) must fail it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AssertionError } from "node:assert";
import { checkEmitters } from "./check.js";
import { GOOD, PROGRAM_GENS, load, store, lwzNested } from "./sample-gens.js";
import { RT, type WasmGen } from "../emit.js";

test("memory primitives: loads and stores of every size match the handlers", () => {
  const counts = checkEmitters(GOOD, { rounds: 60 });
  for (const [m, n] of counts) {
    assert.ok(n.checked >= 100, `${m}: ${n.checked} cases`);
    assert.equal(n.native, n.checked, `${m}: native ${n.native} of ${n.checked}`);
  }
});

test("the sample program emitters (addi, add, lwz, stw, lbz, stb) match the handlers", () => {
  const counts = checkEmitters(PROGRAM_GENS, { rounds: 40 });
  for (const [m, n] of counts) assert.ok(n.native > n.checked / 8, `${m}: native ${n.native} of ${n.checked}`);
});

test("planted bugs in memory emitters are caught", () => {
  // A 4-byte load read as 2 bytes.
  assert.throws(() => checkEmitters(new Map([["lwz", load(2, false)]]), { rounds: 30 }), AssertionError);
  // A signed load zero-extended.
  assert.throws(() => checkEmitters(new Map([["lha", load(2, false)]]), { rounds: 30 }), AssertionError);
  // A store of the wrong size.
  assert.throws(() => checkEmitters(new Map([["stw", store(8)]]), { rounds: 30 }), AssertionError);
  // A register written before the access (a fault must leave no effect).
  const early: WasmGen = (e) => {
    e.f.i64(0);
    e.setGpr(RT(e.w));
    return load(4, false)(e);
  };
  assert.throws(() => checkEmitters(new Map([["lwz", early]]), { rounds: 30 }), AssertionError);
});

test("an emitter's own handler call on one path of its branch (misaligned lwz) matches the handler", () => {
  const counts = checkEmitters(new Map([["lwz", lwzNested]]), { rounds: 80 });
  const n = counts.get("lwz");
  assert.ok(n !== undefined && n.native > 0 && n.native < n.checked, `native ${n?.native} of ${n?.checked}`);
});
