// CPU-time clocks (kernel/time/posix-cpu-timers.c): CLOCK_PROCESS_CPUTIME_ID,
// CLOCK_THREAD_CPUTIME_ID and the clock ids clock_getcpuclockid and pthread_getcpuclockid make,
// ~pid << 3 | per-thread << 2 | which, where which is PROF (0, user and system time), VIRT (1,
// user time) or SCHED (2, the run time; here user and system time as well, exact to the
// nanosecond). Pid 0 names the caller (its process, or with the per-thread bit its thread).
//
// The time is virtual, as times() and getrusage count it: a thread's user time is the
// instructions it retired times the machine's cost of one, its system time the kernel work
// charged to it (ThreadClock); a process's is its live threads' and its ended threads' (the
// personality's accountsOf). Any process's process clock can be read; a thread clock only
// within the caller's own process (pid_for_clock).

import type { SysContext } from "../process/syscalls.js";
import type { LinuxProcess, LinuxThread } from "../process/lprocess.js";

export const CPUCLOCK_PROF = 0, CPUCLOCK_VIRT = 1, CPUCLOCK_SCHED = 2;
const CPUCLOCK_MAX = 3;
const CPUCLOCK_PERTHREAD = 4;

/** The clock id of a process's (pid 0: the caller's) CPU clock of kind `which`. */
export const processClockId = (pid: number, which: number): number => (~pid << 3) | which;
/** The clock id of a thread's (tid 0: the caller) CPU clock. */
export const threadClockId = (tid: number, which: number): number => (~tid << 3) | CPUCLOCK_PERTHREAD | which;

/** What a CPU clock counts: a process, or one thread of the caller's process. */
export interface CpuClock {
  readonly which: number;
  readonly proc: LinuxProcess;
  /** The thread of a per-thread clock. */
  readonly thread: LinuxThread | undefined;
  /** The caller's own process or thread. */
  readonly own: boolean;
}

/** The CPU clock `id` names (a negative id, or 2 and 3), or undefined when no such clock is (EINVAL). */
export function cpuClock(ctx: SysContext, id: number): CpuClock | undefined {
  if (id === 2) return cpuClock(ctx, processClockId(0, CPUCLOCK_SCHED));
  if (id === 3) return cpuClock(ctx, threadClockId(0, CPUCLOCK_SCHED));
  if (id >= 0) return undefined;
  const which = id & 3, perThread = (id & CPUCLOCK_PERTHREAD) !== 0, pid = ~(id >> 3);
  if (which >= CPUCLOCK_MAX) return undefined;
  const me = ctx.thread, sys = me.proc.sys;
  if (perThread) {
    const t = pid === 0 ? me : sys.threadsByTid.get(pid);
    if (t === undefined || t.proc !== me.proc) return undefined;
    return { which, proc: t.proc, thread: t, own: t === me };
  }
  // The process by its pid, or (clock_gettime) by the pid of one of its threads.
  const p = pid === 0 ? me.proc : sys.procs.get(pid) ?? sys.threadsByTid.get(pid)?.proc;
  if (p === undefined || p.ended) return undefined;
  if (pid !== 0 && pid !== p.pid && p !== me.proc) return undefined;
  return { which, proc: p, thread: undefined, own: p === me.proc };
}

/** The clock's time now, in nanoseconds. */
export function sampleCpu(c: CpuClock): bigint {
  const cost = BigInt(c.proc.sys.k.port.cost.instruction);
  if (c.thread !== undefined) {
    const k = c.thread.clock;
    const user = BigInt(k.instructions) * cost;
    return c.which === CPUCLOCK_VIRT ? user : user + BigInt(k.kernelCycles);
  }
  const a = c.proc.sys.accountsOf(c.proc.pid);
  return c.which === CPUCLOCK_VIRT ? a.userNs() : a.userNs() + a.systemNs();
}
