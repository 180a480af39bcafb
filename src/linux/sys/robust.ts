// Robust futexes at a thread's end (Linux's exit_robust_list, kernel/futex/core.c): the thread
// registered with set_robust_list the head of a list, in its own memory, of the robust mutexes it
// holds. When it ends without unlocking them, each mutex word that still names it as
// owner gets FUTEX_OWNER_DIED, keeps FUTEX_WAITERS, and wakes one waiter — whose lock then
// returns EOWNERDEAD instead of sleeping for ever.
//
// The head is { list, futex_offset, list_op_pending } in the process's word size; an entry's
// address with bit 0 set marks a PI mutex; each entry's futex word is at entry + futex_offset.
// The walk stops at the head, after ROBUST_LIST_LIMIT entries (a loop in a corrupted list), or at
// an unreadable entry (Linux stops quietly too: the thread is gone, there is nobody to tell).
//
// The update is a read and a write on the home processor, where every system call of the process
// runs; the mutex word is not changed atomically against another thread's lwarx/stwcx. running
// at that moment elsewhere (a thread that still runs can only be trying to take the lock, and
// then it waits on the futex and is woken).

import type { SysContext } from "../process/syscalls.js";
import { GuestFault } from "../../machine/power/mmu.js";
import { SysError } from "./guest-mem.js";
import type { FutexTable } from "./futex-table.js";
import { getU32, putU32, readStruct } from "./user.js";

const FUTEX_WAITERS = 0x80000000, FUTEX_OWNER_DIED = 0x40000000, FUTEX_TID_MASK = 0x3fffffff;
const ROBUST_LIST_LIMIT = 2048;

/** The robust list's work for thread `tid` whose head is at `head` (0: none registered). */
export function exitRobustList(ctx: SysContext, futexes: FutexTable, head: number, tid: number): void {
  if (head === 0) return;
  const is64 = ctx.image.is64;
  const word = is64 ? 8 : 4;
  const readWord = (va: number): number => readStruct(ctx, va, word).getULong(0, is64);
  const readSigned = (va: number): number => readStruct(ctx, va, word).getLong(0, is64);
  /** An address in the process's word size (a 32-bit sum wraps). */
  const wrap = (va: number): number => (word === 8 ? va : va >>> 0);
  /** handle_futex_death for the futex word at `uaddr`; `pending`: the list_op_pending entry. */
  const death = (uaddr: number, pi: boolean, pending: boolean): void => {
    if (uaddr % 4 !== 0) return;
    const uval = getU32(ctx, uaddr);
    // A lock that was being taken when the thread died: nobody owns it, but a waiter may sleep.
    if (pending && !pi && uval === 0) {
      futexes.wake(futexes.key(ctx, uaddr, false), 1);
      return;
    }
    if ((uval & FUTEX_TID_MASK) !== tid) return;
    putU32(ctx, uaddr, ((uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED) >>> 0);
    if (!pi && (uval & FUTEX_WAITERS) !== 0) futexes.wake(futexes.key(ctx, uaddr, false), 1);
  };
  try {
    const first = readWord(head);
    const offset = readSigned(head + word);
    const pendingRaw = readWord(head + 2 * word);
    const pending = pendingRaw - (pendingRaw & 1);
    let entry = first, limit = ROBUST_LIST_LIMIT;
    while (entry !== head) {
      const pi = (entry & 1) !== 0;
      const at = entry - (entry & 1);
      const next = readWord(at);
      // The pending entry is handled once, below.
      if (at !== pending) death(wrap(at + offset), pi, false);
      entry = next;
      if (--limit === 0) break;
    }
    if (pending !== 0) death(wrap(pending + offset), (pendingRaw & 1) !== 0, true);
  } catch (e) {
    if (e instanceof SysError || e instanceof GuestFault) return;
    throw e;
  }
}
