// Each vector emitter (VECTOR_GENS) must compute exactly what its handler computes: the check
// harness runs both on random words and states, 64/32-bit, big/little-endian, and compares the
// whole state, memory, faults and exits (K42_SEED fixes the seed, K42_DIFF_CASES the rounds).
// Every emitter here is written to be native for every form, so each mnemonic must also have
// been handled without the handler in most of its cases.

import { test } from "node:test";
import assert from "node:assert/strict";
import { checkEmitters } from "../testing/check.js";
import { type WasmGen, T } from "../emit.js";
import { OpSimd } from "../encoder.js";
import { eaX, vA, vB, vT } from "./vec-lanes.js";
import { VECTOR_GENS } from "./vector.js";
import { VEC_MEM_GENS } from "./vec-mem.js";
import { VEC_PERM_GENS } from "./vec-perm.js";
import { VEC_INT_GENS } from "./vec-int.js";
import { VEC_BITS_GENS } from "./vec-bits.js";
import { VEC_WIDEN_GENS } from "./vec-widen.js";

/** Rounds per mnemonic, mode and byte order: the emitters are many, each case compiles a module. */
const ROUNDS = Number(process.env.K42_DIFF_CASES ?? "") || 30;

function check(part: ReadonlyArray<readonly [string, WasmGen]>): void {
  const names = part.map(([m]) => m);
  const counts = checkEmitters(VECTOR_GENS, { rounds: ROUNDS, only: names });
  for (const m of names) {
    const c = counts.get(m);
    assert.ok(c !== undefined && c.checked > 0, `${m}: no case checked`);
    assert.ok(c.native * 10 >= c.checked * 9, `${m}: native in only ${c.native} of ${c.checked} cases`);
  }
}

test("vector loads, stores and GPR moves match their handlers", () => check(VEC_MEM_GENS));
test("vector logical, select, permute, splat, merge and unpack emitters match their handlers", () => check(VEC_PERM_GENS));
test("vector integer arithmetic and compare emitters match their handlers", () => check(VEC_INT_GENS));
test("vector shift, count, gather and VSCR emitters match their handlers", () => check(VEC_BITS_GENS));
test("vector multiply, sum, saturating pack and quadword emitters match their handlers", () => check(VEC_WIDEN_GENS));

test("the map holds every family part, once", () => {
  const parts = [VEC_MEM_GENS, VEC_PERM_GENS, VEC_INT_GENS, VEC_BITS_GENS, VEC_WIDEN_GENS];
  assert.equal(VECTOR_GENS.size, parts.reduce((n, p) => n + p.length, 0));
});

// The check must see the mistakes these emitters could make: a wrong lane width, and a load
// that ignores the guest byte order.
test("broken vector emitters fail the check", () => {
  const wrongWidth: WasmGen = (e) => {
    e.vsr(vA(e.w));
    e.vsr(vB(e.w));
    e.f.simd(OpSimd.i16x8_add);
    e.setVsr(vT(e.w));
    return true;
  };
  assert.throws(() => checkEmitters(new Map([["vaddubm", wrongWidth]]), { rounds: 10 }), /vaddubm/);
  const alwaysBigEndian: WasmGen = (e) => {
    const ea = eaX(e, 16);
    e.load128(ea, true);
    const v = e.temp(T.v128);
    e.f.tee(v).get(v).shuffle(Array.from({ length: 16 }, (_, j) => j ^ 7));
    e.setVsr(vT(e.w));
    return true;
  };
  assert.throws(() => checkEmitters(new Map([["lvx", alwaysBigEndian]]), { rounds: 10 }), /lvx .*LE/);
});
