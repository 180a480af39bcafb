// Pipes, FIFOs, eventfd and the poll family (guest/ipc/*.c), within a process and between
// processes (procs.c: fork), on k42ts against qemu-user: each
// program built for ppc64, ppc64le and ppc32, static and dynamic, run in the deterministic mode,
// and in the parallel mode on ppc64le dynamic (2 processors, the program on processor 1: every
// pipe call is a PPC to the pipe server on processor 0, and its waits are woken by wait-channel
// messages). stdout, stderr and the exit status (or the signal that ended the process) must be
// identical. The programs print no value that depends on the run (no descriptor or inode
// numbers, times only as relations), so both modes are held to the same qemu output.
//
// What follows a program's "--- linux only ---" line is held to Linux's answer here, where
// qemu-user 7.2 (or the newer host kernel under it) is not Linux 6.1; each program says why.
//
// Cost, measured on the 2-core machine (busy with other work: load 8): a deterministic cell
// 5 to 8 s for its runs with qemu's, a parallel run about 3.5 s (it starts two workers) — so the
// parallel mode runs on one cell and two programs only, as task.test.ts does: what it changes
// (PPCs and wakes across processors) does not depend on the target, the linkage, or the cases
// the deterministic cells cover.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { constants } from "node:os";
import { buildGuest, runQemu, type QemuRun } from "./testing/cross.js";
import { buildLinked, libVolumes, LINKAGES, qemuLibArgs, runK42In, TARGETS, type Linkage, type Mode } from "./testing/matrix.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";
import { K42_BIN } from "./testing/k42-bin.js";

const MARKER = "--- linux only ---\n";

/** Linux 6.1's answers where qemu-user is not Linux (the programs print the reasons). */
const LINUX_ONLY: Readonly<Record<string, string>> = {
  poll: "_newselect: 1500000 us normalised, data ready = 1 (ok), time left in (1.4 s, 1.5 s]: 1\n",
  eventfd: [
    "read at 0 into an unmapped buffer = -1 EAGAIN",
    "read at 3 into an unmapped buffer = -1 EFAULT",
    "read after it (the count was taken) = -1 EAGAIN",
    "write 16 bytes = 8",
    "read = 8: 9",
    "",
  ].join("\n"),
  // Linux runs the handler on the way back from the pselect that put SIGUSR1's old mask back
  // (a native build on a Linux host prints the same).
  intr: "pselect with SIGUSR1 blocked = 1, handler ran 1 by its return\n",
};

/**
 * The runs of each cell: a program and its arguments. procs.c and intr.c (between processes:
 * fork; signals ending the waits) run in the static cells and the parallel one only — what
 * linkage changes of them (ld.so's opens) the other programs cover.
 */
const RUNS: readonly { prog: string; args: string[]; staticOnly?: boolean }[] = [
  { prog: "pipe", args: [] },
  { prog: "pipe", args: ["sigpipe"] },
  { prog: "poll", args: [] },
  { prog: "eventfd", args: [] },
  { prog: "fifo", args: [] },
  { prog: "procs", args: [], staticOnly: true },
  { prog: "intr", args: [], staticOnly: true },
];

const ROOT = process.getuid?.() === 0;
const CAN_DROP = ROOT && spawnSync("setpriv", ["--version"]).status === 0;

function split(out: string): [string, string | undefined] {
  const i = out.indexOf(MARKER);
  return i < 0 ? [out, undefined] : [out.slice(0, i + MARKER.length), out.slice(i + MARKER.length)];
}

/** qemu's stderr less its own line for a guest killed by a signal (Linux writes none). */
function guestStderr(q: QemuRun): string {
  const err = q.stderr.toString();
  return q.signal === null ? err : err.replace(/^qemu: uncaught target signal \d+ \([^)\n]*\)( - core dumped)?\n/m, "");
}

async function compare(t: Target, linkage: Linkage, mode: Mode, prog: string, args: string[], nobody = false): Promise<void> {
  const exe = buildLinked(t, `ipc/${prog}.c`, linkage);
  const qemu = [...qemuCommand(t), ...qemuLibArgs(t, linkage)];
  const q = runQemu(t, exe, args, {}, nobody ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...qemu] : qemu);
  const k = await runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 11, epoch: 1_700_000_000, memBytes: 64 << 20,
    ...libVolumes(t, linkage), ...(nobody ? { uid: 65534, gid: 65534, groups: [] } : {}),
  });
  const what = `${prog} ${args.join(" ")} ${t} ${linkage} ${mode}${nobody ? " as nobody" : ""}`;
  const [kout, klinux] = split(k.stdout), [qout] = split(q.stdout.toString());
  assert.equal(kout, qout, `${what}: stdout (k42ts: ${k.error ?? `exit ${k.status}`})`);
  assert.equal(klinux, LINUX_ONLY[prog], `${what}: the part where Linux, not qemu, is the oracle`);
  assert.equal(k.stderr, guestStderr(q), `${what}: stderr`);
  const sig = q.signal === null ? 0 : constants.signals[q.signal];
  if (sig === 0) {
    assert.equal(k.signal, undefined, `${what}: ${k.error}`);
    assert.equal(k.status, q.status, `${what}: exit status`);
  } else {
    assert.equal(k.signal, sig, `${what}: qemu died of ${q.signal}, k42ts: ${k.error ?? `exit ${k.status}`}`);
    assert.equal(k.status, 128 + sig, `${what}: the exit status of a death by signal`);
  }
}

async function cell(t: Target, linkage: Linkage, mode: Mode, runs = RUNS.filter((r) => linkage === "static" || r.staticOnly !== true)): Promise<void> {
  for (const r of runs) await compare(t, linkage, mode, r.prog, r.args);
}

/**
 * The parallel cell: pipe.c (every pipe call a PPC to processor 0), procs.c (processes waking
 * each other through pipes, a FIFO, an eventfd, poll and select) and intr.c (signals ending
 * those waits).
 */
const PARALLEL_RUNS = RUNS.filter((r) => r.args.length === 0 && ["pipe", "procs", "intr"].includes(r.prog));

for (const t of TARGETS) {
  for (const linkage of LINKAGES) {
    test(`guest/ipc programs match qemu-user (${t}, ${linkage}, deterministic)`, () => cell(t, linkage, "deterministic"));
  }
}

test("guest/ipc programs match qemu-user (ppc64le, dynamic, parallel on 2 processors: pipe, procs, intr)", () => cell("ppc64le", "dynamic", "parallel", PARALLEL_RUNS));

test("pipe sizes as an unprivileged user: F_SETPIPE_SZ past pipe-max-size is EPERM (qemu as nobody)", { skip: !CAN_DROP && "needs root and setpriv" }, () =>
  compare("ppc64le", "static", "deterministic", "pipe", [], true));

const CLI = K42_BIN;

test("the console in poll and select: output writable; a poll on input waits for the host's bytes, then sees its end (k42ts only, both modes)", () => {
  const exe = buildGuest("ppc64le", "ipc/console.c");
  for (const mode of [[], ["--parallel", "--cpus", "2"]]) {
    // The second line comes 0.4 s after the first: the guest's poll must wait for it (the
    // machine neither stops nor calls it a deadlock) and see the end of input when the pipe closes.
    const cmd = `(printf 'one\\n'; sleep 0.4; printf 'two\\n') | "${process.execPath}" "${CLI}" run ${mode.join(" ")} -- "${exe}"`;
    const r = spawnSync("sh", ["-c", cmd], { encoding: "utf8" });
    assert.equal(r.status, 0, `${mode.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "one\ntwo\n");
    assert.equal(r.stderr, "stdout and stderr: 2: 0x4 0x4\n8 bytes; every poll found input or its end: 1\nselect stdin at its end: 1, set 1\n");
  }
});
