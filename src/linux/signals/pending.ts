// A set of pending signals with their siginfo queue (struct sigpending): a thread's own
// (tkill, faults) or a process's shared one (kill, timers). A standard signal (1..31) is
// pending at most once: sending it again while it is pending changes nothing (legacy_queue).
// A real-time signal (32..64) queues every instance with its siginfo, and they are taken in
// the order sent. A signal can be pending without a siginfo when the queue was full (the
// RLIMIT_SIGPENDING rule in send.ts): it is then taken with an SI_USER siginfo of zeros, as
// Linux's collect_signal does.
//
// Owned by whoever owns the set (ThreadSignals or SignalState); changed only on the
// processor that runs the process's threads.

import { bit, SIG } from "./numbers.js";
import { SI, type SigInfo } from "./siginfo.js";

/** The kernel's SIGRTMIN: signals from here on queue (glibc reserves 32..34 for itself). */
export const SIGRTMIN = 32;

/** The synchronous signals, which next_signal takes before the others (SYNCHRONOUS_MASK). */
export const SYNCHRONOUS = [SIG.SEGV, SIG.BUS, SIG.ILL, SIG.TRAP, SIG.FPE, SIG.SYS] as const;
const SYNC_MASK = SYNCHRONOUS.reduce((m, s) => m | bit(s), 0n);

/** The lowest signal of a non-empty set. */
function lowest(set: bigint): number {
  let s = 1;
  let x = set;
  while ((x & 0xffffffffn) === 0n) {
    x >>= 32n;
    s += 32;
  }
  let lo = Number(x & 0xffffffffn);
  while ((lo & 1) === 0) {
    lo >>>= 1;
    s++;
  }
  return s;
}

/** next_signal: the first signal of `set` (synchronous ones first, then the lowest), or 0. */
export function nextOf(set: bigint): number {
  if (set === 0n) return 0;
  const sync = set & SYNC_MASK;
  if (sync !== 0n) {
    for (const s of SYNCHRONOUS) if ((sync & bit(s)) !== 0n) return s;
  }
  return lowest(set);
}

export class SigPending {
  /** The pending signals, bit (sig - 1). */
  set = 0n;
  /** The queued siginfos, oldest first (several per real-time signal). */
  readonly queue: SigInfo[] = [];

  has(sig: number): boolean {
    return (this.set & bit(sig)) !== 0n;
  }

  /**
   * Make `sig` pending with `info` if it may be queued (`queue`: the siginfo could be
   * allocated), else without one. False when a standard signal was already pending (nothing
   * changes).
   */
  add(info: SigInfo, queue: boolean): boolean {
    const sig = info.signo;
    if (sig < SIGRTMIN && this.has(sig)) return false;
    this.set |= bit(sig);
    if (queue) this.queue.push(info);
    return true;
  }

  /** The first signal of this set not in `blocked` (next_signal), or 0. */
  next(blocked: bigint): number {
    return nextOf(this.set & ~blocked);
  }

  /**
   * The first queued synchronous fault not in `blocked` (a siginfo with si_code > 0 from the
   * kernel, as dequeue_synchronous_signal takes them), or undefined.
   */
  firstFault(blocked: bigint): SigInfo | undefined {
    if ((this.set & ~blocked & SYNC_MASK) === 0n) return undefined;
    const q = this.queue.find((i) => i.code > SI.USER && (bit(i.signo) & SYNC_MASK) !== 0n);
    return q !== undefined && (bit(q.signo) & blocked) === 0n ? q : undefined;
  }

  /** What taking `sig` would give, without taking it (a timer's signal is rearmed by the look: info.taken). */
  peek(sig: number): SigInfo {
    const q = this.queue.find((i) => i.signo === sig);
    return q === undefined ? { signo: sig, errno: 0, code: SI.USER, pid: 0, uid: 0 } : q.taken?.() ?? q;
  }

  /**
   * collect_signal: take `sig`'s first siginfo (or, without one, the zeroed SI_USER one); the
   * signal stays pending while another instance is queued. `which` takes that very siginfo.
   */
  take(sig: number, which?: SigInfo): SigInfo {
    let i = which !== undefined ? this.queue.indexOf(which) : -1;
    if (i < 0) i = this.queue.findIndex((q) => q.signo === sig);
    const info = i >= 0 ? this.queue.splice(i, 1)[0] : { signo: sig, errno: 0, code: SI.USER, pid: 0, uid: 0 };
    if (!this.queue.some((q) => q.signo === sig)) this.set &= ~bit(sig);
    return info.taken?.() ?? info;
  }

  /** Forget every pending instance of the signals in `mask` (flush_sigqueue_mask). */
  drop(mask: bigint): void {
    if ((this.set & mask) === 0n) return;
    this.set &= ~mask;
    for (let i = this.queue.length - 1; i >= 0; i--) if ((bit(this.queue[i].signo) & mask) !== 0n) this.queue.splice(i, 1);
  }

  /** Queued siginfos (what counts against RLIMIT_SIGPENDING). */
  get queued(): number {
    return this.queue.length;
  }
}
