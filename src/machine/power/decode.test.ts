// The instruction table itself: well-formed, unambiguous, and decoding what it claims.

import { test } from "node:test";
import assert from "node:assert/strict";
import { Decoder, OpFlag, nameOf, variantsOf } from "./decode.js";
import { ALL_OPS } from "./ops/index.js";
import { Rng } from "./difftest/rng.js";

test("no two instruction definitions overlap ambiguously", () => {
  const d = new Decoder(ALL_OPS); // throws on malformed (mask, match)
  assert.deepEqual(d.ambiguities(), []);
});

test("every definition is reachable: some word decodes to it", () => {
  const d = new Decoder(ALL_OPS);
  const rng = new Rng(42);
  for (const op of ALL_OPS) {
    let hit = false;
    for (let i = 0; i < 256 && !hit; i++) {
      const w = ((op.match & op.mask) | (rng.u32() & ~op.mask)) >>> 0;
      hit = d.decode(w) === op;
    }
    assert.ok(hit, `${op.mnemonic} (match 0x${(op.match >>> 0).toString(16)}) is shadowed by other definitions`);
  }
});

test("mnemonic names follow the Rc/OE bits", () => {
  const add = ALL_OPS.find((o) => o.mnemonic === "add");
  assert.ok(add);
  assert.equal(nameOf(add, add.match | 0x401), "addo.");
  assert.deepEqual(variantsOf(add).sort(), ["add", "add.", "addo", "addo."]);
});

test("at least 200 distinct mnemonics are implemented", () => {
  const names = new Set(ALL_OPS.flatMap((o) => variantsOf(o)));
  assert.ok(names.size >= 200, `only ${names.size} mnemonics`);
});

test("every handler that can stop the processor ends its block (the engine checks exits only at block ends)", () => {
  for (const op of ALL_OPS) {
    if (!/\.stop\(/.test(op.exec.toString())) continue;
    assert.ok(((op.flags ?? 0) & OpFlag.EndsBlock) !== 0, `${op.mnemonic} calls cpu.stop() but is not flagged EndsBlock`);
  }
});
