// Interruptible waits (TASK_INTERRUPTIBLE): a system call that may wait for long — a sleep, a
// read of the console, pause, sigsuspend, a futex — waits through `interruptible`, so that a
// signal sent to the thread meanwhile wakes it. The call then returns one of the restart codes
// below (never seen by the program: delivery turns it into EINTR or a restart, deliver.ts), as
// Linux's calls return -ERESTARTSYS and friends once signal_pending():
//
//   const r = yield* interruptible(ctx, { kind: "event", what: "..." });
//   if (r === INTERRUPTED) return -ERESTARTSYS;
//
// `interruptible` returns at once, without waiting, when a signal is already pending (the
// caller must then not wait either); else it waits for `block` with the thread's `interrupt`
// hook set, and returns INTERRUPTED if a signal woke it, or what the block's own wake-up gave.
// A sender wakes the thread through that hook (send.ts), on the thread's processor: for now the
// only one (threads on other processors will be reached by a kernel message that calls it).

import type { Block } from "../../kernel/sched/thread.js";
import type { SysContext } from "../process/syscalls.js";
import { signalPending } from "./send.js";

/** What an interrupted wait returns. */
export const INTERRUPTED: unique symbol = Symbol("interrupted by a signal");

/** The kernel's restart codes (include/linux/errno.h), as negated results of a call. */
export const ERESTARTSYS = 512, ERESTARTNOINTR = 513, ERESTARTNOHAND = 514, ERESTART_RESTARTBLOCK = 516;

/**
 * Is a signal pending for the calling thread (signal_pending(current))? A thread told to die
 * (LinuxSystem.doom) counts as one, as a pending SIGKILL does in Linux: the doom's wake-up may
 * have come while the thread was not in an interruptible wait (inside a PPC, say), and a wait it
 * begins afterwards must not sleep through it.
 */
export const pendingFor = (ctx: SysContext): boolean =>
  signalPending(ctx.task.signals, ctx.sig) || ctx.task.signals.groupExit !== undefined || ctx.thread.doomed;

/** Wait for `block` unless a signal interrupts: INTERRUPTED, or the value the thread was woken with. */
export function* interruptible(ctx: SysContext, block: Block): Generator<Block, unknown, unknown> {
  if (pendingFor(ctx)) return INTERRUPTED;
  const sched = ctx.k.sched, me = sched.current;
  if (me === undefined) throw new Error("interruptible wait outside a thread");
  const t = ctx.sig;
  t.interrupt = () => sched.wake(me, INTERRUPTED);
  try {
    return yield block;
  } finally {
    t.interrupt = undefined;
  }
}
