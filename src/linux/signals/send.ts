// Sending a signal (kernel/signal.c: prepare_signal, __send_signal_locked, complete_signal,
// force_sig_info_to_task). A signal goes to a thread (tkill, tgkill, a fault, SIGPIPE) or to the
// process (kill, sigqueue, timers). On the way:
//   1. a stop signal cancels a pending SIGCONT, SIGCONT cancels pending stops and continues a
//      stopped process; a signal the receiver ignores is dropped unless the thread blocks it
//      (the handler may change before it is unblocked);
//   2. a standard signal already pending is not queued again; a real-time one queues with its
//      siginfo while the process's queued siginfos stay within RLIMIT_SIGPENDING (past it a
//      sigqueue fails with EAGAIN, a kill loses its siginfo but not the signal);
//   3. the thread is woken if it does not block the signal — from an interruptible wait, or
//      from a stop for SIGKILL; a signal whose default action terminates (not a core dump) and
//      that nothing blocks starts the process's exit at once (SIGKILL joins the thread's set).
// Delivery (deliver.ts) takes it at the thread's next return to user mode.
//
// A process-directed signal is taken by one thread that does not block it (complete_signal): the
// receiver's thread (the leader for kill and sigqueue) if it wants the signal, else the next
// one that does, searching round from where the last search stopped (signal->curr_target); the
// chosen thread is woken. A signal every thread blocks stays pending for the process.

import type { SysContext } from "../process/syscalls.js";
import { Rlimit } from "../task/resource-limits.js";
import type { SignalState } from "../task/signal-state.js";
import { DefaultAction, SIG, SIG_DFL, SIG_IGN, STOP_SIGNALS, bit, defaultAction } from "./numbers.js";
import { SIGRTMIN } from "./pending.js";
import { SI, type SigInfo } from "./siginfo.js";
import type { ThreadSignals } from "./thread-signals.js";

/** Whom a signal is for: the thread (its own pending set) or the process (the shared one). */
export type Scope = "thread" | "process";

/** What became of a sent signal. */
export type Sent =
  /** Pending (with its siginfo, or without when the queue was full). */
  | "queued"
  /** Dropped: ignored, a standard signal already pending, or the process is exiting. */
  | "dropped"
  /** A real-time sigqueue past RLIMIT_SIGPENDING (the caller returns EAGAIN). */
  | "overflow";

/** The receiving process and thread, and its RLIMIT_SIGPENDING. */
export interface Receiver {
  readonly proc: SignalState;
  readonly thread: ThreadSignals;
  /** The soft RLIMIT_SIGPENDING of the receiver's user. */
  readonly sigpendingLimit: () => number;
  /**
   * The process's live threads (not told to end), in creation order: where a process-directed
   * signal `thread` does not want looks for another taker. Absent: `thread` alone.
   */
  readonly threads?: () => readonly ThreadSignals[];
}

/** The calling process and thread as a signal's receiver. */
export function receiverOf(ctx: SysContext): Receiver {
  return {
    proc: ctx.task.signals, thread: ctx.sig,
    sigpendingLimit: () => Number(ctx.task.limits.get(Rlimit.SIGPENDING)?.cur ?? 0n),
    threads: () => [...ctx.thread.proc.threads.values()].filter((o) => !o.doomed).map((o) => o.sig),
  };
}

/** sig_ignored: a signal the thread does not block (nor waits for) and whose action ignores it. */
function ignoredBy(r: Receiver, sig: number): boolean {
  const t = r.thread;
  if (((t.blocked | t.realBlocked) & bit(sig)) !== 0n) return false;
  return r.proc.ignored(sig);
}

/** prepare_signal: the stop/continue side effects; false when the signal is to be dropped. */
function prepare(r: Receiver, sig: number): boolean {
  const p = r.proc;
  if (p.groupExit !== undefined) return false;
  if ((bit(sig) & STOP_SIGNALS) !== 0n) {
    p.shared.drop(bit(SIG.CONT));
    r.thread.pending.drop(bit(SIG.CONT));
  } else if (sig === SIG.CONT) {
    p.shared.drop(STOP_SIGNALS);
    r.thread.pending.drop(STOP_SIGNALS);
    if (p.stopped) {
      p.stopped = false;
      p.continuedNotice = true; // the continued process tells its parent (job-stop.ts)
      r.thread.interrupt?.(); // the stopped thread runs again
    }
  }
  return !ignoredBy(r, sig);
}

/** A signal whose default action ends the process without a core dump, and which has no handler (sig_fatal). */
function fatal(p: SignalState, sig: number): boolean {
  const d = defaultAction(sig);
  return p.handler(sig) === SIG_DFL && (d === DefaultAction.Terminate || d === DefaultAction.Core);
}

/** Send `info` to the receiver, for the thread or the whole process. */
export function sendSignal(r: Receiver, info: SigInfo, scope: Scope): Sent {
  const sig = info.signo;
  if (!prepare(r, sig)) return "dropped";
  const pending = scope === "thread" ? r.thread.pending : r.proc.shared;
  if (sig < SIGRTMIN && pending.has(sig)) return "dropped";
  // The kernel's own signals and kill's (si_code >= 0) always get their siginfo.
  const override = info.code >= 0;
  const queued = r.proc.shared.queued + r.thread.pending.queued;
  const room = override || queued < r.sigpendingLimit();
  if (!room && sig >= SIGRTMIN && info.code !== SI.USER) return "overflow";
  pending.add(info, room);
  r.proc.signalfd?.notify();
  complete(r, sig, scope);
  return "queued";
}

/**
 * send_sigqueue: a POSIX timer's own siginfo (timers/), queued even when a standard signal of
 * its number is pending already (each timer has one siginfo, which the timer tracks itself).
 * False when the receiver ignores the signal (nothing is queued).
 */
export function sendSigqueue(r: Receiver, info: SigInfo, scope: Scope): boolean {
  const sig = info.signo;
  if (!prepare(r, sig)) return false;
  const pending = scope === "thread" ? r.thread.pending : r.proc.shared;
  pending.set |= bit(sig);
  pending.queue.push(info);
  r.proc.signalfd?.notify();
  complete(r, sig, scope);
  return true;
}

/**
 * wants_signal: `t` may take `sig` now — it does not block it, and (but for SIGKILL) the process
 * is not stopped and `t` is not already on its way to a signal of its own while asleep (Linux's
 * "running, or no signal pending": a thread that sleeps with one pending will take that first).
 */
function wants(p: SignalState, t: ThreadSignals, sig: number): boolean {
  if ((t.blocked & bit(sig)) !== 0n) return false;
  if (sig === SIG.KILL) return true;
  if (p.stopped) return false;
  // (The signal being sent is already in the thread's set when it is thread-directed: not counted.)
  const asleep = t.interrupt !== undefined;
  return !asleep || (t.pending.set & ~t.blocked & ~bit(sig)) === 0n;
}

/** complete_signal's choice: the thread to take `sig`, or undefined when none wants it now. */
function chooseTaker(r: Receiver, sig: number, scope: Scope): ThreadSignals | undefined {
  const p = r.proc;
  if (wants(p, r.thread, sig)) return r.thread;
  const all = scope === "process" ? r.threads?.() : undefined;
  if (all === undefined || all.length <= 1) return undefined;
  // Round from the last chosen thread (curr_target), as Linux balances signals over threads.
  const from = p.currTarget !== undefined ? Math.max(0, all.indexOf(p.currTarget)) : 0;
  for (let i = 0; i < all.length; i++) {
    const t = all[(from + i) % all.length];
    if (wants(p, t, sig)) {
      p.currTarget = t;
      return t;
    }
  }
  return undefined;
}

/** complete_signal: wake the thread that takes the signal; a fatal one starts the exit. */
function complete(r: Receiver, sig: number, scope: Scope): void {
  const p = r.proc;
  const t = chooseTaker(r, sig, scope);
  if (t === undefined) return;
  if (fatal(p, sig) && defaultAction(sig) !== DefaultAction.Core && (t.realBlocked & bit(sig)) === 0n) {
    p.groupExit = sig;
    t.pending.set |= bit(SIG.KILL);
  }
  t.interrupt?.();
}

/**
 * force_sig_info_to_task: a synchronous signal (a fault, a trap) that must reach the thread:
 * if it is blocked or ignored, its action becomes SIG_DFL and it is unblocked, so the fault
 * kills instead of repeating for ever.
 */
export function forceSignal(r: Receiver, info: SigInfo): void {
  const sig = info.signo, t = r.thread;
  const blocked = (t.blocked & bit(sig)) !== 0n;
  if (blocked || r.proc.handler(sig) === SIG_IGN) {
    r.proc.resetHandler(sig);
    if (blocked) t.setBlocked(t.blocked & ~bit(sig));
  }
  sendSignal(r, info, "thread");
}

/** Is a signal ready for the thread: pending (for it or its process) and not blocked (signal_pending)? */
export function signalPending(p: SignalState, t: ThreadSignals): boolean {
  return ((t.pending.set | p.shared.set) & ~t.blocked) !== 0n;
}
