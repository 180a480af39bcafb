// Wait channels (wait-channel.ts) in both run modes: a turn-taking torture across processors
// where any lost wake stops the machine deadlocked (with seeded yields between the protocol's
// steps in the deterministic mode, and the host's real races in the parallel mode), the broken
// order of steps caught by the same torture, deadlines, and the immediate answers of block().

import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, type BootResult, type MachineOptions } from "../boot.js";
import { describeBlock, mayBlockInsideObject, Thread, type Block } from "./thread.js";

const PROGRAMS = new URL("./testing/wait-programs.js", import.meta.url).href;
const run = (opts: MachineOptions, name: string, args?: unknown): Promise<BootResult> => boot(opts, { module: PROGRAMS, name, args });

function ok(r: BootResult, what: string): void {
  assert.deepEqual(r.errors, [], what);
  assert.equal(r.deadlock, undefined, `${what}: a wake was lost (${r.deadlock})`);
  for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `${what}: cpu ${c.cpu}`);
}

type Turns = { moves: number; waits: number; turn: number; notifies: number; messages: number };

function checkTurns(r: BootResult, cpus: number, rounds: number, what: string): Turns[] {
  ok(r, what);
  const res = r.cpus.map((c) => c.result as Turns);
  for (const x of res) assert.equal(x.moves, rounds, what);
  assert.equal(res[0].turn, cpus * rounds, what);
  return res;
}

test("deterministic, 4 processors: turns with seeded yields between the steps — no wake lost (seeds 1..12)", async () => {
  for (let seed = 1; seed <= 12; seed++) {
    const what = `seed ${seed}`;
    const r = await run({ mode: "deterministic", cpus: 4, traceMask: 0 }, "turns", { rounds: 60, seed });
    const res = checkTurns(r, 4, 60, what);
    assert.ok(res.some((x) => x.waits > 0), `${what}: threads did wait`);
    assert.ok(res.some((x) => x.messages > 0), `${what}: wakes crossed processors as messages`);
  }
});

test("deterministic: the torture sees a lost wake when a thread subscribes after its check (the wrong order)", async () => {
  const lost: number[] = [];
  for (let seed = 1; seed <= 12 && lost.length === 0; seed++) {
    const r = await run({ mode: "deterministic", cpus: 4, traceMask: 0 }, "turns", { rounds: 60, seed, prepareLate: true });
    assert.deepEqual(r.errors, []);
    if (r.deadlock !== undefined) {
      assert.match(r.deadlock, /waits for channel "turn \(late\)"/);
      lost.push(seed);
    }
  }
  assert.ok(lost.length > 0, "some seed loses a wake with the broken order");
});

for (const workers of [undefined, 2] as const) {
  test(`parallel, 4 processors${workers === undefined ? "" : ` on ${workers} workers`}: turns — no wake lost under real races`, async () => {
    const r = await run({ mode: "parallel", cpus: 4, traceMask: 0, ...(workers !== undefined ? { workers } : {}) }, "turns", { rounds: 150 });
    checkTurns(r, 4, 150, "parallel");
  });
}

for (const mode of ["deterministic", "parallel"] as const) {
  test(`${mode}: deadlines, a notify before blocking, a moved SEQ, a notify from another processor`, async () => {
    const r = await run({ mode, cpus: 2, traceMask: 0 }, "deadlines");
    ok(r, mode);
    assert.deepEqual(r.cpus[0].result, [
      "unnotified: timeout, at or after its deadline: true, subscribed after: 0",
      "notify between prepare and block: notified",
      "SEQ moved since prepare: notified",
      "notified from processor 1: notified",
    ]);
  });
}

test("a channel wait is described, and refused inside a clustered-object call", () => {
  const b: Block = { kind: "channel", what: "pipe 3 data", until: Infinity };
  assert.equal(describeBlock(b), 'channel "pipe 3 data"');
  assert.equal(describeBlock({ kind: "channel", what: "x", until: 500 }), 'channel "x" or time 500');
  const t = new Thread(1, 1, "t", (function* () {})(), { guest: true });
  assert.equal(mayBlockInsideObject(t, b), false);
});
