// The per-processor scheduler: dispatchers round-robin, explicit blocked states, sleep, join.

import { test } from "node:test";
import assert from "node:assert/strict";
import { deterministicKernels, prepare } from "../boot.js";
import { ThreadState, type Block } from "./thread.js";

function machine() {
  return deterministicKernels(prepare({ mode: "deterministic", cpus: 1, memBytes: 16 << 20, traceMask: 0 }));
}

test("dispatchers of different domains take turns; threads of one domain are FIFO", () => {
  const { machine: m, kernels: [k] } = machine();
  const order: string[] = [];
  const body = (name: string) => (function* (): Generator<Block, void, unknown> {
    for (let i = 0; i < 2; i++) {
      order.push(`${name}${i}`);
      yield { kind: "yield" };
    }
  })();
  k.sched.spawn("a", body("a"), 1);
  k.sched.spawn("b", body("b"), 1);
  k.sched.spawn("x", body("x"), 2);
  m.run([k]);
  // domain 1 and domain 2 alternate; within domain 1, a then b
  assert.deepEqual(order, ["a0", "x0", "b0", "x1", "a1", "b1"]);
});

test("a blocked thread is a record; wake hands it a value; sleep and join", () => {
  const { machine: m, kernels: [k] } = machine();
  const log: string[] = [];
  const waiter = k.sched.spawn("waiter", (function* (): Generator<Block, string, unknown> {
    const v = yield { kind: "event", what: "a test event" };
    log.push(`woken with ${String(v)}`);
    return "done";
  })());
  k.sched.spawn("sleeper", (function* (): Generator<Block, void, unknown> {
    const until = k.port.now() + 10_000;
    yield { kind: "sleep", until };
    log.push(`slept until ${k.port.now() >= until}`);
    // the waiter is blocked, visibly, on its event
    assert.equal(waiter.state, ThreadState.Blocked);
    assert.deepEqual(waiter.block, { kind: "event", what: "a test event" });
    k.sched.wake(waiter, 42);
    const joined = yield { kind: "join", thread: waiter.id };
    log.push(`joined ${(joined as { result: unknown }).result as string}`);
  })());
  m.run([k]);
  assert.deepEqual(log, ["slept until true", "woken with 42", "joined done"]);
  assert.equal(k.sched.threads().length, 0);
});

test("completed() and failed(): finished calls without generator frames keep generator semantics", () => {
  const { machine: m, kernels: [k] } = machine();
  const log: string[] = [];
  k.sched.spawn("t", (function* (): Generator<Block, void, unknown> {
    const a = yield* k.sched.completed(1);
    const b = yield* k.sched.completed("two");
    log.push(`${a} ${b}`);
    const g = k.sched.failed(new Error("later"));
    log.push("not thrown yet");
    try {
      yield* g;
    } catch (e) {
      log.push((e as Error).message);
    }
  })());
  m.run([k]);
  assert.deepEqual(log, ["1 two", "not thrown yet", "later"]);
});

test("dispatchers share the processor in proportion to their weights; an idle one banks nothing", () => {
  const { machine: m, kernels: [k] } = machine();
  const after = 200_000;
  const spins = new Map<string, { all: number; late: number }>();
  const spin = (name: string, sleepFirst: boolean) => (function* (): Generator<Block, void, unknown> {
    const c = { all: 0, late: 0 };
    spins.set(name, c);
    if (sleepFirst) yield { kind: "sleep", until: after };
    for (;;) {
      k.port.charge(1000); // CPU-bound work, then the end of a slice
      c.all++;
      if (k.port.now() > after) c.late++;
      yield { kind: "yield" };
    }
  })();
  k.sched.spawn("one", spin("one", false), 1);
  k.sched.spawn("three", spin("three", false), 2);
  k.sched.spawn("late", spin("late", true), 3);
  k.sched.setWeight(2, 3);
  m.run([k], 1_000_000);
  const one = spins.get("one")!, three = spins.get("three")!, late = spins.get("late")!;
  // before `after`: 1 : 3 between domains 1 and 2
  const early = (c: { all: number; late: number }): number => c.all - c.late;
  assert.ok(Math.abs(early(three) / early(one) - 3) < 0.15, `early ${early(one)} : ${early(three)}`);
  // after: 1 : 3 : 1 — the late domain did not get back the time it slept through
  assert.ok(Math.abs(three.late / one.late - 3) < 0.1, `late ${one.late} : ${three.late}`);
  assert.ok(Math.abs(late.late / one.late - 1) < 0.1, `late domain ${late.late} vs ${one.late}`);
  assert.throws(() => k.sched.setWeight(1, 0), RangeError);
});
