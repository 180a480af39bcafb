// The one place System V IPC waits: a semop that cannot proceed, a msgsnd to a full queue, a
// msgrcv with nothing to receive. The waiter is a record on its object's queue (its kernel
// thread and processor's kernel); whoever changes the object decides the waiter's outcome
// (done), then wakes it. The blocked thread waits outside every object, for an event —
// or, with a timeout, a sleep until its deadline — that the waker's wake ends; a thread told to
// stop waiting (LinuxSystem.interrupt: told to die, a signal) is woken with INTERRUPTED.
//
// Every wait of the IPC calls goes through `ipcWait` and every wake through `ipcWake`, so that
// routing them through the signal and wait-channel code later is a change here only.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block, Thread } from "../../kernel/sched/thread.js";
import { INTERRUPTED, interruptible } from "../signals/interruptible.js";
import type { SysContext } from "../process/syscalls.js";

/** The token a waiter is woken with by the object's change. */
const IPC_WOKEN = Symbol("ipc woken");

export interface IpcWaiter {
  readonly thread: Thread;
  readonly k: Kernel;
  /** Set by the waker before it wakes: the waiter's outcome is decided (its queue entry is gone). */
  done: boolean;
}

/** How a wait ended. */
export type WaitEnd = "woken" | "timeout" | "interrupted";

/** A waiter record for the calling thread. */
export function waiterOf(ctx: SysContext): IpcWaiter {
  const kt = ctx.thread.kthread;
  if (kt === undefined) throw new Error("an IPC wait outside a running thread");
  return { thread: kt, k: ctx.k, done: false };
}

/** The object changed for `w`: its outcome is set; let it run. */
export function ipcWake(w: IpcWaiter): void {
  w.done = true;
  w.k.sched.wake(w.thread, IPC_WOKEN);
}

/**
 * Wait until `w` is woken by its object (its outcome set), `deadlineNs` (monotonic
 * nanoseconds) passes, or the thread is interrupted. A wake for something else (none is
 * expected) waits again. The caller takes the waiter off its queue unless it was woken.
 */
export function* ipcWait(ctx: SysContext, w: IpcWaiter, what: string, deadlineNs: bigint | undefined): Generator<Block, WaitEnd, unknown> {
  ctx.task.voluntarySwitches++;
  for (;;) {
    if (w.done) return "woken";
    let got: unknown;
    // Interruptible (signals/interruptible.ts): a signal sent to the thread wakes it.
    if (deadlineNs === undefined) got = yield* interruptible(ctx, { kind: "event", what });
    else {
      // The monotonic clock counts the machine's clock: the deadline is a machine time (as futex's).
      const now = ctx.time.monotonicNs();
      if (deadlineNs <= now) return w.done ? "woken" : "timeout";
      got = yield* interruptible(ctx, { kind: "sleep", until: Number(deadlineNs > now + 10n ** 17n ? now + 10n ** 17n : deadlineNs) });
    }
    if (w.done) return "woken";
    if (got === INTERRUPTED) return "interrupted";
  }
}
