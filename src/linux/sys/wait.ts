// How the personality waits for objects to change (pipes, eventfds, FIFO partners, poll and
// select): every such wait goes through `waitOn`, one function, interruptible by signals (the
// block goes through signals/interruptible.ts). The rest is the retry loop around it, steps
// W1–W5 of kernel/sched/wait-channel.ts: try; subscribe to the object's channels; try again;
// block; try again (still subscribed), and so on until an answer.
//
// The file layer (src/linux/vfs) has no system-call context: it waits through its Vfs's
// `wait`, which LinuxSystem.vfsOptions points at `waitOn` for the calling thread.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { ChannelWait, WaitEnd } from "../../kernel/sched/wait-channel.js";
import type { SysContext } from "../process/syscalls.js";
import { ERESTARTSYS, INTERRUPTED, interruptible } from "../signals/interruptible.js";
import { SysError } from "./guest-mem.js";

/** How a wait ended: a notify (look again), the deadline, or a signal for the thread. */
export type WaitOutcome = WaitEnd | "interrupted";

/** A wait on prepared channels until machine time `until` (Infinity: none). */
export type Waiter = (w: ChannelWait, until: number) => Generator<Block, WaitOutcome, unknown>;

/**
 * The personality's one wait: block the calling thread on the channels `w` subscribed to, until
 * a notify, `until`, or a signal the thread must take ("interrupted": at once, without waiting,
 * if one is pending already; a thread told to die counts as one).
 */
export function* waitOn(ctx: SysContext, w: ChannelWait, until: number): Generator<Block, WaitOutcome, unknown> {
  ctx.task.voluntarySwitches++;
  let interrupted = false;
  const end = yield* ctx.k.waits.block(w, until, function* (b) {
    const r = yield* interruptible(ctx, b);
    if (r === INTERRUPTED) interrupted = true;
    return r;
  });
  return interrupted ? "interrupted" : end;
}

/** A wait without a thread to interrupt (kernel-level tests; a Vfs without the personality). */
export const plainWaiter: Waiter = (w, until) => w.k.waits.block(w, until);

/**
 * Run `attempt` until it answers (anything but undefined), waiting on `channels` between
 * attempts (`what` names the wait for debuggers). The attempt must be a fresh look at the object
 * each time; it may make PPCs. A signal ends the wait with SysError(ERESTARTSYS): delivery makes
 * it EINTR, or restarts the call after a handler with SA_RESTART (as Linux's pipe and eventfd
 * waits, and a FIFO open's, answer).
 */
export function* untilReady<T>(
  k: Kernel, wait: Waiter, channels: readonly number[], what: string, attempt: () => Generator<Block, T | undefined, unknown>,
): Generator<Block, T, unknown> {
  let w: ChannelWait | undefined;
  try {
    for (;;) {
      const r = yield* attempt();
      if (r !== undefined) return r;
      if (w === undefined) {
        w = k.waits.prepare(channels, what); // and look again before blocking
        continue;
      }
      if ((yield* wait(w, Infinity)) === "interrupted") throw new SysError(ERESTARTSYS, `${what}: interrupted by a signal`);
      k.waits.finish(w);
      w = undefined;
      w = k.waits.prepare(channels, what); // subscribed for the next look already
    }
  } finally {
    if (w !== undefined) k.waits.finish(w);
  }
}
