// How the personality waits for objects to change (pipes, eventfds, FIFO partners, poll and
// select): every such wait goes through `waitOn`, one function, so that the signal code can
// make all of them interruptible in one place. The rest is the retry loop around it, steps
// W1–W5 of kernel/sched/wait-channel.ts: try; subscribe to the object's channels; try again;
// block; try again (still subscribed), and so on until an answer.
//
// The file layer (src/linux/vfs) has no system-call context: it waits through its Vfs's
// `wait`, which LinuxSystem.vfsOptions points at `waitOn` for the calling thread.

import type { Kernel } from "../../kernel/kernel.js";
import type { Block } from "../../kernel/sched/thread.js";
import type { ChannelWait, WaitEnd } from "../../kernel/sched/wait-channel.js";
import type { SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { SysError } from "./guest-mem.js";

/** A wait on prepared channels until machine time `until` (Infinity: none). */
export type Waiter = (w: ChannelWait, until: number) => Generator<Block, WaitEnd, unknown>;

/**
 * The personality's one wait: block the calling thread on the channels `w` subscribed to, until
 * a notify or `until`. [integrator: signals] route the block through interruptible(ctx, …)
 * here: a signal that interrupts the wait makes it throw SysError(EINTR) (or the restart
 * errno), which unwinds every caller's retry loop and unsubscribes it.
 */
export function* waitOn(ctx: SysContext, w: ChannelWait, until: number): Generator<Block, WaitEnd, unknown> {
  // A thread told to die (exit_group, execve, a fatal signal: LinuxSystem.doom) is woken from
  // its wait and stops waiting; it ends at its return to user mode.
  if (ctx.thread.doomed) throw new SysError(E.EINTR);
  ctx.task.voluntarySwitches++;
  const end = yield* ctx.k.waits.block(w, until);
  if (ctx.thread.doomed) throw new SysError(E.EINTR);
  return end;
}

/** A wait without a process (a kernel-level default; the runner replaces it). */
export const plainWaiter: Waiter = (w, until) => w.k.waits.block(w, until);

/**
 * Run `attempt` until it answers (anything but undefined), waiting on `channels` between
 * attempts (`what` names the wait for debuggers). The attempt must be a fresh look at the object
 * each time; it may make PPCs.
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
      yield* wait(w, Infinity);
      k.waits.finish(w);
      w = undefined;
      w = k.waits.prepare(channels, what); // subscribed for the next look already
    }
  } finally {
    if (w !== undefined) k.waits.finish(w);
  }
}
