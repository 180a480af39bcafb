// System V IPC against qemu-user: guest/sysv/*.c (shared memory across fork and execve,
// semaphores with waits and undo, message queues with typed receives, POSIX shared memory and
// semaphores over /dev/shm) built for ppc64, ppc64le and ppc32, static and dynamic, run under
// qemu-user (the oracle) and k42ts: stdout, stderr and the exit status must be identical.
//
// qemu-user uses the host's IPC namespace: the programs make only IPC_PRIVATE objects or
// objects keyed by their pid, and remove all of them. What qemu-user gets wrong, and the
// limits (which depend on the host's sysctls), are checked against Linux's answers in k42
// alone (guest/sysv/linux.c).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { constants } from "node:os";
import { runQemu } from "./testing/cross.js";
import { buildLinked, libVolumes, runK42In, SYSROOT, TARGETS, type Linkage, type Mode } from "./testing/matrix.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";
import { runProgram } from "./process.js";

const CPU: Record<Target, string> = { ppc64: "power8", ppc64le: "power8", ppc32: "7400" };

/** qemu-user's own crashes (see processes.test.ts): such a run is no oracle and is made again. */
const QEMU_CRASH = /^(\*\*$|ERROR:|Bail out!|qemu-[a-z0-9]+: .*Assertion)/m;

function qemuRun(t: Target, exe: string, linkage: Linkage): { out: string; status: number } {
  for (let i = 0; ; i++) {
    const [bin] = qemuCommand(t);
    const env: Record<string, string> = { QEMU_WRAP: `/usr/bin/${bin}`, QEMU_CPU: CPU[t] };
    if (linkage === "dynamic") env.QEMU_LD_PREFIX = SYSROOT[t];
    const q = runQemu(t, exe, [], env);
    const status = q.signal === null ? (q.status ?? -1) : 128 + constants.signals[q.signal];
    const err = q.stderr.toString().replace(/^qemu: uncaught target signal \d+ \([^)\n]*\)( - core dumped)?\n/gm, "");
    const r = { out: q.stdout.toString() + err, status };
    if (!QEMU_CRASH.test(r.out) || i >= 9) return r;
  }
}

async function k42Run(t: Target, exe: string, linkage: Linkage, mode: Mode): Promise<{ out: string; status: number; frames?: { allocated: number[]; freed: number[] } }> {
  const lib = libVolumes(t, linkage).volumes ?? [];
  const r = await runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe], env: ["PATH=/bin"], exePath: exe, seed: 11, epoch: 1_000_000_000, memBytes: 256 << 20,
    volumes: [...lib, { host: dirname(exe), guest: dirname(exe), readonly: true }],
  });
  return { out: r.stdout + r.stderr, status: r.status };
}

const CELLS: readonly [Linkage, Mode][] = [["static", "deterministic"], ["dynamic", "deterministic"], ["static", "parallel"]];

for (const prog of ["shm", "sem", "msg"]) {
  for (const t of TARGETS) {
    for (const [linkage, mode] of CELLS) {
      test(`guest/sysv/${prog}.c matches qemu-user (${t}, ${linkage}, ${mode})`, async () => {
        const exe = buildLinked(t, `sysv/${prog}.c`, linkage);
        const want = qemuRun(t, exe, linkage);
        const got = await k42Run(t, exe, linkage, mode);
        assert.equal(got.out, want.out);
        assert.equal(got.status, want.status);
      });
    }
  }
}

void runProgram;
