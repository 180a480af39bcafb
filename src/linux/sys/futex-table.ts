// The futex wait queues of one processor's processes (Linux's futex hash): waiters by key, in
// arrival order. A key names the word as Linux does (get_futex_key): a private futex, or any
// futex in private memory, by its address space and virtual address; a futex in shared memory
// by the physical address of the word, so that processes mapping the page at different places
// meet on it. A waiter is a record (its kernel thread, its bitset) on the queue: the blocked
// thread waits outside every object, for an event the waker's wake() ends.

import type { Thread } from "../../kernel/sched/thread.js";
import type { Kernel } from "../../kernel/kernel.js";
import { Access } from "../../machine/power/mmu.js";
import type { SysContext } from "../process/syscalls.js";
import { E } from "../errno.js";
import { SysError, writeGuest } from "./guest-mem.js";
import { mem } from "./user.js";

/** The token a woken waiter's wait ends with. */
export const FUTEX_WOKEN = Symbol("futex woken");

export interface FutexWaiter {
  key: string;
  readonly bitset: number;
  readonly thread: Thread;
  readonly k: Kernel;
  woken: boolean;
}

export class FutexTable {
  private readonly queues = new Map<string, FutexWaiter[]>();

  /** The key of the u32 at `va` (EFAULT if it is not mapped). `priv`: FUTEX_PRIVATE_FLAG. */
  key(ctx: SysContext, va: number, priv: boolean): string {
    const space = ctx.space;
    if (!priv) {
      const r = space.find(va);
      if (r === undefined) throw new SysError(E.EFAULT);
      const shared = ctx.k.cos.callNow(r.fcm, (f) => f.shared);
      if (shared) {
        let pa = space.resident(va);
        if (pa < 0) {
          const f = space.faultNow(va, Access.Read);
          if (f.kind !== "mapped") throw new SysError(E.EFAULT);
          pa = space.resident(va);
          if (pa < 0) throw new SysError(E.EFAULT);
        }
        return `p${pa + (va % 4096)}`;
      }
    }
    return `m${space.proc}:${va}`;
  }

  enqueue(w: FutexWaiter): void {
    let q = this.queues.get(w.key);
    if (q === undefined) {
      q = [];
      this.queues.set(w.key, q);
    }
    q.push(w);
  }

  /** Take `w` off its queue (a timeout or an interruption); false if a wake took it already. */
  remove(w: FutexWaiter): boolean {
    const q = this.queues.get(w.key);
    const i = q === undefined ? -1 : q.indexOf(w);
    if (q === undefined || i < 0) return false;
    q.splice(i, 1);
    if (q.length === 0) this.queues.delete(w.key);
    return true;
  }

  /** Wake up to `n` waiters of `key` whose bitset meets `bitset`; how many. */
  wake(key: string, n: number, bitset = 0xffffffff): number {
    const q = this.queues.get(key);
    if (q === undefined) return 0;
    let woken = 0;
    for (let i = 0; i < q.length && woken < n;) {
      const w = q[i];
      if ((w.bitset & bitset) === 0) {
        i++;
        continue;
      }
      q.splice(i, 1);
      w.woken = true;
      w.k.sched.wake(w.thread, FUTEX_WOKEN);
      woken++;
    }
    if (q.length === 0) this.queues.delete(key);
    return woken;
  }

  /** Wake up to `n` waiters of `from`, move up to `move` of the rest to `to`; woken + moved. */
  requeue(from: string, to: string, n: number, move: number): number {
    const woken = this.wake(from, n);
    const q = this.queues.get(from);
    if (q === undefined || move <= 0) return woken;
    const moved = q.splice(0, Math.min(move, q.length));
    if (q.length === 0) this.queues.delete(from);
    for (const w of moved) {
      w.key = to;
      this.enqueue(w);
    }
    return woken + moved.length;
  }

  /** Waiters queued on `key` (tests, /proc). */
  waiting(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }

  /** A thread ends with CLONE_CHILD_CLEARTID at `va`: the word becomes 0 and one waiter wakes. */
  clearTid(ctx: SysContext, va: number): void {
    const b = new Uint8Array(4); // a u32 in either byte order
    writeGuest(mem(ctx), va, b);
    this.wake(this.key(ctx, va, false), 1);
  }
}
