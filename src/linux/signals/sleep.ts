// Interruptible sleeps with Linux's restart rules (kernel/time/hrtimer.c do_nanosleep,
// hrtimer_nanosleep_restart): a relative sleep that a signal interrupts writes the time left to
// its `rem` and answers ERESTART_RESTARTBLOCK, leaving a restart that sleeps on to the same
// deadline (restart_syscall runs it when no handler ran; a handler makes it EINTR, even with
// SA_RESTART, as POSIX wants of nanosleep); an absolute sleep answers ERESTARTNOHAND (the call
// runs again as it was). A sleep that reaches its deadline answers 0, signal or not.

import type { Block } from "../../kernel/sched/thread.js";
import type { Pending, SysContext } from "../process/syscalls.js";
import { ERESTARTNOHAND, ERESTART_RESTARTBLOCK, INTERRUPTED, interruptible } from "./interruptible.js";

/** Sleep until `deadline` (CLOCK_MONOTONIC ns): "done" at the deadline, or "interrupted". */
export function* sleepUntil(ctx: SysContext, deadline: bigint): Generator<Block, "done" | "interrupted", unknown> {
  // The largest wait the machine's clock takes (over 3 years of virtual time).
  const until = Number(deadline > 10n ** 17n ? 10n ** 17n : deadline);
  let blocked = false;
  for (;;) {
    if (ctx.time.monotonicNs() >= deadline) return "done";
    if (!blocked) {
      ctx.task.voluntarySwitches++;
      blocked = true;
    }
    if ((yield* interruptible(ctx, { kind: "sleep", until })) === INTERRUPTED) return "interrupted";
  }
}

/**
 * nanosleep and clock_nanosleep to `deadline`: 0, or the restart code after an interruption
 * (`rem` receives the time left of a relative sleep; it throws GuestFault for a bad pointer,
 * which the call answers with EFAULT).
 */
export function restartableSleep(ctx: SysContext, deadline: bigint, abs: boolean, rem?: (left: bigint) => void): Pending {
  return (function* (): Pending {
    if ((yield* sleepUntil(ctx, deadline)) === "done") return 0;
    if (abs) return -ERESTARTNOHAND;
    const left = deadline - ctx.time.monotonicNs();
    if (left <= 0n) return 0;
    rem?.(left);
    ctx.sig.restart = (c) => restartableSleep(c, deadline, false, rem);
    return -ERESTART_RESTARTBLOCK;
  })();
}

/** A wait nothing but a signal ends (a sleep on a CPU clock that cannot advance): ERESTARTNOHAND. */
export function* waitForSignal(ctx: SysContext, what: string): Pending {
  ctx.task.voluntarySwitches++;
  while ((yield* interruptible(ctx, { kind: "event", what })) !== INTERRUPTED) {
    // a spurious wake-up: wait again
  }
  return -ERESTARTNOHAND;
}
