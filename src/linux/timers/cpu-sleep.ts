// clock_nanosleep on a CPU-time clock another thread or process advances (posix_cpu_nsleep):
// the sleeper looks at the clock once a tick of machine time (Linux's CPU timers fire at the
// tick too) until it reaches the deadline. Interrupted by a signal, a relative sleep writes the
// CPU time left and restarts to the same deadline; an absolute one runs again as it was.

import type { Pending, SysContext } from "../process/syscalls.js";
import { ERESTARTNOHAND, ERESTART_RESTARTBLOCK, INTERRUPTED, interruptible } from "../signals/interruptible.js";
import { TICK_NS } from "../sys/time.js";
import { sampleCpu, type CpuClock } from "./cpu-clocks.js";

/** Sleep until CPU clock `c` reads `deadline`: 0, or a restart code after a signal. */
export function cpuSleep(ctx: SysContext, c: CpuClock, deadline: bigint, abs: boolean, rem?: (left: bigint) => void): Pending {
  return (function* (): Pending {
    ctx.task.voluntarySwitches++;
    for (;;) {
      if (sampleCpu(c) >= deadline) return 0;
      const until = Number(ctx.time.monotonicNs() + TICK_NS);
      if ((yield* interruptible(ctx, { kind: "sleep", until })) === INTERRUPTED) break;
    }
    if (abs) return -ERESTARTNOHAND;
    const left = deadline - sampleCpu(c);
    if (left <= 0n) return 0;
    rem?.(left);
    ctx.sig.restart = (x) => cpuSleep(x, c, deadline, false, rem);
    return -ERESTART_RESTARTBLOCK;
  })();
}
