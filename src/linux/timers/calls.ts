// The timers family: POSIX timers, timer and signal descriptors (registered in
// linux/syscalls/registry.ts).

import type { Handler } from "../process/syscalls.js";
import { POSIX_TIMER_CALLS } from "./posix-timers.js";
import { SIGNALFD_CALLS } from "./signalfd.js";
import { TIMERFD_CALLS } from "./timerfd.js";

export const TIMER_CALLS: Record<string, Handler> = {
  ...POSIX_TIMER_CALLS,
  ...TIMERFD_CALLS,
  ...SIGNALFD_CALLS,
};

/** What the family's handlers do not do yet. */
export const TIMER_PARTIAL: Record<string, string> = {
  timerfd_settime: "TFD_TIMER_CANCEL_ON_SET is accepted, but a step of CLOCK_REALTIME does not cancel the timer (no ECANCELED)",
  timerfd_settime64: "TFD_TIMER_CANCEL_ON_SET is accepted, but a step of CLOCK_REALTIME does not cancel the timer (no ECANCELED)",
  timer_create: "SIGEV_THREAD_ID to a thread that later ends sends nothing; RLIMIT_SIGPENDING does not count timers",
};
