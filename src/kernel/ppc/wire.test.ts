// PPC pieces without a machine: the decode step's checks (values.ts), the interconnect encoding
// (wire.ts: seeded random round trips, malformed messages rejected), and the types derived from
// an interface declaration (a compile-time test: @ts-expect-error lines fail the build if the
// derived types stop rejecting wrong calls).

import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng, seedFromEnv } from "../../machine/power/difftest/rng.js";
import type { Block } from "../sched/thread.js";
import { defineInterface, method, oneway, Rights, type Impl, type Stub } from "./iface.js";
import { bool, bytes, checkCopy, f64, handle, i32, json, none, string, u32, ValueError, type ValueType } from "./values.js";
import {
  Unsendable, WireError, decodeAsync, decodeCall, decodeReply, decodeValue, encodeAsync, encodeCall, encodeReply, encodeValue,
} from "./wire.js";

const SEED = seedFromEnv();

test("decode step: each type accepts its values and refuses others", () => {
  const ok: [ValueType, unknown][] = [
    [i32, 0], [i32, -(2 ** 31)], [i32, 2 ** 31 - 1], [u32, 0], [u32, 2 ** 32 - 1], [f64, NaN], [f64, -0],
    [bool, false], [string, ""], [string, "é😀"], [bytes, new Uint8Array(3)], [json, null], [json, { a: [1, "x", true, null] }],
    [handle, { server: 1, xh: 257 }], [none, undefined],
  ];
  for (const [t, v] of ok) assert.doesNotThrow(() => checkCopy(t, v, "v"), `${t.tag} ${String(v)}`);
  const bad: [ValueType, unknown][] = [
    [i32, 1.5], [i32, 2 ** 31], [i32, "1"], [i32, 1n], [u32, -1], [u32, 2 ** 32], [f64, "1"], [bool, 0], [string, 1],
    [bytes, [1, 2]], [bytes, new Uint16Array(2)], [json, undefined], [json, NaN], [json, Infinity], [json, () => 1],
    [json, new Map()], [json, { d: new Date(0) }], [json, [1, [2, [Symbol("s")]]]], [handle, { server: 1 }],
    [handle, { server: 1, xh: -1 }], [handle, { server: 1, xh: 2, extra: 3 }], [none, 0], [none, null],
    [json, new Unsendable("function")],
  ];
  bad.forEach(([t, v], i) => assert.throws(() => checkCopy(t, v, "v"), ValueError, `${t.tag} should refuse case ${i}`));
  let deep: unknown = 1;
  for (let i = 0; i < 100; i++) deep = [deep];
  assert.throws(() => checkCopy(json, deep, "v"), ValueError);
});

test("decode step copies: the receiver's bytes and json are its own", () => {
  const b = new Uint8Array([1, 2, 3]);
  const cb = checkCopy(bytes, b, "b") as Uint8Array;
  cb[0] = 9;
  assert.deepEqual([...b], [1, 2, 3]);
  const j = { a: [1, { b: 2 }] };
  const cj = checkCopy(json, j, "j") as { a: [number, { b: number }] };
  cj.a[1].b = 5;
  assert.equal(j.a[1] instanceof Object && (j.a[1] as { b: number }).b, 2);
  const h = checkCopy(handle, { server: 2, xh: 3 }, "h");
  assert.ok(Object.isFrozen(h));
});

function randValue(rng: Rng, depth: number): unknown {
  switch (rng.below(depth > 3 ? 8 : 10)) {
    case 0: return undefined;
    case 1: return null;
    case 2: return rng.below(2) === 0;
    case 3: return (rng.u32() | 0);
    case 4: return rng.pick([0.5, -0, NaN, Infinity, -1e300, 2 ** 53, 2 ** 31, -(2 ** 31) - 1, rng.u32() / 7]);
    case 5: {
      let s = "";
      for (let i = rng.below(12); i > 0; i--) s += rng.pick(["a", "é", "😀", "\u0000", "\"", "日"]);
      return s;
    }
    case 6: return new Uint8Array(rng.below(40)).map(() => rng.below(256));
    case 7: return rng.below(8) === 0 ? new Uint8Array(0) : rng.u32();
    case 8: return Array.from({ length: rng.below(5) }, () => randValue(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = rng.below(5); i > 0; i--) o[`k${rng.below(100)}`] = randValue(rng, depth + 1);
      return o;
    }
  }
}

test("wire: random values survive a round trip (seeded)", () => {
  const rng = new Rng(SEED);
  for (let i = 0; i < 2000; i++) {
    const v = randValue(rng, 0);
    const back = decodeValue(encodeValue(v));
    assert.deepEqual(back, v, `seed ${SEED} case ${i}`);
    if (typeof v === "number") assert.ok(Object.is(back, v), `seed ${SEED} case ${i}: ${v}`);
  }
});

test("wire: messages round trip; what cannot travel arrives as Unsendable", () => {
  const args = [1, "x", new Uint8Array([5]), { a: () => 1, m: new Map() }, Symbol("s")];
  const c = decodeCall(encodeCall({ token: 7, server: 3, xh: 0xffffffff, method: 65535, callerDomain: -5, inside: [257, 4095 * 64], args }));
  assert.equal(c.token, 7);
  assert.ok(c.msg !== undefined);
  assert.deepEqual(c.msg.inside, [257, 4095 * 64]);
  assert.equal(c.msg.xh, 0xffffffff);
  assert.equal(c.msg.callerDomain, -5);
  const a = c.msg.args as unknown[];
  assert.deepEqual(a.slice(0, 3), [1, "x", new Uint8Array([5])]);
  const o = a[3] as { a: unknown; m: unknown };
  assert.ok(o.a instanceof Unsendable && o.m instanceof Unsendable && a[4] instanceof Unsendable);
  const cyc: Record<string, unknown> = {};
  cyc.self = cyc;
  assert.doesNotThrow(() => encodeValue(cyc));
  const as = decodeAsync(encodeAsync({ server: 1, xh: 2, method: 3, callerDomain: 4, args: [] }));
  assert.deepEqual(as, { server: 1, xh: 2, method: 3, callerDomain: 4, args: [] });
  assert.deepEqual(decodeReply(encodeReply(9, { ok: true, value: { r: [1] } })), { token: 9, outcome: { ok: true, value: { r: [1] } } });
  assert.deepEqual(decodeReply(encodeReply(9, { ok: false, code: 8, message: "kaput" })), { token: 9, outcome: { ok: false, code: 8, message: "kaput" } });
});

test("wire: truncated, padded or garbled messages are refused, never misread (seeded)", () => {
  const rng = new Rng(SEED ^ 0x5a5a);
  const good = encodeCall({ token: 1, server: 0, xh: 257, method: 2, callerDomain: 100, inside: [300], args: [1, "abc", { x: [true] }] });
  for (let n = 0; n < good.length; n++) {
    const d = decodeCall(good.subarray(0, n));
    assert.equal(d.msg, undefined, `truncated to ${n}`);
    if (n >= 4) assert.equal(d.token, 1);
  }
  assert.equal(decodeCall(new Uint8Array([...good, 0])).msg, undefined);
  assert.throws(() => decodeValue(new Uint8Array([77])), WireError);
  assert.throws(() => decodeValue(new Uint8Array([5, 2, 0, 0, 0, 0xff, 0xfe])), WireError); // bad UTF-8
  assert.throws(() => decodeValue(new Uint8Array([7, 0xff, 0xff, 0xff, 0x7f])), WireError); // huge array
  for (let i = 0; i < 2000; i++) {
    const b = good.slice();
    b[rng.below(b.length)] = rng.below(256);
    const d = decodeCall(b); // must not throw: either a message or an error
    assert.ok(d.msg !== undefined || d.error !== undefined, `seed ${SEED} case ${i}`);
  }
});

// ---- derived types (checked by the compiler; the body runs nothing of note) ----

const T = defineInterface("T", {
  read: method([u32, u32], bytes, Rights.Read),
  write: method([u32, bytes], u32, Rights.Write),
  close: oneway([], Rights.Close),
});

test("interface: method numbers are declaration order; declarations are validated", () => {
  assert.deepEqual(T.list.map((m) => [m.name, m.number, m.oneway, m.rights]), [
    ["read", 0, false, Rights.Read], ["write", 1, false, Rights.Write], ["close", 2, true, Rights.Close],
  ]);
  assert.notEqual(T.digest, defineInterface("T", { read: method([u32, u32], bytes, Rights.Write) }).digest);
  assert.throws(() => defineInterface("X", { constructor: method([], none) }));
  assert.throws(() => defineInterface("X", { 1: method([], none) }));
  const impl: Impl<typeof T> = {
    read: (off, len) => new Uint8Array(len + off * 0),
    *write(_off, data, ctx): Generator<Block, number, unknown> {
      yield { kind: "yield" };
      return data.length + ctx.caller * 0;
    },
    close: () => undefined,
  };
  void impl;
  const typeOnly = (s: Stub<typeof T>): void => {
    function* client(): Generator<Block, void, unknown> {
      const b: Uint8Array = yield* s.read(0, 10);
      const n: number = yield* s.write(0, b);
      yield* s.close();
      // @ts-expect-error wrong argument type
      yield* s.read("0", 10);
      // @ts-expect-error missing argument
      yield* s.write(0);
      // @ts-expect-error result is bytes, not a string
      const x: string = yield* s.read(0, 1);
      // @ts-expect-error no such method
      yield* s.truncate(0);
      void n;
      void x;
    }
    void client;
  };
  void typeOnly;
  // @ts-expect-error an implementation must return the declared type
  const wrong: Impl<typeof T> = { read: () => "no", write: () => 1, close: () => undefined };
  void wrong;
});
