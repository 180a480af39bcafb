// Stopped processes and their ends (guest/signals/stopkill.c): SIGKILL from the parent or from
// another process ends a stopped process, whatever its threads were doing (one thread; a second
// blocked in a read; a second spinning in user code — in the parallel mode on the other
// processor); SIGTERM waits, pending, for SIGCONT; a SIGTERM handler runs after the SIGCONT.
// Against qemu-user on the three targets (deterministic) and once in the parallel mode.
//
// And a run whose program exits leaving stopped children must end: k42's init kills what is
// left at the program's end, and a stopped thread must take that death (it is told to die
// without a signal being queued, LinuxSystem.kill). k42-only: under qemu-user the host kernel
// would keep the children stopped, holding the output pipe.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildGuest, runQemuBounded } from "./testing/cross.js";
import type { Target } from "../machine/power/difftest/harness.js";
import { runK42In, TARGETS, type K42Run, type Mode } from "./testing/matrix.js";

async function runK42(t: Target, args: string[], mode: Mode): Promise<K42Run> {
  const exe = buildGuest(t, "signals/stopkill.c");
  return runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 64 << 20,
  });
}


async function sameAsQemu(t: Target, mode: Mode): Promise<void> {
  const exe = buildGuest(t, "signals/stopkill.c");
  const q = runQemuBounded(t, exe, [], {}, 10);
  assert.equal(q.signal, null, `qemu ${t}: killed by ${q.signal}`);
  const k = await runK42(t, [], mode);
  assert.equal(k.stdout, q.stdout.toString(), `${t} ${mode}: stdout (k42ts: ${k.error ?? `exit ${k.status}`})`);
  assert.equal(k.status, q.status, `${t} ${mode}: exit status`);
  // The program's own expectations, so that a qemu that changed cannot make the test vacuous.
  assert.equal(k.stdout.match(/SIGKILL while stopped: killed by SIGKILL/g)?.length, 6);
  assert.equal(k.stdout.match(/after SIGCONT: killed by SIGTERM/g)?.length, 3);
  assert.equal(k.stdout.match(/after SIGCONT: exited 7/g)?.length, 3);
}

for (const t of TARGETS) {
  test(`stopped processes: SIGKILL ends them, SIGTERM waits for SIGCONT, with and without other threads (${t})`, async () => {
    await sameAsQemu(t, "deterministic");
  });
}

test("stopped processes in the parallel mode (ppc64le; the second thread on the other processor)", async () => {
  await sameAsQemu("ppc64le", "parallel");
});

for (const mode of ["deterministic", "parallel"] as const) {
  test(`a run whose program leaves stopped children ends: init's SIGKILL ends them (${mode})`, async () => {
    const k = await runK42("ppc64le", ["leave"], mode);
    assert.equal(k.error, undefined, `the run: ${k.error}`);
    assert.equal(k.status, 0);
    assert.equal(k.stdout, "  the child: stopped by SIGSTOP\n  the child: stopped by SIGSTOP\nexiting with two stopped children\n");
  });
}
