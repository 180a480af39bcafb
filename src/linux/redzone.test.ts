// The interrupted code's red zone survives a signal handler (guest/proc/redzone.c): the words
// just below the stack pointer, stored before a system call whose return delivers a signal
// (with an rt frame, and on ppc32 the old frame too), read back the same after the handler.
// The frames' abigaps lie over them and must not be written — dash died of a SIGCHLD that
// interrupted a function between saving r31 below r1 and moving r1. Compared with qemu-user,
// static, in both run modes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildGuest, runQemu } from "./testing/cross.js";
import { MODES, runK42In, TARGETS } from "./testing/matrix.js";
import { qemuCommand } from "../machine/power/difftest/harness.js";

for (const t of TARGETS) {
  const exe = (): string => buildGuest(t, "proc/redzone.c");
  for (const mode of MODES) {
    test(`the red zone below r1 is as it was after a signal handler: qemu-user's output (${t}, ${mode})`, async () => {
      const q = runQemu(t, exe(), [], { QEMU_CPU: t === "ppc32" ? "7400" : "power8" }, ["timeout", "-s", "KILL", "20", ...qemuCommand(t)]);
      const want = q.stdout.toString();
      assert.equal(q.status, 0, `qemu: ${q.stderr.toString()}`);
      assert.match(want, /^SA_SIGINFO handler ran 1; below r1: -8 0x1111, -16 0x2222, -(280|216) 0x3333$/m, "qemu's own answer");
      const k = await runK42In(mode, new Uint8Array(readFileSync(exe())), {
        argv: [exe()], env: ["PATH=/bin"], exePath: exe(), seed: 3, epoch: 1_000_000_000, memBytes: 64 << 20,
      });
      assert.equal(k.stdout + k.stderr, want, `${t} ${mode}: ${k.error ?? `exit ${k.status}`}`);
      assert.equal(k.status, 0);
    });
  }
}
