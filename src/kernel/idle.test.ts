// Idle, deadlock and the host: a machine with nothing to do skips ahead to its next timer,
// waits in real time while a thread waits for live host input (its virtual clock following the
// host's), and reports a deadlock when nothing can happen any more. Deterministic mode, and
// parallel mode with two workers.

import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot, type BootResult, type MachineOptions } from "./boot.js";
import type { HostEchoResult } from "./testing/programs.js";
import { fifoFed } from "../machine/testing/fifo.js";

const PROGRAMS = new URL("./testing/programs.js", import.meta.url).href;
const run = (opts: MachineOptions, name: string, args?: unknown): Promise<BootResult> =>
  boot(opts, { module: PROGRAMS, name, args });

const noErrors = (r: BootResult): void => {
  assert.deepEqual(r.errors, []);
  for (const c of r.cpus) assert.deepEqual(c.threadErrors, [], `cpu ${c.cpu}`);
};

for (const [mode, workers] of [["deterministic", undefined], ["parallel", 2]] as const) {
  const m = (cpus: number): MachineOptions => ({ mode, cpus, ...(workers !== undefined ? { workers } : {}) });

  test(`${mode}: two threads waiting for each other — the run ends with a one-line deadlock report`, async () => {
    const r = await run(m(2), "deadlockPair");
    noErrors(r);
    assert.equal(
      r.deadlock,
      'deadlock: thread "a" on cpu 0 waits for event "b done"; thread "b" on cpu 1 waits for event "a done"',
    );
    if (mode === "deterministic") assert.equal(r.run?.deadlock, r.deadlock);
  });

  test(`${mode}: threads that finished and a daemon waiting for requests — no deadlock`, async () => {
    const r = await run(m(2), "daemonOnly");
    noErrors(r);
    assert.equal(r.deadlock, undefined);
    for (const c of r.cpus) assert.equal(c.result, true);
  });

  test(`${mode}: a thread waiting for live host input gets it when it comes, then the end of input`, async () => {
    // The writer sends a line after 100 ms, another after 200 ms, and closes at 300 ms.
    const f = fifoFed("sleep 0.1; printf 'hello\\n'; sleep 0.1; printf 'world\\n'; sleep 0.1");
    try {
      const r = await run({ ...m(4), input: { kind: "fd", fd: f.fd } }, "hostEcho", { cpu: 1 });
      noErrors(r);
      assert.equal(r.deadlock, undefined);
      const e = r.cpus[1].result as HostEchoResult;
      assert.equal(e.text, "hello\nworld\n");
      assert.equal(e.eof, true);
      const realNs = (e.dataReal - e.startReal) * 1e6;
      assert.ok(realNs >= 50e6, `the machine waited for the host (${realNs / 1e6} ms)`);
      if (mode === "deterministic") {
        // The virtual clock followed the host's while the machine waited (1 cycle = 1 ns).
        const virt = e.dataVirt - e.startVirt;
        assert.ok(virt >= 0.8 * realNs, `virtual ${virt} cycles for ${realNs / 1e6} ms of waiting`);
        assert.ok((r.run?.hostWaitCycles ?? 0) >= 0.8 * realNs);
        assert.ok(e.end >= 0.8 * 250e6, `the end of input came ~300 ms in (virtual ${e.end})`);
      }
    } finally {
      f.cleanup();
    }
  });

  test(`${mode}: blocking inside a clustered-object call is refused (kernel event, guest reply); a kernel reply passes`, async () => {
    const r = await run(m(2), "blockInsideObject");
    noErrors(r);
    assert.equal(r.deadlock, undefined);
    const log = r.cpus[0].result as string[];
    const line = (what: string): string => log.find((l) => l.startsWith(`${what}: `)) ?? `${what}: (nothing)`;
    assert.match(line("kernel event"), /^kernel event: BlockedInsideObjectError: thread "kernel event" \(kernel\) blocked on event "never" inside a clustered-object call/);
    assert.match(line("guest reply"), /^guest reply: BlockedInsideObjectError: thread "guest reply" \(guest\) blocked on reply token \d+ inside a clustered-object call/);
    assert.equal(line("kernel reply"), "kernel reply: ok 1");
    // The refused calls unwound: nothing is left inside the object layer.
    for (const what of ["kernel event", "guest reply", "kernel reply"]) assert.ok(log.includes(`${what} after: depth 0`), log.join("\n"));
    assert.ok(log.includes("active at the end 0"), log.join("\n"));
  });
}

test("deterministic: host input from a regular file is available up front — two runs, the same run", async () => {
  const dir = mkdtempSync(join(tmpdir(), "k42-in-"));
  try {
    const path = join(dir, "input");
    writeFileSync(path, "line one\nline two\n".repeat(50));
    const once = async (): Promise<BootResult> => {
      const fd = openSync(path, "r");
      try {
        return await run({ mode: "deterministic", cpus: 2, input: { kind: "fd", fd } }, "hostEcho", { cpu: 1, max: 7 });
      } finally {
        closeSync(fd);
      }
    };
    const a = await once();
    const b = await once();
    noErrors(a);
    const ea = a.cpus[1].result as HostEchoResult;
    assert.equal(ea.text, "line one\nline two\n".repeat(50));
    assert.equal(ea.chunks, Math.ceil(900 / 7));
    assert.equal(a.run?.hostWaitCycles, 0, "never waited for the host");
    assert.equal(a.run?.cycles, b.run?.cycles);
    assert.deepEqual(a.events, b.events);
    assert.deepEqual(a.run, b.run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deterministic: a machine with only a far timer skips ahead to it", async () => {
  const t0 = performance.now();
  const r = await run({ mode: "deterministic", cpus: 2 }, "sleepFar", { cycles: 1e12 }); // 1000 s virtual
  noErrors(r);
  assert.ok(performance.now() - t0 < 5000, "finished fast in real time");
  const s = r.cpus[0].result as { woke: number; until: number };
  assert.ok(s.woke >= s.until && s.until >= 1e12, JSON.stringify(s));
  assert.equal(r.run?.cycles, s.woke);
  assert.equal(r.run?.hostWaitCycles, 0);
  assert.equal(r.deadlock, undefined);
});

test("deterministic: no input, a thread reading stdin sees its end at once", async () => {
  const r = await run({ mode: "deterministic", cpus: 1 }, "hostEcho", { cpu: 0 });
  noErrors(r);
  const e = r.cpus[0].result as HostEchoResult;
  assert.equal(e.eof, true);
  assert.equal(e.text, "");
  assert.equal(r.deadlock, undefined);
});
