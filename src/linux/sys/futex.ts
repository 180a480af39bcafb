// futex(2): the waits and wakes of threads and processes on a 32-bit word, as Linux does them —
// every check and every effect on memory, with the queues of sys/futex-table.ts (keys by
// address space and address for private futexes, by physical address for shared ones). A wait
// is a record on its key's queue and a kernel wait outside every object; it ends by a wake, its
// timeout, or an interruption (its thread told to die, or a signal).
//
// Priority-inheritance operations (LOCK_PI, UNLOCK_PI, TRYLOCK_PI, WAIT_REQUEUE_PI,
// CMP_REQUEUE_PI, LOCK_PI2) are not built: ENOSYS, logged.

import type { Handler, Pending, SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { readGuest, writeGuest } from "./guest-mem.js";
import { argInt, argPtr, mem } from "./user.js";
import { readTimespec, validTimespec, timespecAbi, type TimespecAbi } from "./time.js";
import { FUTEX_WOKEN, type FutexWaiter } from "./futex-table.js";
import { ERESTARTSYS, ERESTART_RESTARTBLOCK, INTERRUPTED, interruptible } from "../signals/interruptible.js";

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
 * Wait on `key` until woken, `deadline` (monotonic ns) passes (ETIMEDOUT) or a signal
 * interrupts: then ERESTARTSYS (restarted after a handler with SA_RESTART), or for a timed wait
 * ERESTART_RESTARTBLOCK with a restart that checks the word again and waits to the same
 * deadline (futex_wait_restart).
 */
function waitOn(ctx: SysContext, key: string, bitset: number, deadlineNs: bigint | undefined, uaddr: number, val: number): Pending {
  const table = ctx.thread.proc.sys.futexes;
  const kt = ctx.thread.kthread;
  if (kt === undefined) throw new Error("futex wait outside a running thread");
  const w: FutexWaiter = { key, bitset, thread: kt, k: ctx.k, woken: false };
  table.enqueue(w);
  return (function* (): Pending {
    ctx.task.voluntarySwitches++;
    let got: unknown;
    if (deadlineNs === undefined) {
      got = yield* interruptible(ctx, { kind: "event", what: `futex ${key}` });
    } else {
      const now = ctx.time.monotonicNs();
      // The monotonic clock counts the machine's clock (sys/time.ts sleepFor): the deadline is a machine time.
      if (deadlineNs > now) got = yield* interruptible(ctx, { kind: "sleep", until: Number(deadlineNs > now + 10n ** 17n ? now + 10n ** 17n : deadlineNs) });
    }
    if (got === FUTEX_WOKEN || w.woken) return 0;
    table.remove(w);
    if (got !== INTERRUPTED) return -E.ETIMEDOUT;
    if (deadlineNs === undefined) return -ERESTARTSYS;
    const d = deadlineNs;
    ctx.sig.restart = (c) => {
      if (load(c, uaddr) !== val) return -E.EAGAIN;
      return waitOn(c, key, bitset, d, uaddr, val);
    };
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
  const table = ctx.thread.proc.sys.futexes;
  const priv = (op & FUTEX_PRIVATE_FLAG) !== 0;
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
      const key = table.key(ctx, uaddr, priv);
      if (load(ctx, uaddr) !== val) return -E.EAGAIN;
      return waitOn(ctx, key, bitset, deadline, uaddr, val);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET: {
      const bitset = cmd === FUTEX_WAKE ? 0xffffffff : argInt(ctx, 5) >>> 0;
      if (bitset === 0) return -E.EINVAL;
      return table.wake(table.key(ctx, uaddr, priv), (val | 0) <= 0 ? 0 : val, bitset);
    }
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE: {
      const uaddr2 = argPtr(ctx, 4);
      if (uaddr2 % 4 !== 0) return -E.EINVAL;
      const move = argInt(ctx, 3);
      if ((val | 0) < 0 || move < 0) return -E.EINVAL;
      const k1 = table.key(ctx, uaddr, priv), k2 = table.key(ctx, uaddr2, priv);
      if (cmd === FUTEX_CMP_REQUEUE && load(ctx, uaddr) !== argInt(ctx, 5) >>> 0) return -E.EAGAIN;
      return table.requeue(k1, k2, val, move);
    }
    case FUTEX_WAKE_OP: {
      const uaddr2 = argPtr(ctx, 4), encoded = argInt(ctx, 5), n2 = argInt(ctx, 3);
      if (uaddr2 % 4 !== 0) return -E.EINVAL;
      const k1 = table.key(ctx, uaddr, priv), k2 = table.key(ctx, uaddr2, priv);
      const old = load(ctx, uaddr2);
      const next = wakeOp(encoded, old);
      const cmp = wakeCmp(encoded, old);
      if (next === undefined || cmp === undefined) return -E.ENOSYS;
      store(ctx, uaddr2, next);
      let n = table.wake(k1, (val | 0) <= 0 ? 0 : val);
      if (cmp) n += table.wake(k2, n2 <= 0 ? 0 : n2);
      return n;
    }
    case FUTEX_FD:
      return -E.ENOSYS; // removed from Linux in 2.6.26
    default:
      ctx.log(`futex operation ${cmd}: priority-inheritance futexes are not built, returning ENOSYS`);
      return -E.ENOSYS;
  }
};

export const FUTEX_CALLS: Record<string, Handler> = {
  futex: futex(),
  futex_time64: futex("time64"),
};

export const FUTEX_PARTIAL: Record<string, string> = {
  futex: "priority-inheritance operations ENOSYS",
  futex_time64: "priority-inheritance operations ENOSYS",
};
