// What becomes of a signal when it is sent (kernel/signal.c: prepare_signal, sig_ignored,
// legacy_queue, complete_signal, force_sig_info_to_task, next_signal's order), on the process's
// SignalState and a thread's ThreadSignals alone, and through raise(), the entry the file layer
// uses for SIGPIPE.

import { test } from "node:test";
import assert from "node:assert/strict";
import { SIG, SIG_DFL, SIG_IGN, SignalState, UNBLOCKABLE, bit, defaultAction, DefaultAction, signalName } from "./signal-state.js";
import { raise } from "../sys/signals.js";
import { Task } from "./task.js";
import type { SysContext } from "../process/syscalls.js";
import { ThreadSignals } from "../signals/thread-signals.js";
import { forceSignal, sendSignal, signalPending, type Receiver } from "../signals/send.js";
import { SI, fromKernel, fromProcess, type SigInfo } from "../signals/siginfo.js";
import { SigPending, nextOf } from "../signals/pending.js";

const act = (handler: number, flags = 0, mask = 0n) => ({ handler, flags, mask, restorer: 0 });
const receiver = (limit = 100): Receiver => ({ proc: new SignalState(), thread: new ThreadSignals(), sigpendingLimit: () => limit });
const kill = (sig: number): SigInfo => fromProcess(sig, SI.USER, 1, 0);
const queue = (sig: number, value: bigint): SigInfo => ({ signo: sig, errno: 0, code: SI.QUEUE, pid: 1, uid: 0, value });

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

test("send: ignored vanishes; blocked waits (even if ignored); an unblocked fatal one starts the exit", () => {
  const r = receiver();
  assert.equal(sendSignal(r, kill(SIG.CHLD), "process"), "dropped", "ignored by default");
  r.proc.setAction(SIG.PIPE, act(SIG_IGN));
  assert.equal(sendSignal(r, kill(SIG.PIPE), "thread"), "dropped");
  r.thread.setBlocked(bit(SIG.PIPE) | bit(SIG.TERM));
  assert.equal(sendSignal(r, kill(SIG.PIPE), "thread"), "queued", "blocked: queued although ignored");
  assert.equal(sendSignal(r, kill(SIG.TERM), "process"), "queued");
  assert.equal(r.thread.pending.set, bit(SIG.PIPE));
  assert.equal(r.proc.shared.set, bit(SIG.TERM));
  assert.equal(r.proc.groupExit, undefined, "a blocked fatal signal waits");
  assert.equal(signalPending(r.proc, r.thread), false);
  const s = receiver();
  let woken = 0;
  s.thread.interrupt = () => woken++;
  sendSignal(s, kill(SIG.TERM), "process");
  assert.equal(s.proc.groupExit, SIG.TERM, "SIGTERM with SIG_DFL takes the process down at once");
  assert.ok(s.thread.pending.has(SIG.KILL));
  assert.equal(woken, 1, "and wakes its thread");
  assert.equal(sendSignal(s, kill(SIG.USR1), "process"), "dropped", "nothing more reaches an exiting process");
});

test("standard signals coalesce; real-time signals queue with their siginfo, in order, up to RLIMIT_SIGPENDING", () => {
  const r = receiver(2);
  r.thread.setBlocked(bit(SIG.USR1) | bit(40));
  assert.equal(sendSignal(r, kill(SIG.USR1), "process"), "queued");
  assert.equal(sendSignal(r, kill(SIG.USR1), "process"), "dropped");
  assert.equal(sendSignal(r, queue(40, 1n), "process"), "queued");
  assert.equal(sendSignal(r, queue(40, 2n), "process"), "overflow", "a sigqueue past the limit: EAGAIN");
  assert.equal(sendSignal(r, kill(40), "process"), "queued", "kill's siginfo is always allocated");
  r.thread.setBlocked(r.thread.blocked | bit(SIG.USR2));
  assert.equal(sendSignal(r, queue(SIG.USR2, 3n), "process"), "queued", "a standard sigqueue past the limit: the signal without its siginfo");
  assert.equal(r.proc.shared.queued, 3);
  assert.deepEqual(r.proc.shared.take(40), queue(40, 1n));
  assert.ok(r.proc.shared.has(40), "still pending: one more instance");
  assert.deepEqual(r.proc.shared.take(40), kill(40));
  assert.ok(!r.proc.shared.has(40));
  assert.deepEqual(r.proc.shared.take(SIG.USR2), { signo: SIG.USR2, errno: 0, code: SI.USER, pid: 0, uid: 0 }, "the one without a siginfo: zeros");
});

test("SIGKILL and SIGSTOP are never blocked nor kept in an action's mask; unknown flags are dropped", () => {
  const t = new ThreadSignals();
  t.setBlocked((1n << 64n) - 1n);
  assert.equal(t.blocked & UNBLOCKABLE, 0n);
  const s = new SignalState();
  s.setAction(SIG.USR1, act(0x1000, 0x10000000 | 0x00200000, bit(SIG.KILL) | bit(SIG.USR2)));
  assert.deepEqual(s.action(SIG.USR1), act(0x1000, 0x10000000, bit(SIG.USR2)));
});

test("installing SIG_IGN, or SIG_DFL for a default-ignore signal, drops it from the shared pending set", () => {
  const r = receiver();
  r.thread.setBlocked(bit(SIG.USR1) | bit(SIG.CHLD));
  r.proc.setAction(SIG.CHLD, act(0x1000));
  sendSignal(r, kill(SIG.USR1), "process");
  sendSignal(r, kill(SIG.CHLD), "process");
  assert.equal(r.proc.setAction(SIG.USR1, act(SIG_IGN)), true);
  assert.equal(r.proc.setAction(SIG.CHLD, act(SIG_DFL)), true);
  assert.equal(r.proc.shared.set, 0n);
  r.proc.setAction(SIG.PIPE, act(SIG_IGN));
  r.proc.setAction(SIG.USR2, act(0x2000));
  assert.equal(r.proc.ignoredMask(), bit(SIG.PIPE) | bit(SIG.USR1));
  assert.equal(r.proc.caughtMask(), bit(SIG.USR2));
});

test("next_signal: synchronous signals first, then by number; SIGCONT cancels pending stops and the reverse", () => {
  const set = bit(SIG.HUP) | bit(SIG.BUS) | bit(40) | bit(SIG.TSTP);
  assert.equal(nextOf(set), SIG.BUS);
  assert.equal(nextOf(set & ~bit(SIG.BUS)), SIG.HUP);
  assert.equal(nextOf(bit(64)), 64);
  const r = receiver();
  r.thread.setBlocked(bit(SIG.TSTP) | bit(SIG.CONT));
  sendSignal(r, kill(SIG.TSTP), "process");
  sendSignal(r, kill(SIG.CONT), "process");
  assert.equal(r.proc.shared.set, bit(SIG.CONT), "SIGCONT removes the pending stop");
  sendSignal(r, kill(SIG.TSTP), "process");
  assert.equal(r.proc.shared.set, bit(SIG.TSTP), "and a stop the pending SIGCONT");
  r.proc.stopped = true;
  let woken = 0;
  r.thread.interrupt = () => woken++;
  sendSignal(r, kill(SIG.CONT), "process");
  assert.equal(r.proc.stopped, false, "SIGCONT continues a stopped process");
  assert.equal(woken, 1);
});

test("a synchronous fault is forced: blocked or ignored, it reverts to SIG_DFL and is unblocked", () => {
  const r = receiver();
  r.proc.setAction(SIG.SEGV, act(0x1000));
  r.thread.setBlocked(bit(SIG.SEGV));
  forceSignal(r, { signo: SIG.SEGV, errno: 0, code: 1, addr: 0 });
  assert.equal(r.proc.handler(SIG.SEGV), SIG_DFL);
  assert.equal(r.thread.blocked & bit(SIG.SEGV), 0n);
  assert.ok(r.thread.pending.has(SIG.SEGV));
  const q = receiver();
  q.proc.setAction(SIG.ILL, act(0x1000));
  forceSignal(q, { signo: SIG.ILL, errno: 0, code: 1, addr: 0 });
  assert.equal(q.proc.handler(SIG.ILL), 0x1000, "caught and unblocked: the handler stays");
  const p = new SigPending();
  p.add(kill(SIG.USR1), true);
  p.add({ signo: SIG.SEGV, errno: 0, code: 1, addr: 8 }, true);
  assert.equal(p.firstFault(0n)?.signo, SIG.SEGV);
  assert.equal(p.firstFault(bit(SIG.SEGV)), undefined);
  assert.equal(fromKernel(SIG.ALRM).code, SI.KERNEL);
});

test("raise(): the personality's entry queues a thread-directed SI_USER signal; ignored signals are dropped", () => {
  const task = new Task({ uid: 1000, gid: 1000, path: "/bin/x", cpus: 1, memBytes: 1 << 26, accounts: { userNs: () => 0n, systemNs: () => 0n, minorFaults: () => 0 } });
  const ctx = { task, sig: new ThreadSignals(), killedBy: undefined, log: () => {} } as unknown as SysContext;
  task.signals.setAction(SIG.PIPE, act(SIG_IGN));
  assert.equal(raise(ctx, SIG.PIPE), "dropped");
  task.signals.setAction(SIG.PIPE, act(SIG_DFL));
  assert.equal(raise(ctx, SIG.PIPE), "queued");
  assert.deepEqual(ctx.sig.pending.peek(SIG.PIPE), { signo: SIG.PIPE, errno: 0, code: SI.USER, pid: 1, uid: 1000 });
  assert.equal(task.signals.groupExit, SIG.PIPE, "unblocked, with its default action: the process goes");
  assert.throws(() => raise(ctx, 65), RangeError);
});
