// A process's POSIX timers (struct k_itimer in signal_struct's list): data only; posix-timers.ts
// arms and fires them. Ids are handed out in order from 0, per process, and not reused while
// the count has not wrapped (posix_timer_add). A new process (fork) starts with none; execve and
// the process's end delete them all.
//
// Owned by the process; changed only on its home processor (its system calls, its timers'
// kernel threads, its threads' returns to user mode).

import type { LinuxThread } from "../process/lprocess.js";
import type { CpuClock } from "./cpu-clocks.js";

/** SIGEV_* (asm-generic/siginfo.h). */
export const SIGEV_SIGNAL = 0, SIGEV_NONE = 1, SIGEV_THREAD = 2, SIGEV_THREAD_ID = 4;

/** The time line a timer's expiry is on. */
export type TimeLine = "real" | "tai" | "mono" | "cpu";

export interface PosixTimer {
  readonly id: number;
  readonly clockId: number;
  readonly line: TimeLine;
  /** The CPU clock of a CPU-time timer. */
  readonly cpu: CpuClock | undefined;
  /** SIGEV_SIGNAL, SIGEV_NONE, SIGEV_THREAD (the kernel treats it as SIGEV_SIGNAL) or SIGEV_THREAD_ID. */
  readonly notify: number;
  readonly signo: number;
  /** si_value as the guest's word holds it (sival_ptr: 64 bits on ppc64). */
  readonly value: bigint;
  /** SIGEV_THREAD_ID: the thread the signal goes to. */
  readonly target: LinuxThread | undefined;
  /** The next expiry on the timer's time line; undefined: disarmed (it_active 0). */
  expiry: bigint | undefined;
  /** The reload period (0: one shot). */
  interval: bigint;
  /** Periods missed since the signal was queued (it_overrun; -1 after a rearm, as Linux counts). */
  overrun: number;
  /** What timer_getoverrun answers: the overruns of the last delivered expiry (it_overrun_last). */
  overrunLast: number;
  /** A periodic timer fired and waits for its signal to be taken to run again (REQUEUE_PENDING). */
  requeuePending: boolean;
  /** Bumped by every timer_settime: a signal queued before it does not rearm the timer (it_requeue_pending's count). */
  gen: number;
  /** The timer's signal is queued and not yet taken; `extra`: expiries while it was (send_sigqueue's si_overrun++). */
  queued: { extra: number } | undefined;
  /** The kernel thread that sleeps until a clock timer's expiry; undefined for CPU-time and SIGEV_NONE timers. */
  runner: { wake(): void; stop(): void } | undefined;
  deleted: boolean;
}

export class PosixTimerTable {
  readonly timers = new Map<number, PosixTimer>();
  /** Armed CPU-time timers that send a signal: checked at each return to user mode. */
  readonly cpuArmed = new Set<PosixTimer>();
  private next = 0;

  /** The next id (it wraps at INT_MAX, skipping ids in use). */
  allocId(): number {
    for (;;) {
      const id = this.next;
      this.next = this.next >= 0x7fffffff ? 0 : this.next + 1;
      if (!this.timers.has(id)) return id;
    }
  }
}
