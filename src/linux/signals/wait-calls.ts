// The calls that wait for signals (kernel/signal.c): pause, rt_sigsuspend (and ppc32's old
// sigsuspend), rt_sigtimedwait (ppc32 also its _time64 form), and restart_syscall, which runs
// what an interrupted call left to restart.
//
// pause and sigsuspend wait until a signal is pending for the thread, then answer
// ERESTARTNOHAND: delivery runs the handler and the call returns EINTR, or — when the signal
// needed no handler (it was ignored at delivery) — the call starts again. sigsuspend waits with
// its mask and has the old one put back after the handler (ThreadSignals.savedMask).
// rt_sigtimedwait takes a signal of its set without running a handler: at once if one is
// pending, else it unblocks the set while it waits (real_blocked keeps the old mask) until one
// comes (its number), the timeout (EAGAIN) or another signal (EINTR).

import type { Block } from "../../kernel/sched/thread.js";
import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { readTimespec, validTimespec, timespecAbi, type TimespecAbi } from "../sys/time.js";
import { argPtr, getSigset, readStruct } from "../sys/user.js";
import { writeGuest } from "../sys/guest-mem.js";
import { guestMem } from "../process/syscalls.js";
import { UNBLOCKABLE } from "./numbers.js";
import { siginfoBytes, type SigInfo } from "./siginfo.js";
import { ERESTARTNOHAND, INTERRUPTED, interruptible } from "./interruptible.js";

/** sizeof(sigset_t): 64 signals. */
const SIGSET_SIZE = 8;

/** Wait until a signal is pending for the thread (any wake-up that is not one waits again). */
function* untilSignal(ctx: SysContext, what: string): Generator<Block, void, unknown> {
  while ((yield* interruptible(ctx, { kind: "event", what })) !== INTERRUPTED) {
    // woken for something else: wait again
  }
}

const pause: Handler = (ctx) => (function* (): Pending {
  ctx.task.voluntarySwitches++;
  yield* untilSignal(ctx, "pause: a signal");
  return -ERESTARTNOHAND;
})();

/** sigsuspend(&set): wait with `set` blocked, the current mask saved for after the handler. */
function suspend(ctx: SysContext, set: bigint): Pending {
  const t = ctx.sig;
  t.savedMask = t.blocked;
  t.setBlocked(set);
  return (function* (): Pending {
    ctx.task.voluntarySwitches++;
    yield* untilSignal(ctx, "sigsuspend: a signal");
    return -ERESTARTNOHAND;
  })();
}

const rtSigsuspend: Handler = (ctx) => {
  if (argPtr(ctx, 1) !== SIGSET_SIZE) return -E.EINVAL;
  const set = getSigset(readStruct(ctx, argPtr(ctx, 0), SIGSET_SIZE), 0, ctx.image.is64);
  return suspend(ctx, set);
};

/** ppc32's sigsuspend(old_sigset_t mask): signals 1..32 blocked as the mask says, the others not. */
const oldSigsuspend: Handler = (ctx) => suspend(ctx, BigInt(ctx.cpu.r[6] >>> 0));

/** Take the first signal of `wanted` pending for the thread (its own first), or undefined. */
function takeOf(ctx: SysContext, wanted: bigint): SigInfo | undefined {
  const t = ctx.sig, p = ctx.task.signals;
  for (const from of [t.pending, p.shared]) {
    const sig = from.next(~wanted);
    if (sig !== 0) return from.take(sig);
  }
  return undefined;
}

/** rt_sigtimedwait(set, info, timeout, sigsetsize). */
const rtSigtimedwait = (abi?: TimespecAbi): Handler => (ctx) => {
  const setp = argPtr(ctx, 0), infop = argPtr(ctx, 1), tsp = argPtr(ctx, 2);
  if (argPtr(ctx, 3) !== SIGSET_SIZE) return -E.EINVAL;
  const wanted = getSigset(readStruct(ctx, setp, SIGSET_SIZE), 0, ctx.image.is64) & ~UNBLOCKABLE;
  let timeout: bigint | undefined;
  if (tsp !== 0) {
    const t = validTimespec(readTimespec(ctx, tsp, abi ?? timespecAbi(ctx)));
    if (t === undefined) return -E.EINVAL;
    timeout = t;
  }
  const answer = (info: SigInfo): number => {
    if (infop !== 0) writeGuest(guestMem(ctx), infop, siginfoBytes(info, ctx.image.is64, ctx.image.le));
    return info.signo;
  };
  const now = takeOf(ctx, wanted);
  if (now !== undefined) return answer(now);
  if (timeout === 0n) return -E.EAGAIN;
  const deadline = timeout === undefined ? undefined : ctx.time.monotonicNs() + timeout;
  return (function* (): Pending {
    const t = ctx.sig;
    // While waiting, the signals waited for are unblocked so that their arrival wakes the thread.
    t.realBlocked = t.blocked;
    t.setBlocked(t.blocked & ~wanted);
    ctx.task.voluntarySwitches++;
    let interrupted = false;
    try {
      for (;;) {
        if (deadline !== undefined && ctx.time.monotonicNs() >= deadline) break;
        const block: Block = deadline === undefined ? { kind: "event", what: "rt_sigtimedwait: a signal" } : { kind: "sleep", until: Number(deadline) };
        if ((yield* interruptible(ctx, block)) === INTERRUPTED) {
          interrupted = true;
          break;
        }
      }
    } finally {
      t.setBlocked(t.realBlocked);
      t.realBlocked = 0n;
    }
    const got = takeOf(ctx, wanted);
    if (got !== undefined) return answer(got);
    return interrupted ? -E.EINTR : -E.EAGAIN;
  })();
};

/** restart_syscall: the interrupted call's restart, or EINTR when there is none (after a sigreturn). */
const restartSyscall: Handler = (ctx) => {
  const fn = ctx.sig.restart;
  if (fn === undefined) return -E.EINTR;
  return fn(ctx);
};

export const WAIT_CALLS: Record<string, Handler> = {
  pause,
  rt_sigsuspend: rtSigsuspend,
  sigsuspend: oldSigsuspend,
  rt_sigtimedwait: rtSigtimedwait(),
  rt_sigtimedwait_time64: rtSigtimedwait("time64"),
  restart_syscall: restartSyscall,
};

