// The kernel suite, run in both modes with 4 processors (deterministic by default; the same
// programs on worker threads in parallel mode).

import { test } from "node:test";
import assert from "node:assert/strict";
import { boot, type BootResult, type MachineOptions } from "./boot.js";
import { Major, HotSwap, ClustObj } from "./trace/events.js";
import { PartitionedCounter } from "./objects/counter.js";

const PROGRAMS = new URL("./testing/programs.js", import.meta.url).href;
const run = (opts: MachineOptions, name: string, args?: unknown): Promise<BootResult> =>
  boot(opts, { module: PROGRAMS, name, args });

function ok(r: BootResult): void {
  assert.deepEqual(r.errors, []);
  assert.equal(r.deadlock, undefined, "the machine stopped because its work was done");
  for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `cpu ${c.cpu}`);
}

function count(r: BootResult, major: number, minor: number): number {
  return r.events.filter((e) => e.major === major && e.minor === minor).length;
}

// Deterministic; parallel with one worker per processor; parallel with two processors per worker.
for (const [mode, workers] of [["deterministic", undefined], ["parallel", undefined], ["parallel", 2]] as const) {
  const m: MachineOptions = { mode, cpus: 4, ...(workers !== undefined ? { workers } : {}) };
  const name = workers === undefined ? mode : `${mode} (${workers} workers)`;

  test(`${name}: shared and clustered counters count exactly; reps created lazily per kind`, async () => {
    const s = await run(m, "counterLoop", { impl: "shared", iters: 500, work: 10 });
    ok(s);
    assert.equal((s.cpus[0].result as { value: number }).value, 2000);
    assert.equal(count(s, Major.ClustObj, ClustObj.Miss), 4); // one miss per processor
    assert.equal(count(s, Major.ClustObj, ClustObj.RepCreate), 1); // one shared rep
    const p = await run(m, "counterLoop", { impl: "partitioned", iters: 500, work: 10 });
    ok(p);
    assert.equal((p.cpus[0].result as { value: number }).value, 2000);
    assert.equal(count(p, Major.ClustObj, ClustObj.RepCreate), 4); // one rep per processor
  });

  test(`${name}: hot-swap torture — 100 swaps under load, no call lost or duplicated`, async () => {
    // Only the hot-swap class is traced: in parallel mode a busy host can delay the drain, and
    // with every class on, the buffers could lap it (the test then checks nothing was lost).
    const r = await run({ ...m, traceMask: 1 << Major.HotSwap }, "swapTorture", { iters: 400, swaps: 100 });
    ok(r);
    assert.equal(r.events.filter((e) => e.major === Major.Control).length, 0, "no trace data lost");
    type Res = { added: number; calls: number; recursive: number; value?: number; swaps: { swaps: number; forwarded: number; recursivePasses: number } };
    const res = r.cpus.map((c) => c.result as Res);
    const added = res.reduce((s, x) => s + x.added, 0);
    assert.equal(res[0].value, added, "the counter holds exactly what was added");
    assert.equal(res[0].swaps.swaps, 100);
    for (const x of res) assert.ok(x.recursive > 0);
    assert.ok(res.reduce((s, x) => s + x.swaps.forwarded, 0) > 0, "calls went through mediators");
    // The trace shows the four phases (and Done) of every swap, in order.
    const phases = r.events.filter((e) => e.major === Major.HotSwap && e.cpu === 0).map((e) => e.minor);
    assert.equal(phases.length, 500);
    for (let i = 0; i < 500; i += 5) {
      assert.deepEqual(phases.slice(i, i + 5), [HotSwap.Forward, HotSwap.Block, HotSwap.Transfer, HotSwap.Complete, HotSwap.Done]);
    }
  });

  test(`${name}: hot-swap with recursion across processors (a PPC from inside the object back into it)`, async () => {
    const r = await run(m, "swapRemoteRecursion", { iters: 200, swaps: 30 });
    ok(r);
    type Res = { added: number; remote: number; swapsDone: number; value?: number; passes: number };
    const res = r.cpus.map((c) => c.result as Res);
    assert.equal(res[0].swapsDone, 30, "every swap completed (no deadlock)");
    assert.equal(res[0].value, res.reduce((s, x) => s + x.added, 0));
    for (const x of res.slice(1)) assert.ok(x.remote > 0);
    if (mode === "deterministic") assert.ok(res[0].passes > 0, "recursive calls passed BLOCK on processor 0");
  });

  test(`${name}: deferred destruction — no id reuse while a processor may hold it`, async () => {
    const r = await run({ ...m, cpus: 2, ...(workers !== undefined ? { workers: 1 } : {}) }, "destroyQuiescence");
    ok(r);
    assert.deepEqual((r.cpus[0].result as { log: string[] }).log, ["call after destroy refused", "not reused while held", "reused after quiescence"]);
    assert.deepEqual((r.cpus[1].result as { log: string[] }).log, ["inside", "leaving"]);
  });

  test(`${name}: rep enumeration gathers every processor's rep`, async () => {
    const r = await run(m, "gatherReps");
    ok(r);
    const g = r.cpus[0].result as { gathered: { cpu: number; value: number }[]; total: number };
    assert.deepEqual(g.gathered, [0, 1, 2, 3].map((c) => ({ cpu: c, value: c + 1 })));
    assert.equal(g.total, 10);
  });

  test(`${name}: dynamic update replaces every live instance and the factory`, async () => {
    const r = await run(m, "dynamicUpdate");
    ok(r);
    const u = r.cpus[0].result as { before: number[]; after: number[]; swapped: number; newKind: number; types: number[] };
    assert.deepEqual(u.before, [10, 20, 30, 40, 50]);
    assert.deepEqual(u.after, u.before);
    assert.equal(u.swapped, 5);
    assert.deepEqual(u.types, Array(5).fill(PartitionedCounter.id));
    assert.equal(u.newKind, PartitionedCounter.id);
  });

  test(`${name}: per-cluster reps share state within a cluster; a swap without a common format is refused`, async () => {
    const r = await run(m, "clustersAndRefusal");
    ok(r);
    const o = r.cpus[0].result as { clusters: number[]; refused: string; after: number };
    assert.deepEqual(o.clusters, [1 + 2, 3 + 4]);
    const creates = r.events.filter((e) => e.major === Major.ClustObj && e.minor === ClustObj.RepCreate && e.data[1] === 0x1f0);
    assert.equal(creates.length, 2, "one rep per cluster of two");
    assert.match(o.refused, /no common state format/);
    assert.equal(o.after, 6, "the object is intact after the refused swap");
  });

  test(`${name}: an exception in a rep method reaches the caller, on the miss and the fast path`, async () => {
    const r = await run(m, "repThrows");
    ok(r);
    for (const c of r.cpus) assert.deepEqual(c.result, ["miss path: rep fault", "fast path: rep fault", "depth 0 active 0"]);
  });

  test(`${name}: a PPC server object that faults can be restarted (restartOnFault)`, async () => {
    const r = await run(m, "serverRestart");
    ok(r);
    for (const c of r.cpus) {
      assert.deepEqual(c.result, [
        "restarting: fault server fault: Tally.poison: poisoned", "restarting: 5 then 1, restarts 1",
        "plain: fault server fault: Tally.poison: poisoned", "plain: 5 then 6, restarts 0",
      ]);
    }
  });

  test(`${name}: a thread that throws is contained`, async () => {
    const r = await run(m, "threadFault");
    assert.deepEqual(r.errors, []);
    for (const c of r.cpus) {
      assert.equal(c.threadErrors.length, 1);
      assert.match(c.threadErrors[0].error, /deliberate fault/);
      assert.equal((c.result as { after: boolean }).after, true);
    }
  });
}

test("deterministic: two runs of the same scenario give identical traces", async () => {
  const a = await run({ mode: "deterministic", cpus: 4 }, "swapTorture", { iters: 200, swaps: 10 });
  const b = await run({ mode: "deterministic", cpus: 4 }, "swapTorture", { iters: 200, swaps: 10 });
  assert.ok(a.events.length > 1000);
  assert.deepEqual(a.events, b.events);
  assert.deepEqual(a.run, b.run);
});

test("deterministic: message cost by NUMA distance, queueing behind a busy processor", async () => {
  const opts: MachineOptions = { mode: "deterministic", cpus: 4, nodes: 2 };
  const near = await run(opts, "pingPong", { peer: 1, rounds: 20 });
  const far = await run(opts, "pingPong", { peer: 3, rounds: 20 });
  const busy = await run(opts, "pingPong", { peer: 1, rounds: 20, busy: 5000 });
  const trip = (r: BootResult): number => (r.cpus[0].result as { perTrip: number }).perTrip;
  // latency 400 (same node) vs 1000 (remote), each way, plus service and dispatch.
  assert.ok(trip(far) - trip(near) >= 2 * (1000 - 400), `near ${trip(near)} far ${trip(far)}`);
  assert.ok(trip(busy) > trip(near) + 2000, `busy ${trip(busy)}`);
});

test("parallel: the machine never stops while a message is in flight (termination detection)", async () => {
  // Regression: idle count and in-flight count read separately let the machine stop while a
  // request was being taken off a ring, about one run in ten of this exchange.
  // A stress test, so a weak guard: with the old code it failed in about one run of this test
  // in six (measured); the argument for the fix is in parallel.ts.
  for (let i = 0; i < 8; i++) {
    const r = await run({ mode: "parallel", cpus: 2, traceMask: 0 }, "pingPong", { peer: 1, rounds: 2000 });
    ok(r);
    assert.ok((r.cpus[0].result as { perTrip: number }).perTrip > 0, `run ${i}: the exchange did not finish`);
    assert.equal(r.cpus[0].stats.messagesSent, 2000, `run ${i}`);
    assert.equal(r.cpus[1].stats.messagesReceived, 2000, `run ${i}`);
  }
});
