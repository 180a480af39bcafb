// The harness and the core's base instructions against qemu-user, in all three targets.

import { test } from "node:test";
import assert from "node:assert/strict";
import { runDiff, report, TARGETS, type Case } from "./harness.js";
import { ENGINE_KINDS } from "../engine.js";
import { Rng } from "./rng.js";

for (const t of TARGETS) {
  test(`harness round trip (${t})`, () => {
    const rng = new Rng(1);
    const cases: Case[] = [];
    for (let i = 0; i < 20; i++) cases.push({ gpr: { 4: rng.u64(), 5: rng.u64() } });
    const r = runDiff(t, [
      { asm: "addi 3, 4, -7", cases },
      { asm: "add 3, 4, 5", cases },
      { asm: "addo. 6, 4, 5", cases },
      { asm: "cmpwi 3, 4, 100", cases },
    ], { suite: "smoke", engines: ENGINE_KINDS });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
    assert.ok((r.coverage.get("addo.") ?? 0) > 0);
  });
}

for (const t of TARGETS) {
  test(`harness round trip with vector state (${t})`, () => {
    const rng = new Rng(2);
    const cases: Case[] = [];
    for (let i = 0; i < 10; i++) cases.push({ vscr: i % 2 === 0 ? 0 : 0x10000, vsr: { 35: [rng.u64(), rng.u64()] } });
    const r = runDiff(t, [
      { asm: "nop", cases },
      { asm: "mtvscr 3; mfvscr 4", cases },
    ], { suite: "smoke", vector: true });
    assert.equal(r.failure, undefined, report(t, r));
    assert.equal(r.mismatches.length, 0, report(t, r));
  });
}
