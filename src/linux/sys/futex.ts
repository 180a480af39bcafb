// futex(2) for a process of one thread (threads come with the next issue): every check and
// every effect on memory as Linux makes them, with the one fact of this process model — no
// other thread exists that could wait or wake. So a wake finds no waiter (0 woken, as Linux
// answers when nobody waits), FUTEX_WAKE_OP still performs its atomic operation on the second
// word, a requeue moves nobody, and a wait whose word matches blocks until its timeout or a
// signal (or for ever: the machine's deadlock report names it). glibc's single-
// threaded paths (pthread_once, the stdio and malloc locks) wake with nobody waiting.

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { readGuest, writeGuest } from "./guest-mem.js";
import { argInt, argPtr, mem } from "./user.js";
import { readTimespec, validTimespec, timespecAbi, type TimespecAbi } from "./time.js";
import { sleepUntil, waitForSignal } from "../signals/sleep.js";
import { ERESTARTNOHAND, ERESTARTSYS, ERESTART_RESTARTBLOCK } from "../signals/interruptible.js";

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_FD = 2, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5;
const FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
const FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
const FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
const FUTEX_OP_OPARG_SHIFT = 8;

/** The u32 at `va` in the process's byte order. */
function load(ctx: SysContext, va: number): number {
  const b = readGuest(mem(ctx), va, 4);
  return new DataView(b.buffer).getUint32(0, ctx.image.le);
}

function store(ctx: SysContext, va: number, v: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, ctx.image.le);
  writeGuest(mem(ctx), va, b);
}

/**
 * Wait on a word nobody else can change or wake: until `deadline` (monotonic ns), for ever, or
 * until a signal interrupts: then ERESTARTSYS (restarted after a handler with SA_RESTART), or
 * for a timed wait ERESTART_RESTARTBLOCK with a restart that checks the word again and waits
 * to the same deadline (futex_wait_restart).
 */
function waitAlone(ctx: SysContext, uaddr: number, val: number, deadlineNs: bigint | undefined, what: string): Pending {
  if (deadlineNs === undefined) {
    return (function* (): Pending {
      ctx.task.voluntarySwitches++;
      const r = yield* waitForSignal(ctx, `futex ${what} (the process's only thread: only a signal can end it)`);
      return r === -ERESTARTNOHAND ? -ERESTARTSYS : r;
    })();
  }
  return (function* (): Pending {
    if ((yield* sleepUntil(ctx, deadlineNs)) === "done") return -E.ETIMEDOUT;
    ctx.sig.restart = (c) => (load(c, uaddr) !== val ? -E.EAGAIN : waitAlone(c, uaddr, val, deadlineNs, what));
    return -ERESTART_RESTARTBLOCK;
  })();
}

/** FUTEX_WAKE_OP's operation on the old value: the new value, or undefined for an unknown op. */
function wakeOp(encoded: number, old: number): number | undefined {
  let op = (encoded >>> 28) & 15;
  let oparg = (encoded << 8) >> 20; // bits 12..23, sign-extended
  if ((op & FUTEX_OP_OPARG_SHIFT) !== 0) {
    // Linux warns about shifts outside 0..31 and masks them.
    oparg = 1 << (oparg & 31);
    op &= 7;
  }
  switch (op) {
    case 0: return oparg;
    case 1: return (old + oparg) | 0;
    case 2: return old | oparg;
    case 3: return old & ~oparg;
    case 4: return old ^ oparg;
    default: return undefined;
  }
}

/** FUTEX_WAKE_OP's comparison of the old value (decides whether waiters of uaddr2 wake). */
function wakeCmp(encoded: number, old: number): boolean | undefined {
  const cmp = (encoded >>> 24) & 15;
  const arg = (encoded << 20) >> 20; // bits 0..11, sign-extended
  const o = old | 0;
  switch (cmp) {
    case 0: return o === arg;
    case 1: return o !== arg;
    case 2: return o < arg;
    case 3: return o <= arg;
    case 4: return o > arg;
    case 5: return o >= arg;
    default: return undefined;
  }
}

const futex = (abi?: TimespecAbi): Handler => (ctx) => {
  const uaddr = argPtr(ctx, 0), op = argInt(ctx, 1), val = argInt(ctx, 2) >>> 0;
  const cmd = op & FUTEX_CMD_MASK;
  const realtime = (op & FUTEX_CLOCK_REALTIME) !== 0;
  if (realtime && cmd !== FUTEX_WAIT_BITSET && cmd !== FUTEX_WAIT && cmd !== 11 /* LOCK_PI2 */ && cmd !== 13 /* WAIT_REQUEUE_PI */) return -E.ENOSYS;
  if (uaddr % 4 !== 0) return -E.EINVAL;
  const ts = abi ?? timespecAbi(ctx);
  switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
      const bitset = cmd === FUTEX_WAIT ? 0xffffffff : argInt(ctx, 5) >>> 0;
      if (bitset === 0) return -E.EINVAL;
      const tp = argPtr(ctx, 3);
      let deadline: bigint | undefined;
      if (tp !== 0) {
        const t = validTimespec(readTimespec(ctx, tp, ts));
        if (t === undefined) return -E.EINVAL;
        // FUTEX_WAIT: relative; FUTEX_WAIT_BITSET: absolute, CLOCK_MONOTONIC or CLOCK_REALTIME.
        if (cmd === FUTEX_WAIT) deadline = ctx.time.monotonicNs() + t;
        else deadline = realtime ? ctx.time.monotonicNs() + (t - ctx.time.realtimeNs()) : t;
      }
      if (load(ctx, uaddr) !== val) return -E.EAGAIN;
      return waitAlone(ctx, uaddr, val, deadline, `wait at ${uaddr.toString(16)}`);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
      if (cmd === FUTEX_WAKE_BITSET && argInt(ctx, 5) === 0) return -E.EINVAL;
      return 0; // no waiter exists
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const uaddr2 = argPtr(ctx, 4);
      if (uaddr2 % 4 !== 0) return -E.EINVAL;
      if ((val | 0) < 0 || argInt(ctx, 3) < 0) return -E.EINVAL;
      if (cmd === FUTEX_CMP_REQUEUE && load(ctx, uaddr) !== argInt(ctx, 5) >>> 0) return -E.EAGAIN;
      return 0; // nobody to wake or move
    }
    case FUTEX_WAKE_OP: {
      const uaddr2 = argPtr(ctx, 4), encoded = argInt(ctx, 5);
      if (uaddr2 % 4 !== 0) return -E.EINVAL;
      const old = load(ctx, uaddr2);
      const next = wakeOp(encoded, old);
      if (next === undefined || wakeCmp(encoded, old) === undefined) return -E.ENOSYS;
      store(ctx, uaddr2, next);
      return 0; // the operation is done; no waiter on either word
    }
    case FUTEX_FD:
      return -E.ENOSYS; // removed from Linux in 2.6.26
    default:
      ctx.log(`futex operation ${cmd}: priority-inheritance futexes come with threads (issue 10), returning ENOSYS`);
      return -E.ENOSYS;
  }
};

export const FUTEX_CALLS: Record<string, Handler> = {
  futex: futex(),
  futex_time64: futex("time64"),
};

export const FUTEX_PARTIAL: Record<string, string> = {
  futex: "one thread per process until issue 10: wakes find no waiter, a matching wait sleeps until its timeout; PI operations ENOSYS",
  futex_time64: "one thread per process until issue 10: wakes find no waiter, a matching wait sleeps until its timeout; PI operations ENOSYS",
};
