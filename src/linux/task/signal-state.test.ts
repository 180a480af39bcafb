// What becomes of a signal (kernel/signal.c: prepare_signal, sig_ignored, do_sigaction,
// next_signal's order), on the SignalState alone and through raise(), the entry the file
// layer uses for SIGPIPE.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SIG, SIG_DFL, SIG_IGN, SignalState, UNBLOCKABLE, bit, defaultAction, DefaultAction, signalName } from "./signal-state.js";
import { raise } from "../sys/signals.js";
import { Task } from "./task.js";
import type { SysContext } from "../process/syscalls.js";

const act = (handler: number, flags = 0, mask = 0n) => ({ handler, flags, mask, restorer: 0 });

test("default actions: the core signals, the ignored ones, stop and continue; real-time signals terminate", () => {
  assert.equal(defaultAction(SIG.ABRT), DefaultAction.Core);
  assert.equal(defaultAction(SIG.SEGV), DefaultAction.Core);
  assert.equal(defaultAction(SIG.PIPE), DefaultAction.Terminate);
  assert.equal(defaultAction(SIG.CHLD), DefaultAction.Ignore);
  assert.equal(defaultAction(SIG.WINCH), DefaultAction.Ignore);
  assert.equal(defaultAction(SIG.TSTP), DefaultAction.Stop);
  assert.equal(defaultAction(SIG.CONT), DefaultAction.Continue);
  assert.equal(defaultAction(40), DefaultAction.Terminate);
  assert.equal(signalName(13), "SIGPIPE");
  assert.equal(signalName(34), "SIGRT_2");
});

test("send: ignored vanishes; blocked waits (even if ignored); default terminate or core is fatal", () => {
  const s = new SignalState();
  assert.deepEqual(s.send(SIG.CHLD), { kind: "ignored" });
  s.setAction(SIG.PIPE, act(SIG_IGN));
  assert.deepEqual(s.send(SIG.PIPE), { kind: "ignored" });
  s.setBlocked(bit(SIG.PIPE) | bit(SIG.TERM));
  assert.deepEqual(s.send(SIG.PIPE), { kind: "pending" }, "blocked: queued although ignored");
  assert.deepEqual(s.send(SIG.TERM), { kind: "pending" });
  assert.equal(s.pending, bit(SIG.PIPE) | bit(SIG.TERM));
  s.setBlocked(bit(SIG.TERM));
  assert.equal(s.deliverable(), undefined, "an ignored signal is dropped at delivery");
  assert.equal(s.pending, bit(SIG.TERM));
  s.setBlocked(0n);
  assert.deepEqual(s.deliverable(), { kind: "fatal", sig: SIG.TERM, core: false });
  assert.deepEqual(new SignalState().send(SIG.QUIT), { kind: "fatal", sig: SIG.QUIT, core: true });
});

test("SIGKILL and SIGSTOP are never blocked nor kept in an action's mask; unknown flags are dropped", () => {
  const s = new SignalState();
  s.setBlocked((1n << 64n) - 1n);
  assert.equal(s.blocked & UNBLOCKABLE, 0n);
  s.setAction(SIG.USR1, act(0x1000, 0x10000000 | 0x00200000, bit(SIG.KILL) | bit(SIG.USR2)));
  assert.deepEqual(s.action(SIG.USR1), act(0x1000, 0x10000000, bit(SIG.USR2)));
  assert.deepEqual(s.send(SIG.KILL), { kind: "fatal", sig: SIG.KILL, core: false });
});

test("installing SIG_IGN, or SIG_DFL for a default-ignore signal, drops it from the pending set", () => {
  const s = new SignalState();
  s.setBlocked(bit(SIG.USR1) | bit(SIG.CHLD));
  s.setAction(SIG.CHLD, act(0x1000));
  s.send(SIG.USR1);
  s.send(SIG.CHLD);
  s.setAction(SIG.USR1, act(SIG_IGN));
  s.setAction(SIG.CHLD, act(SIG_DFL));
  assert.equal(s.pending, 0n);
});

test("a caught signal stays pending until handlers exist; SIG_DFL then makes it fatal", () => {
  const s = new SignalState();
  s.setAction(SIG.USR1, act(0x1000));
  assert.deepEqual(s.send(SIG.USR1), { kind: "pending" });
  assert.deepEqual(s.caughtReady(), [SIG.USR1]);
  assert.equal(s.caughtMask(), bit(SIG.USR1));
  s.setAction(SIG.USR1, act(SIG_DFL));
  assert.deepEqual(s.deliverable(), { kind: "fatal", sig: SIG.USR1, core: false });
  s.setAction(SIG.PIPE, act(SIG_IGN));
  assert.equal(s.ignoredMask(), bit(SIG.PIPE));
  assert.equal(s.caughtMask(), 0n);
});

test("delivery order: synchronous signals first, then by number; stop signals wait; SIGCONT cancels pending stops", () => {
  const s = new SignalState();
  s.setBlocked((1n << 64n) - 1n);
  for (const sig of [SIG.HUP, SIG.BUS, 40, SIG.TSTP]) s.send(sig);
  s.setBlocked(0n);
  assert.deepEqual(s.deliverable(), { kind: "fatal", sig: SIG.BUS, core: true });
  const t = new SignalState();
  t.setBlocked(bit(SIG.TSTP) | bit(SIG.CONT));
  t.send(SIG.TSTP);
  t.send(SIG.CONT);
  assert.equal(t.pending, bit(SIG.CONT), "SIGCONT removes the pending stop");
  t.send(SIG.TSTP);
  assert.equal(t.pending, bit(SIG.TSTP), "and a stop the pending SIGCONT");
  t.setBlocked(0n);
  assert.equal(t.deliverable(), undefined, "a stop signal waits (job control: the next issue)");
});

test("raise(): the personality's entry ends the process, logs, and leaves ignored signals alone", () => {
  const log: string[] = [];
  const task = new Task({ uid: 1000, gid: 1000, path: "/bin/x", cpus: 1, memBytes: 1 << 26, accounts: { userNs: () => 0n, systemNs: () => 0n, minorFaults: () => 0 } });
  const ctx = { task, killedBy: undefined, log: (m: string) => log.push(m) } as unknown as SysContext;
  task.signals.setAction(SIG.PIPE, act(SIG_IGN));
  assert.deepEqual(raise(ctx, SIG.PIPE), { kind: "ignored" });
  assert.equal(ctx.killedBy, undefined);
  task.signals.setAction(SIG.PIPE, act(SIG_DFL));
  assert.deepEqual(raise(ctx, SIG.PIPE), { kind: "fatal", sig: SIG.PIPE, core: false });
  assert.equal(ctx.killedBy, SIG.PIPE);
  assert.match(log.join("\n"), /SIGPIPE: default action terminate/);
  assert.throws(() => raise(ctx, 65), RangeError);
});
