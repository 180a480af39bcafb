// The value transformations of the load/store emitters, alone: byte reversal (ls-common.ts) and
// the single <-> double conversions of lfs/stfs (loadstore-fp.ts), each compiled into a small
// wasm function and compared with the handlers' own functions on random and special inputs
// (every single-precision class, every double exponent around the single denormal range).
// The emitters as a whole are checked against their handlers in loadstore.test.ts.

import { test } from "node:test";
import assert from "node:assert/strict";
import { ModuleBuilder, T, type FnBuilder } from "../encoder.js";
import { type Code, swap16, swap32, swap64 } from "./ls-common.js";
import { singleToDouble, doubleToSingle } from "./loadstore-fp.js";
import { PhysicalMemory } from "../../../memory.js";
import { Cpu } from "../../cpu.js";
import { bswap16, bswap32 } from "../../ops/loadstore.js";
import { singleToFpr, fprToSingle, fprLo } from "../../ops/fp-loadstore.js";
import { Rng, seedFromEnv } from "../../difftest/rng.js";

type I64Fn = (x: bigint) => bigint;

/** Compile `body` (its parameter, an i64, is local 0) into a function i64 -> i64. */
function compile(body: (e: Code) => void): I64Fn {
  const m = new ModuleBuilder();
  const { index, body: f } = m.func([T.i64], [T.i64]);
  const e: Code = { f, temp: (t: T): number => f.local(t) };
  body(e);
  m.exportFunc("run", index);
  const inst = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(m.bytes())));
  const run = inst.exports.run as I64Fn;
  // wasm hands an i64 back as a signed BigInt; compare as unsigned.
  return (x) => BigInt.asUintN(64, run(x));
}

const arg = (f: FnBuilder): FnBuilder => f.get(0);
const u64 = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
const hex = (v: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;

test("byte reversal of 16, 32 and 64 bits matches the handlers' bswap", () => {
  const seed = seedFromEnv();
  const rng = new Rng(seed);
  const s16 = compile((e) => { arg(e.f); swap16(e); });
  const s32 = compile((e) => { arg(e.f); swap32(e); });
  const s64 = compile((e) => { arg(e.f); swap64(e); });
  for (let k = 0; k < 2000; k++) {
    const hi = rng.u32() | 0, lo = rng.u32() | 0;
    const x = u64(hi, lo);
    const why = `seed ${seed}, input ${hex(x)}`;
    assert.equal(s16(x), BigInt(bswap16(lo)), `swap16, ${why}`);
    assert.equal(s32(x), BigInt(bswap32(lo) >>> 0), `swap32, ${why}`);
    assert.equal(s64(x), u64(bswap32(lo), bswap32(hi)), `swap64, ${why}`);
  }
});

/** Float32 patterns of every class, with random ones between. */
function singles(rng: Rng): number[] {
  const out = [0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x00400000,
    0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7f800001, 0x7fc00000, 0xffffffff, 0x7fbfffff,
    0x3f800000, 0x40000000, 0x3fffffff, 0xbf800000];
  for (let k = 0; k < 3000; k++) {
    const r = rng.u32();
    const cls = rng.below(4);
    // Random exponent, or a denormal, or an Inf/NaN, or a normal near the exponent's midpoint.
    out.push(cls === 0 ? r : cls === 1 ? r & 0x807fffff : cls === 2 ? r | 0x7f800000 : (r & 0xc07fffff) | 0x3f800000);
  }
  return out.map((b) => b | 0);
}

test("lfs's conversion (single to double) matches the handler's DOUBLE(), NaN payloads included", () => {
  const seed = seedFromEnv();
  const rng = new Rng(seed);
  const s2d = compile((e) => { arg(e.f); singleToDouble(e); });
  const cpu = new Cpu(new PhysicalMemory({ bytes: 1 << 20, nodes: 1 }));
  const i = fprLo(0);
  for (const b of singles(rng)) {
    singleToFpr(cpu, 0, b);
    assert.equal(s2d(BigInt(b >>> 0)), u64(cpu.r[i + 1], cpu.r[i]), `seed ${seed}, single ${hex(b >>> 0)}`);
  }
});

test("stfs's conversion (double to single) matches the handler's SINGLE() on every exponent", () => {
  const seed = seedFromEnv();
  const rng = new Rng(seed);
  const d2s = compile((e) => { doubleToSingle(e, 0); });
  const cases: [number, number][] = [[0, 0], [0x80000000, 0], [0x7ff00000, 0], [0xfff80000, 1], [0x000fffff, -1]];
  for (let ex = 0; ex < 2048; ex++) {
    for (let k = 0; k < 6; k++) {
      // Each exponent with a random sign and fraction (extremes of the fraction too).
      const frac = k === 0 ? 0 : k === 1 ? 0xfffff : rng.u32() & 0xfffff;
      const lo = k === 0 ? 0 : k === 1 ? -1 : rng.u32() | 0;
      cases.push([(rng.u32() & 0x80000000) | (ex << 20) | frac, lo]);
    }
  }
  for (const [hi, lo] of cases) {
    const want = BigInt(fprToSingle(lo, hi) >>> 0);
    assert.equal(d2s(u64(hi, lo)), want, `seed ${seed}, double ${hex(u64(hi, lo))}`);
  }
});
