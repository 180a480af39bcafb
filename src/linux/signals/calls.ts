// The signal-delivery family, as registry.ts takes families: sending (kill-calls.ts, and through
// process descriptors, pidfd.ts), waiting
// (wait-calls.ts), returning from handlers (sigreturn.ts) and the interval timers (itimers.ts).
// The actions, masks, pending sets and the alternate stack stay in sys/signals.ts.

import type { Handler } from "../process/syscalls.js";
import { KILL_CALLS } from "./kill-calls.js";
import { WAIT_CALLS } from "./wait-calls.js";
import { SIGRETURN_CALLS } from "./sigreturn.js";
import { ITIMER_CALLS } from "./itimers.js";
import { PIDFD_CALLS, PIDFD_PARTIAL } from "./pidfd.js";

export const DELIVERY_CALLS: Readonly<Record<string, Handler>> = { ...KILL_CALLS, ...WAIT_CALLS, ...SIGRETURN_CALLS, ...ITIMER_CALLS, ...PIDFD_CALLS };

export const DELIVERY_PARTIAL: Readonly<Record<string, string>> = { ...PIDFD_PARTIAL };
