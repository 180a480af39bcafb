// The file-system guest programs (guest/fs/*.c) on k42 against qemu-user: each runs in the
// same small tree — for k42 as its guest root, for qemu as its working directory in an equal
// host copy — and stdout, stderr and exit status must be identical. The programs print what
// every call returned (values, errnos by name), so a difference names the call.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runProgram, runProgramParallel, type RunOptions } from "./bringup.js";
import { buildGuest } from "./testing/cross.js";
import { freshTree, hashTree, removeTree, runQemuIn, type HostRun } from "./testing/fs-tree.js";
import type { Target } from "../machine/power/difftest/harness.js";

const TARGETS: Target[] = ["ppc64", "ppc64le", "ppc32"];

function runK42(exe: string, args: string[], root: string, extra: Partial<RunOptions> = {}): HostRun & { error?: string } {
  const out: Buffer[] = [], err: Buffer[] = [];
  const r = runProgram(new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, root, memBytes: 64 << 20, seed: 1, epoch: 1_700_000_000,
    stdout: (b) => out.push(Buffer.from(b)), stderr: (b) => err.push(Buffer.from(b)), ...extra,
  });
  return { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), status: r.exitCode, signal: null, ...(r.error !== undefined ? { error: r.error } : {}) };
}

/** Run `prog` on both sides in fresh trees; the k42 side's root is hashed before and after. */
function compare(t: Target, prog: string, args: string[] = []): void {
  const exe = buildGuest(t, `fs/${prog}.c`);
  const kroot = freshTree("k42"), qdir = freshTree("qemu");
  try {
    const before = hashTree(kroot);
    const q = runQemuIn(t, exe, args, qdir);
    const k = runK42(exe, args, kroot);
    assert.equal(k.error, undefined, `${prog} ${t}: ${k.error}`);
    assert.equal(k.stdout, q.stdout, `${prog} ${t}: stdout`);
    assert.equal(k.stderr, q.stderr, `${prog} ${t}: stderr`);
    assert.equal(k.status, q.status, `${prog} ${t}: exit status`);
    assert.equal(hashTree(kroot), before, `${prog} ${t}: the host root is unchanged`);
  } finally {
    removeTree(kroot);
    removeTree(qdir);
  }
}

for (const prog of ["files", "dirs", "links", "stat", "fcntl-locks"]) {
  for (const t of TARGETS) {
    test(`guest/fs/${prog}.c matches qemu-user (${t})`, () => compare(t, prog));
  }
}

void runProgramParallel;
