// Terminals and job control against qemu-user (guest/tty/*.c): stop and continue between
// processes and what wait4/waitid and SIGCHLD report of them; pseudo-terminals, their line
// discipline and termios, the controlling terminal, background process groups. Each program
// runs under qemu-user (whose ptys are the host kernel's: the oracle) and k42ts on the same
// static binary: stdout and the exit status must be identical. Where qemu-user 7.2 is not
// Linux, the programs print those lines only with the argument "linux", and k42ts is held to
// what Linux answers.
//
// The matrix: every program on the three targets in the deterministic mode, and once in the
// parallel mode (ppc64le).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildGuest, runQemu, type QemuRun } from "./testing/cross.js";
import { qemuCommand } from "../machine/power/difftest/harness.js";
import { runK42In, TARGETS, type K42Run, type Mode } from "./testing/matrix.js";
import type { Target } from "../machine/power/difftest/harness.js";

async function runK42(t: Target, exe: string, args: string[], mode: Mode): Promise<K42Run> {
  return runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 64 << 20,
  });
}

/**
 * qemu-user 7.2 hangs now and then when a guest forks (seen here on ppc32): every qemu run is
 * bounded by GNU timeout (a normal run takes under a second) and a hung one is made again.
 */
function qemuBounded(t: Target, exe: string): QemuRun {
  for (let i = 0; ; i++) {
    const q = runQemu(t, exe, [], {}, ["timeout", "-s", "KILL", "10", ...qemuCommand(t)]);
    const hung = q.status === 124 || q.status === 137 || q.signal === "SIGKILL";
    if (!hung || i >= 4) return q;
  }
}

/** guest/tty/<name>.c under qemu and k42ts: the same stdout and exit status. */
async function sameAsQemu(t: Target, name: string, mode: Mode): Promise<K42Run> {
  const exe = buildGuest(t, `tty/${name}.c`);
  const q = qemuBounded(t, exe);
  assert.equal(q.signal, null, `qemu ${t} ${name}: killed by ${q.signal}`);
  const k = await runK42(t, exe, [], mode);
  const what = `${t} ${mode} ${name}`;
  assert.equal(k.stdout, q.stdout.toString(), `${what}: stdout (k42ts: ${k.error ?? `exit ${k.status}`})`);
  assert.equal(k.status, q.status, `${what}: exit status`);
  return k;
}

for (const t of TARGETS) {
  test(`job control: stop and continue, WUNTRACED, WCONTINUED, waitid, SIGCHLD's codes, orphaned stopped group hung up (${t})`, async () => {
    await sameAsQemu(t, "jobs", "deterministic");
  });
}

for (const t of TARGETS) {
  test(`a pty pair: settings, canonical and raw modes, echoes, VMIN/VTIME, output processing, poll, hangups (${t})`, async () => {
    await sameAsQemu(t, "pty", "deterministic");
  });

  test(`job control on a pty: ^C, ^Z, SIGTTIN, SIGTTOU with TOSTOP, tcsetpgrp, SIGWINCH, SIGHUP at master close and leader exit (${t})`, async () => {
    await sameAsQemu(t, "ptyjobs", "deterministic");
  });
}

// Bounded: this test hung once (2026-12-07, a full-suite run; passes alone in ~10 s) — a hang must
// fail here, not hold the whole run.
test("job control and ptys in the parallel mode (ppc64le)", { timeout: 180_000 }, async () => {
  await sameAsQemu("ppc64le", "jobs", "parallel");
  await sameAsQemu("ppc64le", "ptyjobs", "parallel");
});

test("job control on a pty as Linux reports it: the stop signals themselves, TIOCGSID (qemu differs)", async () => {
  const k = await runK42("ppc64le", buildGuest("ppc64le", "tty/ptyjobs.c"), ["linux"], "deterministic");
  const lines = k.stdout.split("\n");
  for (const l of ["sid is us 1", "^Z: stopped by 20", "background read: stopped by 21", "background write with TOSTOP: stopped by 22"]) {
    assert.ok(lines.includes(l), `missing "${l}" in:\n${k.stdout}`);
  }
});

test("job control as Linux reports it: the terminal stop signals themselves, no SIGCHLD under SA_NOCLDSTOP (qemu differs)", async () => {
  const k = await runK42("ppc64le", buildGuest("ppc64le", "tty/jobs.c"), ["linux"], "deterministic");
  const lines = k.stdout.split("\n");
  for (const l of ["SIGTSTP: stopped by 20", "tstp: SIGCHLD x1, CLD_STOPPED, status 20", "SIGCHLDs with SA_NOCLDSTOP: 0", "exit: SIGCHLD x1, CLD_KILLED, status 15"]) {
    assert.ok(lines.includes(l), `missing "${l}" in:\n${k.stdout}`);
  }
});
