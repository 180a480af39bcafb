// The interval timers of a process (struct signal_struct's real_timer and it[]): each an
// expiry and a reload interval in nanoseconds. ITIMER_REAL counts on the monotonic clock and
// sends SIGALRM; ITIMER_VIRTUAL counts the process's user CPU time (SIGVTALRM); ITIMER_PROF its
// user and system CPU time (SIGPROF). Data only: itimers.ts arms and fires them.

/** One interval timer: `expiry` on its clock (undefined: disarmed), `interval` (0: one shot). */
export interface ITimer {
  expiry: bigint | undefined;
  interval: bigint;
}

import { PosixTimerTable } from "../timers/timer-table.js";

export class ITimerState {
  readonly real: ITimer = { expiry: undefined, interval: 0n };
  readonly virt: ITimer = { expiry: undefined, interval: 0n };
  readonly prof: ITimer = { expiry: undefined, interval: 0n };
  /**
   * The kernel thread that sleeps until ITIMER_REAL's expiry and sends SIGALRM (itimers.ts);
   * `rearm` wakes it when the timer changes, `stop` ends it with the process.
   */
  runner: { rearm(): void; stop(): void } | undefined;
  /** The process's POSIX timers (timer_create; linux/timers), which share this life: none after fork. */
  readonly posix = new PosixTimerTable();
}
