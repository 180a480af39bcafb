// AF_UNIX sockets and epoll (guest/net/*.c) on k42ts against qemu-user: each program built
// static for ppc64, ppc64le and ppc32 and run in the deterministic mode, one also in the
// parallel mode (2 processors, the program on processor 1: its socket calls run at its home,
// its waits are woken through wait channels). stdout, stderr and the exit status must be
// identical. The programs print no value that depends on the run (no descriptor or inode
// numbers; autobind names only by their form).
//
// What follows a program's "--- linux only ---" line is held to Linux's answer here, where
// qemu-user 7.2 is not Linux; each program says why.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { constants } from "node:os";
import { runQemu } from "./testing/cross.js";
import { buildLinked, runK42In, TARGETS, type Mode } from "./testing/matrix.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";

const MARKER = "--- linux only ---\n";

/**
 * Linux's answers where qemu-user is not Linux (the programs print the reasons). rights.c: a
 * control buffer too short for three descriptors — Linux installs what fits (two on ppc64,
 * where CMSG_SPACE(4) has padding, one on ppc32) and sets MSG_CTRUNC; qemu-user 7.2 loses the
 * MSG_CTRUNC.
 */
function linuxOnly(prog: string, t: Target): string | undefined {
  if (prog !== "rights") return undefined;
  const n = t === "ppc32" ? 1 : 2;
  return ["send 3 = 1", "recv with CMSG_SPACE(sizeof(int)) = 1", `  ${n} descriptors (${n} per word size), ctrunc 1`, "  the first reads the pipe: 1", ""].join("\n");
}

const PROGRAMS = ["pair", "server", "rights"] as const;

function split(out: string): [string, string | undefined] {
  const i = out.indexOf(MARKER);
  return i < 0 ? [out, undefined] : [out.slice(0, i + MARKER.length), out.slice(i + MARKER.length)];
}

async function compare(t: Target, mode: Mode, prog: string): Promise<void> {
  const exe = buildLinked(t, `net/${prog}.c`, "static");
  const q = runQemu(t, exe, [], {}, ["timeout", "20", ...qemuCommand(t)]);
  const k = await runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe], env: ["PATH=/bin"], exePath: exe, seed: 11, epoch: 1_700_000_000, memBytes: 64 << 20,
  });
  const what = `${prog} ${t} ${mode}`;
  const [kout, klinux] = split(k.stdout), [qout] = split(q.stdout.toString());
  assert.equal(kout, qout, `${what}: stdout (k42ts: ${k.error ?? `exit ${k.status}`})`);
  assert.equal(klinux, linuxOnly(prog, t), `${what}: the part where Linux, not qemu, is the oracle`);
  assert.equal(k.stderr, q.stderr.toString(), `${what}: stderr`);
  const sig = q.signal === null ? 0 : constants.signals[q.signal];
  assert.equal(k.signal, sig === 0 ? undefined : sig, `${what}: ${k.error}`);
  if (sig === 0) assert.equal(k.status, q.status, `${what}: exit status`);
}

for (const t of TARGETS) {
  test(`guest/net programs match qemu-user (${t}, static, deterministic)`, async () => {
    for (const p of PROGRAMS) await compare(t, "deterministic", p);
  });
}

test("guest/net server and rights match qemu-user (ppc64le, static, parallel on 2 processors)", async () => {
  await compare("ppc64le", "parallel", "server");
  await compare("ppc64le", "parallel", "rights");
});
