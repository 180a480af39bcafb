// A task's scheduling attributes as Linux reports them (kernel/sched/core.c): the nice value,
// the policy with its static priority and SCHED_RESET_ON_FORK, and the CPU affinity mask.
// The checks are Linux's (can_nice against RLIMIT_NICE, RLIMIT_RTPRIO for real-time policies,
// CAP_SYS_NICE). Nice and the policy change nothing observable yet. The affinity mask here is
// the process's leader's (for /proc); each thread keeps its own (LinuxThread.affinity), which
// placement and rebalancing honour (process/balance.ts).
// Owned by the one task; changed only by its system calls.

export const enum Policy {
  Normal = 0,
  Fifo = 1,
  RR = 2,
  Batch = 3,
  Idle = 5,
  Deadline = 6,
}

export const SCHED_RESET_ON_FORK = 0x40000000;
/** The highest real-time priority (MAX_RT_PRIO - 1). */
export const RT_PRIO_MAX = 99;

export function validPolicy(p: number): p is Policy {
  return p === Policy.Normal || p === Policy.Fifo || p === Policy.RR || p === Policy.Batch || p === Policy.Idle;
}

export const isRealtime = (p: Policy): boolean => p === Policy.Fifo || p === Policy.RR;

/** nice_to_rlimit: nice -20..19 as RLIMIT_NICE's 40..1 scale. */
export const niceToRlimit = (nice: number): number => 20 - nice;

export class Scheduling {
  nice = 0;
  policy: Policy = Policy.Normal;
  /** sched_priority: 1..99 for FIFO and RR, 0 otherwise. */
  priority = 0;
  resetOnFork = false;
  /** A bit per processor the task may run on. */
  affinity: bigint;

  constructor(cpus: number) {
    this.affinity = (1n << BigInt(cpus)) - 1n;
  }
}
