// Regression tests: a syscall-heavy guest must be preempted (its slice is charged across system
// calls), and the memory calls beyond mmap/munmap/mprotect. (Stale translations, brk and guest
// clocks are covered by mm.test.ts.)

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runProgram, type RunOptions } from "./bringup.js";
import { buildGuest, runQemu } from "./testing/cross.js";
import type { Target } from "../machine/power/difftest/harness.js";
import type { TraceEvent } from "../kernel/trace/drain.js";
import { Linux, Major, Sched } from "../kernel/trace/events.js";

function runK42(exe: string, args: string[], extra: Partial<RunOptions> = {}): { out: string; code: number; error?: string } {
  const chunks: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, memBytes: 64 << 20,
    stdout: (b) => chunks.push(Buffer.from(b)), stderr: (b) => chunks.push(Buffer.from(b)), ...extra,
  });
  return { out: Buffer.concat(chunks).toString(), code: r.exitCode, error: r.error };
}

const TARGETS: Target[] = ["ppc64", "ppc64le", "ppc32"];

test("a syscall-heavy guest is preempted: its time slice is charged across system calls", () => {
  const exe = buildGuest("ppc64le", "regress/getpids.c");
  const trace: TraceEvent[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), { argv: [exe, "20000"], exePath: exe, memBytes: 64 << 20, stdout: () => {}, trace });
  assert.equal(r.exitCode, 0, r.error);
  // 20,000 getpid calls cost at least 20,000 × (syscall cost + a few instructions) of the slice:
  // the thread must have been dispatched again many times (before the fix: once).
  const dispatches = trace.filter((e) => e.major === Major.Sched && e.minor === Sched.Dispatch).length;
  assert.ok(dispatches >= 100, `guest thread dispatched ${dispatches} times`);
});

for (const t of TARGETS) {
  test(`mremap, madvise, mincore, msync and the mlock family match qemu, and Linux where qemu deviates (${t})`, () => {
    const exe = buildGuest(t, "regress/mm.c");
    const q = runQemu(t, exe, []);
    const k = runK42(exe, []);
    assert.equal(k.code, 0, k.error);
    assert.equal(q.status, 0);
    assert.equal(k.out, q.stdout.toString());
    // qemu-user 7.2 accepts unknown madvise advice, reports ENOMEM for an unaligned mincore and
    // for mremap to size 0, and on ppc32 ignores holes; these are Linux's answers (mm/madvise.c,
    // mm/mincore.c, mm/mremap.c, mm/msync.c, mm/mlock.c).
    const linux = runK42(exe, ["linux"]);
    const tail = linux.out.split("\n").slice(-9).join("\n");
    assert.equal(tail, [
      "madvise bad advice                   -1 EINVAL",
      "mincore unaligned                    -1 EINVAL",
      "mremap new size 0                    -1 EINVAL",
      "mincore over a hole                  -1 ENOMEM",
      "msync over a hole                    -1 ENOMEM",
      "mlock over a hole                    -1 ENOMEM",
      "madvise over a hole                  -1 ENOMEM",
      "mremap unmapped                      -1 EFAULT",
      "",
    ].join("\n"));
  });
}

test("the trace records the seed and epoch a run used (they repeat it)", () => {
  const exe = buildGuest("ppc64le", "regress/getpids.c");
  const trace: TraceEvent[] = [];
  runProgram(new Uint8Array(readFileSync(exe)), { argv: [exe, "1"], exePath: exe, memBytes: 64 << 20, stdout: () => {}, trace, seed: 99, epoch: 1_234_567 });
  const ev = trace.find((e) => e.major === Major.Linux && e.minor === Linux.GuestTime);
  assert.deepEqual(ev?.data.slice(0, 2), [99, 1_234_567]);
});
