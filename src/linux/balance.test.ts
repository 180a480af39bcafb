// Thread placement, migration, affinity and rebalancing (process/balance.ts).
//
// guest/proc/affinity.c without arguments prints only what any Linux machine with a processor
// 0 agrees on (errors for empty and absent masks and pids, a mask naming cpu 0 alone read back
// and honoured by sched_getcpu, inheritance by a thread and by fork, affinity per thread):
// compared with qemu-user, whose threads run on the host's processors. In the parallel mode the
// program's home is processor 1, so pinning to cpu 0 moves its threads across workers.
//
// With "pin" it expects 4 processors and prints where pinned threads run (k42 only: the host
// may have fewer): its own pins, pins by other threads of running and spinning threads, fork's
// inherited mask, EPERM for another user's process. guest/proc/rebalance.c makes an imbalance
// placement cannot mend; the trace shows the balancer's moves, and two runs are identical;
// with "stay" its long workers pin themselves where they were placed, and nothing moves.

import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runQemu } from "./testing/cross.js";
import { buildLinked, runK42In, TARGETS, type Mode } from "./testing/matrix.js";
import { removeTree } from "./testing/fs-tree.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";
import { runProgram, runProgramParallel } from "./process.js";
import type { TraceEvent } from "../kernel/trace/drain.js";
import { Linux, Major } from "../kernel/trace/events.js";

const BASE = { env: ["PATH=/bin"], seed: 7, epoch: 1_000_000_000, memBytes: 256 << 20 };

function qemu(t: Target, exe: string): { out: string; status: number } {
  // Bounded: qemu 7.2 hangs now and then in a threaded guest that forks.
  for (let i = 0; ; i++) {
    const q = runQemu(t, exe, [], {}, ["timeout", "-s", "KILL", "20", ...qemuCommand(t)]);
    if (q.signal === null && q.status !== 124 && q.status !== 137) return { out: q.stdout.toString() + q.stderr.toString(), status: q.status ?? -1 };
    if (i >= 4) throw new Error(`qemu did not finish ${exe}`);
  }
}

for (const t of TARGETS) {
  const modes: Mode[] = t === "ppc64le" ? ["deterministic", "parallel"] : ["deterministic"];
  for (const mode of modes) {
    test(`guest/proc/affinity.c matches qemu-user (${t}, ${mode})`, async () => {
      const exe = buildLinked(t, "proc/affinity.c", "static");
      const want = qemu(t, exe);
      const got = await runK42In(mode, new Uint8Array(readFileSync(exe)), { ...BASE, argv: [exe], exePath: exe });
      assert.equal(got.stdout + got.stderr, want.out);
      assert.equal(got.status, want.status);
    });
  }
}

/** What affinity.c pin prints on a 4-processor machine (Linux's answers on one). */
const PINNED = `main pinned to cpu 3 (ok): runs on cpu 3
main pinned to cpu 2 (ok): runs on cpu 2
main pinned to cpu 1 (ok): runs on cpu 1
main pinned to cpu 0 (ok): runs on cpu 0
thread 0 pinned itself to cpu 3: runs on cpu 3
thread 1 pinned itself to cpu 2: runs on cpu 2
thread 2 pinned itself to cpu 1: runs on cpu 1
thread 3 pinned itself to cpu 0: runs on cpu 0
spinner 0 pinned to cpu 1: ok, its mask read back: 1 cpu(s), cpu 1: yes
spinner 1 pinned to cpu 2: ok, its mask read back: 1 cpu(s), cpu 2: yes
spinner 2 pinned to cpu 1: ok, its mask read back: 1 cpu(s), cpu 1: yes
spinner 3 pinned to cpu 2: ok, its mask read back: 1 cpu(s), cpu 2: yes
spinner 0: runs on cpu 1 at its end
spinner 1: runs on cpu 2 at its end
spinner 2: runs on cpu 1 at its end
spinner 3: runs on cpu 2 at its end
fork child of a thread pinned to cpu 2: runs on cpu 2
another user's process: setaffinity EPERM, getaffinity ok
its own: setaffinity {1} ok, runs on cpu 1
`;

function on4(t: Target, src: string, args: string[], trace?: TraceEvent[]): { out: string; status: number } {
  const exe = buildLinked(t, src, "static");
  const out: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    ...BASE, argv: [exe, ...args], exePath: exe, cpus: 4, stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => out.push(Buffer.from(b)),
    ...(trace !== undefined ? { trace } : {}),
  });
  return { out: Buffer.concat(out).toString(), status: r.exitCode };
}

for (const t of TARGETS) {
  test(`pinned threads run where their affinity says, on 4 processors (${t}, deterministic)`, () => {
    const r = on4(t, "proc/affinity.c", ["pin"]);
    assert.equal(r.out, PINNED);
    assert.equal(r.status, 0);
  });
}

test("pinned threads run where their affinity says, on 4 processors (ppc64le, parallel: the moves cross workers)", async () => {
  const exe = buildLinked("ppc64le", "proc/affinity.c", "static");
  const dir = mkdtempSync(join(tmpdir(), "k42-balance-"));
  const outFile = join(dir, "out");
  const fo = openSync(outFile, "w");
  try {
    const r = await runProgramParallel(new Uint8Array(readFileSync(exe)), { ...BASE, argv: [exe, "pin"], exePath: exe, cpus: 4, outputFds: [fo, fo] });
    assert.equal(readFileSync(outFile, "utf8"), PINNED);
    assert.equal(r.exitCode, 0);
  } finally {
    closeSync(fo);
    removeTree(dir);
  }
});

const linuxEvents = (trace: TraceEvent[], minor: number): number[][] => trace.filter((e) => e.major === Major.Linux && e.minor === minor).map((e) => e.data);

test("the balancer moves threads from busy processors to idle ones, once, and the same run twice gives the same trace (ppc64le, 4 processors)", () => {
  const a: TraceEvent[] = [], b: TraceEvent[] = [];
  const ra = on4("ppc64le", "proc/rebalance.c", [], a);
  const rb = on4("ppc64le", "proc/rebalance.c", [], b);
  assert.equal(ra.status, 0);
  const lines = ra.out.trim().split("\n");
  assert.equal(lines.length, 8);
  for (const l of lines) assert.match(l, /sum right/);
  // Placement put two workers on each processor (the program's home, 0, had main too) ...
  const placed = linuxEvents(a, Linux.ThreadPlaced).map((d) => d[1]);
  assert.deepEqual(placed, [1, 2, 3, 1, 2, 3]);
  // ... the short ones (on 2 and 3) ended; the balancer moved one long worker of processors 0
  // and 1 each to the idle 2 and 3, in one look, leaving one runnable thread per processor ...
  const balanced = linuxEvents(a, Linux.Rebalanced);
  assert.deepEqual(balanced, [[1, 1, 2]]);
  const moved = linuxEvents(a, Linux.ThreadMoved);
  assert.equal(moved.length, 2);
  assert.deepEqual(moved.map((d) => [d[1], d[2]]).sort(), [[0, 3], [1, 2]]);
  // ... so the four long workers ended on four different processors (no move back: hysteresis).
  const longCpus = lines.filter((l) => l.includes("(long)")).map((l) => Number(/cpu (\d+)/.exec(l)?.[1]));
  assert.deepEqual([...longCpus].sort(), [0, 1, 2, 3]);
  // Deterministic: the second run's output and trace are the first's.
  assert.equal(rb.out, ra.out);
  assert.equal(b.length, a.length);
  assert.deepEqual(b, a);
});

test("the balancer leaves threads pinned where they run (ppc64le, 4 processors)", () => {
  const trace: TraceEvent[] = [];
  const r = on4("ppc64le", "proc/rebalance.c", ["stay"], trace);
  assert.equal(r.status, 0);
  // The same imbalance as above, but every long worker's affinity is the processor it was placed on.
  assert.deepEqual(linuxEvents(trace, Linux.ThreadMoved), []);
  assert.deepEqual(linuxEvents(trace, Linux.Rebalanced), []);
  const longCpus = r.out.trim().split("\n").filter((l) => l.includes("(long)")).map((l) => Number(/cpu (\d+)/.exec(l)?.[1]));
  assert.deepEqual(longCpus, [1, 0, 1, 0]);
});
