// The timers family: POSIX timers, timer and signal descriptors (registered in
// linux/syscalls/registry.ts).

import type { Handler } from "../process/syscalls.js";
import { POSIX_TIMER_CALLS } from "./posix-timers.js";

export const TIMER_CALLS: Record<string, Handler> = {
  ...POSIX_TIMER_CALLS,
};

/** What the family's handlers do not do yet. */
export const TIMER_PARTIAL: Record<string, string> = {
  timer_create: "SIGEV_THREAD_ID to a thread that later ends sends nothing; RLIMIT_SIGPENDING does not count timers",
};
