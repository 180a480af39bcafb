// The check harness and the region compiler's memory primitives: small emitters written here
// (not the loadstore family's) for loads and stores of every size, signed and not, and the
// 16-byte accesses, must pass the check; copies with planted bugs (a wrong byte order, a
// store that skips its fault path) must fail it.

import { test } from "node:test";
import assert from "node:assert/strict";
import { AssertionError } from "node:assert";
import { checkEmitters } from "./check.js";
import { Op, T } from "../encoder.js";
import { type AccessSize, type Emit, RA, RB, RT, SI, type WasmGen } from "../emit.js";

/** EA = (RA|0) + disp into a new i64 temp, wrapped in 32-bit mode. */
function eaD(e: Emit, disp: number): number {
  const ea = e.temp(T.i64);
  if (RA(e.w) === 0) e.f.i64(disp);
  else {
    e.gpr(RA(e.w));
    e.f.i64(disp).op(Op.i64_add);
  }
  e.f.set(ea);
  e.ea32(ea);
  return ea;
}

function eaX(e: Emit): number {
  const ea = e.temp(T.i64);
  if (RA(e.w) === 0) e.gpr(RB(e.w));
  else {
    e.gpr(RA(e.w));
    e.gpr(RB(e.w));
    e.f.op(Op.i64_add);
  }
  e.f.set(ea);
  e.ea32(ea);
  return ea;
}

const load = (size: AccessSize, signed: boolean, ds = false): WasmGen => (e) => {
  const ea = eaD(e, ds ? SI(e.w) & ~3 : SI(e.w));
  e.load(size, ea, signed);
  e.setGpr(RT(e.w));
  return true;
};

const store = (size: AccessSize, ds = false): WasmGen => (e) => {
  const ea = eaD(e, ds ? SI(e.w) & ~3 : SI(e.w));
  const v = e.temp(T.i64);
  e.gpr(RT(e.w));
  e.f.set(v);
  e.store(size, ea, v);
  return true;
};

/** The state layout of a VR from memory order (lvx: doublewords swapped in little-endian mode). */
const toState = (le: boolean): number[] => (le ? [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7] : [7, 6, 5, 4, 3, 2, 1, 0, 15, 14, 13, 12, 11, 10, 9, 8]);

const lvx: WasmGen = (e) => {
  const ea = eaX(e);
  e.f.get(ea).i64(-16n).op(Op.i64_and).set(ea);
  const v = e.temp(T.v128);
  e.load128(ea, true);
  e.f.tee(v).get(v).shuffle(toState(e.le));
  e.setVsr(32 + RT(e.w));
  return true;
};

const stvx: WasmGen = (e) => {
  const ea = eaX(e);
  e.f.get(ea).i64(-16n).op(Op.i64_and).set(ea);
  const v = e.temp(T.v128);
  e.vsr(32 + RT(e.w));
  e.f.tee(v).get(v).shuffle(toState(e.le)).set(v); // the permutation is its own inverse
  e.store128(ea, v, true);
  return true;
};

const GOOD = new Map<string, WasmGen>([
  ["lbz", load(1, false)],
  ["lhz", load(2, false)],
  ["lha", load(2, true)],
  ["lwz", load(4, false)],
  ["lwa", load(4, true, true)],
  ["ld", load(8, false, true)],
  ["stb", store(1)],
  ["sth", store(2)],
  ["stw", store(4)],
  ["std", store(8, true)],
  ["lvx", lvx],
  ["stvx", stvx],
]);

test("memory primitives: loads and stores of every size match the handlers", () => {
  const counts = checkEmitters(GOOD, { rounds: 60 });
  for (const [m, n] of counts) {
    assert.ok(n.checked >= 100, `${m}: ${n.checked} cases`);
    assert.equal(n.native, n.checked, `${m}: native ${n.native} of ${n.checked}`);
  }
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
