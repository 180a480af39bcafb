// Signals between processes and threads against qemu-user (guest/sigq/*.c): rt_sigqueueinfo and
// rt_tgsigqueueinfo to other processes and their threads (Linux's si_code, pid, signal and
// credential rules; the siginfo arriving intact at a handler, sigwaitinfo and signalfd), and a
// process-directed signal taken by a thread that does not block it while the main thread does
// (complete_signal); process descriptors (pidfd_open, pidfd_send_signal, waitid P_PIDFD); AF_UNIX corners (FIONREAD on a listener, seqpacket EPIPE without SIGPIPE —
// Linux's unix_dgram_sendmsg sends none, checked on the host's own kernel too — and MSG_WAITALL
// against descriptors); an epoll registration living as long as its open file description does in
// any process (eventpoll_release). Each program runs under qemu (the oracle) and k42ts on the same static
// binary, for the three targets in the deterministic mode, and once in the parallel mode on 4
// processors; stdout and the exit status must be identical.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { buildGuest, runQemuBounded } from "./testing/cross.js";
import { runK42In, TARGETS, type K42Run } from "./testing/matrix.js";
import type { Target } from "../machine/power/difftest/harness.js";

const FLAGS = ["-O2", "-static", "-pthread"];

/** The credential lines need a root host (qemu runs as the host's user; k42ts's guest starts as root). */
const ARGS = process.getuid?.() === 0 ? ["perm"] : [];

const options = (exe: string, args: string[]) => ({
  argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 64 << 20,
});

/** The program on a 4-processor machine in the parallel mode. */
async function runParallel4(exe: string, args: string[]): Promise<K42Run> {
  return runK42In("parallel", new Uint8Array(readFileSync(exe)), options(exe, args), 4);
}

/** qemu's run of `exe`, bounded and made again if it hangs (qemu 7.2 can, with threads). */
function qemu(t: Target, exe: string, args: string[]): { stdout: string; status: number | null } {
  const q = runQemuBounded(t, exe, args, {}, 30);
  return { stdout: q.stdout.toString(), status: q.status };
}

async function sameAsQemu(t: Target, name: string, args: string[], parallel = false): Promise<string> {
  const exe = buildGuest(t, `sigq/${name}.c`, FLAGS);
  const q = qemu(t, exe, args);
  assert.equal(q.status, 0, `${t} ${name}: qemu's run failed`);
  const k = parallel ? await runParallel4(exe, args) : await runK42In("deterministic", new Uint8Array(readFileSync(exe)), options(exe, args));
  const what = `${t} ${name}${parallel ? " (parallel, 4 processors)" : ""}`;
  assert.equal(k.stdout, q.stdout, `${what}: stdout (k42ts: ${k.error ?? `exit ${k.status}`}; ${k.stderr.slice(0, 400)})`);
  assert.equal(k.status, 0, `${what}: exit status`);
  return k.stdout;
}

for (const t of TARGETS) {
  test(`rt_sigqueueinfo and rt_tgsigqueueinfo to another process and its thread: rules, and the siginfo at sigwaitinfo, a handler and signalfd match qemu (${t})`, async () => {
    const out = await sameAsQemu(t, "queue", ARGS);
    // What the comparison rests on, so that a shared mistake cannot pass: the values arrived.
    assert.match(out, /child sigwaitinfo: SIGRTMIN\+1 code -1 value 42 from parent yes/);
    assert.match(out, /child forged: sig SIGRTMIN\+1 code -1 value 44 pid 4242 uid 777/);
    assert.match(out, /child thread handler: SIGUSR2 code -1 value 48 in the thread yes/);
  });

  test(`a process-directed signal the main thread blocks goes to a worker that does not (in pause, sigwaitinfo, or computing) and wakes it; pending when all block; tgkill stays with its thread; a fatal one kills the process (${t})`, async () => {
    const out = await sameAsQemu(t, "sigthreads", []);
    assert.equal(out.split("\n").filter((l) => l === "  handler ran in: worker (value -1)").length, 3, "kill's SIGUSR1 ran in the worker each time");
    assert.match(out, /handler ran in: worker \(value 7\)/);
    assert.match(out, /child killed by SIGTERM/);
  });

  test(`an epoll registration lives while its description does anywhere: a forked child's close keeps it, the parent's close while the child holds it keeps it until the child's close (${t})`, async () => {
    const out = await sameAsQemu(t, "epoll-fork", []);
    assert.match(out, /after the parent's close of b \(the child holds it\): 2 /);
    assert.match(out, /after the child's close of b too: 1 \[data 1/);
    assert.match(out, /write to b: Broken pipe/, "the kept end closes with the description");
  });

  test(`AF_UNIX: FIONREAD on a listening socket is EINVAL, a seqpacket EPIPE raises no SIGPIPE (a stream's does), MSG_WAITALL stops after the piece carrying descriptors (${t})`, async () => {
    const out = await sameAsQemu(t, "unix-edges", []);
    assert.match(out, /FIONREAD listening: Invalid argument 77/);
    assert.match(out, /seqpacket write, peer closed: Broken pipe, SIGPIPEs 0/);
    assert.match(out, /MSG_WAITALL 9: 6 "abcdef" descriptors 1 \(the pipe\)/);
  });

  test(`pidfd_open, pidfd_send_signal and waitid(P_PIDFD): checks, siginfo, readable at the end (poll, epoll), zombies, reaped processes (${t})`, async () => {
    const out = await sameAsQemu(t, "pidfd", []);
    assert.match(out, /child: SIGUSR1 code -1 value 31 from parent yes/);
    assert.match(out, /epoll after the end: 1 data 9 events 0x1/);
    assert.match(out, /waitid, nonblocking descriptor, running: EAGAIN/);
  });
}

test("signals between processes and threads in the parallel mode on 4 processors (ppc64le) match qemu", async () => {
  await sameAsQemu("ppc64le", "queue", ARGS, true);
  await sameAsQemu("ppc64le", "sigthreads", [], true);
  await sameAsQemu("ppc64le", "epoll-fork", [], true);
});
