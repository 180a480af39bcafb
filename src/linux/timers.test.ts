// POSIX timers, CPU-time clocks, timerfd and signalfd against qemu-user (guest/timers/*.c):
// each program runs under qemu (the oracle) and k42ts on the same static binary, for the three
// targets in the deterministic mode, and once in the parallel mode on 4 processors; stdout and
// the exit status must be identical. The programs print only what both must agree on (the
// machine's clocks are virtual under k42ts): signals and their siginfo, overrun and expiration
// counts within bounds, timer values within bounds, errors by name.
//
// Where qemu-user 7.2 is not Linux (its own timer ids 0x0caf0000 | n, unchecked timerfd and
// signalfd flags and sizes, ssi_int on 64-bit big-endian), the programs print those lines only
// when asked ("linux"), and k42ts is held to Linux's answers as literals.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildGuest, runQemu } from "./testing/cross.js";
import { runK42In, TARGETS, type K42Run } from "./testing/matrix.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";

const FLAGS = ["-O2", "-static", "-pthread"];

const build = (t: Target, name: string): string => buildGuest(t, `timers/${name}.c`, FLAGS);

const options = (exe: string, args: string[]) => ({
  argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 64 << 20,
});

/** The program on a 4-processor machine in the parallel mode (real time drives the clocks). */
async function runParallel4(exe: string, args: string[]): Promise<K42Run> {
  return runK42In("parallel", new Uint8Array(readFileSync(exe)), options(exe, args), 4);
}

/** qemu's run of `exe`, bounded (qemu 7.2 can hang with threads). */
function qemu(t: Target, exe: string): { stdout: string; status: number | null } {
  const q = runQemu(t, exe, [], {}, ["timeout", "-k", "5", "30", ...qemuCommand(t)]);
  return { stdout: q.stdout.toString(), status: q.status };
}

async function sameAsQemu(t: Target, name: string, parallel = false): Promise<void> {
  const exe = build(t, name);
  const q = qemu(t, exe);
  assert.equal(q.status, 0, `${t} ${name}: qemu's run failed`);
  const k = parallel ? await runParallel4(exe, []) : await runK42In("deterministic", new Uint8Array(readFileSync(exe)), options(exe, []));
  const what = `${t} ${name}${parallel ? " (parallel, 4 processors)" : ""}`;
  assert.equal(k.stdout, q.stdout, `${what}: stdout (k42ts: ${k.error ?? `exit ${k.status}`}; ${k.stderr.slice(0, 400)})`);
  assert.equal(k.status, 0, `${what}: exit status`);
}

/** k42ts's run with "linux": the lines qemu cannot be asked about. */
async function linuxLines(t: Target, name: string): Promise<string[]> {
  const exe = build(t, name);
  const k = await runK42In("deterministic", new Uint8Array(readFileSync(exe)), options(exe, ["linux"]));
  assert.equal(k.status, 0, `${t} ${name} linux: ${k.error ?? k.stderr}`);
  return k.stdout.split("\n");
}

for (const t of TARGETS) {
  test(`POSIX timers and CPU clocks: signals, siginfo, overruns, intervals, SIGEV_NONE, errors, fork, SIGEV_THREAD_ID and SIGEV_THREAD match qemu (${t})`, async () => {
    await sameAsQemu(t, "ptimers");
  });

  test(`timerfd and signalfd: poll, select, blocking and non-blocking reads, a child's SIGUSR1 and SIGCHLD, a timer's signal match qemu (${t})`, async () => {
    await sameAsQemu(t, "fds");
  });

  test(`timer ids, si_timerid and the default si_value as Linux gives them, where qemu-user has its own ids (${t})`, async () => {
    const lines = await linuxLines(t, "ptimers");
    assert.ok(lines.includes("ids: 0 1"), "the first timers of a process are 0 and 1");
    assert.ok(lines.includes("si_timerid is the id: yes"));
    assert.ok(lines.includes("default si_value is the id: yes"));
  });

  test(`timerfd_create's flags, signalfd4's sigset size and ssi_int as Linux checks and fills them (${t})`, async () => {
    const lines = await linuxLines(t, "fds");
    assert.ok(lines.includes("timerfd_create bad flags: EINVAL"));
    assert.ok(lines.includes("bad size: EINVAL"));
    assert.deepEqual(lines.filter((l) => l.startsWith("  ssi_int")), ["  ssi_int 77", "  ssi_int 99"], "sival_int of sigqueue and of the timer");
  });
}

test("POSIX timers and timer/signal descriptors in the parallel mode on 4 processors (ppc64le) match qemu", async () => {
  await sameAsQemu("ppc64le", "ptimers", true);
  await sameAsQemu("ppc64le", "fds", true);
});
