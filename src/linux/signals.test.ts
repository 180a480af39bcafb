// Signal delivery against qemu-user and Linux (guest/signals/*.c): handlers and their siginfo,
// masks, nesting, SA_NODEFER, SA_RESETHAND, queueing; synchronous faults caught by handlers that
// read and change the ucontext (the signal frame's layout); stack overflows on the alternate
// stack; the interval timers, sigsuspend, rt_sigtimedwait, EINTR and SA_RESTART; backtraces from
// handlers. Each program runs under qemu-user (the oracle) and k42ts on the same binary: stdout,
// and the exit status or the signal that ended the process, must be identical. Where qemu-user
// 7.2 is not Linux, the programs print those cases only when asked ("linux") and k42ts is held
// to what Linux 6.1 answers, from its source (arch/powerpc/kernel/traps.c, mm/fault.c).
//
// The matrix: every program static on the three targets in the deterministic mode; the default
// modes dynamic too; and the timers once in the parallel mode (ppc64le dynamic, the Debian
// target: real-time clocks drive the timers there). About 40 s of wall time on the 2-core
// machine under a load of 8 (25 s of CPU).

import { test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { removeTree } from "./testing/fs-tree.js";
import { buildGuest, runQemu } from "./testing/cross.js";
import { assertSameEnd, libVolumes, qemuLibArgs, runK42In, TARGETS, type K42Run, type Linkage, type Mode } from "./testing/matrix.js";
import { qemuCommand, type Target } from "../machine/power/difftest/harness.js";

/** guest/signals/<name>.c built for `t`, static or dynamic (with extra flags for the dynamic build). */
function build(t: Target, name: string, linkage: Linkage, dynFlags: string[] = []): string {
  const src = `signals/${name}.c`;
  return linkage === "static" ? buildGuest(t, src) : buildGuest(t, src, ["-O2", ...dynFlags], `${name}-dyn`);
}

/** The signal number a qemu run died of (0: it exited). */

async function runK42(t: Target, exe: string, args: string[], linkage: Linkage, mode: Mode): Promise<K42Run> {
  return runK42In(mode, new Uint8Array(readFileSync(exe)), {
    argv: [exe, ...args], env: ["PATH=/bin"], exePath: exe, seed: 7, epoch: 1_000_000_000, memBytes: 64 << 20,
    ...libVolumes(t, linkage),
  });
}

/** The program under qemu and k42ts: same stdout, same exit status or fatal signal. */
async function sameAsQemu(t: Target, name: string, args: string[], linkage: Linkage, mode: Mode, dynFlags: string[] = []): Promise<K42Run> {
  const exe = build(t, name, linkage, dynFlags);
  const q = runQemu(t, exe, args, {}, [...qemuCommand(t), ...qemuLibArgs(t, linkage)]);
  const k = await runK42(t, exe, args, linkage, mode);
  const what = `${t} ${linkage} ${mode} ${name} ${args.join(" ")}`;
  assert.equal(k.stdout, q.stdout.toString(), `${what}: stdout (k42ts: ${k.error ?? `exit ${k.status}`})`);
  assertSameEnd(k, q, what);
  return k;
}

/** A k42ts-only run held to a literal. */
async function holds(t: Target, name: string, args: string[], linkage: Linkage, expected: string[], dynFlags: string[] = []): Promise<K42Run> {
  const k = await runK42(t, build(t, name, linkage, dynFlags), args, linkage, "deterministic");
  assert.equal(k.stdout, expected.map((l) => `${l}\n`).join(""), `${t} ${name} ${args.join(" ")}: ${k.error ?? `exit ${k.status}`}`);
  return k;
}

for (const t of TARGETS) {
  for (const linkage of ["static", "dynamic"] as const) {
    test(`handlers: siginfo, masks, nesting, SA_NODEFER, SA_RESETHAND, coalescing and queueing match qemu (${t}, ${linkage})`, async () => {
      await sameAsQemu(t, "handlers", [], linkage, "deterministic");
    });

    test(`faults caught by handlers: mprotect and return, the ucontext's registers, SIGILL, SIGTRAP, SIGBUS, overflow on the alternate stack (${t}, ${linkage})`, async () => {
      await sameAsQemu(t, "faults", [], linkage, "deterministic");
    });

    test(`timers and waits: alarm, setitimer, sigsuspend, rt_sigtimedwait, EINTR and SA_RESTART, CPU-time timers (${t}, ${linkage})`, async () => {
      await sameAsQemu(t, "timers", [], linkage, "deterministic");
    });
  }

  test(`fatal ends: SA_RESETHAND's second signal, abort() in a handler, an unwritable frame, a blocked fault, a corrupt frame, SIGALRM's default (${t})`, async () => {
    const r = await sameAsQemu(t, "handlers", ["resethand"], "static", "deterministic");
    assert.equal(r.status, 128 + 10, "SIGUSR1 kills after SA_RESETHAND");
    assert.equal((await sameAsQemu(t, "handlers", ["abort"], "static", "deterministic")).status, 134);
    // A stack overflow with a SIGSEGV handler and no alternate stack: the frame cannot be written.
    assert.equal((await sameAsQemu(t, "faults", ["overflow"], "static", "deterministic")).signal, 11);
    // A fault while its signal is blocked reverts to the default action (force_sig_fault).
    const b = await sameAsQemu(t, "faults", ["blocked"], "static", "deterministic");
    assert.match(b.error ?? "", /write of unmapped address at 0x10/, "the kill names the fault");
    // A handler that corrupts its frame: rt_sigreturn / sigreturn cannot restore it.
    assert.equal((await sameAsQemu(t, "faults", ["badframe"], "static", "deterministic")).signal, 11);
    assert.equal((await sameAsQemu(t, "timers", ["alarmdeath"], "static", "deterministic")).status, 128 + 14);
  });

  test(`faults: Linux where qemu-user 7.2 is not (${t})`, async () => {
    await holds(t, "faults", ["linux"], "static", [
      "SIGILL ILL_ILLOPC, si_addr is the instruction: yes",
      "after the illegal instruction",
      "SIGTRAP TRAP_BRKPT, si_addr is the instruction: yes",
      "after the trap",
      // traps.c: a privileged instruction (mfspr of SPRG0 in problem state) is ILL_PRVOPC; qemu says ILL_PRVREG.
      "SIGILL ILL_PRVOPC, si_addr is the instruction: yes",
      "after the privileged instruction",
      "SIGBUS BUS_ADRERR",
      // mm/fault.c: si_addr is the faulting address (qemu-user 7.2's big-endian targets report another).
      "SIGBUS si_addr is the address read: yes",
    ]);
  });
}

// A read of the console that never gets data (standard input an open pipe nobody writes):
// interrupted by SIGALRM it answers EINTR; with SA_RESTART it starts again (and the handler
// having closed descriptor 0, answers EBADF). The same pipe is qemu's standard input.
for (const t of TARGETS) {
  test(`a read of standard input interrupted by a signal: EINTR, or restarted with SA_RESTART (${t})`, async () => {
    const exe = build(t, "timers", "static");
    const dir = mkdtempSync(join(tmpdir(), "k42-sigread-"));
    const fifo = join(dir, "stdin");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const fd = openSync(fifo, "r+"); // read and write: never at end of input, never any data
    try {
      const [cmd, ...qargs] = qemuCommand(t);
      const q = spawnSync(cmd, [...qargs, exe, "read"], { stdio: [fd, "pipe", "pipe"] });
      const k = await runK42In("deterministic", new Uint8Array(readFileSync(exe)), {
        argv: [exe, "read"], exePath: exe, memBytes: 64 << 20, stdin: { kind: "fd", fd },
      });
      assert.equal(k.stdout, q.stdout.toString(), `${t}: ${k.error ?? `exit ${k.status}`}`);
      assert.match(k.stdout, /EINTR[^]*EBADF/);
      assert.equal(k.status, 0);
    } finally {
      closeSync(fd);
      removeTree(dir);
    }
  });
}

// Backtraces from handlers (dynamic, -rdynamic: the program's functions have names). Without a
// vDSO (Linux's carries call-frame information for its trampolines) what an unwinder makes of a
// signal frame depends on the unwinder. glibc's backtrace() walks the stack's back chain, which
// the frame continues (its dummy caller frame holds the interrupted r1): on ppc64le it crosses
// the frame into the interrupted functions, under qemu-user as under k42ts. libgcc's unwinder
// stops at the trampoline (k42ts's trampolines do not match libgcc's code-reading fallback, which
// aborts in this GCC: qemu-ppc's matches it, so the 32-bit program aborts under qemu — k42ts is
// held to the unwinder stopping there). On ppc64 BE and ppc32, the back-chain walk from the
// SIGSEGV handler reads past the stack's frames under both (not compared).
const RDYNAMIC = ["-rdynamic"];
test("backtrace() from SIGUSR1 and SIGSEGV handlers crosses the signal frame as under qemu (ppc64le)", async () => {
  const k = await sameAsQemu("ppc64le", "backtrace", [], "dynamic", "deterministic", RDYNAMIC);
  assert.match(k.stdout, /SIGSEGV handler: .*on_segv .* level2 level1 main/);
});

for (const t of ["ppc64", "ppc64le"] as const) {
  test(`libgcc's _Unwind_Backtrace from a handler stops at the trampoline, as under qemu (${t})`, async () => {
    await sameAsQemu(t, "backtrace", ["unwind"], "dynamic", "deterministic", RDYNAMIC);
  });
}

test("libgcc's _Unwind_Backtrace from a handler stops at the trampoline (ppc32; qemu-ppc's trampoline makes libgcc abort)", async () => {
  await holds("ppc32", "backtrace", ["unwind"], "dynamic", ["_Unwind_Backtrace in a SIGSEGV handler: on_segv ?", "back in main"], RDYNAMIC);
});

// The parallel mode: the program's thread on processor 1, the ITIMER_REAL thread beside it,
// real-time clocks (what the parallel mode changes for signals; handlers and frames do not
// depend on the mode, 2.7 s of wall time here for a run of handlers.c that passed too).
test("timers and waits in the parallel mode match qemu (ppc64le, dynamic)", async () => {
  await sameAsQemu("ppc64le", "timers", [], "dynamic", "parallel");
});

